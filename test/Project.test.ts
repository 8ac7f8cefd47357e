import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as BitbucketError from "../src/BitbucketError.js"
import * as Project from "../src/Project.js"
import { json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"

const mars = {
  type: "project",
  uuid: "{5d4c3b2a-1111-4222-8333-444455556666}",
  key: "MARS",
  name: "Mars",
  description: "Software for colonizing Mars.",
  is_private: false,
  has_publicly_visible_repos: true,
  created_on: "2024-02-01T08:00:00.000000+00:00",
  updated_on: "2026-01-15T08:00:00.000000+00:00",
  owner: { type: "team", uuid: "{a1b2c3d4-0000-4000-8000-00000000acme}", display_name: "Acme Inc.", username: "acme" },
  workspace: { type: "workspace", slug: "acme", uuid: "{a1b2c3d4-0000-4000-8000-00000000acme}" },
  links: {
    self: { href: `${base}/workspaces/acme/projects/MARS` },
    html: { href: "https://bitbucket.org/acme/workspace/projects/MARS" },
    avatar: { href: "https://bitbucket.org/account/user/acme/projects/MARS/avatar/32" },
    repositories: { href: `${base}/repositories/acme?q=project.key="MARS"` }
  }
}

describe("Project", () => {
  it.effect("find sends GET /workspaces/{workspace}/projects/{project_key} and keeps unknown fields", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(mars))
      const project = yield* Project.find({ workspace: "acme", project_key: "MARS" }).pipe(Effect.provide(mock.anonymous))
      expect(project.name).toBe("Mars")
      expect(project.owner?.["username"]).toBe("acme")
      expect(project["workspace"]).toEqual(mars.workspace)
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${base}/workspaces/acme/projects/MARS`])
    }))

  it.effect("findForWorkspace streams GET /workspaces/{workspace}/projects with q, sort and pagelen", () =>
    Effect.gen(function*() {
      const venus = { ...mars, key: "VENUS", name: "Venus", uuid: "{5d4c3b2a-1111-4222-8333-777788889999}" }
      const mock = mockHttp(() => json({ values: [mars, venus], page: 1, pagelen: 25, size: 2 }))
      const all = yield* Stream.runCollect(
        Project.findForWorkspace({ workspace: "acme" }, { q: "is_private = false", sort: "name", pagelen: 25 })
      ).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(all).map((p) => p.key)).toEqual(["MARS", "VENUS"])
      expect(Chunk.unsafeHead(all).has_publicly_visible_repos).toBe(true)
      const request = mock.requests[0]!
      expect(request.method).toBe("GET")
      expect(request.url.pathname).toBe("/2.0/workspaces/acme/projects")
      expect(Object.fromEntries(request.url.searchParams)).toEqual({ q: "is_private = false", sort: "name", pagelen: "25" })
    }))

  it.effect("create POSTs the payload as JSON, the avatar as links.avatar.href", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(mars, 201))
      const project = yield* Project.create(
        { workspace: "acme" },
        {
          key: "MARS",
          name: "Mars",
          description: "Software for colonizing Mars.",
          is_private: false,
          avatar: "data:image/gif;base64,R0lGODlhEAAQAMQAAORHHOVSKudfOulrSOp3WOyDZu6QdvCchPGolfO0o"
        }
      ).pipe(Effect.provide(mock.anonymous))
      expect(project.uuid).toBe(mars.uuid)
      const request = mock.requests[0]!
      expect(request.method).toBe("POST")
      expect(request.url.toString()).toBe(`${base}/workspaces/acme/projects`)
      expect(JSON.parse(request.body)).toEqual({
        key: "MARS",
        name: "Mars",
        description: "Software for colonizing Mars.",
        is_private: false,
        links: { avatar: { href: "data:image/gif;base64,R0lGODlhEAAQAMQAAORHHOVSKudfOulrSOp3WOyDZu6QdvCchPGolfO0o" } }
      })
    }))

  it.effect("create without an avatar sends no links", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(mars, 201))
      yield* Project.create({ workspace: "acme" }, { key: "MARS", name: "Mars" }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({ key: "MARS", name: "Mars" })
    }))

  it.effect("an invalid payload fails with InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(mars, 201))
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ name: "Mars" }, "payload.key"],
        [{ key: "1MARS", name: "Mars" }, "payload.key"],
        [{ key: "MA RS", name: "Mars" }, "payload.key"],
        [{ key: "MARS", name: "" }, "payload.name"],
        [{ key: "MARS", name: "Mars", is_private: "no" }, "payload.is_private"]
      ]
      for (const [payload, parameter] of cases) {
        const error = yield* Effect.flip(Project.create({ workspace: "acme" }, payload as Project.CreatePayload)).pipe(
          Effect.provide(mock.anonymous)
        )
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error._tag === "InvalidInput" ? error.parameter : undefined).toBe(parameter)
      }
      const updateError = yield* Effect.flip(
        Project.update({ workspace: "acme", project_key: "MARS" }, { key: "not a key" })
      ).pipe(Effect.provide(mock.anonymous))
      expect(updateError).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("update PUTs only the given fields", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ ...mars, name: "Mars colony", is_private: true }))
      const project = yield* Project.update(
        { workspace: "acme", project_key: "MARS" },
        { name: "Mars colony", is_private: true }
      ).pipe(Effect.provide(mock.anonymous))
      expect(project.name).toBe("Mars colony")
      const request = mock.requests[0]!
      expect(request.method).toBe("PUT")
      expect(request.url.toString()).toBe(`${base}/workspaces/acme/projects/MARS`)
      expect(JSON.parse(request.body)).toEqual({ name: "Mars colony", is_private: true })
    }))

  it.effect("delete sends DELETE /workspaces/{workspace}/projects/{project_key}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      const result = yield* Project.delete({ workspace: "acme", project_key: "MARS" }).pipe(Effect.provide(mock.anonymous))
      expect(result).toBeUndefined()
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE ${base}/workspaces/acme/projects/MARS`])
    }))
})

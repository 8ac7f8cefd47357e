import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import * as BitbucketError from "../src/BitbucketError.js"
import * as Workspace from "../src/Workspace.js"
import { errorBody, json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"

const acme = {
  type: "workspace",
  uuid: "{a1b2c3d4-0000-4000-8000-00000000acme}",
  slug: "acme",
  name: "Acme Inc.",
  is_private: true,
  created_on: "2018-05-01T12:00:00.000000+00:00",
  links: {
    self: { href: `${base}/workspaces/acme` },
    html: { href: "https://bitbucket.org/acme/" },
    avatar: { href: "https://bitbucket.org/workspaces/acme/avatar/" },
    members: { href: `${base}/workspaces/acme/members` },
    projects: { href: `${base}/workspaces/acme/projects` },
    repositories: { href: `${base}/repositories/acme` }
  },
  forking_mode: "allow_forks"
}

const ada = {
  type: "user",
  uuid: "{d301aafa-d676-4ee0-88be-962be7417567}",
  account_id: "557058:1b5e7a3c",
  display_name: "Ada Lovelace",
  nickname: "ada",
  links: { avatar: { href: "https://secure.gravatar.com/avatar/ada" } }
}

const membership = (user: object) => ({
  type: "workspace_membership",
  user,
  workspace: { type: "workspace", uuid: acme.uuid, slug: "acme", name: "Acme Inc.", links: { self: acme.links.self } },
  links: { self: { href: `${base}/workspaces/acme/members/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D` } },
  permission: "owner"
})

describe("Workspace", () => {
  it.effect("find sends GET /workspaces/{workspace}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(acme))
      const ws = yield* Workspace.find({ workspace: "acme" }).pipe(Effect.provide(mock.anonymous))
      expect(ws.name).toBe("Acme Inc.")
      expect(ws["forking_mode"]).toBe("allow_forks")
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${base}/workspaces/acme`])
    }))

  it.effect("findForCurrentUser lists GET /user/workspaces and yields each entry's workspace", () =>
    Effect.gen(function*() {
      const access = {
        type: "workspace_access",
        workspace: acme,
        permission: "owner",
        administrator: true,
        last_accessed: "2026-03-01T09:00:00+00:00"
      }
      const mock = mockHttp(() => json({ values: [access], page: 1, pagelen: 10, size: 1 }))
      const workspaces = yield* Stream.runCollect(Workspace.findForCurrentUser()).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(workspaces).map((w) => w.slug)).toEqual(["acme"])
      const entries = yield* Stream.runCollect(Workspace.findAccessForCurrentUser()).pipe(Effect.provide(mock.anonymous))
      const entry = Chunk.unsafeHead(entries)
      expect(entry.permission).toBe("owner")
      expect(entry["administrator"]).toBe(true)
      expect(entry.workspace?.["forking_mode"]).toBe("allow_forks")
      expect(mock.requests.map((r) => r.url.pathname)).toEqual(["/2.0/user/workspaces", "/2.0/user/workspaces"])
    }))

  it.effect("findMembers streams GET /workspaces/{workspace}/members with the list options", () =>
    Effect.gen(function*() {
      const grace = { ...ada, uuid: "{11111111-2222-4333-8444-555555555555}", display_name: "Grace Hopper" }
      const mock = mockHttp(() => json({ values: [membership(ada), membership(grace)], page: 1, pagelen: 50, size: 2 }))
      const members = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Workspace.findMembers({ workspace: "acme" }, { pagelen: 50, q: 'user.nickname = "ada"' }))
          .pipe(Effect.provide(mock.anonymous))
      )
      expect(members.map((m) => m.user?.display_name)).toEqual(["Ada Lovelace", "Grace Hopper"])
      expect(members[0]!.workspace?.slug).toBe("acme")
      expect(members[0]!["permission"]).toBe("owner")
      const request = mock.requests[0]!
      expect(request.method).toBe("GET")
      expect(request.url.pathname).toBe("/2.0/workspaces/acme/members")
      expect(Object.fromEntries(request.url.searchParams)).toEqual({ pagelen: "50", q: 'user.nickname = "ada"' })
    }))

  it.effect("findMember sends GET /workspaces/{workspace}/members/{member}; a non-member is NotFound", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => i === 0 ? json(membership(ada)) : json(errorBody("No such member"), 404))
      const member = yield* Workspace.findMember({ workspace: "acme", member: "{d301aafa-d676-4ee0-88be-962be7417567}" })
        .pipe(Effect.provide(mock.anonymous))
      expect(member.type).toBe("workspace_membership")
      expect(member.user?.nickname).toBe("ada")
      expect(mock.requests[0]!.url.toString()).toBe(
        `${base}/workspaces/acme/members/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D`
      )
      const error = yield* Effect.flip(Workspace.findMember({ workspace: "acme", member: "557058:nobody" })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error).toBeInstanceOf(BitbucketError.NotFound)
      expect(mock.requests[1]!.url.pathname).toBe("/2.0/workspaces/acme/members/557058%3Anobody")
    }))
})

describe("Workspace permissions against the fake", () => {
  const fake = FakeBitbucket.layer()
  const asAlice = Layer.provideMerge(Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }), fake)
  const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
  const who = (grants: ReadonlyArray<Workspace.RepositoryPermission>) =>
    grants.map((g) => `${(g.repository as { full_name?: string } | undefined)?.full_name} ${g.user?.nickname} ${g.permission}`)

  it.effect("members with their permission, filtered by BBQL; effective repository permissions, all or one repository's", () =>
    Effect.gen(function*() {
      const owners = yield* collect(Workspace.findPermissions({ workspace: "acme" }, { q: 'permission = "owner"' }))
      expect(owners.map((m) => [m.user?.nickname, m.permission])).toEqual([["alice", "owner"]])
      const infra = yield* collect(Workspace.findRepositoryPermissions({ workspace: "acme", repo_slug: "infra" }))
      // Alice owns the workspace, Bob is a member, Carol was granted write on this repository only.
      expect(who(infra).sort()).toEqual(["acme/infra alice admin", "acme/infra bob read", "acme/infra carol write"])
      const all = yield* collect(Workspace.findRepositoryPermissions({ workspace: "acme" }, { q: 'permission = "write"', pagelen: 2 }))
      expect(who(all)).toEqual(["acme/infra carol write"])
      // Bob is no administrator: the listings of repository permissions are refused.
      const bob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
      expect(yield* Effect.flip(collect(Workspace.findRepositoryPermissions({ workspace: "acme" }))).pipe(Effect.provide(bob)))
        .toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(collect(Workspace.findRepositoryPermissions({ workspace: "acme", repo_slug: "infra" }))).pipe(Effect.provide(bob)))
        .toBeInstanceOf(BitbucketError.Forbidden)
    }).pipe(Effect.provide(asAlice)))
})

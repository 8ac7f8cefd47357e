import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { FakeBitbucket } from "../../src/testing/index.js"

const API = "https://api.bitbucket.org/2.0"
const TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token"

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`
const ALICE_TOKEN = basic("alice@example.com", "alice-api-token")
const BOB_TOKEN = basic("bob@example.com", "bob-api-token")
const CAROL_TOKEN = basic("carol@example.com", "carol-api-token")
const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const CLIENT = basic("fake-client-id", "fake-client-secret")

interface Reply {
  readonly status: number
  readonly body: any
  readonly headers: Readonly<Record<string, string>>
}

type Env = HttpClient.HttpClient | FakeBitbucket.FakeBitbucket

const send = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const response = yield* http.execute(request)
    const text = yield* response.text
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers } as Reply
  })

const get = (url: string, auth?: string) => {
  const request = HttpClientRequest.get(url.startsWith("http") ? url : `${API}${url}`)
  return send(auth === undefined ? request : HttpClientRequest.setHeader(request, "authorization", auth))
}

const withJson = (method: "POST" | "PUT", path: string, body: unknown, auth?: string) => {
  const request = HttpClientRequest.make(method)(`${API}${path}`).pipe(HttpClientRequest.bodyUnsafeJson(body))
  return send(auth === undefined ? request : HttpClientRequest.setHeader(request, "authorization", auth))
}

const tokenRequest = (form: Record<string, string>, auth: string | null = CLIENT) => {
  const request = HttpClientRequest.post(TOKEN_URL).pipe(HttpClientRequest.bodyUrlParams(form))
  return send(auth === null ? request : HttpClientRequest.setHeader(request, "authorization", auth))
}

const run = <A, E>(self: Effect.Effect<A, E, Env>, options?: FakeBitbucket.Options) =>
  Effect.provide(self, FakeBitbucket.layer(options))

const slugs = (reply: Reply): Array<string> => reply.body.values.map((r: { slug: string }) => r.slug)

const expectError = (reply: Reply, status: number) => {
  expect(reply.status).toBe(status)
  expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8")
  expect(reply.body.type).toBe("error")
  expect(typeof reply.body.error.message).toBe("string")
}

describe("FakeBitbucket", () => {
  describe("visibility", () => {
    it.effect("the anonymous see only public repositories", () =>
      run(Effect.gen(function*() {
        const demo = yield* get("/repositories/demo?pagelen=100")
        expect(demo.status).toBe(200)
        expect(demo.headers["content-type"]).toBe("application/json; charset=utf-8")
        expect(demo.body.size).toBe(12)
        expect(slugs(demo)).not.toContain("internal-notes")
        expect(demo.body.values.every((r: { is_private: boolean }) => r.is_private === false)).toBe(true)
        expectError(yield* get("/repositories/acme"), 404)
        expectError(yield* get("/repositories/demo/internal-notes"), 404)
        expectError(yield* get("/workspaces/acme"), 404)
        const ws = yield* get("/workspaces/demo")
        expect(ws.status).toBe(200)
        expect(ws.body).toMatchObject({ type: "workspace", slug: "demo", is_private: false })
      })))

    it.effect("members see private repositories; others get 403", () =>
      run(Effect.gen(function*() {
        expect((yield* get("/repositories/demo?pagelen=100", ALICE_TOKEN)).body.size).toBe(13)
        expect(slugs(yield* get("/repositories/acme", ALICE_TOKEN))).toEqual(["api", "website", "infra", "fast-parser"])
        expect((yield* get("/repositories/acme", BOB_TOKEN)).body.size).toBe(4)
        // Carol has an explicit permission on acme/infra only.
        expect(slugs(yield* get("/repositories/acme", CAROL_TOKEN))).toEqual(["infra"])
        const denied = yield* get("/repositories/acme/api", CAROL_TOKEN)
        expectError(denied, 403)
        expect(denied.body.error.message).toContain("Access denied")
        expectError(yield* get("/repositories/demo/internal-notes", CAROL_TOKEN), 403)
        expectError(yield* get("/repositories/demo/no-such-repo", ALICE_TOKEN), 404)
      })))

    it.effect("role filters by explicit permission", () =>
      run(Effect.gen(function*() {
        expect((yield* get("/repositories/acme?role=admin", BOB_TOKEN)).body.size).toBe(0)
        expect((yield* get("/repositories/acme?role=member", BOB_TOKEN)).body.size).toBe(4)
        expect((yield* get("/repositories/demo?role=contributor&pagelen=100", BOB_TOKEN)).body.size).toBe(13)
        expect((yield* get("/repositories/acme?role=owner", ALICE_TOKEN)).body.size).toBe(4)
        expect((yield* get("/repositories/demo?role=member", CAROL_TOKEN)).body.size).toBe(0)
        expectError(yield* get("/repositories/demo?role=king", ALICE_TOKEN), 400)
      })))

    it.effect("repositories and workspaces are addressable by {uuid}", () =>
      run(Effect.gen(function*() {
        const ws = encodeURIComponent("{a0d1e2f3-0001-4000-8000-00000000de70}")
        const repo = encodeURIComponent("{d3e0a000-0000-4000-8000-000000000019}")
        const reply = yield* get(`/repositories/${ws}/${repo}`)
        expect(reply.status).toBe(200)
        expect(reply.body.full_name).toBe("demo/fast-parser")
        expect((yield* get(`/workspaces/${ws}`)).body.slug).toBe("demo")
      })))
  })

  describe("representations", () => {
    it.effect("a repository looks like Bitbucket's", () =>
      run(Effect.gen(function*() {
        const reply = yield* get("/repositories/acme/fast-parser", ALICE_TOKEN)
        const r = reply.body
        expect(r).toMatchObject({
          type: "repository",
          full_name: "acme/fast-parser",
          slug: "fast-parser",
          scm: "git",
          is_private: true,
          language: "rust",
          mainbranch: { type: "branch", name: "main" },
          project: { type: "project", key: "ACME" },
          workspace: { type: "workspace", slug: "acme" },
          owner: { type: "team", username: "acme" },
          parent: { type: "repository", full_name: "demo/fast-parser" },
          override_settings: { default_merge_strategy: true, branching_model: true },
          enforced_signed_commits: null
        })
        expect(r.links.self.href).toBe(`${API}/repositories/acme/fast-parser`)
        expect(r.links.html.href).toBe("https://bitbucket.org/acme/fast-parser")
        expect(r.links.clone).toEqual([
          { name: "https", href: "https://alice@bitbucket.org/acme/fast-parser.git" },
          { name: "ssh", href: "git@bitbucket.org:acme/fast-parser.git" }
        ])
        for (const link of ["pullrequests", "commits", "forks", "watchers", "downloads", "hooks", "avatar"]) {
          expect(r.links[link].href).toMatch(/^https:\/\//)
        }
        expect(r.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/)
      })))

    it.effect("users by {uuid} and account_id; /user needs authentication", () =>
      run(Effect.gen(function*() {
        const byUuid = yield* get(`/users/${encodeURIComponent(ALICE_UUID)}`)
        expect(byUuid.body).toMatchObject({ type: "user", uuid: ALICE_UUID, account_id: "557058:alice", nickname: "alice" })
        expect(byUuid.body.email).toBeUndefined()
        expect((yield* get("/users/557058:bob")).body.display_name).toBe("Bob Brown")
        expectError(yield* get("/users/557058:nobody"), 404)
        expectError(yield* get("/user"), 401)
      })))

    it.effect("/user/workspaces lists workspace access", () =>
      run(Effect.gen(function*() {
        const alice = yield* get("/user/workspaces", ALICE_TOKEN)
        expect(alice.body.size).toBe(2)
        expect(alice.body.values[0]).toMatchObject({
          type: "workspace_access",
          permission: "owner",
          workspace: { type: "workspace", slug: "demo", name: "Demo" }
        })
        expect(alice.body.values[1].workspace.links.self.href).toBe(`${API}/workspaces/acme`)
        const bob = yield* get("/user/workspaces?q=workspace.slug%3D%22acme%22", BOB_TOKEN)
        expect(bob.body.values.map((v: { permission: string }) => v.permission)).toEqual(["member"])
        expect((yield* get("/user/workspaces", CAROL_TOKEN)).body.size).toBe(0)
        expectError(yield* get("/user/workspaces"), 401)
      })))
  })

  describe("authentication", () => {
    it.effect("every credential kind authenticates", () =>
      run(Effect.gen(function*() {
        for (const auth of [ALICE_TOKEN, "Bearer demo-access-token"]) {
          const reply = yield* get("/user", auth)
          expect(reply.status).toBe(200)
          expect(reply.body.uuid).toBe(ALICE_UUID)
        }
        // Workspace access token: admin on acme.
        expect((yield* get("/repositories/acme", "Bearer acme-workspace-token")).body.size).toBe(4)
        // Repository access token: acme/api only.
        expect(slugs(yield* get("/repositories/acme", "Bearer acme-api-repo-token"))).toEqual(["api"])
        expect((yield* get("/repositories/acme/api", "Bearer acme-api-repo-token")).status).toBe(200)
        expectError(yield* get("/repositories/acme/website", "Bearer acme-api-repo-token"), 403)
      })))

    it.effect("an app password is refused with 401 even when right, as Bitbucket does since 2026-07-28", () =>
      run(Effect.gen(function*() {
        const reply = yield* get("/user", basic("alice", "alice-app-password"))
        expectError(reply, 401)
        expect(JSON.stringify(reply.body)).toContain("API token")
      })))

    it.effect("wrong credentials get 401 with Bitbucket's error body, even on public resources", () =>
      run(Effect.gen(function*() {
        for (
          const auth of [
            basic("alice@example.com", "wrong"),
            basic("alice", "alice-api-token"),
            basic("bob", "alice-app-password"),
            "Bearer nope",
            "Digest abc",
            "Basic !!!"
          ]
        ) {
          const reply = yield* get("/repositories/demo", auth)
          expectError(reply, 401)
        }
      })))
  })

  describe("pagination", () => {
    it.effect("walks 3 pages through next links", () =>
      run(Effect.gen(function*() {
        const first = yield* get("/repositories/demo?pagelen=5&sort=name")
        expect(first.body).toMatchObject({ pagelen: 5, size: 12, page: 1 })
        expect(first.body.values).toHaveLength(5)
        expect(first.body.previous).toBeUndefined()
        const next = new URL(first.body.next)
        expect(next.origin).toBe("https://api.bitbucket.org")
        expect(next.searchParams.get("page")).toBe("2")
        expect(next.searchParams.get("pagelen")).toBe("5")
        expect(next.searchParams.get("sort")).toBe("name")
        const second = yield* get(first.body.next)
        expect(second.body.page).toBe(2)
        expect(second.body.values).toHaveLength(5)
        expect(new URL(second.body.previous).searchParams.get("page")).toBe("1")
        const third = yield* get(second.body.next)
        expect(third.body.page).toBe(3)
        expect(third.body.values).toHaveLength(2)
        expect(third.body.next).toBeUndefined()
        const all = [...slugs(first), ...slugs(second), ...slugs(third)]
        expect(new Set(all).size).toBe(12)
        expect(all).toEqual([...all].sort())
      })))

    it.effect("defaults to 10, caps pagelen at 100, keeps q in next, empty beyond the end", () =>
      run(Effect.gen(function*() {
        const byDefault = yield* get("/repositories/demo")
        expect(byDefault.body.pagelen).toBe(10)
        expect(byDefault.body.values).toHaveLength(10)
        expect((yield* get("/repositories/demo?pagelen=500")).body.pagelen).toBe(100)
        const filtered = yield* get(`/repositories/demo?pagelen=1&q=${encodeURIComponent("language=\"typescript\"")}`)
        expect(filtered.body.size).toBe(3)
        expect(new URL(filtered.body.next).searchParams.get("q")).toBe("language=\"typescript\"")
        const beyond = yield* get("/repositories/demo?page=99")
        expect(beyond.status).toBe(200)
        expect(beyond.body.values).toEqual([])
        expectError(yield* get("/repositories/demo?page=0"), 400)
        expectError(yield* get("/repositories/demo?pagelen=abc"), 400)
      })))
  })

  describe("q and sort", () => {
    const q = (query: string, extra = "") =>
      Effect.map(get(`/repositories/demo?pagelen=100&q=${encodeURIComponent(query)}${extra}`, ALICE_TOKEN), slugs)

    it.effect("filters with BBQL", () =>
      run(Effect.gen(function*() {
        expect(yield* q("language = \"python\"")).toEqual(["data-pipeline", "ml-notebooks"])
        expect(yield* q("name ~ \"PARSER\"")).toEqual(["fast-parser"])
        expect((yield* q("language != \"typescript\"")).length).toBe(10)
        expect((yield* q("name !~ \"a\"")).every((s) => !s.includes("a"))).toBe(true)
        expect(yield* q("mainbranch.name = \"master\"")).toEqual(["ml-notebooks", "fast-parser"])
        expect(yield* q("project.key = \"LAB\" AND language = \"go\"")).toEqual(["api-gateway"])
        expect(yield* q("(language = \"go\" OR language = \"rust\") AND size > 7000")).toEqual(["cli-tools", "fast-parser"])
        expect(yield* q("is_private = true")).toEqual(["internal-notes"])
        expect(yield* q("size <= 2037")).toEqual(["effect-playground", "ts-utils"])
        expect(yield* q("created_on >= 2023-03-12T00:00:00+00:00")).toEqual(["infra-scripts", "internal-notes"])
        expect(yield* q("parent = null AND language = \"kotlin\"")).toEqual(["android-app"])
        expect(yield* q("website != null")).toEqual([])
      })))

    it.effect("rejects invalid queries with 400", () =>
      run(Effect.gen(function*() {
        for (const bad of ["name =", "name = python", "(name = \"x\"", "name == \"x\"", "nosuchfield = 1", "\"x\" = name"]) {
          const reply = yield* get(`/repositories/demo?q=${encodeURIComponent(bad)}`)
          expectError(reply, 400)
        }
        expectError(yield* get("/repositories/demo?sort=nosuchfield"), 400)
        expectError(yield* get("/repositories/demo?sort=name,size"), 400)
      })))

    it.effect("sorts by one field, - for descending, dotted paths", () =>
      run(Effect.gen(function*() {
        const bySize = yield* get("/repositories/demo?pagelen=100&sort=-size")
        const sizes = bySize.body.values.map((r: { size: number }) => r.size)
        expect(sizes).toEqual([...sizes].sort((a: number, b: number) => b - a))
        expect(sizes[0]).toBeGreaterThan(sizes[sizes.length - 1])
        const byUpdated = yield* get("/repositories/demo?pagelen=100&sort=updated_on")
        const updated = byUpdated.body.values.map((r: { updated_on: string }) => r.updated_on)
        expect(updated).toEqual([...updated].sort())
        const byBranch = slugs(yield* get("/repositories/demo?pagelen=3&sort=-mainbranch.name"))
        expect(byBranch).toEqual(["ml-notebooks", "fast-parser", "effect-playground"])
      })))
  })

  describe("fields", () => {
    it.effect("selects, removes and wildcards", () =>
      run(Effect.gen(function*() {
        const page = yield* get("/repositories/demo?pagelen=2&fields=values.slug,values.mainbranch.name,next")
        expect(page.body).toEqual({
          values: [
            { slug: "effect-playground", mainbranch: { name: "main" } },
            { slug: "ts-utils", mainbranch: { name: "main" } }
          ],
          next: `${API}/repositories/demo?pagelen=2&fields=values.slug%2Cvalues.mainbranch.name%2Cnext&page=2`
        })
        const second = yield* get(page.body.next)
        expect(Object.keys(second.body).sort()).toEqual(["next", "values"])
        const clone = yield* get("/repositories/demo/docs?fields=name,links.clone.href")
        expect(clone.body).toEqual({
          name: "docs",
          links: { clone: [{ href: "https://bitbucket.org/demo/docs.git" }, { href: "git@bitbucket.org:demo/docs.git" }] }
        })
        const removed = yield* get("/repositories/demo/docs?fields=-links,-owner,-workspace.links")
        expect(removed.body.links).toBeUndefined()
        expect(removed.body.owner).toBeUndefined()
        expect(removed.body.workspace).toEqual({
          type: "workspace",
          uuid: "{a0d1e2f3-0001-4000-8000-00000000de70}",
          name: "Demo",
          slug: "demo"
        })
        expect(removed.body.slug).toBe("docs")
        const wildcard = yield* get("/repositories/demo/docs?fields=links.*.name")
        expect(wildcard.body).toEqual({ links: { clone: [{ name: "https" }, { name: "ssh" }] } })
      })))

    it.effect("+ arrives as %2B or as a literal +", () =>
      run(Effect.gen(function*() {
        const encoded = yield* get("/repositories/demo/docs?fields=%2Bowner,-links")
        const literal = yield* get("/repositories/demo/docs?fields=+owner,-links")
        expect(encoded.status).toBe(200)
        expect(encoded.body.slug).toBe("docs")
        expect(encoded.body.links).toBeUndefined()
        expect(literal.body).toEqual(encoded.body)
      })))
  })

  describe("removed and unknown endpoints", () => {
    it.effect("410 names CHANGE-2770; the teams endpoints, gone before, point at workspaces", () =>
      run(Effect.gen(function*() {
        for (const path of ["/workspaces", "/repositories", "/repositories?role=member", "/user/permissions/repositories"]) {
          const reply = yield* get(path, ALICE_TOKEN)
          expectError(reply, 410)
          expect(reply.body.error.message).toContain("CHANGE-2770")
        }
        const teams = yield* get("/teams/demo", ALICE_TOKEN)
        expectError(teams, 410)
        expect(teams.body.error.message).toContain("teams are workspaces now")
        expect(teams.body.error.message).not.toContain("CHANGE-2770")
      })))

    it.effect("unknown paths answer 404 with an error body", () =>
      run(Effect.gen(function*() {
        expectError(yield* get("/nothing/here"), 404)
        expectError(yield* get("https://api.bitbucket.org/1.0/user"), 404)
      })))
  })

  describe("repository create, update, delete", () => {
    it.effect("creates, refuses a duplicate, updates and deletes", () =>
      run(Effect.gen(function*() {
        const created = yield* withJson("POST", "/repositories/acme/new-thing", {
          scm: "git",
          is_private: true,
          description: "brand new",
          language: "Go",
          project: { key: "OPS" },
          surprise: "ignored"
        }, ALICE_TOKEN)
        expect(created.status).toBe(200)
        expect(created.body).toMatchObject({
          type: "repository",
          full_name: "acme/new-thing",
          name: "new-thing",
          description: "brand new",
          language: "go",
          project: { key: "OPS" },
          mainbranch: null,
          created_on: "1970-01-01T00:00:00.000000+00:00"
        })
        expect((yield* get("/repositories/acme/new-thing", ALICE_TOKEN)).body.uuid).toBe(created.body.uuid)

        const duplicate = yield* withJson("POST", "/repositories/acme/new-thing", { scm: "git" }, ALICE_TOKEN)
        expectError(duplicate, 400)
        expect(duplicate.body.error.message).toContain("already exists")

        const invalid = yield* withJson("POST", "/repositories/acme/other", { scm: "hg", fork_policy: "maybe" }, ALICE_TOKEN)
        expectError(invalid, 400)
        expect(Object.keys(invalid.body.error.fields).sort()).toEqual(["fork_policy", "scm"])

        yield* TestClock.adjust("1 hour")
        const renamed = yield* withJson("PUT", "/repositories/acme/new-thing", { name: "Renamed Thing", is_private: false }, ALICE_TOKEN)
        expect(renamed.status).toBe(200)
        expect(renamed.headers["location"]).toBe(`${API}/repositories/acme/renamed-thing`)
        expect(renamed.body).toMatchObject({ slug: "renamed-thing", name: "Renamed Thing", is_private: false })
        expect(renamed.body.updated_on).toBe("1970-01-01T01:00:00.000000+00:00")
        expectError(yield* get("/repositories/acme/new-thing", ALICE_TOKEN), 404)

        const upserted = yield* withJson("PUT", "/repositories/acme/via-put", { scm: "git" }, ALICE_TOKEN)
        expect(upserted.status).toBe(201)
        expect(upserted.headers["location"]).toBe(`${API}/repositories/acme/via-put`)

        const http = yield* HttpClient.HttpClient
        const deleted = yield* http.execute(
          HttpClientRequest.del(`${API}/repositories/acme/renamed-thing`).pipe(HttpClientRequest.setHeader("authorization", ALICE_TOKEN))
        )
        expect(deleted.status).toBe(204)
        expectError(yield* get("/repositories/acme/renamed-thing", ALICE_TOKEN), 404)

        const fake = yield* FakeBitbucket.FakeBitbucket
        const snapshot = yield* fake.snapshot
        const acme = snapshot.repositories.filter((r) => r.workspace === "acme").map((r) => r.slug)
        expect(acme).toEqual(["api", "website", "infra", "fast-parser", "via-put"])
      })))

    it.effect("requires the right permission", () =>
      run(Effect.gen(function*() {
        expectError(yield* withJson("POST", "/repositories/demo/anon", {}), 401)
        expectError(yield* withJson("POST", "/repositories/acme/by-bob", {}, BOB_TOKEN), 403)
        expect((yield* withJson("POST", "/repositories/demo/by-bob", {}, BOB_TOKEN)).status).toBe(200)
        expectError(yield* withJson("PUT", "/repositories/demo/docs", { description: "x" }, BOB_TOKEN), 403)
        expectError(yield* withJson("POST", "/repositories/acme/by-carol", {}, CAROL_TOKEN), 403)
        expectError(yield* withJson("POST", "/repositories/acme/bad%20slug", {}, ALICE_TOKEN), 400)
        expect((yield* withJson("POST", "/repositories/acme/by-token", {}, "Bearer acme-workspace-token")).status).toBe(200)
      })))

    it.effect("accepts Raw, Uint8Array and Stream bodies", () =>
      run(Effect.gen(function*() {
        const base = HttpClientRequest.post(`${API}/repositories/demo/raw-body`).pipe(
          HttpClientRequest.setHeader("authorization", ALICE_TOKEN)
        )
        const raw = yield* send(base.pipe(HttpClientRequest.setBody(HttpBody.raw("{\"description\":\"raw\"}", { contentType: "application/json" }))))
        expect(raw.body.description).toBe("raw")
        const bytes = yield* send(
          HttpClientRequest.setUrl(base, `${API}/repositories/demo/bytes-body`).pipe(
            HttpClientRequest.bodyUint8Array(new TextEncoder().encode("{\"description\":\"bytes\"}"), "application/json")
          )
        )
        expect(bytes.body.description).toBe("bytes")
        const streamed = yield* send(
          HttpClientRequest.setUrl(base, `${API}/repositories/demo/stream-body`).pipe(
            HttpClientRequest.bodyStream(
              Stream.make("{\"descri", "ption\":\"stream\"}").pipe(Stream.encodeText),
              { contentType: "application/json" }
            )
          )
        )
        expect(streamed.body.description).toBe("stream")
      })))
  })

  describe("OAuth 2.0", () => {
    const oauthSeed: FakeBitbucket.Options = { seed: { ...FakeBitbucket.defaultSeed, oauthTokenTtlSeconds: 60 } }

    it.effect("client_credentials, expiry (TestClock) and refresh_token", () =>
      run(Effect.gen(function*() {
        const issued = yield* tokenRequest({ grant_type: "client_credentials" })
        expect(issued.status).toBe(200)
        expect(issued.body).toMatchObject({ token_type: "bearer", expires_in: 60, state: "client_credentials" })
        expect(issued.body.scopes).toContain("repository")
        expect(typeof issued.body.refresh_token).toBe("string")
        const bearer = `Bearer ${issued.body.access_token}`
        expect((yield* get("/user", bearer)).body.uuid).toBe(ALICE_UUID)
        expect((yield* get("/repositories/acme", bearer)).body.size).toBe(4)

        yield* TestClock.adjust("59 seconds")
        expect((yield* get("/user", bearer)).status).toBe(200)
        yield* TestClock.adjust("1 second")
        const expired = yield* get("/user", bearer)
        expectError(expired, 401)
        expect(expired.body.error.message).toContain("expired")
        expectError(yield* get("/repositories/demo", bearer), 401)

        const refreshed = yield* tokenRequest({ grant_type: "refresh_token", refresh_token: issued.body.refresh_token })
        expect(refreshed.status).toBe(200)
        expect(refreshed.body.state).toBe("refresh_token")
        expect(refreshed.body.access_token).not.toBe(issued.body.access_token)
        expect(refreshed.body.refresh_token).toBe(issued.body.refresh_token)
        expect((yield* get("/user", `Bearer ${refreshed.body.access_token}`)).body.uuid).toBe(ALICE_UUID)

        const badRefresh = yield* tokenRequest({ grant_type: "refresh_token", refresh_token: "nope" })
        expect(badRefresh.status).toBe(400)
        expect(badRefresh.body.error).toBe("invalid_grant")
      }), oauthSeed))

    it.effect("refuses bad clients and grants with OAuth error bodies", () =>
      run(Effect.gen(function*() {
        const badClient = yield* tokenRequest({ grant_type: "client_credentials" }, basic("fake-client-id", "wrong"))
        expect(badClient.status).toBe(401)
        expect(badClient.body).toEqual({ error: "invalid_client", error_description: "Invalid OAuth client credentials" })
        const noClient = yield* tokenRequest({ grant_type: "client_credentials" }, null)
        expect(noClient.status).toBe(400)
        expect(noClient.body.error).toBe("invalid_client")
        const inForm = yield* tokenRequest(
          { grant_type: "client_credentials", client_id: "carol-client-id", client_secret: "carol-client-secret" },
          null
        )
        expect(inForm.status).toBe(200)
        expect((yield* get("/user", `Bearer ${inForm.body.access_token}`)).body.nickname).toBe("carol")
        const badGrant = yield* tokenRequest({ grant_type: "password" })
        expect(badGrant.status).toBe(400)
        expect(badGrant.body.error).toBe("unsupported_grant_type")
      })))

    it.effect("authorization_code: seeded and created codes work once", () =>
      run(Effect.gen(function*() {
        const first = yield* tokenRequest({ grant_type: "authorization_code", code: "fake-auth-code" })
        expect(first.status).toBe(200)
        expect(first.body.state).toBe("authorization_code")
        expect((yield* tokenRequest({ grant_type: "authorization_code", code: "fake-auth-code" })).body.error).toBe(
          "invalid_grant"
        )
        const fake = yield* FakeBitbucket.FakeBitbucket
        const code = yield* fake.createAuthorizationCode("fake-client-id", "bob@example.com")
        const bob = yield* tokenRequest({ grant_type: "authorization_code", code })
        expect((yield* get("/user", `Bearer ${bob.body.access_token}`)).body.nickname).toBe("bob")
      })))
  })

  describe("request log and transport", () => {
    it.effect("records every request with headers and body", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakeBitbucket.FakeBitbucket
        yield* get("/repositories/demo", ALICE_TOKEN)
        yield* withJson("POST", "/repositories/demo/logged", { description: "hello" }, ALICE_TOKEN)
        const log = yield* fake.requests
        expect(log).toHaveLength(2)
        expect(log[0]).toMatchObject({ method: "GET", url: `${API}/repositories/demo`, body: "" })
        expect(log[0]!.headers["authorization"]).toBe(ALICE_TOKEN)
        expect(log[1]!.method).toBe("POST")
        expect(JSON.parse(log[1]!.body)).toEqual({ description: "hello" })
        expect(log[1]!.headers["content-type"]).toBe("application/json")
        yield* fake.clearRequests
        expect(yield* fake.requests).toHaveLength(0)
      })))

    it.effect("refuses foreign hosts with a Transport error, and logs them", () =>
      run(Effect.gen(function*() {
        const http = yield* HttpClient.HttpClient
        const result = yield* Effect.either(
          http.execute(HttpClientRequest.get("https://evil.example.com/steal").pipe(
            HttpClientRequest.setHeader("authorization", ALICE_TOKEN)
          ))
        )
        expect(Either.isLeft(result)).toBe(true)
        if (Either.isLeft(result)) {
          expect(result.left._tag).toBe("RequestError")
          expect(result.left.reason).toBe("Transport")
        }
        const log = yield* (yield* FakeBitbucket.FakeBitbucket).requests
        expect(log).toHaveLength(1)
        expect(log[0]!.url).toBe("https://evil.example.com/steal")
        expect(log[0]!.headers["authorization"]).toBe(ALICE_TOKEN)
      })))

    it.effect("handle works on plain web Requests and honours a custom base URL", () =>
      Effect.gen(function*() {
        const fake = yield* FakeBitbucket.make({ baseUrl: "http://127.0.0.1:7990/api/2.0" })
        expect(fake.baseUrl).toBe("http://127.0.0.1:7990/api/2.0")
        const response = yield* fake.handle(new Request("http://127.0.0.1:7990/api/2.0/repositories/demo?pagelen=1"))
        expect(response.status).toBe(200)
        const body = yield* Effect.promise(() => response.json())
        expect(body.next).toBe("http://127.0.0.1:7990/api/2.0/repositories/demo?pagelen=1&page=2")
        expect(body.values[0].links.self.href).toBe("http://127.0.0.1:7990/api/2.0/repositories/demo/effect-playground")
        const http = FakeBitbucket.client(fake)
        const viaClient = yield* http.get("http://127.0.0.1:7990/api/2.0/workspaces/demo")
        expect(viaClient.status).toBe(200)
        const refused = yield* Effect.either(http.get("https://api.bitbucket.org/2.0/workspaces/demo"))
        expect(Either.isLeft(refused)).toBe(true)
      }))
  })
})

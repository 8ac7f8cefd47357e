/**
 * The fake Bitbucket's emails, workspace members, projects, snippets, webhooks and branch
 * restrictions, exercised with raw HTTP requests (not the client library).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { FakeBitbucket } from "../../src/testing/index.js"

const API = "https://api.bitbucket.org/2.0"

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`
const ALICE = basic("alice@example.com", "alice-api-token")
const BOB = basic("bob@example.com", "bob-api-token")
const CAROL = basic("carol@example.com", "carol-api-token")
const ACME_WS_TOKEN = "Bearer acme-workspace-token"
const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const BOB_UUID = "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}"
const CAROL_UUID = "{b3a4c5d6-e7f8-4a9b-8c0d-2e3f4a5b6c73}"
const PLAYGROUND_HOOK = "{5e0b7c1d-1a2b-4c3d-8e4f-00000000b001}"
const ACME_HOOK = "{5e0b7c1d-1a2b-4c3d-8e4f-00000000b002}"
const R = "/repositories/demo/effect-playground"

interface Reply {
  readonly status: number
  readonly body: any
  readonly headers: Readonly<Record<string, string>>
}

const withAuth = (request: HttpClientRequest.HttpClientRequest, auth?: string) =>
  auth === undefined ? request : HttpClientRequest.setHeader(request, "authorization", auth)

const url = (path: string) => (path.startsWith("http") ? path : `${API}${path}`)

const send = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const response = yield* http.execute(request)
    const text = yield* response.text
    const json = text !== "" && (response.headers["content-type"] ?? "").startsWith("application/json")
    return { status: response.status, body: json ? JSON.parse(text) : text === "" ? undefined : text, headers: response.headers } as Reply
  })

const get = (path: string, auth?: string) => send(withAuth(HttpClientRequest.get(url(path)), auth))
const del = (path: string, auth?: string) => send(withAuth(HttpClientRequest.del(url(path)), auth))
const put = (path: string, auth?: string) => send(withAuth(HttpClientRequest.put(url(path)), auth))

const json = (method: "POST" | "PUT", path: string, body: unknown, auth?: string) =>
  send(withAuth(HttpClientRequest.make(method)(url(path)).pipe(HttpClientRequest.bodyUnsafeJson(body)), auth))

const form = (method: "POST" | "PUT", path: string, body: FormData, auth?: string) =>
  send(withAuth(HttpClientRequest.make(method)(url(path)).pipe(HttpClientRequest.bodyFormData(body)), auth))

/** GETs raw bytes (no redirect following). */
const bytes = (path: string, auth?: string) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const response = yield* http.execute(withAuth(HttpClientRequest.get(url(path)), auth))
    const buffer = yield* response.arrayBuffer
    return { status: response.status, headers: response.headers, bytes: new Uint8Array(buffer) }
  })

/** Reads a snippet file through `…/files/{path}`: a 302 to the revision, then the bytes. */
const readSnippetFile = (snippetPath: string, name: string, auth?: string) =>
  Effect.gen(function*() {
    const redirect = yield* get(`${snippetPath}/files/${encodeURIComponent(name)}`, auth)
    expect(redirect.status).toBe(302)
    const location = redirect.headers["location"]!
    expect(location).toMatch(new RegExp(`^${API}${snippetPath}/[0-9a-f]{40}/files/`))
    const file = yield* bytes(location, auth)
    expect(file.status).toBe(200)
    return { ...file, location }
  })

const run = <A, E>(self: Effect.Effect<A, E, HttpClient.HttpClient | FakeBitbucket.FakeBitbucket>) =>
  Effect.provide(self, FakeBitbucket.layer())

const expectError = (reply: Reply, status: number, fields?: ReadonlyArray<string>) => {
  expect(reply.status).toBe(status)
  expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8")
  expect(reply.body.type).toBe("error")
  expect(typeof reply.body.error.message).toBe("string")
  if (fields !== undefined) {
    expect(Object.keys(reply.body.error.fields ?? {}).sort()).toEqual([...fields].sort())
    for (const f of fields) expect(reply.body.error.fields[f].length).toBeGreaterThan(0)
  }
}

const values = (reply: Reply): Array<any> => reply.body.values

describe("FakeBitbucket: user emails", () => {
  it.effect("lists the caller's addresses, primary first, and finds one", () =>
    run(Effect.gen(function*() {
      const reply = yield* get("/user/emails", ALICE)
      expect(reply.status).toBe(200)
      expect(reply.body.size).toBe(3)
      expect(values(reply)[0]).toEqual({
        type: "email",
        email: "alice@example.com",
        is_primary: true,
        is_confirmed: true,
        links: { self: { href: `${API}/user/emails/alice%40example.com` } }
      })
      expect(values(reply).map((e) => [e.email, e.is_primary, e.is_confirmed])).toEqual([
        ["alice@example.com", true, true],
        ["alice.anderson@personal.example", false, true],
        ["a.anderson@old-company.example", false, false]
      ])
      const paged = yield* get("/user/emails?pagelen=2", ALICE)
      expect(values(paged)).toHaveLength(2)
      expect(paged.body.next).toBe(`${API}/user/emails?pagelen=2&page=2`)
      expect(values(yield* get(paged.body.next, ALICE)).map((e) => e.email)).toEqual(["a.anderson@old-company.example"])

      const one = yield* get(`/user/emails/${encodeURIComponent("A.Anderson@old-company.example")}`, ALICE)
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ type: "email", email: "a.anderson@old-company.example", is_primary: false, is_confirmed: false })
      expect(values(yield* get("/user/emails", CAROL)).map((e) => e.email)).toEqual(["carol@example.com"])
      expectError(yield* get("/user/emails/alice%40example.com", BOB), 404)
      expectError(yield* get("/user/emails"), 401)
      expectError(yield* get("/user/emails/alice%40example.com"), 401)
    })))
})

describe("FakeBitbucket: workspace members", () => {
  it.effect("lists memberships, filters owners, and finds a member by account_id or uuid", () =>
    run(Effect.gen(function*() {
      const reply = yield* get("/workspaces/demo/members", BOB)
      expect(reply.status).toBe(200)
      expect(reply.body.size).toBe(2)
      const first = values(reply)[0]
      expect(first).toMatchObject({
        type: "workspace_membership",
        user: { type: "user", uuid: ALICE_UUID, account_id: "557058:alice", display_name: "Alice Anderson" },
        workspace: { type: "workspace", slug: "demo" }
      })
      expect(first.links.self.href).toBe(`${API}/workspaces/demo/members/${encodeURIComponent(ALICE_UUID)}`)
      const owners = yield* get(`/workspaces/demo/members?q=${encodeURIComponent("permission=\"owner\"")}`, BOB)
      expect(values(owners).map((m) => m.user.uuid)).toEqual([ALICE_UUID])

      const byAccount = yield* get("/workspaces/acme/members/557058:bob", ALICE)
      expect(byAccount.status).toBe(200)
      expect(byAccount.body.user.uuid).toBe(BOB_UUID)
      expect((yield* get(`/workspaces/acme/members/${encodeURIComponent(BOB_UUID)}`, ALICE)).body.user.account_id).toBe("557058:bob")
      expect((yield* get("/workspaces/acme/members", ACME_WS_TOKEN)).body.size).toBe(2)

      expectError(yield* get(`/workspaces/demo/members/${encodeURIComponent(CAROL_UUID)}`, ALICE), 404)
      expectError(yield* get("/workspaces/demo/members"), 401)
      expectError(yield* get("/workspaces/demo/members", CAROL), 403)
      expectError(yield* get("/workspaces/acme/members", CAROL), 403)
      expectError(yield* get("/workspaces/nowhere/members", ALICE), 404)
    })))
})

describe("FakeBitbucket: projects", () => {
  it.effect("creates with validation; only owners write", () =>
    run(Effect.gen(function*() {
      const created = yield* json("POST", "/workspaces/demo/projects", { key: "mars", name: "Mars", description: "Red planet" }, ALICE)
      expect(created.status).toBe(201)
      expect(created.headers["location"]).toBe(`${API}/workspaces/demo/projects/MARS`)
      expect(created.body).toMatchObject({
        type: "project",
        key: "MARS",
        name: "Mars",
        description: "Red planet",
        is_private: false,
        has_publicly_visible_repos: false,
        owner: { username: "demo" }
      })
      expect(created.body.links.self.href).toBe(`${API}/workspaces/demo/projects/MARS`)
      expect((yield* get("/workspaces/demo/projects/mars")).body.uuid).toBe(created.body.uuid)
      expect((yield* get("/workspaces/demo/projects")).body.size).toBe(3)

      expectError(yield* json("POST", "/workspaces/demo/projects", {}, ALICE), 400, ["key", "name"])
      expectError(yield* json("POST", "/workspaces/demo/projects", { key: "1X", name: "Bad", is_private: "no" }, ALICE), 400, ["key", "is_private"])
      const duplicate = yield* json("POST", "/workspaces/demo/projects", { key: "Demo", name: "Labs" }, ALICE)
      expectError(duplicate, 400, ["key", "name"])
      expect(duplicate.body.error.fields.key[0]).toContain("already exists")

      expectError(yield* json("POST", "/workspaces/demo/projects", { key: "BOB", name: "Bob's" }, BOB), 403)
      expectError(yield* json("POST", "/workspaces/demo/projects", { key: "ANON", name: "Anon" }), 401)
      expectError(yield* json("POST", "/workspaces/nowhere/projects", { key: "X", name: "X" }, ALICE), 404)
      const byToken = yield* json("POST", "/workspaces/acme/projects", { key: "SEC", name: "Security" }, ACME_WS_TOKEN)
      expect(byToken.status).toBe(201)
      expect(byToken.body.is_private).toBe(true)
    })))

  it.effect("PUT updates (renaming the key moves its repositories) or creates; DELETE refuses non-empty projects", () =>
    run(Effect.gen(function*() {
      const renamed = yield* json("PUT", "/workspaces/demo/projects/LAB", { key: "LABS", name: "Laboratories" }, ALICE)
      expect(renamed.status).toBe(200)
      expect(renamed.headers["location"]).toBe(`${API}/workspaces/demo/projects/LABS`)
      expect(renamed.body).toMatchObject({ key: "LABS", name: "Laboratories", has_publicly_visible_repos: true })
      expect((yield* get("/repositories/demo/ts-utils")).body.project.key).toBe("LABS")
      expectError(yield* get("/workspaces/demo/projects/LAB"), 404)

      const createdByPut = yield* json("PUT", "/workspaces/demo/projects/VENUS", { name: "Venus" }, ALICE)
      expect(createdByPut.status).toBe(201)
      expect(createdByPut.body.key).toBe("VENUS")
      expectError(yield* json("PUT", "/workspaces/demo/projects/PLUTO", { description: "no name" }, ALICE), 400, ["name"])
      expectError(yield* json("PUT", "/workspaces/demo/projects/VENUS", { name: "Hacked" }, BOB), 403)

      expectError(yield* del("/workspaces/demo/projects/DEMO", ALICE), 403)
      expectError(yield* del("/workspaces/demo/projects/VENUS", BOB), 403)
      expect((yield* del("/workspaces/demo/projects/VENUS", ALICE)).status).toBe(204)
      expectError(yield* get("/workspaces/demo/projects/VENUS"), 404)
      expectError(yield* del("/workspaces/demo/projects/VENUS", ALICE), 404)
    })))
})

describe("FakeBitbucket: snippets", () => {
  it.effect("a snippet looks like Bitbucket's", () =>
    run(Effect.gen(function*() {
      const reply = yield* get("/snippets/demo/k3Rp9")
      expect(reply.status).toBe(200)
      const s = reply.body
      expect(s).toMatchObject({
        type: "snippet",
        id: 1001,
        title: "Effect retry helpers",
        scm: "git",
        is_private: false,
        created_on: "2024-05-01T09:00:00.000000+00:00",
        creator: { type: "user", uuid: ALICE_UUID },
        owner: { username: "demo" },
        workspace: { type: "workspace", slug: "demo" }
      })
      expect(Object.keys(s.files)).toEqual(["retry.ts", "README.md"])
      expect(s.files["retry.ts"].links.self.href).toMatch(new RegExp(`^${API}/snippets/demo/k3Rp9/[0-9a-f]{40}/files/retry\\.ts$`))
      expect(s.files["retry.ts"].links.html.href).toBe("https://bitbucket.org/snippets/demo/k3Rp9#file-retry.ts")
      expect(s.links.self.href).toBe(`${API}/snippets/demo/k3Rp9`)
      expect(s.links.comments.href).toBe(`${API}/snippets/demo/k3Rp9/comments`)
      expect(s.links.watchers.href).toBe(`${API}/snippets/demo/k3Rp9/watchers`)
      expect(s.links.commits.href).toBe(`${API}/snippets/demo/k3Rp9/commits`)
      expect(s.links.clone.map((c: { name: string }) => c.name)).toEqual(["https", "ssh"])

      const file = yield* bytes(s.files["retry.ts"].links.self.href)
      expect(file.headers["content-type"]).toBe("application/typescript")
      expect(file.headers["content-disposition"]).toContain("attachment")
      expect(Buffer.from(file.bytes).toString("utf8")).toContain("Schedule.exponential")

      const commits = yield* get("/snippets/demo/k3Rp9/commits")
      expect(values(commits)).toHaveLength(1)
      expect(values(commits)[0]).toMatchObject({ type: "snippet_commit", message: "Initial commit", author: { user: { uuid: ALICE_UUID } } })
      const node = values(commits)[0].hash
      expect((yield* get(`/snippets/demo/k3Rp9/${node.slice(0, 12)}`)).body.files["README.md"]).toBeDefined()
      expect((yield* get(`/snippets/demo/k3Rp9/commits/${node}`)).body.hash).toBe(node)
      expectError(yield* get("/snippets/demo/k3Rp9/0000000000000000000000000000000000000000"), 404)
    })))

  it.effect("visibility: the anonymous see public snippets; private ones are 401 anonymous, 403 outside the workspace", () =>
    run(Effect.gen(function*() {
      const anonymous = yield* get("/snippets/demo")
      expect(values(anonymous).map((s) => s.id)).toEqual([1001, 1003])
      expect(values(yield* get("/snippets")).map((s) => s.id)).toEqual([1001, 1003])
      expect(values(yield* get("/snippets/demo", CAROL)).map((s) => s.id)).toEqual([1001, 1003])
      expect(values(yield* get("/snippets/demo", ALICE)).map((s) => s.id)).toEqual([1001, 1003, 1004])
      expect(values(yield* get("/snippets", BOB)).map((s) => s.id)).toEqual([1001, 1002, 1003, 1004])
      expectError(yield* get("/snippets/acme"), 404)
      expectError(yield* get("/snippets/nowhere"), 404)

      const unauthenticated = yield* get("/snippets/acme/Zt4mW")
      expectError(unauthenticated, 401)
      expect(unauthenticated.headers["www-authenticate"]).toContain("Basic")
      expectError(yield* get("/snippets/demo/qW2sD"), 401)
      expectError(yield* get("/snippets/demo/qW2sD", CAROL), 403)
      expectError(yield* get("/snippets/demo/qW2sD/files/notes.md", CAROL), 403)
      expect((yield* get("/snippets/acme/Zt4mW", BOB)).body.title).toBe("Deploy checklist")
      // Access tokens have no snippet scope: a workspace token may not read the workspace's snippets.
      expectError(yield* get("/snippets/acme/Zt4mW", ACME_WS_TOKEN), 403)
      expectError(yield* get("/snippets/demo/nope1"), 404)
    })))

  it.effect("role filters and pagination", () =>
    run(Effect.gen(function*() {
      expect(values(yield* get("/snippets?role=owner", BOB)).map((s) => s.id)).toEqual([1003, 1004])
      expect(values(yield* get("/snippets?role=contributor", BOB)).map((s) => s.id)).toEqual([1001, 1003, 1004])
      expect(values(yield* get("/snippets/acme?role=member", BOB)).map((s) => s.id)).toEqual([1002])
      expect((yield* get("/snippets?role=owner", CAROL)).body.size).toBe(0)
      expectError(yield* get("/snippets?role=king", ALICE), 400, ["role"])

      const first = yield* get("/snippets?pagelen=2", BOB)
      expect(first.body).toMatchObject({ size: 4, page: 1, pagelen: 2 })
      const second = yield* get(first.body.next, BOB)
      expect(values(second).map((s) => s.id)).toEqual([1003, 1004])
      expect(second.body.next).toBeUndefined()
    })))

  it.effect("serves seeded files byte-exact, non-UTF-8 included, with a content type from the extension", () =>
    run(Effect.gen(function*() {
      const latin1 = yield* readSnippetFile("/snippets/demo/bN8vL", "latin1.txt")
      expect([...latin1.bytes]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a])
      expect(latin1.headers["content-type"]).toBe("text/plain")
      const png = yield* readSnippetFile("/snippets/demo/bN8vL", "dot.png")
      expect([...png.bytes]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe])
      expect(png.headers["content-type"]).toBe("image/png")
      expectError(yield* get("/snippets/demo/bN8vL/files/missing.txt"), 404)
    })))

  it.effect("creates from multipart/form-data and reads both files back byte-exact through the 302", () =>
    run(Effect.gen(function*() {
      const binary = new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x0d, 0x0a, 0x41])
      const text = "héllo wörld ✓\n"
      const body = new FormData()
      body.append("title", "Uploaded")
      body.append("is_private", "false")
      body.append("scm", "git")
      body.append("file", new Blob([binary]), "blob.bin")
      body.append("file", new Blob([text]), "notes file.md")
      const created = yield* form("POST", "/snippets/demo", body, BOB)
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ type: "snippet", title: "Uploaded", is_private: false, creator: { uuid: BOB_UUID } })
      expect(Object.keys(created.body.files)).toEqual(["blob.bin", "notes file.md"])
      const path = `/snippets/demo/${created.body.links.self.href.split("/").pop()}`
      expect(created.headers["location"]).toBe(`${API}${path}`)

      const bin = yield* readSnippetFile(path, "blob.bin")
      expect([...bin.bytes]).toEqual([...binary])
      expect(bin.headers["content-type"]).toBe("application/octet-stream")
      const md = yield* readSnippetFile(path, "notes file.md")
      expect(Buffer.from(md.bytes).toString("utf8")).toBe(text)
      expect(md.location).toContain("/files/notes%20file.md")
      expect(md.headers["content-type"]).toBe("text/markdown")

      // The creator watches it; it is in Bob's `owner` listing.
      expect((yield* get(`${path}/watch`, BOB)).status).toBe(204)
      expect(values(yield* get("/snippets?role=owner", BOB)).map((s) => s.title)).toContain("Uploaded")
      // POST /snippets uses the caller's first workspace.
      const mine = yield* form("POST", "/snippets", new FormData(), ALICE)
      expect(mine.status).toBe(201)
      expect(mine.body).toMatchObject({ workspace: { slug: "demo" }, title: "", files: {} })
      // The snapshot keeps the bytes.
      const fake = yield* FakeBitbucket.FakeBitbucket
      const snap = yield* fake.snapshot
      const saved = snap.snippets!.find((s) => s.title === "Uploaded")!
      expect([...Buffer.from(saved.files["blob.bin"]!, "base64")]).toEqual([...binary])
    })))

  it.effect("PUT and DELETE at a revision change the snippet only at its latest revision (405 otherwise)", () =>
    run(Effect.gen(function*() {
      const first = values(yield* get("/snippets/demo/k3Rp9/commits"))[0].hash as string
      const body = new FormData()
      body.append("file", new Blob(["# v2\n"]), "README.md")
      const updated = yield* form("PUT", `/snippets/demo/k3Rp9/${first}`, body, ALICE)
      expect(updated.status).toBe(200)
      const latest = values(yield* get("/snippets/demo/k3Rp9/commits"))[0].hash as string
      expect(latest).not.toBe(first)
      // The old revision is stale now: a change made against it is refused.
      const stale = yield* form("PUT", `/snippets/demo/k3Rp9/${first}`, body, ALICE)
      expectError(stale, 405)
      expectError(yield* del(`/snippets/demo/k3Rp9/${first}`, ALICE), 405)
      expect((yield* del(`/snippets/demo/k3Rp9/${latest}`, ALICE)).status).toBe(204)
      expectError(yield* get("/snippets/demo/k3Rp9"), 404)
    })))

  it.effect("updates: replaces and deletes files in a new revision; old revisions stay readable; JSON edits metadata", () =>
    run(Effect.gen(function*() {
      const before = (yield* get("/snippets/demo/k3Rp9")).body
      const oldReadme = before.files["README.md"].links.self.href
      const body = new FormData()
      body.append("title", "Retry helpers v2")
      body.append("file", new Blob(["# v2\n"]), "README.md")
      body.append("files", "retry.ts")
      // One field per file to delete: a name with a comma is one name, not two.
      body.append("files", "a,b.txt")
      const updated = yield* form("PUT", "/snippets/demo/k3Rp9", body, ALICE)
      expect(updated.status).toBe(200)
      expect(updated.body.title).toBe("Retry helpers v2")
      expect(Object.keys(updated.body.files)).toEqual(["README.md"])
      expect(updated.body.files["README.md"].links.self.href).not.toBe(oldReadme)
      expect(Buffer.from((yield* readSnippetFile("/snippets/demo/k3Rp9", "README.md")).bytes).toString()).toBe("# v2\n")
      expect(Buffer.from((yield* bytes(oldReadme)).bytes).toString()).toContain("Retry helpers")
      expectError(yield* get("/snippets/demo/k3Rp9/files/retry.ts"), 404)
      const commits = values(yield* get("/snippets/demo/k3Rp9/commits"))
      expect(commits).toHaveLength(2)
      expect(commits[0].parents[0].hash).toBe(commits[1].hash)

      const renamed = yield* json("PUT", "/snippets/demo/k3Rp9", { title: "JSON title", is_private: true }, ALICE)
      expect(renamed.body).toMatchObject({ title: "JSON title", is_private: true })
      expect(values(yield* get("/snippets/demo/k3Rp9/commits", ALICE))).toHaveLength(2)
      expectError(yield* get("/snippets/demo/k3Rp9"), 401)
      const removedFile = yield* json("PUT", "/snippets/demo/k3Rp9", { files: { "README.md": null } }, ALICE)
      expect(removedFile.body.files).toEqual({})

      expectError(yield* json("PUT", "/snippets/demo/k3Rp9", { is_private: "yes", scm: "hg" }, ALICE), 400, ["is_private", "scm"])
      const badForm = new FormData()
      badForm.append("is_private", "maybe")
      expectError(yield* form("PUT", "/snippets/demo/k3Rp9", badForm, ALICE), 400, ["is_private"])
      const related = HttpClientRequest.put(`${API}/snippets/demo/k3Rp9`).pipe(
        HttpClientRequest.bodyText("--x--", "multipart/related; boundary=x"),
        HttpClientRequest.setHeader("authorization", ALICE)
      )
      expectError(yield* send(related), 415)
    })))

  it.effect("permissions to create, change and delete", () =>
    run(Effect.gen(function*() {
      const body = () => {
        const f = new FormData()
        f.append("file", new Blob(["x"]), "x.txt")
        return f
      }
      expectError(yield* form("POST", "/snippets", body()), 401)
      expectError(yield* form("POST", "/snippets", body(), CAROL), 403)
      expectError(yield* form("POST", "/snippets/demo", body(), CAROL), 403)
      expectError(yield* form("POST", "/snippets/acme", body(), CAROL), 403)
      expect((yield* form("POST", "/snippets/acme", body(), BOB)).body.is_private).toBe(true)
      expectError(yield* json("PUT", "/snippets/demo/k3Rp9", { title: "mine" }, CAROL), 403)
      expectError(yield* json("PUT", "/snippets/demo/k3Rp9", { title: "mine" }), 401)
      expectError(yield* del("/snippets/acme/Zt4mW", BOB), 403)
      expectError(yield* del("/snippets/demo/k3Rp9", CAROL), 403)
      // A collaborator may change another member's snippet in the workspace.
      expect((yield* json("PUT", "/snippets/demo/k3Rp9", { title: "edited by Bob" }, BOB)).status).toBe(200)
    })))

  it.effect("watch, unwatch and watchers", () =>
    run(Effect.gen(function*() {
      const watchers = yield* get("/snippets/demo/k3Rp9/watchers")
      expect(values(watchers).map((u) => u.uuid)).toEqual([ALICE_UUID, BOB_UUID])
      expect(values(watchers)[0].type).toBe("user")
      expectError(yield* get("/snippets/demo/k3Rp9/watch"), 404)
      expectError(yield* get("/snippets/demo/k3Rp9/watch", CAROL), 404)
      expectError(yield* put("/snippets/demo/k3Rp9/watch"), 401)
      expect((yield* put("/snippets/demo/k3Rp9/watch", CAROL)).status).toBe(204)
      expect((yield* put("/snippets/demo/k3Rp9/watch", CAROL)).status).toBe(204)
      expect((yield* get("/snippets/demo/k3Rp9/watch", CAROL)).status).toBe(204)
      expect(values(yield* get("/snippets/demo/k3Rp9/watchers")).map((u) => u.uuid)).toEqual([ALICE_UUID, BOB_UUID, CAROL_UUID])
      expect(values(yield* get("/snippets?role=contributor", CAROL)).map((s) => s.id)).toEqual([1001])
      expect((yield* del("/snippets/demo/k3Rp9/watch", CAROL)).status).toBe(204)
      expectError(yield* get("/snippets/demo/k3Rp9/watch", CAROL), 404)
      expectError(yield* put("/snippets/demo/qW2sD/watch", CAROL), 403)
    })))

  it.effect("comments: list, create with validation, update and delete by their author", () =>
    run(Effect.gen(function*() {
      const listed = yield* get("/snippets/demo/k3Rp9/comments")
      expect(listed.body.size).toBe(2)
      expect(values(listed)[0]).toMatchObject({
        type: "snippet_comment",
        id: 4001,
        content: { raw: "Handy, **thanks**!", markup: "markdown", html: "<p>Handy, <strong>thanks</strong>!</p>" },
        user: { uuid: BOB_UUID },
        snippet: { type: "snippet", id: 1001 }
      })
      expect(values(listed)[1].parent.id).toBe(4001)
      expect(values(listed)[0].links.self.href).toBe(`${API}/snippets/demo/k3Rp9/comments/4001`)

      const created = yield* json("POST", "/snippets/demo/k3Rp9/comments", { content: { raw: "Nice" }, parent: { id: 4002 } }, CAROL)
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ user: { uuid: CAROL_UUID }, parent: { id: 4002 }, content: { raw: "Nice" } })
      const id = created.body.id
      expect(created.headers["location"]).toBe(`${API}/snippets/demo/k3Rp9/comments/${id}`)
      expect((yield* get(`/snippets/demo/k3Rp9/comments/${id}`)).body.content.raw).toBe("Nice")

      expectError(yield* json("POST", "/snippets/demo/k3Rp9/comments", { content: { raw: "" } }, CAROL), 400, ["content"])
      expectError(yield* json("POST", "/snippets/demo/k3Rp9/comments", { content: { raw: "x" }, parent: { id: 999999 } }, CAROL), 400, ["parent"])
      expectError(yield* json("POST", "/snippets/demo/k3Rp9/comments", { content: { raw: "x" } }), 401)
      expectError(yield* json("POST", "/snippets/demo/qW2sD/comments", { content: { raw: "x" } }, CAROL), 403)

      expectError(yield* json("PUT", `/snippets/demo/k3Rp9/comments/${id}`, { content: { raw: "edited" } }, BOB), 403)
      const edited = yield* json("PUT", `/snippets/demo/k3Rp9/comments/${id}`, { content: { raw: "Nicer" } }, CAROL)
      expect(edited.status).toBe(200)
      expect(edited.body.content.raw).toBe("Nicer")
      expectError(yield* del(`/snippets/demo/k3Rp9/comments/${id}`, basic("nobody@example.com", "x")), 401)
      // A collaborator of the workspace who is neither the author nor the snippet's creator may not.
      expectError(yield* del(`/snippets/demo/k3Rp9/comments/${id}`, BOB), 403)
      expect((yield* del(`/snippets/demo/k3Rp9/comments/${id}`, CAROL)).status).toBe(204)
      expectError(yield* get(`/snippets/demo/k3Rp9/comments/${id}`), 404)
      expect((yield* get("/snippets/demo/k3Rp9/comments")).body.size).toBe(2)
    })))

  it.effect("workflow: create a snippet with two files, read both, comment, delete it", () =>
    run(Effect.gen(function*() {
      const body = new FormData()
      body.append("title", "Workflow")
      body.append("file", new Blob(["one\n"]), "one.txt")
      body.append("file", new Blob([new Uint8Array([0xde, 0xad, 0xbe, 0xef])]), "two.dat")
      const created = yield* form("POST", "/snippets/demo", body, ALICE)
      expect(created.status).toBe(201)
      const path = new URL(created.body.links.self.href).pathname.replace(/^\/2\.0/, "")
      expect(Buffer.from((yield* readSnippetFile(path, "one.txt")).bytes).toString()).toBe("one\n")
      expect([...(yield* readSnippetFile(path, "two.dat")).bytes]).toEqual([0xde, 0xad, 0xbe, 0xef])
      const comment = yield* json("POST", `${path}/comments`, { content: { raw: "Ship it" } }, BOB)
      expect(comment.status).toBe(201)
      expect(values(yield* get(`${path}/comments`)).map((c) => c.content.raw)).toEqual(["Ship it"])
      expect((yield* del(path, ALICE)).status).toBe(204)
      expectError(yield* get(path), 404)
      expectError(yield* get(`${path}/files/one.txt`), 404)
      expect(values(yield* get("/snippets/demo")).map((s) => s.title)).not.toContain("Workflow")
    })))
})

const SPEC = fileURLToPath(new URL("../../../shared/bitbucket-cloud-openapi.json", import.meta.url))
const specEvents = (): Array<string> | undefined => {
  if (!existsSync(SPEC)) return undefined
  const spec = JSON.parse(readFileSync(SPEC, "utf8"))
  return spec.definitions.hook_event.properties.event.enum
}

describe("FakeBitbucket: webhooks", () => {
  it.effect("repository hooks: shape, listing and admin rights", () =>
    run(Effect.gen(function*() {
      const listed = yield* get(`${R}/hooks`, ALICE)
      expect(listed.status).toBe(200)
      expect(listed.body.size).toBe(1)
      const hook = values(listed)[0]
      expect(hook).toEqual({
        type: "webhook_subscription",
        uuid: PLAYGROUND_HOOK,
        url: "https://ci.example.com/hooks/bitbucket",
        description: "CI trigger",
        subject_type: "repository",
        subject: expect.objectContaining({ type: "repository", full_name: "demo/effect-playground" }),
        active: true,
        created_at: "2024-02-01T10:00:00.000000+00:00",
        events: ["repo:push", "pullrequest:created", "pullrequest:fulfilled"],
        secret_set: true,
        skip_cert_verification: false,
        links: { self: { href: `${API}${R}/hooks/${encodeURIComponent(PLAYGROUND_HOOK)}` } }
      })
      expect(JSON.stringify(listed.body)).not.toContain("playground-hook-secret")
      expect((yield* get(`${R}/hooks/${encodeURIComponent(PLAYGROUND_HOOK)}`, ALICE)).body.uuid).toBe(PLAYGROUND_HOOK)
      expect((yield* get(`${R}/hooks/${PLAYGROUND_HOOK.slice(1, -1)}`, ALICE)).body.uuid).toBe(PLAYGROUND_HOOK)
      expectError(yield* get(`${R}/hooks`), 401)
      expectError(yield* get(`${R}/hooks`, BOB), 403)
      expectError(yield* get(`${R}/hooks/${encodeURIComponent(PLAYGROUND_HOOK)}`, BOB), 403)
      expectError(yield* get("/repositories/acme/api/hooks", CAROL), 403)
      expectError(yield* get("/repositories/acme/api/hooks"), 404)
      // Admin through a token is enough with the webhook scope, and nothing without it.
      expect((yield* get("/repositories/acme/api/hooks", "Bearer acme-workspace-token")).body.size).toBe(0)
      const unscoped = yield* get("/repositories/acme/api/hooks", "Bearer acme-api-repo-token")
      expectError(unscoped, 403)
      expect(unscoped.body.error.message).toBe("Your credentials lack one or more required privilege scopes.")
      expect(unscoped.body.error.detail).toBe("Required: webhook. Granted: repository.")
      expectError(yield* get(`${R}/hooks/{00000000-0000-4000-8000-000000000000}`, ALICE), 404)
    })))

  it.effect("workflow: create a webhook with validation, list it, update its secret, delete it", () =>
    run(Effect.gen(function*() {
      expectError(yield* json("POST", `${R}/hooks`, {}, ALICE), 400, ["url", "events"])
      const badEvents = yield* json("POST", `${R}/hooks`, { url: "https://x.example/h", events: ["repo:push", "repo:explode", "project:updated"] }, ALICE)
      expectError(badEvents, 400, ["events"])
      expect(badEvents.body.error.fields.events).toHaveLength(2)
      expectError(yield* json("POST", `${R}/hooks`, { url: "ftp://x.example/h", events: ["repo:push"] }, ALICE), 400, ["url"])
      expectError(yield* json("POST", `${R}/hooks`, { url: "http://127.0.0.1:8080/h", events: ["repo:push"] }, ALICE), 400, ["url"])
      expectError(yield* json("POST", `${R}/hooks`, { url: "https://x.example/h", events: ["repo:push", "repo:push"] }, ALICE), 400, ["events"])
      expectError(yield* json("POST", `${R}/hooks`, { url: "https://x.example/h", events: ["repo:push"], active: "yes" }, ALICE), 400, ["active"])
      expectError(yield* json("POST", `${R}/hooks`, { url: "https://x.example/h", events: ["repo:push"] }, BOB), 403)

      const created = yield* json("POST", `${R}/hooks`, {
        url: "https://deploy.example.com/hook",
        description: "Deploys",
        events: ["repo:push", "pullrequest:fulfilled"],
        secret: "s3cret"
      }, ALICE)
      expect(created.status).toBe(201)
      const uuid: string = created.body.uuid
      expect(uuid).toMatch(/^\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}\}$/)
      expect(created.headers["location"]).toBe(`${API}${R}/hooks/${encodeURIComponent(uuid)}`)
      expect(created.body).toMatchObject({ active: true, secret_set: true, subject_type: "repository", description: "Deploys" })
      expect(created.body.secret).toBeUndefined()
      expect(values(yield* get(`${R}/hooks`, ALICE)).map((h) => h.uuid)).toEqual([PLAYGROUND_HOOK, uuid])

      const kept = yield* json("PUT", `${R}/hooks/${encodeURIComponent(uuid)}`, { active: false }, ALICE)
      expect(kept.body).toMatchObject({ active: false, secret_set: true, url: "https://deploy.example.com/hook" })
      const cleared = yield* json("PUT", `${R}/hooks/${encodeURIComponent(uuid)}`, { secret: null, events: ["repo:fork"] }, ALICE)
      expect(cleared.body).toMatchObject({ secret_set: false, events: ["repo:fork"] })
      expectError(yield* json("PUT", `${R}/hooks/${encodeURIComponent(uuid)}`, { events: [] }, ALICE), 400, ["events"])

      expectError(yield* del(`${R}/hooks/${encodeURIComponent(uuid)}`, BOB), 403)
      expect((yield* del(`${R}/hooks/${encodeURIComponent(uuid)}`, ALICE)).status).toBe(204)
      expectError(yield* get(`${R}/hooks/${encodeURIComponent(uuid)}`, ALICE), 404)
      expect((yield* get(`${R}/hooks`, ALICE)).body.size).toBe(1)
    })))

  it.effect("workspace hooks need a workspace owner", () =>
    run(Effect.gen(function*() {
      const listed = yield* get("/workspaces/acme/hooks", ALICE)
      expect(values(listed)).toHaveLength(1)
      expect(values(listed)[0]).toMatchObject({
        uuid: ACME_HOOK,
        subject_type: "workspace",
        subject: { type: "workspace", slug: "acme" },
        active: false,
        secret_set: false
      })
      expect((yield* get("/workspaces/acme/hooks", ACME_WS_TOKEN)).body.size).toBe(1)
      expectError(yield* get("/workspaces/acme/hooks", BOB), 403)
      expectError(yield* get("/workspaces/demo/hooks", BOB), 403)
      expectError(yield* get("/workspaces/demo/hooks"), 401)
      expectError(yield* get("/workspaces/acme/hooks"), 404)
      const created = yield* json("POST", "/workspaces/demo/hooks", { url: "https://x.example/ws", events: ["project:updated", "repo:created"] }, ALICE)
      expect(created.status).toBe(201)
      expect(created.body.subject.slug).toBe("demo")
      expect((yield* get(`/workspaces/demo/hooks/${encodeURIComponent(created.body.uuid)}`, ALICE)).body.events).toEqual(["project:updated", "repo:created"])
      // A workspace hook is not a repository hook.
      expectError(yield* get(`${R}/hooks/${encodeURIComponent(created.body.uuid)}`, ALICE), 404)
      expect((yield* del(`/workspaces/demo/hooks/${encodeURIComponent(created.body.uuid)}`, ALICE)).status).toBe(204)
    })))

  it.effect("hook events by subject type, public", () =>
    run(Effect.gen(function*() {
      const types = yield* get("/hook_events")
      expect(types.body).toEqual({
        repository: { events: { href: `${API}/hook_events/repository` } },
        workspace: { events: { href: `${API}/hook_events/workspace` } }
      })
      const workspace = yield* get("/hook_events/workspace?pagelen=100")
      expect(workspace.body.size).toBe(27)
      expect(Object.keys(values(workspace)[0]).sort()).toEqual(["category", "description", "event", "label"])
      const repository = yield* get("/hook_events/repository?pagelen=100")
      expect(repository.body.size).toBe(26)
      expect(values(repository).map((e) => e.event)).not.toContain("project:updated")
      expect((yield* get("/hook_events/repository")).body.next).toBe(`${API}/hook_events/repository?page=2`)
      expectError(yield* get("/hook_events/team"), 404)

      const expected = specEvents()
      if (expected === undefined) {
        console.warn(`SKIPPED: the hook_event contract check needs ${SPEC}, which is absent.`)
      } else {
        expect(values(workspace).map((e) => e.event).sort()).toEqual([...expected].sort())
      }
    })))
})

describe("FakeBitbucket: branch restrictions", () => {
  it.effect("lists with kind and pattern filters; admin rights", () =>
    run(Effect.gen(function*() {
      const listed = yield* get(`${R}/branch-restrictions`, ALICE)
      expect(listed.status).toBe(200)
      expect(values(listed).map((r) => r.id)).toEqual([7001, 7002, 7003, 7004])
      expect(values(listed)[0]).toEqual({
        type: "branchrestriction",
        id: 7001,
        kind: "push",
        branch_match_kind: "glob",
        pattern: "main",
        users: [expect.objectContaining({ type: "user", uuid: ALICE_UUID })],
        groups: [],
        value: null,
        links: { self: { href: `${API}${R}/branch-restrictions/7001` } }
      })
      expect(values(listed)[1].value).toBe(1)
      expect(values(listed)[2]).toMatchObject({ kind: "force", branch_match_kind: "branching_model", branch_type: "production", pattern: "" })
      expect(values(yield* get(`${R}/branch-restrictions?kind=push`, ALICE)).map((r) => r.id)).toEqual([7001])
      expect(values(yield* get(`${R}/branch-restrictions?pattern=main`, ALICE)).map((r) => r.id)).toEqual([7001, 7002])
      expect(values(yield* get(`${R}/branch-restrictions?pattern=${encodeURIComponent("release/*")}&kind=delete`, ALICE)).map((r) => r.id)).toEqual([7004])
      const paged = yield* get(`${R}/branch-restrictions?pagelen=3`, ALICE)
      expect(values(yield* get(paged.body.next, ALICE)).map((r) => r.id)).toEqual([7004])
      expect((yield* get(`${R}/branch-restrictions/7003`, ALICE)).body.branch_type).toBe("production")

      expectError(yield* get(`${R}/branch-restrictions`), 401)
      expectError(yield* get(`${R}/branch-restrictions`, BOB), 403)
      expectError(yield* get(`${R}/branch-restrictions/7001`, BOB), 403)
      expectError(yield* get("/repositories/acme/api/branch-restrictions", CAROL), 403)
      expectError(yield* get(`${R}/branch-restrictions/7999`, ALICE), 404)
      expectError(yield* get("/repositories/demo/ts-utils/branch-restrictions/7001", ALICE), 404)
    })))

  it.effect("creates with validation, updates and deletes", () =>
    run(Effect.gen(function*() {
      const B = `${R}/branch-restrictions`
      expectError(yield* json("POST", B, { kind: "explode", pattern: "main" }, ALICE), 400, ["kind"])
      expectError(yield* json("POST", B, { kind: "delete" }, ALICE), 400, ["pattern"])
      expectError(yield* json("POST", B, { kind: "delete", branch_match_kind: "branching_model", branch_type: "trunk" }, ALICE), 400, ["branch_type"])
      expectError(yield* json("POST", B, { kind: "require_approvals_to_merge", pattern: "develop" }, ALICE), 400, ["value"])
      expectError(yield* json("POST", B, { kind: "require_approvals_to_merge", pattern: "develop", value: -1 }, ALICE), 400, ["value"])
      expectError(yield* json("POST", B, { kind: "force", pattern: "x", users: [{ uuid: BOB_UUID }] }, ALICE), 400, ["users"])
      expectError(yield* json("POST", B, { kind: "push", pattern: "x", users: [{ uuid: "{nobody}" }], groups: [] }, ALICE), 400, ["users"])
      // push and restrict_merges need users and groups, empty lists being fine.
      expectError(yield* json("POST", B, { kind: "push", pattern: "develop" }, ALICE), 400, ["groups", "users"])
      expectError(yield* json("POST", B, { kind: "push", pattern: "main", users: [], groups: [] }, ALICE), 400, ["pattern"])
      expectError(yield* json("POST", B, { kind: "delete", pattern: "develop" }, BOB), 403)

      const created = yield* json("POST", B, {
        kind: "restrict_merges",
        branch_match_kind: "glob",
        pattern: "develop",
        users: [{ account_id: "557058:bob" }],
        groups: [{ slug: "release-managers" }]
      }, ALICE)
      expect(created.status).toBe(201)
      const id = created.body.id
      expect(id).toBe(7005)
      expect(created.headers["location"]).toBe(`${API}${B}/${id}`)
      expect(created.body).toMatchObject({
        kind: "restrict_merges",
        pattern: "develop",
        users: [{ uuid: BOB_UUID }],
        groups: [{ type: "group", slug: "release-managers", full_slug: "demo:release-managers" }],
        value: null
      })
      const model = yield* json("POST", B, { kind: "require_approvals_to_merge", branch_match_kind: "branching_model", branch_type: "release", value: 2 }, ALICE)
      expect(model.body).toMatchObject({ id: 7006, branch_type: "release", value: 2 })

      const updated = yield* json("PUT", `${B}/${id}`, { pattern: "develop*", users: [] }, ALICE)
      expect(updated.status).toBe(200)
      expect(updated.body).toMatchObject({ id, kind: "restrict_merges", pattern: "develop*", users: [], groups: [{ slug: "release-managers" }] })
      expectError(yield* json("PUT", `${B}/${id}`, { kind: "nope" }, ALICE), 400, ["kind"])
      expectError(yield* json("PUT", `${B}/${id}`, { pattern: "develop" }, BOB), 403)

      expect((yield* get(`${B}?pagelen=100`, ALICE)).body.size).toBe(6)
      expect((yield* del(`${B}/${id}`, ALICE)).status).toBe(204)
      expectError(yield* get(`${B}/${id}`, ALICE), 404)
      expectError(yield* del(`${B}/${id}`, ALICE), 404)
      const fake = yield* FakeBitbucket.FakeBitbucket
      expect((yield* fake.snapshot).branchRestrictions!.map((r) => r.id)).toEqual([7001, 7002, 7003, 7004, 7006])
    })))

  it.effect("a delete restriction stops deleting the branches it covers", () =>
    run(Effect.gen(function*() {
      // 7004: delete on release/*.
      const refused = yield* del(`${R}/refs/branches/release%2F1.x`, BOB)
      expectError(refused, 403)
      expect(refused.body.error.message).toContain("7004")
      expect((yield* get(`${R}/refs/branches/release%2F1.x`)).status).toBe(200)
      expect((yield* del(`${R}/refs/branches/docs%2Fguide`, BOB)).status).toBe(204)
      // Once the rule is gone, so is the branch.
      expect((yield* del(`${R}/branch-restrictions/7004`, ALICE)).status).toBe(204)
      expect((yield* del(`${R}/refs/branches/release%2F1.x`, BOB)).status).toBe(204)
    })))

  it.effect("a rule by branch type follows the repository's effective branching model", () =>
    run(Effect.gen(function*() {
      for (const name of ["feature/a", "feat/b", "feat/c", "dev"]) {
        expect((yield* json("POST", `${R}/refs/branches`, { name, target: { hash: "main" } }, ALICE)).status).toBe(201)
      }
      const B = `${R}/branch-restrictions`
      for (const branch_type of ["feature", "development", "production"]) {
        expect((yield* json("POST", B, { kind: "delete", branch_match_kind: "branching_model", branch_type }, ALICE)).status).toBe(201)
      }
      // The default model: features are under `feature/`, development is the main branch, and
      // production is disabled (a production rule covers nothing).
      expectError(yield* del(`${R}/refs/branches/feature%2Fa`, ALICE), 403)
      expect((yield* del(`${R}/refs/branches/feat%2Fb`, ALICE)).status).toBe(204)
      // The repository's own model: features under `feat/`, development on `dev`, production on `feature/a`.
      expect((yield* json("PUT", `${R}/override-settings`, { override_settings: { branching_model: true } }, ALICE)).status).toBe(204)
      const settings = yield* json("PUT", `${R}/branching-model/settings`, {
        branch_types: [{ kind: "feature", prefix: "feat/" }],
        development: { use_mainbranch: false, name: "dev" },
        production: { enabled: true, use_mainbranch: false, name: "feature/a" }
      }, ALICE)
      expect(settings.status).toBe(200)
      expectError(yield* del(`${R}/refs/branches/feat%2Fc`, ALICE), 403)
      expectError(yield* del(`${R}/refs/branches/dev`, ALICE), 403)
      const production = yield* del(`${R}/refs/branches/feature%2Fa`, ALICE)
      expectError(production, 403)
      // Once production moves back to none, `feature/a` is no type's branch.
      expect((yield* json("PUT", `${R}/branching-model/settings`, { production: { enabled: false } }, ALICE)).status).toBe(200)
      expect((yield* del(`${R}/refs/branches/feature%2Fa`, ALICE)).status).toBe(204)
    })))
})

describe("FakeBitbucket: token scopes", () => {
  it.effect("a token that lacks the scope a request needs gets 403, whatever its rights on the repository", () =>
    run(Effect.gen(function*() {
      const REPO_TOKEN = "Bearer acme-api-repo-token" // admin on acme/api; scopes: repository
      const ALICE_TOKEN = "Bearer demo-access-token" // acts as Alice; scopes: repository, repository:write, account
      const lacks = (reply: { readonly body: { readonly error: { readonly detail: string } } }, scope: string) =>
        expect(reply.body.error.detail).toContain(`Required: ${scope}.`)
      // Reading needs only `repository`.
      expect((yield* get("/repositories/acme/api", REPO_TOKEN)).status).toBe(200)
      const deleteByRepoToken = yield* del("/repositories/acme/api", REPO_TOKEN)
      expectError(deleteByRepoToken, 403)
      lacks(deleteByRepoToken, "repository:delete")
      const deleteByAlice = yield* del("/repositories/demo/docs", ALICE_TOKEN)
      expectError(deleteByAlice, 403)
      lacks(deleteByAlice, "repository:delete")
      expect((yield* get("/repositories/demo/docs", ALICE)).status).toBe(200)
      lacks(yield* json("POST", `${R}/hooks`, { url: "https://ci.example.com/x", description: "x", events: ["repo:push"] }, ALICE_TOKEN), "webhook")
      lacks(yield* json("POST", "/repositories/acme/api/refs/branches", { name: "x", target: { hash: "main" } }, REPO_TOKEN), "repository:write")
      lacks(yield* json("POST", `${R}/pullrequests`, { title: "t", source: { branch: { name: "docs/guide" } } }, ALICE_TOKEN), "pullrequest:write")
      // `repository:write` brings `repository` with it: Alice's token creates a branch.
      expect((yield* json("POST", `${R}/refs/branches`, { name: "scoped", target: { hash: "main" } }, ALICE_TOKEN)).status).toBe(201)
      // API tokens are not limited by scopes.
      expect((yield* del("/repositories/demo/docs", ALICE)).status).toBe(204)
    })))
})

describe("FakeBitbucket: application properties", () => {
  it.effect("refuses what Bitbucket does: an empty body, unknown attributes, keys outside [-_a-zA-Z0-9]", () =>
    run(Effect.gen(function*() {
      const P = `${R}/properties/ci-bot/review`
      expectError(yield* put(P, ALICE), 400)
      expectError(yield* json("PUT", P, { _attributes: ["secret"] }, ALICE), 400, ["_attributes"])
      expectError(yield* json("PUT", P, { "src/index.ts": 1 }, ALICE), 400, ["src/index.ts"])
      expectError(yield* json("PUT", P, { ok: { "my key": 1 } }, ALICE), 400, ["ok.my key"])
      expect((yield* json("PUT", P, { ok: [{ "a-b_C1": 1 }] }, ALICE)).status).toBe(204)
    })))
})

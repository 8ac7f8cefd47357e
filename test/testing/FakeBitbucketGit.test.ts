/**
 * The fake's "Resources I" endpoints (refs, commits, diffs, build statuses, pull requests,
 * comments, forks, watchers), exercised with raw HTTP requests.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { FakeBitbucket } from "../../src/testing/index.js"

const API = "https://api.bitbucket.org/2.0"
const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`
const ALICE = basic("alice@example.com", "alice-api-token")
const BOB = basic("bob@example.com", "bob-api-token")
const CAROL = basic("carol@example.com", "carol-api-token")
const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const BOB_UUID = "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}"
const R = "/repositories/demo/effect-playground"
const ACME = "/repositories/acme/api"

interface Reply {
  readonly status: number
  readonly body: any
  readonly text: string
  readonly headers: Readonly<Record<string, string>>
}

type Env = HttpClient.HttpClient | FakeBitbucket.FakeBitbucket

const send = (request: HttpClientRequest.HttpClientRequest, auth?: string) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const response = yield* http.execute(auth === undefined ? request : HttpClientRequest.setHeader(request, "authorization", auth))
    const text = yield* response.text
    const json = (response.headers["content-type"] ?? "").startsWith("application/json")
    return { status: response.status, body: json && text !== "" ? JSON.parse(text) : undefined, text, headers: response.headers } as Reply
  })

const url = (path: string) => (path.startsWith("http") ? path : `${API}${path}`)
const get = (path: string, auth?: string) => send(HttpClientRequest.get(url(path)), auth)
const del = (path: string, auth?: string) => send(HttpClientRequest.del(url(path)), auth)
const json = (method: "POST" | "PUT", path: string, body: unknown, auth?: string) =>
  send(HttpClientRequest.make(method)(url(path)).pipe(HttpClientRequest.bodyUnsafeJson(body)), auth)
const post = (path: string, auth?: string) => send(HttpClientRequest.post(url(path)), auth)

const run = <A, E>(self: Effect.Effect<A, E, Env>, options?: FakeBitbucket.Options) =>
  Effect.provide(self, FakeBitbucket.layer(options))

const expectError = (reply: Reply, status: number, field?: string) => {
  expect(reply.status).toBe(status)
  expect(reply.body.type).toBe("error")
  expect(typeof reply.body.error.message).toBe("string")
  if (field !== undefined) expect(Object.keys(reply.body.error.fields ?? {})).toContain(field)
}

const names = (reply: Reply): Array<string> => reply.body.values.map((v: { name: string }) => v.name)
const ids = (reply: Reply): Array<number> => reply.body.values.map((v: { id: number }) => v.id)
const absolute = (links: Record<string, { href: string }>) => {
  for (const [name, link] of Object.entries(links)) {
    if (!Array.isArray(link)) expect(link.href, name).toMatch(/^https:\/\//)
  }
}

/** Follows `next` links to the end. */
const walk = (first: string, auth?: string) =>
  Effect.gen(function*() {
    const pages: Array<any> = []
    let next: string | undefined = first
    while (next !== undefined) {
      const reply: Reply = yield* get(next, auth)
      expect(reply.status).toBe(200)
      pages.push(reply.body)
      next = reply.body.next
      if (pages.length > 50) throw new Error("too many pages")
    }
    return pages
  })

describe("FakeBitbucket: refs", () => {
  it.effect("lists branches and tags, with q and sort", () =>
    run(Effect.gen(function*() {
      const branches = yield* get(`${R}/refs/branches?pagelen=100`)
      expect(names(branches)).toEqual(["bugfix/typo", "docs/guide", "feature/old-api", "feature/streams", "main", "release/1.x"])
      const main = branches.body.values.find((b: { name: string }) => b.name === "main")
      expect(main).toMatchObject({ type: "branch", target: { type: "commit", author: { type: "author" } }, default_merge_strategy: "merge_commit" })
      expect(main.merge_strategies).toEqual(["merge_commit", "squash", "fast_forward", "squash_fast_forward", "rebase_fast_forward", "rebase_merge"])
      expect(main.target.hash).toMatch(/^[0-9a-f]{40}$/)
      absolute(main.links)
      const tags = yield* get(`${R}/refs/tags`)
      expect(names(tags)).toEqual(["release/2024.1", "v1.0.0", "v1.1.0"])
      const v1 = tags.body.values.find((t: { name: string }) => t.name === "v1.0.0")
      expect(v1).toMatchObject({ type: "tag", message: "Release 1.0.0\n", tagger: { type: "author", raw: "Alice Anderson <alice@example.com>" } })
      expect(v1.tagger.user.uuid).toBe(ALICE_UUID)
      const all = yield* get(`${R}/refs?pagelen=100`)
      expect(all.body.size).toBe(9)
      expect(new Set(all.body.values.map((v: { type: string }) => v.type))).toEqual(new Set(["branch", "tag"]))
      const q = yield* get(`${R}/refs/branches?q=${encodeURIComponent("name ~ \"feature/\"")}&sort=-name`)
      expect(names(q)).toEqual(["feature/streams", "feature/old-api"])
    })))

  it.effect("names with / travel percent-encoded as one segment", () =>
    run(Effect.gen(function*() {
      const branch = yield* get(`${R}/refs/branches/${encodeURIComponent("feature/streams")}`)
      expect(branch.status).toBe(200)
      expect(branch.body.name).toBe("feature/streams")
      expect(branch.body.links.self.href).toBe(`${API}${R}/refs/branches/feature%2Fstreams`)
      expect((yield* get(`${R}/refs/tags/${encodeURIComponent("release/2024.1")}`)).body.name).toBe("release/2024.1")
      // Unencoded, the slash is a path separator and there is no such endpoint.
      expectError(yield* get(`${R}/refs/branches/feature/streams`), 404)
      expectError(yield* get(`${R}/refs/branches/nope`), 404)
    })))

  it.effect("creates and deletes branches and tags", () =>
    run(Effect.gen(function*() {
      const main = (yield* get(`${R}/refs/branches/main`)).body.target.hash as string
      const created = yield* json("POST", `${R}/refs/branches`, { name: "feature/new-thing", target: { hash: main.slice(0, 12) } }, BOB)
      expect(created.status).toBe(201)
      expect(created.headers["location"]).toBe(`${API}${R}/refs/branches/feature%2Fnew-thing`)
      expect(created.body).toMatchObject({ type: "branch", name: "feature/new-thing", target: { hash: main } })
      expect((yield* get(`${R}/refs/branches/feature%2Fnew-thing`)).status).toBe(200)
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "feature/new-thing", target: { hash: main } }, BOB), 400)
      expectError(yield* json("POST", `${R}/refs/branches`, { target: { hash: main } }, BOB), 400, "name")
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "x" }, BOB), 400, "target")
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "x", target: { hash: "0000000000" } }, BOB), 400, "target")
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "bad..name", target: { hash: main } }, BOB), 400, "name")
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "x", target: { hash: main } }, CAROL), 403)
      expectError(yield* json("POST", `${R}/refs/branches`, { name: "x", target: { hash: main } }), 401)
      expect((yield* del(`${R}/refs/branches/feature%2Fnew-thing`, BOB)).status).toBe(204)
      expectError(yield* get(`${R}/refs/branches/feature%2Fnew-thing`), 404)
      expectError(yield* del(`${R}/refs/branches/main`, ALICE), 400)

      const tag = yield* json("POST", `${R}/refs/tags`, { name: "v2.0.0", target: { hash: main }, message: "Two" }, ALICE)
      expect(tag.status).toBe(201)
      expect(tag.body).toMatchObject({ type: "tag", name: "v2.0.0", message: "Two", target: { hash: main } })
      expect(tag.body.tagger.user.uuid).toBe(ALICE_UUID)
      expectError(yield* json("POST", `${R}/refs/tags`, { name: "v2.0.0", target: { hash: main } }, ALICE), 400)
      expect((yield* del(`${R}/refs/tags/v2.0.0`, ALICE)).status).toBe(204)
      expectError(yield* del(`${R}/refs/tags/v2.0.0`, ALICE), 404)
    })))

  it.effect("private repositories: 404 anonymous, 403 without access", () =>
    run(Effect.gen(function*() {
      expectError(yield* get(`${ACME}/refs/branches`), 404)
      expectError(yield* get(`${ACME}/refs/branches`, CAROL), 403)
      expect(names(yield* get(`${ACME}/refs/branches`, BOB))).toContain("feature/rate-limit")
      // Bob reads acme but cannot write.
      expectError(yield* json("POST", `${ACME}/refs/branches`, { name: "x", target: { hash: "main" } }, BOB), 403)
      // Repositories without seeded git data have an initial commit on their main branch.
      const docs = yield* get("/repositories/demo/docs/refs/branches")
      expect(names(docs)).toEqual(["gh-pages"])
      expect(docs.body.values[0].target.message).toBe("Initial commit\n")
    })))
})

describe("FakeBitbucket: commits", () => {
  it.effect("a commit looks like Bitbucket's", () =>
    run(Effect.gen(function*() {
      const hash = (yield* get(`${R}/refs/tags/v1.1.0`)).body.target.hash as string
      const c = (yield* get(`${R}/commit/${hash}`)).body
      expect(c).toMatchObject({
        type: "commit",
        hash,
        message: expect.stringContaining("Merged in feature/schema (pull request #2)"),
        author: { type: "author", raw: "Alice Anderson <alice@example.com>", user: { type: "user", uuid: ALICE_UUID } },
        summary: { type: "rendered", markup: "markdown" },
        repository: { type: "repository", full_name: "demo/effect-playground" }
      })
      expect(c.parents).toHaveLength(2)
      expect(c.parents[0]).toMatchObject({ type: "commit", hash: expect.stringMatching(/^[0-9a-f]{40}$/) })
      expect(Date.parse(c.date)).not.toBeNaN()
      absolute(c.links)
      expect(c.links.self.href).toBe(`${API}${R}/commit/${hash}`)
      // A short hash and a ref name work too; an unknown commit is 404.
      expect((yield* get(`${R}/commit/${hash.slice(0, 10)}`)).body.hash).toBe(hash)
      expectError(yield* get(`${R}/commit/0123456789abcdef`), 404)
      // An author Bitbucket cannot map has only `raw`.
      const log = yield* walk(`${R}/commits/main?pagelen=100`)
      const botCommit = log[0].values.find((v: any) => v.author.raw.startsWith("Renovate"))
      expect(botCommit.author.user).toBeUndefined()
    })))

  it.effect("iterator-based pagination: opaque next, no page/size, nothing skipped or repeated", () =>
    run(Effect.gen(function*() {
      const pages = yield* walk(`${R}/commits/main?pagelen=10`)
      expect(pages.map((p) => p.values.length)).toEqual([10, 10, 9])
      for (const p of pages) {
        expect(p.size).toBeUndefined()
        expect(p.page).toBeUndefined()
        expect(p.pagelen).toBe(10)
      }
      const cursor = new URL(pages[0].next).searchParams.get("page")!
      expect(cursor).not.toMatch(/^\d+$/)
      const hashes = pages.flatMap((p) => p.values.map((v: { hash: string }) => v.hash))
      expect(new Set(hashes).size).toBe(29)
      // Newest first.
      const dates = pages.flatMap((p) => p.values.map((v: { date: string }) => Date.parse(v.date)))
      expect(dates).toEqual([...dates].sort((a, b) => b - a))
      // Default page length is 30; git log --all covers every branch and tag.
      const all = yield* get(`${R}/commits`)
      expect(all.body.pagelen).toBe(30)
      expect(all.body.values).toHaveLength(30)
      expectError(yield* get(`${R}/commits/main?page=not-a-cursor`), 400)
    })))

  it.effect("include, exclude and path, by GET and by POST", () =>
    run(Effect.gen(function*() {
      const streams = yield* get(`${R}/commits/feature%2Fstreams?exclude=main`)
      expect(streams.body.values.map((v: { message: string }) => v.message)).toEqual([
        "Use Stream.fromIterable in the stream example\n",
        "Add a Stream example\n"
      ])
      const both = yield* get(`${R}/commits?include=feature%2Fstreams&include=docs%2Fguide&exclude=main&exclude=release%2F1.x`)
      expect(both.body.values).toHaveLength(4)
      const form = yield* send(
        HttpClientRequest.post(url(`${R}/commits`)).pipe(HttpClientRequest.bodyUrlParams({ include: "feature/streams", exclude: "main" }))
      )
      expect(form.body.values).toEqual(streams.body.values)
      const body = yield* json("POST", `${R}/commits/feature%2Fstreams`, { exclude: ["main"] })
      expect(body.body.values).toEqual(streams.body.values)
      const byPath = yield* get(`${R}/commits?path=src/streams.ts`)
      expect(byPath.body.values).toHaveLength(2)
      expect((yield* get(`${R}/commits/main?path=src/examples`)).body.values).toHaveLength(22)
      expectError(yield* get(`${R}/commits/no-such-branch`), 404)
    })))

  it.effect("diff, patch, diffstat and merge-base", () =>
    run(Effect.gen(function*() {
      const head = (yield* get(`${R}/refs/branches/feature%2Fstreams`)).body.target.hash as string
      const diff = yield* get(`${R}/diff/${head}`)
      expect(diff.status).toBe(200)
      expect(diff.headers["content-type"]).toMatch(/^text\/plain/)
      expect(diff.text).toContain("diff --git a/src/streams.ts b/src/streams.ts")
      expect(diff.text).toContain("--- a/src/streams.ts\n+++ b/src/streams.ts\n@@ -1,5 +1,6 @@")
      expect(diff.text).toContain("-const numbers = Stream.make(1, 2, 3)\n+const numbers = Stream.fromIterable([1, 2, 3])")
      // Two-commit spec: the branch's changes against the merge base (topic diff).
      const range = yield* get(`${R}/diff/feature%2Fstreams..main`)
      expect(range.text).toContain("new file mode 100644\nindex 0000000..")
      expect(range.text).toContain("--- /dev/null\n+++ b/src/streams.ts")
      expect(range.text).not.toContain("README.md")
      // Without topic, main's later changes show (reversed).
      expect((yield* get(`${R}/diff/feature%2Fstreams..main?topic=false`)).text).toContain("README.md")
      expect((yield* get(`${R}/diff/feature%2Fstreams..main?path=README.md`)).text).toBe("")
      // context=0: the changed lines only, as git diff -U0.
      const bare = (yield* get(`${R}/diff/${head}?context=0`)).text
      expect(bare).toContain("-const numbers = Stream.make(1, 2, 3)\n+const numbers = Stream.fromIterable([1, 2, 3])")
      expect(bare.split("\n").filter((line) => line.startsWith(" "))).toEqual([])

      const patch = yield* get(`${R}/patch/feature%2Fstreams..main`)
      expect(patch.headers["content-type"]).toMatch(/^text\/plain/)
      expect(patch.text).toMatch(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\nFrom: Bob Brown <bob@example.com>\n/)
      expect(patch.text).toContain("Subject: [PATCH 1/2] Add a Stream example")
      expect(patch.text).toContain("Subject: [PATCH 2/2] Use Stream.fromIterable in the stream example")

      const stat = yield* get(`${R}/diffstat/feature%2Fstreams..main`)
      expect(stat.body).toMatchObject({ size: 1, page: 1 })
      expect(stat.body.values[0]).toMatchObject({
        type: "diffstat",
        status: "added",
        lines_added: 6,
        lines_removed: 0,
        old: null,
        new: { type: "commit_file", path: "src/streams.ts" }
      })
      const modified = yield* get(`${R}/diffstat/${head}`)
      expect(modified.body.values[0]).toMatchObject({ status: "modified", lines_added: 2, lines_removed: 1 })
      // Each side links to the file at its own commit: the old one at the parent, with the old text.
      const parent = (yield* get(`${R}/commit/${head}`)).body.parents[0].hash as string
      const entry = modified.body.values[0]
      expect(entry.old.links.self.href).toBe(`${API}${R}/src/${parent}/${entry.old.path}`)
      expect(entry.new.links.self.href).toContain(`/src/${(yield* get(`${R}/commit/${head}`)).body.hash}/`)
      const before = yield* send(HttpClientRequest.get(entry.old.links.self.href))
      const after = yield* send(HttpClientRequest.get(entry.new.links.self.href))
      expect(before.text).not.toBe(after.text)

      const base = yield* get(`${R}/merge-base/feature%2Fstreams..main`)
      const streams = yield* get(`${R}/commits/feature%2Fstreams?exclude=main`)
      expect(base.body.type).toBe("commit")
      expect(base.body.hash).toBe(streams.body.values[1].parents[0].hash)
      expectError(yield* get(`${R}/merge-base/main`), 400)
      expectError(yield* get(`${R}/diff/nope..main`), 404)
    })))

  it.effect("approve and comment on commits", () =>
    run(Effect.gen(function*() {
      const hash = (yield* get(`${R}/refs/branches/main`)).body.target.hash as string
      const approved = yield* post(`${R}/commit/${hash}/approve`, BOB)
      expect(approved.status).toBe(200)
      expect(approved.body).toMatchObject({ type: "participant", approved: true, state: "approved", user: { uuid: BOB_UUID } })
      expect((yield* get(`${R}/commit/${hash}`)).body.participants).toHaveLength(1)
      expect((yield* del(`${R}/commit/${hash}/approve`, BOB)).status).toBe(204)
      expectError(yield* del(`${R}/commit/${hash}/approve`, BOB), 404)
      // Approving needs explicit access, not just a public repository.
      expectError(yield* post(`${R}/commit/${hash}/approve`, CAROL), 403)
      expectError(yield* post(`${R}/commit/${hash}/approve`), 401)

      const seeded = (yield* get(`${R}/commits/main?pagelen=100`)).body.values.at(-2).hash as string
      const comments = yield* get(`${R}/commit/${seeded}/comments`)
      expect(comments.body.values.map((c: { id: number }) => c.id)).toEqual([3001, 3002, 3003])
      expect(comments.body.values[1]).toMatchObject({ type: "commit_comment", parent: { id: 3001 }, commit: { hash: seeded } })
      expect(comments.body.values[2].inline).toEqual({ path: "src/main.ts", from: null, to: 3 })
      expect(comments.body.values[2].content.html).toContain("<code>Hello</code>")

      const created = yield* json("POST", `${R}/commit/${hash}/comments`, { content: { raw: "Ship it" } }, CAROL)
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ type: "commit_comment", content: { raw: "Ship it", markup: "markdown", html: "<p>Ship it</p>" }, deleted: false })
      const id = created.body.id as number
      expect(id).toBeGreaterThan(3003)
      expect(created.headers["location"]).toBe(`${API}${R}/commit/${hash}/comments/${id}`)
      expectError(yield* json("POST", `${R}/commit/${hash}/comments`, { content: {} }, CAROL), 400, "content")
      expectError(yield* json("POST", `${R}/commit/${hash}/comments`, { content: { raw: "x" }, parent: { id: 424242 } }, CAROL), 400, "parent")
      expectError(yield* json("PUT", `${R}/commit/${hash}/comments/${id}`, { content: { raw: "edited" } }, BOB), 403)
      const updated = yield* json("PUT", `${R}/commit/${hash}/comments/${id}`, { content: { raw: "edited" } }, CAROL)
      expect(updated.status).toBe(201)
      expect(updated.body.content.raw).toBe("edited")
      // With a visible reply, the comment stays, blanked and marked deleted; without, it is gone.
      const reply = (yield* json("POST", `${R}/commit/${hash}/comments`, { content: { raw: "Agreed" }, parent: { id } }, CAROL)).body.id
      expect((yield* del(`${R}/commit/${hash}/comments/${id}`, CAROL)).status).toBe(204)
      expect((yield* get(`${R}/commit/${hash}/comments/${id}`)).body).toMatchObject({ deleted: true, content: { raw: "" } })
      expect((yield* del(`${R}/commit/${hash}/comments/${reply}`, CAROL)).status).toBe(204)
      expectError(yield* get(`${R}/commit/${hash}/comments/${reply}`), 404)
      expect((yield* get(`${R}/commit/${hash}/comments`)).body.values.map((c: { id: number }) => c.id)).not.toContain(reply)
    })))
})

describe("FakeBitbucket: build statuses", () => {
  it.effect("lists, creates, overwrites by key, updates and validates", () =>
    run(Effect.gen(function*() {
      const head = (yield* get(`${R}/refs/branches/feature%2Fstreams`)).body.target.hash as string
      const listed = yield* get(`${R}/commit/${head}/statuses`)
      expect(listed.body.values.map((s: { key: string }) => s.key)).toEqual(["ci-build", "lint"])
      const lint = listed.body.values[1]
      expect(lint).toMatchObject({ type: "commitstatus", state: "FAILED", refname: "feature/streams", name: "Lint" })
      expect(lint.links.self.href).toBe(`${API}${R}/commit/${head}/statuses/build/lint`)
      expect(lint.links.commit.href).toBe(`${API}${R}/commit/${head}`)
      expect(lint.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/)

      const body = { key: "deploy", state: "INPROGRESS", url: "https://ci.example.com/d/1", name: "Deploy" }
      const created = yield* json("POST", `${R}/commit/${head}/statuses/build`, body, BOB)
      expect(created.status).toBe(201)
      expect(created.headers["location"]).toBe(`${API}${R}/commit/${head}/statuses/build/deploy`)
      const again = yield* json("POST", `${R}/commit/${head}/statuses/build`, { ...body, state: "SUCCESSFUL", description: "done" }, BOB)
      expect(again.status).toBe(201)
      expect(again.body).toMatchObject({ key: "deploy", state: "SUCCESSFUL", description: "done", name: "Deploy" })
      expect(again.body.uuid).toBe(created.body.uuid)
      expect(again.body.created_on).toBe(created.body.created_on)
      expect((yield* get(`${R}/commit/${head}/statuses`)).body.size).toBe(3)

      const put = yield* json("PUT", `${R}/commit/${head}/statuses/build/lint`, { state: "STOPPED" }, BOB)
      expect(put.status).toBe(200)
      expect(put.body).toMatchObject({ key: "lint", state: "STOPPED", url: lint.url })
      expect((yield* get(`${R}/commit/${head}/statuses/build/lint`)).body.state).toBe("STOPPED")
      expectError(yield* get(`${R}/commit/${head}/statuses/build/nope`), 404)
      expectError(yield* json("PUT", `${R}/commit/${head}/statuses/build/nope`, { state: "FAILED" }, BOB), 404)

      const bad = yield* json("POST", `${R}/commit/${head}/statuses/build`, { ...body, state: "PASSED" }, BOB)
      expectError(bad, 400, "state")
      expect(bad.body.error.fields.state[0]).toContain("SUCCESSFUL")
      const missing = yield* json("POST", `${R}/commit/${head}/statuses/build`, { state: "FAILED" }, BOB)
      expectError(missing, 400)
      expect(Object.keys(missing.body.error.fields).sort()).toEqual(["key", "url"])
      expectError(yield* json("PUT", `${R}/commit/${head}/statuses/build/lint`, { state: "nope" }, BOB), 400, "state")
      expectError(yield* json("POST", `${R}/commit/${head}/statuses/build`, body, CAROL), 403)
      expectError(yield* json("POST", `${R}/commit/${head}/statuses/build`, body), 401)
      expect((yield* get(`${R}/commit/${head}/statuses?q=${encodeURIComponent("state=\"SUCCESSFUL\"")}`)).body.size).toBe(2)
    })))
})

describe("FakeBitbucket: pull requests", () => {
  it.effect("listing: OPEN by default, repeated state, q, and hidden reviewers/participants", () =>
    run(Effect.gen(function*() {
      const open = yield* get(`${R}/pullrequests`)
      expect(ids(open)).toEqual([5, 1])
      const pr = open.body.values[1]
      expect(pr.reviewers).toBeUndefined()
      expect(pr.participants).toBeUndefined()
      expect(pr).toMatchObject({
        type: "pullrequest",
        id: 1,
        state: "OPEN",
        author: { type: "user", uuid: BOB_UUID },
        source: { branch: { name: "feature/streams" }, repository: { full_name: "demo/effect-playground" } },
        destination: { branch: { name: "main" } },
        comment_count: 3,
        task_count: 0,
        close_source_branch: true,
        merge_commit: null,
        closed_by: null
      })
      expect(pr.source.commit.hash).toMatch(/^[0-9a-f]{12}$/)
      absolute(pr.links)
      expect(pr.links.self.href).toBe(`${API}${R}/pullrequests/1`)

      expect(ids(yield* get(`${R}/pullrequests?state=MERGED&state=DECLINED&state=SUPERSEDED`))).toEqual([4, 3, 2])
      expect(ids(yield* get(`${R}/pullrequests?state=merged`))).toEqual([2])
      expectError(yield* get(`${R}/pullrequests?state=CLOSED`), 400, "state")
      expect(ids(yield* get(`${R}/pullrequests?q=${encodeURIComponent("state=\"DECLINED\" OR state=\"MERGED\"")}`))).toEqual([3, 2])
      expect(ids(yield* get(`${R}/pullrequests?q=${encodeURIComponent("author.uuid=\"" + BOB_UUID + "\"")}`))).toEqual([1])
      expect(ids(yield* get(`${R}/pullrequests?state=OPEN&state=MERGED&sort=created_on`))).toEqual([2, 1, 5])

      const withReviewers = yield* get(`${R}/pullrequests?fields=%2Bvalues.reviewers,%2Bvalues.participants`)
      expect(withReviewers.body.values[1].reviewers.map((u: { uuid: string }) => u.uuid)).toEqual([ALICE_UUID])
      expect(withReviewers.body.values[1].participants[0]).toMatchObject({
        type: "participant",
        role: "REVIEWER",
        approved: true,
        state: "approved",
        user: { uuid: ALICE_UUID }
      })
      expect(withReviewers.body.values[1].title).toBe("Add a Stream example")
      const only = yield* get(`${R}/pullrequests?fields=values.id,values.reviewers`)
      expect(only.body.values[0]).toEqual({ id: 5, reviewers: [expect.objectContaining({ uuid: BOB_UUID })] })

      expectError(yield* get(`${ACME}/pullrequests`), 404)
      expectError(yield* get(`${ACME}/pullrequests`, CAROL), 403)
      expect(ids(yield* get(`${ACME}/pullrequests?state=MERGED`, BOB))).toEqual([2])
    })))

  it.effect("one pull request carries reviewers and participants; closed ones keep their commits", () =>
    run(Effect.gen(function*() {
      const one = (yield* get(`${R}/pullrequests/5`)).body
      expect(one.reviewers.map((u: { uuid: string }) => u.uuid)).toEqual([BOB_UUID])
      expect(one.participants[0]).toMatchObject({ role: "REVIEWER", approved: false, state: "changes_requested" })
      const merged = (yield* get(`${R}/pullrequests/2`)).body
      expect(merged).toMatchObject({ state: "MERGED", closed_by: { uuid: ALICE_UUID } })
      const mergeCommit = (yield* get(`${R}/refs/tags/v1.1.0`)).body.target.hash as string
      expect(merged.merge_commit.hash).toBe(mergeCommit.slice(0, 12))
      expect((yield* get(`${R}/pullrequests/3`)).body).toMatchObject({ state: "DECLINED", reason: "This makes it a typo." })
      expect((yield* get(`${R}/pullrequests/4`)).body.state).toBe("SUPERSEDED")
      expect((yield* get(`${R}/pullrequests/2/commits`)).body.values.map((c: { message: string }) => c.message)).toEqual([
        "Add a Schema example\n"
      ])
      expectError(yield* get(`${R}/pullrequests/99`), 404)
    })))

  it.effect("creates with validation, and updates", () =>
    run(Effect.gen(function*() {
      const missing = yield* json("POST", `${R}/pullrequests`, { source: { branch: { name: "feature/streams" } } }, BOB)
      expectError(missing, 400, "title")
      expect(missing.body.error.fields.title).toEqual(["This field is required."])
      expectError(yield* json("POST", `${R}/pullrequests`, { title: "x" }, BOB), 400, "source")
      expectError(yield* json("POST", `${R}/pullrequests`, { title: "x", source: { branch: { name: "nope" } } }, BOB), 400, "source")
      expectError(
        yield* json("POST", `${R}/pullrequests`, { title: "x", source: { branch: { name: "release/1.x" } }, reviewers: [{ uuid: BOB_UUID }] }, BOB),
        400,
        "reviewers"
      )
      expectError(yield* json("POST", `${R}/pullrequests`, { title: "x", source: { branch: { name: "main" } } }, BOB), 400)
      expectError(yield* json("POST", `${R}/pullrequests`, { title: "x", source: { branch: { name: "bugfix/typo" } } }), 401)

      const created = yield* json("POST", `${R}/pullrequests`, {
        title: "Guide, take two",
        description: "Now with **layers**.",
        source: { branch: { name: "docs/guide" } },
        destination: { branch: { name: "release/1.x" } },
        reviewers: [{ account_id: "557058:alice" }]
      }, BOB)
      expect(created.status).toBe(201)
      expect(created.headers["location"]).toBe(`${API}${R}/pullrequests/6`)
      expect(created.body).toMatchObject({
        id: 6,
        state: "OPEN",
        author: { uuid: BOB_UUID },
        destination: { branch: { name: "release/1.x" } },
        reviewers: [{ uuid: ALICE_UUID }],
        participants: [{ role: "REVIEWER", approved: false, state: null, participated_on: null }],
        summary: { html: "<p>Now with <strong>layers</strong>.</p>" }
      })
      expect(ids(yield* get(`${R}/pullrequests`))).toEqual([6, 5, 1])

      const updated = yield* json("PUT", `${R}/pullrequests/6`, { title: "Guide v2", reviewers: [] }, BOB)
      expect(updated.status).toBe(200)
      expect(updated.body).toMatchObject({ title: "Guide v2", reviewers: [], participants: [] })
      expectError(yield* json("PUT", `${R}/pullrequests/6`, { title: "" }, BOB), 400, "title")
      expectError(yield* json("PUT", `${R}/pullrequests/6`, { title: "mine now" }, CAROL), 403)
      expectError(yield* json("PUT", `${R}/pullrequests/2`, { title: "closed" }, ALICE), 400)
    })))

  it.effect("approve, request changes, decline", () =>
    run(Effect.gen(function*() {
      const approved = yield* post(`${R}/pullrequests/5/approve`, CAROL)
      expect(approved.status).toBe(200)
      expect(approved.body).toMatchObject({ type: "participant", role: "PARTICIPANT", approved: true, state: "approved" })
      const changes = yield* post(`${R}/pullrequests/5/request-changes`, BOB)
      expect(changes.body).toMatchObject({ role: "REVIEWER", approved: false, state: "changes_requested" })
      expectError(yield* del(`${R}/pullrequests/5/approve`, BOB), 400)
      expect((yield* del(`${R}/pullrequests/5/request-changes`, BOB)).status).toBe(204)
      expect((yield* post(`${R}/pullrequests/5/approve`, BOB)).body.state).toBe("approved")
      const participants = (yield* get(`${R}/pullrequests/5`)).body.participants
      expect(participants.map((p: any) => [p.user.nickname, p.role, p.approved, p.state])).toEqual([
        ["bob", "REVIEWER", true, "approved"],
        ["carol", "PARTICIPANT", true, "approved"]
      ])
      expect((yield* del(`${R}/pullrequests/5/approve`, CAROL)).status).toBe(204)
      expectError(yield* post(`${R}/pullrequests/5/approve`), 401)

      expectError(yield* post(`${R}/pullrequests/5/decline`, CAROL), 403)
      const declined = yield* post(`${R}/pullrequests/5/decline`, BOB)
      expect(declined.status).toBe(200)
      expect(declined.body).toMatchObject({ state: "DECLINED", closed_by: { uuid: BOB_UUID } })
      expectError(yield* post(`${R}/pullrequests/5/decline`, BOB), 400)
      expectError(yield* post(`${R}/pullrequests/5/approve`, BOB), 400)
      expect(ids(yield* get(`${R}/pullrequests`))).toEqual([1])
    })))

  it.effect("merges with a merge commit, squash or fast-forward; refuses closed pull requests", () =>
    run(Effect.gen(function*() {
      const mainBefore = (yield* get(`${R}/refs/branches/main`)).body.target.hash as string
      const sourceHead = (yield* get(`${R}/refs/branches/feature%2Fstreams`)).body.target.hash as string
      expectError(yield* json("POST", `${R}/pullrequests/1/merge`, { merge_strategy: "rebase" }, ALICE), 400, "merge_strategy")
      expectError(yield* json("POST", `${R}/pullrequests/1/merge`, {}, CAROL), 403)
      const merged = yield* json("POST", `${R}/pullrequests/1/merge`, { merge_strategy: "merge_commit" }, ALICE)
      expect(merged.status).toBe(200)
      expect(merged.body).toMatchObject({ state: "MERGED", closed_by: { uuid: ALICE_UUID } })
      const main = (yield* get(`${R}/refs/branches/main`)).body.target
      expect(main.hash).not.toBe(mainBefore)
      expect(main.hash.startsWith(merged.body.merge_commit.hash)).toBe(true)
      expect(main.parents.map((p: { hash: string }) => p.hash)).toEqual([mainBefore, sourceHead])
      expect(main.message).toContain("Merged in feature/streams (pull request #1)")
      expect(main.message).toContain("Approved-by: Alice Anderson")
      // close_source_branch was set on the pull request.
      expectError(yield* get(`${R}/refs/branches/feature%2Fstreams`), 404)
      // The merged tree contains the source's file.
      expect((yield* get(`${R}/diff/${main.hash}`)).text).toContain("+++ b/src/streams.ts")
      const again = yield* json("POST", `${R}/pullrequests/1/merge`, {}, ALICE)
      expectError(again, 400)
      expect(again.body.error.message).toContain("merged")
      expectError(yield* json("POST", `${R}/pullrequests/3/merge`, {}, ALICE), 400)

      // Squash on acme/api: one new commit with the branch's changes, branch kept.
      const apiMain = (yield* get(`${ACME}/refs/branches/main`, ALICE)).body.target.hash as string
      const squashed = yield* json("POST", `${ACME}/pullrequests/1/merge`, { merge_strategy: "squash", message: "Rate limits" }, ALICE)
      expect(squashed.status).toBe(200)
      const squash = (yield* get(`${ACME}/refs/branches/main`, ALICE)).body.target
      expect(squash.parents.map((p: { hash: string }) => p.hash)).toEqual([apiMain])
      expect(squash.message).toBe("Rate limits")
      const stat = yield* get(`${ACME}/diffstat/${squash.hash}`, ALICE)
      expect(stat.body.values.map((v: { new: { path: string } }) => v.new.path)).toEqual(["docs/rate-limits.md", "src/config.ts"])
      expect((yield* get(`${ACME}/refs/branches/feature%2Frate-limit`, ALICE)).status).toBe(200)
    })))

  it.effect("fast-forward only when possible", () =>
    run(Effect.gen(function*() {
      // docs/guide was cut from main's tip: fast-forward works.
      const head = (yield* get(`${R}/refs/branches/docs%2Fguide`)).body.target.hash as string
      const ff = yield* json("POST", `${R}/pullrequests/5/merge`, { merge_strategy: "fast_forward", close_source_branch: false }, ALICE)
      expect(ff.status).toBe(200)
      expect((yield* get(`${R}/refs/branches/main`)).body.target.hash).toBe(head)
      expect((yield* get(`${R}/refs/branches/docs%2Fguide`)).status).toBe(200)
      // feature/streams is now behind main: no fast-forward.
      const refused = yield* json("POST", `${R}/pullrequests/1/merge`, { merge_strategy: "fast_forward" }, ALICE)
      expectError(refused, 400)
      expect((yield* get(`${R}/pullrequests/1`)).body.state).toBe("OPEN")
    })))

  it.effect("async merge: 202 with a task-status Location, PENDING n times, then SUCCESS", () =>
    run(
      Effect.gen(function*() {
        const accepted = yield* json("POST", `${R}/pullrequests/1/merge?async=true`, { merge_strategy: "squash" }, ALICE)
        expect(accepted.status).toBe(202)
        const location = accepted.headers["location"]!
        expect(location).toMatch(new RegExp(`^${API.replace(/\./g, "\\.")}${R}/pullrequests/1/merge/task-status/[0-9a-f]+$`))
        const first = yield* get(location, ALICE)
        expect(first.status).toBe(200)
        expect(first.body).toEqual({ task_status: "PENDING", links: { self: { href: location } } })
        // The merge itself happens at once: a second one (or a decline) is refused meanwhile.
        expect((yield* get(`${R}/pullrequests/1`)).body.state).toBe("MERGED")
        expectError(yield* json("POST", `${R}/pullrequests/1/merge`, {}, ALICE), 400)
        expectError(yield* post(`${R}/pullrequests/1/decline`, ALICE), 400)
        // Only who queued it, or someone who may write, may ask.
        expectError(yield* get(location, CAROL), 403)
        expectError(yield* get(location), 401)
        expect((yield* get(location, ALICE)).body.task_status).toBe("PENDING")
        const done = yield* get(location, ALICE)
        expect(done.body.task_status).toBe("SUCCESS")
        expect(done.body.merge_result).toMatchObject({ type: "pullrequest", id: 1, state: "MERGED" })
        expect((yield* get(location, ALICE)).body.task_status).toBe("SUCCESS")
        expect((yield* get(`${R}/pullrequests/1`)).body.state).toBe("MERGED")
        expectError(yield* get(`${R}/pullrequests/5/merge/task-status/${location.split("/").at(-1)}`, ALICE), 400)
        expectError(yield* get(`${R}/pullrequests/1/merge/task-status/nope`, ALICE), 400)
      }),
      { seed: { ...FakeBitbucket.defaultSeed, mergeTaskPendingPolls: 2 } }
    ))

  it.effect("diff, diffstat and patch redirect (302) to the repository's endpoints", () =>
    run(Effect.gen(function*() {
      const pr = (yield* get(`${R}/pullrequests/1`)).body
      for (const kind of ["diff", "diffstat", "patch"]) {
        const reply = yield* get(`${R}/pullrequests/1/${kind}`)
        expect(reply.status).toBe(302)
        const location = new URL(reply.headers["location"]!)
        expect(location.origin + location.pathname).toBe(`${API}${R}/${kind}/${pr.source.commit.hash}..${pr.destination.commit.hash}`)
        expect(location.searchParams.get("from_pullrequest_id")).toBe("1")
      }
      const target = (yield* get(`${R}/pullrequests/1/diff`)).headers["location"]!
      const diff = yield* get(target)
      expect(diff.status).toBe(200)
      expect(diff.text).toContain("+++ b/src/streams.ts")
      expect((yield* get((yield* get(`${R}/pullrequests/1/diffstat`)).headers["location"]!)).body.values).toHaveLength(1)
    })))

  it.effect("activity, commits and statuses are pages", () =>
    run(Effect.gen(function*() {
      const activity = yield* get(`${R}/pullrequests/1/activity`)
      expect(activity.body.page).toBe(1)
      const kinds = activity.body.values.map((v: Record<string, unknown>) => Object.keys(v).find((k) => k !== "pull_request"))
      expect(kinds).toEqual(["approval", "comment", "comment", "comment", "update"])
      expect(activity.body.values[0].pull_request).toMatchObject({ type: "pullrequest", id: 1 })
      expect(activity.body.values.at(-1).update).toMatchObject({ state: "OPEN", author: { uuid: BOB_UUID } })
      const repoActivity = yield* get(`${R}/pullrequests/activity?pagelen=100`)
      expect(repoActivity.body.size).toBeGreaterThan(activity.body.size)
      const commits = yield* get(`${R}/pullrequests/1/commits`)
      expect(commits.body.values).toHaveLength(2)
      expect(commits.body.values[0].type).toBe("commit")
      const statuses = yield* get(`${R}/pullrequests/1/statuses`)
      expect(statuses.body.values.map((s: { state: string }) => s.state).sort()).toEqual(["FAILED", "SUCCESSFUL"])
    })))

  it.effect("comments: threads, inline, deleted, resolve, permissions", () =>
    run(Effect.gen(function*() {
      const list = yield* get(`${R}/pullrequests/1/comments`)
      expect(ids(list)).toEqual([2001, 2002, 2003, 2004])
      const [c1, c2, , c4] = list.body.values
      expect(c1).toMatchObject({
        type: "pullrequest_comment",
        inline: { path: "src/streams.ts", from: null, to: 3 },
        content: { raw: "Could we use `Stream.fromIterable` here?", markup: "markdown", html: "<p>Could we use <code>Stream.fromIterable</code> here?</p>" },
        resolution: { type: "comment_resolution", user: { uuid: BOB_UUID } },
        pullrequest: { type: "pullrequest", id: 1 },
        deleted: false
      })
      expect(c2.parent.id).toBe(2001)
      expect(c4).toMatchObject({ deleted: true, content: { raw: "" } })
      absolute(c1.links)

      const created = yield* json("POST", `${R}/pullrequests/1/comments`, {
        content: { raw: "Nit: rename `total`" },
        inline: { path: "src/streams.ts", to: 6 }
      }, ALICE)
      expect(created.status).toBe(201)
      const id = created.body.id as number
      expect(created.headers["location"]).toBe(`${API}${R}/pullrequests/1/comments/${id}`)
      expect(created.body.inline).toEqual({ path: "src/streams.ts", from: null, to: 6 })
      const reply = yield* json("POST", `${R}/pullrequests/1/comments`, { content: { raw: "ok" }, parent: { id } }, BOB)
      expect(reply.body.parent.id).toBe(id)
      expectError(yield* json("POST", `${R}/pullrequests/1/comments`, { content: { raw: "" } }, BOB), 400, "content")
      expectError(yield* json("POST", `${R}/pullrequests/1/comments`, { content: { raw: "x" }, inline: { to: 1 } }, BOB), 400, "inline")
      expectError(yield* json("POST", `${R}/pullrequests/1/comments`, { content: { raw: "x" } }), 401)

      const resolved = yield* post(`${R}/pullrequests/1/comments/${id}/resolve`, BOB)
      expect(resolved.status).toBe(200)
      expect(resolved.body).toMatchObject({ type: "comment_resolution", user: { uuid: BOB_UUID } })
      expectError(yield* post(`${R}/pullrequests/1/comments/${id}/resolve`, BOB), 409)
      expectError(yield* post(`${R}/pullrequests/1/comments/${reply.body.id}/resolve`, BOB), 403)
      expectError(yield* post(`${R}/pullrequests/1/comments/2003/resolve`, BOB), 403)
      expect((yield* del(`${R}/pullrequests/1/comments/${id}/resolve`, BOB)).status).toBe(204)
      expectError(yield* del(`${R}/pullrequests/1/comments/${id}/resolve`, BOB), 404)

      expectError(yield* json("PUT", `${R}/pullrequests/1/comments/${id}`, { content: { raw: "hijack" } }, BOB), 403)
      const edited = yield* json("PUT", `${R}/pullrequests/1/comments/${id}`, { content: { raw: "Nit: rename it" } }, ALICE)
      expect(edited.status).toBe(200)
      expect(edited.body.content.raw).toBe("Nit: rename it")
      expectError(yield* del(`${R}/pullrequests/1/comments/${id}`, CAROL), 403)
      // Alice administers the repository: she may delete Bob's reply.
      expect((yield* del(`${R}/pullrequests/1/comments/${reply.body.id}`, ALICE)).status).toBe(204)
      expect((yield* get(`${R}/pullrequests/1/comments/${reply.body.id}`)).body.deleted).toBe(true)
      expectError(yield* get(`${R}/pullrequests/1/comments/999999`), 404)
      // Commenters become participants, except the author (Bob); Alice already was one.
      const participants = (yield* get(`${R}/pullrequests/1`)).body.participants.map((p: any) => p.user.nickname)
      expect(participants).toEqual(["alice", "carol"])
    })))

  it.effect("the snapshot carries git data and new pull requests", () =>
    run(Effect.gen(function*() {
      yield* json("POST", `${R}/pullrequests`, { title: "snap", source: { branch: { name: "bugfix/typo" } } }, BOB)
      const fake = yield* FakeBitbucket.FakeBitbucket
      const snapshot = yield* fake.snapshot
      const git = snapshot.git!.find((g) => g.repository === "demo/effect-playground")!
      expect(git.pullRequests!.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6])
      expect(git.pullRequests![5]).toMatchObject({ title: "snap", author: BOB_UUID, state: "OPEN" })
      // The snapshot seeds a new fake that answers the same.
      const again = yield* FakeBitbucket.make({ seed: snapshot })
      const reply = yield* Effect.promise(() =>
        Effect.runPromise(again.handle(new Request(`${API}${R}/pullrequests/6`)))
      )
      expect(reply.status).toBe(200)
    })))
})

describe("FakeBitbucket: forks and watchers", () => {
  it.effect("lists and creates forks", () =>
    run(Effect.gen(function*() {
      expect((yield* get("/repositories/demo/fast-parser/forks")).body.size).toBe(0)
      const forks = yield* get("/repositories/demo/fast-parser/forks", ALICE)
      expect(forks.body.values.map((r: { full_name: string }) => r.full_name)).toEqual(["acme/fast-parser"])

      const fork = yield* json("POST", "/repositories/demo/fast-parser/forks", { name: "fast-parser-bob", workspace: { slug: "demo" } }, BOB)
      expect(fork.status).toBe(201)
      expect(fork.headers["location"]).toBe(`${API}/repositories/demo/fast-parser-bob`)
      expect(fork.body).toMatchObject({
        type: "repository",
        full_name: "demo/fast-parser-bob",
        parent: { full_name: "demo/fast-parser" },
        language: "rust",
        is_private: false
      })
      const parentMain = (yield* get("/repositories/demo/fast-parser/refs/branches/main")).body.target.hash
      expect((yield* get("/repositories/demo/fast-parser-bob/refs/branches/main")).body.target.hash).toBe(parentMain)
      expect((yield* get("/repositories/demo/fast-parser-bob/refs/tags/v0.1.0")).status).toBe(200)
      expect((yield* get("/repositories/demo/fast-parser/forks")).body.size).toBe(1)

      expectError(yield* json("POST", "/repositories/demo/fast-parser/forks", { workspace: { slug: "demo" } }, BOB), 400)
      expectError(yield* json("POST", "/repositories/demo/fast-parser/forks", { name: "x" }, BOB), 400, "workspace")
      expectError(yield* json("POST", "/repositories/demo/fast-parser/forks", { name: "x", workspace: { slug: "acme" } }, BOB), 403)
      expectError(yield* json("POST", "/repositories/acme/infra/forks", { name: "infra2", workspace: { slug: "acme" } }, ALICE), 400)
      expectError(yield* json("POST", "/repositories/demo/fast-parser/forks", { name: "x", workspace: { slug: "demo" } }), 401)
    })))

  it.effect("lists watchers", () =>
    run(Effect.gen(function*() {
      const watchers = yield* get(`${R}/watchers`)
      expect(watchers.body.values.map((u: { nickname: string }) => u.nickname)).toEqual(["alice", "bob", "carol"])
      expect(watchers.body.values[0]).toMatchObject({ type: "user", uuid: ALICE_UUID })
      expect((yield* get("/repositories/demo/docs/watchers")).body.size).toBe(0)
      expectError(yield* get(`${ACME}/watchers`), 404)
    })))
})

describe("FakeBitbucket: routing", () => {
  it.effect("known paths with an unsupported method answer 405", () =>
    run(Effect.gen(function*() {
      const reply = yield* json("PUT", `${R}/refs/branches`, {}, ALICE)
      expectError(reply, 405)
      expect(reply.headers["allow"]).toBe("GET, POST")
      expectError(yield* get(`${R}/pullrequests/1/nope`), 404)
    })))
})

describe("FakeBitbucket: Code Insights reports", () => {
  const report = (reportId: string) => `${R}/commit/main/reports/${reportId}`
  const finding = (i: number) => ({ external_id: `f-${i}`, annotation_type: "BUG", summary: `Finding ${i}` })
  const many = (from: number, count: number) => Array.from({ length: count }, (_, i) => finding(from + i))

  it.effect("validates what the client would: required fields, data values by type, links, limits", () =>
    run(Effect.gen(function*() {
      expectError(yield* json("PUT", report("r"), { details: "", report_type: "BUG" }, ALICE), 400, "title")
      const base = { title: "R", details: "", report_type: "TEST" }
      expectError(yield* json("PUT", report("r"), { ...base, data: [{ title: "p", type: "PERCENTAGE", value: 140 }] }, ALICE), 400, "data.0.value")
      expectError(yield* json("PUT", report("r"), { ...base, data: [{ title: "d", type: "DATE", value: "2024-01-01" }] }, ALICE), 400, "data.0.value")
      expectError(yield* json("PUT", report("r"), { ...base, link: "not a url" }, ALICE), 400, "link")
      expectError(yield* json("PUT", report("r"), { ...base, data: many(0, 11).map((_, i) => ({ title: `d${i}`, value: i })) }, ALICE), 400, "data")
      expect((yield* json("PUT", report("r"), base, ALICE)).status).toBe(200)
      expectError(yield* json("POST", `${report("r")}/annotations`, many(0, 101), ALICE), 400, "annotations")
      expectError(yield* json("POST", `${report("r")}/annotations`, [finding(1), finding(1)], ALICE), 400, "1.external_id")
      expectError(yield* json("POST", `${report("r")}/annotations`, [{ annotation_type: "BUG", summary: "no id" }], ALICE), 400, "0.external_id")
    })))

  it.effect("counts the 1000 annotations across requests: a batch that would pass it saves nothing", () =>
    run(Effect.gen(function*() {
      const size = Effect.map(get(`${report("big")}/annotations?pagelen=1`, ALICE), (reply) => reply.body.size as number)
      expect((yield* json("PUT", report("big"), { title: "Big", details: "", report_type: "BUG" }, ALICE)).status).toBe(200)
      for (let i = 0; i < 900; i += 100) expect((yield* json("POST", `${report("big")}/annotations`, many(i, 100), ALICE)).status).toBe(200)
      expect((yield* json("POST", `${report("big")}/annotations`, many(900, 50), ALICE)).status).toBe(200)
      expect(yield* size).toBe(950)
      // f-940..f-1039: 10 updates and 90 new ones, 1040 in all.
      expectError(yield* json("POST", `${report("big")}/annotations`, many(940, 100), ALICE), 400, "annotations")
      expect(yield* size).toBe(950)
      expect((yield* get(`${report("big")}/annotations/f-940`, ALICE)).body.updated_on).toBeDefined()
      expect((yield* get(`${report("big")}/annotations/f-1000`, ALICE)).status).toBe(404)
      // At the limit, updates still go through.
      expect((yield* json("POST", `${report("big")}/annotations`, many(950, 50), ALICE)).status).toBe(200)
      expect((yield* json("POST", `${report("big")}/annotations`, many(0, 100), ALICE)).status).toBe(200)
      expect(yield* size).toBe(1000)
    })))

  it.effect("a bulk external_id that happens to be another annotation's uuid creates a new one", () =>
    run(Effect.gen(function*() {
      yield* json("PUT", report("u"), { title: "U", details: "", report_type: "BUG" }, ALICE)
      const one = yield* json("PUT", `${report("u")}/annotations/one`, { annotation_type: "BUG", summary: "One" }, ALICE)
      const posted = yield* json("POST", `${report("u")}/annotations`, [{ ...finding(0), external_id: one.body.uuid }], ALICE)
      expect(posted.body[0].uuid).not.toBe(one.body.uuid)
      expect((yield* get(`${report("u")}/annotations/one`, ALICE)).body.summary).toBe("One")
      expect((yield* get(`${report("u")}/annotations`, ALICE)).body.size).toBe(2)
    })))

  it.effect("seeded reports get distinct uuids; one on an unknown commit is refused", () =>
    Effect.gen(function*() {
      const head = "02b4d459f83f4c2d77396dcb193dff367ba24fa8"
      const seeded = (commit: string) => ({
        ...FakeBitbucket.defaultSeed,
        git: FakeBitbucket.defaultSeed.git!.map((g) =>
          g.repository !== "demo/effect-playground" ? g : {
            ...g,
            reports: [
              { commit, title: "Same", details: "", report_type: "BUG" as const, created_on: "2026-01-01T00:00:00+00:00",
                annotations: [
                  { annotation_type: "BUG" as const, summary: "Same", created_on: "2026-01-01T00:00:00+00:00" },
                  { annotation_type: "BUG" as const, summary: "Same", created_on: "2026-01-01T00:00:00+00:00" }
                ] },
              { commit, title: "Same", details: "", report_type: "BUG" as const, created_on: "2026-01-01T00:00:00+00:00" }
            ]
          }
        )
      })
      const uuids = yield* run(Effect.gen(function*() {
        const reports = yield* get(`${R}/commit/${head}/reports`, ALICE)
        const annotations = yield* get(`${R}/commit/${head}/reports/${encodeURIComponent(reports.body.values[0].uuid)}/annotations`, ALICE)
        return [reports.body.values.map((r: { uuid: string }) => r.uuid), annotations.body.values.map((a: { uuid: string }) => a.uuid)]
      }), { seed: seeded(head) })
      expect(new Set(uuids[0]).size).toBe(2)
      expect(new Set(uuids[1]).size).toBe(2)
      const refused = yield* Effect.exit(FakeBitbucket.make({ seed: seeded("02b4d459") }))
      expect(refused._tag).toBe("Failure")
    }))
})

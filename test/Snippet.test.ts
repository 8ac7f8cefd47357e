import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import * as Authenticator from "../src/Authenticator.js"
import * as BitbucketConfig from "../src/BitbucketConfig.js"
import * as BitbucketError from "../src/BitbucketError.js"
import * as Resource from "../src/Resource.js"
import * as Snippet from "../src/Snippet.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { errorBody, json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"

const account = {
  type: "user",
  uuid: "{d301aafa-d676-4ee0-88be-962be7417567}",
  display_name: "Ada Lovelace",
  nickname: "ada",
  links: { avatar: { href: "https://secure.gravatar.com/avatar/ada" } }
}

const fileEntry = (name: string) => ({
  links: {
    self: { href: `${base}/snippets/demo/kypj/367ab19/files/${name}` },
    html: { href: `https://bitbucket.org/snippets/demo/kypj#file-${name}` }
  }
})

const kypj = {
  type: "snippet",
  id: "kypj",
  title: "My snippet",
  scm: "git",
  is_private: true,
  created_on: "2026-01-10T22:22:04.790331+00:00",
  updated_on: "2026-01-10T22:22:04.790331+00:00",
  owner: account,
  creator: account,
  files: { "foo.txt": fileEntry("foo.txt"), "image.png": fileEntry("image.png") },
  links: {
    self: { href: `${base}/snippets/demo/kypj` },
    html: { href: "https://bitbucket.org/snippets/demo/kypj" },
    comments: { href: `${base}/snippets/demo/kypj/comments` },
    watchers: { href: `${base}/snippets/demo/kypj/watchers` },
    commits: { href: `${base}/snippets/demo/kypj/commits` }
  },
  workspace_permission: "admin"
}

const ref = { workspace: "demo", encoded_id: "kypj" }

interface Sent {
  readonly method: string
  readonly url: URL
  readonly form: { readonly bytes: Uint8Array; readonly contentType: string } | undefined
}

/** A scripted client that keeps multipart bodies as the bytes that were sent. */
const formClient = (reply: () => Response) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      sent.push({
        method: request.method,
        url,
        form: request.body._tag === "Uint8Array" ? { bytes: request.body.body, contentType: request.body.contentType } : undefined
      })
      return HttpClientResponse.fromWeb(request, reply())
    })
  )
  return { sent, layer: Layer.merge(Layer.succeed(HttpClient.HttpClient, client), Authenticator.anonymous) }
}

/** Parses the multipart bytes that went on the wire: what a server would read. */
const wire = ({ bytes, contentType }: { readonly bytes: Uint8Array; readonly contentType: string }) =>
  Effect.promise(async () => {
    const parsed = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": contentType } }).formData()
    const files = await Promise.all(
      parsed.getAll("file").map(async (entry) => {
        if (typeof entry === "string") throw new Error(`a "file" part without a file name: ${entry}`)
        return { name: entry.name, type: entry.type, bytes: Array.from(new Uint8Array(await entry.arrayBuffer())) }
      })
    )
    return { contentType, raw: new TextDecoder("latin1").decode(bytes), parsed, files }
  })

describe("Snippet finders", () => {
  it.effect("find sends GET /snippets/{workspace}/{encoded_id}; filenames lists the files", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(kypj))
      const snippet = yield* Snippet.find(ref).pipe(Effect.provide(mock.anonymous))
      expect(snippet.title).toBe("My snippet")
      expect(snippet["workspace_permission"]).toBe("admin")
      expect(Snippet.filenames(snippet)).toEqual(["foo.txt", "image.png"])
      expect(Snippet.filenames({ type: "snippet" })).toEqual([])
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${base}/snippets/demo/kypj`])
    }))

  it.effect("findForRole asks for role=owner by default, or the given role", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [kypj, { ...kypj, id: "x7Rq", title: "Other" }], page: 1, pagelen: 10, size: 2 }))
      const mine = yield* Stream.runCollect(Snippet.findForRole()).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(mine).map((s) => s.id)).toEqual(["kypj", "x7Rq"])
      yield* Stream.runCollect(Snippet.findForRole({ role: "member", sort: "-updated_on", pagelen: 20 })).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/snippets")
      expect(Object.fromEntries(mock.requests[0]!.url.searchParams)).toEqual({
        role: "owner",
        pagelen: String(BitbucketConfig.defaults.pagelen)
      })
      expect(Object.fromEntries(mock.requests[1]!.url.searchParams)).toEqual({ role: "member", sort: "-updated_on", pagelen: "20" })
    }))

  it.effect("findForWorkspace sends GET /snippets/{workspace}, role only when given", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [kypj], page: 1, pagelen: 10, size: 1 }))
      const all = yield* Stream.runCollect(Snippet.findForWorkspace({ workspace: "demo" }, { pagelen: 10 })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(Chunk.unsafeHead(all).files?.["foo.txt"]?.links?.["self"]).toEqual(fileEntry("foo.txt").links.self)
      yield* Stream.runCollect(Snippet.findForWorkspace({ workspace: "demo" }, { role: "contributor", pagelen: 10 })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(mock.requests.map((r) => r.url.toString())).toEqual([
        `${base}/snippets/demo?pagelen=10`,
        `${base}/snippets/demo?role=contributor&pagelen=10`
      ])
    }))
})

describe("Snippet create and update", () => {
  const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80])

  it.effect("create POSTs a real multipart/form-data body: metadata fields and one file part per file", () =>
    Effect.gen(function*() {
      const mock = formClient(() => json(kypj, 201))
      const snippet = yield* Snippet.create({ workspace: "demo" }, {
        title: "My snippet",
        is_private: true,
        scm: "git",
        files: [{ name: "foo.txt", content: "foo\nbär\n" }, { name: "image.png", content: binary }]
      }).pipe(Effect.provide(mock.layer))
      expect(snippet.id).toBe("kypj")
      const sent = mock.sent[0]!
      expect(sent.method).toBe("POST")
      expect(sent.url.toString()).toBe(`${base}/snippets/demo`)
      const body = yield* wire(sent.form!)
      expect(body.contentType).toMatch(/^multipart\/form-data; boundary=/)
      expect(body.raw).toContain('Content-Disposition: form-data; name="file"; filename="foo.txt"')
      expect(body.raw).toContain('Content-Disposition: form-data; name="file"; filename="image.png"')
      expect(body.parsed.get("title")).toBe("My snippet")
      expect(body.parsed.get("is_private")).toBe("true")
      expect(body.parsed.get("scm")).toBe("git")
      expect([...body.parsed.keys()].sort()).toEqual(["file", "file", "is_private", "scm", "title"])
      expect(body.files).toEqual([
        { name: "foo.txt", type: "text/plain;charset=utf-8", bytes: Array.from(new TextEncoder().encode("foo\nbär\n")) },
        { name: "image.png", type: "application/octet-stream", bytes: [0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80] }
      ])
    }))

  it.effect("create without a workspace POSTs /snippets, leaving out metadata not given", () =>
    Effect.gen(function*() {
      const mock = formClient(() => json(kypj, 201))
      yield* Snippet.create({}, { files: [{ name: "a.txt", content: "a" }] }).pipe(Effect.provide(mock.layer))
      expect(mock.sent[0]!.url.toString()).toBe(`${base}/snippets`)
      const body = yield* wire(mock.sent[0]!.form!)
      expect([...body.parsed.keys()]).toEqual(["file"])
      expect(body.files).toEqual([{ name: "a.txt", type: "text/plain;charset=utf-8", bytes: [0x61] }])
    }))

  it.effect("an invalid payload fails with InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = formClient(() => json(kypj, 201))
      const bad: ReadonlyArray<unknown> = [
        { files: [{ name: "", content: "x" }] },
        { files: [{ name: "a.txt", content: "x" }, { name: "a.txt", content: "y" }] },
        { scm: "hg", files: [] },
        { title: 42, files: [] },
        { files: [{ name: "a.txt", content: 7 }] },
        { files: [{ name: 'say "hi".txt', content: "x" }] },
        { files: [{ name: "two\nlines.txt", content: "x" }] }
      ]
      for (const payload of bad) {
        const error = yield* Effect.flip(Snippet.create({ workspace: "demo" }, payload as Snippet.CreatePayload)).pipe(
          Effect.provide(mock.layer)
        )
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
      }
      const updateError = yield* Effect.flip(Snippet.update(ref, { delete_files: [""] })).pipe(Effect.provide(mock.layer))
      expect(updateError).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.sent).toHaveLength(0)
    }))

  it.effect("update PUTs multipart: new title, replaced files, and a files field per deleted file", () =>
    Effect.gen(function*() {
      const mock = formClient(() => json({ ...kypj, title: "Renamed", files: { "foo.txt": fileEntry("foo.txt") } }))
      const snippet = yield* Snippet.update(ref, {
        title: "Renamed",
        is_private: false,
        files: [{ name: "foo.txt", content: "new contents" }],
        delete_files: ["image.png"]
      }).pipe(Effect.provide(mock.layer))
      expect(Snippet.filenames(snippet)).toEqual(["foo.txt"])
      const sent = mock.sent[0]!
      expect(sent.method).toBe("PUT")
      expect(sent.url.toString()).toBe(`${base}/snippets/demo/kypj`)
      const body = yield* wire(sent.form!)
      expect(body.parsed.get("title")).toBe("Renamed")
      expect(body.parsed.get("is_private")).toBe("false")
      expect(body.parsed.getAll("files")).toEqual(["image.png"])
      expect(body.files).toEqual([
        { name: "foo.txt", type: "text/plain;charset=utf-8", bytes: Array.from(new TextEncoder().encode("new contents")) }
      ])
    }))

  it.effect("delete sends DELETE /snippets/{workspace}/{encoded_id}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      yield* Snippet.delete(ref).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE ${base}/snippets/demo/kypj`])
    }))
})

describe("Snippet content", () => {
  const revision = `${base}/snippets/demo/kypj/367ab19f3c/files/image.bin`

  it.effect("content follows the 302 to the revision and returns the exact bytes, non-UTF-8 included", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/kypj/files/image.bin")
          ? new Response(null, { status: 302, headers: { location: revision } })
          : new Response(new Uint8Array([0xff, 0xfe, 0x00, 0x80]), { status: 200, headers: { "content-type": "application/octet-stream" } })
      )
      const bytes = yield* Resource.collectBytes(Snippet.content(ref, "image.bin")).pipe(Effect.provide(mock.anonymous))
      expect(Array.from(bytes)).toEqual([0xff, 0xfe, 0x00, 0x80])
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}/snippets/demo/kypj/files/image.bin`,
        `GET ${revision}`
      ])
      expect(mock.requests[0]!.headers["accept"]).toBe("*/*")
    }))

  it.effect("content with a node_id reads that revision directly; a file name is one path segment", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("x", { status: 200 }))
      yield* Stream.runDrain(Snippet.content({ ...ref, node_id: "367ab19f3c" }, "my notes?.md")).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.url.toString()).toBe(`${base}/snippets/demo/kypj/367ab19f3c/files/my%20notes%3F.md`)
    }))

  it.effect("contentText follows the redirect and decodes UTF-8", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.includes("/367ab19f3c/")
          ? new Response("grüße\n", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } })
          : new Response(null, { status: 302, headers: { location: "/2.0/snippets/demo/kypj/367ab19f3c/files/foo.txt" } })
      )
      const text = yield* Snippet.contentText(ref, "foo.txt").pipe(Effect.provide(mock.anonymous))
      expect(text).toBe("grüße\n")
      expect(mock.requests.map((r) => r.url.pathname)).toEqual([
        "/2.0/snippets/demo/kypj/files/foo.txt",
        "/2.0/snippets/demo/kypj/367ab19f3c/files/foo.txt"
      ])
    }))

  it.effect("a missing file is NotFound", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(errorBody("No such file"), 404))
      const error = yield* Effect.flip(Stream.runDrain(Snippet.content(ref, "nope.txt"))).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.NotFound)
    }))
})

describe("Snippet watching", () => {
  it.effect("watch PUTs and unwatch DELETEs .../watch", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      yield* Snippet.watch(ref).pipe(Effect.provide(mock.anonymous))
      yield* Snippet.unwatch(ref).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `PUT ${base}/snippets/demo/kypj/watch`,
        `DELETE ${base}/snippets/demo/kypj/watch`
      ])
    }))

  it.effect("isWatching is true on 204, false on 404, and fails on other errors", () =>
    Effect.gen(function*() {
      const statuses = [204, 404, 403]
      const mock = mockHttp((_, i) =>
        statuses[i] === 204 ? new Response(null, { status: 204 }) : json(errorBody("nope"), statuses[i] ?? 500)
      )
      expect(yield* Snippet.isWatching(ref).pipe(Effect.provide(mock.anonymous))).toBe(true)
      expect(yield* Snippet.isWatching(ref).pipe(Effect.provide(mock.anonymous))).toBe(false)
      const error = yield* Effect.flip(Snippet.isWatching(ref)).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.Forbidden)
      expect(mock.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
        "GET /2.0/snippets/demo/kypj/watch",
        "GET /2.0/snippets/demo/kypj/watch",
        "GET /2.0/snippets/demo/kypj/watch"
      ])
    }))
})

describe("Snippet.refOf", () => {
  it.effect("reads workspace and encoded id from links.self, whatever id holds", () =>
    Effect.gen(function*() {
      const ref = yield* Snippet.refOf({
        type: "snippet",
        id: 1005,
        links: { self: { href: "https://api.bitbucket.org/2.0/snippets/demo/yGGPG" } }
      })
      expect(ref).toEqual({ workspace: "demo", encoded_id: "yGGPG" })
      const braces = yield* Snippet.refOf({ links: { self: { href: "https://api.bitbucket.org/2.0/snippets/%7Bws%7D/kypj/" } } })
      expect(braces).toEqual({ workspace: "{ws}", encoded_id: "kypj" })
      const error = yield* Effect.flip(Snippet.refOf({ type: "snippet", id: "kypj" }))
      expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "snippet" })
    }))
})

describe("Snippet revisions (against the fake)", () => {
  const asAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
    Layer.provideMerge(FakeBitbucket.layer())
  )
  const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

  it.effect("each change is a revision: commits newest first, the snippet and its files as they were, diff and patch", () =>
    Effect.gen(function*() {
      const created = yield* Snippet.create({ workspace: "demo" }, {
        title: "Revisions",
        files: [{ name: "notes.md", content: "one\ntwo\n" }, { name: "keep.txt", content: "same\n" }]
      })
      const ref = yield* Snippet.refOf(created)
      yield* Snippet.update(ref, { files: [{ name: "notes.md", content: "one\nthree\n" }] })
      const commits = yield* collect(Snippet.findCommits(ref))
      expect(commits).toHaveLength(2)
      const [second, first] = commits as [Snippet.SnippetCommit, Snippet.SnippetCommit]
      expect(second.parents?.map((p) => p.hash)).toEqual([first.hash])
      expect((yield* Snippet.findCommit({ ...ref, revision: first.hash!.slice(0, 12) })).hash).toBe(first.hash)

      // Reading at the first revision gives the old file, and the current one the new.
      expect(yield* Snippet.contentText({ ...ref, node_id: first.hash! }, "notes.md")).toBe("one\ntwo\n")
      expect(yield* Snippet.contentText(ref, "notes.md")).toBe("one\nthree\n")
      expect(Snippet.filenames(yield* Snippet.find({ ...ref, node_id: first.hash! })).slice().sort()).toEqual(["keep.txt", "notes.md"])

      const diff = yield* Snippet.diff({ ...ref, revision: second.hash! })
      expect(diff).toContain("diff --git a/notes.md b/notes.md")
      expect(diff).toContain("-two\n+three\n")
      expect(diff).not.toContain("keep.txt")
      // The first revision against nothing adds both files; `path` keeps one of them.
      const onlyKeep = yield* Snippet.diff({ ...ref, revision: first.hash! }, { path: "keep.txt" })
      expect(onlyKeep).toContain("+++ b/keep.txt")
      expect(onlyKeep).not.toContain("notes.md")
      const patch = yield* Snippet.patch({ ...ref, revision: second.hash! })
      expect(patch).toMatch(/^From [0-9a-f]{40} /)
      expect(patch).toContain("-two\n+three\n")
      expect(new TextDecoder().decode(yield* Resource.collectBytes(Snippet.diffBytes({ ...ref, revision: second.hash! })))).toBe(diff)
    }).pipe(Effect.provide(asAlice)))

  it.effect("an update or delete at a revision that is no longer the latest fails with Conflict and changes nothing", () =>
    Effect.gen(function*() {
      const created = yield* Snippet.create({ workspace: "demo" }, { title: "CAS", files: [{ name: "a.txt", content: "v1\n" }] })
      const ref = yield* Snippet.refOf(created)
      const [read] = yield* collect(Snippet.findCommits(ref).pipe(Stream.take(1)))
      const atRead = { ...ref, node_id: read!.hash! }
      // Someone else changes the snippet after we read it.
      yield* Snippet.update(ref, { files: [{ name: "a.txt", content: "theirs\n" }] })

      const lost = yield* Effect.flip(Snippet.update(atRead, { files: [{ name: "a.txt", content: "ours\n" }] }))
      expect(lost._tag).toBe("Conflict")
      expect(lost._tag === "Conflict" && lost.status).toBe(405)
      expect(lost.message).toContain("conflict")
      expect(yield* Snippet.contentText(ref, "a.txt")).toBe("theirs\n")
      const notDeleted = yield* Effect.flip(Snippet.delete(atRead))
      expect(notDeleted._tag).toBe("Conflict")

      // A revision that went missing (read from a commit trimmed by `fields`) is refused, not dropped.
      const [trimmed] = yield* collect(Snippet.findCommits(ref, { fields: "values.message" }).pipe(Stream.take(1)))
      const unconditional = yield* Effect.flip(Snippet.update({ ...ref, node_id: trimmed!.hash }, { files: [{ name: "a.txt", content: "ours\n" }] }))
      expect(unconditional).toMatchObject({ _tag: "InvalidInput", parameter: "node_id" })
      expect(yield* Snippet.contentText(ref, "a.txt")).toBe("theirs\n")
      expect(yield* Effect.flip(Snippet.delete({ ...ref, node_id: undefined }))).toMatchObject({ _tag: "InvalidInput" })

      // At the latest revision the same calls succeed.
      const [latest] = yield* collect(Snippet.findCommits(ref).pipe(Stream.take(1)))
      const updated = yield* Snippet.update({ ...ref, node_id: latest!.hash! }, { files: [{ name: "a.txt", content: "ours\n" }] })
      expect(Snippet.filenames(updated)).toEqual(["a.txt"])
      expect(yield* Snippet.contentText(ref, "a.txt")).toBe("ours\n")
      const [newest] = yield* collect(Snippet.findCommits(ref).pipe(Stream.take(1)))
      yield* Snippet.delete({ ...ref, node_id: newest!.hash! })
      expect((yield* Effect.flip(Snippet.find(ref)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(asAlice)))

  it.effect("on the wire: versioned paths, the diff's path filter, and a 405 that is not at a revision stays UnexpectedStatus", () =>
    Effect.gen(function*() {
      const urls: Array<string> = []
      const client = HttpClient.make((request) => {
        urls.push(`${request.method} ${request.url}`)
        return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ type: "error", error: { message: "Method not allowed" } }), { status: 405 })))
      })
      const provide = <A, E>(effect: Effect.Effect<A, E, Authenticator.Authenticator | HttpClient.HttpClient>) =>
        effect.pipe(Effect.provide(Layer.merge(Authenticator.anonymous, Layer.succeed(HttpClient.HttpClient, client))))
      const plain = yield* Effect.flip(provide(Snippet.update(ref, { title: "x" })))
      expect(plain._tag).toBe("UnexpectedStatus")
      const cas = yield* Effect.flip(provide(Snippet.update({ ...ref, node_id: "abcdef1" }, { title: "x" })))
      expect(cas._tag).toBe("Conflict")
      yield* Effect.flip(provide(Snippet.diff({ ...ref, revision: "abcdef1" }, { path: "dir/a b.txt" })))
      yield* Effect.flip(provide(Snippet.patch({ ...ref, revision: "abcdef1" })))
      expect(urls).toEqual([
        `PUT ${base}/snippets/demo/kypj`,
        `PUT ${base}/snippets/demo/kypj/abcdef1`,
        `GET ${base}/snippets/demo/kypj/abcdef1/diff?path=dir%2Fa%20b.txt`,
        `GET ${base}/snippets/demo/kypj/abcdef1/patch`
      ])
    }))
})

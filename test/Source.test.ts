import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Option, Stream } from "effect"
import { Authenticator, BitbucketError, Commit, Resource, Source } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)

const playground = { workspace: "demo", repo_slug: "effect-playground" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("Source against the fake", (it) => {
  it.effect("reads a file by branch, as text and as bytes, and its metadata", () =>
    Effect.gen(function*() {
      const ref = { ...playground, commit: "main", path: "package.json" }
      const text = yield* Source.contentText(ref)
      expect(JSON.parse(text)).toMatchObject({ name: "effect-playground" })
      const bytes = yield* Resource.collectBytes(Source.content(ref))
      expect(new TextDecoder().decode(bytes)).toBe(text)
      const meta = yield* Source.meta(ref)
      const head = yield* Commit.find({ ...playground, commit: "main" })
      expect(meta).toMatchObject({ type: "commit_file", path: "package.json", size: bytes.length, mimetype: "application/json" })
      // The commit asked for, by hash, whatever named it.
      expect(meta.commit?.hash).toBe(head.hash)
      expect(Source.isFile(meta)).toBe(true)
    }))

  it.effect("lists the root, a directory, and a tree with max_depth, in pages", () =>
    Effect.gen(function*() {
      const at = { ...playground, commit: "main" }
      const root = yield* collect(Source.findForDirectory(at, { pagelen: 2 }))
      const names = root.map((e) => `${e.path}${Source.isDirectory(e) ? "/" : ""}`)
      expect(names).toContain("README.md")
      expect(names).toContain("src/")
      expect(names.every((n) => !n.slice(0, -1).includes("/"))).toBe(true)
      const src = yield* collect(Source.findForDirectory({ ...at, path: "src" }))
      expect(src.map((e) => e.path)).toContain("src/main.ts")
      expect(src.every((e) => e.path!.startsWith("src/"))).toBe(true)
      const deep = yield* collect(Source.findForDirectory(at, { max_depth: 3 }))
      const files = deep.filter(Source.isFile).map((e) => e.path)
      expect(files).toEqual(expect.arrayContaining(["README.md", "src/main.ts", "test/main.test.ts"]))
      // Breadth first: the root's entries come before any deeper one.
      const firstDeep = deep.findIndex((e) => e.path!.includes("/"))
      expect(deep.slice(firstDeep).every((e) => e.path!.includes("/"))).toBe(true)
    }))

  it.effect("a missing path is NotFound; a bad path is InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(Source.meta({ ...playground, commit: "main", path: "nope.md" }))
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
      const bad = yield* Effect.flip(Source.contentText({ ...playground, commit: "main", path: "src//main.ts" }))
      expect(bad).toBeInstanceOf(BitbucketError.InvalidInput)
      const dots = yield* Effect.flip(Source.contentText({ ...playground, commit: "main", path: "src/../secrets" }))
      expect(dots).toBeInstanceOf(BitbucketError.InvalidInput)
    }))

  it.effect("commits text and binary files and a deletion on a new branch; main does not move", () =>
    Effect.gen(function*() {
      const mainBefore = yield* Commit.find({ ...playground, commit: "main" })
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe])
      const hash = yield* Source.createCommit(playground, {
        message: "Docs: logo and notes\n",
        branch: "docs/logo",
        files: [
          { path: "docs/logo.png", content: png },
          { path: "/docs/notes ü.md", content: "# Notes\n" }
        ],
        delete_files: ["package.json"]
      })
      expect(Option.isSome(hash)).toBe(true)
      const created = yield* Commit.find({ ...playground, commit: Option.getOrThrow(hash) })
      expect(created.message).toBe("Docs: logo and notes\n")
      expect(created.parents?.map((p) => p.hash)).toEqual([mainBefore.hash])
      expect(created.author?.user?.display_name).toBe("Alice Anderson")
      const onBranch = { ...playground, commit: "docs/logo" }
      const logo = yield* Resource.collectBytes(Source.content({ ...onBranch, path: "docs/logo.png" }))
      expect(Array.from(logo)).toEqual(Array.from(png))
      expect((yield* Source.meta({ ...onBranch, path: "docs/logo.png" })).attributes).toEqual(["binary"])
      expect(yield* Source.contentText({ ...onBranch, path: "docs/notes ü.md" })).toBe("# Notes\n")
      const gone = yield* Effect.flip(Source.meta({ ...onBranch, path: "package.json" }))
      expect(gone).toBeInstanceOf(BitbucketError.NotFound)
      expect((yield* Commit.find({ ...playground, commit: "main" })).hash).toBe(mainBefore.hash)
    }))

  it.effect("a file's history: the commits that changed it, newest first, across a rename unless asked not to", () =>
    Effect.gen(function*() {
      const commit = (files: ReadonlyArray<Source.FileToCommit>, delete_files: ReadonlyArray<string> = []) =>
        Effect.map(Source.createCommit(playground, { branch: "history", files, delete_files }), Option.getOrThrow)
      const first = yield* commit([{ path: "notes/a.md", content: "one\n" }])
      const second = yield* commit([{ path: "notes/a.md", content: "two\n" }])
      yield* commit([{ path: "other.md", content: "unrelated\n" }])
      const moved = yield* commit([{ path: "notes/b.md", content: "two\n" }], ["notes/a.md"])
      const last = yield* commit([{ path: "notes/b.md", content: "three\n" }])
      const ref = { ...playground, commit: "history", path: "notes/b.md" }
      const followed = yield* collect(Source.findHistory(ref, { pagelen: 2 }))
      expect(followed.map((e) => [e.commit?.hash, e.path])).toEqual([
        [last, "notes/b.md"],
        [moved, "notes/b.md"],
        [second, "notes/a.md"],
        [first, "notes/a.md"]
      ])
      expect(followed[0]).toMatchObject({ type: "commit_file", size: 6 })
      const stopped = yield* collect(Source.findHistory(ref, { renames: false }))
      expect(stopped.map((e) => e.commit?.hash)).toEqual([last, moved])
      const missing = yield* Effect.flip(collect(Source.findHistory({ ...ref, path: "notes/a.md" })))
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("history as git log --follow: unchanged commits skipped, deletions listed, a rename with edits followed", () =>
    Effect.gen(function*() {
      const commit = (files: ReadonlyArray<Source.FileToCommit>, delete_files: ReadonlyArray<string> = []) =>
        Effect.map(Source.createCommit(playground, { branch: "follow", files, delete_files }), Option.getOrThrow)
      const born = yield* commit([{ path: "lib/x.ts", content: "a\nb\nc\nd\n" }])
      yield* commit([{ path: "lib/x.ts", content: "a\nb\nc\nd\n" }]) // the same contents: not a change
      const gone = yield* commit([], ["lib/x.ts"])
      const back = yield* commit([{ path: "lib/x.ts", content: "a\nb\nc\nd\n" }])
      const moved = yield* commit([{ path: "src/y.ts", content: "a\nb\nc\nD\n" }], ["lib/x.ts"]) // moved and edited
      const history = yield* collect(Source.findHistory({ ...playground, commit: "follow", path: "src/y.ts" }))
      expect(history.map((e) => [e.commit?.hash, e.path, e.size])).toEqual([
        [moved, "src/y.ts", 8],
        [back, "lib/x.ts", 8],
        [gone, "lib/x.ts", undefined],
        [born, "lib/x.ts", 8]
      ])
      // Each entry has its commit abbreviated, as on Bitbucket; its date when asked for; BBQL on it works.
      expect(history[0]!.commit?.date).toBeUndefined()
      const seeded = { ...playground, commit: "main", path: "README.md" }
      const all = yield* collect(Source.findHistory(seeded, { fields: "+values.commit.date" }))
      const dates = all.map((e) => e.commit!.date!)
      const cut = dates[Math.floor(dates.length / 2)]!.slice(0, 10)
      const older = yield* collect(Source.findHistory(seeded, { q: `commit.date < ${cut}` }))
      expect(older.length).toBeGreaterThan(0)
      expect(older.length).toBeLessThan(all.length)
      expect(older.every((e) => e.commit!.date!.slice(0, 10) < cut)).toBe(true)
    }))

  it.effect("parents make a commit a compare-and-swap: a stale head is Conflict", () =>
    Effect.gen(function*() {
      const head = (yield* Commit.find({ ...playground, commit: "main" })).hash!
      const first = yield* Source.createCommit(playground, {
        parents: [head],
        files: [{ path: "NOTES.md", content: "one\n" }]
      })
      const again = yield* Effect.flip(Source.createCommit(playground, {
        parents: [head],
        files: [{ path: "NOTES.md", content: "two\n" }]
      }))
      expect(again).toBeInstanceOf(BitbucketError.Conflict)
      expect((yield* Commit.find({ ...playground, commit: "main" })).hash).toBe(Option.getOrThrow(first))
      expect(yield* Source.contentText({ ...playground, commit: "main", path: "NOTES.md" })).toBe("one\n")
    }))

  it.effect("bytes that text would change (a BOM, a lone CR) come back exactly", () =>
    Effect.gen(function*() {
      const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69, 0x0d, 0x0a])
      yield* Source.createCommit(playground, { branch: "bom", files: [{ path: "bom.txt", content: bom }] })
      const back = yield* Resource.collectBytes(Source.content({ ...playground, commit: "bom", path: "bom.txt" }))
      expect(Array.from(back)).toEqual(Array.from(bom))
      expect((yield* Source.meta({ ...playground, commit: "bom", path: "bom.txt" })).size).toBe(7)
    }))

  it.effect("directories: a trailing slash, the root's metadata, git's order, max_depth checked", () =>
    Effect.gen(function*() {
      const at = { ...playground, commit: "main" }
      const src = yield* collect(Source.findForDirectory({ ...at, path: "src/" }))
      expect(src.map((e) => e.path)).toContain("src/main.ts")
      expect(yield* Source.meta({ ...at, path: "/" })).toMatchObject({ type: "commit_directory", path: "" })
      expect(yield* Source.meta({ ...at, path: "src/" })).toMatchObject({ type: "commit_directory", path: "src" })
      yield* Source.createCommit(playground, {
        branch: "order",
        files: [{ path: "foo/x.md", content: "x" }, { path: "foo-bar", content: "y" }, { path: "foo.txt", content: "z" }]
      })
      const root = yield* collect(Source.findForDirectory({ ...playground, commit: "order" }))
      // git compares a directory as `foo/`: after `foo-bar` and `foo.txt`.
      expect(root.map((e) => e.path).filter((p) => p!.startsWith("foo"))).toEqual(["foo-bar", "foo.txt", "foo"])
      for (const max_depth of [0, -1, 1.5, Number.NaN]) {
        const error = yield* Effect.flip(Stream.runDrain(Source.findForDirectory(at, { max_depth })))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "max_depth" })
      }
    }))

  it.effect("a file written where a directory was replaces it, as in a git tree", () =>
    Effect.gen(function*() {
      yield* Source.createCommit(playground, { branch: "clash", files: [{ path: "src", content: "now a file\n" }] })
      const at = { ...playground, commit: "clash" }
      expect(yield* Source.contentText({ ...at, path: "src" })).toBe("now a file\n")
      expect(yield* Effect.flip(Source.meta({ ...at, path: "src/main.ts" }))).toBeInstanceOf(BitbucketError.NotFound)
      const root = yield* collect(Source.findForDirectory(at))
      expect(root.filter((e) => e.path === "src").map((e) => e.type)).toEqual(["commit_file"])
    }))

  it.effect("an invalid payload is InvalidInput: a path written and deleted, twice, or with empty segments", () =>
    Effect.gen(function*() {
      for (
        const payload of [
          { files: [{ path: "a.md", content: "x" }], delete_files: ["/a.md"] },
          { files: [{ path: "a.md", content: "x" }, { path: "/a.md", content: "y" }] },
          { files: [{ path: "docs//a.md", content: "x" }] },
          { delete_files: [".."] },
          // Multipart headers cannot carry these reliably: Django keeps a browser's %22 as it is.
          { files: [{ path: 'say "hi".md', content: "x" }] },
          { files: [{ path: "back\\slash.md", content: "x" }] }
        ]
      ) {
        const error = yield* Effect.flip(Source.createCommit(playground, payload))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
      }
    }))
})

describe("Source on the wire", () => {
  it.effect("paths are encoded per segment; the root listing ends with a slash; max_depth is passed", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        new Response(JSON.stringify({ values: [], page: 1, pagelen: 10, size: 0 }), { status: 200, headers: { "content-type": "application/json" } })
      )
      const repo = { workspace: "demo", repo_slug: "r" }
      yield* Stream.runDrain(Source.findForDirectory({ ...repo, commit: "feature/x" }, { max_depth: 2 })).pipe(Effect.provide(mock.anonymous))
      yield* Stream.runDrain(Source.findForDirectory({ ...repo, commit: "main", path: "/docs/a b" })).pipe(Effect.provide(mock.anonymous))
      yield* Source.meta({ ...repo, commit: "main", path: "docs/a?b#c.md" }).pipe(Effect.provide(mock.anonymous), Effect.ignore)
      expect(mock.requests.map((r) => r.url.toString())).toEqual([
        "https://api.bitbucket.org/2.0/repositories/demo/r/src/feature%2Fx/?max_depth=2&pagelen=50",
        "https://api.bitbucket.org/2.0/repositories/demo/r/src/main/docs/a%20b/?pagelen=50",
        "https://api.bitbucket.org/2.0/repositories/demo/r/src/main/docs/a%3Fb%23c.md?format=meta"
      ])
    }))

  it.effect("a commit is multipart: files under their paths with a leading slash, metadata as fields", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 201, headers: { location: "https://api.bitbucket.org/2.0/repositories/demo/r/commit/0123abc" } }))
      const hash = yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, {
        message: "m",
        author: "A <a@example.com>",
        branch: "b",
        parents: ["p1", "p2"],
        files: [{ path: "message", content: "a file called message" }],
        delete_files: ["old.txt"]
      }).pipe(Effect.provide(mock.anonymous))
      expect(hash).toEqual(Option.some("0123abc"))
      const request = mock.requests[0]!
      expect(request.method).toBe("POST")
      const form = yield* Effect.promise(() => new Response(request.body, { headers: { "content-type": request.headers["content-type"]! } }).formData())
      expect(form.get("message")).toBe("m")
      expect(form.get("author")).toBe("A <a@example.com>")
      expect(form.get("branch")).toBe("b")
      expect(form.get("parents")).toBe("p1,p2")
      expect(form.getAll("files")).toEqual(["old.txt"])
      const file = form.get("/message")
      expect(file).toBeInstanceOf(Blob)
      expect(yield* Effect.promise(() => (file as Blob).text())).toBe("a file called message")
    }))

  it.effect("without a Location naming a commit, the hash is none (the commit was made)", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 201 }))
      const hash = yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, { files: [{ path: "a", content: "b" }] }).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(Option.isNone(hash)).toBe(true)
    }))

  it.effect("a content host's signed link is followed without credentials and never shown with its signature", () =>
    Effect.gen(function*() {
      const signed = "https://bbuseruploads.s3.amazonaws.com/lfs/big.bin?X-Amz-Signature=SIGNED-SECRET&X-Amz-Expires=60"
      const served = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: signed } })
          : new Response(new Uint8Array([1, 2, 3]), { status: 200 })
      )
      const ref = { workspace: "demo", repo_slug: "r", commit: "main", path: "big.bin" }
      const bytes = yield* Resource.collectBytes(Source.content(ref)).pipe(Effect.provide(Layer.merge(Authenticator.accessToken({ token: "tok" }), served.layer)))
      expect(Array.from(bytes)).toEqual([1, 2, 3])
      expect(served.requests[1]!.url.toString()).toBe(signed)
      expect(served.requests[1]!.headers["authorization"]).toBeUndefined()

      const refused = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: signed } })
          : new Response("denied", { status: 403 })
      )
      const forbidden = yield* Effect.flip(Resource.collectBytes(Source.content(ref))).pipe(Effect.provide(refused.anonymous))
      expect(forbidden).toBeInstanceOf(BitbucketError.Forbidden)
      expect(JSON.stringify(forbidden) + forbidden.message).not.toContain("SIGNED-SECRET")

      const foreign = mockHttp(() => new Response(null, { status: 302, headers: { location: "https://cdn.example.com/f?sig=SIGNED-SECRET" } }))
      const notFollowed = yield* Effect.flip(Source.contentText(ref)).pipe(Effect.provide(foreign.anonymous))
      expect(notFollowed).toMatchObject({ _tag: "TransportError", reason: "RefusedOrigin" })
      expect(notFollowed.message).toContain("https://cdn.example.com/f")
      expect(JSON.stringify(notFollowed) + notFollowed.message).not.toContain("SIGNED-SECRET")
    }))
})

/**
 * Executables and symbolic links in `Source.createCommit`: the `x-attributes` parameter on the
 * wire, the fake keeping it (and dropping it when a file is written without it), and the check of
 * a link's target.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Layer, Option, Stream } from "effect"
import { Authenticator, BitbucketError, Commit, PullRequest, Resource, Source } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import type { FileAttribute } from "../src/testing/internal/git.js"
import { FILE_ATTRIBUTES } from "../src/testing/internal/git.js"
import { mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const ALICE = `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`

const playground = { workspace: "demo", repo_slug: "effect-playground" }
const attributesOf = (commit: string, path: string) => Effect.map(Source.meta({ ...playground, commit, path }), (entry) => entry.attributes)
const commitOn = (branch: string, files: ReadonlyArray<Source.FileToCommit>) =>
  Effect.map(Source.createCommit(playground, { branch, files }), Option.getOrThrow)

const bytesOf = (commit: string, path: string) =>
  Effect.map(Resource.collectBytes(Source.content({ ...playground, commit, path })), (bytes) => [...bytes])

/** Merges a pull request from `branch` into main with `strategy`; the new head of main. */
const mergeBranch = (branch: string, strategy: "squash" | "merge_commit") =>
  Effect.gen(function*() {
    const pr = yield* PullRequest.create(playground, { title: `Merge ${branch}`, source: { branch: { name: branch } } })
    yield* PullRequest.merge({ ...playground, pull_request_id: pr.id! }, { merge_strategy: strategy })
    return (yield* Commit.find({ ...playground, commit: "main" })).hash!
  })

/** POSTs a hand-written multipart body to the fake's `src`, as a client other than ours could. */
const postRaw = (parts: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const body = `preamble\r\n${parts.map((part) => `--XYZ\r\n${part}\r\n`).join("")}--XYZ--\r\n`
    const request = HttpClientRequest.post(`https://api.bitbucket.org/2.0/repositories/demo/effect-playground/src`).pipe(
      HttpClientRequest.setHeader("authorization", ALICE),
      HttpClientRequest.bodyUint8Array(new TextEncoder().encode(body), 'multipart/form-data; boundary="XYZ"')
    )
    const response = yield* (yield* HttpClient.HttpClient).execute(request)
    return { status: response.status, text: yield* response.text }
  })

layer(AsAlice)("executables and links against the fake", (it) => {
  it.effect("an executable keeps its bit while it is written with it, and loses it when written without", () =>
    Effect.gen(function*() {
      const first = yield* commitOn("exec", [
        { path: "bin/run.sh", content: "#!/bin/sh\necho one\n", attributes: "executable" },
        { path: "plain.txt", content: "plain\n" }
      ])
      expect(yield* attributesOf(first, "bin/run.sh")).toEqual(["executable"])
      expect(yield* attributesOf(first, "plain.txt")).toEqual([])
      // Listings carry it too.
      const listed = yield* Stream.runCollect(Source.findForDirectory({ ...playground, commit: first, path: "bin" }))
      expect(Chunk.toReadonlyArray(listed).map((e) => [e.path, e.attributes])).toEqual([["bin/run.sh", ["executable"]]])
      // A commit that does not write the file leaves it as it was.
      const other = yield* commitOn("exec", [{ path: "plain.txt", content: "plain, again\n" }])
      expect(yield* attributesOf(other, "bin/run.sh")).toEqual(["executable"])
      // Rewritten without the attribute: a regular file, as on Bitbucket; the older commit keeps its bit.
      const cleared = yield* commitOn("exec", [{ path: "bin/run.sh", content: "#!/bin/sh\necho two\n" }])
      expect(yield* attributesOf(cleared, "bin/run.sh")).toEqual([])
      expect(yield* attributesOf(first, "bin/run.sh")).toEqual(["executable"])
      // Rewritten with it: the bit is back.
      const kept = yield* commitOn("exec", [{ path: "bin/run.sh", content: "#!/bin/sh\necho three\n", attributes: "executable" }])
      expect(yield* attributesOf(kept, "bin/run.sh")).toEqual(["executable"])
      expect(yield* Source.contentText({ ...playground, commit: "exec", path: "bin/run.sh" })).toBe("#!/bin/sh\necho three\n")
    }))

  it.effect("a link is a file whose content is its target; a file written over it without the attribute is regular", () =>
    Effect.gen(function*() {
      const linked = yield* commitOn("links", [{ path: "docs/README.txt", content: "../README.md", attributes: "link" }])
      const ref = { ...playground, commit: linked, path: "docs/README.txt" }
      expect(yield* Source.meta(ref)).toMatchObject({ type: "commit_file", size: 12, attributes: ["link"] })
      expect(yield* Source.contentText(ref)).toBe("../README.md")
      const replaced = yield* commitOn("links", [{ path: "docs/README.txt", content: "now a file\n" }])
      expect(yield* attributesOf(replaced, "docs/README.txt")).toEqual([])
      // An executable can become a link and back, each write saying what the file is.
      const swapped = yield* commitOn("links", [{ path: "docs/README.txt", content: "../CHANGELOG.md", attributes: "link" }])
      expect(yield* attributesOf(swapped, "docs/README.txt")).toEqual(["link"])
    }))

  it.effect("a squash merge and the fake's snapshot keep the attributes", () =>
    Effect.gen(function*() {
      const main = (yield* Commit.find({ ...playground, commit: "main" })).hash!
      yield* commitOn("squash-me", [{ path: "tools/lint.sh", content: "#!/bin/sh\n", attributes: "executable" }])
      const pr = yield* PullRequest.create(playground, { title: "Lint script", source: { branch: { name: "squash-me" } } })
      yield* PullRequest.merge({ ...playground, pull_request_id: pr.id! }, { merge_strategy: "squash" })
      const merged = (yield* Commit.find({ ...playground, commit: "main" })).hash!
      expect(merged).not.toBe(main)
      expect(yield* attributesOf(merged, "tools/lint.sh")).toEqual(["executable"])
      const seed = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const commits = seed.git!.find((g) => g.repository === "demo/effect-playground")!.commits
      expect(commits.find((c) => c.hash === merged)!.attributes).toEqual({ "tools/lint.sh": "executable" })
    }))

  it.effect("a squash of a branch that only changes a text file's attribute carries the change", () =>
    Effect.gen(function*() {
      yield* commitOn("main", [{ path: "docs/mode.txt", content: "same words\n" }])
      yield* commitOn("chmod-text", [{ path: "docs/mode.txt", content: "same words\n", attributes: "executable" }])
      const merged = yield* mergeBranch("chmod-text", "squash")
      expect(yield* attributesOf(merged, "docs/mode.txt")).toEqual(["executable"])
      expect(yield* Source.contentText({ ...playground, commit: merged, path: "docs/mode.txt" })).toBe("same words\n")
    }))

  it.effect("a squash keeps the bytes of a binary file, whether its attribute alone or its bytes changed", () =>
    Effect.gen(function*() {
      const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x00, 0x01])
      // Other bytes, the same text once decoded (each invalid byte is U+FFFD).
      const other = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0xfe, 0xff, 0x00, 0x01])
      yield* commitOn("main", [{ path: "bin/tool", content: elf }, { path: "bin/data", content: elf }])
      yield* commitOn("chmod-binary", [{ path: "bin/tool", content: elf, attributes: "executable" }, { path: "bin/data", content: other }])
      const merged = yield* mergeBranch("chmod-binary", "squash")
      expect(yield* attributesOf(merged, "bin/tool")).toEqual(["executable", "binary"])
      expect(yield* bytesOf(merged, "bin/tool")).toEqual([...elf])
      expect(yield* bytesOf(merged, "bin/data")).toEqual([...other])
    }))

  it.effect("a change of attribute alone shows as git shows a mode change: in the diff, the diffstat, the patch and the history", () =>
    Effect.gen(function*() {
      const first = yield* commitOn("modes", [{ path: "modes/run.sh", content: "echo\n" }, { path: "modes/both.sh", content: "one\n" }])
      const chmod = yield* commitOn("modes", [
        { path: "modes/run.sh", content: "echo\n", attributes: "executable" },
        { path: "modes/both.sh", content: "two\n", attributes: "executable" }
      ])
      const stats = yield* Stream.runCollect(Commit.diffstat({ ...playground, spec: chmod }))
      expect(Chunk.toReadonlyArray(stats).map((s) => [s.new?.path, s.status, s.lines_added, s.lines_removed])).toEqual([
        ["modes/both.sh", "modified", 1, 1],
        ["modes/run.sh", "modified", 0, 0]
      ])
      const diff = yield* Commit.diff({ ...playground, spec: chmod })
      expect(diff).toContain("diff --git a/modes/run.sh b/modes/run.sh\nold mode 100644\nnew mode 100755\n")
      expect(diff).not.toContain("--- a/modes/run.sh")
      expect(diff).toMatch(/diff --git a\/modes\/both\.sh b\/modes\/both\.sh\nold mode 100644\nnew mode 100755\nindex [0-9a-f]{7}\.\.[0-9a-f]{7}\n--- a/)
      const patch = yield* Commit.patch({ ...playground, spec: chmod })
      expect(patch).toContain(" modes/run.sh | 0\n")
      expect(patch).toContain(" mode change 100644 => 100755 modes/run.sh\n")
      const history = yield* Stream.runCollect(Source.findHistory({ ...playground, commit: chmod, path: "modes/run.sh" }))
      expect(Chunk.toReadonlyArray(history).slice(0, 2).map((e) => [e.commit?.hash, e.attributes])).toEqual([[chmod, ["executable"]], [first, []]])
      // An executable is created and deleted with its own mode; a link that becomes a file is, as in
      // git, the link deleted and the file added.
      const link = yield* commitOn("modes", [{ path: "modes/latest", content: "run.sh", attributes: "link" }])
      expect(yield* Commit.diff({ ...playground, spec: link })).toContain("new file mode 120000\n")
      const file = yield* commitOn("modes", [{ path: "modes/latest", content: "run.sh" }])
      expect((yield* Commit.diff({ ...playground, spec: file })).split("\n").filter((line) => /^(diff|deleted|new|old) /.test(line))).toEqual([
        "diff --git a/modes/latest b/modes/latest",
        "deleted file mode 120000",
        "diff --git a/modes/latest b/modes/latest",
        "new file mode 100644"
      ])
      const gone = Option.getOrThrow(yield* Source.createCommit(playground, { branch: "modes", delete_files: ["modes/run.sh"] }))
      expect(yield* Commit.diff({ ...playground, spec: gone })).toContain("deleted file mode 100755\n")
    }))

  it.effect("the fake knows the client's attributes, and the client the fake's", () =>
    Effect.gen(function*() {
      // Each list is assignable to the other (checked by the compiler)...
      const fromClient: ReadonlyArray<FileAttribute> = [] as Array<NonNullable<Source.FileToCommit["attributes"]>>
      const fromFake: ReadonlyArray<NonNullable<Source.FileToCommit["attributes"]>> = FILE_ATTRIBUTES
      expect(fromClient).toEqual([])
      // ...and each of the fake's goes through the client into the fake.
      for (const attributes of fromFake) {
        const hash = yield* commitOn("vocabulary", [{ path: `vocabulary/${attributes}`, content: "target", attributes }])
        expect(yield* attributesOf(hash, `vocabulary/${attributes}`)).toEqual([attributes])
      }
    }))

  it.effect("a merge commit keeps executables and links from the source branch", () =>
    Effect.gen(function*() {
      yield* commitOn("merge-me", [
        { path: "merge/run.sh", content: "#!/bin/sh\n", attributes: "executable" },
        { path: "merge/latest", content: "run.sh", attributes: "link" }
      ])
      const merged = yield* mergeBranch("merge-me", "merge_commit")
      expect((yield* Commit.find({ ...playground, commit: merged })).parents).toHaveLength(2)
      expect(yield* attributesOf(merged, "merge/run.sh")).toEqual(["executable"])
      expect(yield* attributesOf(merged, "merge/latest")).toEqual(["link"])
    }))

  it.effect("a fake seeded from the snapshot has the same executables and links", () =>
    Effect.gen(function*() {
      const head = yield* commitOn("snap", [
        { path: "snap/run.sh", content: "#!/bin/sh\n", attributes: "executable" },
        { path: "snap/latest", content: "run.sh", attributes: "link" },
        { path: "snap/plain.txt", content: "plain\n" }
      ])
      const seed = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = Layer.provideMerge(
        Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }),
        FakeBitbucket.layer({ seed })
      )
      const again = yield* Effect.all(["snap/run.sh", "snap/latest", "snap/plain.txt"].map((path) => attributesOf(head, path))).pipe(
        Effect.provide(restored)
      )
      expect(again).toEqual([["executable"], ["link"], []])
    }))

  it.effect("the fake reads x-attributes as Django would: not in the spec example's colon form; other values are 400", () =>
    Effect.gen(function*() {
      // Django drops a parameter piece without `=`, so the file is a regular one (our reading:
      // Bitbucket parses the header with Django; our client sends `=`, see the wire test below).
      const colon = yield* postRaw([
        'Content-Disposition: form-data; name="branch"\r\n\r\nraw',
        'Content-Disposition: form-data; name="/raw.sh"; filename="raw.sh"; x-attributes:"executable"\r\n\r\n#!/bin/sh'
      ])
      expect(colon.status).toBe(201)
      expect(yield* attributesOf("raw", "raw.sh")).toEqual([])
      const equals = yield* postRaw([
        'Content-Disposition: form-data; name="branch"\r\n\r\nraw',
        'Content-Disposition: form-data; name="/raw.sh"; filename="raw.sh"; x-attributes=executable\r\n\r\n#!/bin/sh'
      ])
      expect(equals.status).toBe(201)
      expect(yield* attributesOf("raw", "raw.sh")).toEqual(["executable"])
      // A file name holding what looks like the parameter is only a name.
      const named = yield* postRaw([
        'Content-Disposition: form-data; name="branch"\r\n\r\nraw',
        'Content-Disposition: form-data; name="/odd.txt"; filename="a; x-attributes=link"\r\n\r\nx'
      ])
      expect(named.status).toBe(201)
      expect(yield* attributesOf("raw", "odd.txt")).toEqual([])
      const unknown = yield* postRaw(['Content-Disposition: form-data; name="/sub"; filename="sub"; x-attributes="subrepository"\r\n\r\nx'])
      expect(unknown.status).toBe(400)
      expect(unknown.text).toContain("subrepository")
      const empty = yield* postRaw(['Content-Disposition: form-data; name="/l"; filename="l"; x-attributes="link"\r\n\r\n'])
      expect(empty.status).toBe(400)
      expect(empty.text).toContain("target")
    }))
})

describe("executables and links in a seed", () => {
  /** The default seed with one more commit on demo/effect-playground. */
  const seedWith = (commit: Partial<FakeBitbucket.SeedCommit>): FakeBitbucket.Seed => ({
    ...FakeBitbucket.defaultSeed,
    git: FakeBitbucket.defaultSeed.git!.map((g) =>
      g.repository !== "demo/effect-playground" ? g : {
        ...g,
        commits: [...g.commits, {
          hash: "a".repeat(40),
          message: "Seeded\n",
          author: { raw: "Alice Anderson <alice@example.com>" },
          date: "2026-01-01T00:00:00+00:00",
          parents: [g.branches.find((b) => b.name === "main")!.target],
          ...commit
        }],
        branches: [...g.branches, { name: "seeded", target: "a".repeat(40) }]
      }
    )
  })
  const refusal = (seed: FakeBitbucket.Seed) =>
    Effect.map(Effect.exit(FakeBitbucket.make({ seed })), (exit) => Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "seeded")

  it.effect("a seeded executable or link is served as such", () =>
    Effect.gen(function*() {
      const seed = seedWith({
        files: { "run.sh": "#!/bin/sh\n", "latest": "run.sh" },
        binaryFiles: { "tool": Buffer.from([0xff, 0x00]).toString("base64") },
        attributes: { "run.sh": "executable", "latest": "link", "tool": "executable" }
      })
      const attributes = yield* Effect.all(["run.sh", "latest", "tool"].map((path) => attributesOf("seeded", path))).pipe(
        Effect.provide(Layer.provideMerge(Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }), FakeBitbucket.layer({ seed })))
      )
      expect(attributes).toEqual([["executable"], ["link"], ["executable", "binary"]])
    }))

  it.effect("an unknown attribute, or one for a file the commit does not set, fails the seeding with a clear message", () =>
    Effect.gen(function*() {
      const unknown = { files: { "sub": "x" }, attributes: { "sub": "subrepository" } } as unknown as Partial<FakeBitbucket.SeedCommit>
      expect(yield* refusal(seedWith(unknown))).toContain(`commit ${"a".repeat(40)} of demo/effect-playground gives "sub" the attribute "subrepository"`)
      expect(yield* refusal(seedWith({ files: { "a.txt": "x" }, attributes: { "README.md": "executable" } })))
        .toContain(`gives an attribute to "README.md", which it does not set`)
      expect(yield* refusal(seedWith({ files: { "gone.sh": null }, attributes: { "gone.sh": "executable" } }))).toContain(`"gone.sh", which it does not set`)
      expect(yield* refusal(seedWith({ files: { "l": "" }, attributes: { "l": "link" } }))).toContain(`makes "l" a link with no target`)
      expect(yield* refusal(seedWith({ files: { "ok.sh": "" }, attributes: { "ok.sh": "executable" } }))).toBe("seeded")
    }))
})

describe("executables and links on the wire", () => {
  it.effect("each file part's Content-Disposition carries its x-attributes in the `=` form (the fake reads no other); a regular file's none", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 201 }))
      yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, {
        files: [
          { path: "bin/run.sh", content: "#!/bin/sh\n", attributes: "executable" },
          { path: "/README.txt", content: "README.md", attributes: "link" },
          { path: "plain.txt", content: "x" }
        ]
      }).pipe(Effect.provide(mock.anonymous))
      const body = mock.requests[0]!.body
      // A link's target is sent as given, absolute or relative.
      yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, {
        files: [{ path: "etc/hosts", content: "/etc/hosts", attributes: "link" }, { path: "up", content: "../x", attributes: "link" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[1]!.body).toMatch(/x-attributes="link"\r\n[^]*?\r\n\r\n\/etc\/hosts\r\n[^]*x-attributes="link"\r\n[^]*?\r\n\r\n\.\.\/x\r\n/)
      const dispositions = body.split("\r\n").filter((line) => line.startsWith("Content-Disposition"))
      expect(dispositions).toEqual([
        'Content-Disposition: form-data; name="/bin/run.sh"; filename="run.sh"; x-attributes="executable"',
        'Content-Disposition: form-data; name="/README.txt"; filename="README.txt"; x-attributes="link"',
        'Content-Disposition: form-data; name="/plain.txt"; filename="plain.txt"'
      ])
    }))

  it.effect("a link's content must be its target path, as non-empty text: else InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 201 }))
      const cases: ReadonlyArray<readonly [Source.FileToCommit, string]> = [
        [{ path: "l", content: "", attributes: "link" }, "it is empty"],
        [{ path: "l", content: new TextEncoder().encode("target"), attributes: "link" }, "as text"],
        [{ path: "l", content: "target\n", attributes: "link" }, "line break"],
        [{ path: "l", content: "tar\0get", attributes: "link" }, "NUL"]
      ]
      for (const [file, said] of cases) {
        const error = yield* Effect.flip(Source.createCommit({ workspace: "demo", repo_slug: "r" }, {
          files: [{ path: "ok.txt", content: "" }, file]
        }).pipe(Effect.provide(mock.anonymous)))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error.message).toContain("payload.files.1.content")
        expect(error.message).toContain('"l" is a link')
        expect(error.message).toContain(said)
      }
      // An unknown attribute is refused; empty content is fine for a regular file or an executable.
      const unknown = { path: "s", content: "x", attributes: "subrepository" } as unknown as Source.FileToCommit
      expect(yield* Effect.flip(Source.createCommit({ workspace: "demo", repo_slug: "r" }, { files: [unknown] }).pipe(Effect.provide(mock.anonymous))))
        .toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(0)
      yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, { files: [{ path: "r", content: "" }] }).pipe(Effect.provide(mock.anonymous))
      yield* Source.createCommit({ workspace: "demo", repo_slug: "r" }, { files: [{ path: "e", content: "", attributes: "executable" }] }).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(mock.requests).toHaveLength(2)
    }))
})

import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Option, Stream } from "effect"
import { Authenticator, BitbucketError, Source, Workspace } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const demo = { workspace: "demo" }
const playground = { workspace: "demo", repo_slug: "effect-playground" }

describe("Workspace.searchCode against the fake", () => {
  it.effect("finds words in files' text and paths, with the lines around them and the repository", () =>
    Effect.gen(function*() {
      yield* Source.createCommit(playground, {
        message: "Search fixtures\n",
        files: [
          { path: "src/retry.ts", content: "import { Schedule } from \"effect\"\n\n// TODO: jitter\nexport const retry = Schedule.exponential(\"1 second\")\n" },
          { path: "docs/todo.md", content: "Nothing here\n" },
          { path: "src/other.ts", content: "export const todo = 1 // todo later\n" }
        ]
      }).pipe(Effect.map(Option.getOrThrow))
      const results = yield* collect(Workspace.searchCode(demo, "todo repo:effect-playground", { pagelen: 1 }))
      expect(results.map((r) => r.file?.path)).toEqual(["docs/todo.md", "src/other.ts", "src/retry.ts"])
      const retry = results[2]!
      expect(retry.file?.commit?.repository).toMatchObject({ full_name: "demo/effect-playground" })
      expect(retry.content_match_count).toBe(1)
      expect(retry.content_matches).toEqual([{
        lines: [
          { line: 2, segments: [] },
          { line: 3, segments: [{ text: "// " }, { text: "TODO", match: true }, { text: ": jitter" }] },
          { line: 4, segments: [{ text: "export const retry = Schedule.exponential(\"1 second\")" }] }
        ]
      }])
      expect(results[0]!.path_matches).toEqual([{ text: "docs/" }, { text: "todo", match: true }, { text: ".md" }])
      expect(results[1]!.content_match_count).toBe(2)

      // Phrases, exclusions and filters.
      const phrase = yield* collect(Workspace.searchCode(demo, "\"todo later\" ext:ts"))
      expect(phrase.map((r) => r.file?.path)).toEqual(["src/other.ts"])
      const excluded = yield* collect(Workspace.searchCode(demo, "todo NOT jitter path:src repo:effect-playground"))
      expect(excluded.map((r) => r.file?.path)).toEqual(["src/other.ts"])
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("the fake reads queries as Bitbucket does: whole words, OR, NOT before filters, lang by file; parentheses are refused", () =>
    Effect.gen(function*() {
      yield* Source.createCommit(playground, {
        files: [
          { path: "zoo/zebra.md", content: "zebra\r\n\r\nİİİ zebra\r\n" },
          { path: "zoo/fish.ts", content: "const zebrafish = 1\nexport const okapi = zebrafish\n" },
          { path: "zoo/okapi.py", content: "okapi = 'zebra'\n" }
        ]
      })
      const paths = (query: string) => Effect.map(collect(Workspace.searchCode(demo, `${query} path:zoo`)), (rs) => rs.map((r) => r.file?.path))
      expect(yield* paths("zebra")).toEqual(["zoo/okapi.py", "zoo/zebra.md"]) // not zebrafish
      expect(yield* paths("zebra NOT ext:md")).toEqual(["zoo/okapi.py"])
      expect(yield* paths("okapi lang:typescript")).toEqual(["zoo/fish.ts"])
      expect(yield* paths("zebrafish OR \"okapi zebra\"")).toEqual(["zoo/fish.ts", "zoo/okapi.py"])
      const [md] = yield* collect(Workspace.searchCode(demo, "zebra ext:md"))
      expect(md!.content_matches![0]!.lines).toEqual([
        { line: 1, segments: [{ text: "zebra", match: true }] },
        { line: 2, segments: [] },
        { line: 3, segments: [{ text: "İİİ " }, { text: "zebra", match: true }] }
      ])
      const parentheses = yield* Effect.flip(collect(Workspace.searchCode(demo, "(zebra OR okapi) ext:md")))
      expect(parentheses).toBeInstanceOf(BitbucketError.BadRequest)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("a private workspace stays hidden from a user who cannot see it, as everywhere else", () =>
    Effect.gen(function*() {
      const carol = FakeBitbucket.defaultSeed.users.find((u) => u.email === "carol@example.com")!
      const dana = { ...carol, uuid: "{d0000000-0000-4000-8000-00000000da7a}", account_id: "557058:dana", email: "dana@example.com", apiTokens: ["dana-token"] }
      const seed = { ...FakeBitbucket.defaultSeed, users: [...FakeBitbucket.defaultSeed.users, dana] }
      const error = yield* Effect.flip(collect(Workspace.searchCode({ workspace: "acme" }, "zebra"))).pipe(
        Effect.provide(Layer.provideMerge(Authenticator.apiToken({ email: "dana@example.com", token: "dana-token" }), FakeBitbucket.layer({ seed })))
      )
      expect(["Forbidden", "NotFound"]).toContain(error._tag)
    }))

  it.effect("searches only what the caller can read; anonymous callers are Unauthorized", () =>
    Effect.gen(function*() {
      // A word in two private repositories; Carol may read acme/infra only.
      for (const repo_slug of ["api", "infra"]) {
        yield* Source.createCommit({ workspace: "acme", repo_slug }, { files: [{ path: "NOTES.md", content: "zebra\n" }] })
      }
      const repos = Effect.map(
        collect(Workspace.searchCode({ workspace: "acme" }, "zebra")),
        (results) => [...new Set(results.map((r) => r.file?.commit?.repository?.["full_name"]))].sort()
      )
      expect(yield* repos).toEqual(["acme/api", "acme/infra"])
      const carol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })
      expect(yield* repos.pipe(Effect.provide(carol))).toEqual(["acme/infra"])
      const anonymous = yield* Effect.flip(repos).pipe(Effect.provide(Authenticator.anonymous))
      expect(anonymous).toBeInstanceOf(BitbucketError.Unauthorized)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("an empty query is InvalidInput and sends nothing; the query and the default fields go on the wire", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(JSON.stringify({ values: [] }), { headers: { "content-type": "application/json" } }))
      const blank = yield* Effect.flip(collect(Workspace.searchCode(demo, "  "))).pipe(Effect.provide(mock.anonymous))
      expect(blank).toMatchObject({ _tag: "InvalidInput", parameter: "search_query" })
      expect(mock.requests).toEqual([])
      yield* collect(Workspace.searchCode(demo, "a&b repo:x")).pipe(Effect.provide(mock.anonymous))
      yield* collect(Workspace.searchCode(demo, "y", { fields: "values.file.path" })).pipe(Effect.provide(mock.anonymous))
      yield* collect(Workspace.searchCode(demo, "z", { fields: "-values.content_matches" })).pipe(Effect.provide(mock.anonymous))
      const [first, second, third] = mock.requests.map((r) => r.url)
      expect(third!.searchParams.get("fields")).toBe("+values.file.commit.repository,-values.content_matches")
      expect(first!.searchParams.get("search_query")).toBe("a&b repo:x")
      expect(first!.searchParams.get("fields")).toBe("+values.file.commit.repository")
      expect(second!.searchParams.get("fields")).toMatch(/^values\.file\.path,/)
    }))
})

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
      const [first, second] = mock.requests.map((r) => r.url)
      expect(first!.searchParams.get("search_query")).toBe("a&b repo:x")
      expect(first!.searchParams.get("fields")).toBe("+values.file.commit.repository")
      expect(second!.searchParams.get("fields")).toMatch(/^values\.file\.path,/)
    }))
})

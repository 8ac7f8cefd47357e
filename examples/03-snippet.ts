/**
 * Example 3: create a snippet with two files (a text file and a binary one), read both back, then
 * delete it.
 *
 * Against the real API it writes, so it runs only when BITBUCKET_WORKSPACE is set.
 *
 * Run: npx tsx examples/03-snippet.ts
 */
import { Console, Effect } from "effect"
import { Resource, Snippet } from "../src/index.js"
import { ExampleLayer, live, workspace } from "./runtime.js"

/** Uploads two files, reads them back byte for byte, and cleans up even if a read fails. */
export const roundTrip = (workspace: string) =>
  Effect.gen(function*() {
    const script = "import { Effect } from \"effect\"\n\nEffect.runPromise(Effect.log(\"hello\"))\n"
    const pixel = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00])
    const snippet = yield* Snippet.create({ workspace }, {
      title: "effect-bitbucket example",
      is_private: true,
      files: [{ name: "hello.ts", content: script }, { name: "pixel.png", content: pixel }]
    })
    const ref = yield* Snippet.refOf(snippet)
    return yield* Effect.gen(function*() {
      const text = yield* Snippet.contentText(ref, "hello.ts")
      const bytes = yield* Resource.collectBytes(Snippet.content(ref, "pixel.png"))
      return {
        id: ref.encoded_id,
        files: Snippet.filenames(snippet),
        textMatches: text === script,
        bytesMatch: bytes.length === pixel.length && bytes.every((b, i) => b === pixel[i])
      }
    }).pipe(Effect.ensuring(Effect.ignore(Snippet.delete(ref))))
  })

export const main = Effect.gen(function*() {
  if (live && process.env["BITBUCKET_WORKSPACE"] === undefined) {
    return yield* Console.log("skipped: set BITBUCKET_WORKSPACE to let this example create a snippet")
  }
  const result = yield* roundTrip(workspace)
  yield* Console.log(
    `Snippet ${result.id} with ${result.files.join(", ")}: text ${result.textMatches ? "matches" : "DIFFERS"}, bytes ${
      result.bytesMatch ? "match" : "DIFFER"
    }; deleted.`
  )
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

/**
 * Example 4: list open pull requests that match a BBQL filter built with `Bbql`, with `fields`
 * trimming the answer to what we print.
 *
 * Run: npx tsx examples/04-open-pull-requests.ts
 */
import { Console, Effect, Stream } from "effect"
import { Bbql, PullRequest, Repository } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

/** Open pull requests whose title mentions `word`, newest first, as one-line summaries. */
export const openPullRequestsMentioning = (fullName: string, word: string) =>
  Effect.flatMap(Repository.parseFullName(fullName), (repo) =>
    PullRequest.findForRepository(repo, {
      state: "OPEN",
      // Bbql escapes the word: a `"` in it cannot end the string and change the query.
      q: Bbql.or(Bbql.contains("title", word), Bbql.contains("description", word)),
      sort: "-updated_on",
      fields: "values.id,values.title,values.author.display_name,values.updated_on"
    }).pipe(
      Stream.map((pr) => `#${pr.id} ${pr.title} (by ${pr.author?.display_name ?? "unknown"})`),
      Stream.runCollect
    ))

export const main = Effect.gen(function*() {
  const fullName = live ? process.env["BITBUCKET_REPO"] ?? "" : "demo/effect-playground"
  if (fullName === "") return yield* Console.log("skipped: set BITBUCKET_REPO to the repository to list")
  const word = live ? process.env["BITBUCKET_QUERY"] ?? "" : "e"
  const lines = yield* openPullRequestsMentioning(fullName, word)
  yield* Console.log(`Open pull requests of ${fullName} whose title or description contains ${JSON.stringify(word)}:`)
  for (const line of lines) yield* Console.log(`  ${line}`)
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

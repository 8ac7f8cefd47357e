/**
 * `npm run demo`: runs every example, against the in-memory fake Bitbucket unless Bitbucket
 * credentials are set in the environment (see examples/runtime.ts).
 */
import { Console, Effect } from "effect"
import { main as languages } from "./01-languages.js"
import { main as pullRequest } from "./02-pull-request.js"
import { main as snippet } from "./03-snippet.js"
import { main as openPullRequests } from "./04-open-pull-requests.js"
import { main as files } from "./06-files.js"
import { main as codeInsights } from "./07-code-insights.js"
import { main as issueTriage } from "./08-issue-triage.js"
import { ExampleLayer, live } from "./runtime.js"

const examples: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Effect.Effect.Context<typeof languages>>]> = [
  ["1. repositories by language", languages],
  ["2. open, review, build and merge a pull request", pullRequest],
  ["3. a snippet with two files, read back and deleted", snippet],
  ["4. open pull requests matching a BBQL filter, trimmed with fields", openPullRequests],
  ["6. a repository's files walked, read, and a change committed on a branch", files],
  ["7. a CI job's build status and Code Insights report, with annotations found by code search", codeInsights],
  ["8. issue triage: a bug filed, discussed and resolved; open issues counted by priority", issueTriage]
]

const program = Effect.gen(function*() {
  yield* Console.log(live ? "Running against the real Bitbucket API" : "Running against the in-memory fake Bitbucket (offline)")
  for (const [name, example] of examples) {
    yield* Console.log(`--- ${name}`)
    yield* example
  }
  yield* Console.log("All examples ran.")
})

Effect.runPromise(program.pipe(Effect.provide(ExampleLayer))).catch((error) => {
  console.error(error)
  process.exitCode = 1
})

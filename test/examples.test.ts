/**
 * The examples `npm run demo` runs, run here against the fake, so that a change that breaks one
 * fails the tests. (With Bitbucket credentials in the environment the examples would talk to the
 * real API: then they are skipped here.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, Option } from "effect"
import { Commit } from "../src/index.js"
import { main as languages } from "../examples/01-languages.js"
import { main as pullRequest } from "../examples/02-pull-request.js"
import { main as snippet } from "../examples/03-snippet.js"
import { main as openPullRequests } from "../examples/04-open-pull-requests.js"
import { commitNote, main as files } from "../examples/06-files.js"
import { main as codeInsights } from "../examples/07-code-insights.js"
import { main as issueTriage } from "../examples/08-issue-triage.js"
import { ExampleLayer, live } from "../examples/runtime.js"

const examples = { languages, pullRequest, snippet, openPullRequests, files, codeInsights, issueTriage }

describe.skipIf(live)("examples against the fake", () => {
  for (const [name, main] of Object.entries(examples)) {
    it.effect(`${name} runs to the end and prints what it found`, () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const standard = yield* Effect.console
        const recording = {
          ...standard,
          log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.map(String).join(" ")))
        }
        yield* (main as Effect.Effect<unknown, unknown, Effect.Effect.Context<typeof languages>>).pipe(
          Effect.provide(ExampleLayer),
          Effect.withConsole(recording),
          Effect.provide(Logger.remove(Logger.defaultLogger))
        )
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.join("\n")).not.toMatch(/skipped|DIFFER/)
      }))
  }

  it.effect("the files example writes only to a branch of its own: never over someone's work", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const head = (yield* Commit.find({ ...repo, commit: "main" })).hash!
      expect(Option.isNone(yield* commitNote(repo, head, "bugfix/typo", "x"))).toBe(true)
      expect(Option.isNone(yield* commitNote(repo, head, "main", "x"))).toBe(true)
      const first = yield* commitNote(repo, head, "docs/mine", "one")
      const second = yield* commitNote(repo, head, "docs/mine", "two")
      expect(Option.map(second, (w) => w.parent)).toEqual(Option.map(first, (w) => w.hash))
    }).pipe(Effect.provide(ExampleLayer)))
})

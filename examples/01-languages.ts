/**
 * Example 1: stream every repository of a workspace and count them by language.
 *
 * Run: npx tsx examples/01-languages.ts
 */
import { Console, Effect, Stream } from "effect"
import { Repository } from "../src/index.js"
import { ExampleLayer, workspace } from "./runtime.js"

/** Repositories per language, most used first. The listing is streamed: memory stays flat. */
export const countByLanguage = (workspace: string) =>
  Repository.findForWorkspace({ workspace }, { fields: "values.language", pagelen: 100, concurrency: 4 }).pipe(
    Stream.runFold(new Map<string, number>(), (counts, repo) => {
      const language = repo.language === undefined || repo.language === "" ? "(none)" : repo.language
      return counts.set(language, (counts.get(language) ?? 0) + 1)
    }),
    Effect.map((counts) => [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
  )

export const main = Effect.gen(function*() {
  const counts = yield* countByLanguage(workspace)
  yield* Console.log(`Repositories of ${workspace} by language`)
  for (const [language, count] of counts) yield* Console.log(`  ${language.padEnd(12)} ${count}`)
  return counts
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

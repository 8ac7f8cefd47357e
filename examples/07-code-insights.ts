/**
 * Example 7: what a CI job reports on the commit it built: a build status, and a Code Insights
 * report with data fields and annotations on the lines it found something on; then the report as
 * a pull request's reviewer sees it. The "lint" flags every line that holds a word (a code search):
 * `TODO`, or BITBUCKET_REPORT_WORD; the fake's repository has no TODO, so there it flags `Effect.gen`.
 *
 * Against the fake: demo/effect-playground at main. Against the real API it reads BITBUCKET_REPO
 * (workspace/slug), and writes only when BITBUCKET_REPORT is set: a build status keyed
 * `effect-bitbucket-example` and a report of that id on the main branch's head, both replaced
 * (the report deleted first, with its annotations) when the example runs again; nothing else is
 * touched.
 *
 * Run: npx tsx examples/07-code-insights.ts
 */
import { Console, Effect, Stream } from "effect"
import { BuildStatus, Commit, Report, Repository, Workspace } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

const key = "effect-bitbucket-example"

/** Up to `limit` lines that hold `word` in the repository's main branch, as annotations. */
const findings = (repo: Repository.RepositoryRef, word: string, limit: number) =>
  Workspace.searchCode({ workspace: repo.workspace }, `${word} repo:${repo.repo_slug}`).pipe(
    Stream.flatMap((result) =>
      Stream.fromIterable(
        (result.file?.path === undefined ? [] : (result.content_matches ?? []).flatMap((block) => block.lines ?? []))
          .filter((line) => (line.segments ?? []).some((segment) => segment.match === true))
          .map((line): Report.BulkAnnotationPayload => ({
            external_id: `${key}-${result.file?.path}-${line.line}`,
            annotation_type: "CODE_SMELL",
            severity: "LOW",
            summary: `"${word}" left in the code`,
            path: result.file!.path!,
            line: line.line ?? 1
          }))
      )
    ),
    Stream.take(limit),
    Stream.runCollect
  )

export const main = Effect.gen(function*() {
  const fullName = live ? process.env["BITBUCKET_REPO"] ?? "" : "demo/effect-playground"
  if (fullName === "") return yield* Console.log("skipped: set BITBUCKET_REPO to the repository to report on")
  if (live && (process.env["BITBUCKET_REPORT"] ?? "") === "") {
    return yield* Console.log("not reporting: set BITBUCKET_REPORT to let this example post a build status and a report")
  }
  const repo = yield* Repository.parseFullName(fullName)
  const main = (yield* Repository.find(repo)).mainbranch?.name
  if (main === undefined) return yield* Console.log(`${fullName} is empty: nothing to report on`)
  const commit = { ...repo, commit: (yield* Commit.find({ ...repo, commit: main })).hash! }

  yield* BuildStatus.create(commit, { key, state: "INPROGRESS", url: "https://ci.example.com/builds/7", name: "Example build" })
  const word = process.env["BITBUCKET_REPORT_WORD"] ?? (live ? "TODO" : "Effect.gen")
  const annotations = [...yield* findings(repo, word, 20)]
  const report = { ...commit, reportId: key }
  // Start clean: the last run's annotations may name lines that have moved since.
  yield* Report.delete(report).pipe(Effect.catchTag("NotFound", () => Effect.void))
  yield* Report.createOrUpdate(report, {
    title: "Example lint",
    details: `${annotations.length} lines hold "${word}"`,
    report_type: "BUG",
    reporter: "effect-bitbucket",
    result: annotations.length === 0 ? "PASSED" : "FAILED",
    data: [
      { title: `"${word}" lines`, type: "NUMBER", value: annotations.length },
      { title: "Took", type: "DURATION", value: 1_250 },
      { title: "Safe to merge?", type: "BOOLEAN", value: annotations.length === 0 }
    ]
  })
  yield* Report.createOrUpdateAnnotations(report, annotations)
  yield* BuildStatus.update({ ...commit, key }, { state: "SUCCESSFUL" })

  const shown = yield* Report.find(report)
  const onLines = yield* Stream.runCollect(Report.findAnnotations(report).pipe(Stream.map((a) => `${a.path}:${a.line}`)))
  yield* Console.log(
    `${fullName} at ${commit.commit.slice(0, 7)}: build ${key} SUCCESSFUL; report "${shown.title}" ${shown.result}, ` +
      `${shown.data?.length} data fields, ${onLines.length} annotation${onLines.length === 1 ? "" : "s"}${onLines.length > 0 ? ` (${[...onLines].slice(0, 3).join(", ")})` : ""}`
  )
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

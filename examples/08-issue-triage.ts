/**
 * Example 8: issue triage. A bug is filed with a component and a milestone, discussed in a
 * comment, and resolved with a state change that says why; then the open issues are counted by
 * priority with a BBQL filter, the way a weekly triage starts.
 *
 * Against the fake: demo/data-pipeline, whose tracker has issues, components and milestones. Against
 * the real API it reads BITBUCKET_REPO (workspace/slug) and only counts, unless BITBUCKET_ISSUES
 * is set: then it also files its bug (titled "effect-bitbucket example"), comments on it and
 * resolves it. A repository without an issue tracker is skipped.
 *
 * Run: npx tsx examples/08-issue-triage.ts
 */
import { Console, Effect, Stream } from "effect"
import { Comment, Issue, Repository } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

/** Files a bug, discusses it, and resolves it; returns the issue's id and its changes, oldest first. */
const fileAndResolve = (repo: Repository.RepositoryRef) =>
  Effect.gen(function*() {
    const components = yield* Stream.runCollect(Issue.findComponents(repo).pipe(Stream.take(1)))
    const milestones = yield* Stream.runCollect(Issue.findMilestones(repo).pipe(Stream.take(1)))
    const component = [...components][0]?.name
    const milestone = [...milestones][0]?.name
    const bug = yield* Issue.create(repo, {
      title: "effect-bitbucket example",
      content: { raw: "Filed by example 8: retries never stop when the server keeps answering 503." },
      kind: "bug",
      priority: "critical",
      ...(component === undefined ? {} : { component: { name: component } }),
      ...(milestone === undefined ? {} : { milestone: { name: milestone } })
    })
    const ref = { ...repo, issue_id: bug.id! }
    yield* Comment.create(ref, { content: { raw: "Reproduced: the retry schedule has no cap." } })
    yield* Issue.createChange(ref, { changes: { state: { new: "resolved" } }, message: { raw: "Fixed by capping the schedule." } })
    const changes = yield* Stream.runCollect(Issue.findChanges(ref))
    return { id: bug.id!, component, milestone, changes: [...changes] }
  })

export const main = Effect.gen(function*() {
  const fullName = live ? process.env["BITBUCKET_REPO"] ?? "" : "demo/data-pipeline"
  if (fullName === "") return yield* Console.log("skipped: set BITBUCKET_REPO to the repository to triage")
  const repo = yield* Repository.parseFullName(fullName)
  if ((yield* Repository.find(repo)).has_issues !== true) return yield* Console.log(`${fullName} has no issue tracker: skipped`)

  if (!live || (process.env["BITBUCKET_ISSUES"] ?? "") !== "") {
    const filed = yield* fileAndResolve(repo)
    const states = filed.changes.map((change) => change.changes?.["state"]?.new).filter((state) => state !== undefined)
    yield* Console.log(
      `${fullName}: filed #${filed.id} (component ${filed.component ?? "none"}, milestone ${filed.milestone ?? "none"}), ` +
        `commented, and moved it to ${states.join(" then ")}`
    )
  }

  const open = yield* Stream.runCollect(
    Issue.findForRepository(repo, { q: 'state = "new" OR state = "open"', sort: "created_on", fields: "+values.priority" })
  )
  const byPriority = new Map<string, number>()
  for (const issue of open) byPriority.set(issue.priority ?? "unset", (byPriority.get(issue.priority ?? "unset") ?? 0) + 1)
  const oldest = [...open][0]
  yield* Console.log(
    `${fullName}: ${open.length} open issue${open.length === 1 ? "" : "s"}` +
      (open.length === 0
        ? ""
        : ` (${[...byPriority].map(([priority, count]) => `${count} ${priority}`).join(", ")}); oldest: #${oldest?.id} ${oldest?.title}`)
  )
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

/**
 * Example 2: open a pull request from a branch, add a reviewer and a comment, post a build status
 * on its head commit, and merge it.
 *
 * Against the fake: demo/effect-playground, branch bugfix/typo, reviewer Bob. Against the real
 * API it writes, so it runs only when BITBUCKET_REPO (workspace/slug) and BITBUCKET_SOURCE_BRANCH
 * are set; BITBUCKET_REVIEWER (an account_id) is optional.
 *
 * Run: npx tsx examples/02-pull-request.ts
 */
import { Console, Effect } from "effect"
import { BuildStatus, Comment, PullRequest, Ref, Repository } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

/** A reviewed, commented, built and merged pull request: a typical CI bot's day. */
export const openReviewAndMerge = (options: {
  readonly fullName: string
  readonly source: string
  readonly destination?: string
  readonly reviewer?: string
}) =>
  Effect.gen(function*() {
    const repo = yield* Repository.parseFullName(options.fullName)
    const branch = yield* Ref.findBranch({ ...repo, name: options.source })
    const payload = PullRequest.fromBranches(branch, options.destination, {
      title: `Merge ${options.source}`,
      description: "Opened by the effect-bitbucket example."
    })
    const pr = yield* PullRequest.create(
      repo,
      options.reviewer === undefined ? payload : PullRequest.addReviewers(payload, [{ account_id: options.reviewer }])
    )
    const ref = { ...repo, pull_request_id: pr.id! }
    yield* Comment.create(ref, { content: { raw: "Looks good to me; CI will tell." } })
    yield* BuildStatus.create(
      { ...repo, commit: branch.target!.hash! },
      { key: "example-ci", state: "SUCCESSFUL", name: "Example CI", url: "https://ci.example.com/builds/1" }
    )
    const merged = yield* PullRequest.merge(ref, { merge_strategy: "squash", message: `Merge ${options.source} (squashed)` })
    return { id: merged.id, state: merged.state, reviewers: (merged.reviewers ?? []).map((r) => r.display_name) }
  })

export const main = Effect.gen(function*() {
  const source = live ? process.env["BITBUCKET_SOURCE_BRANCH"] : "bugfix/typo"
  const fullName = live ? process.env["BITBUCKET_REPO"] : "demo/effect-playground"
  if (fullName === undefined || source === undefined) {
    return yield* Console.log("skipped: set BITBUCKET_REPO and BITBUCKET_SOURCE_BRANCH to let this example write")
  }
  const result = yield* openReviewAndMerge({
    fullName,
    source,
    reviewer: live ? process.env["BITBUCKET_REVIEWER"] : "557058:bob"
  })
  yield* Console.log(`Pull request #${result.id} is ${result.state}; reviewers: ${result.reviewers.join(", ") || "none"}`)
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

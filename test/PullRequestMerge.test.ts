import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Either, Exit, Layer } from "effect"
import { Authenticator, BitbucketError, BranchRestriction, BuildStatus, Commit, DefaultReviewer, PullRequest, Ref, Source, Task } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { MERGE_STRATEGIES } from "../src/testing/internal/gitStore.js"
import { json, mockHttp } from "./support/mockHttp.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const repo = { workspace: "demo", repo_slug: "effect-playground" }
/**
 * The error an operation failed with, or undefined when it succeeded (not `Effect.flip`: a
 * pull request that merged when it should not, as a failure, takes the test runner ages to print).
 */
const refusal = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(Effect.either(effect), (e) => (Either.isLeft(e) ? e.left : undefined))
const withFake = (seed?: FakeBitbucket.Seed) => Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer(seed === undefined ? {} : { seed })))

describe("PullRequest.merge: polling options", () => {
  it.effect("unusable maxPolls or pollInterval fail with InvalidInput before the merge is sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const ref = { ...repo, pull_request_id: 5 }
      const cases: ReadonlyArray<readonly [PullRequest.PollOptions, string, string]> = [
        [{ maxPolls: 0 }, "maxPolls", "at least 1, got 0"],
        [{ maxPolls: Number.NaN }, "maxPolls", "got NaN"],
        [{ maxPolls: 2.5 }, "maxPolls", "whole number"],
        [{ pollInterval: -1 }, "pollInterval", "zero or more, got -1"],
        [{ pollInterval: Number.NaN }, "pollInterval", "got NaN"],
        [{ pollInterval: Number.POSITIVE_INFINITY }, "pollInterval", "finite"],
        [{ pollInterval: "soon" as never }, "pollInterval", "not a duration: \"soon\""]
      ]
      for (const [options, parameter, said] of cases) {
        const error = yield* refusal(PullRequest.merge(ref, {}, { async: true, ...options }))
        expect(error, JSON.stringify(options)).toMatchObject({ _tag: "InvalidInput", parameter })
        expect(error?.message).toContain(said)
      }
      expect((yield* fake.requests).filter((r) => r.method === "POST")).toEqual([])
      expect((yield* PullRequest.find(ref)).state).toBe("OPEN")
      // Usable ones merge.
      const merged = yield* PullRequest.merge(ref, {}, { async: true, maxPolls: 2, pollInterval: 0 })
      expect(merged.state).toBe("MERGED")
    }).pipe(withFake()))
})

describe("PullRequest.merge: how a merge task ends", () => {
  const api = "https://api.bitbucket.org/2.0/repositories/w/r/pullrequests/1"
  const task = `${api}/merge/task-status/t1`
  const ref = { workspace: "w", repo_slug: "r", pull_request_id: 1 }
  /** A Bitbucket whose merge answers 202, then PENDING once, then `final`; the pull request reads as MERGED. */
  const bitbucket = (final: unknown) =>
    mockHttp((request, i) => {
      if (request.method === "POST") return new Response(null, { status: 202, headers: { location: task } })
      if (request.url.href === api) return json({ type: "pullrequest", id: 1, state: "MERGED" })
      return json(i === 1 ? { task_status: "PENDING" } : final)
    })

  it.effect("a status neither PENDING nor SUCCESS ends the wait with what the task said", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ task_status: "FAILED", error: { message: "Merge conflict in README.md" } })
      const error = yield* refusal(PullRequest.merge(ref, {}, { pollInterval: 0, maxPolls: 50 })).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.UnexpectedStatus)
      expect(error).toMatchObject({ status: 200, url: task, bitbucketMessage: "Merge conflict in README.md" })
      expect(error?.message).toContain(`task_status "FAILED"`)
      expect(error?.message).toContain("Bitbucket said: Merge conflict in README.md")
      // Two polls, not fifty.
      expect(mock.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET"])
      // Without an error body, the body itself is kept.
      const bare = bitbucket({ task_status: "ABORTED" })
      const said = yield* refusal(PullRequest.merge(ref, {}, { pollInterval: 0 })).pipe(Effect.provide(bare.anonymous))
      expect(said).toMatchObject({ _tag: "UnexpectedStatus", body: JSON.stringify({ task_status: "ABORTED" }) })
    }))

  it.effect("SUCCESS without merge_result reads the pull request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ task_status: "SUCCESS" })
      const merged = yield* PullRequest.merge(ref, {}, { pollInterval: 0 }).pipe(Effect.provide(mock.anonymous))
      expect(merged).toMatchObject({ id: 1, state: "MERGED" })
      expect(mock.requests.map((r) => `${r.method} ${r.url.href}`)).toEqual([`POST ${api}/merge`, `GET ${task}`, `GET ${task}`, `GET ${api}`])
    }))
})

describe("PullRequest.awaitMerge", () => {
  const slow = { ...FakeBitbucket.defaultSeed, mergeTaskPendingPolls: 4 }

  it.effect("goes on waiting for a merge left Pending, from the error or its url", () =>
    Effect.gen(function*() {
      const pending = yield* refusal(PullRequest.merge({ ...repo, pull_request_id: 5 }, {}, { async: true, maxPolls: 2, pollInterval: 0 }))
      expect(pending).toMatchObject({ _tag: "Pending", polls: 2 })
      if (pending?._tag !== "Pending") return
      // Still pending after one more poll: Pending again, naming the same task.
      expect(yield* refusal(PullRequest.awaitMerge(pending, { maxPolls: 1, pollInterval: 0 }))).toMatchObject({ _tag: "Pending", url: pending.url, polls: 1 })
      const merged = yield* PullRequest.awaitMerge(pending.url, { pollInterval: 0 })
      expect(merged).toMatchObject({ id: 5, state: "MERGED" })
    }).pipe(withFake(slow)))

  it.effect("refuses what is not a merge task status, and unusable polling options, before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const pipeline = new BitbucketError.Pending({
        message: "pipeline still running",
        method: "GET",
        url: "https://api.bitbucket.org/2.0/repositories/demo/effect-playground/pipelines/%7Bp1%7D",
        polls: 3
      })
      const task = "https://api.bitbucket.org/2.0/repositories/demo/effect-playground/pullrequests/5/merge/task-status/abc"
      for (const [input, options, parameter] of [
        [pipeline, {}, "task"],
        ["not a url", {}, "task"],
        [`${task}?x=1`, {}, "task"],
        [task, { maxPolls: 0 }, "maxPolls"],
        [task, { pollInterval: Number.POSITIVE_INFINITY }, "pollInterval"]
      ] as const) {
        expect(yield* refusal(PullRequest.awaitMerge(input, options))).toMatchObject({ _tag: "InvalidInput", parameter })
      }
      expect(yield* fake.requests).toEqual([])
    }).pipe(withFake()))
})

describe("PullRequest.merge: strategies", () => {
  // In the default seed, #1 (feature/streams, two commits by Bob) was cut before main moved on;
  // #5 (docs/guide) starts at main's head, so it can be fast-forwarded.
  const head = (name: string) => Effect.map(Ref.findBranch({ ...repo, name }), (branch) => branch.target!.hash!)
  const commit = (hash: string) => Commit.find({ ...repo, commit: hash })
  const parents = (c: Commit.Commit) => (c.parents ?? []).map((p) => p.hash!)
  const file = (commit: string, path: string) => Source.contentText({ ...repo, commit, path })

  it.effect("squash_fast_forward squashes onto a destination that has not moved on, and is refused otherwise", () =>
    Effect.gen(function*() {
      const refused = yield* refusal(PullRequest.merge({ ...repo, pull_request_id: 1 }, { merge_strategy: "squash_fast_forward" }))
      expect(refused).toMatchObject({ _tag: "BadRequest", bitbucketMessage: "Squash fast-forward merge is not possible" })
      expect((yield* PullRequest.find({ ...repo, pull_request_id: 1 })).state).toBe("OPEN")

      const main = yield* head("main")
      const guide = yield* head("docs/guide")
      const merged = yield* PullRequest.merge({ ...repo, pull_request_id: 5 }, { merge_strategy: "squash_fast_forward", message: "Guide\n" })
      expect(merged.state).toBe("MERGED")
      const squashed = yield* commit(yield* head("main"))
      expect(parents(squashed)).toEqual([main])
      expect(squashed.hash).not.toBe(guide)
      expect(squashed.message).toBe("Guide\n")
      expect(yield* file(squashed.hash!, "docs/guide.md")).toBe(yield* file(guide, "docs/guide.md"))
    }).pipe(withFake()))

  it.effect("rebase_fast_forward replays the source's commits on the destination, keeping their authors", () =>
    Effect.gen(function*() {
      const main = yield* head("main")
      const source = yield* commit(yield* head("feature/streams"))
      const merged = yield* PullRequest.merge({ ...repo, pull_request_id: 1 }, { merge_strategy: "rebase_fast_forward", close_source_branch: false })
      const last = yield* commit(yield* head("main"))
      const first = yield* commit(parents(last)[0]!)
      expect(parents(first)).toEqual([main])
      expect([first.message, last.message]).toEqual(["Add a Stream example\n", "Use Stream.fromIterable in the stream example\n"])
      expect([first.author?.raw, last.author?.raw]).toEqual([source.author?.raw, source.author?.raw])
      expect(last.hash).not.toBe(source.hash)
      expect(merged.merge_commit?.hash).toBe(last.hash!.slice(0, 12))
      // The source's files on top of what the destination had.
      expect(yield* file(last.hash!, "src/streams.ts")).toBe(yield* file(source.hash!, "src/streams.ts"))
      expect(yield* file(last.hash!, "README.md")).toBe(yield* file(main, "README.md"))
      // The source branch is left as it was.
      expect(yield* head("feature/streams")).toBe(source.hash)
    }).pipe(withFake()))

  it.effect("rebase_fast_forward drops a commit whose changes the destination already has", () =>
    Effect.gen(function*() {
      const main = yield* head("main")
      // On feature/streams, the README main has since: nothing left to replay of that commit.
      yield* Source.createCommit(repo, {
        message: "Take main's README\n",
        branch: "feature/streams",
        files: [{ path: "README.md", content: yield* file(main, "README.md") }]
      })
      yield* PullRequest.merge({ ...repo, pull_request_id: 1 }, { merge_strategy: "rebase_fast_forward" })
      const last = yield* commit(yield* head("main"))
      expect(last.message).toBe("Use Stream.fromIterable in the stream example\n")
      expect(parents(yield* commit(parents(last)[0]!))).toEqual([main])
    }).pipe(withFake()))

  it.effect("rebase_fast_forward of a source on top of the destination is a fast-forward", () =>
    Effect.gen(function*() {
      const guide = yield* head("docs/guide")
      yield* PullRequest.merge({ ...repo, pull_request_id: 5 }, { merge_strategy: "rebase_fast_forward" })
      expect(yield* head("main")).toBe(guide)
    }).pipe(withFake()))

  it.effect("rebase_merge replays the source's commits, then makes a merge commit", () =>
    Effect.gen(function*() {
      const main = yield* head("main")
      const merged = yield* PullRequest.merge({ ...repo, pull_request_id: 1 }, { merge_strategy: "rebase_merge" })
      const top = yield* commit(yield* head("main"))
      expect(merged.merge_commit?.hash).toBe(top.hash!.slice(0, 12))
      const [first, second] = parents(top)
      expect(first).toBe(main)
      const rebased = yield* commit(second!)
      expect(rebased.message).toBe("Use Stream.fromIterable in the stream example\n")
      expect(parents(yield* commit(parents(rebased)[0]!))).toEqual([main])
      expect(top.message).toContain("Merged in feature/streams (pull request #1)")
    }).pipe(withFake()))
})

describe("PullRequest.merge: the strategies a repository allows", () => {
  const seed: FakeBitbucket.Seed = {
    ...FakeBitbucket.defaultSeed,
    repositories: FakeBitbucket.defaultSeed.repositories.map((r) =>
      r.workspace === "demo" && r.slug === "effect-playground" ? { ...r, mergeStrategies: { allowed: ["squash", "rebase_fast_forward"], default: "squash" } } : r
    )
  }

  it.effect("a branch lists them; another is refused with 400; a merge that names none uses the default", () =>
    Effect.gen(function*() {
      const main = yield* Ref.findBranch({ ...repo, name: "main" })
      expect(main).toMatchObject({ merge_strategies: ["squash", "rebase_fast_forward"], default_merge_strategy: "squash" })
      expect(PullRequest.isMergeStrategy(main.default_merge_strategy)).toBe(true)

      const refused = yield* refusal(PullRequest.merge({ ...repo, pull_request_id: 1 }, { merge_strategy: "merge_commit" }))
      expect(refused).toMatchObject({ _tag: "BadRequest", fields: { merge_strategy: [expect.stringContaining("is not allowed")] } })
      expect(refused?.message).toContain("Allowed: squash, rebase_fast_forward")

      const before = main.target!.hash!
      const strategy = main.default_merge_strategy
      yield* PullRequest.merge({ ...repo, pull_request_id: 1 }, PullRequest.isMergeStrategy(strategy) ? { merge_strategy: strategy } : {})
      yield* PullRequest.merge({ ...repo, pull_request_id: 5 })
      // Two squashes: each one commit with one parent.
      const after = yield* Commit.find({ ...repo, commit: "main" })
      expect(after.message).toContain("(pull request #5)")
      const previous = yield* Commit.find({ ...repo, commit: after.parents![0]!.hash! })
      expect(after.parents).toHaveLength(1)
      expect(previous.message).toContain("(pull request #1)")
      expect(previous.parents!.map((p) => p.hash)).toEqual([before])
    }).pipe(withFake(seed)))

  it("isMergeStrategy tells the strategies merge takes", () => {
    for (const known of ["merge_commit", "squash", "fast_forward", "squash_fast_forward", "rebase_fast_forward", "rebase_merge"]) {
      expect(PullRequest.isMergeStrategy(known), known).toBe(true)
    }
    for (const other of ["octopus", "", undefined, null, 3]) expect(PullRequest.isMergeStrategy(other), String(other)).toBe(false)
  })

  it.effect("a seed naming an unknown strategy, or a default it does not allow, is refused", () =>
    Effect.gen(function*() {
      const withStrategies = (mergeStrategies: NonNullable<FakeBitbucket.SeedRepository["mergeStrategies"]>) =>
        FakeBitbucket.make({
          seed: { ...seed, repositories: seed.repositories.map((r) => (r.mergeStrategies === undefined ? r : { ...r, mergeStrategies })) }
        })
      const refusal = (exit: Exit.Exit<unknown>) => (Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "made")
      expect(refusal(yield* Effect.exit(withStrategies({ allowed: ["octopus" as never] })))).toContain(`names "octopus"`)
      expect(refusal(yield* Effect.exit(withStrategies({ allowed: ["squash"], default: "rebase_merge" })))).toContain(
        "the default rebase_merge is not among the allowed squash"
      )
    }))
})

describe("PullRequest.merge: merge checks in the fake", () => {
  const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
  const pr1 = { ...repo, pull_request_id: 1 }
  const restrict = (kind: BranchRestriction.Kind, value?: number) =>
    BranchRestriction.create(repo, { kind, branch_match_kind: "glob", pattern: "main", ...(value === undefined ? {} : { value }) })
  // #1 (by Bob) has a SUCCESSFUL and a FAILED build on its head and Alice's approval (the seed);
  // then an unresolved task and a change request from Bob.
  const notReady = Effect.gen(function*() {
    yield* restrict("require_passing_builds_to_merge", 1)
    yield* restrict("require_tasks_to_be_completed")
    yield* restrict("require_no_changes_requested")
    yield* restrict("require_default_reviewer_approvals_to_merge", 1)
    yield* DefaultReviewer.add({ ...repo, target_username: "557058:bob" })
    const task = yield* Task.create(pr1, { content: { raw: "Add a test" } })
    yield* PullRequest.requestChanges(pr1).pipe(Effect.provide(asBob))
    return { ...pr1, task_id: task.id! }
  })

  it.effect("with enforce_merge_checks, a merge that fails them is a 400 naming each; once met, it merges", () =>
    Effect.gen(function*() {
      const task = yield* notReady
      yield* restrict("enforce_merge_checks")
      for (const options of [{}, { async: true }]) {
        const refused = yield* refusal(PullRequest.merge(pr1, {}, options))
        expect(refused).toBeInstanceOf(BitbucketError.BadRequest)
        // The seed's require_approvals_to_merge (1) is met by Alice's approval.
        expect(refused).toMatchObject({
          bitbucketMessage: "You can't merge this pull request until its merge checks pass: 1 failed build; 1 unresolved task; " +
            "changes requested by Bob Brown; 0 of 1 required approval from default reviewers."
        })
      }
      expect((yield* PullRequest.find(pr1)).state).toBe("OPEN")

      // Meet them one by one.
      yield* Task.resolve(task)
      yield* PullRequest.unrequestChanges(pr1).pipe(Effect.provide(asBob))
      yield* PullRequest.approve(pr1).pipe(Effect.provide(asBob))
      const sourceHead = (yield* PullRequest.find(pr1)).source!.commit!.hash!
      const commit = (yield* Commit.find({ ...repo, commit: sourceHead })).hash!
      yield* BuildStatus.create({ ...repo, commit }, { key: "lint", state: "INPROGRESS", url: "https://ci.example.com/lint" })
      expect((yield* refusal(PullRequest.merge(pr1)))?.message).toContain("checks pass: 1 build in progress.")
      yield* BuildStatus.create({ ...repo, commit }, { key: "lint", state: "SUCCESSFUL", url: "https://ci.example.com/lint" })
      expect((yield* PullRequest.merge(pr1)).state).toBe("MERGED")
    }).pipe(withFake()))

  it.effect("without enforce_merge_checks, the checks only advise: the merge goes through", () =>
    Effect.gen(function*() {
      yield* notReady
      expect((yield* PullRequest.merge(pr1)).state).toBe("MERGED")
    }).pipe(withFake()))

  it.effect("counts successful builds, approvals and commits behind against the restriction's value", () =>
    Effect.gen(function*() {
      yield* restrict("enforce_merge_checks")
      yield* restrict("require_passing_builds_to_merge", 2)
      yield* restrict("require_commits_behind", 0)
      // #5 (docs/guide) is on main's head, its one build in progress; #1 is one commit behind main.
      expect((yield* refusal(PullRequest.merge({ ...repo, pull_request_id: 5 })))?.message).toContain(
        "checks pass: 0 of 1 required approval; 0 of 2 required successful builds; 1 build in progress."
      )
      expect((yield* refusal(PullRequest.merge(pr1)))?.message).toContain(
        "checks pass: 1 of 2 required successful builds; 1 failed build; 1 commit behind main (at most 0)."
      )
    }).pipe(withFake()))
})

describe("the fake and the client name the same merge strategies", () => {
  it("each list holds the other's", () => {
    expect([...MERGE_STRATEGIES].sort()).toEqual([...PullRequest.MergeStrategy.literals].sort())
  })
})

import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Fiber, Layer, Redacted, Schema, Stream, TestClock } from "effect"
import { Authenticator, BitbucketError, Commit, Pipeline, PullRequest, Resource } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const repo = { workspace: "demo", repo_slug: "effect-playground" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

layer(AsAlice)("Pipeline against the fake", (it) => {
  it.effect("a run on a branch goes PENDING, IN_PROGRESS, COMPLETED; its step's log grows; awaitCompletion waits for it", () =>
    Effect.gen(function*() {
      const started = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      expect(started).toMatchObject({ type: "pipeline", build_number: 1, state: { name: "PENDING" } })
      const main = yield* Commit.find({ ...repo, commit: "main" })
      expect((started.target as { commit?: { hash?: string } }).commit?.hash).toBe(main.hash)
      const ref = { ...repo, pipeline_uuid: started.uuid! }
      const [step] = yield* collect(Pipeline.findSteps(ref))
      const stepRef = { ...ref, step_uuid: step!.uuid! }
      expect(yield* Effect.flip(Stream.runDrain(Pipeline.stepLog(stepRef)))).toBeInstanceOf(BitbucketError.NotFound)

      yield* TestClock.adjust("2 seconds")
      expect((yield* Pipeline.find(ref)).state?.name).toBe("IN_PROGRESS")
      expect(text(yield* Resource.collectBytes(Pipeline.stepLog(stepRef)))).toBe("+ npm test\n  test 1 passed\n")

      const waiting = yield* Effect.fork(Pipeline.awaitCompletion(ref, { interval: "1 second" }))
      yield* TestClock.adjust("5 seconds")
      const done = yield* Fiber.join(waiting)
      expect(done.state).toMatchObject({ name: "COMPLETED", result: { name: "SUCCESSFUL" } })
      expect(text(yield* Resource.collectBytes(Pipeline.stepLog(stepRef)))).toContain("Build successful\n")
      expect((yield* collect(Pipeline.findForRepository(repo))).map((run) => run.build_number)).toEqual([1])
      expect(yield* Effect.flip(Pipeline.stop(ref))).toBeInstanceOf(BitbucketError.BadRequest)
    }))

  it.effect("a run stopped while pending never ran its step; a commit on a branch is a target; maxPolls is checked", () =>
    Effect.gen(function*() {
      const started = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      const ref = { ...repo, pipeline_uuid: started.uuid! }
      yield* Pipeline.stop(ref)
      const [step] = yield* collect(Pipeline.findSteps(ref))
      expect(step!.state).toMatchObject({ name: "COMPLETED", result: { name: "NOT_RUN" } })
      expect(step!.started_on).toBeUndefined()
      expect(yield* Effect.flip(Stream.runDrain(Pipeline.stepLog({ ...ref, step_uuid: step!.uuid! })))).toBeInstanceOf(BitbucketError.NotFound)

      const history = yield* collect(Commit.findForRepository({ ...repo }, { pagelen: 5 }).pipe(Stream.take(3)))
      const older = history[2]!.hash!
      const onOlder = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main", { commit: older }) })
      expect((onOlder.target as { commit?: { hash?: string } }).commit?.hash).toBe(older)

      for (const maxPolls of [0, -1, 1.5, Number.NaN]) {
        const error = yield* Effect.flip(Pipeline.awaitCompletion(ref, { maxPolls }))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "maxPolls" })
      }
    }))

  it.effect("a run is stopped; a tag and a commit are targets too; a missing branch is BadRequest", () =>
    Effect.gen(function*() {
      const started = yield* Pipeline.trigger(repo, {
        target: Pipeline.onBranch("main", { custom: "deploy" }),
        variables: [{ key: "DEPLOY_TOKEN", value: Redacted.make("s3cr3t"), secured: true }]
      })
      const ref = { ...repo, pipeline_uuid: started.uuid! }
      yield* TestClock.adjust("2 seconds")
      yield* Pipeline.stop(ref)
      expect((yield* Pipeline.find(ref)).state).toMatchObject({ name: "COMPLETED", result: { name: "STOPPED" } })
      expect(JSON.stringify(yield* Pipeline.find(ref))).not.toContain("s3cr3t")

      const tag = yield* Pipeline.trigger(repo, { target: Pipeline.onTag("v1.0.0") })
      expect(tag.state?.name).toBe("PENDING")
      const head = (yield* Commit.find({ ...repo, commit: "main" })).hash!
      const onCommit = yield* Pipeline.trigger(repo, { target: Pipeline.onCommit(head, { custom: "nightly" }) })
      expect((onCommit.target as { commit?: { hash?: string } }).commit?.hash).toBe(head)
      const missing = yield* Effect.flip(Pipeline.trigger(repo, { target: Pipeline.onBranch("no-such-branch") }))
      expect(missing).toBeInstanceOf(BitbucketError.BadRequest)
    }))
})

layer(AsAlice)("Pull request pipelines against the fake", (it) => {
  it.effect("a run on a pull request echoes its branches, both commits and the pull request; it runs like any other", () =>
    Effect.gen(function*() {
      const pr = yield* PullRequest.find({ ...repo, pull_request_id: 1 })
      const started = yield* Pipeline.trigger(repo, { target: Pipeline.onPullRequest(pr, { pattern: "**" }) })
      const source = yield* Commit.find({ ...repo, commit: pr.source!.branch!.name! })
      const destination = yield* Commit.find({ ...repo, commit: pr.destination!.branch!.name! })
      expect(started.target).toMatchObject({
        type: "pipeline_pullrequest_target",
        source: pr.source!.branch!.name,
        destination: pr.destination!.branch!.name,
        commit: { type: "commit", hash: source.hash },
        destination_commit: { type: "commit", hash: destination.hash },
        pullrequest: { type: "pullrequest", id: 1, title: pr.title },
        selector: { type: "pull-requests", pattern: "**" }
      })
      const ref = yield* Pipeline.refOf(started)
      yield* TestClock.adjust("6 seconds")
      expect((yield* Pipeline.find(ref)).state).toMatchObject({ name: "COMPLETED", result: { name: "SUCCESSFUL" } })
      const listed = yield* collect(Pipeline.findForRepository(repo, { q: `target.pullrequest.id = 1` }))
      expect(listed.map((run) => run.uuid)).toEqual([started.uuid])
    }))

  it.effect("the spec's example shape works: the id as text, short hashes, commits without a type", () =>
    Effect.gen(function*() {
      const pr = yield* PullRequest.find({ ...repo, pull_request_id: 1 })
      const started = yield* Pipeline.trigger(repo, {
        target: {
          type: "pipeline_pullrequest_target",
          source: pr.source!.branch!.name!,
          destination: pr.destination!.branch!.name!,
          destination_commit: { hash: pr.destination!.commit!.hash!.slice(0, 7) },
          commit: { hash: pr.source!.commit!.hash!.slice(0, 7) },
          pullrequest: { id: "1" },
          selector: { type: "pull-requests", pattern: "**" }
        }
      })
      expect((started.target as { pullrequest?: { id?: number } }).pullrequest?.id).toBe(1)
      expect((started.target as { commit?: { hash?: string } }).commit?.hash).toHaveLength(40)
    }))

  it.effect("an unknown pull request, or branches that are not its own, are BadRequest", () =>
    Effect.gen(function*() {
      const pr = yield* PullRequest.find({ ...repo, pull_request_id: 1 })
      const unknown = yield* Effect.flip(Pipeline.trigger(repo, { target: Pipeline.onPullRequest({ ...pr, id: 999 }) }))
      expect(unknown).toBeInstanceOf(BitbucketError.BadRequest)
      const swapped = yield* Effect.flip(Pipeline.trigger(repo, {
        target: Pipeline.onPullRequest({ id: 1, source: pr.destination!.branch!.name!, destination: pr.source!.branch!.name! })
      }))
      expect(swapped).toBeInstanceOf(BitbucketError.BadRequest)
      expect(swapped.message).toContain("source")
      const badCommit = yield* Effect.flip(Pipeline.trigger(repo, { target: Pipeline.onPullRequest(pr, { commit: "0000000" }) }))
      expect(badCommit).toBeInstanceOf(BitbucketError.BadRequest)
    }))
})

const failing: FakeBitbucket.Seed = {
  ...FakeBitbucket.defaultSeed,
  pipelineSettings: [{
    repository: "demo/effect-playground",
    results: [{ ref: "feature/streams", custom: "deploy", result: "ERROR" }, { ref: "feature/streams", result: "FAILED" }, { pullRequest: 5, result: "FAILED" }]
  }]
}
const AsAliceFailing = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer({ seed: failing }))
)

/** Starts a run, lets it complete, and gives it with its step and the step's log. */
const runToEnd = (payload: Pipeline.TriggerPayload) =>
  Effect.gen(function*() {
    const started = yield* Pipeline.trigger(repo, payload)
    const ref = yield* Pipeline.refOf(started)
    yield* TestClock.adjust("6 seconds")
    const done = yield* Pipeline.find(ref)
    const [step] = yield* collect(Pipeline.findSteps(ref))
    const stepRef = { ...ref, step_uuid: step!.uuid! }
    const log = text(yield* Resource.collectBytes(Pipeline.stepLog(stepRef)))
    return { started, done, step: step!, stepRef, log }
  })

layer(AsAliceFailing)("Runs the seed makes fail", (it) => {
  it.effect("a run a rule matches ends FAILED: its step, its log and its test reports say so, and it saves no cache", () =>
    Effect.gen(function*() {
      const { done, log, step, stepRef } = yield* runToEnd({ target: Pipeline.onBranch("feature/streams") })
      expect(done.state).toEqual({ type: "pipeline_state_completed", name: "COMPLETED", result: { type: "pipeline_state_completed_failed", name: "FAILED" } })
      expect(step.state).toEqual({
        type: "pipeline_step_state_completed",
        name: "COMPLETED",
        result: { type: "pipeline_step_state_completed_failed", name: "FAILED" }
      })
      expect(log).toBe("+ npm test\n  test 1 passed\n  test 2 passed\n  test 3 failed: expected 200, got 500\nnpm test exited with code 1\nBuild failed\n")
      expect(yield* Pipeline.findTestReports(stepRef)).toMatchObject({ number_of_test_cases: 4, number_of_failed_test_cases: 1, number_of_successful_test_cases: 2 })
      const failed = (yield* collect(Pipeline.findTestCases(stepRef))).filter((test) => test.status === "FAILED")
      expect(failed.map((test) => test.name)).toEqual(["test 3"])
      const [reason] = yield* collect(Pipeline.findTestCaseReasons({ ...stepRef, test_case_uuid: failed[0]!.uuid! }))
      expect(reason!.message).toBe("expected 200, got 500")
      expect(yield* collect(Pipeline.findCaches(repo))).toEqual([])

      // A run no rule matches still succeeds (and saves the cache).
      const main = yield* runToEnd({ target: Pipeline.onBranch("main") })
      expect(main.done.state?.result?.name).toBe("SUCCESSFUL")
      expect(main.log).toContain("Build successful")
      expect((yield* collect(Pipeline.findCaches(repo))).map((cache) => cache.pipeline_uuid)).toEqual([main.started.uuid])
    }))

  it.effect("a run a rule makes err ends ERROR with the error in the run's and the step's result, and has no test reports", () =>
    Effect.gen(function*() {
      const { done, log, step, stepRef } = yield* runToEnd({ target: Pipeline.onBranch("feature/streams", { custom: "deploy" }) })
      expect(done.state?.result).toMatchObject({ type: "pipeline_state_completed_error", name: "ERROR", error: { type: "pipeline_error" } })
      expect(done.state?.result?.error?.message).toBe("Container 'Build' exceeded memory limit.")
      expect(step.state?.result).toMatchObject({ type: "pipeline_step_state_completed_error", name: "ERROR", error: { type: "pipeline_step_error", message: done.state?.result?.error?.message } })
      expect(log).toBe("+ npm test\n  test 1 passed\n  test 2 passed\nContainer 'Build' exceeded memory limit.\nBuild errored\n")
      expect(yield* Effect.flip(Pipeline.findTestReports(stepRef))).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("a rule matches a pull request's runs; a run stopped first is STOPPED whatever the rule says", () =>
    Effect.gen(function*() {
      const pr = yield* PullRequest.find({ ...repo, pull_request_id: 5 })
      const onPr = yield* runToEnd({ target: Pipeline.onPullRequest(pr) })
      expect(onPr.done.state?.result?.name).toBe("FAILED")
      const other = yield* PullRequest.find({ ...repo, pull_request_id: 1 })
      expect(other.source?.branch?.name).toBe("feature/streams")
      // Pull request 1's source is feature/streams, which a rule fails too.
      expect((yield* runToEnd({ target: Pipeline.onPullRequest(other) })).done.state?.result?.name).toBe("FAILED")

      const started = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("feature/streams") })
      const ref = yield* Pipeline.refOf(started)
      yield* TestClock.adjust("2 seconds")
      yield* Pipeline.stop(ref)
      expect((yield* Pipeline.find(ref)).state?.result?.name).toBe("STOPPED")
    }))

  it.effect("the snapshot keeps the rules", () =>
    Effect.gen(function*() {
      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      expect(snapshot.pipelineSettings).toEqual([expect.objectContaining({ repository: "demo/effect-playground", results: failing.pipelineSettings![0]!.results })])
    }))
})

describe("Runs and their variables in the fake", () => {
  it.effect("a run carries the variables it was started with; a secured value is never shown", () =>
    Effect.gen(function*() {
      const started = yield* Pipeline.trigger(repo, {
        target: Pipeline.onBranch("main"),
        variables: [{ key: "TOKEN", value: Redacted.make("s3cr3t-value") }, { key: "MODE", value: "fast" }]
      })
      expect(started.variables).toEqual([
        { type: "pipeline_variable", key: "TOKEN", secured: true },
        { type: "pipeline_variable", key: "MODE", secured: false, value: "fast" }
      ])
      const fake = yield* FakeBitbucket.FakeBitbucket
      const listing = yield* fake.handle(new Request(`${fake.baseUrl}/repositories/demo/effect-playground/pipelines`, {
        headers: { authorization: `Basic ${btoa("alice@example.com:alice-api-token")}` }
      }))
      const raw = yield* Effect.promise(() => listing.text())
      expect(raw).toContain("MODE")
      expect(raw).not.toContain("s3cr3t-value")
      expect((yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })).variables).toEqual([])
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a seed's result that the fake cannot produce is refused when the fake starts", () =>
    Effect.gen(function*() {
      const seed = {
        ...FakeBitbucket.defaultSeed,
        pipelineSettings: [{ repository: "demo/effect-playground", results: [{ result: "SUCCESS" as "FAILED" }] }]
      }
      const exit = yield* Effect.exit(Effect.asVoid(FakeBitbucket.make({ seed }).pipe(Effect.flatMap((fake) => fake.snapshot))))
      expect(Exit.isFailure(exit) ? String(Cause.squash(exit.cause)) : "started").toContain(`must be "FAILED" or "ERROR", not "SUCCESS"`)
    }))
})

describe("Pipeline scopes in the fake", () => {
  it.effect("starting a run takes the pipeline scope, stopping one pipeline:write, as the spec has them", () =>
    Effect.gen(function*() {
      const seed: FakeBitbucket.Seed = {
        ...FakeBitbucket.defaultSeed,
        accessTokens: [...FakeBitbucket.defaultSeed.accessTokens ?? [], { token: "ci", workspace: "demo", scopes: ["pipeline", "repository"] }]
      }
      const asCi = Layer.provideMerge(Authenticator.accessToken({ token: "ci" }), FakeBitbucket.layer({ seed }))
      const outcome = yield* Effect.gen(function*() {
        const started = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
        return yield* Effect.flip(Pipeline.stop({ ...repo, pipeline_uuid: started.uuid! }))
      }).pipe(Effect.provide(asCi))
      expect(outcome).toBeInstanceOf(BitbucketError.Forbidden)
      expect(outcome.message).toContain("scope")
    }))
})

describe("Pipeline on the wire", () => {
  it.effect("a secured variable given Redacted is sent as text, and an invalid payload sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(JSON.stringify({ type: "pipeline", uuid: "{u}" }), { status: 201, headers: { "content-type": "application/json" } }))
      yield* Pipeline.trigger(repo, {
        target: Pipeline.onBranch("main"),
        variables: [{ key: "TOKEN", value: Redacted.make("s3cr3t"), secured: true }, { key: "MODE", value: "fast" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({
        target: { type: "pipeline_ref_target", ref_type: "branch", ref_name: "main" },
        variables: [{ key: "TOKEN", value: "s3cr3t", secured: true }, { key: "MODE", value: "fast" }]
      })
      yield* Pipeline.trigger(repo, {
        target: Pipeline.onPullRequest(
          { id: 3, source: { branch: { name: "feature/x" }, commit: { hash: "1a372fc" } }, destination: "main" },
          { destinationCommit: "9f848b7", pattern: "**" }
        )
      }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[1]!.body)).toEqual({
        target: {
          type: "pipeline_pullrequest_target",
          source: "feature/x",
          destination: "main",
          commit: { type: "commit", hash: "1a372fc" },
          destination_commit: { type: "commit", hash: "9f848b7" },
          pullrequest: { id: "3" },
          selector: { type: "pull-requests", pattern: "**" }
        }
      })
      for (const pr of [{ source: "feature/x", destination: "main" }, { id: 3, source: "feature/x" }, { id: 0, source: "a", destination: "b" }]) {
        const refused = yield* Effect.flip(Pipeline.trigger(repo, { target: Pipeline.onPullRequest(pr) })).pipe(Effect.provide(mock.anonymous))
        expect(refused).toBeInstanceOf(BitbucketError.InvalidInput)
      }
      const bad = yield* Effect.flip(Pipeline.trigger(repo, { target: Pipeline.onBranch(" ") })).pipe(Effect.provide(mock.anonymous))
      expect(bad).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(2)
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/repositories/demo/effect-playground/pipelines")
    }))
})

describe("a run as Bitbucket may send it", () => {
  it("a secured variable's value as null, or absent, decodes; unknown fields are kept", () => {
    const run = Schema.decodeUnknownSync(Pipeline.Pipeline)({
      type: "pipeline",
      uuid: "{1}",
      variables: [
        { type: "pipeline_variable", key: "TOKEN", value: null, secured: true },
        { key: "SECRET", secured: true },
        { key: "PLAIN", value: "1", secured: false, future_field: { kept: true } }
      ]
    })
    expect(run.variables?.map((v) => v.value)).toEqual([null, undefined, "1"])
    expect(run.variables?.[2]).toMatchObject({ future_field: { kept: true } })
  })
})

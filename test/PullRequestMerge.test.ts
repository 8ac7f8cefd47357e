import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Authenticator, BitbucketError, PullRequest } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const repo = { workspace: "demo", repo_slug: "effect-playground" }
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
        const error = yield* Effect.flip(PullRequest.merge(ref, {}, { async: true, ...options }))
        expect(error, JSON.stringify(options)).toMatchObject({ _tag: "InvalidInput", parameter })
        expect(error.message).toContain(said)
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
      const error = yield* Effect.flip(PullRequest.merge(ref, {}, { pollInterval: 0, maxPolls: 50 })).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.UnexpectedStatus)
      expect(error).toMatchObject({ status: 200, url: task, bitbucketMessage: "Merge conflict in README.md" })
      expect(error.message).toContain(`task_status "FAILED"`)
      expect(error.message).toContain("Bitbucket said: Merge conflict in README.md")
      // Two polls, not fifty.
      expect(mock.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET"])
      // Without an error body, the body itself is kept.
      const bare = bitbucket({ task_status: "ABORTED" })
      const said = yield* Effect.flip(PullRequest.merge(ref, {}, { pollInterval: 0 })).pipe(Effect.provide(bare.anonymous))
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
      const pending = yield* Effect.flip(PullRequest.merge({ ...repo, pull_request_id: 5 }, {}, { async: true, maxPolls: 2, pollInterval: 0 }))
      expect(pending).toMatchObject({ _tag: "Pending", polls: 2 })
      if (pending._tag !== "Pending") return
      // Still pending after one more poll: Pending again, naming the same task.
      expect(yield* Effect.flip(PullRequest.awaitMerge(pending, { maxPolls: 1, pollInterval: 0 }))).toMatchObject({ _tag: "Pending", url: pending.url, polls: 1 })
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
        expect(yield* Effect.flip(PullRequest.awaitMerge(input, options))).toMatchObject({ _tag: "InvalidInput", parameter })
      }
      expect(yield* fake.requests).toEqual([])
    }).pipe(withFake()))
})

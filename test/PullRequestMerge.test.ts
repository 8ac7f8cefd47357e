import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Authenticator, PullRequest } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

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

import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, PullRequest } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const fake = FakeBitbucket.layer()
const as = (email: string, token: string) => Layer.provideMerge(Authenticator.apiToken({ email, token }), fake)
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const names = (prs: ReadonlyArray<PullRequest.PullRequest>) =>
  prs.map((pr) => `${(pr.destination?.repository as { full_name?: string } | undefined)?.full_name}#${pr.id}`)

describe("PullRequest.findForUser", () => {
  it.effect("lists a user's pull requests across the repositories you can read, OPEN ones unless asked", () =>
    Effect.gen(function*() {
      const alice = { selected_user: "557058:alice" }
      const open = yield* collect(PullRequest.findForUser(alice)).pipe(Effect.provide(as("alice@example.com", "alice-api-token")))
      expect(names(open).sort()).toEqual(["acme/api#1", "demo/effect-playground#5"])
      expect(open.every((pr) => pr.author?.account_id === "557058:alice")).toBe(true)

      const closed = yield* collect(PullRequest.findForUser({ selected_user: "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}" }, { state: ["MERGED", "SUPERSEDED"] }))
        .pipe(Effect.provide(as("alice@example.com", "alice-api-token")))
      expect(names(closed).sort()).toEqual(["acme/api#4", "demo/effect-playground#2", "demo/effect-playground#4"])

      // Anonymous callers see the public repositories only.
      const seen = yield* collect(PullRequest.findForUser(alice)).pipe(Effect.provide(Layer.provideMerge(Authenticator.anonymous, fake)))
      expect(names(seen)).toEqual(["demo/effect-playground#5"])
    }))

  it.effect("an unknown user is NotFound; the states go as repeated parameters", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(collect(PullRequest.findForUser({ selected_user: "557058:nobody" }))).pipe(
        Effect.provide(as("alice@example.com", "alice-api-token"))
      )
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
      const mock = mockHttp(() => new Response(JSON.stringify({ values: [] }), { headers: { "content-type": "application/json" } }))
      yield* Stream.runDrain(PullRequest.findForUser({ selected_user: "{u1}" }, { state: ["OPEN", "MERGED"] })).pipe(Effect.provide(mock.anonymous))
      const url = mock.requests[0]!.url
      expect(url.pathname).toBe("/2.0/pullrequests/%7Bu1%7D")
      expect(url.searchParams.getAll("state")).toEqual(["OPEN", "MERGED"])
    }))
})

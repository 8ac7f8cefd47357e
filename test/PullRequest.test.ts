import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, PullRequest } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const names = (prs: ReadonlyArray<PullRequest.PullRequest>) =>
  prs.map((pr) => `${(pr.destination?.repository as { full_name?: string } | undefined)?.full_name}#${pr.id}`)
const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"

describe("PullRequest.findForUser", () => {
  it.effect("lists a user's pull requests in a workspace's repositories you can read, OPEN ones unless asked", () =>
    Effect.gen(function*() {
      const inAcme = yield* collect(PullRequest.findForUser({ workspace: "acme", selected_user: "557058:alice" }))
      expect(names(inAcme)).toEqual(["acme/api#1"])
      expect(inAcme.every((pr) => pr.author?.account_id === "557058:alice")).toBe(true)
      const inDemo = yield* collect(PullRequest.findForUser({ workspace: "demo", selected_user: ALICE_UUID }, { state: ["MERGED", "SUPERSEDED"] }))
      expect(names(inDemo).sort()).toEqual(["demo/effect-playground#2", "demo/effect-playground#4"])

      // Carol cannot read acme/api; the anonymous cannot see the private workspace at all.
      const carol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })
      expect(yield* collect(PullRequest.findForUser({ workspace: "acme", selected_user: "557058:alice" })).pipe(Effect.provide(carol)))
        .toEqual([])
      const anonymous = yield* collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" })).pipe(
        Effect.provide(Authenticator.anonymous)
      )
      expect(names(anonymous)).toEqual(["demo/effect-playground#5"])
      // An access token needs the pullrequest scope, as for any pull request listing.
      const noScope = yield* Effect.flip(collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" }))).pipe(
        Effect.provide(Authenticator.accessToken({ token: "demo-access-token" }))
      )
      expect(noScope).toBeInstanceOf(BitbucketError.Forbidden)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("an unknown user is NotFound; the states go as repeated parameters", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:nobody" }))).pipe(
        Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))
      )
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
      const mock = mockHttp(() => new Response(JSON.stringify({ values: [] }), { headers: { "content-type": "application/json" } }))
      yield* Stream.runDrain(PullRequest.findForUser({ workspace: "demo", selected_user: "{u1}" }, { state: ["OPEN", "MERGED"] })).pipe(
        Effect.provide(mock.anonymous)
      )
      const url = mock.requests[0]!.url
      expect(url.pathname).toBe("/2.0/workspaces/demo/pullrequests/%7Bu1%7D")
      expect(url.searchParams.getAll("state")).toEqual(["OPEN", "MERGED"])
    }))
})

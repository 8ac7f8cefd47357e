import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, DefaultReviewer, PullRequest, Ref, Source, User } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const api = { workspace: "acme", repo_slug: "api" }
const acme = { workspace: "acme", project_key: "ACME" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("DefaultReviewer against the fake", (it) => {
  it.effect("a repository's and its project's default reviewers; applyTo puts them on a pull request the API opens", () =>
    Effect.gen(function*() {
      const bob = yield* DefaultReviewer.add({ ...api, target_username: "557058:bob" })
      expect(bob.account_id).toBe("557058:bob")
      // Idempotent.
      yield* DefaultReviewer.add({ ...api, target_username: "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}" })
      expect((yield* collect(DefaultReviewer.findForRepository(api))).map((u) => u.account_id)).toEqual(["557058:bob"])
      expect((yield* DefaultReviewer.find({ ...api, target_username: "557058:bob" })).display_name).toBe("Bob Brown")
      yield* DefaultReviewer.addToProject({ ...acme, selected_user: "557058:alice" })
      const effective = yield* collect(DefaultReviewer.findEffectiveForRepository(api))
      expect(effective.map((r) => [r.user?.account_id, r.reviewer_type])).toEqual([["557058:bob", "repository"], ["557058:alice", "project"]])

      // Through the API, a pull request gets only the reviewers it names, as on Bitbucket.
      const main = yield* Ref.findBranch({ ...api, name: "main" })
      yield* Source.createCommit(api, { branch: "feature/reviewed", parents: [main.target!.hash!], files: [{ path: "NOTE.md", content: "x\n" }] })
      const payload = { title: "Reviewed by default", source: { branch: { name: "feature/reviewed" } } }
      const bare = yield* PullRequest.create(api, payload)
      expect(bare.reviewers).toEqual([])
      yield* PullRequest.decline({ ...api, pull_request_id: bare.id! })
      // applyTo adds Bob, not Alice (the author), and not twice.
      const applied = yield* DefaultReviewer.applyTo(api, { ...payload, reviewers: [{ account_id: "557058:bob" }] })
      expect(applied.reviewers).toEqual([{ account_id: "557058:bob" }])
      const pr = yield* PullRequest.create(api, yield* DefaultReviewer.applyTo(api, payload))
      expect(pr.reviewers?.map((r) => r.account_id)).toEqual(["557058:bob"])

      yield* DefaultReviewer.remove({ ...api, target_username: "557058:bob" })
      expect(yield* Effect.flip(DefaultReviewer.find({ ...api, target_username: "557058:bob" }))).toBeInstanceOf(BitbucketError.NotFound)
      yield* DefaultReviewer.removeFromProject({ ...acme, selected_user: "557058:alice" })
      expect(yield* collect(DefaultReviewer.findForProject(acme))).toEqual([])
      expect(yield* Effect.flip(DefaultReviewer.removeFromProject({ ...acme, selected_user: "557058:alice" }))).toBeInstanceOf(
        BitbucketError.BadRequest
      )
    }))

  it.effect("who may: a reader may look, only an admin may change; someone without access cannot be one", () =>
    Effect.gen(function*() {
      expect(yield* collect(DefaultReviewer.findForRepository(api)).pipe(Effect.provide(asBob))).toEqual([])
      const denied = yield* Effect.flip(DefaultReviewer.add({ ...api, target_username: "557058:bob" })).pipe(Effect.provide(asBob))
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      // Carol cannot read acme/api.
      const outsider = yield* Effect.flip(DefaultReviewer.add({ ...api, target_username: "557058:carol" }))
      expect(outsider).toBeInstanceOf(BitbucketError.BadRequest)
      const unknown = yield* Effect.flip(DefaultReviewer.add({ ...api, target_username: "557058:nobody" }))
      expect(unknown).toBeInstanceOf(BitbucketError.NotFound)
      // Carol is no member of acme and has no permission on its project ACME.
      const toProject = yield* Effect.flip(DefaultReviewer.addToProject({ ...acme, selected_user: "557058:carol" }))
      expect(toProject).toBeInstanceOf(BitbucketError.BadRequest)
      // The workspace token's bot user.
      const token = yield* Effect.flip(User.current()).pipe(Effect.provide(Authenticator.accessToken({ token: "nope" })))
      expect(token).toBeInstanceOf(BitbucketError.Unauthorized)
      const botUuid = (yield* User.current().pipe(Effect.provide(Authenticator.accessToken({ token: "acme-workspace-token" })))).uuid!
      const bot = yield* Effect.flip(DefaultReviewer.add({ ...api, target_username: botUuid }))
      expect(bot).toBeInstanceOf(BitbucketError.BadRequest)
    }))
})

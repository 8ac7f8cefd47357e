import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, SshKey } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const LAPTOP = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 alice@laptop"
const alice = { selected_user: "557058:alice" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const asAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })

describe("SshKey against the fake", () => {
  it.effect("adds, lists, finds, relabels and removes a key of your own account", () =>
    Effect.gen(function*() {
      const added = yield* SshKey.create(alice, { key: LAPTOP, label: "Laptop" })
      expect(added).toMatchObject({ type: "ssh_key", label: "Laptop", comment: "alice@laptop", owner: { display_name: "Alice Anderson" } })
      expect(added.key).toBe(LAPTOP.split(" ").slice(0, 2).join(" "))
      const ref = { ...alice, key_id: added.uuid! }
      expect((yield* collect(SshKey.findForUser(alice))).map((k) => k.uuid)).toEqual([added.uuid])
      // By {uuid} too.
      expect((yield* SshKey.find({ selected_user: "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}", key_id: added.uuid! })).label).toBe("Laptop")
      expect((yield* SshKey.update(ref, { label: "Old laptop" })).label).toBe("Old laptop")
      // A key is taken once, on any account.
      expect(yield* Effect.flip(SshKey.create(alice, { key: LAPTOP }))).toBeInstanceOf(BitbucketError.BadRequest)
      yield* SshKey.delete(ref)
      expect(yield* Effect.flip(SshKey.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(Layer.provideMerge(asAlice, FakeBitbucket.layer()))))

  it.effect("another account's keys are Forbidden; the anonymous are Unauthorized; the snapshot keeps keys", () =>
    Effect.gen(function*() {
      yield* SshKey.create(alice, { key: LAPTOP, label: "Laptop" })
      const bob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
      expect(yield* Effect.flip(collect(SshKey.findForUser(alice))).pipe(Effect.provide(bob))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(SshKey.create(alice, { key: LAPTOP })).pipe(Effect.provide(Authenticator.anonymous)))
        .toBeInstanceOf(BitbucketError.Unauthorized)
      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = yield* collect(SshKey.findForUser(alice)).pipe(Effect.provide(Layer.provideMerge(asAlice, FakeBitbucket.layer({ seed: snapshot }))))
      expect(restored.map((k) => [k.label, k.comment])).toEqual([["Laptop", "alice@laptop"]])
    }).pipe(Effect.provide(Layer.provideMerge(asAlice, FakeBitbucket.layer()))))

  it.effect("a private key or not a key is InvalidInput, sent nowhere, never quoted", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const secret = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
      for (const key of [`-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n-----END OPENSSH PRIVATE KEY-----`, "not a key"]) {
        const error = yield* Effect.flip(SshKey.create(alice, { key })).pipe(Effect.provide(mock.anonymous))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error.message).not.toContain(secret)
      }
      expect(mock.requests).toEqual([])
    }))
})

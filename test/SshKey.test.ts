import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Layer, Stream } from "effect"
import { inspect } from "node:util"
import { Authenticator, BitbucketError, DeployKey, SshKey } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const LAPTOP = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 alice@laptop"
const DEPLOY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc deploy@example.com"
const alice = { selected_user: "557058:alice" }
const bob = { selected_user: "557058:bob" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const asAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
const withFake = <A, E, R>(effect: Effect.Effect<A, E, R>, seed?: FakeBitbucket.Seed) =>
  effect.pipe(Effect.provide(Layer.provideMerge(asAlice, FakeBitbucket.layer(seed === undefined ? {} : { seed }))))

describe("SshKey against the fake", () => {
  it.effect("adds, lists, finds, relabels and removes a key of your own account", () =>
    withFake(Effect.gen(function*() {
      const added = yield* SshKey.create(alice, { key: LAPTOP, label: "Laptop", expires_on: "2027-06-30T00:00:00Z" })
      expect(added).toMatchObject({ type: "ssh_key", label: "Laptop", comment: "alice@laptop", owner: { display_name: "Alice Anderson" } })
      expect(added.key).toBe(LAPTOP.split(" ").slice(0, 2).join(" "))
      expect(added.expires_on).toBe("2027-06-30T00:00:00Z")
      expect(added.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
      const ref = { ...alice, key_id: added.uuid! }
      expect((yield* collect(SshKey.findForUser(alice))).map((k) => k.uuid)).toEqual([added.uuid])
      // By {uuid} too.
      expect((yield* SshKey.find({ selected_user: "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}", key_id: added.uuid! })).label).toBe("Laptop")
      expect((yield* SshKey.update(ref, { label: "Old laptop" })).label).toBe("Old laptop")
      yield* SshKey.delete(ref)
      expect(yield* Effect.flip(SshKey.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
    })))

  it.effect("a key is registered once: on another account, or as a deploy key, it is BadRequest, either way round", () =>
    withFake(Effect.gen(function*() {
      yield* SshKey.create(alice, { key: LAPTOP })
      expect(yield* Effect.flip(SshKey.create(bob, { key: LAPTOP })).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.BadRequest)
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      expect(yield* Effect.flip(DeployKey.create(repo, { key: LAPTOP }))).toBeInstanceOf(BitbucketError.BadRequest)
      const deploy = yield* DeployKey.create(repo, { key: DEPLOY })
      expect(yield* Effect.flip(SshKey.create(alice, { key: DEPLOY }))).toBeInstanceOf(BitbucketError.BadRequest)
      // A deploy key may serve several repositories; once removed everywhere it is free again.
      yield* DeployKey.create({ workspace: "demo", repo_slug: "ts-utils" }, { key: DEPLOY })
      yield* DeployKey.delete({ ...repo, key_id: deploy.id! })
      expect(yield* Effect.flip(SshKey.create(alice, { key: DEPLOY }))).toBeInstanceOf(BitbucketError.BadRequest)
    })))

  it.effect("another account's keys are Forbidden, every call; the anonymous are Unauthorized; an unknown user is NotFound", () =>
    withFake(Effect.gen(function*() {
      const added = yield* SshKey.create(alice, { key: LAPTOP, label: "Laptop" })
      const ref = { ...alice, key_id: added.uuid! }
      for (const call of [collect(SshKey.findForUser(alice)), SshKey.find(ref), SshKey.update(ref, { label: "x" }), SshKey.delete(ref)]) {
        expect(yield* Effect.flip(call).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.Forbidden)
      }
      expect(yield* Effect.flip(SshKey.create(alice, { key: LAPTOP })).pipe(Effect.provide(Authenticator.anonymous)))
        .toBeInstanceOf(BitbucketError.Unauthorized)
      expect(yield* Effect.flip(collect(SshKey.findForUser({ selected_user: "557058:nobody" })))).toBeInstanceOf(BitbucketError.NotFound)
      expect((yield* SshKey.find(ref)).label).toBe("Laptop")
    })))

  it.effect("the snapshot keeps keys whole; a seeded uuid without braces is found", () =>
    Effect.gen(function*() {
      const original = yield* withFake(Effect.gen(function*() {
        const added = yield* SshKey.create(alice, { key: LAPTOP, label: "Laptop", expires_on: "2027-06-30T00:00:00Z" })
        const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
        return { added, snapshot }
      }))
      const restored = yield* withFake(collect(SshKey.findForUser(alice)), original.snapshot)
      expect(restored).toEqual([original.added])
      const seed = {
        ...FakeBitbucket.defaultSeed,
        sshKeys: [{ user: "alice@example.com", uuid: "b15b6026-9c02-4626-b4ad-b905f9b8e1a7", key: LAPTOP, created_on: "2024-01-01T00:00:00+00:00" }]
      }
      const found = yield* withFake(SshKey.find({ ...alice, key_id: "{b15b6026-9c02-4626-b4ad-b905f9b8e1a7}" }), seed)
      expect(found.comment).toBe("alice@laptop")
    }))

  it.effect("a private key or not a key is InvalidInput, sent nowhere, quoted nowhere", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const secret = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
      for (const key of [`-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n-----END OPENSSH PRIVATE KEY-----`, `not a key ${secret}`]) {
        const exit = yield* Effect.exit(SshKey.create(alice, { key })).pipe(Effect.provide(mock.anonymous))
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("InvalidInput")
        expect(inspect(exit, { depth: 10 })).not.toContain(secret)
      }
      expect(mock.requests).toEqual([])
    }))

  it.effect("on the wire: the account and the key's uuid are encoded, the payload is the key, label and expiry", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 201, headers: { "content-type": "application/json" } }))
      yield* SshKey.create(alice, { key: LAPTOP, label: "L" }).pipe(Effect.provide(mock.anonymous))
      yield* SshKey.update({ ...alice, key_id: "{k1}" }, { label: "M" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.pathname, JSON.parse(r.body)])).toEqual([
        ["POST", "/2.0/users/557058%3Aalice/ssh-keys", { key: LAPTOP, label: "L" }],
        ["PUT", "/2.0/users/557058%3Aalice/ssh-keys/%7Bk1%7D", { label: "M" }]
      ])
    }))
})

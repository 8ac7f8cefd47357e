import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, DeployKey } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const fake = FakeBitbucket.layer()
const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(Layer.provideMerge(fake))
// Bob on the same fake: only the credentials change.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const CI = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com"
const DEPLOY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc deploy@example.com"
const repo = { workspace: "demo", repo_slug: "effect-playground" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("DeployKey against the fake", (it) => {
  it.effect("adds, lists, finds, relabels and removes a repository key", () =>
    Effect.gen(function*() {
      const created = yield* DeployKey.create(repo, { key: CI, label: "CI" })
      expect(created).toMatchObject({ type: "deploy_key", label: "CI", comment: "ci@example.com", repository: { full_name: "demo/effect-playground" } })
      expect(created.key).toBe(CI.split(" ").slice(0, 2).join(" "))
      expect(created.owner?.display_name).toBe("Alice Anderson")
      const ref = { ...repo, key_id: created.id! }
      expect((yield* collect(DeployKey.findForRepository(repo))).map((k) => k.id)).toContain(created.id)
      expect((yield* DeployKey.find(ref)).label).toBe("CI")
      const relabelled = yield* DeployKey.update(ref, { key: CI, label: "CI runners" })
      expect(relabelled.label).toBe("CI runners")
      const changed = yield* Effect.flip(DeployKey.update(ref, { key: DEPLOY }))
      expect(changed).toBeInstanceOf(BitbucketError.BadRequest)
      const twice = yield* Effect.flip(DeployKey.create(repo, { key: CI }))
      expect(twice).toBeInstanceOf(BitbucketError.BadRequest)
      yield* DeployKey.delete(ref)
      expect(yield* Effect.flip(DeployKey.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("adds, lists, finds and removes a project key", () =>
    Effect.gen(function*() {
      const project = { workspace: "acme", project_key: "OPS" }
      const created = yield* DeployKey.createProjectKey(project, { key: DEPLOY, label: "Deploys" })
      expect(created).toMatchObject({ type: "project_deploy_key", label: "Deploys", project: { key: "OPS" } })
      expect(created.created_by?.display_name).toBe("Alice Anderson")
      const ref = { ...project, key_id: created.id! }
      expect((yield* collect(DeployKey.findForProject(project))).map((k) => k.id)).toEqual([created.id])
      expect((yield* DeployKey.findProjectKey(ref)).comment).toBe("deploy@example.com")
      yield* DeployKey.deleteProjectKey(ref)
      expect(yield* collect(DeployKey.findForProject(project))).toEqual([])
    }))

  it.effect("a writer who is not an admin is Forbidden; keys need admin even to be read", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(collect(DeployKey.findForRepository(repo))).pipe(Effect.provide(asBob))
      expect(error).toBeInstanceOf(BitbucketError.Forbidden)
    }))
})

describe("DeployKey in a fake with more seed", () => {
  it.effect("keys need repository and repository:admin, which does not imply it; seeded project keys find their project", () =>
    Effect.gen(function*() {
      const seed: FakeBitbucket.Seed = {
        ...FakeBitbucket.defaultSeed,
        accessTokens: [...FakeBitbucket.defaultSeed.accessTokens ?? [], { token: "admin-only", workspace: "acme", scopes: ["repository:admin"] }],
        deployKeys: [{ id: 7, workspace: "acme", project: "ops", key: DEPLOY, added_on: "2024-01-01T00:00:00.000000+00:00" }]
      }
      const seeded = FakeBitbucket.layer({ seed })
      const denied = yield* Effect.flip(collect(DeployKey.findForRepository({ workspace: "acme", repo_slug: "api" }))).pipe(
        Effect.provide(Layer.provideMerge(Authenticator.accessToken({ token: "admin-only" }), seeded))
      )
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      expect(denied.message).toContain("scope")
      const keys = yield* collect(DeployKey.findForProject({ workspace: "acme", project_key: "OPS" })).pipe(
        Effect.provide(Layer.provideMerge(Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }), seeded))
      )
      expect(keys.map((k) => [k.id, k.project?.key, k.comment])).toEqual([[7, "OPS", "deploy@example.com"]])
    }))
})

describe("DeployKey payloads", () => {
  it.effect("a private key, a key on two lines or not a key at all is InvalidInput, sent nowhere, never quoted", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const secret = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
      for (
        const key of [
          `-----BEGIN OPENSSH PRIVATE KEY-----\n${secret}\n-----END OPENSSH PRIVATE KEY-----`,
          `ssh-ed25519 ${secret}\nssh-rsa AAAA`,
          "not a key"
        ]
      ) {
        const error = yield* Effect.flip(DeployKey.create(repo, { key })).pipe(Effect.provide(mock.anonymous))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error.message).not.toContain(secret)
      }
      expect(mock.requests).toEqual([])
    }))
})

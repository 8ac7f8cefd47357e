import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Stream } from "effect"
import { Authenticator, BitbucketError, Deployment, Ref } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"
import { scopedTokens } from "./support/scopedTokens.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = alice.pipe(Layer.provideMerge(FakeBitbucket.layer()))
// Bob on the same fake: a collaborator (write, not admin) of demo.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const repo = { workspace: "demo", repo_slug: "effect-playground" }
const SECRET = "s3cr3t-deployment-canary-4c9e"
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

/** The repository's environment of that name. */
const environmentNamed = (ref: typeof repo, name: string) =>
  Effect.map(collect(Deployment.findEnvironments(ref)), (all) => all.find((e) => e.name === name)!)

layer(AsAlice)("Deployment against the fake", (it) => {
  it.effect("a repository starts with Test, Staging and Production; an environment is found by its uuid", () =>
    Effect.gen(function*() {
      const environments = yield* collect(Deployment.findEnvironments({ workspace: "demo", repo_slug: "ts-utils" }))
      expect(environments.map((e) => [e.name, e.environment_type?.name, e.rank])).toEqual([
        ["Test", "Test", 0],
        ["Staging", "Staging", 0],
        ["Production", "Production", 0]
      ])
      const production = environments[2]!
      expect(production).toMatchObject({ type: "deployment_environment", slug: "production" })
      expect(yield* Deployment.findEnvironment({ workspace: "demo", repo_slug: "ts-utils", environment_uuid: production.uuid! })).toEqual(production)
      // Another repository's environments are its own.
      const other = yield* environmentNamed({ workspace: "demo", repo_slug: "docs" }, "Production")
      expect(other.uuid).not.toBe(production.uuid)
    }))

  it.effect("an environment is created, refused under a name taken (any case) and deleted", () =>
    Effect.gen(function*() {
      const qa = yield* Deployment.createEnvironment(repo, { name: "QA", environment_type: { name: "Test" } })
      expect(qa).toMatchObject({ name: "QA", slug: "qa", rank: 1, environment_type: { name: "Test" } })
      expect((yield* collect(Deployment.findEnvironments(repo))).map((e) => e.name)).toEqual(["Test", "QA", "Staging", "Production"])
      const taken = yield* Effect.flip(Deployment.createEnvironment(repo, { name: "production", environment_type: { name: "Production" } }))
      expect(taken).toBeInstanceOf(BitbucketError.Conflict)
      const ref = { ...repo, environment_uuid: qa.uuid! }
      yield* Deployment.deleteEnvironment(ref)
      expect(yield* Effect.flip(Deployment.findEnvironment(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Deployment.deleteEnvironment(ref))).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("a new environment ranks after the last of its type, even after one was deleted", () =>
    Effect.gen(function*() {
      const ref = { workspace: "demo", repo_slug: "cli-tools" }
      const a = yield* Deployment.createEnvironment(ref, { name: "QA 1", environment_type: { name: "Test" } })
      const b = yield* Deployment.createEnvironment(ref, { name: "QA 2", environment_type: { name: "Test" } })
      yield* Deployment.deleteEnvironment({ ...ref, environment_uuid: a.uuid! })
      const c = yield* Deployment.createEnvironment(ref, { name: "QA 3", environment_type: { name: "Test" } })
      expect([a.rank, b.rank, c.rank]).toEqual([1, 2, 3])
    }))

  it.effect("a seeded deployment keeps its commit when the tag that named it goes", () =>
    Effect.gen(function*() {
      const before = (yield* collect(Deployment.findForRepository(repo)))[0]!.release?.commit?.hash
      expect(before).toMatch(/^[0-9a-f]{40}$/)
      yield* Ref.deleteTag({ ...repo, name: "v1.0.0" })
      expect((yield* collect(Deployment.findForRepository(repo)))[0]!.release?.commit?.hash).toBe(before)
    }))

  it.effect("deployments list what was deployed where, with the release's commit; a repository without any lists none", () =>
    Effect.gen(function*() {
      const deployments = yield* collect(Deployment.findForRepository(repo))
      const environments = yield* collect(Deployment.findEnvironments(repo))
      const nameOf = (uuid: string | undefined) => environments.find((e) => e.uuid === uuid)?.name
      expect(deployments.map((d) => [nameOf(d.environment?.uuid), d.release?.name, d.state?.name, d.state?.status?.name])).toEqual([
        ["Test", "v1.0.0", "COMPLETED", "SUCCESSFUL"],
        ["Staging", "v1.1.0", "COMPLETED", "SUCCESSFUL"],
        ["Production", "v1.1.0", "COMPLETED", "FAILED"]
      ])
      const failed = yield* Deployment.find({ ...repo, deployment_uuid: deployments[2]!.uuid! })
      expect(failed.state?.deployer?.display_name).toBe("Bob Brown")
      const tag = yield* Ref.findTag({ ...repo, name: "v1.1.0" })
      expect(failed.release?.commit?.hash).toBe((tag.target as { hash?: string }).hash)
      expect(yield* collect(Deployment.findForRepository({ workspace: "demo", repo_slug: "ts-utils" }))).toEqual([])
      const missing = yield* Effect.flip(Deployment.find({ ...repo, deployment_uuid: "{00000000-0000-4000-8000-000000000000}" }))
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("an environment's variables: created, listed, changed and removed; a secured value never comes back", () =>
    Effect.gen(function*() {
      const staging = yield* environmentNamed(repo, "Staging")
      const ref = { ...repo, environment_uuid: staging.uuid! }
      const url = yield* Deployment.createVariable(ref, { key: "APP_URL", value: "https://staging.example.com" })
      const secret = yield* Deployment.createVariable(ref, { key: "DB_PASSWORD", value: Redacted.make(SECRET), secured: true })
      expect(secret).toMatchObject({ type: "pipeline_variable", key: "DB_PASSWORD", secured: true })
      expect("value" in secret).toBe(false)
      const listed = yield* collect(Deployment.findVariables(ref))
      expect(listed.map((v) => [v.key, v.value])).toEqual([["APP_URL", "https://staging.example.com"], ["DB_PASSWORD", undefined]])
      expect(JSON.stringify(listed)).not.toContain(SECRET)
      const taken = yield* Effect.flip(Deployment.createVariable(ref, { key: "DB_PASSWORD", value: Redacted.make(SECRET), secured: true }))
      expect(taken).toBeInstanceOf(BitbucketError.Conflict)
      expect(JSON.stringify(taken)).not.toContain(SECRET)
      // Another environment has its own keys.
      const production = yield* environmentNamed(repo, "Production")
      yield* Deployment.createVariable({ ...repo, environment_uuid: production.uuid! }, { key: "DB_PASSWORD", value: "other" })

      const changed = yield* Deployment.updateVariable({ ...ref, variable_uuid: url.uuid! }, { key: "APP_URL", value: "https://stage.example.com" })
      expect(changed.value).toBe("https://stage.example.com")
      yield* Deployment.deleteVariable({ ...ref, variable_uuid: secret.uuid! })
      expect((yield* collect(Deployment.findVariables(ref))).map((v) => v.key)).toEqual(["APP_URL"])
      const gone = yield* Effect.flip(Deployment.deleteVariable({ ...ref, variable_uuid: secret.uuid! }))
      expect(gone).toBeInstanceOf(BitbucketError.NotFound)
      const noEnvironment = yield* Effect.flip(collect(Deployment.findVariables({ ...repo, environment_uuid: "{00000000-0000-4000-8000-000000000000}" })))
      expect(noEnvironment).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("a writer reads environments and deployments, but environments' changes and variables need admin", () =>
    Effect.gen(function*() {
      const production = yield* environmentNamed(repo, "Production")
      const ref = { ...repo, environment_uuid: production.uuid! }
      const seen = yield* collect(Deployment.findEnvironments(repo)).pipe(Effect.provide(asBob))
      expect(seen.map((e) => e.uuid)).toContain(production.uuid)
      expect((yield* collect(Deployment.findForRepository(repo)).pipe(Effect.provide(asBob))).length).toBeGreaterThan(0)
      const refused = [
        yield* Effect.flip(collect(Deployment.findVariables(ref))).pipe(Effect.provide(asBob)),
        yield* Effect.flip(Deployment.createVariable(ref, { key: "BOB", value: Redacted.make(SECRET), secured: true })).pipe(Effect.provide(asBob)),
        yield* Effect.flip(Deployment.createEnvironment(repo, { name: "Bob's", environment_type: { name: "Test" } })).pipe(Effect.provide(asBob)),
        yield* Effect.flip(Deployment.deleteEnvironment(ref)).pipe(Effect.provide(asBob))
      ]
      for (const error of refused) {
        expect(error).toBeInstanceOf(BitbucketError.Forbidden)
        expect(error.message).not.toContain(SECRET)
      }
      // Nothing changed.
      expect(yield* Deployment.findEnvironment(ref)).toEqual(production)
      expect((yield* collect(Deployment.findVariables(ref))).map((v) => v.key)).not.toContain("BOB")
      expect((yield* collect(Deployment.findEnvironments(repo))).map((e) => e.name)).not.toContain("Bob's")
    }))

  it.effect("the snapshot keeps environments, their variables and deployments", () =>
    Effect.gen(function*() {
      const target = { workspace: "demo", repo_slug: "web-frontend" }
      const qa = yield* Deployment.createEnvironment(target, { name: "QA", environment_type: { name: "Staging" } })
      const secured = yield* Deployment.createVariable({ ...target, environment_uuid: qa.uuid! }, { key: "TOKEN", value: Redacted.make(SECRET), secured: true })
      yield* Deployment.deleteEnvironment({ ...target, environment_uuid: (yield* environmentNamed(target, "Test")).uuid! })
      const before = yield* Effect.all([collect(Deployment.findEnvironments(target)), collect(Deployment.findForRepository(repo))])

      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = Layer.provideMerge(alice, FakeBitbucket.layer({ seed: snapshot }))
      const [environments, deployments, variables] = yield* Effect.all([
        collect(Deployment.findEnvironments(target)),
        collect(Deployment.findForRepository(repo)),
        collect(Deployment.findVariables({ ...target, environment_uuid: qa.uuid! }))
      ]).pipe(Effect.provide(restored))
      expect(environments.map((e) => e.name)).toEqual(["Staging", "QA", "Production"])
      expect([environments, deployments]).toEqual(before)
      expect(variables).toEqual([secured])
    }))

  it.effect("deleting an environment deletes its variables and the deployments to it", () =>
    Effect.gen(function*() {
      const test = yield* environmentNamed(repo, "Test")
      const ref = { ...repo, environment_uuid: test.uuid! }
      yield* Deployment.createVariable(ref, { key: "ONLY_HERE", value: "1" })
      expect((yield* collect(Deployment.findForRepository(repo))).map((d) => d.environment?.uuid)).toContain(test.uuid)
      yield* Deployment.deleteEnvironment(ref)
      expect((yield* collect(Deployment.findForRepository(repo))).map((d) => d.release?.name)).toEqual(["v1.1.0", "v1.1.0"])
      expect(yield* Effect.flip(collect(Deployment.findVariables(ref)))).toBeInstanceOf(BitbucketError.NotFound)
    }))
})

describe("Deployment and OAuth scopes in the fake", () => {
  it.effect("environments and deployments take pipeline; an environment's variables pipeline:variable to change", () =>
    Effect.gen(function*() {
      const asToken = scopedTokens({ pipelines: ["pipeline"], repositories: ["repository", "repository:admin"] })
      const outcome = yield* Effect.gen(function*() {
        const production = yield* environmentNamed(repo, "Production")
        const ref = { ...repo, environment_uuid: production.uuid! }
        const deployments = yield* collect(Deployment.findForRepository(repo))
        const variables = yield* collect(Deployment.findVariables(ref))
        const created = yield* Deployment.createEnvironment(repo, { name: "Canary", environment_type: { name: "Production" } })
        const denied = yield* Effect.flip(Deployment.createVariable(ref, { key: "K", value: "v" }))
        return { deployments: deployments.length, variables: variables.length, created: created.name, denied }
      }).pipe(Effect.provide(asToken("pipelines")))
      expect(outcome).toMatchObject({ deployments: 3, variables: 0, created: "Canary" })
      expect(outcome.denied).toBeInstanceOf(BitbucketError.Forbidden)
      expect(outcome.denied.message).toContain("scope")
      const withoutPipeline = yield* Effect.flip(collect(Deployment.findEnvironments(repo))).pipe(Effect.provide(asToken("repositories")))
      expect(withoutPipeline).toBeInstanceOf(BitbucketError.Forbidden)
      expect(withoutPipeline.message).toContain("scope")
    }))
})

describe("Deployment payloads and the wire", () => {
  it.effect("an environment type Bitbucket does not have, or a blank name, is InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}, 201))
      const wrongType = { name: "QA", environment_type: { name: "Testing" } } as unknown as Deployment.EnvironmentPayload
      const first = yield* Effect.flip(Deployment.createEnvironment(repo, wrongType)).pipe(Effect.provide(mock.anonymous))
      expect(first).toMatchObject({ _tag: "InvalidInput", parameter: "payload.environment_type.name" })
      const second = yield* Effect.flip(Deployment.createEnvironment(repo, { name: " ", environment_type: { name: "Test" } })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(second).toMatchObject({ _tag: "InvalidInput", parameter: "payload.name" })
      expect(mock.requests).toEqual([])
    }))

  it.effect("uuids with braces are single path segments", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "deployment_variable", uuid: "{v}", key: "K", value: "1" }))
      const ref = { ...repo, environment_uuid: "{e/1}", variable_uuid: "{v?x}" }
      yield* Deployment.updateVariable(ref, { key: "K", value: "1" }).pipe(Effect.provide(mock.anonymous))
      yield* Deployment.find({ ...repo, deployment_uuid: "{d}" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => r.url.pathname)).toEqual([
        "/2.0/repositories/demo/effect-playground/deployments_config/environments/%7Be%2F1%7D/variables/%7Bv%3Fx%7D",
        "/2.0/repositories/demo/effect-playground/deployments/%7Bd%7D"
      ])
    }))
})

import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { Authenticator, BitbucketError, BranchingModel, Ref, Resource } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

// A fresh fake per test: settings changed by one test never leak into another.
const asAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = asAlice.pipe(Layer.provideMerge(FakeBitbucket.layer()))
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
const asCarol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })

const api = { workspace: "acme", repo_slug: "api" } // main branch `main`, project ACME, branch `develop`
const website = { workspace: "acme", repo_slug: "website" } // main branch `master`, project ACME
const acme = { workspace: "acme", project_key: "ACME" }
const defaultPrefixes = [["bugfix", "bugfix/"], ["feature", "feature/"], ["hotfix", "hotfix/"], ["release", "release/"]]
const kindsAndPrefixes = (model: { readonly branch_types?: ReadonlyArray<{ readonly kind?: string; readonly prefix?: string | null }> }) =>
  (model.branch_types ?? []).map((t) => [t.kind, t.prefix])

/** Sends a raw settings PUT to the fake, bypassing the client's validation, and answers its status and body. */
const rawPut = (path: string, body: unknown) =>
  Effect.gen(function*() {
    const fake = yield* FakeBitbucket.FakeBitbucket
    const response = yield* fake.handle(
      new Request(`${fake.baseUrl}${path}`, {
        method: "PUT",
        headers: {
          authorization: `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`,
          "content-type": "application/json"
        },
        body: JSON.stringify(body)
      })
    )
    return { status: response.status, body: yield* Effect.promise(() => response.text()) }
  })

describe("BranchingModel against the fake", () => {
  it.effect("a new repository has Bitbucket's default model: development on the main branch, production off, four prefixed types", () =>
    Effect.gen(function*() {
      const model = yield* BranchingModel.findForRepository(api)
      expect(model.development?.use_mainbranch).toBe(true)
      expect(model.development?.name).toBe("main")
      expect(model.development?.branch?.name).toBe("main")
      expect(model.development?.branch?.target?.hash).toMatch(/^[0-9a-f]{40}$/)
      expect(model.production).toBeUndefined()
      expect(kindsAndPrefixes(model)).toEqual(defaultPrefixes)

      const settings = yield* BranchingModel.findSettings(api)
      expect(settings.development).toEqual({ use_mainbranch: true, name: null, is_valid: true })
      expect(settings.production?.enabled).toBe(false)
      expect(settings.branch_types?.map((t) => [t.kind, t.prefix, t.enabled])).toEqual(defaultPrefixes.map((x) => [...x, true]))
      expect(Resource.href(settings, "self")).toMatch(/\/repositories\/acme\/api\/branching-model\/settings$/)

      // The project's model is the same default, its branches named only.
      const project = yield* BranchingModel.findForProject(acme)
      expect(project.development).toEqual({ name: null, use_mainbranch: true })
      expect(kindsAndPrefixes(project)).toEqual(defaultPrefixes)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("updateSettings changes only what it names; the model resolves branches that exist and lists enabled types only", () =>
    Effect.gen(function*() {
      const first = yield* BranchingModel.updateSettings(api, { development: { use_mainbranch: false, name: "develop" } })
      expect(first.development).toEqual({ use_mainbranch: false, name: "develop", is_valid: true })
      expect(first.production?.enabled).toBe(false)
      expect(first.branch_types?.length).toBe(4)

      const second = yield* BranchingModel.updateSettings(api, {
        production: { enabled: true, use_mainbranch: true },
        branch_types: [{ kind: "hotfix", enabled: false }, { kind: "feature", prefix: "feat/" }]
      })
      // The development branch set before is untouched; hotfix keeps its prefix while disabled.
      expect(second.development?.name).toBe("develop")
      expect(second.branch_types?.map((t) => [t.kind, t.prefix, t.enabled])).toEqual([
        ["bugfix", "bugfix/", true],
        ["feature", "feat/", true],
        ["hotfix", "hotfix/", false],
        ["release", "release/", true]
      ])

      const model = yield* BranchingModel.findForRepository(api)
      expect(model.development?.branch?.name).toBe("develop")
      expect(model.production?.name).toBe("main")
      expect(model.production?.branch?.name).toBe("main")
      expect(kindsAndPrefixes(model)).toEqual([["bugfix", "bugfix/"], ["feature", "feat/"], ["release", "release/"]])
      expect(BranchingModel.branchTypeOf(model, "feat/login")).toEqual(Option.some("feature"))
      expect(BranchingModel.branchTypeOf(model, "hotfix/crash")).toEqual(Option.none())

      // A configured branch deleted later stays configured, but is no longer valid nor resolved.
      yield* BranchingModel.updateSettings(api, { development: { use_mainbranch: false, name: "feature/rate-limit" } })
      yield* Ref.deleteBranch({ ...api, name: "feature/rate-limit" })
      expect((yield* BranchingModel.findSettings(api)).development).toEqual({ use_mainbranch: false, name: "feature/rate-limit", is_valid: false })
      const orphan = yield* BranchingModel.findForRepository(api)
      expect(orphan.development?.name).toBe("feature/rate-limit")
      expect(orphan.development?.branch).toBeUndefined()
    }).pipe(Effect.provide(AsAlice)))

  it.effect("the fake refuses (400) settings Bitbucket refuses, which only the server can know", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(BranchingModel.updateSettings(api, { development: { use_mainbranch: false, name: "no-such-branch" } }))
      expect(missing).toBeInstanceOf(BitbucketError.BadRequest)
      expect((missing as BitbucketError.BadRequest).fields).toHaveProperty(["development.name"])
      // Production enabled with neither the main branch nor a name.
      const nowhere = yield* Effect.flip(BranchingModel.updateSettings(api, { production: { enabled: true } }))
      expect(nowhere).toBeInstanceOf(BitbucketError.BadRequest)
      // "bugfix/" (unchanged, enabled) begins the new feature prefix.
      const overlap = yield* Effect.flip(BranchingModel.updateSettings(api, { branch_types: [{ kind: "feature", prefix: "bugfix/new/" }] }))
      expect(overlap).toBeInstanceOf(BitbucketError.BadRequest)
      // …unless bugfix is switched off at the same time.
      const ok = yield* BranchingModel.updateSettings(api, { branch_types: [{ kind: "feature", prefix: "bugfix/new/" }, { kind: "bugfix", enabled: false }] })
      expect(ok.branch_types?.find((t) => t.kind === "feature")?.prefix).toBe("bugfix/new/")

      // What the client refuses before sending, the fake refuses too.
      const path = "/repositories/acme/api/branching-model/settings"
      const refused = [
        { branch_types: [{ kind: "feature", prefix: "feat*/" }] },
        { branch_types: [{ kind: "feature", prefix: "" }] },
        { branch_types: [{ kind: "feature", prefix: "team/.hidden" }] },
        { branch_types: [{ kind: "feature", prefix: "team.lock/" }] },
        { branch_types: [{ kind: "feature", prefix: "a/" }, { kind: "feature", prefix: "b/" }] },
        { branch_types: [{ kind: "support", prefix: "support/" }] },
        { development: { use_mainbranch: true, name: "develop" } },
        { production: "main" }
      ]
      for (const body of refused) expect((yield* rawPut(path, body)).status, JSON.stringify(body)).toBe(400)
      // A disabled type may keep an invalid prefix; unknown and read-only fields are ignored.
      const stored = yield* rawPut(path, { type: "branching_model_settings", branch_types: [{ kind: "release", prefix: "rel*", enabled: false }] })
      expect(stored.status).toBe(200)
      expect(JSON.parse(stored.body).branch_types).toContainEqual({ kind: "release", prefix: "rel*", enabled: false })
      // Nothing refused was stored.
      expect((yield* BranchingModel.findSettings(api)).development?.use_mainbranch).toBe(true)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a repository inherits its project's model until it overrides it; the effective model follows", () =>
    Effect.gen(function*() {
      expect(yield* BranchingModel.findOverrideSettings(api)).toEqual({
        type: "repository_inheritance_state",
        override_settings: { branching_model: false, default_merge_strategy: false }
      })
      const project = yield* BranchingModel.updateProjectSettings(acme, {
        development: { use_mainbranch: false, name: "develop" },
        branch_types: [{ kind: "release", prefix: "rel/" }]
      })
      // A project has no branches to check: the name is taken as it is.
      expect(project.development).toMatchObject({ use_mainbranch: false, name: "develop" })
      expect(yield* BranchingModel.findProjectSettings(acme)).toEqual(project)
      const projectModel = yield* BranchingModel.findForProject(acme)
      expect(projectModel.development).toEqual({ name: "develop", use_mainbranch: false })

      // The repository's own settings change, but the project's stay in force while it inherits.
      yield* BranchingModel.updateSettings(api, { branch_types: [{ kind: "feature", prefix: "feat/" }] })
      const inherited = yield* BranchingModel.findEffective(api)
      expect(inherited.development?.branch?.name).toBe("develop")
      expect(BranchingModel.branchTypeOf(inherited, "rel/1.0")).toEqual(Option.some("release"))
      expect(BranchingModel.branchTypeOf(inherited, "feat/x")).toEqual(Option.none())
      expect((yield* BranchingModel.findForRepository(api)).branch_types?.find((t) => t.kind === "feature")?.prefix).toBe("feat/")
      // A repository without the project's development branch falls back to its main branch.
      const fallback = yield* BranchingModel.findEffective(website)
      expect(fallback.development?.name).toBe("master")
      expect(fallback.development?.branch?.name).toBe("master")

      // Overriding puts the repository's own model in force; the other setting is unchanged.
      yield* BranchingModel.updateOverrideSettings(api, { override_settings: { branching_model: true } })
      expect((yield* BranchingModel.findOverrideSettings(api)).override_settings).toEqual({ branching_model: true, default_merge_strategy: false })
      const own = yield* BranchingModel.findEffective(api)
      expect(own.development?.branch?.name).toBe("main")
      expect(BranchingModel.branchTypeOf(own, "feat/x")).toEqual(Option.some("feature"))
      expect((yield* BranchingModel.findEffective(website)).development?.name).toBe("master")

      yield* BranchingModel.updateOverrideSettings(api, { override_settings: { branching_model: false, default_merge_strategy: true } })
      expect((yield* BranchingModel.findOverrideSettings(api)).override_settings).toEqual({ branching_model: false, default_merge_strategy: true })
      expect((yield* BranchingModel.findEffective(api)).development?.name).toBe("develop")

      const unknownSetting = yield* rawPut("/repositories/acme/api/override-settings", { override_settings: { wiki: true } })
      expect(unknownSetting.status).toBe(400)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("the module's example: once the repository overrides its project's model, a new prefix classifies its branches", () =>
    Effect.gen(function*() {
      // As the TSDoc of src/BranchingModel.ts has it (a repository inherits its project's model until it overrides it).
      const repo = { workspace: "acme", repo_slug: "api" }
      const program = Effect.gen(function*() {
        yield* BranchingModel.updateOverrideSettings(repo, { override_settings: { branching_model: true } })
        yield* BranchingModel.updateSettings(repo, { branch_types: [{ kind: "feature", prefix: "feat/", enabled: true }] })
        const model = yield* BranchingModel.findEffective(repo)
        return Option.getOrElse(BranchingModel.branchTypeOf(model, "feat/login"), () => "other")
      })
      expect(yield* program).toBe("feature")
    }).pipe(Effect.provide(AsAlice)))

  it.effect("who may: readers see the model, only admins see or change the settings and the inheritance", () =>
    Effect.gen(function*() {
      // Bob is a member (read) of acme.
      const bobs = <A, E, R>(effect: Effect.Effect<A, E, R>) => effect.pipe(Effect.provide(asBob))
      expect((yield* bobs(BranchingModel.findForRepository(api))).development?.name).toBe("main")
      expect((yield* bobs(BranchingModel.findEffective(api))).development?.name).toBe("main")
      expect((yield* bobs(BranchingModel.findForProject(acme))).branch_types?.length).toBe(4)
      for (
        const denied of [
          BranchingModel.findSettings(api),
          BranchingModel.updateSettings(api, { branch_types: [{ kind: "feature", prefix: "f/" }] }),
          BranchingModel.findOverrideSettings(api),
          BranchingModel.updateOverrideSettings(api, { override_settings: { branching_model: true } }),
          BranchingModel.findProjectSettings(acme),
          BranchingModel.updateProjectSettings(acme, { production: { enabled: false } })
        ]
      ) {
        expect(yield* Effect.flip(bobs(denied))).toBeInstanceOf(BitbucketError.Forbidden)
      }
      // Carol has no access to acme at all, nor to its project.
      expect(yield* Effect.flip(BranchingModel.findForRepository(api).pipe(Effect.provide(asCarol)))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(BranchingModel.findForProject(acme).pipe(Effect.provide(asCarol)))).toBeInstanceOf(BitbucketError.Forbidden)
      // A repository access token with the `repository` scope only reads the model.
      const token = Authenticator.accessToken({ token: "acme-api-repo-token" })
      expect((yield* BranchingModel.findForRepository(api).pipe(Effect.provide(token))).development?.name).toBe("main")
      expect(yield* Effect.flip(BranchingModel.findSettings(api).pipe(Effect.provide(token)))).toBeInstanceOf(BitbucketError.Forbidden)
      // Nothing changed.
      expect((yield* BranchingModel.findSettings(api)).branch_types?.find((t) => t.kind === "feature")?.prefix).toBe("feature/")
      expect(yield* Effect.flip(BranchingModel.findForRepository({ workspace: "acme", repo_slug: "nope" }))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(BranchingModel.findForProject({ workspace: "acme", project_key: "NOPE" }))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))
})

describe("BranchingModel: a project's model for those with a permission on the project", () => {
  // Carol is no member of acme; the group `ops`, which she joins here, has read access to ACME.
  const seed: FakeBitbucket.Seed = {
    ...FakeBitbucket.defaultSeed,
    workspaces: FakeBitbucket.defaultSeed.workspaces.map((ws) =>
      ws.slug !== "acme" ? ws : {
        ...ws,
        groups: (ws.groups ?? []).map((g) => g.slug === "ops" ? { ...g, members: ["carol@example.com"] } : g),
        projects: (ws.projects ?? []).map((p) => p.key === "ACME" ? { ...p, groupPermissions: [{ group: "ops", permission: "read" as const }] } : p)
      }
    )
  }
  it.effect("a user who is no workspace member reads the project's model through a group permission, not its settings", () =>
    Effect.gen(function*() {
      expect((yield* BranchingModel.findForProject(acme)).branch_types?.length).toBe(4)
      expect(yield* Effect.flip(BranchingModel.findProjectSettings(acme))).toBeInstanceOf(BitbucketError.Forbidden)
    }).pipe(Effect.provide(asCarol.pipe(Layer.provideMerge(FakeBitbucket.layer({ seed }))))))
})

describe("BranchingModel in FakeBitbucket.snapshot", () => {
  it.effect("a fake seeded from a snapshot keeps changed settings, project settings and the inheritance flag", () =>
    Effect.gen(function*() {
      yield* BranchingModel.updateSettings(api, {
        development: { use_mainbranch: false, name: "develop" },
        production: { enabled: true, use_mainbranch: true },
        branch_types: [{ kind: "feature", prefix: "feat/" }, { kind: "hotfix", prefix: "hot*", enabled: false }]
      })
      yield* BranchingModel.updateProjectSettings(acme, { branch_types: [{ kind: "release", prefix: "rel/" }] })
      yield* BranchingModel.updateOverrideSettings(api, { override_settings: { branching_model: true } })
      const before = {
        settings: yield* BranchingModel.findSettings(api),
        project: yield* BranchingModel.findProjectSettings(acme),
        overrides: yield* BranchingModel.findOverrideSettings(api),
        effective: yield* BranchingModel.findEffective(api),
        website: yield* BranchingModel.findEffective(website)
      }
      const seed = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const again = Effect.gen(function*() {
        expect(yield* BranchingModel.findSettings(api)).toEqual(before.settings)
        expect(yield* BranchingModel.findProjectSettings(acme)).toEqual(before.project)
        expect(yield* BranchingModel.findOverrideSettings(api)).toEqual(before.overrides)
        expect(yield* BranchingModel.findEffective(api)).toEqual(before.effective)
        expect(yield* BranchingModel.findEffective(website)).toEqual(before.website)
        expect(BranchingModel.branchTypeOf(before.effective, "feat/x")).toEqual(Option.some("feature"))
        expect(BranchingModel.branchTypeOf(before.website, "rel/1.0")).toEqual(Option.some("release"))
      })
      yield* again.pipe(Effect.provide(asAlice.pipe(Layer.provideMerge(FakeBitbucket.layer({ seed })))))
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a seed names a repository's or a project's model; an unknown one is refused", () =>
    Effect.gen(function*() {
      const seed: FakeBitbucket.Seed = {
        ...FakeBitbucket.defaultSeed,
        branchingModels: [
          { repository: "acme/api", branch_types: [{ kind: "bugfix", prefix: "fix/", enabled: true }], override_settings: { branching_model: true } },
          { workspace: "acme", project: "ACME", production: { use_mainbranch: true, name: null, enabled: true } }
        ]
      }
      const seeded = Effect.gen(function*() {
        expect(kindsAndPrefixes(yield* BranchingModel.findEffective(api))).toEqual([["bugfix", "fix/"], ["feature", "feature/"], ["hotfix", "hotfix/"], ["release", "release/"]])
        expect((yield* BranchingModel.findOverrideSettings(api)).override_settings).toEqual({ branching_model: true, default_merge_strategy: false })
        expect((yield* BranchingModel.findEffective(website)).production?.name).toBe("master")
      })
      yield* seeded.pipe(Effect.provide(asAlice.pipe(Layer.provideMerge(FakeBitbucket.layer({ seed })))))
      const unknown = { ...FakeBitbucket.defaultSeed, branchingModels: [{ repository: "acme/nope" }] }
      expect(yield* Effect.exit(FakeBitbucket.make({ seed: unknown }))).toMatchObject({ _tag: "Failure" })
    }))
})

describe("BranchingModel on the wire", () => {
  it.effect("updateSettings PUTs exactly the partial body it was given and decodes the answer, unknown fields kept", () =>
    Effect.gen(function*() {
      const answer = {
        type: "branching_model_settings",
        development: { use_mainbranch: false, name: "develop", is_valid: true },
        production: { use_mainbranch: true, name: null, enabled: true, is_valid: true },
        branch_types: [{ kind: "feature", prefix: "feat/", enabled: true }, { kind: "trunk", prefix: "t/", enabled: true }],
        future_field: 1
      }
      const mock = mockHttp(() => json(answer))
      const settings = yield* BranchingModel.updateSettings(api, {
        development: { use_mainbranch: false, name: "develop" },
        branch_types: [{ kind: "feature", prefix: "feat/" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.length).toBe(1)
      const request = mock.requests[0]!
      expect(request.method).toBe("PUT")
      expect(request.url.pathname).toBe("/2.0/repositories/acme/api/branching-model/settings")
      expect(request.headers["content-type"]).toMatch(/^application\/json/)
      // Nothing the caller left out is sent (no production, no other branch types, no `enabled`).
      expect(JSON.parse(request.body)).toEqual({ development: { use_mainbranch: false, name: "develop" }, branch_types: [{ kind: "feature", prefix: "feat/" }] })
      expect(settings["future_field"]).toBe(1)
      expect(settings.branch_types?.[1]?.kind).toBe("trunk")

      const projectMock = mockHttp(() => json(answer))
      yield* BranchingModel.updateProjectSettings(acme, { production: { enabled: false } }).pipe(Effect.provide(projectMock.anonymous))
      expect(projectMock.requests[0]!.url.pathname).toBe("/2.0/workspaces/acme/projects/ACME/branching-model/settings")
      expect(JSON.parse(projectMock.requests[0]!.body)).toEqual({ production: { enabled: false } })
    }))

  it.effect("updateOverrideSettings PUTs the settings to change and accepts 204", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      yield* BranchingModel.updateOverrideSettings(api, { override_settings: { branching_model: true } }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.pathname, JSON.parse(r.body)])).toEqual([
        ["PUT", "/2.0/repositories/acme/api/override-settings", { override_settings: { branching_model: true } }]
      ])
    }))

  it.effect("invalid settings fail with InvalidInput and send nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const invalid: ReadonlyArray<BranchingModel.UpdateSettingsPayload> = [
        { branch_types: [{ kind: "feature", prefix: "feat*" }] },
        { branch_types: [{ kind: "feature", prefix: "" }] },
        { branch_types: [{ kind: "feature", prefix: "/feature" }] },
        { branch_types: [{ kind: "feature", prefix: "feat ure/" }] },
        { branch_types: [{ kind: "feature", prefix: "f/" }, { kind: "feature", prefix: "g/" }] },
        { branch_types: [{ kind: "feature", prefix: "fix/" }, { kind: "bugfix", prefix: "fix/urgent/" }] },
        { production: { use_mainbranch: true, name: "production" } },
        { development: { use_mainbranch: false } },
        { development: { name: "" } }
      ]
      for (const payload of invalid) {
        const error = yield* Effect.flip(BranchingModel.updateSettings(api, payload).pipe(Effect.provide(mock.anonymous)))
        expect(error, JSON.stringify(payload)).toBeInstanceOf(BitbucketError.InvalidInput)
      }
      const kind = yield* Effect.flip(
        BranchingModel.updateProjectSettings(acme, { branch_types: [{ kind: "support" as BranchingModel.Kind }] }).pipe(Effect.provide(mock.anonymous))
      )
      expect(kind).toBeInstanceOf(BitbucketError.InvalidInput)
      const extra = { override_settings: { branching_model: true, wiki: true } }
      const override = yield* Effect.flip(BranchingModel.updateOverrideSettings(api, extra).pipe(Effect.provide(mock.anonymous)))
      expect(override).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toEqual([])
      // What is valid goes through: a disabled type may keep an invalid prefix; tracking the main branch with `name: null`.
      yield* BranchingModel.updateSettings(api, {
        development: { use_mainbranch: true, name: null },
        branch_types: [{ kind: "hotfix", prefix: "hot*", enabled: false }, { kind: "release", prefix: "release/" }, { kind: "bugfix", prefix: "fix/" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.length).toBe(1)
    }))
})

describe("BranchingModel.branchTypeOf", () => {
  const model = {
    branch_types: [
      { kind: "feature", prefix: "feature/" },
      { kind: "bugfix", prefix: "fix/" },
      { kind: "hotfix", prefix: "fix/hot/", enabled: true },
      { kind: "release", prefix: "release/", enabled: false }
    ]
  }
  it("classifies by prefix: the longest enabled prefix the name goes beyond, case-sensitively", () => {
    expect(BranchingModel.branchTypeOf(model, "feature/login")).toEqual(Option.some("feature"))
    expect(BranchingModel.branchTypeOf(model, "fix/typo")).toEqual(Option.some("bugfix"))
    expect(BranchingModel.branchTypeOf(model, "fix/hot/crash")).toEqual(Option.some("hotfix"))
    expect(BranchingModel.branchTypeOf(model, "release/1.0")).toEqual(Option.none())
    expect(BranchingModel.branchTypeOf(model, "feature/")).toEqual(Option.none())
    expect(BranchingModel.branchTypeOf(model, "Feature/login")).toEqual(Option.none())
    expect(BranchingModel.branchTypeOf(model, "main")).toEqual(Option.none())
    expect(BranchingModel.branchTypeOf({}, "feature/x")).toEqual(Option.none())
  })
  it("isValidPrefix follows git's branch name rules", () => {
    expect(["feature/", "JIRA-", "team/a.b_c"].map(BranchingModel.isValidPrefix)).toEqual([true, true, true])
    expect(["", "*", "a b", "a..b", "/a", ".a", "-a", "a//b", "a:b", "a@{b", "a\\b", "a~b", "a^b", "a?b", "a[b", "team/.x", "a.lock/"].filter(BranchingModel.isValidPrefix))
      .toEqual([])
  })
})

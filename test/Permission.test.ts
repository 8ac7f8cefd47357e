import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, DeployKey, Permission, Ref, Workspace } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { capture } from "./support/capture.js"
import { mockHttp } from "./support/mockHttp.js"

const fake = FakeBitbucket.layer()
const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(Layer.provideMerge(fake))
// Bob on the same fake: only the credentials change.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const api = { workspace: "acme", repo_slug: "api" }
const bob = { ...api, selected_user_id: "557058:bob" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("Permission against the fake", (it) => {
  it.effect("a repository permission given to a user takes effect, and is gone once revoked", () =>
    Effect.gen(function*() {
      const main = yield* Ref.findBranch({ ...api, name: "main" })
      const branch = (name: string) => Ref.createBranch(api, { name, target: { hash: main.target!.hash! } }).pipe(Effect.provide(asBob))
      // Bob is a member of acme: he reads api, and cannot write to it.
      expect(yield* Effect.flip(branch("bob/before"))).toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* Permission.findUserForRepository(bob)).permission).toBe("none")

      const granted = yield* Permission.updateUserForRepository(bob, { permission: "write" })
      expect(granted).toMatchObject({ type: "repository_user_permission", permission: "write", user: { account_id: "557058:bob" } })
      expect((yield* collect(Permission.findUsersForRepository(api))).map((p) => [p.user?.account_id, p.permission])).toContainEqual([
        "557058:bob",
        "write"
      ])
      expect((yield* branch("bob/granted")).name).toBe("bob/granted")

      yield* Permission.deleteUserForRepository(bob)
      expect(yield* Effect.flip(branch("bob/after"))).toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* Permission.findUserForRepository(bob)).permission).toBe("none")
    }))

  it.effect("the workspace's owner, a stranger or an unknown user cannot be given one", () =>
    Effect.gen(function*() {
      const owner = yield* Effect.flip(Permission.updateUserForRepository({ ...api, selected_user_id: "557058:alice" }, { permission: "read" }))
      expect(owner).toBeInstanceOf(BitbucketError.BadRequest)
      const unknown = yield* Effect.flip(Permission.updateUserForRepository({ ...api, selected_user_id: "557058:nobody" }, { permission: "read" }))
      expect(unknown).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("groups of a repository, and users and groups of a project", () =>
    Effect.gen(function*() {
      const developers = { ...api, group_slug: "developers" }
      expect((yield* Permission.findGroupForRepository(developers)).permission).toBe("none")
      const granted = yield* Permission.updateGroupForRepository(developers, { permission: "write" })
      expect(granted).toMatchObject({ type: "repository_group_permission", permission: "write", group: { slug: "developers", full_slug: "acme:developers" } })
      expect((yield* collect(Permission.findGroupsForRepository(api))).map((p) => p.group?.slug)).toEqual(["developers"])
      yield* Permission.deleteGroupForRepository(developers)
      expect(yield* collect(Permission.findGroupsForRepository(api))).toEqual([])
      expect(yield* Effect.flip(Permission.findGroupForRepository({ ...api, group_slug: "nope" }))).toBeInstanceOf(BitbucketError.NotFound)

      const project = { workspace: "acme", project_key: "ACME" }
      const creator = yield* Permission.updateUserForProject({ ...project, selected_user_id: "557058:bob" }, { permission: "create-repo" })
      expect(creator).toMatchObject({ type: "project_user_permission", permission: "create-repo", project: { key: "ACME" } })
      expect((yield* collect(Permission.findUsersForProject(project))).map((p) => p.permission)).toEqual(["create-repo"])
      yield* Permission.deleteUserForProject({ ...project, selected_user_id: "557058:bob" })
      expect(yield* collect(Permission.findUsersForProject(project))).toEqual([])
      const ops = yield* Permission.updateGroupForProject({ ...project, group_slug: "ops" }, { permission: "read" })
      expect(ops).toMatchObject({ type: "project_group_permission", permission: "read" })
      expect((yield* Permission.findGroupForProject({ ...project, group_slug: "ops" })).permission).toBe("read")
      yield* Permission.deleteGroupForProject({ ...project, group_slug: "ops" })
    }))

  it.effect("a project permission reaches the project's repositories; a project admin manages the project", () =>
    Effect.gen(function*() {
      const ops = { workspace: "acme", project_key: "OPS" }
      const infra = { workspace: "acme", repo_slug: "infra" } // in project OPS
      const main = yield* Ref.findBranch({ ...infra, name: "main" })
      const branch = Ref.createBranch(infra, { name: "bob/ops", target: { hash: main.target!.hash! } }).pipe(Effect.provide(asBob))
      expect(yield* Effect.flip(branch)).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(collect(DeployKey.findForProject(ops)).pipe(Effect.provide(asBob)))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Permission.updateUserForProject({ ...ops, selected_user_id: "557058:bob" }, { permission: "admin" })
      expect((yield* branch).name).toBe("bob/ops")
      expect(yield* collect(DeployKey.findForProject(ops)).pipe(Effect.provide(asBob))).toEqual([])
      yield* Permission.deleteUserForProject({ ...ops, selected_user_id: "557058:bob" })
      expect(yield* Effect.flip(collect(DeployKey.findForProject(ops)).pipe(Effect.provide(asBob)))).toBeInstanceOf(BitbucketError.Forbidden)
    }))

  it.effect("a group's permission reaches its members (Bob is a developer, not an operator), and goes with it", () =>
    Effect.gen(function*() {
      const main = yield* Ref.findBranch({ ...api, name: "main" })
      const branch = (name: string) => Ref.createBranch(api, { name, target: { hash: main.target!.hash! } }).pipe(Effect.provide(asBob))
      const bobsPermission = Effect.map(
        collect(Workspace.findRepositoryPermissions(api)),
        (all) => all.find((p) => p.user?.account_id === "557058:bob")?.permission
      )
      expect(yield* bobsPermission).toBe("read")

      // A group Bob is not in changes nothing for him.
      yield* Permission.updateGroupForRepository({ ...api, group_slug: "ops" }, { permission: "admin" })
      expect(yield* Effect.flip(branch("bob/ops"))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Permission.deleteGroupForRepository({ ...api, group_slug: "ops" })

      yield* Permission.updateGroupForRepository({ ...api, group_slug: "developers" }, { permission: "write" })
      expect((yield* branch("bob/developer")).name).toBe("bob/developer")
      expect(yield* bobsPermission).toBe("write")
      yield* Permission.deleteGroupForRepository({ ...api, group_slug: "developers" })
      expect(yield* Effect.flip(branch("bob/not-any-more"))).toBeInstanceOf(BitbucketError.Forbidden)

      // Through the project, likewise.
      const project = { workspace: "acme", project_key: "ACME" }
      yield* Permission.updateGroupForProject({ ...project, group_slug: "developers" }, { permission: "admin" })
      expect(yield* bobsPermission).toBe("admin")
      yield* Permission.deleteGroupForProject({ ...project, group_slug: "developers" })
      expect(yield* bobsPermission).toBe("read")
    }))

  it.effect("changes take an API token: an access token may look, not grant", () =>
    Effect.gen(function*() {
      const token = Authenticator.accessToken({ token: "acme-workspace-token" })
      const listed = yield* collect(Permission.findUsersForRepository(api)).pipe(Effect.provide(token))
      expect(Array.isArray(listed)).toBe(true)
      const granted = yield* Effect.flip(Permission.updateUserForRepository(bob, { permission: "admin" })).pipe(Effect.provide(token))
      expect(granted).toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* Permission.findUserForRepository(bob)).permission).toBe("none")
    }))

  it.effect("listings have no BBQL: a q sent anyway filters nothing; spans are named after the functions", () =>
    Effect.gen(function*() {
      yield* Permission.updateGroupForRepository({ ...api, group_slug: "developers" }, { permission: "write" })
      const recorder = capture("permissions")
      const all = yield* collect(
        Permission.findGroupsForRepository(api, { q: 'permission = "admin"' } as Permission.ListOptions)
      ).pipe(recorder.around)
      expect(all.map((p) => p.group?.slug)).toEqual(["developers"])
      expect(recorder.spanNames).toContain("Bitbucket.Permission.findGroupsForRepository")
      yield* Permission.deleteGroupForRepository({ ...api, group_slug: "developers" })
    }))

  it.effect("only an admin may look: a member who reads the repository is Forbidden", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(collect(Permission.findUsersForRepository(api))).pipe(Effect.provide(asBob))
      expect(error).toBeInstanceOf(BitbucketError.Forbidden)
    }))
})

describe("Permission in the fake's snapshot", () => {
  it.effect("group permissions are kept, and a fake seeded from the snapshot gives the group's members their access", () =>
    Effect.gen(function*() {
      const asAliceOn = (seed?: FakeBitbucket.Seed) =>
        Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(Layer.provideMerge(FakeBitbucket.layer({ seed })))
      const seed = yield* Effect.gen(function*() {
        yield* Permission.updateGroupForRepository({ ...api, group_slug: "developers" }, { permission: "admin" })
        return yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      }).pipe(Effect.provide(asAliceOn()))
      expect(seed.repositories.find((r) => r.workspace === "acme" && r.slug === "api")?.groupPermissions).toEqual([
        { group: "developers", permission: "admin" }
      ])
      const listed = yield* collect(Workspace.findRepositoryPermissions(api)).pipe(Effect.provide(asAliceOn(seed)))
      expect(listed.find((p) => p.user?.account_id === "557058:bob")?.permission).toBe("admin")
    }))
})

describe("Permission payloads", () => {
  it.effect("a level the subject does not have is InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const owner = yield* Effect.flip(
        Permission.updateUserForRepository(bob, { permission: "owner" } as unknown as Permission.RepositoryGrant)
      ).pipe(Effect.provide(mock.anonymous))
      expect(owner).toMatchObject({ _tag: "InvalidInput", parameter: "payload.permission" })
      // create-repo is a project level only.
      const createRepo = yield* Effect.flip(
        Permission.updateUserForRepository(bob, { permission: "create-repo" } as unknown as Permission.RepositoryGrant)
      ).pipe(Effect.provide(mock.anonymous))
      expect(createRepo).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toEqual([])
    }))
})

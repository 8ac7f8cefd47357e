/**
 * Application properties of repositories, commits, pull requests and users: against the fake
 * (round trips, who may read and write, scopes, the snapshot) and on the wire.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Authenticator, BitbucketError, Commit, Property } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = alice.pipe(Layer.provideMerge(FakeBitbucket.layer()))
// On the same fake: Bob, a collaborator (write) of demo and a member (read) of acme; the anonymous.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const repo = { workspace: "demo", repo_slug: "effect-playground" }
const app = { app_key: "ci-bot", property_name: "review" }

/** The head of main in demo/effect-playground, and its short form. */
const head = Effect.map(Commit.find({ ...repo, commit: "main" }), (c) => c.hash!)

/** Every kind of subject, each with the same app key and property name. */
const everySubject = Effect.map(head, (hash) => [
  { ...repo, ...app },
  { ...repo, commit: hash, ...app },
  { ...repo, pull_request_id: 1, ...app },
  { selected_user: "557058:alice", ...app }
])

layer(AsAlice)("Property against the fake", (it) => {
  it.effect("stores, reads, replaces and deletes a property on a repository, a commit, a pull request and a user", () =>
    Effect.gen(function*() {
      for (const ref of yield* everySubject) {
        expect(yield* Effect.flip(Property.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
        const value = { checked: true, findings: [{ path: "src/index.ts", line: 3 }], owner: null, ratio: 0.5, label: "subject" }
        yield* Property.update(ref, value)
        expect(yield* Property.find(ref)).toEqual(value)
        // A PUT replaces the whole value: fields not sent again are gone.
        yield* Property.update(ref, { checked: false, _attributes: ["public"] })
        expect(yield* Property.find(ref)).toEqual({ checked: false, _attributes: ["public"] })
        yield* Property.delete(ref)
        expect(yield* Effect.flip(Property.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
        expect(yield* Effect.flip(Property.delete(ref))).toBeInstanceOf(BitbucketError.NotFound)
      }
    }))

  it.effect("each subject, app key and name keeps its own value; a commit by any revision, a user by account_id or {uuid}", () =>
    Effect.gen(function*() {
      const refs = yield* everySubject
      yield* Effect.forEach(refs, (ref, i) => Property.update(ref, { subject: i }))
      expect(yield* Effect.forEach(refs, (ref) => Property.find(ref))).toEqual([{ subject: 0 }, { subject: 1 }, { subject: 2 }, { subject: 3 }])
      // The same commit by its short hash and by a branch naming it; the same user by uuid, braces or not.
      const hash = yield* head
      for (const commit of [hash.slice(0, 12), "main"]) {
        expect(yield* Property.find({ ...repo, commit, ...app })).toEqual({ subject: 1 })
      }
      for (const selected_user of [ALICE_UUID, ALICE_UUID.slice(1, -1)]) {
        expect(yield* Property.find({ selected_user, ...app })).toEqual({ subject: 3 })
      }
      // Another pull request, another repository, another app, another name: nothing stored.
      for (
        const other of [
          { ...repo, pull_request_id: 2, ...app },
          { workspace: "demo", repo_slug: "fast-parser", ...app },
          { ...repo, app_key: "other-app", property_name: "review" },
          { ...repo, app_key: "ci-bot", property_name: "Review" }
        ]
      ) {
        expect(yield* Effect.flip(Property.find(other))).toBeInstanceOf(BitbucketError.NotFound)
      }
      yield* Effect.forEach(refs, (ref) => Property.delete(ref))
    }))

  it.effect("a subject that does not exist is NotFound, reading and writing", () =>
    Effect.gen(function*() {
      const missing = [
        { workspace: "demo", repo_slug: "no-such-repo", ...app },
        { ...repo, commit: "0123456789abcdef0123456789abcdef01234567", ...app },
        { ...repo, pull_request_id: 999, ...app },
        { selected_user: "557058:nobody", ...app }
      ]
      for (const ref of missing) {
        expect(yield* Effect.flip(Property.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
        expect(yield* Effect.flip(Property.update(ref, { x: 1 }))).toBeInstanceOf(BitbucketError.NotFound)
      }
    }))

  it.effect("a repository's reader may read but not write; a user's properties are that user's alone, unless public", () =>
    Effect.gen(function*() {
      const api = { workspace: "acme", repo_slug: "api", ...app }
      yield* Property.update(api, { stage: "beta" })
      expect(yield* Property.find(api).pipe(Effect.provide(asBob))).toEqual({ stage: "beta" })
      expect(yield* Effect.flip(Property.update(api, { stage: "ga" })).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(Property.delete(api)).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.Forbidden)
      // Bob writes to demo, where he is a collaborator.
      yield* Property.update({ ...repo, ...app, property_name: "bob" }, { by: "bob" }).pipe(Effect.provide(asBob))

      const mine = { selected_user: "557058:alice", ...app }
      yield* Property.update(mine, { theme: "dark" })
      expect(yield* Effect.flip(Property.find(mine)).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* Effect.flip(Property.update(mine, { theme: "light" })).pipe(Effect.provide(asBob))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Property.update(mine, { theme: "dark", _attributes: ["public"] })
      expect(yield* Property.find(mine).pipe(Effect.provide(asBob))).toEqual({ theme: "dark", _attributes: ["public"] })
      yield* Property.delete(mine)
    }))

  it.effect("the anonymous read only public properties of what they can see, and write none", () =>
    Effect.gen(function*() {
      const hidden = { ...repo, ...app, property_name: "hidden" }
      const shown = { ...repo, ...app, property_name: "shown" }
      yield* Property.update(hidden, { n: 1 })
      yield* Property.update(shown, { n: 2, _attributes: ["read_only", "public"] })
      const anonymous = Effect.provide(Authenticator.anonymous)
      expect(yield* Effect.flip(Property.find(hidden)).pipe(anonymous)).toBeInstanceOf(BitbucketError.Unauthorized)
      expect(yield* Property.find(shown).pipe(anonymous)).toEqual({ n: 2, _attributes: ["read_only", "public"] })
      expect(yield* Effect.flip(Property.update(shown, { n: 3 })).pipe(anonymous)).toBeInstanceOf(BitbucketError.Unauthorized)
      // Nor do they learn whether a property that is not public exists.
      expect(yield* Effect.flip(Property.find({ ...repo, ...app, property_name: "never-stored" })).pipe(anonymous)).toBeInstanceOf(BitbucketError.Unauthorized)
      // A private repository stays hidden, public property or not.
      const api = { workspace: "acme", repo_slug: "api", property_name: "shown" }
      yield* Property.update({ ...api, app_key: "ci-bot" }, { n: 4, _attributes: ["public"] })
      expect(yield* Effect.flip(Property.find({ ...api, app_key: "ci-bot" })).pipe(anonymous)).toBeInstanceOf(BitbucketError.NotFound)
    }))
})

describe("Property and OAuth scopes in the fake", () => {
  it.effect("reading takes the subject's read scope, writing its write scope", () =>
    Effect.gen(function*() {
      const as = (token: string) => Effect.provide(Authenticator.accessToken({ token }))
      const ref = { ...repo, ...app }
      yield* Property.update(ref, { v: 1 }).pipe(as("writer"))
      expect(yield* Property.find(ref).pipe(as("reader"))).toEqual({ v: 1 })
      const denied = yield* Effect.flip(Property.update(ref, { v: 2 })).pipe(as("reader"))
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      expect(denied.message).toContain("scope")
      // A pull request's: `pullrequest` reads, but writing needs `pullrequest:write`.
      const pr = { ...repo, pull_request_id: 1, ...app }
      expect(yield* Effect.flip(Property.find(pr)).pipe(as("prs"))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Property.update(pr, { v: 1 })).pipe(as("prs"))).toMatchObject({
        _tag: "Forbidden",
        message: expect.stringContaining("scope")
      })
      // Whatever the app names it (`comments` and `tasks` are other paths' words).
      for (const property_name of ["comments", "tasks"]) {
        expect(yield* Effect.flip(Property.update({ ...pr, property_name }, { v: 1 })).pipe(as("prs"))).toBeInstanceOf(BitbucketError.Forbidden)
      }
      // A commit's: `repository` reads, writing needs `repository:write`.
      const commit = { ...repo, commit: yield* head.pipe(as("reader")), ...app }
      expect(yield* Effect.flip(Property.update(commit, { v: 1 })).pipe(as("reader"))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Property.update(commit, { v: 1 }).pipe(as("writer"))
      // A user's: `account` reads, `account:write` writes (demo-access-token acts as Alice, with `account` only).
      const mine = { selected_user: "557058:alice", ...app }
      expect(yield* Effect.flip(Property.update(mine, { v: 1 })).pipe(as("demo-access-token"))).toMatchObject({
        _tag: "Forbidden",
        message: expect.stringContaining("scope")
      })
      expect(yield* Effect.flip(Property.find(mine)).pipe(as("demo-access-token"))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(
      Effect.provide(FakeBitbucket.layer({
        seed: {
          ...FakeBitbucket.defaultSeed,
          accessTokens: [
            ...FakeBitbucket.defaultSeed.accessTokens ?? [],
            { token: "reader", workspace: "demo", scopes: ["repository"] },
            { token: "writer", workspace: "demo", scopes: ["repository:write"] },
            { token: "prs", workspace: "demo", scopes: ["pullrequest"] }
          ]
        }
      }))
    ))
})

describe("Property in the fake's seed and snapshot", () => {
  it.effect("a fake seeded from the snapshot has every subject's properties; a seeded one is found by its subject", () =>
    Effect.gen(function*() {
      const seed: FakeBitbucket.Seed = {
        ...FakeBitbucket.defaultSeed,
        properties: [{ repository: "acme/api", pull_request_id: 2, app_key: "ci-bot", property_name: "review", value: { seeded: true } }]
      }
      const { refs, snapshot } = yield* Effect.gen(function*() {
        const refs = yield* everySubject
        yield* Effect.forEach(refs, (ref, i) => Property.update(ref, { kept: i, nested: { list: [i] } }))
        // Deleted before the snapshot: not in it.
        yield* Property.update({ ...repo, ...app, property_name: "gone" }, { x: 1 })
        yield* Property.delete({ ...repo, ...app, property_name: "gone" })
        return { refs, snapshot: yield* (yield* FakeBitbucket.FakeBitbucket).snapshot }
      }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer({ seed }))))
      expect(snapshot.properties).toHaveLength(5)

      const restored = Layer.provideMerge(alice, FakeBitbucket.layer({ seed: snapshot }))
      const found = yield* Effect.forEach(refs, (ref) => Property.find(ref)).pipe(Effect.provide(restored))
      expect(found).toEqual([0, 1, 2, 3].map((i) => ({ kept: i, nested: { list: [i] } })))
      const seeded = yield* Property.find({ workspace: "acme", repo_slug: "api", pull_request_id: 2, ...app }).pipe(Effect.provide(restored))
      expect(seeded).toEqual({ seeded: true })
      expect(yield* Effect.flip(Property.find({ ...repo, ...app, property_name: "gone" })).pipe(Effect.provide(restored))).toBeInstanceOf(
        BitbucketError.NotFound
      )
    }))

  it("a seed naming a subject the fake does not have is refused when the fake starts", () => {
    for (
      const property of [
        { repository: "demo/nope", app_key: "a", property_name: "p", value: {} },
        { repository: "demo/effect-playground", pull_request_id: 99, app_key: "a", property_name: "p", value: {} },
        { user: "nobody@example.com", app_key: "a", property_name: "p", value: {} }
      ]
    ) {
      const start = FakeBitbucket.make({ seed: { ...FakeBitbucket.defaultSeed, properties: [property] } })
      expect(() => Effect.runSync(start)).toThrow(/property a\/p/)
    }
  })
})

describe("Property on the wire", () => {
  it.effect("each subject's path, every parameter one segment; the value sent as JSON; 204 is done", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) => (request.method === "GET" ? json({ a: 1, _attributes: ["public", "hidden"] }) : new Response(null, { status: 204 })))
      const name = { app_key: "my app/x", property_name: "a?b#c" }
      const refs = [
        { ...repo, ...name },
        { ...repo, commit: "a1b2c3d", ...name },
        { ...repo, pull_request_id: 7, ...name },
        { selected_user: "{d301aafa-d676-4ee0-88be-962be7417567}", ...name }
      ]
      for (const ref of refs) {
        expect(yield* Property.update(ref, { nested: { list: [1, "two", null, true] }, _attributes: ["read_only"] }).pipe(Effect.provide(mock.anonymous)))
          .toBeUndefined()
      }
      const found = yield* Property.find(refs[0]!).pipe(Effect.provide(mock.anonymous))
      yield* Property.delete(refs[3]!).pipe(Effect.provide(mock.anonymous))
      const tail = "/properties/my%20app%2Fx/a%3Fb%23c"
      expect(mock.requests.map((r) => [r.method, r.url.pathname])).toEqual([
        ["PUT", `/2.0/repositories/demo/effect-playground${tail}`],
        ["PUT", `/2.0/repositories/demo/effect-playground/commit/a1b2c3d${tail}`],
        ["PUT", `/2.0/repositories/demo/effect-playground/pullrequests/7${tail}`],
        ["PUT", `/2.0/users/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D${tail}`],
        ["GET", `/2.0/repositories/demo/effect-playground${tail}`],
        ["DELETE", `/2.0/users/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D${tail}`]
      ])
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({ nested: { list: [1, "two", null, true] }, _attributes: ["read_only"] })
      expect(mock.requests[0]!.headers["content-type"]).toContain("application/json")
      // An attribute Bitbucket adds later is kept.
      expect(found).toEqual({ a: 1, _attributes: ["public", "hidden"] })
    }))

  it.effect("an empty app key or property name, or a ref naming two subjects, is InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const bad: ReadonlyArray<readonly [Property.PropertyRef, string]> = [
        [{ ...repo, app_key: "", property_name: "p" }, "app_key"],
        [{ ...repo, app_key: "a", property_name: "  " }, "property_name"],
        [{ selected_user: "557058:alice", app_key: "a", property_name: "" }, "property_name"],
        [{ ...repo, commit: "a1b2c3d", pull_request_id: 1, app_key: "a", property_name: "p" }, "subject"],
        [{ ...repo, selected_user: "557058:alice", app_key: "a", property_name: "p" }, "subject"]
      ]
      for (const [ref, parameter] of bad) {
        for (const call of [Property.find(ref), Property.update(ref, { x: 1 }), Property.delete(ref)]) {
          expect(yield* Effect.flip(call).pipe(Effect.provide(mock.anonymous))).toMatchObject({ _tag: "InvalidInput", parameter })
        }
      }
      expect(mock.requests).toEqual([])
    }))

  it.effect("a value JSON cannot carry as it is, or an attribute Bitbucket does not know, is InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      const cyclic: Record<string, unknown> = { a: 1 }
      cyclic.self = cyclic
      class Point {
        constructor(readonly x: number) {}
      }
      const bad: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
        [{ a: undefined }, "payload.a"],
        [{ a: Number.NaN }, "payload.a"],
        [{ a: Infinity }, "payload.a"],
        [{ a: new Date(0) }, "payload.a"],
        [{ a: new Map() }, "payload.a"],
        [{ a: new Point(1) }, "payload.a"],
        [{ a: [1, () => 2] }, "payload.a.1"],
        [{ a: { b: 10n } }, "payload.a.b"],
        [cyclic, "payload.self"],
        [{ _attributes: ["secret"] }, "payload._attributes.0"],
        // Named where it is, deep down, without quoting the value around it.
        [{ results: Array.from({ length: 5000 }, (_, i) => ({ score: i === 4999 ? Number.NaN : i })) }, "payload.results.4999.score"],
        [{ a: [1, , 3] }, "payload.a.1"],
        // Keys Bitbucket refuses, at any depth.
        [{ "src/index.ts": 1 }, "payload"],
        [{ a: { "my key": 2 } }, "payload.a"]
      ]
      for (const [value, parameter] of bad) {
        const error = yield* Effect.flip(Property.update({ ...repo, ...app }, value as Property.Payload)).pipe(Effect.provide(mock.anonymous))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter })
        expect(error.message.length).toBeLessThan(200)
      }
      expect(mock.requests).toEqual([])
      // A value with no prototype, and an empty object, are plain JSON objects; `_attributes` left
      // undefined is not sent, and a ref's subject key left undefined names nothing.
      const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 })
      const maybePublic = false
      yield* Property.update({ ...repo, commit: undefined, ...app } as Property.PropertyRef, { bare, empty: {}, _attributes: maybePublic ? ["public"] : undefined }).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({ bare: { a: 1 }, empty: {} })
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/repositories/demo/effect-playground/properties/ci-bot/review")
    }))
})

import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as BitbucketError from "../src/BitbucketError.js"
import * as BranchRestriction from "../src/BranchRestriction.js"
import { json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"
const repository = { workspace: "demo", repo_slug: "hello" }

const ada = {
  type: "user",
  uuid: "{d301aafa-d676-4ee0-88be-962be7417567}",
  account_id: "557058:1b5e7a3c",
  display_name: "Ada Lovelace",
  links: { avatar: { href: "https://secure.gravatar.com/avatar/ada" } }
}

const pushRule = {
  type: "branchrestriction",
  id: 42,
  kind: "push",
  branch_match_kind: "glob",
  pattern: "main",
  branch_type: null,
  value: null,
  users: [ada],
  groups: [
    {
      type: "group",
      slug: "leads",
      full_slug: "demo:leads",
      name: "Leads",
      links: { self: { href: `${base}/groups/demo/leads` }, html: { href: "https://bitbucket.org/demo/workspace/settings/groups/leads" } }
    }
  ],
  links: { self: { href: `${base}/repositories/demo/hello/branch-restrictions/42` } },
  exempt_admins: true
}

const approvalsRule = {
  type: "branchrestriction",
  id: 43,
  kind: "require_approvals_to_merge",
  branch_match_kind: "branching_model",
  branch_type: "production",
  pattern: "",
  value: 2,
  users: [],
  groups: [],
  links: { self: { href: `${base}/repositories/demo/hello/branch-restrictions/43` } }
}

describe("BranchRestriction", () => {
  it.effect("findForRepository streams GET .../branch-restrictions with kind and pattern", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [pushRule, { ...approvalsRule, kind: "some_future_kind" }], page: 1, pagelen: 10, size: 2 }))
      const rules = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          BranchRestriction.findForRepository(repository, { kind: "push", pattern: "main", pagelen: 10 })
        ).pipe(Effect.provide(mock.anonymous))
      )
      expect(rules.map((r) => [r.id, r.kind])).toEqual([[42, "push"], [43, "some_future_kind"]])
      expect(rules[0]!.users?.[0]?.display_name).toBe("Ada Lovelace")
      expect(rules[0]!.groups?.[0]?.full_slug).toBe("demo:leads")
      expect(rules[0]!["exempt_admins"]).toBe(true)
      const request = mock.requests[0]!
      expect(request.method).toBe("GET")
      expect(request.url.pathname).toBe("/2.0/repositories/demo/hello/branch-restrictions")
      expect(Object.fromEntries(request.url.searchParams)).toEqual({ kind: "push", pattern: "main", pagelen: "10" })
    }))

  it.effect("find sends GET .../branch-restrictions/{id}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(approvalsRule))
      const rule = yield* BranchRestriction.find({ ...repository, id: 43 }).pipe(Effect.provide(mock.anonymous))
      expect(rule.value).toBe(2)
      expect(rule.branch_type).toBe("production")
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}/repositories/demo/hello/branch-restrictions/43`
      ])
    }))

  it.effect("create POSTs a glob push restriction with its exempted users and groups", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(pushRule, 201))
      const rule = yield* BranchRestriction.create(repository, {
        kind: "push",
        branch_match_kind: "glob",
        pattern: "main",
        users: [{ uuid: "{d301aafa-d676-4ee0-88be-962be7417567}" }],
        groups: [{ slug: "leads" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(rule.id).toBe(42)
      const request = mock.requests[0]!
      expect(request.method).toBe("POST")
      expect(request.url.toString()).toBe(`${base}/repositories/demo/hello/branch-restrictions`)
      expect(JSON.parse(request.body)).toEqual({
        kind: "push",
        branch_match_kind: "glob",
        pattern: "main",
        users: [{ uuid: "{d301aafa-d676-4ee0-88be-962be7417567}" }],
        groups: [{ slug: "leads" }]
      })
    }))

  it.effect("create sends empty exemption lists for a push or restrict_merges rule that gives none", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(pushRule, 201))
      yield* BranchRestriction.create(repository, { kind: "restrict_merges", pattern: "develop" }).pipe(Effect.provide(mock.anonymous))
      yield* BranchRestriction.create(repository, { kind: "delete", pattern: "release/*" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => JSON.parse(r.body))).toEqual([
        { kind: "restrict_merges", pattern: "develop", users: [], groups: [] },
        { kind: "delete", pattern: "release/*" }
      ])
    }))

  it.effect("create POSTs a branching-model rule with a value", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(approvalsRule, 201))
      yield* BranchRestriction.create(repository, {
        kind: "require_approvals_to_merge",
        branch_match_kind: "branching_model",
        branch_type: "production",
        value: 2
      }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({
        kind: "require_approvals_to_merge",
        branch_match_kind: "branching_model",
        branch_type: "production",
        value: 2
      })
    }))

  it.effect("an invalid payload fails with InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(pushRule, 201))
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ kind: "push_hard", pattern: "main" }, "payload.kind"],
        [{ pattern: "main" }, "payload.kind"],
        [{ kind: "push", branch_match_kind: "regex", pattern: "main" }, "payload.branch_match_kind"],
        [{ kind: "push", branch_match_kind: "glob" }, "payload.pattern"],
        [{ kind: "push" }, "payload.pattern"],
        [{ kind: "force", branch_match_kind: "branching_model" }, "payload.branch_type"],
        [{ kind: "force", branch_match_kind: "branching_model", branch_type: "trunk" }, "payload.branch_type"],
        [{ kind: "require_approvals_to_merge", pattern: "main", value: -1 }, "payload.value"],
        [{ kind: "require_approvals_to_merge", pattern: "main", value: 1.5 }, "payload.value"]
      ]
      for (const [payload, parameter] of cases) {
        const error = yield* Effect.flip(
          BranchRestriction.create(repository, payload as BranchRestriction.CreatePayload)
        ).pipe(Effect.provide(mock.anonymous))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error._tag === "InvalidInput" ? error.parameter : undefined).toBe(parameter)
      }
      const updateError = yield* Effect.flip(
        BranchRestriction.update({ ...repository, id: 42 }, { kind: "merge_everything" as BranchRestriction.Kind })
      ).pipe(Effect.provide(mock.anonymous))
      expect(updateError).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("update PUTs only the given fields; an Account from a response works as a user", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ ...pushRule, users: [ada, ada] }))
      const existing = yield* BranchRestriction.find({ ...repository, id: 42 }).pipe(Effect.provide(mock.anonymous))
      yield* BranchRestriction.update({ ...repository, id: "42" }, { users: existing.users ?? [] }).pipe(
        Effect.provide(mock.anonymous)
      )
      const request = mock.requests[1]!
      expect(request.method).toBe("PUT")
      expect(request.url.toString()).toBe(`${base}/repositories/demo/hello/branch-restrictions/42`)
      expect(JSON.parse(request.body)).toEqual({ users: [ada, ada] })
    }))

  it.effect("delete sends DELETE .../branch-restrictions/{id}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      yield* BranchRestriction.delete({ ...repository, id: 42 }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `DELETE ${base}/repositories/demo/hello/branch-restrictions/42`
      ])
    }))
})

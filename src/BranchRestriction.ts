/**
 * Branch restrictions (branch permissions and merge checks) of a repository: who may push, force
 * push, delete or merge on matching branches, and what a pull request needs before it merges.
 *
 * @example
 * ```ts
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const twoApprovals = BranchRestriction.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   kind: "require_approvals_to_merge",
 *   branch_match_kind: "glob",
 *   pattern: "main",
 *   value: 2
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * Every kind of restriction Bitbucket documents.
 *
 * @since 0.1.0
 * @category models
 */
export const kinds = [
  "push",
  "force",
  "delete",
  "restrict_merges",
  "require_tasks_to_be_completed",
  "require_approvals_to_merge",
  "require_default_reviewer_approvals_to_merge",
  "require_no_changes_requested",
  "require_passing_builds_to_merge",
  "require_commits_behind",
  "reset_pullrequest_approvals_on_change",
  "smart_reset_pullrequest_approvals",
  "reset_pullrequest_changes_requested_on_change",
  "require_all_dependencies_merged",
  "enforce_merge_checks",
  "allow_auto_merge_when_builds_pass"
] as const

/**
 * What a restriction restricts (strict: payloads accept only the documented kinds).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Kind = Schema.Literal(...kinds)

/**
 * What a restriction restricts.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * How a restriction picks its branches: by `pattern` (`glob`) or by branch type in the
 * repository's branching model (`branching_model`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchMatchKind = Schema.Literal("glob", "branching_model")

/**
 * How a restriction picks its branches.
 *
 * @since 0.1.0
 * @category models
 */
export type BranchMatchKind = typeof BranchMatchKind.Type

/**
 * A branch type of the branching model, for `branching_model` restrictions.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchType = Schema.Literal("production", "development", "bugfix", "release", "feature", "hotfix")

/**
 * A branch type of the branching model.
 *
 * @since 0.1.0
 * @category models
 */
export type BranchType = typeof BranchType.Type

const GroupSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  full_slug: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  owner: Schema.optional(Account),
  links: Schema.optional(Resource.Links)
})

/**
 * A group as a restriction lists it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Group: Resource.NamedStruct<typeof GroupSchema, Group> = GroupSchema

/**
 * A group.
 *
 * @since 0.1.0
 * @category models
 */
export interface Group extends Schema.Schema.Type<typeof GroupSchema> {}

const BranchRestrictionSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  kind: Schema.optional(Schema.Union(Kind, Schema.String)),
  branch_match_kind: Schema.optional(Schema.Union(BranchMatchKind, Schema.String)),
  branch_type: Schema.optional(Schema.NullOr(Schema.Union(BranchType, Schema.String))),
  pattern: Schema.optional(Schema.NullOr(Schema.String)),
  value: Schema.optional(Schema.NullOr(Schema.Number)),
  users: Schema.optional(Schema.Array(Account)),
  groups: Schema.optional(Schema.Array(Group)),
  links: Schema.optional(Resource.Links)
})

/**
 * A branch restriction. Every field is optional (a `fields` selection can trim any of them, `type` included) and unknown fields are kept; kinds,
 * match kinds and branch types Bitbucket adds later decode as plain strings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchRestriction: Resource.NamedStruct<typeof BranchRestrictionSchema, BranchRestriction> = BranchRestrictionSchema

/**
 * A branch restriction.
 *
 * @since 0.1.0
 * @category models
 */
export interface BranchRestriction extends Schema.Schema.Type<typeof BranchRestrictionSchema> {}

const UserRefSchema = Resource.Struct({
  uuid: Schema.optional(Schema.String),
  account_id: Schema.optional(Schema.String)
})

/**
 * A user exempted from a `push` or `restrict_merges` restriction: `{ uuid }` or `{ account_id }`
 * (an `Account` from another call works as it is).
 *
 * @since 0.1.0
 * @category payloads
 */
export const UserRef: Resource.NamedStruct<typeof UserRefSchema, UserRef> = UserRefSchema

/**
 * A user exempted from a `push` or `restrict_merges` restriction: `{ uuid }` or `{ account_id }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserRef extends Schema.Schema.Type<typeof UserRefSchema> {}

const GroupRefSchema = Resource.Struct({
  slug: Schema.optional(Schema.String),
  full_slug: Schema.optional(Schema.String)
})

/**
 * A group exempted from a `push` or `restrict_merges` restriction: `{ slug }`.
 *
 * @since 0.1.0
 * @category payloads
 */
export const GroupRef: Resource.NamedStruct<typeof GroupRefSchema, GroupRef> = GroupRefSchema

/**
 * A group exempted from a `push` or `restrict_merges` restriction: `{ slug }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupRef extends Schema.Schema.Type<typeof GroupRefSchema> {}

const Value = Schema.Number.pipe(Schema.int(), Schema.nonNegative())

const named = (s: string | undefined) => s !== undefined && s.trim() !== ""

/** A user sent must be named by a field Bitbucket reads: a ported `{ username }` is refused before sending. */
const SentUser = UserRef.pipe(
  Schema.filter((u) =>
    named(u.uuid) || named(u.account_id) ||
    "a user is named by uuid or account_id (Bitbucket removed usernames; an Account from another call works)"
  )
)

const SentGroup = GroupRef.pipe(Schema.filter((g) => named(g.slug) || "a group is named by its slug"))

const payloadFields = {
  branch_match_kind: Schema.optional(BranchMatchKind),
  pattern: Schema.optional(Schema.String),
  branch_type: Schema.optional(BranchType),
  users: Schema.optional(Schema.Array(SentUser)),
  groups: Schema.optional(Schema.Array(SentGroup)),
  value: Schema.optional(Value)
}

const CreatePayloadSchema = Schema.Struct({ kind: Kind, ...payloadFields }).pipe(
  Schema.filter((p) => {
    if (p.branch_match_kind === "branching_model") {
      return p.branch_type !== undefined ||
        { path: ["branch_type"], message: "a branching_model restriction needs a branch_type" }
    }
    return (p.pattern !== undefined && p.pattern.length > 0) ||
      { path: ["pattern"], message: "a glob restriction needs a non-empty pattern" }
  })
)

/**
 * The body of {@link create}. A `glob` restriction (the default match kind) needs a `pattern`; a
 * `branching_model` one needs a `branch_type`. The exempt `users` and `groups` of a `push` or
 * `restrict_merges` rule are sent as empty lists when left out (Bitbucket requires them). `value`
 * is the number the kind needs (approvals, commits behind). An invalid body fails with
 * `InvalidInput` and sends nothing.
 *
 * @since 0.1.0
 * @category payloads
 */
export const CreatePayload: Schema.Schema<CreatePayload, Schema.Schema.Encoded<typeof CreatePayloadSchema>> = CreatePayloadSchema

/**
 * The body of {@link create}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({ kind: Schema.optional(Kind), ...payloadFields })

/**
 * The body of {@link update}: only the fields to change (Bitbucket ignores the others).
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdatePayload: Resource.NamedStruct<typeof UpdatePayloadSchema, UpdatePayload> = UpdatePayloadSchema

/**
 * The body of {@link update}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

/**
 * Identifies a branch restriction.
 *
 * @since 0.1.0
 * @category models
 */
export interface BranchRestrictionRef {
  readonly workspace: string
  readonly repo_slug: string
  readonly id: number | string
}

const collection = "/repositories/{workspace}/{repo_slug}/branch-restrictions"
const item = "/repositories/{workspace}/{repo_slug}/branch-restrictions/{id}"

/**
 * The branch restrictions of a repository, optionally only one `kind` or one `pattern`
 * (`GET /repositories/{workspace}/{repo_slug}/branch-restrictions`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const onMain = BranchRestriction.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { pattern: "main" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: { readonly workspace: string; readonly repo_slug: string },
  options: Pagination.ListOptions & { readonly kind?: Kind | undefined; readonly pattern?: string | undefined } = {}
): Stream.Stream<BranchRestriction, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream(
    { path: collection, params: ref, query: { kind: options.kind, pattern: options.pattern } },
    BranchRestriction,
    options
  ).pipe(Stream.withSpan("Bitbucket.BranchRestriction.findForRepository"))

/**
 * A branch restriction by id.
 *
 * @example
 * ```ts
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const rule = BranchRestriction.find({ workspace: "demo", repo_slug: "effect-playground", id: 42 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.BranchRestriction.find")(function*(ref: BranchRestrictionRef) {
  return yield* Http.json({ method: "GET", path: item, params: ref }, BranchRestriction)
})

/**
 * The ref of a branch restriction you hold (pybitbucket's `restriction.modify(...)` is
 * `BranchRestriction.update(yield* BranchRestriction.refOf(restriction), ...)`), read from its
 * `links.self`; its `id` comes back a number. Fails with `InvalidInput` when it came without one
 * (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const threeApprovals = BranchRestriction.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   kind: "require_approvals_to_merge"
 * }).pipe(
 *   Stream.mapEffect((rule) => Effect.flatMap(BranchRestriction.refOf(rule), (ref) => BranchRestriction.update(ref, { value: 3 }))),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (restriction: BranchRestriction): Effect.Effect<BranchRestrictionRef, BitbucketError.InvalidInput> =>
  refFromSelf<BranchRestrictionRef>(restriction, item, "branch restriction", ["id"])

/**
 * Creates a branch restriction. The combination of `kind` and match must be new in the repository.
 *
 * @example
 * ```ts
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const onlyLeads = BranchRestriction.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   kind: "push",
 *   branch_match_kind: "branching_model",
 *   branch_type: "production",
 *   users: [{ uuid: "{d301aafa-d676-4ee0-88be-962be7417567}" }],
 *   groups: [{ slug: "leads" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.BranchRestriction.create")(function*(
  ref: { readonly workspace: string; readonly repo_slug: string },
  payload: CreatePayload
) {
  // Bitbucket requires `users` and `groups` on push and restrict_merges rules; left out, they mean
  // that no one is exempt.
  const body: CreatePayload = payload.kind === "push" || payload.kind === "restrict_merges"
    ? { ...payload, users: payload.users ?? [], groups: payload.groups ?? [] }
    : payload
  return yield* Http.jsonWithBody({ method: "POST", path: collection, params: ref }, CreatePayload, body, BranchRestriction)
})

/**
 * Changes a branch restriction; fields left out are unchanged.
 *
 * @example
 * ```ts
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const three = BranchRestriction.update({ workspace: "demo", repo_slug: "effect-playground", id: 42 }, { value: 3 })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.BranchRestriction.update")(function*(
  ref: BranchRestrictionRef,
  payload: UpdatePayload
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: item, params: ref }, UpdatePayload, payload, BranchRestriction)
})

/**
 * Deletes a branch restriction.
 *
 * @example
 * ```ts
 * import { BranchRestriction } from "effect-bitbucket"
 *
 * const gone = BranchRestriction.delete({ workspace: "demo", repo_slug: "effect-playground", id: 42 })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.BranchRestriction.delete")(function*(ref: BranchRestrictionRef) {
  return yield* Http.empty({ method: "DELETE", path: item, params: ref })
})

export { del as delete }

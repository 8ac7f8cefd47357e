/**
 * Pull requests: find, stream, create and update them; approve, request changes, decline, merge;
 * read their diffs, diffstats, activity, commits and statuses.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   const pr = yield* PullRequest.create(repo, PullRequest.fromBranches("feature/login", "main", { title: "Add login" }))
 *   yield* PullRequest.approve({ ...repo, pull_request_id: pr.id! })
 *   return yield* PullRequest.merge({ ...repo, pull_request_id: pr.id! }, { merge_strategy: "squash" })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schema, Stream } from "effect"
import { dual } from "effect/Function"
import * as BitbucketError from "./BitbucketError.js"
import { refFromSelf } from "./internal/selfRef.js"
import { countProblem, durationProblem } from "./internal/url.js"
import { BuildStatus } from "./BuildStatus.js"
import { Commit, type CommitRef, DiffStat, type DiffOptions, Participant } from "./Commit.js"
import * as Http from "./internal/http.js"
import { emptyList } from "./internal/url.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * The states of a pull request.
 *
 * @since 0.1.0
 * @category schemas
 */
export const State = Schema.Literal("OPEN", "MERGED", "DECLINED", "SUPERSEDED")

/**
 * A pull request state.
 *
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

/**
 * The ways to merge, as git would do them:
 * - `merge_commit`: a merge commit of the destination and the source (the default);
 * - `squash`: the source's changes as one commit on the destination;
 * - `fast_forward`: the destination moved to the source, when it has nothing the source lacks
 *   (else the merge fails);
 * - `squash_fast_forward`: a squash, on the same condition as `fast_forward`;
 * - `rebase_fast_forward`: the source's commits replayed on the destination, which then moves to
 *   the last of them (no merge commit);
 * - `rebase_merge`: the source's commits replayed on the destination, then a merge commit.
 *
 * A repository may allow only some of them: a branch lists its own in `merge_strategies` and
 * `default_merge_strategy` (see {@link isMergeStrategy} to pass that on to {@link merge}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MergeStrategy = Schema.Literal(
  "merge_commit",
  "squash",
  "fast_forward",
  "squash_fast_forward",
  "rebase_fast_forward",
  "rebase_merge"
)

/**
 * A merge strategy.
 *
 * @since 0.1.0
 * @category models
 */
export type MergeStrategy = typeof MergeStrategy.Type

/**
 * Whether a value is a merge strategy {@link merge} takes: a branch's `default_merge_strategy`
 * (or an entry of its `merge_strategies`) is any string Bitbucket sends, so it is checked before
 * it is passed on; one this library does not know yet is left for Bitbucket to choose.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PullRequest, Ref } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * // Merge the way the destination branch is set up to.
 * const mergeAsConfigured = (pull_request_id: number) =>
 *   Effect.gen(function* () {
 *     const pr = yield* PullRequest.find({ ...repo, pull_request_id })
 *     const branch = yield* Ref.findBranch({ ...repo, name: pr.destination?.branch?.name ?? "main" })
 *     const strategy = branch.default_merge_strategy
 *     return yield* PullRequest.merge({ ...repo, pull_request_id }, PullRequest.isMergeStrategy(strategy) ? { merge_strategy: strategy } : {})
 *   })
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isMergeStrategy: (u: unknown) => u is MergeStrategy = Schema.is(MergeStrategy)

const EndpointSchema = Resource.Struct({
  branch: Schema.optional(Resource.Struct({ name: Schema.optional(Schema.String) })),
  commit: Schema.optional(Schema.NullOr(Commit)),
  repository: Schema.optional(Schema.NullOr(Resource.OpenRecord))
})

/**
 * The source or destination of a pull request: branch, commit and repository.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Endpoint: Resource.NamedStruct<typeof EndpointSchema, Endpoint> = EndpointSchema

/**
 * The source or destination of a pull request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint extends Schema.Schema.Type<typeof EndpointSchema> {}

const PullRequestSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  state: Schema.optional(Schema.Union(State, Schema.String)),
  draft: Schema.optional(Schema.Boolean),
  author: Schema.optional(Account),
  source: Schema.optional(Endpoint),
  destination: Schema.optional(Endpoint),
  merge_commit: Schema.optional(Schema.NullOr(Commit)),
  close_source_branch: Schema.optional(Schema.Boolean),
  closed_by: Schema.optional(Schema.NullOr(Account)),
  reason: Schema.optional(Schema.String),
  reviewers: Schema.optional(Schema.Array(Account)),
  participants: Schema.optional(Schema.Array(Participant)),
  comment_count: Schema.optional(Schema.Number),
  task_count: Schema.optional(Schema.Number),
  summary: Schema.optional(Resource.Rendered),
  rendered: Schema.optional(Resource.OpenRecord),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A pull request. Every field is optional, `type` included, since a `fields` selection can trim
 * any of them; listings omit `reviewers` and `participants` unless `fields` asks for them. Unknown
 * fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PullRequest: Resource.NamedStruct<typeof PullRequestSchema, PullRequest> = PullRequestSchema

/**
 * A pull request.
 *
 * @since 0.1.0
 * @category models
 */
export interface PullRequest extends Schema.Schema.Type<typeof PullRequestSchema> {}

/**
 * A reviewer, by `uuid` or by `account_id`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reviewer = Schema.Union(
  Schema.Struct({ uuid: Schema.NonEmptyTrimmedString }),
  Schema.Struct({ account_id: Schema.NonEmptyTrimmedString })
).annotations({
  // Said in place of the union's own message when the value names no one by uuid or account_id
  // (a ported `{ username }`); otherwise the field at fault speaks (an Account's `display_name`).
  message: (issue) => {
    const actual = issue.actual as { readonly [key: string]: unknown } | null | undefined
    const named = typeof actual === "object" && actual !== null &&
      ((typeof actual["uuid"] === "string" && actual["uuid"].trim() !== "") ||
        (typeof actual["account_id"] === "string" && actual["account_id"].trim() !== ""))
    return { message: "a reviewer is { uuid } or { account_id } (Bitbucket removed usernames)", override: !named }
  }
})

/**
 * A reviewer.
 *
 * @since 0.1.0
 * @category models
 */
export type Reviewer = typeof Reviewer.Type

const EndpointPayloadSchema = Schema.Struct({
  branch: Schema.Struct({ name: Schema.NonEmptyTrimmedString }),
  commit: Schema.optional(Schema.Struct({ hash: Schema.NonEmptyTrimmedString })),
  repository: Schema.optional(Schema.Struct({ full_name: Schema.NonEmptyTrimmedString }))
})

/**
 * A source or destination to send: a branch, optionally a commit and (for a fork) a repository.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EndpointPayload: Resource.NamedStruct<typeof EndpointPayloadSchema, EndpointPayload> = EndpointPayloadSchema

/**
 * A source or destination to send.
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointPayload extends Schema.Schema.Type<typeof EndpointPayloadSchema> {}

const CreatePayloadSchema = Schema.Struct({
  title: Schema.NonEmptyTrimmedString,
  source: EndpointPayload,
  destination: Schema.optional(EndpointPayload),
  description: Schema.optional(Schema.String),
  reviewers: Schema.optional(Schema.Array(Reviewer)),
  close_source_branch: Schema.optional(Schema.Boolean),
  draft: Schema.optional(Schema.Boolean)
})

/**
 * What to create: a title and a source branch; the destination defaults to the main branch.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * What to create.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({
  title: Schema.optional(Schema.NonEmptyTrimmedString),
  description: Schema.optional(Schema.String),
  destination: Schema.optional(EndpointPayload),
  reviewers: Schema.optional(Schema.Array(Reviewer)),
  close_source_branch: Schema.optional(Schema.Boolean),
  draft: Schema.optional(Schema.Boolean)
})

/**
 * What to change (all optional).
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdatePayload: Resource.NamedStruct<typeof UpdatePayloadSchema, UpdatePayload> = UpdatePayloadSchema

/**
 * What to change.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

const MergePayloadSchema = Schema.Struct({
  merge_strategy: Schema.optional(MergeStrategy),
  message: Schema.optional(Schema.String),
  close_source_branch: Schema.optional(Schema.Boolean)
})

/**
 * How to merge.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MergePayload: Resource.NamedStruct<typeof MergePayloadSchema, MergePayload> = MergePayloadSchema

/**
 * How to merge.
 *
 * @since 0.1.0
 * @category models
 */
export interface MergePayload extends Schema.Schema.Type<typeof MergePayloadSchema> {}

/**
 * Identifies a pull request.
 *
 * @since 0.1.0
 * @category models
 */
export interface PullRequestRef extends RepositoryRef {
  readonly pull_request_id: number
}

/**
 * The ref of a pull request you hold (pybitbucket's `pr.approve()` is
 * `PullRequest.approve(yield* PullRequest.refOf(pr))`), read from its `links.self`, so that one
 * listed across repositories needs no ref built by hand. Fails with `InvalidInput` when it came
 * without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const approveAll = PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" }).pipe(
 *   Stream.mapEffect((pr) => Effect.flatMap(PullRequest.refOf(pr), PullRequest.approve)),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (pullRequest: PullRequest): Effect.Effect<PullRequestRef, BitbucketError.InvalidInput> =>
  refFromSelf<PullRequestRef>(pullRequest, one, "pull request", ["pull_request_id"])

/**
 * What pull request listings take: the usual options, and the states to list (Bitbucket lists
 * only OPEN ones by default).
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions extends Pagination.ListOptions {
  readonly state?: State | ReadonlyArray<State> | undefined
}

const list = "/repositories/{workspace}/{repo_slug}/pullrequests"
const one = `${list}/{pull_request_id}`

// ---------------------------------------------------------------------------------------------
// Payload helpers (pybitbucket's PullRequestPayload builder)
// ---------------------------------------------------------------------------------------------

/**
 * Something to take a source or destination from: a branch name, a branch or tag as `Ref`
 * returns it (its target commit is used too), an endpoint payload, or the `source` or
 * `destination` of a pull request you hold (its branch, commit and repository).
 *
 * @since 0.1.0
 * @category models
 */
export type EndpointInput =
  | string
  | { readonly name?: string | undefined; readonly target?: { readonly hash?: string | undefined } | undefined }
  | EndpointPayload
  | Endpoint

/**
 * An endpoint payload from a branch name, a `Ref.Ref` you hold (name and target commit), or an
 * endpoint payload.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * PullRequest.endpoint("main") // { branch: { name: "main" } }
 * PullRequest.endpoint({ name: "feature", target: { hash: "a1b2c3d" } })
 * // { branch: { name: "feature" }, commit: { hash: "a1b2c3d" } }
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const endpoint = (input: EndpointInput): EndpointPayload => {
  if (typeof input === "string") return { branch: { name: input } }
  if (!("branch" in input) && !("commit" in input) && !("repository" in input)) {
    const ref = input as { readonly name?: string | undefined; readonly target?: { readonly hash?: string | undefined } | undefined }
    const hash = ref.target?.hash
    return { branch: { name: ref.name ?? "" }, ...(hash === undefined ? {} : { commit: { hash } }) }
  }
  // An endpoint payload, or one read from a pull request: of a branch, commit or repository that
  // names itself as a payload does (a name, a hash, a full name), only that is kept (a held one has
  // many more fields, which the payload's check would refuse). Anything else is sent on as it is,
  // for that check to refuse rather than to be dropped in silence: a repository without its full
  // name, left out, would open the pull request from the destination repository.
  const held = input as { readonly [key: string]: unknown }
  const named = (value: unknown, key: string) =>
    value !== null && typeof value === "object" && typeof (value as { readonly [k: string]: unknown })[key] === "string"
      ? { [key]: (value as { readonly [k: string]: unknown })[key] }
      : value
  const out: { [key: string]: unknown } = { ...held, branch: named(held["branch"], "name") }
  for (const [key, field] of [["commit", "hash"], ["repository", "full_name"]] as const) {
    if (held[key] === null) delete out[key]
    else if (held[key] !== undefined) out[key] = named(held[key], field)
  }
  return out as unknown as EndpointPayload
}

/**
 * A create payload from a source and a destination.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const payload = PullRequest.fromBranches("feature/login", "main", { title: "Add login", close_source_branch: true })
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const fromBranches = (
  source: EndpointInput,
  destination: EndpointInput | undefined,
  rest: Omit<CreatePayload, "source" | "destination">
): CreatePayload => ({
  ...rest,
  source: endpoint(source),
  ...(destination === undefined ? {} : { destination: endpoint(destination) })
})

/**
 * Adds reviewers to a payload, by `{ uuid }`, `{ account_id }`, or an account you hold; duplicates
 * are dropped. An entry with neither (a ported `{ username }`, an account trimmed by `fields`) is
 * kept, so that sending the payload fails with `InvalidInput` rather than send a list without it.
 * On `update`, `reviewers` replaces the whole list: start from the pull request's own.
 *
 * @example
 * ```ts
 * import { pipe } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const payload = PullRequest.addReviewers(
 *   PullRequest.fromBranches("feature/login", "main", { title: "Add login" }),
 *   [{ account_id: "557058:bob" }]
 * )
 * // or, data-last:
 * const same = pipe(
 *   PullRequest.fromBranches("feature/login", "main", { title: "Add login" }),
 *   PullRequest.addReviewers([{ account_id: "557058:bob" }])
 * )
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const addReviewers: {
  (
    reviewers: ReadonlyArray<ReviewerInput>
  ): <P extends { readonly reviewers?: ReadonlyArray<Reviewer> | undefined }>(payload: P) => P
  <P extends { readonly reviewers?: ReadonlyArray<Reviewer> | undefined }>(payload: P, reviewers: ReadonlyArray<ReviewerInput>): P
} = dual(2, <P extends { readonly reviewers?: ReadonlyArray<Reviewer> | undefined }>(
  payload: P,
  reviewers: ReadonlyArray<ReviewerInput>
): P => {
  const all: Array<Reviewer> = [...(payload.reviewers ?? [])]
  const key = (r: { readonly uuid?: string | undefined; readonly account_id?: string | undefined }) =>
    r.uuid !== undefined ? `uuid:${r.uuid}` : `account_id:${r.account_id}`
  const seen = new Set(all.map(key))
  for (const r of reviewers) {
    // One naming no one (a ported `{ username }`, an account trimmed by `fields`) is kept as it is,
    // so that sending the payload fails with `InvalidInput`: dropped, the update would send the
    // list without it and remove a reviewer the caller meant to keep or add.
    const reviewer: Reviewer = r.uuid !== undefined
      ? { uuid: r.uuid }
      : r.account_id !== undefined
      ? { account_id: r.account_id }
      : (r as Reviewer)
    if (r.uuid === undefined && r.account_id === undefined) all.push(reviewer)
    else if (!seen.has(key(reviewer))) {
      seen.add(key(reviewer))
      all.push(reviewer)
    }
  }
  return { ...payload, reviewers: all }
})

/** A reviewer to add: by `{ uuid }`, `{ account_id }`, or an account you hold. */
type ReviewerInput = { readonly uuid?: string | undefined; readonly account_id?: string | undefined }

/**
 * Sets the source of a payload.
 *
 * @example
 * ```ts
 * import { pipe } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const payload = PullRequest.withSource(PullRequest.fromBranches("a", "main", { title: "t" }), "b")
 * const same = pipe(PullRequest.fromBranches("a", "main", { title: "t" }), PullRequest.withSource("b"))
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const withSource: {
  (source: EndpointInput): (payload: CreatePayload) => CreatePayload
  (payload: CreatePayload, source: EndpointInput): CreatePayload
} = dual(2, (payload: CreatePayload, source: EndpointInput): CreatePayload => ({
  ...payload,
  source: endpoint(source)
}))

/**
 * Sets the destination of a payload.
 *
 * @example
 * ```ts
 * import { pipe } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const payload = PullRequest.withDestination(PullRequest.fromBranches("a", undefined, { title: "t" }), "develop")
 * const same = pipe(PullRequest.fromBranches("a", undefined, { title: "t" }), PullRequest.withDestination("develop"))
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const withDestination: {
  (destination: EndpointInput): <P extends { readonly destination?: EndpointPayload | undefined }>(payload: P) => P
  <P extends { readonly destination?: EndpointPayload | undefined }>(payload: P, destination: EndpointInput): P
} = dual(
  2,
  <P extends { readonly destination?: EndpointPayload | undefined }>(payload: P, destination: EndpointInput): P => ({
    ...payload,
    destination: endpoint(destination)
  })
)

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/**
 * A pull request by id.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const pr = PullRequest.find({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.PullRequest.find")(function*(ref: PullRequestRef) {
  return yield* Http.json({ method: "GET", path: one, params: ref }, PullRequest)
})

/**
 * The pull requests of a repository. Bitbucket lists only OPEN ones unless `state` says otherwise
 * (one state or several).
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const closed = PullRequest.findForRepository(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { state: ["MERGED", "DECLINED"], sort: "-updated_on" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: ListOptions = {}
): Stream.Stream<PullRequest, BitbucketError.BitbucketError, Http.Requirements> =>
  failOnEmptyState(options) ??
    Pagination.stream({ path: list, params: ref, query: { state: options.state } }, PullRequest, options).pipe(
      Stream.withSpan("Bitbucket.PullRequest.findForRepository")
    )

/** An empty `state` list would list OPEN pull requests only: refused, as a stream that fails. */
const failOnEmptyState = (options: ListOptions) => {
  const error = emptyList("state", options.state)
  return error === undefined ? undefined : Stream.fail(error)
}

/**
 * The pull requests a user authored in a workspace's repositories that you can read (`GET
 * /workspaces/{workspace}/pullrequests/{selected_user}`, the user by `account_id` or `{uuid}`).
 * Only OPEN ones unless `state` says otherwise. (Bitbucket removed the cross-workspace
 * `/pullrequests/{selected_user}`: list each of your workspaces in turn.)
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PullRequest, User } from "effect-bitbucket"
 *
 * const myOpenPullRequests = Effect.gen(function* () {
 *   const me = yield* User.current()
 *   return PullRequest.findForUser({ workspace: "acme", selected_user: me.account_id! }, { sort: "-updated_on" })
 * }).pipe(Stream.unwrap)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForUser = (
  ref: { readonly workspace: string; readonly selected_user: string },
  options: ListOptions = {}
): Stream.Stream<PullRequest, BitbucketError.BitbucketError, Http.Requirements> =>
  failOnEmptyState(options) ??
    Pagination.stream(
      { path: "/workspaces/{workspace}/pullrequests/{selected_user}", params: ref, query: { state: options.state } },
      PullRequest,
      options
    ).pipe(
      Stream.withSpan("Bitbucket.PullRequest.findForUser")
    )

/**
 * The pull requests a commit was reviewed in (`GET .../commit/{commit}/pullrequests`, the commit
 * by its full hash): which change brought this commit in, and who approved it. Bitbucket serves
 * this through its "Pull Request Commit Links" app, installed for a workspace the first time
 * someone opens a commit's "Go to pull request" link; until then it answers 404 (`NotFound`), and
 * while it indexes a repository, 202, which fails as `UnexpectedStatus` with `status: 202`: retry
 * later (a listing answered 202 never passes for an empty one).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const reviewedIn = PullRequest.findForCommit({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2" }).pipe(
 *   Stream.map((pr) => `#${pr.id} ${pr.title} (${pr.state})`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCommit = (
  ref: CommitRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<PullRequest, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}/{repo_slug}/commit/{commit}/pullrequests", params: ref }, PullRequest, options).pipe(
    Stream.withSpan("Bitbucket.PullRequest.findForCommit")
  )

/**
 * Opens a pull request. Build the payload with {@link fromBranches} and {@link addReviewers}, or
 * write it out.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const pr = PullRequest.create(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { title: "Add login", source: { branch: { name: "feature/login" } }, reviewers: [{ account_id: "557058:bob" }] }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.PullRequest.create")(function*(ref: RepositoryRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: list, params: ref }, CreatePayload, payload, PullRequest)
})

/**
 * Changes a pull request's title, description, destination, reviewers...
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const pr = PullRequest.update({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }, { title: "Better title" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.PullRequest.update")(function*(ref: PullRequestRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: one, params: ref }, UpdatePayload, payload, PullRequest)
})

/**
 * Approves a pull request as the authenticated user.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const me = PullRequest.approve({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const approve = Effect.fn("Bitbucket.PullRequest.approve")(function*(ref: PullRequestRef) {
  return yield* Http.json({ method: "POST", path: `${one}/approve`, params: ref }, Participant)
})

/**
 * Withdraws the authenticated user's approval.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const done = PullRequest.unapprove({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unapprove = Effect.fn("Bitbucket.PullRequest.unapprove")(function*(ref: PullRequestRef) {
  return yield* Http.empty({ method: "DELETE", path: `${one}/approve`, params: ref })
})

/**
 * Requests changes as the authenticated user.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const me = PullRequest.requestChanges({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const requestChanges = Effect.fn("Bitbucket.PullRequest.requestChanges")(function*(ref: PullRequestRef) {
  return yield* Http.json({ method: "POST", path: `${one}/request-changes`, params: ref }, Participant)
})

/**
 * Withdraws the authenticated user's change request.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const done = PullRequest.unrequestChanges({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unrequestChanges = Effect.fn("Bitbucket.PullRequest.unrequestChanges")(function*(ref: PullRequestRef) {
  return yield* Http.empty({ method: "DELETE", path: `${one}/request-changes`, params: ref })
})

/**
 * Declines a pull request.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const declined = PullRequest.decline({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const decline = Effect.fn("Bitbucket.PullRequest.decline")(function*(ref: PullRequestRef) {
  return yield* Http.json({ method: "POST", path: `${one}/decline`, params: ref }, PullRequest)
})

const TaskStatus = Resource.Struct({
  task_status: Schema.String,
  merge_result: Schema.optional(PullRequest)
})

/**
 * What a merge task's status says. Bitbucket documents PENDING, SUCCESS with the merged pull
 * request, and a 400 for a merge that failed; anything else (a 200 saying FAILED) ends the wait
 * rather than being polled as if still pending, and SUCCESS without the pull request reads it.
 */
const mergeOutcome = (status: typeof TaskStatus.Type): Http.TaskOutcome<PullRequest> => {
  if (status.task_status === "PENDING") return { _tag: "Pending" }
  if (status.task_status === "SUCCESS") {
    return status.merge_result === undefined ? { _tag: "ReadResult" } : { _tag: "Done", value: status.merge_result }
  }
  return { _tag: "Failed", what: `the merge task ended with task_status ${JSON.stringify(status.task_status.slice(0, 50))}, neither PENDING nor SUCCESS` }
}

/**
 * How to wait for a merge Bitbucket runs in the background: every `pollInterval` (default 1
 * second), at most `maxPolls` times (a whole number, at least 1; default 120).
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const patient: PullRequest.PollOptions = { pollInterval: "5 seconds", maxPolls: 60 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PollOptions {
  /** Wait between polls. Default 1 second. */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Polls before giving up. Default 120. */
  readonly maxPolls?: number | undefined
}

/** The polling options, checked before anything is sent: a merge must not go out only to be reported Pending unpolled. */
const pollingOf = (options: PollOptions) => {
  const problems = [
    ["maxPolls", countProblem("maxPolls", options.maxPolls, 1)],
    ["pollInterval", durationProblem("pollInterval", options.pollInterval)]
  ] as const
  for (const [parameter, message] of problems) {
    if (message !== undefined) return Effect.fail(new BitbucketError.InvalidInput({ message, parameter }))
  }
  return Effect.succeed({ interval: options.pollInterval ?? Duration.seconds(1), maxPolls: options.maxPolls ?? 120 })
}

/**
 * Merges a pull request and returns it merged. When Bitbucket answers 202 (a long merge, or
 * `async: true`), the task status is polled until the merge is done; still pending after
 * `maxPolls`, it fails with `Pending`, whose `url` is the task status to poll further (the merge
 * may still go through: {@link awaitMerge} goes on waiting). A task that ends otherwise fails: a
 * merge that failed as Bitbucket's 400 (`BadRequest`), a status neither PENDING nor SUCCESS as
 * `UnexpectedStatus` (status 200, with what the task said). Polling options that are not usable
 * (`maxPolls` 0 or NaN, a `pollInterval` that is not a finite duration) fail with `InvalidInput`
 * before anything is sent.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const merged = PullRequest.merge(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 },
 *   { merge_strategy: "squash", close_source_branch: true }
 * )
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const merge = Effect.fn("Bitbucket.PullRequest.merge")(function*(
  ref: PullRequestRef,
  payload: MergePayload = {},
  options: PollOptions & {
    /** Ask Bitbucket to merge in the background (`?async=true`) and poll. Default false. */
    readonly async?: boolean | undefined
  } = {}
) {
  const polling = yield* pollingOf(options)
  const body = yield* Http.encodePayload(MergePayload, payload)
  return yield* Http.jsonAwaitingTask(
    {
      method: "POST",
      path: `${one}/merge`,
      params: ref,
      query: { async: options.async === true ? "true" : undefined },
      body: { _tag: "Json", value: body }
    },
    PullRequest,
    { schema: TaskStatus, outcome: mergeOutcome, resultUrl: yield* Http.resolve({ path: one, params: ref }), ...polling }
  )
})

/** The pull request a merge task status URL (`…/pullrequests/{id}/merge/task-status/{task_id}`) belongs to, or undefined. */
const mergeTaskOwner = (url: string): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  const owner = /^(.*\/pullrequests\/\d+)\/merge\/task-status\/[^/]+$/.exec(parsed.pathname)?.[1]
  return owner === undefined || parsed.search !== "" || parsed.hash !== "" ? undefined : `${parsed.origin}${owner}`
}

/**
 * Goes on waiting for a merge that {@link merge} left `Pending`: polls its task status (the
 * `Pending` error, or its `url`) as `merge` does, and returns the pull request merged. A task that
 * ends in a failure fails as `merge` does; one that is still pending after `maxPolls` is `Pending`
 * again. Anything but a merge task status URL is `InvalidInput`, before anything is sent.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PullRequest } from "effect-bitbucket"
 *
 * const ref = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
 * const merged = PullRequest.merge(ref, { merge_strategy: "squash" }, { async: true, maxPolls: 10 }).pipe(
 *   // Still running after 10 seconds: wait longer, less often.
 *   Effect.catchTag("Pending", (pending) => PullRequest.awaitMerge(pending, { pollInterval: "10 seconds", maxPolls: 30 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const awaitMerge = Effect.fn("Bitbucket.PullRequest.awaitMerge")(function*(
  task: BitbucketError.Pending | string,
  options: PollOptions = {}
) {
  const polling = yield* pollingOf(options)
  const url = typeof task === "string" ? task : task.url
  const owner = mergeTaskOwner(url)
  if (owner === undefined) {
    return yield* Effect.fail(
      new BitbucketError.InvalidInput({
        message: "task must be a merge's Pending error or its url, …/pullrequests/{id}/merge/task-status/{task_id}",
        parameter: "task"
      })
    )
  }
  return yield* Http.awaitTask(url, PullRequest, { schema: TaskStatus, outcome: mergeOutcome, resultUrl: owner, ...polling })
})

const diffTarget = (ref: PullRequestRef, options: DiffOptions): Http.Target => ({
  method: "GET",
  path: `${one}/diff`,
  params: ref,
  query: { ...options },
  followRedirects: true
})

const patchTarget = (ref: PullRequestRef): Http.Target => ({ method: "GET", path: `${one}/patch`, params: ref, followRedirects: true })

/**
 * The pull request's diff, as text (Bitbucket's redirect to the diff is followed; decoded as
 * UTF-8, so lines of files in another encoding get U+FFFD: {@link diffBytes} keeps them).
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const diff = PullRequest.diff({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const diff = Effect.fn("Bitbucket.PullRequest.diff")(function*(ref: PullRequestRef, options: DiffOptions = {}) {
  return yield* Http.text(diffTarget(ref, options))
})

/**
 * The pull request's diff as Bitbucket sends it: the files' own bytes (what `git apply` needs), streamed as they arrive.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const bytes = PullRequest.diffBytes({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const diffBytes = (
  ref: PullRequestRef,
  options: DiffOptions = {}
): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(diffTarget(ref, options)).pipe(Stream.withSpan("Bitbucket.PullRequest.diffBytes"))

/**
 * The pull request's patch, as text (the redirect is followed; decoded as UTF-8, see
 * {@link patchBytes} for the exact bytes).
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const patch = PullRequest.patch({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const patch = Effect.fn("Bitbucket.PullRequest.patch")(function*(ref: PullRequestRef) {
  return yield* Http.text(patchTarget(ref))
})

/**
 * The pull request's patch as Bitbucket sends it: the files' own bytes, streamed as they arrive.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const bytes = PullRequest.patchBytes({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const patchBytes = (ref: PullRequestRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(patchTarget(ref)).pipe(Stream.withSpan("Bitbucket.PullRequest.patchBytes"))

const subListing = <A, I>(suffix: string, schema: Schema.Schema<A, I>, span: string) =>
(
  ref: PullRequestRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<A, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${one}/${suffix}`, params: ref }, schema, options).pipe(Stream.withSpan(span))

/**
 * The files the pull request changes, with line counts.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const files = PullRequest.diffstat({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const diffstat = subListing("diffstat", DiffStat, "Bitbucket.PullRequest.diffstat")

/**
 * The pull request's activity log: updates, approvals, comments, as open records.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const log = PullRequest.activity({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const activity = subListing("activity", Resource.OpenRecord, "Bitbucket.PullRequest.activity")

/**
 * The activity of every pull request of a repository, newest first, as open records (each names
 * its `pull_request`): pybitbucket's activity for the whole repository.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const log = PullRequest.activityForRepository({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const activityForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Resource.OpenRecord, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${list}/activity`, params: ref }, Resource.OpenRecord, options).pipe(
    Stream.withSpan("Bitbucket.PullRequest.activityForRepository")
  )

/**
 * The commits of the pull request.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const commits = PullRequest.commits({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const commits = subListing("commits", Commit, "Bitbucket.PullRequest.commits")

/**
 * The statuses (builds) reported on the pull request's commits.
 *
 * @example
 * ```ts
 * import { PullRequest } from "effect-bitbucket"
 *
 * const builds = PullRequest.statuses({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const statuses = subListing("statuses", BuildStatus, "Bitbucket.PullRequest.statuses")

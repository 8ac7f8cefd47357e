/**
 * Build statuses: what CI reports on a commit (pybitbucket's `Build`).
 *
 * @example
 * ```ts
 * import { BuildStatus } from "effect-bitbucket"
 *
 * const reported = BuildStatus.create(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" },
 *   { key: "ci", state: "SUCCESSFUL", url: "https://ci.example.com/builds/42", name: "CI #42" }
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import type { CommitRef } from "./Commit.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"

/**
 * The states a build can report.
 *
 * @since 0.1.0
 * @category schemas
 */
export const State = Schema.Literal("SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED")

/**
 * A build state.
 *
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const BuildStatusSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  state: Schema.optional(Schema.Union(State, Schema.String)),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  url: Schema.optional(Schema.String),
  refname: Schema.optional(Schema.NullOr(Schema.String)),
  uuid: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A build status as Bitbucket returns it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildStatus: Resource.NamedStruct<typeof BuildStatusSchema, BuildStatus> = BuildStatusSchema

/**
 * A build status.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildStatus extends Schema.Schema.Type<typeof BuildStatusSchema> {}

const CreatePayloadSchema = Schema.Struct({
  key: Schema.NonEmptyTrimmedString,
  state: State,
  url: Schema.NonEmptyTrimmedString,
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  refname: Schema.optional(Schema.String)
})

/**
 * What to report. `key` identifies the build: posting the same key again overwrites it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * What to report.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({
  state: Schema.optional(State),
  url: Schema.optional(Schema.NonEmptyTrimmedString),
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  refname: Schema.optional(Schema.String)
})

/**
 * What to change in a reported build.
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

/**
 * Identifies one build status of a commit.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildStatusRef extends CommitRef {
  readonly key: string
}

const build = "/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build"

/**
 * Every status reported on a commit (builds and others).
 *
 * @example
 * ```ts
 * import { BuildStatus } from "effect-bitbucket"
 *
 * const failing = BuildStatus.findForCommit(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" },
 *   { q: 'state = "FAILED"' }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCommit = (
  ref: CommitRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<BuildStatus, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses", params: ref }, BuildStatus, options)
    .pipe(Stream.withSpan("Bitbucket.BuildStatus.findForCommit"))

/**
 * One build status by key.
 *
 * @example
 * ```ts
 * import { BuildStatus } from "effect-bitbucket"
 *
 * const ci = BuildStatus.find({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", key: "ci" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.BuildStatus.find")(function*(ref: BuildStatusRef) {
  return yield* Http.json({ method: "GET", path: `${build}/{key}`, params: ref }, BuildStatus)
})

/**
 * The ref of a build status you hold (pybitbucket's `buildstatus.modify(...)` is
 * `BuildStatus.update(yield* BuildStatus.refOf(status), ...)`), read from its `links.self`, which
 * names the commit and the key: a status listed for a commit or a pull request needs no ref built
 * by hand. Fails with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { BuildStatus } from "effect-bitbucket"
 *
 * // Collect first: updating what the listing selects while it pages would skip some.
 * const stopStale = BuildStatus.findForCommit({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" }, { q: 'state = "INPROGRESS"' }).pipe(
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((status) => Effect.flatMap(BuildStatus.refOf(status), (ref) => BuildStatus.update(ref, { state: "STOPPED" })), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (status: BuildStatus): Effect.Effect<BuildStatusRef, BitbucketError.InvalidInput> =>
  refFromSelf<BuildStatusRef>(status, `${build}/{key+}`, "build status")

/**
 * Reports a build on a commit; an existing `key` is overwritten, as on Bitbucket.
 *
 * @example
 * ```ts
 * import { BuildStatus } from "effect-bitbucket"
 *
 * const started = BuildStatus.create(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" },
 *   { key: "ci", state: "INPROGRESS", url: "https://ci.example.com/builds/42" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.BuildStatus.create")(function*(ref: CommitRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: build, params: ref }, CreatePayload, payload, BuildStatus)
})

/**
 * Changes a reported build.
 *
 * @example
 * ```ts
 * import { BuildStatus } from "effect-bitbucket"
 *
 * const finished = BuildStatus.update(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", key: "ci" },
 *   { state: "SUCCESSFUL" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.BuildStatus.update")(function*(ref: BuildStatusRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: `${build}/{key}`, params: ref }, UpdatePayload, payload, BuildStatus)
})

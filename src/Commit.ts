/**
 * Commits: find one, stream a history, approve, read diffs, patches and diffstats, find a merge base.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Commit } from "effect-bitbucket"
 *
 * const lastTen = Commit.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { branch: "main" }).pipe(
 *   Stream.take(10)
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const AuthorSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  raw: Schema.optional(Schema.String),
  user: Schema.optional(Account)
})

/**
 * A commit author: the raw `Name <email>` and, when Bitbucket matched it, the account.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Author: Resource.NamedStruct<typeof AuthorSchema, Author> = AuthorSchema

/**
 * A commit author: the raw `Name <email>` and, when Bitbucket matched it, the account.
 *
 * @since 0.1.0
 * @category models
 */
export interface Author extends Schema.Schema.Type<typeof AuthorSchema> {}

const CommitLinkSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  hash: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A commit's parent as embedded in a commit.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CommitLink: Resource.NamedStruct<typeof CommitLinkSchema, CommitLink> = CommitLinkSchema

/**
 * A commit's parent as embedded in a commit.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommitLink extends Schema.Schema.Type<typeof CommitLinkSchema> {}

const CommitSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  hash: Schema.optional(Schema.String),
  date: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  author: Schema.optional(Author),
  parents: Schema.optional(Schema.Array(CommitLink)),
  summary: Schema.optional(Resource.Rendered),
  repository: Schema.optional(Resource.OpenRecord),
  participants: Schema.optional(Schema.Array(Resource.OpenRecord)),
  links: Schema.optional(Resource.Links)
})

/**
 * A commit. Every field is optional (a `fields` selection can trim any of them, `type` included): pull requests and refs embed commits with only
 * `hash` and `links`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Commit: Resource.NamedStruct<typeof CommitSchema, Commit> = CommitSchema

/**
 * A commit.
 *
 * @since 0.1.0
 * @category models
 */
export interface Commit extends Schema.Schema.Type<typeof CommitSchema> {}

const DiffStatSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  status: Schema.optional(Schema.Union(Schema.Literal("added", "removed", "modified", "renamed"), Schema.String)),
  lines_added: Schema.optional(Schema.Number),
  lines_removed: Schema.optional(Schema.Number),
  old: Schema.optional(Schema.NullOr(Resource.OpenRecord)),
  new: Schema.optional(Schema.NullOr(Resource.OpenRecord))
})

/**
 * One file of a diffstat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DiffStat: Resource.NamedStruct<typeof DiffStatSchema, DiffStat> = DiffStatSchema

/**
 * One file of a diffstat.
 *
 * @since 0.1.0
 * @category models
 */
export interface DiffStat extends Schema.Schema.Type<typeof DiffStatSchema> {}

const ParticipantSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  user: Schema.optional(Account),
  role: Schema.optional(Schema.Union(Schema.Literal("PARTICIPANT", "REVIEWER"), Schema.String)),
  approved: Schema.optional(Schema.Boolean),
  state: Schema.optional(Schema.NullOr(Schema.String)),
  participated_on: Schema.optional(Schema.NullOr(Schema.String))
})

/**
 * A participant: an account's role and approval on a commit or pull request.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Participant: Resource.NamedStruct<typeof ParticipantSchema, Participant> = ParticipantSchema

/**
 * A participant.
 *
 * @since 0.1.0
 * @category models
 */
export interface Participant extends Schema.Schema.Type<typeof ParticipantSchema> {}

/**
 * Identifies a commit: a hash (or any revision Bitbucket resolves) in a repository.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommitRef extends RepositoryRef {
  readonly commit: string
}

const path = "/repositories/{workspace}/{repo_slug}/commit/{commit}"

/**
 * A commit by hash.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const commit = Commit.find({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Commit.find")(function*(ref: CommitRef) {
  return yield* Http.json({ method: "GET", path, params: ref }, Commit)
})

/**
 * The ref of a commit you hold (pybitbucket's `commit.approve()` is
 * `Commit.approve(yield* Commit.refOf(commit))`), read from its `links.self`: a commit listed, or
 * one embedded in a pull request's `source` (whose link Bitbucket writes with the short hash: the
 * API takes it as well; `Commit.find` gives the full one). Fails with `InvalidInput` when it came
 * without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Commit } from "effect-bitbucket"
 *
 * const approveLastFive = Commit.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { branch: "main" }).pipe(
 *   Stream.take(5),
 *   Stream.mapEffect((commit) => Effect.flatMap(Commit.refOf(commit), Commit.approve)),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (commit: Commit): Effect.Effect<CommitRef, BitbucketError.InvalidInput> =>
  refFromSelf<CommitRef>(commit, path, "commit")

/**
 * What to list: a branch or revision (default: every branch), commits to `include` / `exclude`
 * (like `git log include ^exclude`), and a `path` the commits touch.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistoryOptions extends Pagination.ListOptions {
  /** A branch name, tag or hash to start from (the API's `revision`). */
  readonly branch?: string | undefined
  /** Same as `branch`. */
  readonly revision?: string | undefined
  readonly include?: string | ReadonlyArray<string> | undefined
  readonly exclude?: string | ReadonlyArray<string> | undefined
  readonly path?: string | undefined
}

/**
 * A repository's commit history, newest first (an iterator-based listing: pages are followed one by
 * one).
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const mainOnly = Commit.findForRepository(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { branch: "main", exclude: "release", path: "src/index.ts" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: HistoryOptions = {}
): Stream.Stream<Commit, BitbucketError.BitbucketError, Http.Requirements> => {
  const revision = options.revision ?? options.branch
  return Pagination.stream(
    {
      path: revision === undefined ? "/repositories/{workspace}/{repo_slug}/commits" : "/repositories/{workspace}/{repo_slug}/commits/{revision}",
      params: { ...ref, revision },
      query: { include: options.include, exclude: options.exclude, path: options.path }
    },
    Commit,
    options
  ).pipe(Stream.withSpan("Bitbucket.Commit.findForRepository"))
}

/**
 * Approves a commit as the authenticated user.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const participant = Commit.approve({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const approve = Effect.fn("Bitbucket.Commit.approve")(function*(ref: CommitRef) {
  return yield* Http.json({ method: "POST", path: `${path}/approve`, params: ref }, Participant)
})

/**
 * Withdraws the authenticated user's approval of a commit.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const done = Commit.unapprove({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unapprove = Effect.fn("Bitbucket.Commit.unapprove")(function*(ref: CommitRef) {
  return yield* Http.empty({ method: "DELETE", path: `${path}/approve`, params: ref })
})

/**
 * Identifies a diff: `spec` is a commit (diff against its first parent) or `source..destination`:
 * the changes of `source` not in `destination`, the opposite of `git diff`'s order (so
 * `feature..main` previews what merging `feature` into `main` brings).
 *
 * @since 0.1.0
 * @category models
 */
export interface DiffRef extends RepositoryRef {
  readonly spec: string
}

/**
 * Options of diffs and diffstats.
 *
 * @since 0.1.0
 * @category models
 */
export interface DiffOptions {
  readonly path?: string | ReadonlyArray<string> | undefined
  readonly context?: number | undefined
  readonly ignore_whitespace?: boolean | undefined
  readonly binary?: boolean | undefined
  readonly renames?: boolean | undefined
  readonly topic?: boolean | undefined
}

const diffQuery = (options: DiffOptions) => ({
  path: options.path,
  context: options.context,
  ignore_whitespace: options.ignore_whitespace,
  binary: options.binary,
  renames: options.renames,
  topic: options.topic
})

const diffTarget = (ref: DiffRef, options: DiffOptions): Http.Target => ({
  method: "GET",
  path: "/repositories/{workspace}/{repo_slug}/diff/{spec}",
  params: ref,
  query: diffQuery(options),
  followRedirects: true
})

const patchTarget = (ref: DiffRef): Http.Target => ({
  method: "GET",
  path: "/repositories/{workspace}/{repo_slug}/patch/{spec}",
  params: ref,
  followRedirects: true
})

/**
 * The unified diff of a commit or range, as text (decoded as UTF-8: lines of files in another
 * encoding get U+FFFD; {@link diffBytes} keeps them as they are).
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const diff = Commit.diff({ workspace: "demo", repo_slug: "effect-playground", spec: "feature..main" }, { context: 5 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const diff = Effect.fn("Bitbucket.Commit.diff")(function*(ref: DiffRef, options: DiffOptions = {}) {
  return yield* Http.text(diffTarget(ref, options))
})

/**
 * The unified diff of a commit or range, as Bitbucket sends it: the files' own bytes, in whatever
 * encoding they use (what `git apply` needs), streamed as they arrive.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const bytes = Commit.diffBytes({ workspace: "demo", repo_slug: "effect-playground", spec: "feature..main" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const diffBytes = (
  ref: DiffRef,
  options: DiffOptions = {}
): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(diffTarget(ref, options)).pipe(Stream.withSpan("Bitbucket.Commit.diffBytes"))

/**
 * The patch (`git format-patch` style) of a commit or range, as text (decoded as UTF-8; see
 * {@link patchBytes} for the exact bytes).
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const patch = Commit.patch({ workspace: "demo", repo_slug: "effect-playground", spec: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const patch = Effect.fn("Bitbucket.Commit.patch")(function*(ref: DiffRef) {
  return yield* Http.text(patchTarget(ref))
})

/**
 * The patch of a commit or range, as Bitbucket sends it: the files' own bytes, streamed as they arrive.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const bytes = Commit.patchBytes({ workspace: "demo", repo_slug: "effect-playground", spec: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const patchBytes = (ref: DiffRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(patchTarget(ref)).pipe(Stream.withSpan("Bitbucket.Commit.patchBytes"))

/**
 * The files a commit or range changes, with line counts.
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const files = Commit.diffstat({ workspace: "demo", repo_slug: "effect-playground", spec: "feature..main" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const diffstat = (
  ref: DiffRef,
  options: DiffOptions & Pagination.ListOptions = {}
): Stream.Stream<DiffStat, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream(
    { path: "/repositories/{workspace}/{repo_slug}/diffstat/{spec}", params: ref, query: diffQuery(options) },
    DiffStat,
    options
  ).pipe(Stream.withSpan("Bitbucket.Commit.diffstat"))

/**
 * The best common ancestor of two commits (`revspec` is `a..b`).
 *
 * @example
 * ```ts
 * import { Commit } from "effect-bitbucket"
 *
 * const base = Commit.mergeBase({ workspace: "demo", repo_slug: "effect-playground", revspec: "main..feature" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const mergeBase = Effect.fn("Bitbucket.Commit.mergeBase")(function*(
  ref: RepositoryRef & { readonly revspec: string }
) {
  return yield* Http.json(
    { method: "GET", path: "/repositories/{workspace}/{repo_slug}/merge-base/{revspec}", params: ref },
    Commit
  )
})

/**
 * Comments on pull requests, commits, snippets and issues.
 *
 * The operations take the commented thing as a "subject": a pull request
 * (`{ workspace, repo_slug, pull_request_id }`), a commit (`{ workspace, repo_slug, commit }`), a
 * snippet (`{ workspace, encoded_id }`) or an issue (`{ workspace, repo_slug, issue_id }`); one
 * comment adds `comment_id`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Comment } from "effect-bitbucket"
 *
 * const pr = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
 * const program = Effect.gen(function* () {
 *   const c = yield* Comment.create(pr, { content: { raw: "Looks good" }, inline: { path: "src/index.ts", to: 12 } })
 *   yield* Comment.create(pr, { content: { raw: "Agreed" }, parent: { id: c.id! } })
 *   yield* Comment.resolve({ ...pr, comment_id: c.id! })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const InlineSchema = Resource.Struct({
  path: Schema.optional(Schema.String),
  from: Schema.optional(Schema.NullOr(Schema.Number)),
  to: Schema.optional(Schema.NullOr(Schema.Number))
})

/**
 * Where an inline comment sits: a file, and a line in the old (`from`) or new (`to`) version.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Inline: Resource.NamedStruct<typeof InlineSchema, Inline> = InlineSchema

/**
 * Where an inline comment sits: a file, and a line in the old (`from`) or new (`to`) version.
 *
 * @since 0.1.0
 * @category models
 */
export interface Inline extends Schema.Schema.Type<typeof InlineSchema> {}

const CommentSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  content: Schema.optional(Resource.Rendered),
  user: Schema.optional(Account),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.NullOr(Schema.String)),
  deleted: Schema.optional(Schema.Boolean),
  inline: Schema.optional(Inline),
  parent: Schema.optional(Resource.Struct({ id: Schema.optional(Schema.Number) })),
  pending: Schema.optional(Schema.Boolean),
  resolution: Schema.optional(Schema.NullOr(Resource.OpenRecord)),
  pullrequest: Schema.optional(Resource.OpenRecord),
  commit: Schema.optional(Resource.OpenRecord),
  snippet: Schema.optional(Resource.OpenRecord),
  issue: Schema.optional(Resource.OpenRecord),
  links: Schema.optional(Resource.Links)
})

/**
 * A comment on a pull request, commit, snippet or issue. Content comes back as `{ raw, markup, html }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Comment: Resource.NamedStruct<typeof CommentSchema, Comment> = CommentSchema

/**
 * A comment.
 *
 * @since 0.1.0
 * @category models
 */
export interface Comment extends Schema.Schema.Type<typeof CommentSchema> {}

const CreatePayloadSchema = Schema.Struct({
  content: Schema.Struct({ raw: Schema.NonEmptyString }),
  inline: Schema.optional(
    Schema.Struct({
      path: Schema.NonEmptyTrimmedString,
      from: Schema.optional(Schema.Int.pipe(Schema.positive())),
      to: Schema.optional(Schema.Int.pipe(Schema.positive()))
    })
  ),
  parent: Schema.optional(Schema.Struct({ id: Schema.Int })),
  pending: Schema.optional(Schema.Boolean)
})

/**
 * What to post: markdown in `content.raw`; `inline` places it on a line of a file (pull requests and
 * commits); `parent` makes it a reply; `pending: true` makes a pull request comment a draft
 * (`pending` on the comment) until its author publishes their review.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * What to post.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({ content: Schema.Struct({ raw: Schema.NonEmptyString }) })

/**
 * What to change: the content.
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
 * A pull request as the subject of comments.
 *
 * @since 0.1.0
 * @category models
 */
export interface PullRequestSubject {
  readonly workspace: string
  readonly repo_slug: string
  readonly pull_request_id: number
}

/**
 * A commit as the subject of comments.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommitSubject {
  readonly workspace: string
  readonly repo_slug: string
  readonly commit: string
}

/**
 * A snippet as the subject of comments.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnippetSubject {
  readonly workspace: string
  readonly encoded_id: string
}

/**
 * An issue as the subject of comments.
 *
 * @since 0.1.0
 * @category models
 */
export interface IssueSubject {
  readonly workspace: string
  readonly repo_slug: string
  readonly issue_id: number
}

/**
 * What comments can be on, told by the one key naming it (`pull_request_id`, `commit`, `issue_id`
 * or `encoded_id`): a value naming two is refused with `InvalidInput` before anything is sent.
 *
 * @since 0.1.0
 * @category models
 */
export type Subject = PullRequestSubject | CommitSubject | SnippetSubject | IssueSubject

/**
 * Identifies one comment.
 *
 * @since 0.1.0
 * @category models
 */
export type CommentRef<S extends Subject = Subject> = S & { readonly comment_id: number }

const collections = {
  pull_request_id: "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments",
  commit: "/repositories/{workspace}/{repo_slug}/commit/{commit}/comments",
  issue_id: "/repositories/{workspace}/{repo_slug}/issues/{issue_id}/comments",
  encoded_id: "/snippets/{workspace}/{encoded_id}/comments"
} as const

/**
 * The comments' path of a subject, told by the one key naming it. A value naming two (a context
 * object carrying both a pull request id and a commit) is refused: which comments it meant is a guess.
 */
const collection = (subject: Subject): Effect.Effect<string, BitbucketError.InvalidInput> => {
  const named = (Object.keys(collections) as ReadonlyArray<keyof typeof collections>).filter((key) =>
    (subject as { readonly [K in keyof typeof collections]?: unknown })[key] !== undefined
  )
  return named.length === 1
    ? Effect.succeed(collections[named[0]!])
    : Effect.fail(
      new BitbucketError.InvalidInput({
        message: `a comment subject names exactly one of pull_request_id, commit, issue_id or encoded_id; this one names ${
          named.length === 0 ? "none" : named.join(" and ")
        }`,
        parameter: "subject"
      })
    )
}

/**
 * The ref of a comment you hold (pybitbucket's `comment.delete()` is
 * `Comment.delete(yield* Comment.refOf(comment))`), read from its `links.self`: a pull request,
 * commit, issue or snippet comment gives back its own subject and `comment_id`, so that one
 * operation serves comments found anywhere. Fails with `InvalidInput` when it came without one
 * (trimmed by `fields`). Resolving needs a pull request comment: `"pull_request_id" in ref` tells.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Comment } from "effect-bitbucket"
 *
 * const resolveAll = Comment.findForPullRequest({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }).pipe(
 *   Stream.mapEffect((comment) =>
 *     Effect.flatMap(Comment.refOf(comment), (ref) => "pull_request_id" in ref ? Comment.resolve(ref) : Effect.void)
 *   ),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (comment: Comment): Effect.Effect<CommentRef, BitbucketError.InvalidInput> =>
  refFromSelf<CommentRef>(
    comment,
    Object.values(collections).map((path) => `${path}/{comment_id}`),
    "comment",
    ["pull_request_id", "issue_id", "comment_id"]
  )

/** A listing of comments with a span of its own. */
const listing = (span: string) =>
(
  subject: Subject,
  options: Pagination.ListOptions = {}
): Stream.Stream<Comment, BitbucketError.BitbucketError, Http.Requirements> =>
  Stream.unwrap(Effect.map(collection(subject), (path) => Pagination.stream({ path, params: subject }, Comment, options))).pipe(
    Stream.withSpan(span)
  )

/**
 * The comments on a pull request, commit, snippet or issue (replies included; follow `parent`).
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const inline = Comment.findFor(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 },
 *   { q: "inline.path != null" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findFor = listing("Bitbucket.Comment.findFor")

/**
 * The comments on a pull request.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const comments = Comment.findForPullRequest({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForPullRequest: (
  subject: PullRequestSubject,
  options?: Pagination.ListOptions
) => Stream.Stream<Comment, BitbucketError.BitbucketError, Http.Requirements> = listing("Bitbucket.Comment.findForPullRequest")

/**
 * The comments on a commit.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const comments = Comment.findForCommit({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCommit: (
  subject: CommitSubject,
  options?: Pagination.ListOptions
) => Stream.Stream<Comment, BitbucketError.BitbucketError, Http.Requirements> = listing("Bitbucket.Comment.findForCommit")

/**
 * The comments on a snippet.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const comments = Comment.findForSnippet({ workspace: "demo", encoded_id: "k3Rp9" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForSnippet: (
  subject: SnippetSubject,
  options?: Pagination.ListOptions
) => Stream.Stream<Comment, BitbucketError.BitbucketError, Http.Requirements> = listing("Bitbucket.Comment.findForSnippet")

/**
 * The comments on an issue (Bitbucket filters them with `q`).
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const comments = Comment.findForIssue({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForIssue: (
  subject: IssueSubject,
  options?: Pagination.ListOptions
) => Stream.Stream<Comment, BitbucketError.BitbucketError, Http.Requirements> = listing("Bitbucket.Comment.findForIssue")

/**
 * One comment.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const c = Comment.find({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, comment_id: 7 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Comment.find")(function*(ref: CommentRef) {
  return yield* Http.json({ method: "GET", path: `${yield* collection(ref)}/{comment_id}`, params: ref }, Comment)
})

/**
 * Posts a comment, an inline comment or a reply.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const c = Comment.create(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" },
 *   { content: { raw: "Why this change?" }, inline: { path: "README.md", to: 3 } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.Comment.create")(function*(subject: Subject, payload: CreatePayload) {
  // What the subject's comments cannot hold is refused, not dropped in silence by Bitbucket.
  const path = yield* collection(subject)
  const pullRequest = path === collections.pull_request_id
  const unfit = payload.pending !== undefined && !pullRequest
    ? "pending"
    : payload.inline !== undefined && !pullRequest && path !== collections.commit
    ? "inline"
    : undefined
  if (unfit !== undefined) {
    return yield* new BitbucketError.InvalidInput({
      message: `invalid payload.${unfit}: only ${unfit === "pending" ? "pull request comments are drafts" : "pull request and commit comments sit on a line"}`,
      parameter: `payload.${unfit}`
    })
  }
  return yield* Http.jsonWithBody({ method: "POST", path, params: subject }, CreatePayload, payload, Comment)
})

/**
 * Edits a comment's content.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const c = Comment.update(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, comment_id: 7 },
 *   { content: { raw: "Edited" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Comment.update")(function*(ref: CommentRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody(
    { method: "PUT", path: `${yield* collection(ref)}/{comment_id}`, params: ref },
    UpdatePayload,
    payload,
    Comment
  )
})

const del = Effect.fn("Bitbucket.Comment.delete")(function*(ref: CommentRef) {
  return yield* Http.empty({ method: "DELETE", path: `${yield* collection(ref)}/{comment_id}`, params: ref })
})

export {
  /**
   * Deletes a comment.
   *
   * @example
   * ```ts
   * import { Comment } from "effect-bitbucket"
   *
   * const done = Comment.delete({ workspace: "demo", encoded_id: "k3Rp9", comment_id: 3 })
   * ```
   *
   * @since 0.1.0
   * @category destructors
   */
  del as delete
}

/**
 * Resolves a pull request comment thread; returns the resolution.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const resolution = Comment.resolve({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, comment_id: 7 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const resolve = Effect.fn("Bitbucket.Comment.resolve")(function*(ref: CommentRef<PullRequestSubject>) {
  return yield* Http.json(
    { method: "POST", path: `${yield* collection(ref)}/{comment_id}/resolve`, params: ref },
    Resource.OpenRecord
  )
})

/**
 * Reopens a resolved pull request comment thread.
 *
 * @example
 * ```ts
 * import { Comment } from "effect-bitbucket"
 *
 * const done = Comment.reopen({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, comment_id: 7 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const reopen = Effect.fn("Bitbucket.Comment.reopen")(function*(ref: CommentRef<PullRequestSubject>) {
  return yield* Http.empty({ method: "DELETE", path: `${yield* collection(ref)}/{comment_id}/resolve`, params: ref })
})

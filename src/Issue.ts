/**
 * A repository's issue tracker: issues found with BBQL, created, edited and deleted; their state
 * changed with a message (`changes`); files attached; votes and watches; and the tracker's
 * components, milestones and versions. Comments on issues are in `Comment`, with an issue subject
 * (`{ workspace, repo_slug, issue_id }`). The tracker answers 404 on a repository without one
 * (`has_issues: false`). Bitbucket is retiring issue trackers; the asynchronous issue export and
 * import (zip jobs) are not covered.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Comment, Issue } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   const issue = yield* Issue.create(repo, { title: "Retries never stop", kind: "bug", priority: "major" })
 *   const ref = { ...repo, issue_id: issue.id! }
 *   yield* Comment.create(ref, { content: { raw: "Seen on the CI runner too." } })
 *   return yield* Issue.createChange(ref, { changes: { state: { new: "resolved" } }, message: { raw: "Fixed in 1.2" } })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Multipart from "./internal/multipart.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * The kinds of an issue.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Kind = Schema.Literal("bug", "enhancement", "proposal", "task")

/**
 * An issue kind.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

/**
 * The priorities of an issue, lowest first.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Priority = Schema.Literal("trivial", "minor", "major", "critical", "blocker")

/**
 * An issue priority.
 *
 * @since 0.1.0
 * @category models
 */
export type Priority = typeof Priority.Type

/**
 * The states of an issue.
 *
 * @since 0.1.0
 * @category schemas
 */
export const State = Schema.Literal("new", "open", "submitted", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed")

/**
 * An issue state.
 *
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const NamedSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  name: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A component, milestone or version of an issue tracker: an `id` and a `name`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Named: Resource.NamedStruct<typeof NamedSchema, Named> = NamedSchema

/**
 * A component, milestone or version.
 *
 * @since 0.1.0
 * @category models
 */
export interface Named extends Schema.Schema.Type<typeof NamedSchema> {}

const IssueSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  content: Schema.optional(Resource.Rendered),
  kind: Schema.optional(Schema.Union(Kind, Schema.String)),
  priority: Schema.optional(Schema.Union(Priority, Schema.String)),
  state: Schema.optional(Schema.Union(State, Schema.String)),
  reporter: Schema.optional(Schema.NullOr(Account)),
  assignee: Schema.optional(Schema.NullOr(Account)),
  component: Schema.optional(Schema.NullOr(Named)),
  milestone: Schema.optional(Schema.NullOr(Named)),
  version: Schema.optional(Schema.NullOr(Named)),
  votes: Schema.optional(Schema.Number),
  watches: Schema.optional(Schema.Number),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.NullOr(Schema.String)),
  edited_on: Schema.optional(Schema.NullOr(Schema.String)),
  repository: Schema.optional(Resource.OpenRecord),
  links: Schema.optional(Resource.Links)
})

/**
 * An issue as Bitbucket returns it: `id` is its number in the repository; `reporter` opened it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Issue: Resource.NamedStruct<typeof IssueSchema, Issue> = IssueSchema

/**
 * An issue.
 *
 * @since 0.1.0
 * @category models
 */
export interface Issue extends Schema.Schema.Type<typeof IssueSchema> {}

const ChangeValue = Resource.Struct({
  old: Schema.optional(Schema.NullOr(Schema.String)),
  new: Schema.optional(Schema.NullOr(Schema.String))
})

const ChangeSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  name: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  user: Schema.optional(Schema.NullOr(Account)),
  issue: Schema.optional(Resource.OpenRecord),
  changes: Schema.optional(Schema.Record({ key: Schema.String, value: ChangeValue })),
  message: Schema.optional(Schema.NullOr(Resource.Rendered)),
  links: Schema.optional(Resource.Links)
})

/**
 * A change of an issue (an entry of its log): who (`user`) changed which fields (`changes`, each
 * `{ old, new }`, strings; an assignee is logged as `assignee_account_id`) when, with an optional
 * `message`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Change: Resource.NamedStruct<typeof ChangeSchema, Change> = ChangeSchema

/**
 * An issue change.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change extends Schema.Schema.Type<typeof ChangeSchema> {}

const AttachmentSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A file attached to an issue (its name and links; the bytes are {@link attachmentContent}).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Attachment: Resource.NamedStruct<typeof AttachmentSchema, Attachment> = AttachmentSchema

/**
 * An issue attachment.
 *
 * @since 0.1.0
 * @category models
 */
export interface Attachment extends Schema.Schema.Type<typeof AttachmentSchema> {}

/** A title: Bitbucket refuses a blank one (400), so it is refused before sending. */
const Title = Schema.String.pipe(Schema.filter((title) => title.trim().length > 0 || "must not be blank"))
const ByName = Schema.Struct({ name: Schema.NonEmptyTrimmedString })
/** An issue's text; `markup` says how Bitbucket reads `raw` (markdown unless told). */
const Content = Schema.Struct({ raw: Schema.String, markup: Schema.optional(Schema.Literal("markdown", "creole", "plaintext")) })
/** An account, by `account_id` or by `uuid` (which every account has, bots included). */
const ByAccount = Schema.Union(
  Schema.Struct({ account_id: Schema.NonEmptyTrimmedString }),
  Schema.Struct({ uuid: Schema.NonEmptyTrimmedString })
)

const CreatePayloadSchema = Schema.Struct({
  title: Title,
  content: Schema.optional(Content),
  kind: Schema.optional(Kind),
  priority: Schema.optional(Priority),
  state: Schema.optional(State),
  assignee: Schema.optional(ByAccount),
  component: Schema.optional(ByName),
  milestone: Schema.optional(ByName),
  version: Schema.optional(ByName)
})

/**
 * What to report: a `title` (not blank), markdown in `content.raw` (or what `content.markup`
 * names: `creole`, `plaintext`), a `kind`, `priority` and
 * `state` (Bitbucket's defaults: bug, major, new), an `assignee` by `account_id` or `uuid`, and the
 * `component`, `milestone` and `version` by name.
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
  title: Schema.optional(Title),
  content: Schema.optional(Content),
  kind: Schema.optional(Kind),
  priority: Schema.optional(Priority),
  state: Schema.optional(State),
  assignee: Schema.optional(Schema.NullOr(ByAccount)),
  component: Schema.optional(Schema.NullOr(ByName)),
  milestone: Schema.optional(Schema.NullOr(ByName)),
  version: Schema.optional(Schema.NullOr(ByName))
})

/**
 * What to change: one or more fields of {@link CreatePayload}; `null` clears the assignee, the
 * component, the milestone or the version. To change the state with a message, see
 * {@link createChange}.
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

const to = <A, I>(value: Schema.Schema<A, I>) => Schema.optional(Schema.Struct({ new: value }))

const ChangePayloadSchema = Schema.Struct({
  changes: Schema.Struct({
    state: to(State),
    kind: to(Kind),
    priority: to(Priority),
    title: to(Title),
    content: to(Schema.String),
    /**
     * The new assignee, by `account_id`. (Bitbucket's `changes.assignee` is the deprecated
     * username field, which accounts no longer have.)
     */
    assignee_account_id: to(Schema.NonEmptyTrimmedString),
    component: to(Schema.NonEmptyTrimmedString),
    milestone: to(Schema.NonEmptyTrimmedString),
    version: to(Schema.NonEmptyTrimmedString)
  }),
  message: Schema.optional(Schema.Struct({ raw: Schema.String }))
})

/**
 * A change to make: each field in `changes` with its `new` value (the assignee as
 * `assignee_account_id`; component, milestone and version by name), and an optional `message`
 * recorded with it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChangePayload: Resource.NamedStruct<typeof ChangePayloadSchema, ChangePayload> = ChangePayloadSchema

/**
 * A change to make.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangePayload extends Schema.Schema.Type<typeof ChangePayloadSchema> {}

const FilesSchema = Multipart.uploadFiles("an attachment")

/**
 * Files to attach: each a name and its contents (text is sent as UTF-8, bytes as they are).
 *
 * @since 0.1.0
 * @category payloads
 */
export const Files: Schema.Schema<Files, Schema.Schema.Encoded<typeof FilesSchema>> = FilesSchema

/**
 * Files to attach.
 *
 * @since 0.1.0
 * @category payloads
 */
export type Files = ReadonlyArray<{ readonly name: string; readonly content: string | Uint8Array }>

/**
 * Identifies one issue of a repository.
 *
 * @since 0.1.0
 * @category models
 */
export interface IssueRef extends RepositoryRef {
  readonly issue_id: number
}

/**
 * The ref of an issue you hold, read from its `links.self`. Fails with `InvalidInput` when it came
 * without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Issue } from "effect-bitbucket"
 *
 * const watchOpenBugs = Issue.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { q: 'kind = "bug" AND state = "open"' }).pipe(
 *   Stream.mapEffect((issue) => Effect.flatMap(Issue.refOf(issue), Issue.watch)),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (issue: Issue): Effect.Effect<IssueRef, BitbucketError.InvalidInput> =>
  refFromSelf<IssueRef>(issue, `${issues}/{issue_id}`, "issue", ["issue_id"])

/**
 * Identifies one change of an issue.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChangeRef extends IssueRef {
  readonly change_id: number
}

/**
 * Identifies one attachment of an issue, by file name (`path`, as the API names it).
 *
 * @since 0.1.0
 * @category models
 */
export interface AttachmentRef extends IssueRef {
  readonly path: string
}

/**
 * Identifies one component of a repository's issue tracker.
 *
 * @since 0.1.0
 * @category models
 */
export interface ComponentRef extends RepositoryRef {
  readonly component_id: number
}

/**
 * Identifies one milestone of a repository's issue tracker.
 *
 * @since 0.1.0
 * @category models
 */
export interface MilestoneRef extends RepositoryRef {
  readonly milestone_id: number
}

/**
 * Identifies one version of a repository's issue tracker.
 *
 * @since 0.1.0
 * @category models
 */
export interface VersionRef extends RepositoryRef {
  readonly version_id: number
}

const issues = "/repositories/{workspace}/{repo_slug}/issues"
const issue = `${issues}/{issue_id}`
const changes = `${issue}/changes`
const attachments = `${issue}/attachments`
const attachment = `${attachments}/{path}`

/**
 * The issues of a repository; `q` filters them with BBQL, `sort` orders them.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const openBugs = Issue.findForRepository(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { q: 'kind = "bug" AND (state = "new" OR state = "open")', sort: "-updated_on" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Issue, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: issues, params: ref }, Issue, options).pipe(Stream.withSpan("Bitbucket.Issue.findForRepository"))

/**
 * One issue.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const issue = Issue.find({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Issue.find")(function*(ref: IssueRef) {
  return yield* Http.json({ method: "GET", path: issue, params: ref }, Issue)
})

/**
 * Reports an issue; the caller is its `reporter`. A blank title fails with `InvalidInput` and
 * sends nothing.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const issue = Issue.create(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { title: "Document the retry schedule", kind: "task", priority: "minor", content: { raw: "See `BitbucketConfig`." } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.Issue.create")(function*(ref: RepositoryRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: issues, params: ref }, CreatePayload, payload, Issue)
})

/**
 * Edits an issue (an update that changes nothing is `InvalidInput`, not sent).
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const issue = Issue.update(
 *   { workspace: "demo", repo_slug: "effect-playground", issue_id: 3 },
 *   { priority: "critical", assignee: { account_id: "557058:bob" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Issue.update")(function*(ref: IssueRef, payload: UpdatePayload) {
  if (Object.values(payload).every((value) => value === undefined)) {
    return yield* new BitbucketError.InvalidInput({ message: "an issue update changes at least one field: got none", parameter: "payload" })
  }
  return yield* Http.jsonWithBody({ method: "PUT", path: issue, params: ref }, UpdatePayload, payload, Issue)
})

const del = Effect.fn("Bitbucket.Issue.delete")(function*(ref: IssueRef) {
  return yield* Http.empty({ method: "DELETE", path: issue, params: ref })
})

export {
  /**
   * Deletes an issue, with its comments, changes and attachments. Its number is not given again.
   *
   * @example
   * ```ts
   * import { Issue } from "effect-bitbucket"
   *
   * const done = Issue.delete({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
   * ```
   *
   * @since 0.1.0
   * @category destructors
   */
  del as delete
}

/**
 * The changes of an issue (its log), oldest first unless `sort` says otherwise; `q` filters them.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const stateChanges = Issue.findChanges(
 *   { workspace: "demo", repo_slug: "effect-playground", issue_id: 3 },
 *   { q: "changes.state.new != null", sort: "-created_on" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findChanges = (
  ref: IssueRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Change, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: changes, params: ref }, Change, options).pipe(Stream.withSpan("Bitbucket.Issue.findChanges"))

/**
 * One change of an issue.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const change = Issue.findChange({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3, change_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findChange = Effect.fn("Bitbucket.Issue.findChange")(function*(ref: ChangeRef) {
  return yield* Http.json({ method: "GET", path: `${changes}/{change_id}`, params: ref }, Change)
})

/**
 * Changes an issue the way its page does: new values for some fields (usually the `state`) and a
 * message, recorded together in the issue's log. A change of nothing is `InvalidInput`, not sent.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const change = Issue.createChange(
 *   { workspace: "demo", repo_slug: "effect-playground", issue_id: 3 },
 *   { changes: { state: { new: "resolved" } }, message: { raw: "Fixed by #12" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createChange = Effect.fn("Bitbucket.Issue.createChange")(function*(ref: IssueRef, payload: ChangePayload) {
  // The schema's check comes first when `changes` is not even an object (untyped callers).
  const named = typeof payload.changes === "object" && payload.changes !== null ? Object.values(payload.changes) : [true]
  if (named.every((value) => value === undefined)) {
    return yield* new BitbucketError.InvalidInput({ message: "an issue change names at least one field in changes: got none", parameter: "payload.changes" })
  }
  return yield* Http.jsonWithBody({ method: "POST", path: changes, params: ref }, ChangePayload, payload, Change)
})

/**
 * The files attached to an issue.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const files = Issue.findAttachments({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findAttachments = (
  ref: IssueRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<Attachment, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: attachments, params: ref }, Attachment, options).pipe(Stream.withSpan("Bitbucket.Issue.findAttachments"))

/**
 * Attaches files to an issue (`multipart/form-data`); a file named like an attachment replaces
 * it. An empty list, an empty or repeated name, or a name a multipart header cannot carry is
 * `InvalidInput`.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const attached = Issue.uploadAttachments({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 }, [
 *   { name: "trace.log", content: "retry 1\nretry 2\n" }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const uploadAttachments = Effect.fn("Bitbucket.Issue.uploadAttachments")(function*(ref: IssueRef, files: Files) {
  const encoded = yield* Http.encodePayload(Files, files, "files")
  const parts = encoded.map((file) => Multipart.file("files", file.name, file.content))
  return yield* Http.empty({ method: "POST", path: attachments, params: ref, body: { _tag: "Multipart", parts } })
})

/**
 * The ref of an issue attachment you hold, read from its `links.self` (its issue and `path`). Fails
 * with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Issue } from "effect-bitbucket"
 *
 * const removeLogs = Issue.findAttachments({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 }).pipe(
 *   Stream.filter((file) => file.name?.endsWith(".log") ?? false),
 *   // Collect first: deleting while the listing pages would skip some.
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((file) => Effect.flatMap(Issue.attachmentRefOf(file), Issue.deleteAttachment), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const attachmentRefOf = (file: Attachment): Effect.Effect<AttachmentRef, BitbucketError.InvalidInput> =>
  refFromSelf<AttachmentRef>(file, `${attachments}/{path+}`, "issue attachment", ["issue_id"])

/**
 * An attachment's bytes, streamed. Bitbucket answers with a redirect to its file host, which is
 * followed without credentials (`BitbucketConfig.redirectHosts`).
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const bytes = Issue.attachmentContent({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3, path: "trace.log" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const attachmentContent = (ref: AttachmentRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream({ method: "GET", path: attachment, params: ref, followRedirects: true }).pipe(
    Stream.withSpan("Bitbucket.Issue.attachmentContent")
  )

/**
 * Removes an attachment from an issue.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const removed = Issue.deleteAttachment({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3, path: "trace.log" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteAttachment = Effect.fn("Bitbucket.Issue.deleteAttachment")(function*(ref: AttachmentRef) {
  return yield* Http.empty({ method: "DELETE", path: attachment, params: ref })
})

/** `PUT`, `DELETE` or `GET` on an issue's `vote` or `watch`: 204 yes, 404 no. */
const toggle = (what: "vote" | "watch", method: "PUT" | "DELETE" | "GET", ref: IssueRef) =>
  Http.empty({ method, path: `${issue}/${what}`, params: ref })

const probe = (what: "vote" | "watch", ref: IssueRef) =>
  toggle(what, "GET", ref).pipe(Effect.as(true), Effect.catchTag("NotFound", () => Effect.succeed(false)))

/**
 * Votes for an issue as the authenticated user (again is harmless).
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const voted = Issue.vote({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const vote = Effect.fn("Bitbucket.Issue.vote")(function*(ref: IssueRef) {
  return yield* toggle("vote", "PUT", ref)
})

/**
 * Withdraws the authenticated user's vote.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const withdrawn = Issue.unvote({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unvote = Effect.fn("Bitbucket.Issue.unvote")(function*(ref: IssueRef) {
  return yield* toggle("vote", "DELETE", ref)
})

/**
 * Whether the authenticated user voted for an issue (`GET .../vote`: 204 yes, 404 no). Bitbucket
 * answers 404 for an unknown issue, repository or workspace too, and for a repository without an
 * issue tracker, so those give `false` as well: check the issue with {@link find} when it matters.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const voted = Issue.hasVoted({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 }) // Effect<boolean>
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const hasVoted = Effect.fn("Bitbucket.Issue.hasVoted")(function*(ref: IssueRef) {
  return yield* probe("vote", ref)
})

/**
 * Starts watching an issue as the authenticated user.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const watching = Issue.watch({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const watch = Effect.fn("Bitbucket.Issue.watch")(function*(ref: IssueRef) {
  return yield* toggle("watch", "PUT", ref)
})

/**
 * Stops watching an issue.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const stopped = Issue.unwatch({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unwatch = Effect.fn("Bitbucket.Issue.unwatch")(function*(ref: IssueRef) {
  return yield* toggle("watch", "DELETE", ref)
})

/**
 * Whether the authenticated user watches an issue (`GET .../watch`: 204 yes, 404 no; an unknown
 * issue, repository or workspace, or a repository without an issue tracker, gives `false` too).
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const watching = Issue.isWatching({ workspace: "demo", repo_slug: "effect-playground", issue_id: 3 }) // Effect<boolean>
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const isWatching = Effect.fn("Bitbucket.Issue.isWatching")(function*(ref: IssueRef) {
  return yield* probe("watch", ref)
})

/** The listing and the finder of one of the tracker's named things. */
const tracker = <K extends string>(area: "components" | "milestones" | "versions", idName: K, name: string) => ({
  list: (ref: RepositoryRef, options: Pagination.PlainListOptions = {}): Stream.Stream<Named, BitbucketError.BitbucketError, Http.Requirements> =>
    Pagination.stream({ path: `/repositories/{workspace}/{repo_slug}/${area}`, params: ref }, Named, options).pipe(
      Stream.withSpan(`Bitbucket.Issue.find${name}s`)
    ),
  one: Effect.fn(`Bitbucket.Issue.find${name}`)(function*(ref: RepositoryRef & { readonly [P in K]: number }) {
    return yield* Http.json({ method: "GET", path: `/repositories/{workspace}/{repo_slug}/${area}/{${idName}}`, params: ref }, Named)
  })
})

const components = tracker("components", "component_id", "Component")
const milestones = tracker("milestones", "milestone_id", "Milestone")
const versions = tracker("versions", "version_id", "Version")

/**
 * The components of a repository's issue tracker.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const components = Issue.findComponents({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findComponents = components.list

/**
 * One component, by id.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const component = Issue.findComponent({ workspace: "demo", repo_slug: "effect-playground", component_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findComponent: (ref: ComponentRef) => Effect.Effect<Named, BitbucketError.BitbucketError, Http.Requirements> =
  components.one

/**
 * The milestones of a repository's issue tracker.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const milestones = Issue.findMilestones({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findMilestones = milestones.list

/**
 * One milestone, by id.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const milestone = Issue.findMilestone({ workspace: "demo", repo_slug: "effect-playground", milestone_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findMilestone: (ref: MilestoneRef) => Effect.Effect<Named, BitbucketError.BitbucketError, Http.Requirements> =
  milestones.one

/**
 * The versions of a repository's issue tracker.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const versions = Issue.findVersions({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findVersions = versions.list

/**
 * One version, by id.
 *
 * @example
 * ```ts
 * import { Issue } from "effect-bitbucket"
 *
 * const version = Issue.findVersion({ workspace: "demo", repo_slug: "effect-playground", version_id: 1 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findVersion: (ref: VersionRef) => Effect.Effect<Named, BitbucketError.BitbucketError, Http.Requirements> =
  versions.one

/**
 * Webhook subscriptions (pybitbucket's hooks), on a repository or on a whole workspace, the event
 * keys they subscribe to, and the check of a delivery's signature.
 *
 * Repository webhooks: {@link findForRepository}, {@link find}, {@link create}, {@link update},
 * `delete`. Workspace webhooks: {@link findForWorkspace}, {@link findWorkspaceHook},
 * {@link createWorkspaceHook}, {@link updateWorkspaceHook}, {@link deleteWorkspaceHook}. The ref
 * of a subscription you hold: {@link refOf}.
 *
 * Receiving deliveries: {@link verifySignature} checks `X-Hub-Signature`, {@link decodeDelivery}
 * turns a body into a {@link Delivery} (a union discriminated by `event`, the `X-Event-Key`), and
 * {@link receive} does both from the request's headers and raw body.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const hook = Webhook.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   url: "https://ci.example.com/bitbucket",
 *   description: "CI",
 *   events: ["repo:push", "pullrequest:created"],
 *   active: true
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Redacted, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import { BuildStatus } from "./BuildStatus.js"
import { Comment } from "./Comment.js"
import { Commit } from "./Commit.js"
import { shortened } from "./internal/errors.js"
import { equalInConstantTime, hmacSha256 } from "./internal/hmac.js"
import * as Http from "./internal/http.js"
import { parseJsonText, utf8 } from "./internal/json.js"
import { isRecord } from "./internal/record.js"
import { refFromSelf } from "./internal/selfRef.js"
import { Issue } from "./Issue.js"
import * as Pagination from "./Pagination.js"
import { Project } from "./Project.js"
import { PullRequest } from "./PullRequest.js"
import { Ref } from "./Ref.js"
import { Repository } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * Every event key a webhook can subscribe to (the spec's `hook_event`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const pullRequestEvents = Webhook.events.filter((e) => e.startsWith("pullrequest:"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export const events = [
  "issue:comment_created",
  "issue:created",
  "issue:updated",
  "project:updated",
  "pullrequest:approved",
  "pullrequest:changes_request_created",
  "pullrequest:changes_request_removed",
  "pullrequest:comment_created",
  "pullrequest:comment_deleted",
  "pullrequest:comment_reopened",
  "pullrequest:comment_resolved",
  "pullrequest:comment_updated",
  "pullrequest:created",
  "pullrequest:fulfilled",
  "pullrequest:rejected",
  "pullrequest:unapproved",
  "pullrequest:updated",
  "repo:commit_comment_created",
  "repo:commit_status_created",
  "repo:commit_status_updated",
  "repo:created",
  "repo:deleted",
  "repo:fork",
  "repo:imported",
  "repo:push",
  "repo:transfer",
  "repo:updated"
] as const

/**
 * An event key (`repo:push`, `pullrequest:created`, ...), strict: payloads accept only these.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Event = Schema.Literal(...events)

/**
 * An event key.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = typeof Event.Type

/**
 * What a webhook is attached to.
 *
 * @since 0.1.0
 * @category models
 */
export type SubjectType = "repository" | "workspace"

const WebhookSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  subject_type: Schema.optional(Schema.Union(Schema.Literal("repository", "workspace"), Schema.String)),
  subject: Schema.optional(Resource.OpenRecord),
  active: Schema.optional(Schema.Boolean),
  created_at: Schema.optional(Schema.String),
  events: Schema.optional(Schema.Array(Schema.Union(Event, Schema.String))),
  secret_set: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * A webhook subscription. Every field is optional (a `fields` selection can trim any of them, `type` included) and unknown fields are kept; event
 * keys and subject types Bitbucket adds later decode as plain strings. Webhooks carry `created_at`
 * (not `created_on`); the secret is never returned, only `secret_set`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Webhook: Resource.NamedStruct<typeof WebhookSchema, Webhook> = WebhookSchema

/**
 * A webhook subscription.
 *
 * @since 0.1.0
 * @category models
 */
export interface Webhook extends Schema.Schema.Type<typeof WebhookSchema> {}

const EventTypeSchema = Resource.Struct({
  event: Schema.optional(Schema.Union(Event, Schema.String)),
  category: Schema.optional(Schema.String),
  label: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String)
})

/**
 * An event type a subject can be subscribed to, from {@link findEventTypes}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventType: Resource.NamedStruct<typeof EventTypeSchema, EventType> = EventTypeSchema

/**
 * An event type.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventType extends Schema.Schema.Type<typeof EventTypeSchema> {}

/** The secret as the caller gives it: plain, or `Redacted` to keep it out of logs. */
const SecretText = Schema.String.pipe(Schema.maxLength(128))
// One message for whatever is wrong with it: the members' own messages would quote the secret.
const Secret = Schema.Union(Schema.Redacted(SecretText), SecretText).annotations({
  message: () => ({ message: "a webhook secret is a string (plain or Redacted) of at most 128 characters", override: true })
})

/** A secret given as plain text is as secret as a `Redacted` one: no error may show it. */
const plainSecret = (payload: { readonly secret?: unknown }): ReadonlyArray<string> =>
  typeof payload.secret === "string" ? [payload.secret] : []

const Url = Schema.String.pipe(Schema.nonEmptyString({ message: () => "a webhook url must not be empty" }))

const Events = Schema.Array(Event).pipe(
  Schema.minItems(1, { message: () => "a webhook needs at least one event" }),
  Schema.filter((events) => new Set(events).size === events.length, { message: () => "each event may be listed once" })
)

const CreatePayloadSchema = Schema.Struct({
  url: Url,
  description: Schema.String,
  events: Events,
  active: Schema.Boolean,
  secret: Schema.optional(Secret),
  /** Deliver to a server whose TLS certificate does not verify (pybitbucket's `disable_cert_verification`). */
  skip_cert_verification: Schema.optional(Schema.Boolean)
})

/**
 * The body of {@link create} and {@link createWorkspaceHook}. `secret` (plain or `Redacted`) signs
 * every delivery; it is write-only.
 *
 * @since 0.1.0
 * @category payloads
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * The body of {@link create}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({
  url: Schema.optional(Url),
  description: Schema.optional(Schema.String),
  events: Schema.optional(Events),
  active: Schema.optional(Schema.Boolean),
  secret: Schema.optional(Schema.NullOr(Secret)),
  skip_cert_verification: Schema.optional(Schema.Boolean)
})

/**
 * The body of {@link update} and {@link updateWorkspaceHook}: only what changes. `secret: null`
 * removes the secret; leaving `secret` out keeps it.
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
 * Identifies a repository webhook.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepositoryHookRef {
  readonly workspace: string
  readonly repo_slug: string
  /** The subscription's `uuid`, braces included. */
  readonly uid: string
}

/**
 * Identifies a workspace webhook.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceHookRef {
  readonly workspace: string
  /** The subscription's `uuid`, braces included. */
  readonly uid: string
}

const repositoryHooks = "/repositories/{workspace}/{repo_slug}/hooks"
const repositoryHook = "/repositories/{workspace}/{repo_slug}/hooks/{uid}"
const workspaceHooks = "/workspaces/{workspace}/hooks"
const workspaceHook = "/workspaces/{workspace}/hooks/{uid}"

/**
 * Identifies a webhook of either kind, as {@link refOf} reads it: a repository hook's ref has a
 * `repo_slug`, a workspace hook's has none.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const describe = (ref: Webhook.HookRef) => "repo_slug" in ref ? `${ref.workspace}/${ref.repo_slug}` : ref.workspace
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type HookRef = RepositoryHookRef | WorkspaceHookRef

/**
 * The ref of a webhook subscription you hold, read from its `links.self`: `{ workspace, repo_slug,
 * uid }` for a repository hook, `{ workspace, uid }` for a workspace hook. The subscription's
 * `uuid` is the `uid` path parameter (braces included); reading it from the link spares building
 * the ref by hand. Fails with `InvalidInput` when the hook came without such a link (trimmed by
 * `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * // Pause every webhook of a repository.
 * const pauseAll = Webhook.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.mapEffect((hook) => Effect.flatMap(Webhook.refOf(hook), (ref) =>
 *     "repo_slug" in ref ? Webhook.update(ref, { active: false }) : Webhook.updateWorkspaceHook(ref, { active: false }))),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = Effect.fn("Bitbucket.Webhook.refOf")(function*(hook: Webhook) {
  return yield* refFromSelf<HookRef>(hook, repositoryHook, "webhook").pipe(
    Effect.orElse(() => refFromSelf<HookRef>(hook, workspaceHook, "webhook")),
    Effect.mapError(() =>
      new BitbucketError.InvalidInput({
        message: `the webhook has no links.self of the form ...${repositoryHook} or ...${workspaceHook}`,
        parameter: "webhook"
      })
    )
  )
})

/**
 * The webhooks of a repository (`GET /repositories/{workspace}/{repo_slug}/hooks`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const urls = Webhook.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(Stream.map((h) => h.url))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: { readonly workspace: string; readonly repo_slug: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Webhook, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: repositoryHooks, params: ref }, Webhook, options).pipe(
    Stream.withSpan("Bitbucket.Webhook.findForRepository")
  )

/**
 * A repository webhook by its `uid` (`GET /repositories/{workspace}/{repo_slug}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const hook = Webhook.find({ workspace: "demo", repo_slug: "effect-playground", uid: "{8d1f3a4c-0000-4000-8000-000000000001}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Webhook.find")(function*(ref: RepositoryHookRef) {
  return yield* Http.json({ method: "GET", path: repositoryHook, params: ref }, Webhook)
})

/**
 * Subscribes a URL to a repository's events (`POST /repositories/{workspace}/{repo_slug}/hooks`).
 * An unknown event key or an empty `url` fails with `InvalidInput` and sends nothing.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const hook = Webhook.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   url: "https://ci.example.com/bitbucket",
 *   description: "CI",
 *   events: ["repo:push"],
 *   active: true,
 *   secret: Redacted.make("s3cr3t")
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.Webhook.create")(function*(
  ref: { readonly workspace: string; readonly repo_slug: string },
  payload: CreatePayload
) {
  return yield* Http.jsonWithBody({ method: "POST", path: repositoryHooks, params: ref, secrets: plainSecret(payload) }, CreatePayload, payload, Webhook)
})

/**
 * Changes a repository webhook (`PUT /repositories/{workspace}/{repo_slug}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const paused = Webhook.update({ workspace: "demo", repo_slug: "effect-playground", uid: "{8d1f3a4c-0000-4000-8000-000000000001}" }, {
 *   active: false
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Webhook.update")(function*(ref: RepositoryHookRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: repositoryHook, params: ref, secrets: plainSecret(payload) }, UpdatePayload, payload, Webhook)
})

/**
 * Deletes a repository webhook (`DELETE /repositories/{workspace}/{repo_slug}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const gone = Webhook.delete({ workspace: "demo", repo_slug: "effect-playground", uid: "{8d1f3a4c-0000-4000-8000-000000000001}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.Webhook.delete")(function*(ref: RepositoryHookRef) {
  return yield* Http.empty({ method: "DELETE", path: repositoryHook, params: ref })
})

export { del as delete }

/**
 * The webhooks of a workspace, which fire for every repository in it (`GET /workspaces/{workspace}/hooks`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const urls = Webhook.findForWorkspace({ workspace: "demo" }).pipe(Stream.map((h) => h.url))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForWorkspace = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Webhook, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: workspaceHooks, params: ref }, Webhook, options).pipe(
    Stream.withSpan("Bitbucket.Webhook.findForWorkspace")
  )

/**
 * A workspace webhook by its `uid` (`GET /workspaces/{workspace}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const hook = Webhook.findWorkspaceHook({ workspace: "demo", uid: "{8d1f3a4c-0000-4000-8000-000000000002}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findWorkspaceHook = Effect.fn("Bitbucket.Webhook.findWorkspaceHook")(function*(ref: WorkspaceHookRef) {
  return yield* Http.json({ method: "GET", path: workspaceHook, params: ref }, Webhook)
})

/**
 * Subscribes a URL to the events of every repository in a workspace (`POST /workspaces/{workspace}/hooks`;
 * workspace owners only).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const hook = Webhook.createWorkspaceHook({ workspace: "demo" }, {
 *   url: "https://audit.example.com/bitbucket",
 *   description: "Audit",
 *   events: ["repo:created", "repo:deleted"],
 *   active: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createWorkspaceHook = Effect.fn("Bitbucket.Webhook.createWorkspaceHook")(function*(
  ref: { readonly workspace: string },
  payload: CreatePayload
) {
  return yield* Http.jsonWithBody({ method: "POST", path: workspaceHooks, params: ref, secrets: plainSecret(payload) }, CreatePayload, payload, Webhook)
})

/**
 * Changes a workspace webhook (`PUT /workspaces/{workspace}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const noSecret = Webhook.updateWorkspaceHook({ workspace: "demo", uid: "{8d1f3a4c-0000-4000-8000-000000000002}" }, {
 *   secret: null
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateWorkspaceHook = Effect.fn("Bitbucket.Webhook.updateWorkspaceHook")(function*(
  ref: WorkspaceHookRef,
  payload: UpdatePayload
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: workspaceHook, params: ref, secrets: plainSecret(payload) }, UpdatePayload, payload, Webhook)
})

/**
 * Deletes a workspace webhook (`DELETE /workspaces/{workspace}/hooks/{uid}`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const gone = Webhook.deleteWorkspaceHook({ workspace: "demo", uid: "{8d1f3a4c-0000-4000-8000-000000000002}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteWorkspaceHook = Effect.fn("Bitbucket.Webhook.deleteWorkspaceHook")(function*(ref: WorkspaceHookRef) {
  return yield* Http.empty({ method: "DELETE", path: workspaceHook, params: ref })
})

/**
 * The event types a subject type can subscribe to (`GET /hook_events/{subject_type}`; public).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const labels = Webhook.findEventTypes("repository").pipe(Stream.map((t) => `${t.event}: ${t.label}`))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findEventTypes = (
  subjectType: SubjectType,
  options: Pagination.ListOptions = {}
): Stream.Stream<EventType, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/hook_events/{subject_type}", params: { subject_type: subjectType } }, EventType, options)
    .pipe(Stream.withSpan("Bitbucket.Webhook.findEventTypes"))

const signaturePattern = /^sha256=([0-9a-fA-F]{64})$/

/**
 * Checks a delivery's `X-Hub-Signature` header (`sha256=<hex>`): the HMAC-SHA256 of the raw
 * request body keyed with the webhook's secret, compared in constant time. Pass the body exactly
 * as received (bytes, or the undecoded text); a re-serialized JSON body will not match. The header
 * may be given as Node's `req.headers["x-hub-signature"]`; missing or repeated, the delivery is refused.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const genuine = Webhook.verifySignature({
 *   secret: "s3cr3t",
 *   body: '{"push":{}}',
 *   signature: "sha256=..." // the X-Hub-Signature header
 * })
 * ```
 *
 * @since 0.1.0
 * @category signatures
 */
export const verifySignature = (options: {
  readonly secret: string | Redacted.Redacted<string>
  readonly body: string | Uint8Array
  /** The header as a server hands it over: Node's `IncomingHttpHeaders` give `string | string[] | undefined`. */
  readonly signature: string | ReadonlyArray<string> | undefined | null
}): boolean => {
  // A genuine delivery sends the header once: repeated, it is not to be trusted.
  const header = typeof options.signature === "string"
    ? options.signature
    : options.signature?.length === 1
    ? options.signature[0]
    : undefined
  const match = header === undefined ? null : signaturePattern.exec(header.trim())
  const hex = match?.[1]
  if (hex === undefined) return false
  const secret = Redacted.isRedacted(options.secret) ? Redacted.value(options.secret) : options.secret
  // An empty key is public: anyone can sign with it, so nothing it signs is genuine.
  if (secret.trim() === "") return false
  const utf8 = new TextEncoder()
  const body = typeof options.body === "string" ? utf8.encode(options.body) : options.body
  const expected = hmacSha256(utf8.encode(secret), body)
  const given = Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16))
  return equalInConstantTime(given, expected)
}

// ---------------------------------------------------------------------------------------------
// Deliveries
// ---------------------------------------------------------------------------------------------
//
// The payload shapes follow Bitbucket Cloud's "Event payloads" page: every delivery carries the
// `actor` (an account) and, for repository events, the `repository`; each family adds its own
// entity (`push`, `pullrequest`, `comment`, `issue`, `commit_status`, `approval`, `fork`). Those
// are required, so a body of another family is refused; everything inside them is as open as the
// resources the API returns, and unknown fields are kept at every level.
//
// Not confirmed by the documentation we could read (so kept optional, and any other spelling is
// kept as an unknown field): `changes_request` on pullrequest:changes_request_*, `changes` on
// repo:updated and issue:updated, `previous_workspace` on repo:transfer, and the whole shape of
// project:updated (`project`, `changes`).

/** What every repository event carries: who acted, and on which repository. */
const repositoryEvent = { actor: Account, repository: Repository }

const Review = Resource.Struct({
  date: Schema.optional(Schema.String),
  user: Schema.optional(Account)
})

const PushChangeSchema = Resource.Struct({
  /** The ref after the push; `null` when it was deleted. */
  new: Schema.optional(Schema.NullOr(Ref)),
  /** The ref before the push; `null` when it was created. */
  old: Schema.optional(Schema.NullOr(Ref)),
  created: Schema.optional(Schema.Boolean),
  closed: Schema.optional(Schema.Boolean),
  forced: Schema.optional(Schema.Boolean),
  /** The newest commits of the change (at most a few); `truncated` says there were more. */
  commits: Schema.optional(Schema.Array(Commit)),
  truncated: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * One ref changed by a push: `new` and `old` (branches or tags, `null` on creation or deletion),
 * `created`, `closed`, `forced`, and the newest `commits` (`truncated` when there were more).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const branchOf = (change: Webhook.PushChange) => change.new?.name ?? change.old?.name
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const PushChange: Resource.NamedStruct<typeof PushChangeSchema, PushChange> = PushChangeSchema

/**
 * One ref changed by a push.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface PushChange extends Schema.Schema.Type<typeof PushChangeSchema> {}

const PushPayloadSchema = Resource.Struct({
  ...repositoryEvent,
  push: Resource.Struct({ changes: Schema.Array(PushChange) })
})

/**
 * The body of a `repo:push` delivery: who pushed (`actor`), where (`repository`), and
 * `push.changes`, one per ref.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const heads = (body: unknown) => Schema.decodeUnknownSync(Webhook.PushPayload)(body).push.changes.map((c) => c.new?.target?.hash)
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const PushPayload: Resource.NamedStruct<typeof PushPayloadSchema, PushPayload> = PushPayloadSchema

/**
 * The body of a `repo:push` delivery.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface PushPayload extends Schema.Schema.Type<typeof PushPayloadSchema> {}

const RepositoryPayloadSchema = Resource.Struct({
  ...repositoryEvent,
  /** repo:updated: the fields that changed, each `{ old, new }` (unconfirmed: kept as sent). */
  changes: Schema.optional(Resource.OpenRecord),
  /** repo:transfer: the workspace the repository came from (unconfirmed: kept as sent). */
  previous_workspace: Schema.optional(Resource.OpenRecord)
})

/**
 * The body of the repository events `repo:created`, `repo:deleted`, `repo:imported`,
 * `repo:updated` (with `changes`) and `repo:transfer` (with `previous_workspace`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const name = (body: Webhook.RepositoryPayload) => body.repository.full_name
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const RepositoryPayload: Resource.NamedStruct<typeof RepositoryPayloadSchema, RepositoryPayload> = RepositoryPayloadSchema

/**
 * The body of a repository event.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface RepositoryPayload extends Schema.Schema.Type<typeof RepositoryPayloadSchema> {}

const ForkPayloadSchema = Resource.Struct({ ...repositoryEvent, fork: Repository })

/**
 * The body of a `repo:fork` delivery: the forked `repository` and the new `fork`.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const forkName = (body: Webhook.ForkPayload) => body.fork.full_name
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const ForkPayload: Resource.NamedStruct<typeof ForkPayloadSchema, ForkPayload> = ForkPayloadSchema

/**
 * The body of a `repo:fork` delivery.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface ForkPayload extends Schema.Schema.Type<typeof ForkPayloadSchema> {}

const CommitCommentPayloadSchema = Resource.Struct({ ...repositoryEvent, comment: Comment, commit: Commit })

/**
 * The body of a `repo:commit_comment_created` delivery: the `comment` and the `commit` it is on.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const where = (body: Webhook.CommitCommentPayload) => `${body.commit.hash}: ${body.comment.content?.raw}`
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const CommitCommentPayload: Resource.NamedStruct<typeof CommitCommentPayloadSchema, CommitCommentPayload> =
  CommitCommentPayloadSchema

/**
 * The body of a `repo:commit_comment_created` delivery.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface CommitCommentPayload extends Schema.Schema.Type<typeof CommitCommentPayloadSchema> {}

const CommitStatusPayloadSchema = Resource.Struct({ ...repositoryEvent, commit_status: BuildStatus })

/**
 * The body of `repo:commit_status_created` and `repo:commit_status_updated`: the build status
 * (`commit_status`, its commit linked from `links.commit`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const failed = (body: Webhook.CommitStatusPayload) => body.commit_status.state === "FAILED"
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const CommitStatusPayload: Resource.NamedStruct<typeof CommitStatusPayloadSchema, CommitStatusPayload> =
  CommitStatusPayloadSchema

/**
 * The body of a build status event.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface CommitStatusPayload extends Schema.Schema.Type<typeof CommitStatusPayloadSchema> {}

const IssuePayloadSchema = Resource.Struct({
  ...repositoryEvent,
  issue: Issue,
  /** issue:updated: the fields that changed, each `{ old, new }` (kept as sent). */
  changes: Schema.optional(Resource.OpenRecord),
  /** issue:updated: the comment left with the change, if any. */
  comment: Schema.optional(Comment)
})

/**
 * The body of `issue:created` and `issue:updated` (which adds `changes` and the `comment` left
 * with them).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const title = (body: Webhook.IssuePayload) => `#${body.issue.id} ${body.issue.title}`
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const IssuePayload: Resource.NamedStruct<typeof IssuePayloadSchema, IssuePayload> = IssuePayloadSchema

/**
 * The body of an issue event.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface IssuePayload extends Schema.Schema.Type<typeof IssuePayloadSchema> {}

const IssueCommentPayloadSchema = Resource.Struct({ ...repositoryEvent, issue: Issue, comment: Comment })

/**
 * The body of `issue:comment_created`: the `issue` and the new `comment`.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const text = (body: Webhook.IssueCommentPayload) => body.comment.content?.raw
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const IssueCommentPayload: Resource.NamedStruct<typeof IssueCommentPayloadSchema, IssueCommentPayload> =
  IssueCommentPayloadSchema

/**
 * The body of `issue:comment_created`.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface IssueCommentPayload extends Schema.Schema.Type<typeof IssueCommentPayloadSchema> {}

const PullRequestPayloadSchema = Resource.Struct({
  ...repositoryEvent,
  pullrequest: PullRequest,
  /** pullrequest:approved and pullrequest:unapproved: who, and when. */
  approval: Schema.optional(Review),
  /** pullrequest:changes_request_created and _removed: who, and when (unconfirmed name: kept as sent). */
  changes_request: Schema.optional(Review)
})

/**
 * The body of the pull request events without a comment: `created`, `updated`, `fulfilled`
 * (merged), `rejected` (declined), `approved` and `unapproved` (with `approval: { date, user }`),
 * `changes_request_created` and `changes_request_removed` (with `changes_request`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const branch = (body: Webhook.PullRequestPayload) => body.pullrequest.source?.branch?.name
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const PullRequestPayload: Resource.NamedStruct<typeof PullRequestPayloadSchema, PullRequestPayload> =
  PullRequestPayloadSchema

/**
 * The body of a pull request event.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface PullRequestPayload extends Schema.Schema.Type<typeof PullRequestPayloadSchema> {}

const PullRequestCommentPayloadSchema = Resource.Struct({
  ...repositoryEvent,
  pullrequest: PullRequest,
  comment: Comment
})

/**
 * The body of the `pullrequest:comment_*` events (created, updated, deleted, resolved, reopened):
 * the `pullrequest` and the `comment`.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const inline = (body: Webhook.PullRequestCommentPayload) => body.comment.inline?.path
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const PullRequestCommentPayload: Resource.NamedStruct<typeof PullRequestCommentPayloadSchema, PullRequestCommentPayload> =
  PullRequestCommentPayloadSchema

/**
 * The body of a pull request comment event.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface PullRequestCommentPayload extends Schema.Schema.Type<typeof PullRequestCommentPayloadSchema> {}

const ProjectPayloadSchema = Resource.Struct({
  actor: Account,
  // Unconfirmed: the documentation we could read does not show this payload; both kept optional.
  project: Schema.optional(Project),
  changes: Schema.optional(Resource.OpenRecord)
})

/**
 * The body of `project:updated` (a workspace event: no `repository`).
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const key = (body: Webhook.ProjectPayload) => body.project?.key
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const ProjectPayload: Resource.NamedStruct<typeof ProjectPayloadSchema, ProjectPayload> = ProjectPayloadSchema

/**
 * The body of `project:updated`.
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface ProjectPayload extends Schema.Schema.Type<typeof ProjectPayloadSchema> {}

/**
 * The body of each event, by event key.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * type Merged = Webhook.Payloads["pullrequest:fulfilled"] // Webhook.PullRequestPayload
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface Payloads {
  readonly "issue:comment_created": IssueCommentPayload
  readonly "issue:created": IssuePayload
  readonly "issue:updated": IssuePayload
  readonly "project:updated": ProjectPayload
  readonly "pullrequest:approved": PullRequestPayload
  readonly "pullrequest:changes_request_created": PullRequestPayload
  readonly "pullrequest:changes_request_removed": PullRequestPayload
  readonly "pullrequest:comment_created": PullRequestCommentPayload
  readonly "pullrequest:comment_deleted": PullRequestCommentPayload
  readonly "pullrequest:comment_reopened": PullRequestCommentPayload
  readonly "pullrequest:comment_resolved": PullRequestCommentPayload
  readonly "pullrequest:comment_updated": PullRequestCommentPayload
  readonly "pullrequest:created": PullRequestPayload
  readonly "pullrequest:fulfilled": PullRequestPayload
  readonly "pullrequest:rejected": PullRequestPayload
  readonly "pullrequest:unapproved": PullRequestPayload
  readonly "pullrequest:updated": PullRequestPayload
  readonly "repo:commit_comment_created": CommitCommentPayload
  readonly "repo:commit_status_created": CommitStatusPayload
  readonly "repo:commit_status_updated": CommitStatusPayload
  readonly "repo:created": RepositoryPayload
  readonly "repo:deleted": RepositoryPayload
  readonly "repo:fork": ForkPayload
  readonly "repo:imported": RepositoryPayload
  readonly "repo:push": PushPayload
  readonly "repo:transfer": RepositoryPayload
  readonly "repo:updated": RepositoryPayload
}

// Each schema's decoded type must be its event's payload (the check is on `Type`; the encoded side
// of each is its own open record).
const payloadSchemas: { readonly [E in Event]: Schema.Schema.AnyNoContext & { readonly Type: Payloads[E] } } = {
  "issue:comment_created": IssueCommentPayload,
  "issue:created": IssuePayload,
  "issue:updated": IssuePayload,
  "project:updated": ProjectPayload,
  "pullrequest:approved": PullRequestPayload,
  "pullrequest:changes_request_created": PullRequestPayload,
  "pullrequest:changes_request_removed": PullRequestPayload,
  "pullrequest:comment_created": PullRequestCommentPayload,
  "pullrequest:comment_deleted": PullRequestCommentPayload,
  "pullrequest:comment_reopened": PullRequestCommentPayload,
  "pullrequest:comment_resolved": PullRequestCommentPayload,
  "pullrequest:comment_updated": PullRequestCommentPayload,
  "pullrequest:created": PullRequestPayload,
  "pullrequest:fulfilled": PullRequestPayload,
  "pullrequest:rejected": PullRequestPayload,
  "pullrequest:unapproved": PullRequestPayload,
  "pullrequest:updated": PullRequestPayload,
  "repo:commit_comment_created": CommitCommentPayload,
  "repo:commit_status_created": CommitStatusPayload,
  "repo:commit_status_updated": CommitStatusPayload,
  "repo:created": RepositoryPayload,
  "repo:deleted": RepositoryPayload,
  "repo:fork": ForkPayload,
  "repo:imported": RepositoryPayload,
  "repo:push": PushPayload,
  "repo:transfer": RepositoryPayload,
  "repo:updated": RepositoryPayload
}

/**
 * A decoded delivery of event `E`: its body's fields (unknown ones kept) and `event`, the key.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const title = (delivery: Webhook.DeliveryOf<"pullrequest:created">) => delivery.pullrequest.title
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export type DeliveryOf<E extends Event> = Payloads[E] & { readonly event: E }

/**
 * A delivery of one of the 27 known events: switch on `event` to narrow it.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const summary = (delivery: Webhook.KnownDelivery) =>
 *   delivery.event === "repo:push" ? `${delivery.push.changes.length} refs` : delivery.actor.display_name
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export type KnownDelivery = { readonly [E in Event]: DeliveryOf<E> }[Event]

/**
 * A delivery of an event this version does not know (one Bitbucket added later): `event` is
 * `"unknown"`, `key` the `X-Event-Key` as sent, and `payload` the whole body, every field kept.
 * A distinct `event` keeps narrowing on the known keys exact.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const log = (delivery: Webhook.UnknownDelivery) => `${delivery.key}: ${Object.keys(delivery.payload).join(", ")}`
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface UnknownDelivery {
  readonly event: "unknown"
  readonly key: string
  readonly payload: Resource.OpenRecord
}

/**
 * A decoded webhook delivery, discriminated by `event` (the `X-Event-Key`): `repo:push` has
 * `push`, the `pullrequest:*` events `pullrequest`, and so on (see {@link Payloads}); every known
 * event has `actor`, and the repository events `repository`. An event this version does not know
 * decodes as an {@link UnknownDelivery}.
 *
 * @example
 * ```ts
 * import { Webhook } from "effect-bitbucket"
 *
 * const describe = (delivery: Webhook.Delivery): string => {
 *   switch (delivery.event) {
 *     case "repo:push":
 *       return delivery.push.changes.map((c) => c.new?.name).join(", ")
 *     case "pullrequest:created":
 *       return `#${delivery.pullrequest.id} ${delivery.pullrequest.title}`
 *     case "unknown":
 *       return delivery.key
 *     default:
 *       return delivery.event
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export type Delivery = KnownDelivery | UnknownDelivery

const isEvent = (key: string): key is Event => Object.prototype.hasOwnProperty.call(payloadSchemas, key)

// `category:name`, as every key so far; a future key keeps the form, anything else is not an event key.
const eventKeyPattern = /^[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)+$/

/** The body as a JSON object, or the reason it is not one. */
const bodyObject = (body: string | Uint8Array | { readonly [key: string]: unknown }): Either.Either<Record<string, unknown>, string> => {
  let value: unknown = body
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = typeof body === "string" ? body : utf8(body)
    try {
      // Drops `__proto__` keys, as for every answer of the API.
      value = parseJsonText(text)
    } catch {
      return Either.left(`the delivery body is not JSON (${text.length} characters)`)
    }
  }
  return isRecord(value) ? Either.right(value) : Either.left("the delivery body is not a JSON object")
}

const refused = (message: string, parameter = "body") => new BitbucketError.InvalidInput({ message, parameter })

/**
 * Decodes a webhook delivery: `eventKey` is the `X-Event-Key` header, `body` the request body, raw
 * (text or bytes, as you also need it for {@link verifySignature}) or already parsed.
 *
 * The result is a {@link Delivery}: for a known key, the body's fields (typed with the library's
 * resource schemas, unknown fields kept) and `event`. A well-formed key this version does not know
 * (`category:name`, compared case-sensitively, as Bitbucket writes keys) is not an error: it decodes
 * losslessly as `{ event: "unknown", key, payload }`,
 * so that a receiver keeps working when Bitbucket adds events; reject those yourself if you want
 * strictness. Fails with `InvalidInput` when the key is not of that form (`parameter:
 * "X-Event-Key"`), when the body is not a JSON object (`"body"`), or when it lacks what its event
 * carries (`"body.pullrequest"`, say: a body of another event).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const handle = (eventKey: string, rawBody: string) =>
 *   Effect.gen(function*() {
 *     const delivery = yield* Webhook.decodeDelivery(eventKey, rawBody)
 *     if (delivery.event === "pullrequest:created") {
 *       yield* Effect.log(`#${delivery.pullrequest.id} opened by ${delivery.actor.display_name}`)
 *     }
 *   })
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const decodeDelivery = Effect.fn("Bitbucket.Webhook.decodeDelivery")(function*(
  eventKey: Event | (string & {}),
  body: string | Uint8Array | { readonly [key: string]: unknown }
) {
  const key = eventKey.trim()
  if (!eventKeyPattern.test(key)) {
    return yield* refused(`${JSON.stringify(eventKey.slice(0, 100))} is not a webhook event key (category:name)`, "X-Event-Key")
  }
  const object = bodyObject(body)
  if (Either.isLeft(object)) return yield* refused(object.left)
  // A JSON object is an open record as it is.
  if (!isEvent(key)) return { event: "unknown", key, payload: object.right } satisfies UnknownDelivery as Delivery
  // The pipeline's cached decoder: a valid body is checked, not copied.
  const decoded = Http.decoderFor(payloadSchemas[key])(object.right)
  if (Either.isLeft(decoded)) {
    const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
    const path = issue === undefined || issue.path.length === 0 ? "body" : `body.${issue.path.map(String).join(".")}`
    return yield* refused(`a ${key} delivery does not have the expected shape at ${path}: ${shortened(issue?.message ?? "does not match")}`, path)
  }
  // `event` last: it names the header's key even if a body ever carried a field of that name.
  return { ...decoded.right, event: key } as Delivery
})

/** Every value of a header, by name in any case: Node's, a web `Headers`, or a plain record. */
const headerValues = (
  headers: globalThis.Headers | { readonly [name: string]: string | ReadonlyArray<string> | undefined },
  name: string
): ReadonlyArray<string> => {
  if (typeof (headers as globalThis.Headers).get === "function" && typeof (headers as globalThis.Headers).forEach === "function") {
    const value = (headers as globalThis.Headers).get(name)
    return value === null ? [] : [value]
  }
  const lower = name.toLowerCase()
  const out: Array<string> = []
  for (const [key, value] of Object.entries(headers as { readonly [name: string]: string | ReadonlyArray<string> | undefined })) {
    if (key.toLowerCase() !== lower || value === undefined) continue
    if (typeof value === "string") out.push(value)
    else out.push(...value)
  }
  return out
}

/**
 * What {@link receive} needs from the request.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * const request: Webhook.ReceiveOptions = {
 *   secret: Redacted.make("s3cr3t"),
 *   headers: { "x-event-key": "repo:push", "x-hub-signature": "sha256=..." },
 *   body: '{"push":{"changes":[]},"actor":{"type":"user"},"repository":{"type":"repository"}}'
 * }
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export interface ReceiveOptions {
  /**
   * The webhook's secret. `null` says the hook has none: its deliveries are not signed and not
   * checked (an explicit choice, so that a forgotten secret cannot switch the check off). An empty
   * secret is refused (`InvalidInput`, parameter `secret`): anyone could sign with it.
   */
  readonly secret: string | Redacted.Redacted<string> | null
  /** The request's headers: a web `Headers`, Node's `IncomingHttpHeaders` or a plain record; names in any case. */
  readonly headers: globalThis.Headers | { readonly [name: string]: string | ReadonlyArray<string> | undefined }
  /** The body exactly as received: bytes, or the undecoded text. */
  readonly body: string | Uint8Array
}

/**
 * Receives a delivery in one step: checks its `X-Hub-Signature` against the secret (see
 * {@link verifySignature}), then decodes the body under its `X-Event-Key` (see
 * {@link decodeDelivery}). Fails with `InvalidInput`: `parameter` is `"X-Hub-Signature"` when the
 * signature is missing, repeated or wrong (answer 401 and drop the delivery), `"X-Event-Key"`
 * when the key is missing or malformed, `"secret"` for an empty secret, and `"body…"` when the body
 * does not decode.
 *
 * The signature covers the body only. `X-Event-Key` and `X-Request-UUID` are not signed, and a
 * signed body can be sent again: treat `event` as what the body is about, checked against it where
 * it matters (a `pullrequest:fulfilled` whose pull request is `MERGED`), make handling idempotent
 * (Bitbucket retries deliveries), and cap the body's size before calling (the HMAC runs at once,
 * on the calling thread).
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Webhook } from "effect-bitbucket"
 *
 * // headers: Node's req.headers (IncomingHttpHeaders), a web Request's headers, or a plain record
 * const onRequest = (headers: Record<string, string | Array<string> | undefined>, rawBody: Uint8Array) =>
 *   Webhook.receive({ secret: Redacted.make("s3cr3t"), headers, body: rawBody }).pipe(
 *     Effect.flatMap((delivery) => Effect.log(`received ${delivery.event}`)),
 *     Effect.as(204),
 *     Effect.catchTag("InvalidInput", (error) => Effect.succeed(error.parameter === "X-Hub-Signature" ? 401 : 400))
 *   )
 * ```
 *
 * @since 0.1.0
 * @category deliveries
 */
export const receive = Effect.fn("Bitbucket.Webhook.receive")(function*(options: ReceiveOptions) {
  if (options.secret !== null) {
    // An empty secret (`process.env.HOOK_SECRET ?? ""`) would make the check one anyone passes.
    const secret = Redacted.isRedacted(options.secret) ? Redacted.value(options.secret) : options.secret
    if (secret.trim() === "") {
      return yield* refused("the webhook secret given is empty: pass the hook's secret, or null for a hook that has none", "secret")
    }
    const signatures = headerValues(options.headers, "X-Hub-Signature")
    if (!verifySignature({ secret: options.secret, body: options.body, signature: signatures })) {
      return yield* refused(
        signatures.length === 0
          ? "the delivery has no X-Hub-Signature: it is not signed with the webhook's secret"
          : "the delivery's X-Hub-Signature does not match its body and the webhook's secret",
        "X-Hub-Signature"
      )
    }
  }
  const keys = headerValues(options.headers, "X-Event-Key")
  if (keys.length !== 1) {
    return yield* refused(
      keys.length === 0 ? "the delivery has no X-Event-Key header" : "the delivery has more than one X-Event-Key header",
      "X-Event-Key"
    )
  }
  return yield* decodeDelivery(keys[0]!, options.body)
})

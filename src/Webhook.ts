/**
 * Webhook subscriptions (pybitbucket's hooks), on a repository or on a whole workspace, the event
 * keys they subscribe to, and the check of a delivery's signature.
 *
 * Repository webhooks: {@link findForRepository}, {@link find}, {@link create}, {@link update},
 * `delete`. Workspace webhooks: {@link findForWorkspace}, {@link findWorkspaceHook},
 * {@link createWorkspaceHook}, {@link updateWorkspaceHook}, {@link deleteWorkspaceHook}.
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
import { Effect, Redacted, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import { equalInConstantTime, hmacSha256 } from "./internal/hmac.js"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"

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
  const utf8 = new TextEncoder()
  const body = typeof options.body === "string" ? utf8.encode(options.body) : options.body
  const expected = hmacSha256(utf8.encode(secret), body)
  const given = Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16))
  return equalInConstantTime(given, expected)
}

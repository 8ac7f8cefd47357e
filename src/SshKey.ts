/**
 * SSH keys on a user's account (`/users/{selected_user}/ssh-keys`), which give git access to
 * everything the account can reach. Bitbucket lets you see and change only your own: name yourself
 * by `account_id` or `{uuid}` (from `User.current()`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SshKey, User } from "effect-bitbucket"
 *
 * const addLaptopKey = Effect.gen(function* () {
 *   const me = yield* User.current()
 *   return yield* SshKey.create({ selected_user: me.uuid! }, {
 *     key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 me@laptop",
 *     label: "Laptop"
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import { SshPublicKey } from "./internal/sshKey.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const SshKeySchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  comment: Schema.optional(Schema.String),
  label: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  last_used: Schema.optional(Schema.NullOr(Schema.String)),
  expires_on: Schema.optional(Schema.NullOr(Schema.String)),
  fingerprint: Schema.optional(Schema.String),
  owner: Schema.optional(Account),
  links: Schema.optional(Resource.Links)
})

/**
 * An account's SSH key: its `uuid`, the public `key` (without its comment), the `comment` parsed
 * from it, your `label`, its `fingerprint`, when it was added, last used and expires, and its
 * `owner`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SshKey: Resource.NamedStruct<typeof SshKeySchema, SshKey> = SshKeySchema

/**
 * An account's SSH key.
 *
 * @since 0.1.0
 * @category models
 */
export interface SshKey extends Schema.Schema.Type<typeof SshKeySchema> {}

/**
 * An account: its `account_id` or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccountRef {
  readonly selected_user: string
}

/**
 * One SSH key of an account: `key_id` is the key's `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SshKeyRef extends AccountRef {
  readonly key_id: string
}

const DateTime = Schema.String.pipe(
  Schema.filter((text) => !Number.isNaN(Date.parse(text)) || `an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z; got ${JSON.stringify(text)}`)
)

const PayloadSchema = Schema.Struct({
  key: SshPublicKey,
  label: Schema.optional(Schema.String),
  expires_on: Schema.optional(DateTime)
})

/**
 * A key to add: an OpenSSH public key on one line (a private key, or anything else, is
 * `InvalidInput` and is not sent, and no message quotes it), a label, and when it stops working
 * (`expires_on`, an ISO 8601 date and time), for keys you rotate.
 *
 * @since 0.1.0
 * @category payloads
 */
export const Payload: Resource.NamedStruct<typeof PayloadSchema, Payload> = PayloadSchema

/**
 * A key to add.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface Payload extends Schema.Schema.Type<typeof PayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({ label: Schema.String })

/**
 * What can change on a key: its label (to change the key itself, delete it and add the new one).
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdatePayload: Resource.NamedStruct<typeof UpdatePayloadSchema, UpdatePayload> = UpdatePayloadSchema

/**
 * What can change on a key.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

const keys = "/users/{selected_user}/ssh-keys"
const one = `${keys}/{key_id}`

/**
 * The SSH keys of your account.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { SshKey } from "effect-bitbucket"
 *
 * const unused = SshKey.findForUser({ selected_user: "557058:alice" }).pipe(Stream.filter((key) => key.last_used == null))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForUser = (
  ref: AccountRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<SshKey, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: keys, params: ref }, SshKey, options).pipe(Stream.withSpan("Bitbucket.SshKey.findForUser"))

/**
 * One SSH key by its uuid.
 *
 * @example
 * ```ts
 * import { SshKey } from "effect-bitbucket"
 *
 * const key = SshKey.find({ selected_user: "557058:alice", key_id: "{b15b6026-9c02-4626-b4ad-b905f9b8e1a7}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.SshKey.find")(function*(ref: SshKeyRef) {
  return yield* Http.json({ method: "GET", path: one, params: ref }, SshKey)
})

/**
 * The ref of an SSH key you hold, read from its `links.self` (the account and the key's
 * `{uuid}`). Fails with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { SshKey } from "effect-bitbucket"
 *
 * const removeOld = SshKey.findForUser({ selected_user: "557058:alice" }).pipe(
 *   Stream.filter((key) => (key.created_on ?? "") < "2024-01-01"),
 *   // Collect first: deleting while the listing pages would skip some.
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((key) => Effect.flatMap(SshKey.refOf(key), SshKey.delete), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (key: SshKey): Effect.Effect<SshKeyRef, BitbucketError.InvalidInput> =>
  refFromSelf<SshKeyRef>(key, one, "SSH key")

/**
 * Adds an SSH key to your account. Bitbucket takes a key once: adding one that is on any account,
 * or is a repository's or project's deploy key, fails with `BadRequest`; so may one deleted less
 * than 30 days ago (Bitbucket takes that long to let it go).
 *
 * @example
 * ```ts
 * import { SshKey } from "effect-bitbucket"
 *
 * const added = SshKey.create({ selected_user: "557058:alice" }, {
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 alice@laptop",
 *   label: "Laptop",
 *   expires_on: "2027-06-30T00:00:00Z"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.SshKey.create")(function*(ref: AccountRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "POST", path: keys, params: ref }, Payload, payload, SshKey)
})

/**
 * Relabels an SSH key.
 *
 * @example
 * ```ts
 * import { SshKey } from "effect-bitbucket"
 *
 * const relabelled = SshKey.update(
 *   { selected_user: "557058:alice", key_id: "{b15b6026-9c02-4626-b4ad-b905f9b8e1a7}" },
 *   { label: "Old laptop" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.SshKey.update")(function*(ref: SshKeyRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: one, params: ref }, UpdatePayload, payload, SshKey)
})

/**
 * Removes an SSH key from your account.
 *
 * @example
 * ```ts
 * import { SshKey } from "effect-bitbucket"
 *
 * const removed = SshKey.delete({ selected_user: "557058:alice", key_id: "{b15b6026-9c02-4626-b4ad-b905f9b8e1a7}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.SshKey.delete")(function*(ref: SshKeyRef) {
  return yield* Http.empty({ method: "DELETE", path: one, params: ref })
})

export { del as delete }

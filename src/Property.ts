/**
 * Application properties: a JSON object an app stores against a repository, a commit, a pull
 * request or a user, under its app key and a property name, for Bitbucket to keep and hand back.
 *
 * The operations take the thing the property is stored against as a "subject": a repository
 * (`{ workspace, repo_slug }`), a commit (`{ workspace, repo_slug, commit }`), a pull request
 * (`{ workspace, repo_slug, pull_request_id }`) or a user (`{ selected_user }`, an `account_id`
 * or `{uuid}`); one property adds `app_key` and `property_name`. {@link find} reads it,
 * {@link update} stores it (replacing what was there), `delete` removes it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Property } from "effect-bitbucket"
 *
 * const ref = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, app_key: "ci-bot", property_name: "review" }
 * const program = Effect.gen(function* () {
 *   yield* Property.update(ref, { checked: true, findings: 2 })
 *   const stored = yield* Property.find(ref)
 *   return stored.findings
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import * as Resource from "./Resource.js"

const PropertySchema = Resource.Struct({
  _attributes: Schema.optional(Schema.Array(Schema.Union(Schema.Literal("public", "read_only"), Schema.String)))
})

/**
 * A stored property: the JSON object the app stored, every field kept. Its `_attributes` say who
 * else may see or change it: `public` (anyone who can see the subject may read it) and
 * `read_only` (only the app may change it).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Property: Resource.NamedStruct<typeof PropertySchema, Property> = PropertySchema

/**
 * A stored property.
 *
 * @since 0.1.0
 * @category models
 */
export interface Property extends Schema.Schema.Type<typeof PropertySchema> {}

/** Is this a JSON value (null, a boolean, a finite number, a string, or arrays and plain objects of them)? */
const isJson = (value: unknown, seen: Set<object> = new Set()): boolean => {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true
  if (typeof value === "number") return Number.isFinite(value)
  if (typeof value !== "object" || seen.has(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return false
  seen.add(value)
  const fine = Object.values(value).every((item) => isJson(item, seen))
  seen.delete(value)
  return fine
}

const JsonValue = Schema.declare((u: unknown): u is unknown => isJson(u), {
  identifier: "JsonValue",
  description: "a JSON value (null, a boolean, a finite number, a string, or an array or plain object of them)"
})

const PayloadSchema = Schema.Struct(
  { _attributes: Schema.optional(Schema.Array(Schema.Literal("public", "read_only"))) },
  Schema.Record({ key: Schema.String, value: JsonValue })
)

/**
 * What to store: any JSON object, with `_attributes` (`public`, `read_only`) if others should read
 * it or only the app change it. A value JSON cannot carry as it is (`undefined`, `NaN`, a `Date`,
 * a `Map`, a class instance, a cycle) is `InvalidInput`, and nothing is sent.
 *
 * @since 0.1.0
 * @category payloads
 */
export const Payload: Resource.NamedStruct<typeof PayloadSchema, Payload> = PayloadSchema

/**
 * The body of {@link update}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface Payload extends Schema.Schema.Type<typeof PayloadSchema> {}

/**
 * A repository as the subject of properties.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepositorySubject {
  readonly workspace: string
  readonly repo_slug: string
}

/**
 * A commit as the subject of properties.
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
 * A pull request as the subject of properties.
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
 * A user as the subject of properties: by `account_id` or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserSubject {
  readonly selected_user: string
}

/**
 * What properties can be stored against.
 *
 * @since 0.1.0
 * @category models
 */
export type Subject = RepositorySubject | CommitSubject | PullRequestSubject | UserSubject

/**
 * Identifies one property: its subject, the app's key and the property's name.
 *
 * @since 0.1.0
 * @category models
 */
export type PropertyRef<S extends Subject = Subject> = S & {
  readonly app_key: string
  readonly property_name: string
}

/** Does a ref name two subjects at once (a commit and a pull request, a user and a repository)? */
const ambiguous = (ref: Subject) =>
  ("commit" in ref && "pull_request_id" in ref) ||
  ("selected_user" in ref && ("workspace" in ref || "repo_slug" in ref || "commit" in ref || "pull_request_id" in ref))

/** The property's path template, or `InvalidInput` when the ref names two subjects at once. */
const pathOf = (ref: PropertyRef) => {
  if (ambiguous(ref)) {
    return Effect.fail(
      new BitbucketError.InvalidInput({
        message: "invalid subject: name one of a repository, a commit (commit), a pull request (pull_request_id) or a user (selected_user), not several",
        parameter: "subject"
      })
    )
  }
  const subject = "selected_user" in ref
    ? "/users/{selected_user}"
    : "pull_request_id" in ref
    ? "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}"
    : "commit" in ref
    ? "/repositories/{workspace}/{repo_slug}/commit/{commit}"
    : "/repositories/{workspace}/{repo_slug}"
  return Effect.succeed(`${subject}/properties/{app_key}/{property_name}`)
}

/**
 * A property's value (`NotFound` when none is stored under that name, or the subject does not
 * exist). An empty `app_key` or `property_name` is `InvalidInput`, and nothing is sent.
 *
 * @example
 * ```ts
 * import { Property } from "effect-bitbucket"
 *
 * const stored = Property.find({ workspace: "demo", repo_slug: "effect-playground", app_key: "ci-bot", property_name: "settings" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Property.find")(function*(ref: PropertyRef) {
  return yield* Http.json({ method: "GET", path: yield* pathOf(ref), params: ref }, Property)
})

/**
 * Stores a property, replacing any value stored under that name (Bitbucket answers nothing; read
 * it back with {@link find}).
 *
 * @example
 * ```ts
 * import { Property } from "effect-bitbucket"
 *
 * const stored = Property.update(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", app_key: "ci-bot", property_name: "coverage" },
 *   { percent: 87.5, _attributes: ["public"] }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Property.update")(function*(ref: PropertyRef, payload: Payload) {
  const path = yield* pathOf(ref)
  const value = yield* Http.encodePayload(Payload, payload)
  return yield* Http.empty({ method: "PUT", path, params: ref, body: { _tag: "Json", value } })
})

const del = Effect.fn("Bitbucket.Property.delete")(function*(ref: PropertyRef) {
  return yield* Http.empty({ method: "DELETE", path: yield* pathOf(ref), params: ref })
})

export {
  /**
   * Removes a property (`NotFound` when none is stored under that name).
   *
   * @example
   * ```ts
   * import { Property } from "effect-bitbucket"
   *
   * const removed = Property.delete({ selected_user: "557058:alice", app_key: "ci-bot", property_name: "preferences" })
   * ```
   *
   * @since 0.1.0
   * @category destructors
   */
  del as delete
}

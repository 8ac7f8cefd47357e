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
 * Bitbucket lets every caller who can see the subject read a property its app marked `public`, and
 * the app's own credentials (its Connect JWT, through an `Authenticator` of your own) read and
 * change the rest; whether other credentials may change them, Bitbucket does not say. The fake lets
 * anyone with write access to the subject change them.
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

/** What Bitbucket takes as a key of a property's objects, at every depth. */
const keyPattern = /^[-_a-zA-Z0-9]+$/

/** Where a value stops being JSON Bitbucket keeps as it is, and why (the value itself is not shown). */
interface JsonProblem {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

/**
 * The first place where a value is not JSON that Bitbucket would keep as it is: `undefined`, a
 * number JSON has not (`NaN`, `Infinity`), a bigint, a function, a `Date`, `Map` or other class
 * instance, an array hole, a cycle, or an object key Bitbucket refuses.
 */
const jsonProblem = (
  value: unknown,
  path: ReadonlyArray<string | number>,
  seen: Set<object>,
  skip?: string
): JsonProblem | undefined => {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, message: `${value} is not a JSON number` }
  if (value === undefined) return { path, message: "undefined is not JSON (leave the key out, or send null)" }
  if (typeof value !== "object") return { path, message: `a ${typeof value} is not JSON` }
  if (seen.has(value)) return { path, message: "a cycle is not JSON" }
  const prototype: unknown = Object.getPrototypeOf(value)
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
    return { path, message: `a ${value.constructor?.name ?? "class"} instance is not a plain JSON object (convert it first)` }
  }
  seen.add(value)
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return { path: [...path, i], message: "an array hole is not JSON" }
        const problem = jsonProblem(value[i], [...path, i], seen)
        if (problem !== undefined) return problem
      }
      return undefined
    }
    for (const key of Object.keys(value)) {
      if (key === skip) continue
      if (!keyPattern.test(key) || key === "__proto__") {
        return { path, message: `the key ${JSON.stringify(key)} is refused: Bitbucket takes keys of letters, digits, "-" and "_" only` }
      }
      const problem = jsonProblem((value as Record<string, unknown>)[key], [...path, key], seen)
      if (problem !== undefined) return problem
    }
    return undefined
  } finally {
    seen.delete(value)
  }
}

const PayloadFields = Schema.Struct(
  { _attributes: Schema.optional(Schema.Array(Schema.Literal("public", "read_only"))) },
  // `_attributes` is checked above only: left undefined, it is simply not sent.
  Schema.Record({ key: Schema.String.pipe(Schema.filter((key) => key !== "_attributes")), value: Schema.Unknown })
)

const PayloadSchema = PayloadFields.pipe(Schema.filter((payload) => jsonProblem(payload, [], new Set(), "_attributes") ?? true))

/**
 * What to store: a JSON object of your own, with `_attributes` (`public`, `read_only`) if others should read
 * it or only the app change it. Its keys, at every depth, are letters, digits, `-` and `_`, as
 * Bitbucket requires. A value JSON cannot carry as it is (`undefined`, `NaN`, a `Date`, a `Map`, a
 * class instance, a cycle) or a key Bitbucket refuses is `InvalidInput` naming where it is (the
 * value itself is not shown), and nothing is sent.
 *
 * @since 0.1.0
 * @category payloads
 */
export const Payload: Schema.Schema<Payload, Schema.Schema.Encoded<typeof PayloadSchema>> = PayloadSchema

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

/**
 * Does a ref name two subjects at once (a commit and a pull request, a user and a repository)? A
 * key whose value is undefined names nothing (`{ ...repo, commit: undefined }` is a repository).
 */
const ambiguous = (ref: Subject) => {
  const has = (key: string) => (ref as unknown as { readonly [key: string]: unknown })[key] !== undefined
  return (has("commit") && has("pull_request_id")) ||
    (has("selected_user") && (has("workspace") || has("repo_slug") || has("commit") || has("pull_request_id")))
}

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
  const named = ref as { readonly selected_user?: unknown; readonly pull_request_id?: unknown; readonly commit?: unknown }
  const subject = named.selected_user !== undefined
    ? "/users/{selected_user}"
    : named.pull_request_id !== undefined
    ? "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}"
    : named.commit !== undefined
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
 * Stores a property, replacing whatever value is stored under that name (Bitbucket answers nothing; read
 * it back with {@link find}). To change a stored value, spread what {@link find} gave and set
 * `_attributes` again (a stored one reads as plain strings): `{ ...rest, runs: 2, _attributes: ["public"] }`
 * with `const { _attributes, ...rest } = stored`.
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
  // Checked on the value given, before the schema copies its top level: a cycle back to it is
  // then found where it starts.
  const problem = jsonProblem(payload, [], new Set(), "_attributes")
  if (problem !== undefined) {
    const parameter = ["payload", ...problem.path].join(".")
    return yield* new BitbucketError.InvalidInput({ message: `invalid ${parameter}: ${problem.message}`, parameter })
  }
  // The value was walked above: the schema's own walk (for its users) is not repeated.
  const value = yield* Http.encodePayload(PayloadFields, payload)
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

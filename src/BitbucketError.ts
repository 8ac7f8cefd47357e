/**
 * Every error the library can fail with.
 *
 * Each error is a tagged, yieldable class: use `Effect.catchTag("NotFound", ...)` to handle one
 * case, or match on `_tag`. HTTP errors carry the `method`, the `url` (never credentials), the
 * `status`, and what Bitbucket's error body said (`bitbucketMessage`, `detail`, `fields`, `id`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const maybeRepo = Repository.find({ workspace: "demo", repo_slug: "nope" }).pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(undefined))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Data, Duration, Inspectable, Option } from "effect"

/**
 * `Data.TaggedError` whose `toString` says `Tag: message` and whose custom inspection is a string.
 * Effect's own errors hand themselves back to a custom inspector when `toString` is Error's, and
 * test runners that inspect with chai (vitest's `expect(error).toBeInstanceOf(...)`) then recurse
 * until the stack overflows instead of printing the error.
 */
const TaggedError = <Tag extends string>(tag: Tag): typeof Data.TaggedError<Tag> extends (tag: Tag) => infer C ? C : never => {
  class Tagged extends Data.TaggedError(tag)<{ readonly message?: string }> {
    override toString() {
      return `${this._tag}: ${this.message}`
    }
    /** Node's `util.inspect` and `console.log`: the stack, then every field (status, url, fields, id...). */
    override [Inspectable.NodeInspectSymbol](depth?: number, options?: object, inspect?: (value: unknown, options?: object) => string) {
      const fields = Object.fromEntries(Object.entries(this))
      const shown = inspect === undefined
        ? JSON.stringify(fields)
        : depth !== undefined && depth < 0
        ? "{…}"
        : inspect(fields, { ...options, depth: depth === undefined || depth === null ? depth : depth - 1 })
      return `${this.stack ?? this.toString()}\n${shown}`
    }
  }
  return Tagged as never
}

/**
 * What every HTTP error knows about the request and Bitbucket's error body.
 *
 * @since 0.1.0
 * @category models
 */
export interface HttpErrorFields {
  /** One sentence a user can act on. */
  readonly message: string
  /** The HTTP method of the failed request. */
  readonly method: string
  /** The URL of the failed request, without credentials. */
  readonly url: string
  /** The HTTP status. */
  readonly status: number
  /** `error.message` of Bitbucket's error body, when there was one. */
  readonly bitbucketMessage?: string | undefined
  /** `error.detail` of Bitbucket's error body. */
  readonly detail?: string | undefined
  /** `error.fields` of Bitbucket's error body: invalid field name to messages. */
  readonly fields?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
  /** `error.id` of Bitbucket's error body: a support id. */
  readonly id?: string | undefined
  /** The start of a body that was not JSON (text or HTML), at most 500 characters. */
  readonly body?: string | undefined
}

/**
 * 400: Bitbucket rejected the request; `fields` names the invalid fields.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends TaggedError("BadRequest")<HttpErrorFields> {}

/**
 * 401: missing, wrong or expired credentials.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends TaggedError("Unauthorized")<HttpErrorFields> {}

/**
 * 403: the credentials are valid but lack access or scope.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends TaggedError("Forbidden")<HttpErrorFields> {}

/**
 * 404: no such resource, or it is private and invisible to the caller.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends TaggedError("NotFound")<HttpErrorFields> {}

/**
 * 409: the resource already exists or was changed concurrently.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends TaggedError("Conflict")<HttpErrorFields> {}

/**
 * 410: Bitbucket removed this endpoint or resource.
 *
 * @since 0.1.0
 * @category errors
 */
export class Gone extends TaggedError("Gone")<HttpErrorFields> {}

/**
 * 429: rate limited, after the retries allowed by the retry policy. `retryAfter` is the wait
 * Bitbucket asked for, when it said.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends TaggedError("RateLimited")<
  HttpErrorFields & { readonly retryAfter: Option.Option<Duration.Duration> }
> {}

/**
 * 5xx, including Bitbucket's own 555 ("timed out, retry later"), after the allowed retries.
 * `retryAfter` is the wait the last answer asked for (a 503 often sends `Retry-After`), when it
 * said; as on `RateLimited`, it is what to wait before trying again yourself.
 *
 * @example
 * ```ts
 * import { Duration, Effect, Option } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * // The client's own retries are spent: try once more later, when Bitbucket said when (else in a minute).
 * const find = Repository.find({ workspace: "demo", repo_slug: "hello" })
 * const patient = find.pipe(
 *   Effect.catchTag("ServerError", (error) =>
 *     Effect.delay(find, Option.getOrElse(error.retryAfter, () => Duration.minutes(1))))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends TaggedError("ServerError")<
  HttpErrorFields & { readonly retryAfter: Option.Option<Duration.Duration> }
> {}

/**
 * Any other status the operation did not expect (402, 405, 406, 411, 416, an unexpected 3xx...).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatus extends TaggedError("UnexpectedStatus")<HttpErrorFields> {}

/**
 * The response could not be read as what the operation expects: malformed JSON, a wrong content,
 * or a field that does not match the schema (`path` names it).
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends TaggedError("DecodeError")<{
  readonly message: string
  readonly method: string
  readonly url: string
  readonly status?: number | undefined
  /** The path of the offending field, e.g. `["values", 3, "name"]`. */
  readonly path: ReadonlyArray<PropertyKey>
}> {}

/**
 * The request did not get a response: connection refused or reset, DNS, or a timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends TaggedError("TransportError")<{
  readonly message: string
  readonly method: string
  readonly url: string
  readonly reason: "Transport" | "Timeout" | "RefusedOrigin"
}> {}

/**
 * Work Bitbucket accepted had not finished after the polls allowed (`maxPolls`): a pull request
 * merge answered 202, a pipeline run awaited. It may still finish, or have finished since: `url`
 * is where to look (the task's status, the pipeline run), `polls` how many reads were made.
 *
 * @since 0.1.0
 * @category errors
 */
export class Pending extends TaggedError("Pending")<{
  readonly message: string
  readonly method: string
  readonly url: string
  readonly polls: number
}> {}

/**
 * The caller's input was rejected before anything was sent: an empty or malformed identifier, or
 * a payload that does not match its schema.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidInput extends TaggedError("InvalidInput")<{
  readonly message: string
  /** The parameter or payload field that was rejected. */
  readonly parameter: string
}> {}

/**
 * The union of every error the library fails with.
 *
 * @since 0.1.0
 * @category models
 */
export type BitbucketError = StatusError | DecodeError | TransportError | Pending | InvalidInput

/**
 * The errors that come from an HTTP status.
 *
 * @since 0.1.0
 * @category models
 */
export type StatusError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | Gone
  | RateLimited
  | ServerError
  | UnexpectedStatus

const tags: ReadonlySet<string> = new Set([
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "Conflict",
  "Gone",
  "RateLimited",
  "ServerError",
  "UnexpectedStatus",
  "DecodeError",
  "TransportError",
  "Pending",
  "InvalidInput"
])

/**
 * Is this value one of the library's errors?
 *
 * @example
 * ```ts
 * import { BitbucketError } from "effect-bitbucket"
 *
 * BitbucketError.isBitbucketError(new BitbucketError.InvalidInput({ message: "x", parameter: "y" })) // true
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isBitbucketError = (u: unknown): u is BitbucketError =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && tags.has(u._tag)

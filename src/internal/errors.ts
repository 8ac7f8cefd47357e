/**
 * Turning HTTP answers and decode failures into the library's tagged errors.
 * @internal
 */
import { Duration, Option, ParseResult } from "effect"
import * as BitbucketError from "../BitbucketError.js"
import { isRecord } from "./record.js"
import { type Redact, REDACTED, redactor } from "./redact.js"

/** A URL safe to show: no user info. */
export const displayUrl = (url: string | URL): string => {
  try {
    const parsed = new URL(url)
    parsed.username = ""
    parsed.password = ""
    return parsed.toString()
  } catch {
    return "<invalid url>"
  }
}

/**
 * What an HTTP client failure was, told from its causes: each level's message and error code, for
 * example `failed before a response: fetch failed: connect ECONNREFUSED 127.0.0.1:443`. A cause
 * may quote a header value (undici does, for an invalid one), so every `secrets` string (the
 * credentials the request carried) is blanked out. The request itself is never shown.
 */
export const clientFailure = (
  error: { readonly _tag: string; readonly reason: string; readonly description?: string | undefined; readonly cause?: unknown },
  secrets: ReadonlyArray<string>
): string => {
  const redact = redactor(secrets)
  const parts: Array<string> = error.description === undefined ? [] : [error.description]
  let level: unknown = error.cause
  for (let depth = 0; depth < 5 && typeof level === "object" && level !== null; depth++) {
    const e = level as { readonly message?: unknown; readonly code?: unknown; readonly cause?: unknown; readonly errors?: unknown }
    // Blanked before it is cut short: a secret cut in two would no longer be found.
    let text = typeof e.message === "string" ? redact(e.message.trim()).slice(0, 300) : ""
    if (typeof e.code === "string" && !text.includes(e.code)) text = text === "" ? e.code : `${text} (${e.code})`
    if (text !== "" && parts[parts.length - 1] !== text) parts.push(text)
    // Node reports a refused connection to every address of a host as an AggregateError.
    level = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined)
  }
  const detail = redact(parts.length > 0 ? parts.join(": ") : error.reason)
  return `${error._tag === "ResponseError" ? "failed while reading the response" : "failed before a response"}: ${detail}`
}

/** What a failure message must not show of an Authorization header: its value, and the credential after the scheme. */
export const secretsOf = (authorization: string | undefined): ReadonlyArray<string> => {
  if (authorization === undefined) return []
  const credential = authorization.slice(authorization.indexOf(" ") + 1)
  // A credential of a few characters cannot be told apart from other text (none is that short).
  const out = [authorization, credential].filter((secret) => secret.length >= 4)
  if (/^basic /i.test(authorization)) {
    // What a server may echo of Basic credentials is the password, alone or after `user:`. The user
    // (an email) is not a secret: errors that name it, or a colleague at the same domain, stay readable.
    try {
      const decoded = new TextDecoder().decode(Uint8Array.from(atob(credential), (c) => c.charCodeAt(0)))
      const password = decoded.slice(decoded.indexOf(":") + 1)
      // A password too short to be told apart from other text is kept out with its user, as the
      // pair a server echoes: `alice:x9Q` must not show, though `x9Q` alone cannot be blanked.
      if (password.length >= 4) out.push(password)
      else if (password.length > 0 && decoded.length >= 4) out.push(decoded)
    } catch {
      // Not Base64: nothing more to find.
    }
  }
  return out
}

interface ErrorBody {
  readonly bitbucketMessage?: string
  readonly detail?: string
  readonly fields?: Record<string, ReadonlyArray<string>>
  readonly id?: string
  readonly body?: string
}

const str = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

/** The longest error body read, and the most fields kept of one. */
const maxErrorBody = 64 * 1024
const maxFields = 50

/**
 * `error.fields`, secrets blanked out of the messages. A field name is kept as Bitbucket wrote it
 * unless it is itself a secret (then `<redacted>#n`): a name that merely holds a short secret's
 * characters (`variables.1.value`) must stay readable.
 */
const fieldsOf = (u: unknown, redact: Redact): Record<string, ReadonlyArray<string>> | undefined => {
  if (!isRecord(u)) return undefined
  return Object.fromEntries(
    Object.entries(u).slice(0, maxFields).map(([key, value], i) => [
      fieldName(key, i, redact),
      (Array.isArray(value) ? value.map(String) : [String(value)]).map(redact)
    ])
  )
}

/** A field's name as written, or `<redacted>#i` when it is itself a secret. */
const fieldName = (key: string, i: number, redact: Redact) => (key.length >= 4 && redact(key) !== key ? `${REDACTED}#${i}` : key)

/** Reads Bitbucket's error body (`{ type: "error", error: { message, detail, fields, id } }`), OAuth's
 * (`{ error, error_description }`), or keeps the start of a text or HTML body. */
export const parseErrorBody = (text: string, redact: Redact = (t) => t): ErrorBody => {
  // An error body worth reading is short: a huge one is cut before it is parsed or scanned.
  const trimmed = text.trim().slice(0, maxErrorBody)
  if (trimmed.length === 0) return {}
  try {
    const json: unknown = JSON.parse(trimmed)
    if (isRecord(json)) {
      const error = json["error"]
      // Secrets are blanked out of the values once parsed (escapes undone), never out of the JSON.
      const said = (u: unknown) => {
        const text = str(u)
        return text === undefined ? undefined : redact(text)
      }
      if (isRecord(error)) {
        const fields = fieldsOf(error["fields"], redact)
        const id = said(error["id"]) ?? said(json["id"])
        const out: ErrorBody = {
          ...(said(error["message"]) !== undefined ? { bitbucketMessage: said(error["message"])! } : {}),
          ...(said(error["detail"]) !== undefined ? { detail: said(error["detail"])! } : {}),
          ...(fields !== undefined ? { fields } : {}),
          ...(id !== undefined ? { id } : {})
        }
        return out
      }
      const oauthError = said(json["error_description"]) ?? said(json["error"])
      if (oauthError !== undefined) return { bitbucketMessage: oauthError }
    }
  } catch {
    // not JSON: fall through to text
  }
  // Blanked before the markup is taken out and the text cut short (either could split a secret),
  // and again after (taking out the markup could join one).
  const isHtml = /^<(!doctype|html)/i.test(trimmed)
  const blanked = redact(trimmed)
  // The markup goes, but not the marks of what was blanked.
  const plain = isHtml
    ? redact(blanked.split(REDACTED).map((part) => part.replace(/<[^<>]*>/g, " ")).join(REDACTED).replace(/\s+/g, " ").trim())
    : blanked
  return { body: plain.slice(0, 500) }
}

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
const TIME = "\\d{2}:\\d{2}:\\d{2}"
/**
 * A `Retry-After` value (RFC 9110): delta-seconds, or an HTTP date in one of its three forms
 * (IMF-fixdate, RFC 850, asctime), maybe followed by more values (two header lines, as a proxy
 * adding its own makes them, arrive joined by a comma): the first counts.
 */
const retryAfterForm = new RegExp(
  `^(?:(\\d+(?:\\.\\d+)?)|(${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}))\\s*(?:,|$)`
)

/**
 * Parses `Retry-After`: seconds, or an HTTP date. Anything else (`-1`, a word, a date in another
 * form) is no advice at all, so the usual backoff applies: a lenient date parser would read such
 * text as a date long past, and a 429 would be retried at once.
 */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const form = retryAfterForm.exec(value.trim())
  if (form === null) return Option.none()
  if (form[1] !== undefined) return Option.some(Duration.seconds(Number(form[1])))
  // An asctime date names no zone; HTTP dates are all in GMT.
  const date = Date.parse(form[2]!.endsWith("GMT") ? form[2]! : `${form[2]} GMT`)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

const describe = (status: number): string => {
  switch (status) {
    case 202:
      return "Bitbucket has not finished preparing this answer (it is still indexing); retry later"
    case 400:
      return "Bitbucket rejected the request as invalid"
    case 401:
      return "Bitbucket rejected the credentials (missing, wrong or expired)"
    case 403:
      return "the credentials lack access to this resource or the required scope"
    case 404:
      return "not found, or not visible with these credentials"
    case 409:
      return "conflict with the resource's current state"
    case 410:
      return "Bitbucket removed this endpoint or resource"
    case 429:
      return "rate limited by Bitbucket; wait before retrying"
    case 555:
      return "Bitbucket timed out computing the answer; retry later"
    default:
      return status >= 500 ? "Bitbucket failed with a server error" : `unexpected HTTP status ${status}`
  }
}

/** What a status means from a host other than the API (a content host serving a signed link), which took no credentials. */
const describeOffApi = (status: number): string => {
  switch (status) {
    case 401:
    case 403:
      return "the host refused the link (a signed link may have expired)"
    case 404:
      return "not found on the host"
    case 429:
      return "rate limited by the host; wait before retrying"
    default:
      return status >= 500 ? "the host failed with a server error" : `unexpected HTTP status ${status}`
  }
}

/** The tagged error for a non-2xx answer. */
export const statusError = (input: {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly body: string
  readonly retryAfter?: Option.Option<Duration.Duration>
  /** Values no part of the error may show (see `redactor`). */
  readonly secrets?: ReadonlyArray<string>
  /**
   * The status whose error this answer is, when it is not its own: a 405 that means a lost
   * compare-and-swap (409), an OAuth 400 that means bad credentials (401). `status` stays the one sent.
   */
  readonly treatAs?: number | undefined
  /** The answer came from a host other than the API's (a content host): it is not Bitbucket speaking. */
  readonly offApi?: boolean | undefined
}): BitbucketError.StatusError => {
  const parsed = parseErrorBody(input.body, redactor(input.secrets ?? []))
  const url = displayUrl(input.url)
  // Without a message, the detail is what Bitbucket said.
  const said = parsed.bitbucketMessage ?? parsed.body ?? parsed.detail
  // Bitbucket often puts what to do in `detail` ("App passwords are no longer supported. Use an
  // API token"), under a terse `message`: the message shows it too.
  const more = said !== undefined && parsed.detail !== undefined && parsed.detail !== said ? ` (${parsed.detail.slice(0, 300)})` : ""
  // A field whose every message the shown part of Bitbucket's message already says, under the
  // field's own name (`name: This field is required.`), is not said twice.
  const shown = said?.slice(0, 200) ?? ""
  const unsaid = Object.entries(parsed.fields ?? {}).filter(([k, v]) => !v.every((m) => shown.includes(`${k}: ${m}`)))
  const fieldList = unsaid.length === 0 ? "" : ` (${unsaid.map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ").slice(0, 1000)})`
  const kind = input.treatAs ?? input.status
  const message = `${input.method} ${url} failed with ${input.status}: ${input.offApi === true ? describeOffApi(kind) : describe(kind)}${
    said === undefined ? "" : `. ${input.offApi === true ? "The host" : "Bitbucket"} said: ${said.slice(0, 200)}${more}`
  }${fieldList}`
  const fields = { message, method: input.method, url, status: input.status, ...parsed }
  switch (kind) {
    case 400:
      return new BitbucketError.BadRequest(fields)
    case 401:
      return new BitbucketError.Unauthorized(fields)
    case 403:
      return new BitbucketError.Forbidden(fields)
    case 404:
      return new BitbucketError.NotFound(fields)
    case 409:
      return new BitbucketError.Conflict(fields)
    case 410:
      return new BitbucketError.Gone(fields)
    case 429:
      return new BitbucketError.RateLimited({ ...fields, retryAfter: input.retryAfter ?? Option.none() })
    default:
      return input.status >= 500
        ? new BitbucketError.ServerError({ ...fields, retryAfter: input.retryAfter ?? Option.none() })
        : new BitbucketError.UnexpectedStatus(fields)
  }
}

/** The first half of a character written as two UTF-16 units: a text is not cut after it. */
const highSurrogate = /^[\ud800-\udbff]$/

/** A text cut to at most 300 characters (a schema's message may quote a megabyte), never inside a character. */
export const shortened = (text: string): string =>
  text.length > 300 ? `${text.slice(0, highSurrogate.test(text.charAt(299)) ? 299 : 300)}…` : text

/**
 * A `DecodeError` from a schema failure, naming the first offending field. The schema's message
 * quotes the value it refused, which may be anything the server sent (an echo of the request's
 * credentials, a megabyte of text): `secrets` are blanked out of it and it is cut short.
 */
export const decodeError = (
  error: ParseResult.ParseError,
  context: { readonly method: string; readonly url: string; readonly status?: number; readonly secrets?: ReadonlyArray<string> | undefined }
): BitbucketError.DecodeError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const redact = redactor(context.secrets ?? [])
  // A path may hold the body's own keys (a record keyed by file names): blanked like the rest.
  const path = (first?.path ?? []).map((segment) => (typeof segment === "string" ? redact(segment) : segment))
  const where = path.length === 0 ? "the body" : `field ${path.map(String).join(".")}`
  const said = redact(first?.message ?? "invalid value")
  return new BitbucketError.DecodeError({
    message: `${context.method} ${displayUrl(context.url)}: the response did not match the expected shape at ${where}: ${
      shortened(said)
    }`,
    method: context.method,
    url: displayUrl(context.url),
    status: context.status,
    path
  })
}

/** A `DecodeError` for a body that is not what the operation reads (malformed JSON, empty, HTML). */
export const malformedBody = (
  context: { readonly method: string; readonly url: string; readonly status?: number },
  what: string
): BitbucketError.DecodeError =>
  new BitbucketError.DecodeError({
    message: `${context.method} ${displayUrl(context.url)}: ${what}`,
    method: context.method,
    url: displayUrl(context.url),
    status: context.status,
    path: []
  })

/**
 * A new error of the same class, with these fields and message, that keeps where the original came
 * from: its stack, through `stack` (the stack's first line holds the message, which inspection and
 * test reports print instead of `message`).
 */
const remake = <E extends BitbucketError.BitbucketError>(
  error: E,
  fields: Record<string, unknown>,
  message: string,
  stack: (stack: string) => string
): E => {
  const copy = new (error.constructor as new(args: Record<string, unknown>) => E)({ ...fields, message })
  if (typeof error.stack === "string") copy.stack = stack(error.stack)
  return copy
}

/** The same error, its message followed by a note in parentheses (what the caller should know of its context). */
export const withNote = <E extends BitbucketError.BitbucketError>(error: E, note: string): E => {
  const message = `${error.message} (${note})`
  return remake(error, { ...error }, message, (stack) => stack.replace(error.message, () => message))
}

/**
 * The error with `secrets` blanked out of every text it holds (its message, stack and Bitbucket's
 * words), made anew so that nothing of the original arguments is kept. The last line of defence
 * for a request that carried secrets: a `DecodeError` may quote an answer that echoed one.
 */
export const redactError = <E extends BitbucketError.BitbucketError>(error: E, secrets: ReadonlyArray<string>): E => {
  if (secrets.length === 0) return error
  const redact = redactor(secrets)
  const fields: Record<string, unknown> = {}
  let changed = false
  for (const [key, value] of Object.entries(error)) {
    let next: unknown = value
    // What the library wrote itself (the method, the URL it called, the tag) holds no secret.
    if (typeof value === "string" && key !== "url" && key !== "method" && key !== "_tag") next = redact(value)
    else if (key === "fields" && isRecord(value)) {
      next = Object.fromEntries(
        Object.entries(value).map(([name, messages], i) => [
          fieldName(name, i, redact),
          Array.isArray(messages) ? messages.map((m) => redact(String(m))) : messages
        ])
      )
    }
    changed ||= JSON.stringify(next) !== JSON.stringify(value)
    fields[key] = next
  }
  const message = redact(error.message)
  if (!changed && message === error.message) return error
  // Where the error came from, not where it was blanked.
  return remake(error, fields, message, redact)
}

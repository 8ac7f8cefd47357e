/**
 * Turning HTTP answers and decode failures into the library's tagged errors.
 * @internal
 */
import { Duration, Option, ParseResult } from "effect"
import * as BitbucketError from "../BitbucketError.js"
import { isRecord } from "./record.js"

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
  const parts: Array<string> = error.description === undefined ? [] : [error.description]
  let level: unknown = error.cause
  for (let depth = 0; depth < 5 && typeof level === "object" && level !== null; depth++) {
    const e = level as { readonly message?: unknown; readonly code?: unknown; readonly cause?: unknown; readonly errors?: unknown }
    // Blanked before it is cut short: a secret cut in two would no longer be found.
    let text = typeof e.message === "string" ? blankSecrets(e.message.trim(), secrets).slice(0, 300) : ""
    if (typeof e.code === "string" && !text.includes(e.code)) text = text === "" ? e.code : `${text} (${e.code})`
    if (text !== "" && parts[parts.length - 1] !== text) parts.push(text)
    // Node reports a refused connection to every address of a host as an AggregateError.
    level = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined)
  }
  const detail = blankSecrets(parts.length > 0 ? parts.join(": ") : error.reason, secrets)
  return `${error._tag === "ResponseError" ? "failed while reading the response" : "failed before a response"}: ${detail}`
}

const REDACTED = "<redacted>"

/**
 * The ways a server may write a value back in a text: as it is, JSON-escaped (`\n`, `\"`), with
 * non-ASCII as `\u` escapes, URL-encoded, HTML-escaped.
 */
const spellings = (secret: string): ReadonlyArray<string> => {
  const json = JSON.stringify(secret).slice(1, -1)
  const ascii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  const html = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")
  let url = secret
  try {
    url = encodeURIComponent(secret)
  } catch {
    // A lone surrogate has no URL form.
  }
  const upperHex = ascii.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`)
  return [...new Set([secret, json, json.replace(/\//g, "\\/"), ascii, upperHex, url, html])]
}

/**
 * Text with every `secrets` string blanked out as `<redacted>`, in every spelling a server may
 * echo it in (longest first, so that no part of a longer secret is left). A secret of fewer than
 * 4 characters cannot be told apart from ordinary text: a text holding one is withheld whole.
 */
export const blankSecrets = (text: string, secrets: ReadonlyArray<string>): string => {
  if (secrets.some((secret) => secret.length > 0 && secret.length < 4 && text.includes(secret))) return REDACTED
  let out = text
  const all = secrets.filter((secret) => secret.length >= 4).flatMap(spellings)
  for (const spelling of [...new Set(all)].sort((a, b) => b.length - a.length)) out = out.split(spelling).join(REDACTED)
  return out
}

/** An error body with every secret blanked out of what it says (after parsing: the structure stays). */
const blankBody = (body: ErrorBody, secrets: ReadonlyArray<string>): ErrorBody => {
  if (secrets.length === 0) return body
  const blank = (text: string | undefined) => (text === undefined ? undefined : blankSecrets(text, secrets))
  return {
    ...(body.bitbucketMessage !== undefined ? { bitbucketMessage: blank(body.bitbucketMessage)! } : {}),
    ...(body.detail !== undefined ? { detail: blank(body.detail)! } : {}),
    ...(body.fields !== undefined
      ? { fields: Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [blank(k)!, v.map((m) => blank(m)!)])) }
      : {}),
    ...(body.id !== undefined ? { id: blank(body.id)! } : {}),
    ...(body.body !== undefined ? { body: blank(body.body)! } : {})
  }
}

/** What a failure message must not show of an Authorization header: its value, and the credential after the scheme. */
export const secretsOf = (authorization: string | undefined): ReadonlyArray<string> =>
  authorization === undefined ? [] : [authorization, authorization.slice(authorization.indexOf(" ") + 1)]

interface ErrorBody {
  readonly bitbucketMessage?: string
  readonly detail?: string
  readonly fields?: Record<string, ReadonlyArray<string>>
  readonly id?: string
  readonly body?: string
}

const str = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

const fieldsOf = (u: unknown): Record<string, ReadonlyArray<string>> | undefined => {
  if (!isRecord(u)) return undefined
  const out: Record<string, ReadonlyArray<string>> = {}
  for (const [key, value] of Object.entries(u)) {
    out[key] = Array.isArray(value) ? value.map(String) : [String(value)]
  }
  return out
}

/** Reads Bitbucket's error body (`{ type: "error", error: { message, detail, fields, id } }`), OAuth's
 * (`{ error, error_description }`), or keeps the start of a text or HTML body. */
export const parseErrorBody = (text: string): ErrorBody => {
  const trimmed = text.trim()
  if (trimmed.length === 0) return {}
  try {
    const json: unknown = JSON.parse(trimmed)
    if (isRecord(json)) {
      const error = json["error"]
      if (isRecord(error)) {
        const out: ErrorBody = {
          ...(str(error["message"]) !== undefined ? { bitbucketMessage: str(error["message"]) } : {}),
          ...(str(error["detail"]) !== undefined ? { detail: str(error["detail"]) } : {}),
          ...(fieldsOf(error["fields"]) !== undefined ? { fields: fieldsOf(error["fields"]) } : {}),
          ...(str(error["id"]) ?? str(json["id"])) !== undefined ? { id: str(error["id"]) ?? str(json["id"]) } : {}
        }
        return out
      }
      const oauthError = str(json["error_description"]) ?? str(json["error"])
      if (oauthError !== undefined) return { bitbucketMessage: oauthError }
    }
  } catch {
    // not JSON: fall through to text
  }
  const isHtml = /^<(!doctype|html)/i.test(trimmed)
  const plain = isHtml ? trimmed.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim() : trimmed
  return { body: plain.slice(0, 500) }
}

/** Parses `Retry-After`: seconds, or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): Option.Option<Duration.Duration> => {
  if (value === undefined) return Option.none()
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Option.some(Duration.seconds(Number(trimmed)))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

const describe = (status: number): string => {
  switch (status) {
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

/** The tagged error for a non-2xx answer. */
export const statusError = (input: {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly body: string
  readonly retryAfter?: Option.Option<Duration.Duration>
  /** Values no part of the error may show (see `blankSecrets`). */
  readonly secrets?: ReadonlyArray<string>
}): BitbucketError.StatusError => {
  const parsed = blankBody(parseErrorBody(input.body), input.secrets ?? [])
  const url = displayUrl(input.url)
  const said = parsed.bitbucketMessage ?? parsed.body
  const fieldList = parsed.fields === undefined
    ? ""
    : ` (${Object.entries(parsed.fields).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ")})`
  const message = `${input.method} ${url} failed with ${input.status}: ${describe(input.status)}${
    said === undefined ? "" : `. Bitbucket said: ${said.slice(0, 200)}`
  }${fieldList}`
  const fields = { message, method: input.method, url, status: input.status, ...parsed }
  switch (input.status) {
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
        ? new BitbucketError.ServerError(fields)
        : new BitbucketError.UnexpectedStatus(fields)
  }
}

/** A `DecodeError` from a schema failure, naming the first offending field. */
export const decodeError = (
  error: ParseResult.ParseError,
  context: { readonly method: string; readonly url: string; readonly status?: number }
): BitbucketError.DecodeError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const path = first?.path ?? []
  const where = path.length === 0 ? "the body" : `field ${path.map(String).join(".")}`
  return new BitbucketError.DecodeError({
    message: `${context.method} ${displayUrl(context.url)}: the response did not match the expected shape at ${where}: ${
      first?.message ?? "invalid value"
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

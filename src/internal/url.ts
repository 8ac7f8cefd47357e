/**
 * URL building: path templates with per-segment encoding, query strings, origin checks.
 * @internal
 */
import { Duration, Effect, Option } from "effect"
import * as BitbucketError from "../BitbucketError.js"

/** A query value: `undefined` is left out, an array repeats the parameter. */
export type QueryValue = string | number | boolean | undefined | ReadonlyArray<string>

export type Query = Readonly<Record<string, QueryValue>>

// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u001f\u007f]/

/**
 * Validates one path parameter and encodes it as exactly one path segment. A slug containing `/`,
 * `?`, `#`, `%` or spaces is percent-encoded; `.` and `..` (which a URL parser would resolve) and
 * empty or control-character values are refused.
 */
export const encodeSegment = (name: string, value: unknown): Effect.Effect<string, BitbucketError.InvalidInput> => {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0
      ? Effect.succeed(String(value))
      : Effect.fail(
        new BitbucketError.InvalidInput({ message: `"${name}" must be a non-negative integer, got ${value}`, parameter: name })
      )
  }
  if (value === undefined) {
    return Effect.fail(new BitbucketError.InvalidInput({ message: `"${name}" is missing`, parameter: name }))
  }
  if (typeof value !== "string") {
    return Effect.fail(
      new BitbucketError.InvalidInput({
        message: `"${name}" must be a string, got ${value === null ? "null" : typeof value}`,
        parameter: name
      })
    )
  }
  if (value.trim().length === 0) {
    return Effect.fail(new BitbucketError.InvalidInput({ message: `"${name}" must not be empty`, parameter: name }))
  }
  if (loneSurrogate.test(value)) return Effect.fail(malformedText(name, value))
  if (value === "." || value === ".." || controlChars.test(value)) {
    return Effect.fail(
      new BitbucketError.InvalidInput({
        message: `"${name}" is not a valid identifier: ${JSON.stringify(value)}`,
        parameter: name
      })
    )
  }
  return Effect.succeed(encodeURIComponent(value))
}

/**
 * Validates a file path in a repository (`src/main.ts`, a leading `/` ignored) and encodes it as
 * path segments: each segment as {@link encodeSegment} does, empty segments (`a//b`) refused.
 */
export const encodePath = (name: string, value: unknown): Effect.Effect<string, BitbucketError.InvalidInput> => {
  if (typeof value !== "string") return encodeSegment(name, value)
  const segments = value.replace(/^\/+/, "").split("/")
  if (segments.some((segment) => segment === "")) {
    return Effect.fail(
      new BitbucketError.InvalidInput({ message: `"${name}" must be a path without empty segments, got ${JSON.stringify(value)}`, parameter: name })
    )
  }
  return Effect.map(Effect.forEach(segments, (segment) => encodeSegment(name, segment)), (encoded) => encoded.join("/"))
}

const placeholder = /\{([A-Za-z_]+)(\*?)\}/g

/**
 * Fills the placeholders of a path template: `{name}` with one encoded segment, `{name*}` with a
 * file path of one or more segments (see {@link encodePath}).
 */
export const buildPath = (
  template: string,
  params: object
): Effect.Effect<string, BitbucketError.InvalidInput> => {
  const names = Array.from(template.matchAll(placeholder), (m) => [m[1]!, m[2] === "*"] as const)
  if (names.length === 0) return Effect.succeed(template)
  return Effect.map(
    Effect.forEach(names, ([name, many]) => (many ? encodePath : encodeSegment)(name, (params as Record<string, unknown>)[name])),
    (segments) => {
      let i = 0
      return template.replace(placeholder, () => segments[i++]!)
    }
  )
}

/** Text with half of a UTF-16 surrogate pair alone: no URL can carry it (it has no UTF-8 form). */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const malformedText = (name: string, value: string) =>
  new BitbucketError.InvalidInput({ message: `"${name}" is not well-formed text (a lone UTF-16 surrogate): ${JSON.stringify(value)}`, parameter: name })

/**
 * The error for a list parameter given empty where an empty list sends nothing and so means
 * Bitbucket's default, not "none" (an empty `state` lists OPEN pull requests only); undefined when
 * the value is not an empty list. Parameters where `[]` means nothing (`exclude`) do not use it.
 */
export const emptyList = (name: string, value: unknown): BitbucketError.InvalidInput | undefined =>
  Array.isArray(value) && value.length === 0
    ? new BitbucketError.InvalidInput({ message: `"${name}" is an empty list; leave it out for Bitbucket's default`, parameter: name })
    : undefined

/** Encodes a query string with `encodeURIComponent` (so `+` becomes `%2B` and spaces `%20`). */
export const queryString = (query: Query | undefined): Effect.Effect<string, BitbucketError.InvalidInput> => {
  if (query === undefined) return Effect.succeed("")
  const parts: Array<string> = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    const values = Array.isArray(value) ? value : [value]
    for (const v of values as ReadonlyArray<string | number | boolean>) {
      const text = String(v)
      if (loneSurrogate.test(text)) return Effect.fail(malformedText(key, text))
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`)
    }
  }
  return Effect.succeed(parts.length === 0 ? "" : `?${parts.join("&")}`)
}

/**
 * Is `url` under `base` (same origin, and the base's path or below it)? Credentials, query
 * parameters and tracing go only there.
 */
export const isUnder = (url: string | URL, base: string): boolean => {
  try {
    const target = typeof url === "string" ? new URL(url) : url
    const root = new URL(base)
    const path = root.pathname.replace(/\/+$/, "")
    return target.origin === root.origin && (target.pathname === path || target.pathname.startsWith(`${path}/`) || path === "")
  } catch {
    return false
  }
}

/** The origin of a URL, or undefined when it does not parse. */
export const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** What is wrong with a count setting or option, or undefined: it must be a whole number of at least `min`. */
export const countProblem = (name: string, value: number | undefined, min: number): string | undefined =>
  value === undefined || (Number.isInteger(value) && value >= min) ? undefined : `${name} must be a whole number of at least ${min}, got ${value}`

/**
 * What is wrong with a duration option, or undefined: it must be one Effect reads (`"1 second"`,
 * `500`, a `Duration`), finite, and not below zero. Effect itself would read a negative or NaN
 * number as zero, an infinite one as a wait that never ends, and die on text it cannot read.
 */
export const durationProblem = (name: string, value: Duration.DurationInput | undefined): string | undefined => {
  if (value === undefined) return undefined
  if (typeof value === "number" && !(value >= 0)) return `${name} must be a duration of zero or more, got ${value}`
  const decoded = Duration.decodeUnknown(value)
  if (Option.isNone(decoded)) {
    return `${name} is not a duration${typeof value === "string" ? `: ${JSON.stringify(value.slice(0, 50))}` : ""} (write it as "1 second" or "500 millis")`
  }
  return Duration.isFinite(decoded.value) ? undefined : `${name} must be finite, got ${Duration.format(decoded.value)}`
}

const loopbackHosts: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"])

/**
 * What is wrong with a base URL, or undefined: it must be an absolute `https` URL (plain `http`
 * only on this machine, where credentials do not cross a network) without a query or fragment.
 */
export const baseUrlProblem = (url: string, name = "baseUrl"): string | undefined => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `${name} is not an absolute URL${url.includes("@") ? "" : `: ${JSON.stringify(url)}`}`
  }
  if (parsed.username !== "" || parsed.password !== "") return `${name} must not carry credentials (give them to an Authenticator)`
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `${name} must be an https URL, not a ${JSON.stringify(parsed.protocol)} one`
  }
  const shown = JSON.stringify(parsed.origin + parsed.pathname)
  if (parsed.protocol === "http:" && !loopbackHosts.has(parsed.hostname)) {
    return `${name} must use https (plain http only on 127.0.0.1, localhost or [::1], so credentials never cross a network unencrypted): ${shown}`
  }
  if (parsed.search !== "" || parsed.hash !== "") return `${name} must not carry a query or a fragment: ${shown}`
  return undefined
}

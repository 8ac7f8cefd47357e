/**
 * URL building: path templates with per-segment encoding, query strings, origin checks.
 * @internal
 */
import { Effect } from "effect"
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

/** Fills `{name}` placeholders of a path template with encoded segments. */
export const buildPath = (
  template: string,
  params: object
): Effect.Effect<string, BitbucketError.InvalidInput> => {
  const names = Array.from(template.matchAll(/\{([a-z_]+)\}/g), (m) => m[1]!)
  if (names.length === 0) return Effect.succeed(template)
  return Effect.map(
    Effect.forEach(names, (name) => encodeSegment(name, (params as Record<string, unknown>)[name])),
    (segments) => {
      let i = 0
      return template.replace(/\{([a-z_]+)\}/g, () => segments[i++]!)
    }
  )
}

/** Encodes a query string with `encodeURIComponent` (so `+` becomes `%2B` and spaces `%20`). */
export const queryString = (query: Query | undefined): string => {
  if (query === undefined) return ""
  const parts: Array<string> = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    const values = Array.isArray(value) ? value : [value]
    for (const v of values as ReadonlyArray<string | number | boolean>) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`)
    }
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`
}

/** The origin of a URL, or undefined when it does not parse. */
export const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

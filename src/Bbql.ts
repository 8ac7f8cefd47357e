/**
 * A small builder for BBQL, Bitbucket's filter language (the `q` option of listings), that escapes
 * values so user input can never change a query's meaning.
 *
 * Every function returns a {@link Query}: a string branded by the builder, so it goes straight into
 * `q` (its type is `string`). Strings are double-quoted with `\` and `"` escaped (other characters,
 * line breaks included, are sent as they are), numbers must be finite, `Date` and `DateTime` values
 * become bare ISO-8601 UTC datetimes, {@link datetime} keeps a timestamp Bitbucket gave as it is
 * (microseconds included), and `and` / `or` parenthesize what needs it.
 *
 * The functions are pure and throw on a programming error: a field path that is not dotted
 * identifiers (`project.key`, `source.branch.name`) or is a keyword (`and`, `null`…), a value of
 * the wrong kind, a number that is `NaN` or infinite, an invalid `Date`, an empty `and` / `or` /
 * `oneOf`. Queries are built inline, inside an options object; an `Effect` there would cost a
 * `yield*` per filter for failures that no caller means to handle. Inside an `Effect` such a throw
 * is a defect. A string value never throws, whatever the user typed: it is escaped. Numbers and
 * dates from user input can be `NaN` or invalid: parse and check them before passing them.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Bbql, PullRequest } from "effect-bitbucket"
 *
 * declare const userInput: string
 *
 * // title ~ "..." AND (author.nickname = "bob" OR author.nickname = "carol")
 * const prs = PullRequest.findForRepository(
 *   { workspace: "acme", repo_slug: "api" },
 *   { q: Bbql.and(Bbql.contains("title", userInput), Bbql.oneOf("author.nickname", ["bob", "carol"])) }
 * ).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 */
import { type Brand, DateTime } from "effect"

/**
 * A BBQL expression made by this module: a `string`, so it is the `q` of any listing as it is.
 * The brand keeps hand-written strings out of {@link and} and {@link or} (use {@link raw} to
 * bring one in).
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * const open: Bbql.Query = Bbql.eq("state", "OPEN")
 * const q: string = open // 'state = "OPEN"'
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Query = string & Brand.Brand<"effect-bitbucket/Bbql.Query">

/**
 * A value BBQL compares with: a string, a finite number, a boolean, `null`, or a datetime (`Date`
 * or effect's `DateTime`).
 *
 * @example
 * ```ts
 * import { DateTime } from "effect"
 * import type { Bbql } from "effect-bitbucket"
 *
 * const values: ReadonlyArray<Bbql.Value> = ["OPEN", 3, true, null, new Date(0), DateTime.unsafeMake(0)]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | null | Date | DateTime.DateTime | Datetime

/**
 * A value with an order, for {@link gt}, {@link gte}, {@link lt} and {@link lte}: a string, a
 * finite number or a datetime.
 *
 * @example
 * ```ts
 * import type { Bbql } from "effect-bitbucket"
 *
 * const since: Bbql.Ordered = new Date("2024-01-01T00:00:00Z")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Ordered = string | number | Date | DateTime.DateTime | Datetime

/**
 * A datetime written as Bitbucket wrote it, made by {@link datetime}: it keeps the microseconds
 * that a `Date` or `DateTime` would drop.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * const seen: Bbql.Datetime = Bbql.datetime("2024-03-05T09:30:00.123456+00:00")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Datetime {
  readonly _tag: "effect-bitbucket/Bbql.Datetime"
  /** The datetime as it goes into the query. */
  readonly text: string
}

/** Bitbucket's datetimes: a date, or a date and time with at most 6 fraction digits and an offset. */
const ISO_DATETIME = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$/

/**
 * A datetime from an ISO-8601 text, such as a resource's `updated_on`, written into the query as
 * it is (bare, as BBQL takes datetimes). Use it to compare with a timestamp Bitbucket gave: its
 * microseconds are kept, where `new Date(pr.updated_on)` would cut them to milliseconds, so that
 * `gt("updated_on", new Date(last.updated_on))` would find `last` again. A string given to a
 * comparison is quoted and compared as a string, not as a datetime.
 *
 * Takes a date (`2024-03-05`) or a date and time with an offset (`Z` or `±hh:mm`) and at most 6
 * fraction digits, years 0001 to 9999; throws a `TypeError` on any other text.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * declare const last: { readonly updated_on: string } // "2024-03-05T09:30:00.123456+00:00"
 *
 * Bbql.gt("updated_on", Bbql.datetime(last.updated_on)) // "updated_on > 2024-03-05T09:30:00.123456+00:00"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const datetime = (text: string): Datetime => {
  const match = typeof text === "string" ? ISO_DATETIME.exec(text) : null
  // The pattern checks ranges; the calendar checks the day exists (no February 30).
  const [year, month, day] = match === null ? [0, 0, 0] : [Number(match[1]), Number(match[2]), Number(match[3])]
  if (match === null || year === 0 || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) {
    throw new TypeError(
      `Bbql.datetime: ${describe(text)} is not an ISO-8601 datetime (a date, or a date and time with an offset, e.g. "2024-03-05T09:30:00.123456+00:00")`
    )
  }
  return { _tag: "effect-bitbucket/Bbql.Datetime", text }
}

const isDatetime = (value: unknown): value is Datetime =>
  typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "effect-bitbucket/Bbql.Datetime" &&
  typeof (value as { text?: unknown }).text === "string"

type Operator = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<="

const brand = (text: string): Query => text as Query

/** The fake's grammar (src/testing/internal/query.ts): dotted identifiers. */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

const describe = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "bigint") return `${value}n`
  if (value === undefined || value === null || typeof value === "number" || typeof value === "boolean") return String(value)
  if (Array.isArray(value)) return "an array"
  return typeof value === "object" ? "an object" : `a ${typeof value}`
}

/** Words BBQL reads as a connective or a value where a field name would stand. */
const KEYWORD = /^(?:and|or|true|false|null|none)$/i

const checkField = (fn: string, field: unknown): string => {
  if (typeof field !== "string" || !FIELD.test(field)) {
    throw new TypeError(
      `Bbql.${fn}: ${describe(field)} is not a field path; use dotted identifiers such as "state" or "project.key"`
    )
  }
  if (KEYWORD.test(field)) throw new TypeError(`Bbql.${fn}: ${describe(field)} is a BBQL keyword, not a field path`)
  return field
}

/** A finite number as BBQL reads it: digits, an optional `-` and fraction, never an exponent. */
const formatNumber = (n: number): string => {
  if (Object.is(n, -0)) return "0"
  const text = String(n)
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (match === null) return text
  const [, sign, head, tail = "", exp] = match
  const digits = `${head}${tail}`
  const point = 1 + Number(exp)
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits.padEnd(point, "0")}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/**
 * An instant as Bitbucket writes its own datetimes: UTC with a `+00:00` offset (older Python
 * parsers refuse `Z`), milliseconds only when there are some, years 0001 to 9999 (Python's range).
 */
const formatInstant = (fn: string, ms: number): string => {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) throw new RangeError(`Bbql.${fn}: the date is invalid`)
  const year = date.getUTCFullYear()
  if (year < 1 || year > 9999) throw new RangeError(`Bbql.${fn}: the year ${year} is outside 0001-9999`)
  return date.toISOString().replace(/(?:\.000)?Z$/, "+00:00")
}

const formatValue = (fn: string, value: unknown): string => {
  if (typeof value === "string") return `"${value.replace(/[\\"]/g, "\\$&")}"`
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`Bbql.${fn}: ${value} is not a finite number`)
    return formatNumber(value)
  }
  if (typeof value === "boolean") return value ? "true" : "false"
  if (value === null) return "null"
  if (value instanceof Date) return formatInstant(fn, value.getTime())
  if (DateTime.isDateTime(value)) return formatInstant(fn, DateTime.toEpochMillis(value))
  if (isDatetime(value)) return datetime(value.text).text
  throw new TypeError(
    `Bbql.${fn}: ${describe(value)} is not a BBQL value (a string, a number, a boolean, null, a Date, a DateTime or a Bbql.datetime)`
  )
}

const compare = (fn: string, field: string, op: Operator, value: unknown): Query =>
  brand(`${checkField(fn, field)} ${op} ${formatValue(fn, value)}`)

const text = (fn: string, value: unknown): string => {
  if (typeof value !== "string") throw new TypeError(`Bbql.${fn}: ${describe(value)} is not a string`)
  return value
}

const ordered = (fn: string, value: unknown): unknown => {
  if (typeof value === "boolean" || value === null) {
    throw new TypeError(`Bbql.${fn}: ${describe(value)} has no order; compare a string, a number or a datetime`)
  }
  return value
}

/**
 * `field = value`. `null` matches a missing or empty field; a `Date` or `DateTime` compares as a
 * datetime. Throws a `TypeError` on a bad field path or value, a `RangeError` on a non-finite
 * number or an invalid date (see the module's notes).
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.eq("project.key", "API") // 'project.key = "API"'
 * Bbql.eq("assignee", null)     // "assignee = null"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const eq = (field: string, value: Value): Query => compare("eq", field, "=", value)

/**
 * `field != value`.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.ne("state", "DECLINED") // 'state != "DECLINED"'
 * Bbql.ne("assignee", null)     // "assignee != null"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const ne = (field: string, value: Value): Query => compare("ne", field, "!=", value)

/**
 * `field ~ "text"`: the field contains the text (Bitbucket ignores case).
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.contains("title", 'say "hi"') // 'title ~ "say \\"hi\\""'
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const contains = (field: string, value: string): Query => compare("contains", field, "~", text("contains", value))

/**
 * `field !~ "text"`: the field does not contain the text.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.notContains("title", "WIP") // 'title !~ "WIP"'
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const notContains = (field: string, value: string): Query =>
  compare("notContains", field, "!~", text("notContains", value))

/**
 * `field > value`. A string compares as a string: to compare with a timestamp, pass a `Date`, a
 * `DateTime`, or {@link datetime} for one Bitbucket gave (it keeps the microseconds).
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.gt("updated_on", new Date("2024-06-01T00:00:00Z")) // "updated_on > 2024-06-01T00:00:00+00:00"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const gt = (field: string, value: Ordered): Query => compare("gt", field, ">", ordered("gt", value))

/**
 * `field >= value`.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.gte("votes", 3) // "votes >= 3"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const gte = (field: string, value: Ordered): Query => compare("gte", field, ">=", ordered("gte", value))

/**
 * `field < value`.
 *
 * @example
 * ```ts
 * import { DateTime } from "effect"
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.lt("created_on", DateTime.unsafeMake("2024-01-01T00:00:00Z")) // "created_on < 2024-01-01T00:00:00+00:00"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const lt = (field: string, value: Ordered): Query => compare("lt", field, "<", ordered("lt", value))

/**
 * `field <= value`.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.lte("size", 1048576) // "size <= 1048576"
 * ```
 *
 * @since 0.1.0
 * @category comparisons
 */
export const lte = (field: string, value: Ordered): Query => compare("lte", field, "<=", ordered("lte", value))

/**
 * Whether a query has the connective `keyword` (`AND` or `OR`) outside parentheses and strings.
 * Field paths are never keywords (see `checkField`), and a {@link raw} fragment is parenthesized,
 * so a word equal to the keyword here is the connective.
 */
const topLevel = (query: string, keyword: "AND" | "OR"): boolean => {
  let depth = 0
  let i = 0
  while (i < query.length) {
    const c = query[i]!
    if (c === "\"") {
      i = skipString(query, i)
    } else if (c === "(" || c === ")") {
      depth += c === "(" ? 1 : -1
      i++
    } else if (/[\s]/.test(c)) {
      i++
    } else {
      const start = i
      while (i < query.length && !/[\s()"]/.test(query[i]!)) i++
      if (depth === 0 && query.slice(start, i).toUpperCase() === keyword) return true
    }
  }
  return false
}

/** The index after the string literal that starts at `start` (past the end when it is not closed). */
const skipString = (query: string, start: number): number => {
  let i = start + 1
  while (i < query.length && query[i] !== "\"") i += query[i] === "\\" ? 2 : 1
  return i + 1
}

/**
 * Why a fragment would not stay one group (an unclosed string, unbalanced parentheses), if so:
 * such a fragment could close the parenthesis it sits in.
 */
const unbalanced = (fragment: string): string | undefined => {
  let depth = 0
  let i = 0
  while (i < fragment.length) {
    const c = fragment[i]!
    if (c === "\"") {
      i = skipString(fragment, i)
      if (i > fragment.length) return `a string is not closed in ${JSON.stringify(fragment)}`
      continue
    }
    if (c === "(") depth++
    else if (c === ")" && --depth < 0) break
    i++
  }
  return depth === 0 ? undefined : `unbalanced parentheses in ${JSON.stringify(fragment)}`
}

/**
 * Checks what `and` / `or` combine: at least one query, each a non-empty string that stays one
 * group (the brand holds only at compile time; a cast string must not break out of its group).
 */
const checkQueries = (fn: string, queries: ReadonlyArray<Query>): void => {
  if (queries.length === 0) {
    throw new RangeError(
      fn === "and"
        ? "Bbql.and: no queries to combine; to list everything, leave q out"
        : "Bbql.or: no queries to combine; an empty or would match nothing"
    )
  }
  for (const query of queries) {
    if (typeof query !== "string" || query.trim() === "") throw new TypeError(`Bbql.${fn}: ${describe(query)} is not a query`)
    const problem = unbalanced(query)
    if (problem !== undefined) throw new TypeError(`Bbql.${fn}: ${problem}`)
  }
}

/** Joins queries with a connective, parenthesizing each one that has the other connective at its top level. */
const join = (queries: ReadonlyArray<Query>, keyword: "AND" | "OR"): Query => {
  const other = keyword === "AND" ? "OR" : "AND"
  return brand(queries.map((q) => (queries.length > 1 && topLevel(q, other) ? `(${q})` : q)).join(` ${keyword} `))
}

/**
 * All of the queries: `a AND b AND c`. An `or` among them is parenthesized; nested `and`s stay
 * flat. One query is returned as it is. Throws a `RangeError` when given none (BBQL cannot say
 * "always"): with a list that may be empty, leave `q` out instead.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * // 'kind = "bug" AND (state = "new" OR state = "open")'
 * Bbql.and(Bbql.eq("kind", "bug"), Bbql.or(Bbql.eq("state", "new"), Bbql.eq("state", "open")))
 *
 * declare const filters: ReadonlyArray<Bbql.Query>
 * const q = filters.length > 0 ? Bbql.and(...filters) : undefined
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const and = (...queries: ReadonlyArray<Query>): Query => {
  checkQueries("and", queries)
  return join(queries, "AND")
}

/**
 * Any of the queries: `a OR b OR c`. An `and` among them is parenthesized (Bitbucket does not
 * document which of AND and OR binds tighter, so the query does not depend on it); nested `or`s
 * stay flat. One query is returned as it is. Throws a `RangeError` when given none.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * // 'state = "MERGED" OR (state = "OPEN" AND author.nickname = "bob")'
 * Bbql.or(Bbql.eq("state", "MERGED"), Bbql.and(Bbql.eq("state", "OPEN"), Bbql.eq("author.nickname", "bob")))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const or = (...queries: ReadonlyArray<Query>): Query => {
  checkQueries("or", queries)
  return join(queries, "OR")
}

/**
 * The field equals one of the values: `(field = a OR field = b ...)`, in parentheses so it reads
 * as one condition even when pasted into a hand-written query; one value gives `field = a`.
 * Throws a `RangeError` on an empty list (it would match nothing, which BBQL cannot say): check
 * for it and skip the listing.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * Bbql.oneOf("state", ["OPEN", "MERGED"]) // '(state = "OPEN" OR state = "MERGED")'
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const oneOf = (field: string, values: ReadonlyArray<Value>): Query => {
  checkField("oneOf", field)
  if (!Array.isArray(values)) throw new TypeError(`Bbql.oneOf: ${describe(values)} is not an array of values`)
  if (values.length === 0) throw new RangeError(`Bbql.oneOf: no values for "${field}"; an empty list would match nothing`)
  const parts = values.map((value) => compare("oneOf", field, "=", value))
  return parts.length === 1 ? parts[0]! : brand(`(${parts.join(" OR ")})`)
}

/**
 * A hand-written BBQL fragment, to use what this module does not cover. It is wrapped in
 * parentheses, so it combines safely with {@link and} and {@link or}. It is checked for balanced
 * parentheses and closed strings (a `TypeError` otherwise), so it cannot close the parenthesis it
 * sits in, but it is not escaped: never put user input in it, build values with the comparisons.
 *
 * @example
 * ```ts
 * import { Bbql } from "effect-bitbucket"
 *
 * // '(state = "OPEN" OR state = "MERGED") AND author.nickname = "bob"'
 * Bbql.and(Bbql.raw('state = "OPEN" OR state = "MERGED"'), Bbql.eq("author.nickname", "bob"))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw = (fragment: string): Query => {
  if (typeof fragment !== "string" || fragment.trim() === "") throw new TypeError(`Bbql.raw: ${describe(fragment)} is not a query`)
  const problem = unbalanced(fragment)
  if (problem !== undefined) throw new TypeError(`Bbql.raw: ${problem}`)
  return brand(`(${fragment.trim()})`)
}

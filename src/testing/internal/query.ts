/**
 * Bitbucket's query features over JSON values: BBQL filtering (`q`), `sort` and `fields`.
 *
 * @internal
 */

/** A `q`, `sort` or `fields` parameter Bitbucket would refuse with 400. */
export class QueryError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message)
  }
}

type Json = unknown

// ---------------------------------------------------------------------------------------------
// BBQL
// ---------------------------------------------------------------------------------------------

type Literal =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "null" }
  /** `value`: microseconds since the epoch (Bitbucket keeps microseconds). */
  | { readonly kind: "datetime"; readonly value: number; readonly raw: string }

type Operator = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<="

/** A parsed BBQL expression. */
export type Expr =
  | { readonly kind: "and" | "or"; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "cmp"; readonly path: ReadonlyArray<string>; readonly op: Operator; readonly value: Literal }

type Token =
  | { readonly kind: "lparen" | "rparen"; readonly pos: number }
  | { readonly kind: "op"; readonly value: Operator; readonly pos: number }
  | { readonly kind: "string"; readonly value: string; readonly pos: number }
  | { readonly kind: "word"; readonly value: string; readonly pos: number }

const OPERATORS: ReadonlyArray<Operator> = ["!=", "!~", ">=", "<=", "=", "~", ">", "<"]
const WORD = /[A-Za-z0-9_.:+\-{}]/
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/
const NUMBER = /^-?\d+(\.\d+)?$/
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

const tokenize = (input: string): Array<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === "(") {
      tokens.push({ kind: "lparen", pos: i++ })
      continue
    }
    if (c === ")") {
      tokens.push({ kind: "rparen", pos: i++ })
      continue
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i))
    if (op !== undefined) {
      tokens.push({ kind: "op", value: op, pos: i })
      i += op.length
      continue
    }
    if (c === "\"") {
      const start = i++
      let value = ""
      let closed = false
      while (i < input.length) {
        const d = input[i]!
        if (d === "\\" && i + 1 < input.length) {
          value += input[i + 1]!
          i += 2
        } else if (d === "\"") {
          i++
          closed = true
          break
        } else {
          value += d
          i++
        }
      }
      if (!closed) throw new QueryError("Invalid query", `Unterminated string at position ${start}`)
      tokens.push({ kind: "string", value, pos: start })
      continue
    }
    if (WORD.test(c)) {
      const start = i
      while (i < input.length && WORD.test(input[i]!)) i++
      tokens.push({ kind: "word", value: input.slice(start, i), pos: start })
      continue
    }
    throw new QueryError("Invalid query", `Unexpected character '${c}' at position ${i}`)
  }
  return tokens
}

/**
 * An ISO-8601 datetime in microseconds since the epoch, or undefined when it is not one.
 * `Date.parse` keeps milliseconds only; Bitbucket's timestamps have six fraction digits, and its
 * queries compare them all.
 */
export const micros = (text: string): number | undefined => {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/.exec(text)
  const ms = Date.parse(match === null ? text : `${match[1]}${match[3]}`)
  if (Number.isNaN(ms)) return undefined
  return ms * 1000 + (match === null ? 0 : Number(match[2]!.padEnd(6, "0").slice(0, 6)))
}

/** Words that are a connective or a value, never a field name. */
const KEYWORDS: ReadonlySet<string> = new Set(["AND", "OR", "TRUE", "FALSE", "NULL", "NONE"])

/** Parses a BBQL expression; throws {@link QueryError} on invalid input. */
export const parseQuery = (input: string): Expr => {
  const tokens = tokenize(input)
  let index = 0
  const peek = (): Token | undefined => tokens[index]
  const fail = (what: string): never => {
    const token = peek()
    throw new QueryError(
      "Invalid query",
      token === undefined ? `Expecting ${what} at end of query` : `Expecting ${what} at position ${token.pos}`
    )
  }
  const isKeyword = (token: Token | undefined, keyword: string) =>
    token !== undefined && token.kind === "word" && token.value.toUpperCase() === keyword

  const parseLiteral = (): Literal => {
    const token = peek()
    if (token === undefined) return fail("a value")
    if (token.kind === "string") {
      index++
      return { kind: "string", value: token.value }
    }
    if (token.kind === "word") {
      const v = token.value
      const lower = v.toLowerCase()
      index++
      if (lower === "true" || lower === "false") return { kind: "boolean", value: lower === "true" }
      if (lower === "null" || lower === "none") return { kind: "null" }
      if (NUMBER.test(v)) return { kind: "number", value: Number(v) }
      if (DATETIME.test(v)) {
        const us = micros(v)
        if (us !== undefined) return { kind: "datetime", value: us, raw: v }
      }
      index--
    }
    return fail("a value (a quoted string, a number, true, false, null or a datetime)")
  }

  const parsePrimary = (): Expr => {
    const token = peek()
    if (token !== undefined && token.kind === "lparen") {
      index++
      const inner = parseOr()
      const close = peek()
      if (close === undefined || close.kind !== "rparen") return fail("')'")
      index++
      return inner
    }
    if (token === undefined || token.kind !== "word" || !PATH.test(token.value) || KEYWORDS.has(token.value.toUpperCase())) {
      return fail("a field name")
    }
    index++
    const opToken = peek()
    if (opToken === undefined || opToken.kind !== "op") return fail("an operator")
    index++
    const value = parseLiteral()
    return { kind: "cmp", path: token.value.split("."), op: opToken.value, value }
  }

  const parseAnd = (): Expr => {
    let left = parsePrimary()
    while (isKeyword(peek(), "AND")) {
      index++
      left = { kind: "and", left, right: parsePrimary() }
    }
    return left
  }

  const parseOr = (): Expr => {
    let left = parseAnd()
    while (isKeyword(peek(), "OR")) {
      index++
      left = { kind: "or", left, right: parseAnd() }
    }
    return left
  }

  if (tokens.length === 0) throw new QueryError("Invalid query", "The query is empty")
  const expr = parseOr()
  if (index < tokens.length) fail("AND, OR or the end of the query")
  return expr
}

/** Every value at `path` (arrays on the way are flattened: a match on any element counts). */
const resolve = (value: Json, path: ReadonlyArray<string>): Array<Json> => {
  if (Array.isArray(value)) return value.flatMap((v) => resolve(v, path))
  if (path.length === 0) return [value]
  if (value === null || typeof value !== "object") return [undefined]
  const [head, ...rest] = path
  return resolve((value as Record<string, Json>)[head!], rest)
}

const compareOrdered = (op: Operator, a: number | string, b: number | string): boolean => {
  switch (op) {
    case "=":
      return a === b
    case "!=":
      return a !== b
    case ">":
      return a > b
    case ">=":
      return a >= b
    case "<":
      return a < b
    case "<=":
      return a <= b
    default:
      return false
  }
}

const compareOne = (actual: Json, op: Operator, literal: Literal): boolean => {
  const isNull = actual === null || actual === undefined
  switch (literal.kind) {
    case "null":
      return op === "=" ? isNull : op === "!=" ? !isNull : false
    case "boolean":
      if (op === "=") return actual === literal.value
      if (op === "!=") return actual !== literal.value
      return false
    case "number": {
      if (isNull) return op === "!=" || op === "!~"
      const n = typeof actual === "number" ? actual : Number(actual)
      if (op === "~" || op === "!~") {
        const contains = String(actual).includes(String(literal.value))
        return op === "~" ? contains : !contains
      }
      if (Number.isNaN(n)) return op === "!="
      return compareOrdered(op, n, literal.value)
    }
    case "datetime": {
      if (isNull) return op === "!="
      const us = micros(String(actual))
      if (us === undefined) return op === "!="
      return compareOrdered(op, us, literal.value)
    }
    case "string": {
      if (op === "~" || op === "!~") {
        if (isNull) return op === "!~"
        const contains = String(actual).toLowerCase().includes(literal.value.toLowerCase())
        return op === "~" ? contains : !contains
      }
      if (isNull) return op === "!="
      // A guess: a quoted datetime compared with a datetime field compares as a datetime (Bitbucket
      // converts a value to its field's type), not as text, which would be wrong across offsets.
      if (typeof actual === "string" && DATETIME.test(actual) && DATETIME.test(literal.value)) {
        const [a, b] = [micros(actual), micros(literal.value)]
        if (a !== undefined && b !== undefined) return compareOrdered(op, a, b)
      }
      return compareOrdered(op, typeof actual === "string" ? actual : String(actual), literal.value)
    }
  }
}

const evaluate = (expr: Expr, item: Json): boolean => {
  switch (expr.kind) {
    case "and":
      return evaluate(expr.left, item) && evaluate(expr.right, item)
    case "or":
      return evaluate(expr.left, item) || evaluate(expr.right, item)
    case "cmp": {
      const values = resolve(item, expr.path)
      const candidates = values.length === 0 ? [undefined] : values
      return candidates.some((v) => compareOne(v, expr.op, expr.value))
    }
  }
}

const paths = (expr: Expr): Array<ReadonlyArray<string>> =>
  expr.kind === "cmp" ? [expr.path] : [...paths(expr.left), ...paths(expr.right)]

const checkFieldNames = (
  items: ReadonlyArray<Json>,
  fieldPaths: ReadonlyArray<ReadonlyArray<string>>,
  optionalFields: ReadonlyArray<string>
) => {
  if (items.length === 0) return
  const known = new Set<string>(optionalFields)
  for (const item of items) {
    if (item !== null && typeof item === "object") for (const key of Object.keys(item)) known.add(key)
  }
  for (const path of fieldPaths) {
    const head = path[0]
    if (head !== undefined && !known.has(head)) {
      throw new QueryError(`Invalid field name: ${path.join(".")}`)
    }
  }
}

/**
 * Filters JSON items with a BBQL query; throws {@link QueryError}. A top-level field that no item
 * has and that is not in `optionalFields` is an invalid field name.
 */
export const filter = <A>(items: ReadonlyArray<A>, q: string, optionalFields: ReadonlyArray<string> = []): Array<A> => {
  const expr = parseQuery(q)
  checkFieldNames(items, paths(expr), optionalFields)
  return items.filter((item) => evaluate(expr, item))
}

// ---------------------------------------------------------------------------------------------
// sort
// ---------------------------------------------------------------------------------------------

const rank = (v: Json): number =>
  v === null || v === undefined ? 3 : typeof v === "boolean" ? 0 : typeof v === "number" ? 1 : 2

const compareValues = (a: Json, b: Json): number => {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 3) return 0
  if (typeof a === "number" && typeof b === "number") return a - b
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b)
  const sa = String(a)
  const sb = String(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

/** Sorts JSON items by one (dotted) field, `-field` descending; throws {@link QueryError}. */
export const sort = <A>(items: ReadonlyArray<A>, sortParam: string, optionalFields: ReadonlyArray<string> = []): Array<A> => {
  const trimmed = sortParam.trim()
  const descending = trimmed.startsWith("-")
  const field = descending ? trimmed.slice(1) : trimmed
  if (!PATH.test(field)) throw new QueryError("Invalid sort", `Cannot sort by '${sortParam}'`)
  const path = field.split(".")
  checkFieldNames(items, [path], optionalFields)
  const key = (item: A) => resolve(item, path)[0]
  return items
    .map((item, i) => ({ item, i, k: key(item) }))
    .sort((x, y) => {
      const c = compareValues(x.k, y.k)
      const d = descending ? -c : c
      return d !== 0 ? d : x.i - y.i
    })
    .map((x) => x.item)
}

// ---------------------------------------------------------------------------------------------
// fields
// ---------------------------------------------------------------------------------------------

/** A parsed `fields` parameter. */
export interface FieldsSpec {
  readonly select: ReadonlyArray<ReadonlyArray<string>>
  readonly exclude: ReadonlyArray<ReadonlyArray<string>>
}

/**
 * Parses a decoded `fields` value. A leading `+` (or a space: a literal `+` decoded as a form would)
 * adds, `-` removes, anything else selects.
 */
export const parseFields = (raw: string): FieldsSpec => {
  const select: Array<ReadonlyArray<string>> = []
  const exclude: Array<ReadonlyArray<string>> = []
  for (const part of raw.split(",")) {
    if (part.trim() === "") continue
    let token = part
    let mode: "select" | "add" | "exclude" = "select"
    if (token.startsWith("+") || token.startsWith(" ")) {
      mode = "add"
      token = token.slice(1)
    } else if (token.startsWith("-")) {
      mode = "exclude"
      token = token.slice(1)
    }
    token = token.trim()
    const path = token.split(".")
    if (path.some((segment) => segment === "" || !/^(\*|[A-Za-z0-9_:-]+)$/.test(segment))) {
      throw new QueryError("Invalid fields", `Invalid field expression '${part}'`)
    }
    if (mode === "select") select.push(path)
    else if (mode === "exclude") exclude.push(path)
  }
  return { select, exclude }
}

const selectPaths = (value: Json, selectors: ReadonlyArray<ReadonlyArray<string>>): Json => {
  if (selectors.some((p) => p.length === 0)) return value
  if (Array.isArray(value)) return value.map((v) => selectPaths(v, selectors))
  if (value === null || typeof value !== "object") return value
  const out: Record<string, Json> = {}
  for (const [key, child] of Object.entries(value)) {
    const sub = selectors.filter((p) => p[0] === key || p[0] === "*").map((p) => p.slice(1))
    if (sub.length === 0) continue
    const selected = selectPaths(child, sub)
    // An object in which nothing matched disappears, as with Bitbucket.
    const emptyObject = selected !== null && typeof selected === "object" && !Array.isArray(selected) &&
      Object.keys(selected).length === 0 && !sub.some((p) => p.length === 0)
    if (!emptyObject) out[key] = selected
  }
  return out
}

const excludePath = (value: Json, path: ReadonlyArray<string>): Json => {
  if (Array.isArray(value)) return value.map((v) => excludePath(v, path))
  if (value === null || typeof value !== "object" || path.length === 0) return value
  const [head, ...rest] = path
  const out: Record<string, Json> = {}
  for (const [key, child] of Object.entries(value)) {
    const matches = head === "*" || head === key
    if (matches && rest.length === 0) continue
    out[key] = matches ? excludePath(child, rest) : child
  }
  return out
}

/** Applies a `fields` specification to a response body. */
export const applyFields = (value: Json, spec: FieldsSpec): Json => {
  let out = spec.select.length > 0 ? selectPaths(value, spec.select) : value
  for (const path of spec.exclude) out = excludePath(out, path)
  return out
}

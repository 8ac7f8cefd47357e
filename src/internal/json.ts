/**
 * JSON parsing of response bodies.
 *
 * A page of a listing is one large JSON document (about 240 KB for 100 repositories). Turning it
 * into one string puts that string in V8's large-object space, which costs more than parsing it
 * (measured: about 1 ms to create a 240 KB string against 0.7 ms for `JSON.parse`; strings under
 * about 128 KB are cheap). So a large body shaped like a page, `{ ..., "values": [ ... ], ... }`,
 * is parsed in pieces: the page without its items, then each item from its own bytes. The result
 * is the value `JSON.parse` gives for the whole text (a property test holds the two equal on
 * generated and mutated documents); anything the splitter is not sure of goes to the whole-text
 * parse, which also gives the error for malformed input.
 * @internal
 */

const dropProto = (key: string, value: unknown) => (key === "__proto__" ? undefined : value)

/**
 * Parses JSON text. `__proto__` keys are dropped: decoding copies objects by assignment, where such
 * a key would replace the copy's prototype and let a hostile answer slip unvalidated inherited
 * fields under known names. The reviver runs only when the text may hold such a key: it contains
 * `__proto__`, or a `\u` escape (which could spell it).
 */
export const parseJsonText = (text: string): unknown =>
  text.includes("__proto__") || text.includes("\\u") ? JSON.parse(text, dropProto) : JSON.parse(text)

const decoder = new TextDecoder("utf-8")
/** For pieces: a piece that happens to start with the bytes of a BOM must keep it, as the whole text does. */
const pieceDecoder = new TextDecoder("utf-8", { ignoreBOM: true })

/** The body as text (UTF-8, a leading BOM dropped, invalid sequences replaced). */
export const utf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

/** Bodies below this size are parsed whole: their text is cheap to create. */
export const splitThreshold = 96 * 1024

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a
const keyBytes = (key: string) => Array.from(JSON.stringify(key), (c) => c.charCodeAt(0))
const VALUES_KEY = keyBytes("values")
const PROTO_KEY = keyBytes("__proto__")

const isWhitespace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/** Where a page's `values` array and its items are in the bytes. */
interface Layout {
  /** Index of the `[` of the top-level `values` array. */
  readonly open: number
  /** Index of its `]`. */
  readonly close: number
  /** Start and end (exclusive) of each item, in order. */
  readonly items: ReadonlyArray<number>
  /** Some key, at any depth, is `__proto__` (possibly written with escapes). */
  readonly protoKey: boolean
}

/**
 * Finds the top-level `values` array of a JSON object and the boundaries of its items, or
 * undefined when the document is not like that for sure: not an object, a `values` key written
 * with escapes or present twice, `values` not an array, unbalanced brackets, an unterminated
 * string. It does not validate JSON: each piece is parsed by `JSON.parse`, which does.
 */
const layout = (bytes: Uint8Array, start: number): Layout | undefined => {
  const n = bytes.length
  let depth = 0
  let stringStart = -1
  let stringEnd = -1
  let valuesKeys = 0
  let expectValues = false
  let open = -1
  let close = -1
  let itemStart = -1
  let stringEscaped = false
  let protoKey = false
  const items: Array<number> = []
  // Strings are most of a page: inside one, whole 4-byte words without a quote or a backslash are
  // skipped at once (when the bytes are 4-aligned, as a fresh response buffer is).
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2) : undefined
  let inString = false
  let i = start
  for (; i < n; i++) {
    if (inString) {
      if (words !== undefined && (i & 3) === 0) {
        i = skipPlainWords(words, i)
        if (i >= n) break
      }
      const byte = bytes[i]!
      if (byte === BACKSLASH) {
        stringEscaped = true
        i++
      } else if (byte === QUOTE) {
        inString = false
        stringEnd = i + 1
      }
      continue
    }
    const byte = bytes[i]!
    if (byte === QUOTE) {
      inString = true
      stringStart = i
      stringEscaped = false
      expectValues = false
      continue
    }
    switch (byte) {
      case COLON: {
        // A key ends here (the last string); in valid JSON, nothing else comes before a colon.
        if (stringEnd < 0) break
        const key = stringEscaped ? escapedKey(bytes, stringStart, stringEnd) : undefined
        if (stringEscaped ? key === "__proto__" : isKey(bytes, stringStart, stringEnd, PROTO_KEY)) protoKey = true
        if (depth === 1) {
          // A key written with escapes may still mean "values": leave such documents whole.
          if (key === "values") return undefined
          expectValues = !stringEscaped && isKey(bytes, stringStart, stringEnd, VALUES_KEY)
          if (expectValues && ++valuesKeys > 1) return undefined
        }
        break
      }
      case OPEN_BRACE:
      case OPEN_BRACKET:
        depth++
        if (expectValues && depth === 2) {
          if (byte !== OPEN_BRACKET) return undefined
          open = i
          itemStart = i + 1
        }
        expectValues = false
        break
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth === 2 && itemStart >= 0 && close < 0) {
          if (byte !== CLOSE_BRACKET) return undefined
          close = i
          items.push(itemStart, i)
        }
        depth--
        if (depth < 0) return undefined
        break
      case COMMA:
        if (depth === 2 && itemStart >= 0 && close < 0) {
          items.push(itemStart, i)
          itemStart = i + 1
        }
        expectValues = false
        break
      default:
        // A value that is not an array after `"values":` (a number, a string, a literal).
        if (expectValues && !isWhitespace(byte)) expectValues = false
    }
  }
  if (inString || depth !== 0 || open < 0 || close < 0) return undefined
  return { open, close, items, protoKey }
}

/** From an aligned index, the index of the first word holding a quote or a backslash (or the end). */
const skipPlainWords = (words: Uint32Array, from: number): number => {
  let k = from >>> 2
  const m = words.length
  while (k < m) {
    const word = words[k]!
    // Has a zero byte after XOR with the byte repeated: the classic SWAR test (never misses one).
    const quote = word ^ 0x22222222
    const backslash = word ^ 0x5c5c5c5c
    if ((((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) break
    k++
  }
  return k << 2
}

const escapedKey = (bytes: Uint8Array, from: number, to: number): unknown => {
  try {
    return JSON.parse(pieceDecoder.decode(bytes.subarray(from, to)))
  } catch {
    return undefined
  }
}

/** Are the bytes from..to exactly this key (with its quotes)? */
const isKey = (bytes: Uint8Array, from: number, to: number, key: ReadonlyArray<number>) => {
  if (to - from !== key.length) return false
  for (let k = 0; k < key.length; k++) {
    if (bytes[from + k] !== key[k]) return false
  }
  return true
}

/** Is this range of bytes (all of them by default) JSON whitespace only? */
export const isBlank = (bytes: Uint8Array, from = 0, to = bytes.length) => {
  for (let k = from; k < to; k++) {
    if (!isWhitespace(bytes[k])) return false
  }
  return true
}

/** A body parsed in two steps: its top level first (cheap), then all of it. */
export interface Staged {
  /** The top level: the whole value, or for a large page its fields with `values` still empty. */
  readonly head: unknown
  /** The whole value (parses the items of a large page; throws when the body is not valid JSON). */
  readonly whole: () => unknown
}

/**
 * Parses a page-shaped document in two steps, or returns undefined when it is not one for sure
 * (throws when its top level is not valid JSON). The items are parsed by `whole`.
 */
const splitStages = (bytes: Uint8Array): Staged | undefined => {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  let first = start
  while (isWhitespace(bytes[first])) first++
  if (bytes[first] !== OPEN_BRACE) return undefined
  const found = layout(bytes, first)
  if (found === undefined) return undefined
  // The scan saw every key: the reviver that drops `__proto__` keys runs only when one is there.
  const parse = (text: string): unknown => (found.protoKey ? JSON.parse(text, dropProto) : JSON.parse(text))
  const outer = parse(
    pieceDecoder.decode(bytes.subarray(start, found.open)) + "[]" + pieceDecoder.decode(bytes.subarray(found.close + 1))
  ) as Record<string, unknown>
  const whole = () => {
    const values: Array<unknown> = []
    const bounds = found.items
    // `[ ]`: one blank piece, no items.
    if (!(bounds.length === 2 && isBlank(bytes, bounds[0]!, bounds[1]!))) {
      for (let k = 0; k < bounds.length; k += 2) {
        values.push(parse(pieceDecoder.decode(bytes.subarray(bounds[k]!, bounds[k + 1]!))))
      }
    }
    outer["values"] = values
    return outer
  }
  return { head: outer, whole }
}

/** Parses a page-shaped document in pieces, or returns undefined when it is not one for sure. */
export const splitParse = (bytes: Uint8Array): unknown => splitStages(bytes)?.whole()

/**
 * Parses a JSON body in two steps (see `Staged`): a large page's top level (its `next` link) is
 * known before its items are parsed. Values and errors are those of `parseJsonBytes`.
 */
export const parseJsonStaged = (bytes: Uint8Array, threshold = splitThreshold): Staged => {
  if (bytes.length >= threshold) {
    try {
      const staged = splitStages(bytes)
      if (staged !== undefined) {
        return {
          head: staged.head,
          whole: () => {
            try {
              return staged.whole()
            } catch {
              // Not valid in pieces: the whole-text parse gives the value or the error.
              return parseJsonText(utf8(bytes))
            }
          }
        }
      }
    } catch {
      // The top level is not valid JSON: the whole-text parse below throws its error.
    }
  }
  const value = parseJsonText(utf8(bytes))
  return { head: value, whole: () => value }
}

/**
 * Parses a JSON body from its bytes: the value `JSON.parse` gives for its UTF-8 text (without
 * `__proto__` keys), or the error it throws. Large page-shaped bodies are parsed in pieces.
 */
export const parseJsonBytes = (bytes: Uint8Array, threshold = splitThreshold): unknown =>
  parseJsonStaged(bytes, threshold).whole()

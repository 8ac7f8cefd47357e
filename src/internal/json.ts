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
 *
 * The items are found by an exact scan of every byte (`layout`), or first, under Node, the fast
 * way (`quickParse`): native searches for where the items open, each guess then proven by parsing.
 * @internal
 */

const dropProto = (key: string, value: unknown) => (key === "__proto__" ? undefined : value)

/** `JSON.parse`, with the reviver that drops `__proto__` keys when the text may hold one. */
const parseGuarded = (text: string, mayHoldProto: boolean): unknown =>
  mayHoldProto ? JSON.parse(text, dropProto) : JSON.parse(text)

/**
 * Parses JSON text. `__proto__` keys are dropped: decoding copies objects by assignment, where such
 * a key would replace the copy's prototype and let a hostile answer slip unvalidated inherited
 * fields under known names. The reviver runs only when the text may hold such a key: it contains
 * `__proto__`, or a `\u` escape (which could spell it).
 */
export const parseJsonText = (text: string): unknown =>
  parseGuarded(text, text.includes("__proto__") || text.includes("\\u"))

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

/** Node's `Buffer`, where there is one: its native byte searches make `quickParse` possible. */
const NodeBuffer: { from(buffer: ArrayBufferLike, offset: number, length: number): NodeBytes } | undefined =
  (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): NodeBytes } }).Buffer

/** The part of a Node `Buffer` used here. */
interface NodeBytes extends Uint8Array {
  indexOf(value: string | number | Uint8Array, byteOffset?: number): number
  lastIndexOf(value: string | number | Uint8Array, byteOffset?: number): number
}

/** Positions of every occurrence of `needle` between `from` and `to`. */
const occurrences = (haystack: NodeBytes, needle: string, from: number, to: number): Array<number> => {
  const found: Array<number> = []
  for (let at = haystack.indexOf(needle, from); at >= 0 && at < to; at = haystack.indexOf(needle, at + 1)) found.push(at)
  return found
}

/**
 * A page's first item's opening, up to its first key (and that key's value, when a short plain
 * string): `{"type":"repository"`. The items of a listing all open alike, so each occurrence after
 * a `}` and a comma is where an item may start. None when the first item is not an object or its
 * first key is empty or escaped.
 */
const signatureOf = (bytes: Uint8Array, from: number): Uint8Array | undefined => {
  if (bytes[from] !== OPEN_BRACE) return undefined
  let i = from + 1
  while (isWhitespace(bytes[i])) i++
  if (bytes[i] !== QUOTE || bytes[i + 1] === QUOTE) return undefined
  let end = i + 1
  while (end < bytes.length && bytes[end] !== QUOTE && bytes[end] !== BACKSLASH) end++
  if (bytes[end] !== QUOTE) return undefined
  // The key's value too, when it is a short string without escapes: a tighter signature.
  let j = end + 1
  while (isWhitespace(bytes[j])) j++
  if (bytes[j] === COLON) {
    j++
    while (isWhitespace(bytes[j])) j++
    if (bytes[j] === QUOTE) {
      let k = j + 1
      while (k < bytes.length && k - from < 96 && bytes[k] !== QUOTE && bytes[k] !== BACKSLASH) k++
      if (bytes[k] === QUOTE) end = k
    }
  }
  return bytes.subarray(from, end + 1)
}

/**
 * The fast way through a large page, where Node's native byte search is available: finds the
 * `values` array and its items without scanning every byte in JavaScript, then proves the guess by
 * parsing. Undefined when it does not apply; `whole` throws when it cannot prove the page.
 *
 * - The `values` array: the first `"values"` key's `[`, and the document's last `]`. The page
 *   without its items (those bytes with `[]` between) goes through `layout`, which holds its `[`
 *   to be the top-level `values` array's (one such key, not escaped) and finds `__proto__` keys.
 * - The items: each occurrence of the first item's signature (see `signatureOf`) that follows a
 *   `}` and a comma is a cut. Pieces are parsed in order, the first starting right after `[`: a
 *   piece that starts where an item starts parses only if it ends exactly where that item does
 *   (a shorter one is unfinished, a longer one has a comma or a bracket too many), so every cut is
 *   proven an item boundary (a cut anywhere else fails, and we leave), and the last piece, ending
 *   at the last `]`, proves that bracket is the one closing `values`.
 * - Pieces holding `__proto__` or a `\u` escape are parsed with the reviver that drops the key.
 */
const quickStages = (bytes: Uint8Array, start: number): Staged | undefined => {
  if (NodeBuffer === undefined) return undefined
  const buffer = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const key = buffer.indexOf('"values"', start)
  if (key < 0) return undefined
  let open = key + 8
  while (isWhitespace(bytes[open])) open++
  if (bytes[open] !== COLON) return undefined
  open++
  while (isWhitespace(bytes[open])) open++
  const close = buffer.lastIndexOf(CLOSE_BRACKET)
  if (bytes[open] !== OPEN_BRACKET || close <= open) return undefined
  // The page without its items, checked by the exact scan.
  const envelope = new Uint8Array(open + 1 - start + bytes.length - close)
  envelope.set(bytes.subarray(start, open + 1))
  envelope.set(bytes.subarray(close), open + 1 - start)
  let first = 0
  while (isWhitespace(envelope[first])) first++
  if (envelope[first] !== OPEN_BRACE) return undefined
  const outline = layout(envelope, first)
  if (outline === undefined || outline.open !== open - start) return undefined
  let firstItem = open + 1
  while (isWhitespace(bytes[firstItem])) firstItem++
  const signature = firstItem < close ? signatureOf(bytes, firstItem) : undefined
  if (firstItem < close && signature === undefined) return undefined
  // A guess until the items are parsed: the last `]` may not be the one closing `values`, and the
  // fields between the two would then be missing here (or the envelope not even valid).
  let outer: Record<string, unknown>
  try {
    outer = parseGuarded(pieceDecoder.decode(envelope), outline.protoKey) as Record<string, unknown>
  } catch {
    return undefined
  }
  const whole = () => {
    const values: Array<unknown> = []
    let itemStart = firstItem
    if (signature !== undefined) {
      const suspects = [...occurrences(buffer, "__proto__", itemStart, close), ...occurrences(buffer, "\\u", itemStart, close)]
      let suspect = 0
      suspects.sort((a, b) => a - b)
      const parsePiece = (from: number, to: number) => {
        while (suspect < suspects.length && suspects[suspect]! < from) suspect++
        values.push(parseGuarded(pieceDecoder.decode(bytes.subarray(from, to)), suspect < suspects.length && suspects[suspect]! < to))
      }
      for (let at = buffer.indexOf(signature, itemStart + 1); at >= 0 && at < close; at = buffer.indexOf(signature, at + 1)) {
        let comma = at - 1
        while (isWhitespace(bytes[comma])) comma--
        if (bytes[comma] !== COMMA) continue
        let end = comma - 1
        while (isWhitespace(bytes[end])) end--
        if (bytes[end] !== CLOSE_BRACE) continue
        parsePiece(itemStart, comma)
        itemStart = comma + 1
      }
      parsePiece(itemStart, close)
    }
    outer["values"] = values
    return outer
  }
  return { head: outer, whole }
}

/** The fast way's value for a page, or undefined when it does not apply or cannot prove it. */
export const quickParse = (bytes: Uint8Array, start = 0): unknown => {
  try {
    return quickStages(bytes, start)?.whole()
  } catch {
    return undefined
  }
}

/** A body parsed in two steps: its top level first (cheap), then all of it. */
export interface Staged {
  /**
   * The top level: the whole value, or for a large page its fields with `values` still empty. A
   * guess when the fast way took the page: in a document built to fool it, some fields may be
   * missing (or an earlier duplicate's) until `whole` has proven it. Check it against `whole`.
   */
  readonly head: unknown
  /** The whole value (parses the items of a large page; throws when the body is not valid JSON). */
  readonly whole: () => unknown
}

/**
 * Parses a page-shaped document in two steps, or returns undefined when it is not one for sure
 * (throws when its top level is not valid JSON). The items are parsed by `whole`.
 */
const splitStages = (bytes: Uint8Array, fast: boolean): Staged | undefined => {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  let first = start
  while (isWhitespace(bytes[first])) first++
  if (bytes[first] !== OPEN_BRACE) return undefined
  const quick = fast ? quickStages(bytes, start) : undefined
  if (quick !== undefined) return quick
  const found = layout(bytes, first)
  if (found === undefined) return undefined
  // The scan saw every key: the reviver that drops `__proto__` keys runs only when one is there.
  const parse = (text: string): unknown => parseGuarded(text, found.protoKey)
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

/**
 * Parses a page-shaped document in pieces, or returns undefined when it is not one for sure.
 * `fast: false` skips `quickParse` (for tests of the exact scan).
 */
export const splitParse = (bytes: Uint8Array, fast = true): unknown => splitStages(bytes, fast)?.whole()

/**
 * Parses a JSON body in two steps (see `Staged`): a large page's top level (its `next` link) is
 * known before its items are parsed. Values and errors are those of `parseJsonBytes`; `fast:
 * false` leaves the fast way out (for tests of the exact scan).
 */
export const parseJsonStaged = (bytes: Uint8Array, threshold = splitThreshold, fast = true): Staged => {
  if (bytes.length >= threshold) {
    try {
      const staged = splitStages(bytes, fast)
      if (staged !== undefined) {
        return {
          head: staged.head,
          whole: () => {
            try {
              return staged.whole()
            } catch {
              // Not proven the fast way: the exact scan. Not valid in pieces: the whole-text parse
              // gives the value or the error.
              try {
                const exact = fast ? splitStages(bytes, false) : undefined
                if (exact !== undefined) return exact.whole()
              } catch {
                // Not valid in pieces.
              }
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
export const parseJsonBytes = (bytes: Uint8Array, threshold = splitThreshold, fast = true): unknown =>
  parseJsonStaged(bytes, threshold, fast).whole()

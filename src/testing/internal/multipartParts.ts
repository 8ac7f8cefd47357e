/**
 * The fake's `multipart/form-data` reader, for every route that takes such a body (`src`, snippets,
 * issue attachments, downloads). It reads a body as Django (Bitbucket's framework) does, where
 * Node's own FormData parser reads it differently:
 * - a `Content-Disposition` parameter is `key=value`, parameters are separated by `;` (not inside a
 *   quoted value), and a piece without `=` is dropped: `x-attributes:"executable"`, the colon form
 *   of Bitbucket's own example, is not read (Django drops it too);
 * - a quoted value has only `\\` and `\"` unescaped: a browser's `%22` stays `%22` (Node's parser
 *   turns it into `"`), and `\b` stays `\b`;
 * - a parameter Node does not know (`x-attributes`) is kept, where Node's parser refuses the part;
 * - `filename*=charset''value` (RFC 2231) is read, as `filename`;
 * - a part is a file when its `filename` is not empty; a part without a `Content-Disposition` or a
 *   `name` is skipped, and a name loses the spaces around it.
 *
 * A file's name is the `filename` parameter as read: Django's upload handler would also cut it to
 * its last path segment, which is not modelled (whether Bitbucket reads that name or the
 * parameter is not known).
 *
 * @internal
 */
import type { Ctx } from "./core.js"
import { HttpError } from "./core.js"

/** One part: its field name, its `Content-Disposition` parameters, and its bytes. */
export interface Part {
  readonly name: string
  /** Present (not empty) for a file part, as Django tells files from fields. */
  readonly filename: string | undefined
  /** Every parameter, by lower-cased name (`name`, `filename`, `x-attributes`, …). */
  readonly params: ReadonlyMap<string, string>
  readonly content: Uint8Array
}

const unparsable = (detail: string) => new HttpError(400, "Bad request", `The multipart/form-data body could not be parsed: ${detail}.`)

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })
const encoder = new TextEncoder()
const CRLF = encoder.encode("\r\n")

const indexOf = (haystack: Uint8Array, needle: Uint8Array, from: number): number => {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/** The lines of a header block, split at each CRLF. */
const lines = (head: Uint8Array): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  let from = 0
  for (let at = indexOf(head, CRLF, 0); at >= 0; at = indexOf(head, CRLF, from)) {
    out.push(head.subarray(from, at))
    from = at + 2
  }
  out.push(head.subarray(from))
  return out
}

/** How often `needle` occurs in `haystack` before `end` (Python's `str.count`). */
const count = (haystack: string, needle: string, end = haystack.length): number => {
  let n = 0
  for (let i = haystack.indexOf(needle); i >= 0 && i + needle.length <= end; i = haystack.indexOf(needle, i + needle.length)) n++
  return n
}

/** A header split at each `;` outside a quoted string, each piece trimmed (Django's `_parseparam`). */
const pieces = (line: string): Array<string> => {
  const out: Array<string> = []
  let s = `;${line}`
  while (s.startsWith(";")) {
    s = s.slice(1)
    let end = s.indexOf(";")
    while (end > 0 && (count(s, '"', end) - count(s, '\\"', end)) % 2 !== 0) end = s.indexOf(";", end + 1)
    if (end < 0) end = s.length
    out.push(s.slice(0, end).trim())
    s = s.slice(end)
  }
  return out
}

/** Percent-decoding in a charset, as Python's `unquote` does it: runs of ASCII are decoded, the rest kept. */
const unquote = (value: string, decoder: TextDecoder): string =>
  value.replace(/[\x00-\x7f]+/g, (run) => {
    const bytes: Array<number> = []
    for (let i = 0; i < run.length; i++) {
      const hex = run.slice(i + 1, i + 3)
      if (run[i] === "%" && /^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16))
        i += 2
      } else {
        bytes.push(run.charCodeAt(i))
      }
    }
    return decoder.decode(new Uint8Array(bytes))
  })

/**
 * A header's value and parameters, read as Django's `parse_header_parameters` reads them
 * (`form-data; name="a"; filename="b"`): each piece between `;`s that has an `=` is a parameter
 * (its name lower-cased), any other piece is dropped; a quoted value loses its quotes and has its
 * `\\` and `\"` unescaped, nothing else; `name*=charset'lang'value` (RFC 2231) is percent-decoded in
 * that charset and read as `name`. `undefined` where Django would give up on the header (a bad
 * RFC 2231 value).
 */
export const parseParams = (header: string): { readonly value: string; readonly params: Map<string, string> } | undefined => {
  const [first = "", ...rest] = pieces(header)
  const params = new Map<string, string>()
  for (const piece of rest) {
    const eq = piece.indexOf("=")
    if (eq < 0) continue
    let name = piece.slice(0, eq).trim().toLowerCase()
    let encoded = false
    if (name.endsWith("*")) {
      name = name.slice(0, -1)
      encoded = count(piece, "'") === 2
    }
    let value = piece.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replaceAll("\\\\", "\\").replaceAll('\\"', '"')
    }
    if (encoded) {
      const split = value.split("'")
      if (split.length !== 3) return undefined
      let decoder: TextDecoder
      try {
        decoder = new TextDecoder(split[0]!)
      } catch {
        // Python fails on a charset it does not know (Django answers 500); the fake, 400.
        throw unparsable(`the charset ${JSON.stringify(split[0])} of the parameter ${JSON.stringify(name)} is unknown`)
      }
      value = unquote(split[2]!, decoder)
    }
    params.set(name, value)
  }
  return { value: first.toLowerCase(), params }
}

/** The parts of a request's `multipart/form-data` body, in order; a body that does not parse is 400. */
export const readParts = (ctx: Ctx): Array<Part> =>
  parseParts(ctx.headers.get("content-type") ?? "", ctx.bytes ?? encoder.encode(ctx.body))

/** The parts of a `multipart/form-data` body, given its `Content-Type`; a body that does not parse is 400. */
export const parseParts = (contentType: string, body: Uint8Array): Array<Part> => {
  const boundary = parseParams(contentType)?.params.get("boundary")
  if (boundary === undefined || boundary === "") throw unparsable("the Content-Type names no boundary")
  const dashes = encoder.encode(`--${boundary}`)
  const delimiter = encoder.encode(`\r\n--${boundary}`)
  // The first delimiter opens the body, or follows a preamble and a line break.
  let at = 0
  if (indexOf(body, dashes, 0) !== 0) {
    const found = indexOf(body, delimiter, 0)
    if (found < 0) throw unparsable("no part starts with the boundary")
    at = found + 2
  }
  const parts: Array<Part> = []
  for (;;) {
    at += dashes.length
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts
    const lineEnd = indexOf(body, CRLF, at)
    if (lineEnd < 0) throw unparsable("a boundary line does not end")
    const headEnd = indexOf(body, encoder.encode("\r\n\r\n"), lineEnd)
    if (headEnd < 0) throw unparsable("a part's headers do not end")
    const head = lineEnd === headEnd ? new Uint8Array(0) : body.subarray(lineEnd + 2, headEnd)
    const next = indexOf(body, delimiter, headEnd + 4)
    if (next < 0) throw unparsable("the closing boundary is missing")
    // Django reads each header line whole: `content-disposition: form-data; name=…`; a line that
    // is not UTF-8 or has no colon is ignored.
    let disposition: Map<string, string> | undefined
    for (const line of lines(head)) {
      let text: string
      try {
        text = strictUtf8.decode(line)
      } catch {
        continue
      }
      const parsed = parseParams(text)
      const colon = parsed?.value.indexOf(":") ?? -1
      if (parsed !== undefined && colon >= 0 && parsed.value.slice(0, colon) === "content-disposition") disposition = parsed.params
    }
    const content = body.slice(headEnd + 4, next)
    at = next + 2
    // Django skips a part without a Content-Disposition or a name.
    const name = disposition?.get("name")?.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, "")
    if (disposition === undefined || name === undefined) continue
    const filename = disposition.get("filename")
    parts.push({ name, filename: filename === "" ? undefined : filename, params: disposition, content })
  }
}

/**
 * A `multipart/form-data` reader that keeps every `Content-Disposition` parameter. The platform's
 * `Request.formData()` cannot be used where Bitbucket reads extra parameters (`x-attributes` on a
 * commit's files): Node's parser refuses a part whose `Content-Disposition` carries a parameter it
 * does not know, where Django (Bitbucket's framework) accepts it.
 *
 * Names are kept as sent (a browser's `%22` stays `%22`, as Django keeps it); `filename*` is not
 * read.
 *
 * @internal
 */
import type { Ctx } from "./core.js"
import { HttpError } from "./core.js"

/** One part: its field name, its `Content-Disposition` parameters, and its bytes. */
export interface Part {
  readonly name: string
  /** Present for a file part. */
  readonly filename: string | undefined
  /** Every parameter, by lower-cased name (`name`, `filename`, `x-attributes`, …). */
  readonly params: ReadonlyMap<string, string>
  readonly content: Uint8Array
}

const unparsable = (detail: string) => new HttpError(400, "Bad request", `The multipart/form-data body could not be parsed: ${detail}.`)

const utf8 = new TextDecoder()
const encoder = new TextEncoder()

const indexOf = (haystack: Uint8Array, needle: Uint8Array, from: number): number => {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/**
 * A header's value and parameters: `form-data; name="a"; filename="b"`. A parameter is written
 * `key=value` (value a token or a quoted string, with `\` escapes); `key:"value"` is read as well,
 * because Bitbucket's own example of `x-attributes` writes it so (a guess that Bitbucket takes it).
 */
export const parseParams = (header: string): { readonly value: string; readonly params: Map<string, string> } => {
  const params = new Map<string, string>()
  const semi = header.indexOf(";")
  const value = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase()
  let i = semi < 0 ? header.length : semi + 1
  while (i < header.length) {
    while (i < header.length && /[\s;]/.test(header[i]!)) i++
    if (i >= header.length) break
    const keyStart = i
    while (i < header.length && !/[=:;\s]/.test(header[i]!)) i++
    const key = header.slice(keyStart, i).toLowerCase()
    while (i < header.length && /\s/.test(header[i]!)) i++
    if (header[i] !== "=" && header[i] !== ":") throw unparsable(`the parameter ${JSON.stringify(key)} has no value`)
    i++
    while (i < header.length && /\s/.test(header[i]!)) i++
    let text = ""
    if (header[i] === '"') {
      i++
      while (i < header.length && header[i] !== '"') {
        if (header[i] === "\\" && i + 1 < header.length) i++
        text += header[i]
        i++
      }
      if (header[i] !== '"') throw unparsable(`the parameter ${JSON.stringify(key)} has an unterminated quoted value`)
      i++
    } else {
      const start = i
      while (i < header.length && header[i] !== ";") i++
      text = header.slice(start, i).trim()
    }
    params.set(key, text)
  }
  return { value, params }
}

/** The parts of a request's `multipart/form-data` body, in order; a body that does not parse is 400. */
export const readParts = (ctx: Ctx): Array<Part> =>
  parseParts(ctx.headers.get("content-type") ?? "", ctx.bytes ?? encoder.encode(ctx.body))

/** The parts of a `multipart/form-data` body, given its `Content-Type`; a body that does not parse is 400. */
export const parseParts = (contentType: string, body: Uint8Array): Array<Part> => {
  const { params } = parseParams(contentType)
  const boundary = params.get("boundary")
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
    const lineEnd = indexOf(body, encoder.encode("\r\n"), at)
    if (lineEnd < 0) throw unparsable("a boundary line does not end")
    const headEnd = indexOf(body, encoder.encode("\r\n\r\n"), lineEnd)
    if (headEnd < 0) throw unparsable("a part's headers do not end")
    const head = lineEnd === headEnd ? "" : utf8.decode(body.subarray(lineEnd + 2, headEnd))
    const next = indexOf(body, delimiter, headEnd + 4)
    if (next < 0) throw unparsable("the closing boundary is missing")
    const headers = new Map<string, string>()
    for (const line of head.split("\r\n")) {
      const colon = line.indexOf(":")
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    const disposition = parseParams(headers.get("content-disposition") ?? "")
    const name = disposition.params.get("name")
    if (disposition.value !== "form-data" || name === undefined) throw unparsable("a part is not form-data with a name")
    parts.push({ name, filename: disposition.params.get("filename"), params: disposition.params, content: body.slice(headEnd + 4, next) })
    at = next + 2
  }
}

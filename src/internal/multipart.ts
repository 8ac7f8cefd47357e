/**
 * `multipart/form-data` bodies, written byte for byte. `FormData` is not used: serializing it
 * turns every line break of a text field into CRLF (as HTML forms must), which would change a
 * commit message or a snippet title on its way to Bitbucket.
 * @internal
 */
import { Schema } from "effect"

/**
 * A form field: text, or a file with its name and type. A file's `attributes` is sent as Bitbucket's
 * `x-attributes` parameter of its `Content-Disposition` (`executable`, `link`); the caller gives
 * only values a quoted parameter can carry.
 */
export type Part =
  | { readonly name: string; readonly value: string }
  | {
    readonly name: string
    readonly filename: string
    readonly contentType: string
    readonly content: Uint8Array
    readonly attributes?: string | undefined
  }

const encoder = new TextEncoder()

/**
 * Can this text be a field or file name? Servers read `"`, `\` and line breaks in a quoted
 * `Content-Disposition` parameter differently (browsers send `%22`, which Django, Bitbucket's
 * framework, keeps as it is), so names with them are refused before anything is sent.
 */
export const headerSafe = (name: string): boolean => !/["\\\r\n]/.test(name)

/** Why a name is not {@link headerSafe}. */
export const headerSafeMessage = (what: string) =>
  `${what} must not contain a double quote, a backslash or a line break (multipart headers cannot carry them reliably)`

/**
 * Files to upload as parts of one field (downloads, issue attachments): at least one, each with a
 * name a multipart header can carry, no name twice. `what` names a file in messages ("a
 * download").
 */
export const uploadFiles = (what: string) =>
  Schema.Array(Schema.Struct({
    name: Schema.String.pipe(
      Schema.nonEmptyString({ message: () => `${what}'s name must not be empty` }),
      Schema.filter((name) => headerSafe(name) || headerSafeMessage(`${what}'s name`))
    ),
    content: Schema.Union(Schema.String, Schema.Uint8ArrayFromSelf)
  })).pipe(
    Schema.minItems(1, { message: () => "upload at least one file" }),
    Schema.filter((files) => {
      const names = files.map((file) => file.name)
      const twice = names.find((name, i) => names.indexOf(name) !== i)
      return twice === undefined || `the file ${JSON.stringify(twice)} is given twice`
    })
  )

/**
 * A file part: text is sent as UTF-8 (`text/plain;charset=utf-8`), bytes as they are; `attributes`
 * as the part's `x-attributes`.
 */
export const file = (name: string, filename: string, content: string | Uint8Array, attributes?: string): Part => ({
  name,
  filename,
  ...(typeof content === "string"
    ? { contentType: "text/plain;charset=utf-8", content: encoder.encode(content) }
    : { contentType: "application/octet-stream", content }),
  attributes
})

/** Escapes a name for a quoted `Content-Disposition` parameter, as browsers do (UTF-8 kept). */
const quoted = (name: string) => `"${name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22")}"`

const randomBoundary = (): string => {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `effect-bitbucket-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`
}

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean => {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** The body and its `Content-Type` (with the boundary). */
export const encode = (parts: ReadonlyArray<Part>): { readonly body: Uint8Array; readonly contentType: string } => {
  const contents = parts.map((part) => ("value" in part ? encoder.encode(part.value) : part.content))
  let boundary = randomBoundary()
  // A boundary must not occur in any part; a random one practically never does, but make sure.
  while (contents.some((content) => contains(content, encoder.encode(`--${boundary}`)))) boundary = randomBoundary()
  const chunks: Array<Uint8Array> = []
  parts.forEach((part, i) => {
    const head = "value" in part
      ? `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}\r\n\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(part.name)}; filename=${quoted(part.filename)}` +
        // Our reading of Bitbucket's `x-attributes`: its prose writes `x-attributes="executable"`
        // (a MIME parameter, `=`), while its example shows `x-attributes:"executable"`; we send the
        // standard `=` form.
        `${part.attributes === undefined ? "" : `; x-attributes=${quoted(part.attributes)}`}\r\n` +
        `Content-Type: ${part.contentType}\r\n\r\n`
    chunks.push(encoder.encode(head), contents[i]!, encoder.encode("\r\n"))
  })
  chunks.push(encoder.encode(`--${boundary}--\r\n`))
  const body = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

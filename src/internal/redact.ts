/**
 * Keeping secrets (credentials, `Redacted` payload values, secured variables) out of errors,
 * whatever a server echoes back and however it escapes it.
 * @internal
 */

export const REDACTED = "<redacted>"

/**
 * How much of a secret, found anywhere in a text, withholds the text (after the known spellings
 * are blanked): long enough that a secret holding a word (`…-variable-…`) does not withhold every
 * text with that word, short enough to catch a quote cut short.
 */
const WINDOW = 12

/** Text blanked of secrets. */
export type Redact = (text: string) => string

/**
 * The ways a server may write a value back in a text, blanked as such so that the rest of the text
 * stays readable: as it is, JSON-escaped (`\n`, `\"`, `\/`), with non-ASCII as `\u` escapes,
 * URL-encoded, HTML-escaped.
 */
const spellings = (secret: string): ReadonlyArray<string> => {
  const json = JSON.stringify(secret).slice(1, -1)
  const ascii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  const upperHex = ascii.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`)
  const html = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")
  let url = secret
  try {
    url = encodeURIComponent(secret)
  } catch {
    // A lone surrogate has no URL form.
  }
  return [secret, json, json.replace(/\//g, "\\/"), ascii, upperHex, url, html, ...encodings(secret)]
}

const utf8Encoder = new TextEncoder()
const base64 = (bytes: Uint8Array) => {
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * The secret as a server may echo it encoded: in hex, and in Base64 (standard and URL-safe)
 * wherever it starts in the encoded text. A secret inside a larger encoded value (`Bearer <token>`
 * encoded whole) is encoded at one of three alignments; for each, the characters that depend on its
 * bytes alone are kept. Only for secrets of 8 characters or more: shorter ones encode to too few
 * characters to tell from ordinary text.
 */
const encodings = (secret: string): ReadonlyArray<string> => {
  if (secret.length < 8) return []
  const bytes = utf8Encoder.encode(secret)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
  const out = [hex, hex.toUpperCase()]
  for (let offset = 0; offset < 3; offset++) {
    const shifted = new Uint8Array(offset + bytes.length)
    shifted.set(bytes, offset)
    // The first group of four mixes in the bytes before the secret (unless it starts one), the
    // last ones the bytes after it.
    const core = base64(shifted).slice(offset === 0 ? 0 : 4, Math.floor(shifted.length / 3) * 4)
    if (core.length >= 8) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"))
  }
  return out
}

const entities: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " " }

const codePoint = (code: number) => (code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "")

/**
 * A text with the escapes a server may write undone (JSON and Python `\u`/`\x`/`\'`, even twice;
 * HTML entities by name and number; percent-encoding, `+` as a space), folded to one case,
 * Unicode NFC, and single spaces. Secrets and texts are compared in this form.
 */
export const normalForm = (text: string): string => {
  let out = text
  for (let round = 0; round < 3; round++) {
    const before = out
    out = out
      .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/\\([nrt])/g, " ")
      .replace(/\\(["'\\/])/g, "$1")
      .replace(/&#(\d{1,7});/g, (_, dec: string) => codePoint(Number(dec)))
      .replace(/&#x([0-9a-fA-F]{1,6});/g, (_, hex: string) => codePoint(parseInt(hex, 16)))
      .replace(/&([a-z]+);/g, (entity, name: string) => entities[name] ?? entity)
      .replace(/\+/g, " ")
      .replace(/(?:%[0-9a-fA-F]{2})+/g, (encoded) => {
        try {
          return decodeURIComponent(encoded)
        } catch {
          return encoded
        }
      })
    if (out === before) break
  }
  return out.normalize("NFC").toLowerCase().replace(/\s+/g, " ")
}

/**
 * Text that is never a secret though secrets often hold it (a clone URL with a token holds
 * `bitbucket.org`): a run of a secret found in it does not withhold a text.
 */
const common = normalForm("https://api.bitbucket.org/2.0/repositories/ https://bitbucket.org/ .git")

/**
 * A function that blanks `secrets` out of a text: every known spelling of a secret becomes
 * `<redacted>`; then, if any run of 12 characters of a secret (a whole secret, if shorter) is still
 * there in any spelling (a quote cut short, another case, another escape), the whole text is
 * withheld as `<redacted>`. Work is done once per set of secrets; each text costs its length.
 */
export const redactor = (secrets: ReadonlyArray<string>): Redact => {
  const usable = [...new Set(secrets.filter((secret) => secret.length > 0))]
  if (usable.length === 0) return (text) => text
  // Spellings of secrets of fewer than 4 characters would blank ordinary text: those are found by
  // the fragment check only, which withholds what holds them.
  const exact = [...new Set(usable.filter((secret) => secret.length >= 4).flatMap(spellings))].sort((a, b) => b.length - a.length)
  const windows = new Set<string>()
  const short: Array<string> = []
  for (const secret of usable) {
    const normal = normalForm(secret)
    if (normal.trim() === "") continue
    if (normal.length < WINDOW) short.push(normal)
    else {
      for (let i = 0; i + WINDOW <= normal.length; i++) {
        const run = normal.slice(i, i + WINDOW)
        if (!common.includes(run)) windows.add(run)
      }
    }
  }
  return (text) => {
    let out = text
    for (const spelling of exact) if (out.includes(spelling)) out = out.split(spelling).join(REDACTED)
    const normal = normalForm(out)
    if (short.some((fragment) => normal.includes(fragment))) return REDACTED
    for (let i = 0; i + WINDOW <= normal.length; i++) if (windows.has(normal.slice(i, i + WINDOW))) return REDACTED
    return out
  }
}

/**
 * The redactor's encoded spellings: a secret echoed in hex or Base64 (standard or URL-safe),
 * alone or inside a larger encoded value at any alignment, is blanked; ordinary text is not.
 */
import { describe, expect, it } from "@effect/vitest"
import { redactor } from "../src/internal/redact.js"

const SECRET = "tok_9f8e7d6c5b4a3210zz"
const redact = redactor([SECRET])
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url")

describe("redactor: encoded secrets", () => {
  it("blanks the secret in Base64 at every alignment, standard and URL-safe, and in hex", () => {
    for (let prefix = 0; prefix < 6; prefix++) {
      const around = `${"x".repeat(prefix)}${SECRET}${"y".repeat(prefix % 3)}`
      for (const [encoded, others] of [[b64(around), around.length - SECRET.length], [b64url(`ab${around}`), around.length + 2 - SECRET.length]] as const) {
        const out = redact(`seen ${encoded} end`)
        expect(out, `prefix ${prefix}`).toContain("<redacted>")
        // What is left is the encoding of the bytes around the secret, and at most two characters
        // at each end that mix in some of its bits: none spells it.
        expect(out.replace(/seen |<redacted>| end/g, "").length, `prefix ${prefix}`).toBeLessThanOrEqual(Math.ceil(others * 4 / 3) + 6)
      }
    }
    expect(redact(`key ${Buffer.from(SECRET).toString("hex")}`)).toBe("key <redacted>")
    expect(redact(`KEY ${Buffer.from(SECRET).toString("hex").toUpperCase()}`)).toBe("KEY <redacted>")
  })

  it("leaves ordinary text, and other encoded values, as they are", () => {
    for (const text of ["nothing to see", b64("another value entirely, long enough"), "cafebabe0123456789abcdef"]) {
      expect(redact(text)).toBe(text)
    }
  })
})

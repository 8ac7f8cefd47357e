/**
 * SSH public keys, as deploy keys and account keys take them.
 * @internal
 */
import { Schema } from "effect"

/**
 * An OpenSSH public key on one line, `<type> <base64> [comment]`; a private key is refused before
 * anything is sent, and no message ever quotes the key.
 */
export const SshPublicKey = Schema.String.pipe(
  Schema.filter((key) => {
    if (/PRIVATE KEY/.test(key)) return "this is a private key: give the public one (the .pub file)"
    // The key's blob starts with the 4-byte length of its type name: "AAAA" in base64.
    return /^[a-z0-9@.-]+ AAAA[A-Za-z0-9+/]+={0,3}(?: [^\r\n]*)?$/.test(key.trim()) ||
      "must be an OpenSSH public key on one line: <type> <base64> [comment], e.g. ssh-ed25519 AAAA... ci@example.com"
  })
)

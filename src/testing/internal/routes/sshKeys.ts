/**
 * SSH keys of user accounts: `GET|POST /users/{selected_user}/ssh-keys`,
 * `GET|PUT|DELETE /users/{selected_user}/ssh-keys/{key_id}` (`key_id` is the key's `{uuid}`).
 *
 * - Only the account's own user may list or manage its keys: 401 for the anonymous, 403 for anyone
 *   else (access tokens included); an unknown user is 404.
 * - `key` must be an OpenSSH public key (a private key is 400); its comment becomes `comment`.
 *   A key already registered, on any account or as an access (deploy) key, is 400, as on
 *   Bitbucket. Responses carry the key's SHA-256 `fingerprint`, and `expires_on` when it was set.
 * - Creating answers 201 with a `Location`. `PUT` changes the label only: a different key is 400.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import type { Ctx } from "../core.js"
import { bracedUuid, HttpError } from "../core.js"
import { uuidOf } from "../gitStore.js"
import type { RouteModule } from "../router.js"
import type { SeedSshKey } from "../seed.js"
import { keyOf, parseKey } from "./deployKeys.js"

type Params = Readonly<Record<string, string>>

interface KeyState {
  readonly uuid: string
  readonly user: string
  /** `<type> <base64>`. */
  readonly key: string
  readonly comment: string
  label: string
  readonly created_on: string
  readonly last_used: string | undefined
  readonly expires_on: string | undefined
}


/** An OpenSSH key's SHA-256 fingerprint, as `ssh-keygen -l` prints it. */
const fingerprint = (key: string) => `SHA256:${createHash("sha256").update(Buffer.from(key.split(" ")[1]!, "base64")).digest("base64").replace(/=+$/, "")}`

export const sshKeys: RouteModule = {
  name: "sshKeys",
  make: (core) => {
    const { ok, page, href, seg, now, invalid, parsePayload } = core

    const all: Array<KeyState> = (core.seed.sshKeys ?? []).map((k: SeedSshKey, i) => {
      const parsed = parseKey(k.key)
      const user = core.findUser(k.user)
      if (parsed === undefined || user === undefined) throw new Error(`FakeBitbucket seed: SSH key ${i} needs a known user and an OpenSSH public key`)
      try {
        core.sshKeys.use(parsed.key, "account")
      } catch {
        throw new Error(`FakeBitbucket seed: SSH key ${i} is already registered (as an account key or an access key)`)
      }
      return {
        uuid: bracedUuid(k.uuid ?? uuidOf(`ssh-key:${i}`)),
        user: user.uuid,
        key: parsed.key,
        comment: parsed.comment,
        label: k.label ?? "",
        created_on: k.created_on,
        last_used: k.last_used,
        expires_on: k.expires_on
      }
    })

    /** The account the route names, which must be the caller's own. */
    const ownAccount = (ctx: Ctx, p: Params) => {
      core.requireAuth(ctx)
      const user = core.findUserById(p.selected_user!)
      if (user === undefined) throw new HttpError(404, `User ${p.selected_user} not found`)
      if (ctx.principal.kind !== "user" || ctx.principal.user.uuid !== user.uuid) {
        throw new HttpError(403, "You may only see and change the SSH keys of your own account.")
      }
      return user
    }

    const path = (user: string) => `/users/${seg(user)}/ssh-keys`

    const keyJson = (k: KeyState) => ({
      type: "ssh_key",
      uuid: k.uuid,
      key: k.key,
      comment: k.comment,
      label: k.label,
      created_on: k.created_on,
      last_used: k.last_used ?? null,
      fingerprint: fingerprint(k.key),
      ...(k.expires_on !== undefined ? { expires_on: k.expires_on } : {}),
      owner: core.accountJson(k.user),
      links: { self: href(`${path(k.user)}/${seg(k.uuid)}`) }
    })

    const findKey = (ctx: Ctx, p: Params) => {
      const user = ownAccount(ctx, p)
      const k = all.find((x) => x.user === user.uuid && x.uuid === bracedUuid(p.key_id!))
      if (k === undefined) throw new HttpError(404, `SSH key ${p.key_id} not found`)
      return k
    }

    return {
      snapshot: () => ({
        sshKeys: all.map((k): SeedSshKey => ({
          user: k.user,
          uuid: k.uuid,
          key: k.comment === "" ? k.key : `${k.key} ${k.comment}`,
          label: k.label,
          created_on: k.created_on,
          ...(k.last_used !== undefined ? { last_used: k.last_used } : {}),
          ...(k.expires_on !== undefined ? { expires_on: k.expires_on } : {})
        }))
      }),
      routes: [
        {
          path: "/users/:selected_user/ssh-keys",
          GET: (ctx, p) => {
            const user = ownAccount(ctx, p)
            return page(ctx, all.filter((k) => k.user === user.uuid).map(keyJson))
          },
          POST: (ctx, p) =>
            Effect.gen(function*() {
              const user = ownAccount(ctx, p)
              const input = keyOf(parsePayload(ctx), invalid)
              const expires = parsePayload(ctx).expires_on
              if (expires !== undefined && (typeof expires !== "string" || Number.isNaN(Date.parse(expires)))) {
                throw invalid({ expires_on: ["Enter a valid date and time."] })
              }
              core.sshKeys.use(input.key, "account")
              const state: KeyState = {
                uuid: uuidOf(`ssh-key:${user.uuid}/${input.key}/${core.nextId()}`),
                user: user.uuid,
                key: input.key,
                comment: input.comment,
                label: input.label ?? "",
                created_on: yield* now,
                last_used: undefined,
                expires_on: expires as string | undefined
              }
              all.push(state)
              return core.created(ctx, keyJson(state), `${core.base}${path(user.uuid)}/${seg(state.uuid)}`)
            })
        },
        {
          path: "/users/:selected_user/ssh-keys/:key_id",
          GET: (ctx, p) => ok(ctx, keyJson(findKey(ctx, p))),
          PUT: (ctx, p) => {
            const k = findKey(ctx, p)
            const body = parsePayload(ctx)
            if (body.key !== undefined && parseKey(body.key)?.key !== k.key) {
              throw invalid({ key: ["Only the label can be changed: delete the key and add the new one."] })
            }
            if (body.label !== undefined && typeof body.label !== "string") throw invalid({ label: ["Must be a string."] })
            if (typeof body.label === "string") k.label = body.label
            return ok(ctx, keyJson(k))
          },
          DELETE: (ctx, p) => {
            const k = findKey(ctx, p)
            all.splice(all.indexOf(k), 1)
            core.sshKeys.release(k.key, "account")
            return core.noContent()
          }
        }
      ]
    }
  }
}

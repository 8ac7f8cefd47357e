/**
 * The OAuth token request over loopback HTTP, with both transports: what a real client does that a
 * scripted HttpClient cannot show (fetch follows redirects unless told not to).
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import { Authenticator } from "../src/index.js"
import { scriptedServer, sendJson } from "./support/loopback.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

describe("the OAuth token request", () => {
  for (const [name, http] of transports) {
    for (const status of [302, 307]) {
      it.scopedLive(`${name}: a ${status} from the token endpoint is not followed, and fails as UnexpectedStatus`, () =>
        Effect.gen(function*() {
          const elsewhere = yield* scriptedServer((_req, res) =>
            sendJson(res, 200, { access_token: "from-another-origin", token_type: "bearer", expires_in: 3600 })
          )
          const tokenEndpoint = yield* scriptedServer((_req, res) => {
            res.writeHead(status, { location: `${elsewhere.origin}/token` })
            res.end()
          })
          const error = yield* Effect.flip(
            Authenticator.exchangeCode({ clientId: "c", clientSecret: "s", code: "the-code", tokenUrl: `${tokenEndpoint.origin}/token` })
          ).pipe(Effect.provide(http))
          expect(error._tag).toBe("UnexpectedStatus")
          expect(error.message).toContain(`answered ${status}, a redirect, which is not followed`)
          expect(elsewhere.requests).toHaveLength(0)
        }))
    }
  }
})

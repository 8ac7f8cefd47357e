/**
 * The OpenID Connect identity provider of a workspace's Pipelines: its discovery document and its
 * signing keys; against the fake (public documents, 404 for an unknown workspace) and on the wire.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { createHash, createPublicKey } from "node:crypto"
import { Authenticator, BitbucketError, Pipeline } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"
import { scopedTokens } from "./support/scopedTokens.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const anonymously = Layer.provideMerge(Authenticator.anonymous, FakeBitbucket.layer())
const ACME_UUID = "{ac0e0000-0001-4000-8000-00000000ac01}"
const acmeIssuer = "https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc"

describe("Pipelines OIDC against the fake", () => {
  it.effect("anyone, credentials or not, reads a private workspace's discovery document, in Bitbucket's form", () =>
    Effect.gen(function*() {
      const config = yield* Pipeline.findOidcConfiguration({ workspace: "acme" }).pipe(Effect.provide(anonymously))
      expect(config.issuer).toBe(acmeIssuer)
      expect(config.jwks_uri).toBe(`${acmeIssuer}/keys.json`)
      expect(config.id_token_signing_alg_values_supported).toEqual(["RS256"])
      expect(config.response_types_supported).toEqual(["id_token"])
      expect(config.claims_supported).toEqual(expect.arrayContaining(["sub", "aud", "iss", "workspaceUuid", "repositoryUuid", "stepUuid"]))
      // The same document for Alice, and by the workspace's {uuid} (the issuer names its slug).
      const asAlice = Layer.provideMerge(alice, FakeBitbucket.layer())
      expect(yield* Pipeline.findOidcConfiguration({ workspace: "acme" }).pipe(Effect.provide(asAlice))).toEqual(config)
      expect((yield* Pipeline.findOidcConfiguration({ workspace: ACME_UUID }).pipe(Effect.provide(anonymously))).issuer).toBe(acmeIssuer)
      // Each workspace has its own issuer.
      const demo = yield* Pipeline.findOidcConfiguration({ workspace: "demo" }).pipe(Effect.provide(anonymously))
      expect(demo.issuer).toBe("https://api.bitbucket.org/2.0/workspaces/demo/pipelines-config/identity/oidc")
    }))

  it.effect("the key set holds one RSA signing key, usable as a JWK, its kid its RFC 7638 thumbprint, the same every time", () =>
    Effect.gen(function*() {
      const { keys } = yield* Pipeline.findOidcKeys({ workspace: "acme" }).pipe(Effect.provide(anonymously))
      expect(keys).toHaveLength(1)
      const key = keys[0]!
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", e: "AQAB" })
      const imported = createPublicKey({ key: { kty: key.kty, n: key.n!, e: key.e! }, format: "jwk" })
      expect(imported.asymmetricKeyType).toBe("rsa")
      expect(imported.asymmetricKeyDetails?.modulusLength).toBe(2048)
      const thumbprint = createHash("sha256").update(`{"e":"${key.e}","kty":"RSA","n":"${key.n}"}`).digest("base64url")
      expect(key.kid).toBe(thumbprint)
      // Deterministic: another fake, another workspace, the same key set.
      const again = yield* Pipeline.findOidcKeys({ workspace: "demo" }).pipe(Effect.provide(anonymously))
      expect(again.keys).toEqual(keys)
    }))

  it.effect("an unknown workspace is NotFound, to the anonymous and to Alice", () =>
    Effect.gen(function*() {
      for (const auth of [Authenticator.anonymous, alice]) {
        const provided = Effect.provide(Layer.provideMerge(auth, FakeBitbucket.layer()))
        expect(yield* Effect.flip(Pipeline.findOidcConfiguration({ workspace: "nowhere" })).pipe(provided)).toBeInstanceOf(BitbucketError.NotFound)
        expect(yield* Effect.flip(Pipeline.findOidcKeys({ workspace: "nowhere" })).pipe(provided)).toBeInstanceOf(BitbucketError.NotFound)
      }
    }))

  it.effect("no scope is needed (the documents are public); wrong credentials are still Unauthorized", () =>
    Effect.gen(function*() {
      const asToken = scopedTokens({ "no-pipeline": ["repository"] })
      const config = yield* Pipeline.findOidcConfiguration({ workspace: "demo" }).pipe(Effect.provide(asToken("no-pipeline")))
      expect(config.issuer).toContain("/workspaces/demo/")
      const wrong = Layer.provideMerge(Authenticator.apiToken({ email: "alice@example.com", token: "not-the-token" }), FakeBitbucket.layer())
      expect(yield* Effect.flip(Pipeline.findOidcKeys({ workspace: "demo" })).pipe(Effect.provide(wrong))).toBeInstanceOf(BitbucketError.Unauthorized)
    }))
})

describe("Pipelines OIDC on the wire", () => {
  it.effect("GETs the two documents under the workspace, its {uuid} one segment, and keeps fields it does not know", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/keys.json")
          ? json({ keys: [{ kty: "RSA", kid: "k1", n: "xyz", e: "AQAB", x5t: "thumb" }, { kty: "EC", crv: "P-256", x: "a", y: "b" }] })
          : json({ issuer: "https://issuer.example", jwks_uri: "https://issuer.example/keys.json", request_uri_parameter_supported: false })
      )
      const config = yield* Pipeline.findOidcConfiguration({ workspace: ACME_UUID }).pipe(Effect.provide(mock.anonymous))
      const { keys } = yield* Pipeline.findOidcKeys({ workspace: "acme" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.pathname])).toEqual([
        ["GET", "/2.0/workspaces/%7Bac0e0000-0001-4000-8000-00000000ac01%7D/pipelines-config/identity/oidc/.well-known/openid-configuration"],
        ["GET", "/2.0/workspaces/acme/pipelines-config/identity/oidc/keys.json"]
      ])
      expect(config.request_uri_parameter_supported).toBe(false)
      expect(keys[0]!.x5t).toBe("thumb")
      expect(keys[1]).toEqual({ kty: "EC", crv: "P-256", x: "a", y: "b" })
    }))

  it.effect("a document without its issuer, or keys without kty, is a DecodeError naming the field", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/keys.json") ? json({ keys: [{ kid: "k1" }] }) : json({ jwks_uri: "https://issuer.example/keys.json" })
      )
      const config = yield* Effect.flip(Pipeline.findOidcConfiguration({ workspace: "acme" })).pipe(Effect.provide(mock.anonymous))
      expect(config).toBeInstanceOf(BitbucketError.DecodeError)
      expect(config.message).toContain("issuer")
      const keys = yield* Effect.flip(Pipeline.findOidcKeys({ workspace: "acme" })).pipe(Effect.provide(mock.anonymous))
      expect(keys).toBeInstanceOf(BitbucketError.DecodeError)
      expect(keys.message).toContain("kty")
      // Nor without its jwks_uri.
      const noKeys = mockHttp(() => json({ issuer: "https://issuer.example" }))
      const withoutJwks = yield* Effect.flip(Pipeline.findOidcConfiguration({ workspace: "acme" })).pipe(Effect.provide(noKeys.anonymous))
      expect(withoutJwks.message).toContain("jwks_uri")
    }))

  it.effect("an empty workspace is InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      for (const workspace of ["", "  "]) {
        expect(yield* Effect.flip(Pipeline.findOidcConfiguration({ workspace })).pipe(Effect.provide(mock.anonymous))).toMatchObject({
          _tag: "InvalidInput",
          parameter: "workspace"
        })
        expect(yield* Effect.flip(Pipeline.findOidcKeys({ workspace })).pipe(Effect.provide(mock.anonymous))).toBeInstanceOf(BitbucketError.InvalidInput)
      }
      expect(mock.requests).toEqual([])
    }))
})

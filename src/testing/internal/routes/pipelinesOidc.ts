/**
 * The OpenID Connect identity provider of a workspace's Pipelines:
 * `GET /workspaces/{workspace}/pipelines-config/identity/oidc/.well-known/openid-configuration`
 * and `GET …/identity/oidc/keys.json`.
 *
 * What the spec leaves open is chosen as Bitbucket most plausibly does it (guesses, marked so):
 * - Access: both documents are public, like any OIDC discovery document: a cloud provider (AWS,
 *   GCP) fetches them without credentials. Anyone may read them for any workspace, a private one
 *   included, and they need no scope (`scopes.ts`); wrong credentials are still 401, as
 *   everywhere. An unknown workspace is 404.
 * - The issuer is Bitbucket's documented form, on the fake's own base URL:
 *   `{base}/workspaces/{workspace}/pipelines-config/identity/oidc`, with the workspace's slug
 *   even when it was asked for by `{uuid}` (a guess); `jwks_uri` is `{issuer}/keys.json`.
 * - The claims listed are those Bitbucket's documentation names for a step's ID token; the other
 *   fields are the usual ones of an ID-token-only provider (RS256, `public` subjects).
 * - The key set holds one RSA key, the same for every workspace (a guess: one signing key per
 *   installation), whose `kid` is its RFC 7638 thumbprint. The fake keeps no private key and
 *   issues no ID tokens: the documents are deterministic, for code that reads or caches them.
 * - Nothing here changes, so nothing is part of `FakeBitbucket.snapshot`.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>

/** The public half of the fake's signing key (RSA 2048, e = 65537), base64url. */
const RSA_N = "rBblqigbd0vthqFAYH03l_5g1_xq_eJFLGbgIpucEY09M4Xj6s9Bz2Em7imxUKHfQk4jRUr3LMyCL-pigtufrNwpsisEAWsHTiKFLAcQuZPp-xoRpXaGFbbRr44yZ9q7oxIg4EgtM2X7SM_p6iqXLvB74lO99SZn7nekzjDg_pqbTsD13bbK7UgOrAgRnJN2K3QCLMIpGDgaEwYjIzvdoe525KkUgRLjf-1nulvNgZXG13ixR3skcHi9gKyrswYDmrySoN6uj8ABBMqyByIzCeF5pUVrp9Rz3c8j6A_yw3mNDc_fe4WyPgB9leBSLohL_FQQJAo5isLdiTK4uiCRGw"
const RSA_E = "AQAB"

/** RFC 7638: the SHA-256 of the key's required members, in this order, without spaces; base64url. */
const KID = createHash("sha256").update(JSON.stringify({ e: RSA_E, kty: "RSA", n: RSA_N })).digest("base64url")

const CLAIMS = [
  "sub",
  "aud",
  "iss",
  "iat",
  "exp",
  "jti",
  "accountUuid",
  "workspaceUuid",
  "repositoryUuid",
  "pipelineUuid",
  "stepUuid",
  "branchName",
  "deploymentEnvironmentUuid"
]

export const pipelinesOidc: RouteModule = {
  name: "pipelinesOidc",
  make: (core) => {
    const { ok, seg, base } = core

    /** The workspace a route names, whoever asks (the documents are public); 404 when there is none. */
    const issuerOf = (p: Params): string => {
      const ws = core.findWorkspace(p.workspace!)
      if (ws === undefined) throw new HttpError(404, `No workspace with identifier '${p.workspace}'.`)
      return `${base}/workspaces/${seg(ws.slug)}/pipelines-config/identity/oidc`
    }

    const configuration = (ctx: Ctx, p: Params) => {
      const issuer = issuerOf(p)
      return ok(ctx, {
        issuer,
        jwks_uri: `${issuer}/keys.json`,
        subject_types_supported: ["public"],
        response_types_supported: ["id_token"],
        claims_supported: CLAIMS,
        id_token_signing_alg_values_supported: ["RS256"],
        scopes_supported: ["openid"]
      })
    }

    const keys = (ctx: Ctx, p: Params) => {
      issuerOf(p)
      return ok(ctx, { keys: [{ kty: "RSA", kid: KID, alg: "RS256", use: "sig", n: RSA_N, e: RSA_E }] })
    }

    const O = "/workspaces/:workspace/pipelines-config/identity/oidc"
    return {
      routes: [
        { path: `${O}/.well-known/openid-configuration`, GET: configuration },
        { path: `${O}/keys.json`, GET: keys }
      ]
    }
  }
}

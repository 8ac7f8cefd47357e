/**
 * The OAuth 2.0 token endpoint (`POST {oauthUrl}/access_token`) on the web origin.
 *
 * @internal
 */
import type { Core, OAuthToken } from "./core.js"
import { decodeBase64, jsonResponse, oauthError } from "./core.js"
import type { SeedOAuthConsumer } from "./seed.js"

/** Builds the token endpoint over the core's consumers and tokens. */
export const makeOAuth = (core: Core) => {
  const { consumers, oauthTokens, authCodes } = core.store
  const seed = core.seed
  const oauthPath = core.oauthPath

  const issueToken = (consumer: SeedOAuthConsumer, owner: string, grant: string, nowMs: number, refreshToken?: string) => {
    const counter = core.nextId()
    const ttl = consumer.tokenTtlSeconds ?? seed.oauthTokenTtlSeconds ?? 7200
    const token: OAuthToken = {
      accessToken: `fake-oauth-access-${counter}-${nowMs.toString(36)}`,
      refreshToken: refreshToken ?? `fake-oauth-refresh-${counter}`,
      consumer: consumer.key,
      owner,
      scopes: consumer.scopes ?? [],
      expiresAt: nowMs + ttl * 1000
    }
    oauthTokens.push(token)
    return jsonResponse(200, {
      access_token: token.accessToken,
      scopes: token.scopes.join(" "),
      expires_in: ttl,
      token_type: "bearer",
      state: grant,
      refresh_token: token.refreshToken
    })
  }

  const oauth = (ctx: { method: string; url: URL; headers: Headers; body: string }, nowMs: number): Response => {
    const rest = ctx.url.pathname.slice(oauthPath.length)
    if (rest !== "/access_token") return jsonResponse(404, { error: "not_found", error_description: "Unknown OAuth endpoint." })
    if (ctx.method !== "POST") return oauthError(405, "invalid_request", "The token endpoint only accepts POST.")
    const contentType = ctx.headers.get("content-type") ?? ""
    if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "Expected an application/x-www-form-urlencoded body.")
    }
    const form = new URLSearchParams(ctx.body)
    let clientId = form.get("client_id") ?? undefined
    let clientSecret = form.get("client_secret") ?? undefined
    const header = ctx.headers.get("authorization")
    let viaHeader = false
    if (header !== null) {
      const match = /^basic\s+(.+)$/i.exec(header.trim())
      if (match === null) return oauthError(401, "invalid_client", "Client authentication must use HTTP Basic.")
      const decoded = decodeBase64(match[1]!)
      const colon = decoded.indexOf(":")
      clientId = colon < 0 ? decoded : decoded.slice(0, colon)
      clientSecret = colon < 0 ? "" : decoded.slice(colon + 1)
      viaHeader = true
    }
    const consumer = consumers.find((c) => c.key === clientId && c.secret === clientSecret)
    if (consumer === undefined) {
      return oauthError(viaHeader ? 401 : 400, "invalid_client", "Invalid OAuth client credentials")
    }
    const grant = form.get("grant_type")
    switch (grant) {
      case "client_credentials":
        return issueToken(consumer, consumer.owner, grant, nowMs)
      case "refresh_token": {
        const refresh = form.get("refresh_token")
        const previous = oauthTokens.find((t) => t.refreshToken === refresh && t.consumer === consumer.key)
        if (previous === undefined) return oauthError(400, "invalid_grant", "Invalid refresh_token")
        return issueToken(consumer, previous.owner, grant, nowMs, previous.refreshToken)
      }
      case "authorization_code": {
        const code = form.get("code") ?? ""
        const entry = authCodes.get(code)
        if (entry === undefined || entry.consumer !== consumer.key) {
          return oauthError(400, "invalid_grant", "The authorization code is invalid or has expired.")
        }
        authCodes.delete(code)
        return issueToken(consumer, entry.user, grant, nowMs)
      }
      case null:
        return oauthError(400, "invalid_request", "Missing grant_type.")
      default:
        return oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`)
    }
  }

  // -------------------------------------------------------------------------------------------

  return oauth
}

/**
 * The `Authenticator` service: it turns an unauthenticated request into an authenticated one.
 *
 * Pick a layer for your credentials, or write your own in a few lines with {@link make}. The
 * pipeline calls the authenticator only for requests bound to the configured base URL's origin,
 * so credentials never travel to another host.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 * import { Authenticator, Repository } from "effect-bitbucket"
 *
 * const program = Repository.find({ workspace: "acme", repo_slug: "api" })
 *
 * program.pipe(
 *   Effect.provide(Authenticator.apiToken({ email: "me@example.com", token: Redacted.make("...") })),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Config, ConfigError, Context, Effect, Fiber, Layer, Option, Redacted, Schema, SynchronizedRef } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import { basicAuthorization, sendForm } from "./internal/oauth.js"
import { baseUrlProblem } from "./internal/url.js"

/**
 * A secret given as a plain string or, better, as a `Redacted` (what `Config.redacted` reads).
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = string | Redacted.Redacted<string>

const redact = (secret: Secret): Redacted.Redacted<string> =>
  Redacted.isRedacted(secret) ? secret : Redacted.make(secret)

/**
 * What an authenticator does.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Adds credentials to a request bound for the Bitbucket API. */
  readonly authenticate: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<HttpClientRequest.HttpClientRequest, BitbucketError.BitbucketError>
  /**
   * Called once when Bitbucket answered 401 to `rejected`. Answer `true` when the credentials were
   * renewed and the request is worth sending again (an expired OAuth token), `false` otherwise.
   */
  readonly onUnauthorized: (rejected: HttpClientRequest.HttpClientRequest) => Effect.Effect<boolean>
}

/**
 * The Authenticator service tag.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const program = Effect.gen(function* () {
 *   const auth = yield* Authenticator.Authenticator
 *   return auth
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Authenticator extends Context.Tag("effect-bitbucket/Authenticator")<Authenticator, Service>() {}

/**
 * Builds a service from an `authenticate` function; `onUnauthorized` defaults to "do not retry".
 * This is how you plug in your own credential source (a vault, a token broker).
 *
 * @example
 * ```ts
 * import { HttpClientRequest } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * declare const fetchTokenFromVault: Effect.Effect<string>
 *
 * const VaultAuth = Layer.succeed(
 *   Authenticator.Authenticator,
 *   Authenticator.make({
 *     authenticate: (request) =>
 *       Effect.map(fetchTokenFromVault, (token) => HttpClientRequest.bearerToken(request, token))
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly authenticate: Service["authenticate"]
  readonly onUnauthorized?: Service["onUnauthorized"] | undefined
}): Service => ({
  authenticate: options.authenticate,
  onUnauthorized: options.onUnauthorized ?? (() => Effect.succeed(false))
})

const fromRequestMapper = (f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest) =>
  Layer.succeed(Authenticator, make({ authenticate: (request) => Effect.succeed(f(request)) }))

/**
 * No credentials: public resources only (and Bitbucket's lower anonymous rate limit).
 *
 * @example
 * ```ts
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Anonymous = Authenticator.anonymous
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const anonymous: Layer.Layer<Authenticator> = fromRequestMapper((request) => request)

/**
 * HTTP Basic with a username and password: Bitbucket's legacy app passwords (switched off by
 * Bitbucket in 2026), or any Basic credential a proxy expects. Prefer {@link apiToken}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Legacy = Authenticator.basic({ username: "alice", password: Redacted.make("app-password") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const basic = (options: { readonly username: string; readonly password: Secret }): Layer.Layer<Authenticator> => {
  // UTF-8, computed once; `HttpClientRequest.basicAuth` would die on characters outside Latin-1.
  const header = basicAuthorization(options.username, redact(options.password))
  return fromRequestMapper((request) => HttpClientRequest.setHeader(request, "Authorization", Redacted.value(header)))
}

/**
 * An Atlassian API token: HTTP Basic with your Atlassian account email and the token.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Auth = Authenticator.apiToken({ email: "me@example.com", token: Redacted.make("ATATT...") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const apiToken = (options: { readonly email: string; readonly token: Secret }): Layer.Layer<Authenticator> =>
  basic({ username: options.email, password: options.token })

/**
 * A ready bearer token: a repository, project or workspace access token, or an OAuth access
 * token you obtained yourself.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Auth = Authenticator.accessToken({ token: Redacted.make("repository-access-token") })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const accessToken = (options: { readonly token: Secret }): Layer.Layer<Authenticator> => {
  const token = redact(options.token)
  return fromRequestMapper((request) => HttpClientRequest.bearerToken(request, token))
}

/**
 * Where Bitbucket's OAuth 2.0 endpoints live.
 *
 * @since 0.1.0
 * @category constants
 */
export const oauth2Urls = {
  authorize: "https://bitbucket.org/site/oauth2/authorize",
  token: "https://bitbucket.org/site/oauth2/access_token"
} as const

/**
 * The token endpoint's answer. Secrets are `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuth2Token {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Option.Option<Redacted.Redacted<string>>
  /** Lifetime in seconds, as the endpoint said. */
  readonly expiresIn: number
  readonly scopes: Option.Option<string>
  readonly tokenType: string
}

const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.optionalWith(Schema.String, { default: () => "bearer" }),
  expires_in: Schema.optionalWith(Schema.Number, { default: () => 3600 }),
  refresh_token: Schema.optional(Schema.String),
  scopes: Schema.optional(Schema.String)
})

const toToken = (response: typeof TokenResponse.Type): OAuth2Token => ({
  accessToken: Redacted.make(response.access_token),
  refreshToken: Option.map(Option.fromNullable(response.refresh_token), Redacted.make),
  expiresIn: response.expires_in,
  scopes: Option.fromNullable(response.scopes),
  tokenType: response.token_type
})

/**
 * The OAuth 2.0 client (consumer) credentials, and where the token endpoint is.
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuth2Client {
  readonly clientId: string
  readonly clientSecret: Secret
  /** Token endpoint: https, or http on loopback only (else `InvalidInput`). Default {@link oauth2Urls}`.token`. */
  readonly tokenUrl?: string | undefined
}

/**
 * Calls the token endpoint with a grant (form body, client authenticated with HTTP Basic). The
 * grant's values may be `Redacted` (a refresh token, an authorization code).
 *
 * @example
 * ```ts
 * import { Authenticator } from "effect-bitbucket"
 *
 * const token = Authenticator.requestToken(
 *   { clientId: "id", clientSecret: "secret" },
 *   { grant_type: "client_credentials" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category oauth2
 */
export const requestToken = Effect.fn("Bitbucket.Authenticator.requestToken")(function*(
  client: OAuth2Client,
  grant: Readonly<Record<string, Secret>>
) {
  // The client secret and the grant go to the token URL: never over plain http (loopback aside).
  const problem = client.tokenUrl === undefined ? undefined : baseUrlProblem(client.tokenUrl, "tokenUrl")
  if (problem !== undefined) return yield* new BitbucketError.InvalidInput({ message: problem, parameter: "tokenUrl" })
  const http = yield* HttpClient.HttpClient
  const response = yield* sendForm(http, {
    url: client.tokenUrl ?? oauth2Urls.token,
    username: client.clientId,
    password: redact(client.clientSecret),
    // Secrets of the grant (a refresh token, a code) stay Redacted until the body is built.
    form: Object.fromEntries(Object.entries(grant).map(([name, value]) => [name, Redacted.value(redact(value))])),
    schema: TokenResponse
  })
  return toToken(response)
})

/**
 * The URL to send a user to for the authorization-code grant.
 *
 * @example
 * ```ts
 * import { Authenticator } from "effect-bitbucket"
 *
 * const url = Authenticator.authorizeUrl({ clientId: "my-consumer-key", state: "xyz" })
 * // https://bitbucket.org/site/oauth2/authorize?client_id=my-consumer-key&response_type=code&state=xyz
 * ```
 *
 * @since 0.1.0
 * @category oauth2
 */
export const authorizeUrl = (options: {
  readonly clientId: string
  readonly state?: string | undefined
  readonly redirectUri?: string | undefined
  readonly authorizeUrl?: string | undefined
}): string => {
  const url = new URL(options.authorizeUrl ?? oauth2Urls.authorize)
  url.searchParams.set("client_id", options.clientId)
  url.searchParams.set("response_type", "code")
  if (options.state !== undefined) url.searchParams.set("state", options.state)
  if (options.redirectUri !== undefined) url.searchParams.set("redirect_uri", options.redirectUri)
  return url.toString()
}

/**
 * Exchanges an authorization code (from the redirect after {@link authorizeUrl}) for tokens.
 * Feed the refresh token to {@link oauth2RefreshToken}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * // The refresh token (an Option of a Redacted), to keep and to start oauth2RefreshToken from.
 * const refreshToken = Effect.map(
 *   Authenticator.exchangeCode({ clientId: "id", clientSecret: "secret", code: "code-from-redirect" }),
 *   (token) => token.refreshToken
 * )
 * ```
 *
 * @since 0.1.0
 * @category oauth2
 */
export const exchangeCode = Effect.fn("Bitbucket.Authenticator.exchangeCode")(function*(
  options: OAuth2Client & { readonly code: Secret; readonly redirectUri?: string | undefined }
) {
  return yield* requestToken(options, {
    grant_type: "authorization_code",
    code: options.code,
    ...(options.redirectUri === undefined ? {} : { redirect_uri: options.redirectUri })
  })
})

interface CachedToken {
  readonly header: Redacted.Redacted<string>
  /** When to renew it (epoch millis): `refreshSkew` before it expires, or half-way through a shorter life. */
  readonly renewAt: number
}

interface OAuthState {
  readonly grant: Readonly<Record<string, Secret>>
  readonly token: Option.Option<CachedToken>
  /** The renewal in flight, which every caller needing a token waits on. */
  readonly renewal: Option.Option<Fiber.Fiber<Redacted.Redacted<string>, BitbucketError.BitbucketError>>
}

const oauth2Layer = (
  client: OAuth2Client & { readonly refreshSkew?: number | undefined },
  initialGrant: Readonly<Record<string, Secret>>,
  nextGrant: (token: OAuth2Token, previous: Readonly<Record<string, Secret>>) => Readonly<Record<string, Secret>>
): Layer.Layer<Authenticator, never, HttpClient.HttpClient> =>
  Layer.scoped(
    Authenticator,
    Effect.gen(function*() {
      const http = yield* HttpClient.HttpClient
      const scope = yield* Effect.scope
      const skewMillis = (client.refreshSkew ?? 60) * 1000
      const state = yield* SynchronizedRef.make<OAuthState>({ grant: initialGrant, token: Option.none(), renewal: Option.none() })
      // A renewal runs in a fiber of the layer's own: a caller that stops waiting (its own timeout,
      // a stream cut short) does not cut it off, so the new tokens are kept even when the server
      // has already spent the old refresh token. The layer's end interrupts it.
      const renew = (grant: Readonly<Record<string, Secret>>) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const token = yield* requestToken(client, grant).pipe(Effect.provideService(HttpClient.HttpClient, http))
          // A token living no longer than the skew would be renewed on every request: it is renewed
          // half-way through its life instead.
          const lifetime = Math.max(0, token.expiresIn * 1000)
          const cached: CachedToken = {
            header: Redacted.make(`Bearer ${Redacted.value(token.accessToken)}`),
            renewAt: now + lifetime - Math.min(skewMillis, lifetime / 2)
          }
          yield* SynchronizedRef.set(state, { grant: nextGrant(token, grant), token: Option.some(cached), renewal: Option.none() })
          return cached.header
        }).pipe(Effect.onError(() => SynchronizedRef.update(state, (s) => ({ ...s, renewal: Option.none() }))))
      const current = Effect.flatten(SynchronizedRef.modifyEffect(state, (s) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          if (Option.isSome(s.token) && now < s.token.value.renewAt) {
            return [Effect.succeed(s.token.value.header), s] as const
          }
          const renewal = Option.isSome(s.renewal) ? s.renewal.value : yield* Effect.forkIn(renew(s.grant), scope)
          return [Effect.flatten(Fiber.await(renewal)), { ...s, renewal: Option.some(renewal) }] as const
        })))
      return make({
        authenticate: (request) =>
          Effect.map(current, (header) => HttpClientRequest.setHeader(request, "Authorization", Redacted.value(header))),
        onUnauthorized: (rejected) =>
          SynchronizedRef.modify(state, (s) => {
            const sent = rejected.headers["authorization"]
            // Drop the token only if it is the one that was rejected: when ten requests fail
            // together, the first drops it and the others reuse the renewed one.
            const stale = Option.isSome(s.token) && Redacted.value(s.token.value.header) === sent
            return [true, stale ? { ...s, token: Option.none() } : s] as const
          })
      })
    })
  )

/**
 * OAuth 2.0 client credentials grant: the layer gets a token from the token endpoint, caches it,
 * renews it shortly before it expires and once after a 401. Concurrent requests share one renewal.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Auth = Authenticator.oauth2ClientCredentials({
 *   clientId: "consumer-key",
 *   clientSecret: Redacted.make("consumer-secret")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const oauth2ClientCredentials = (
  options: OAuth2Client & {
    /** Renew this many seconds before expiry (at most half of the token's life). Default 60. */
    readonly refreshSkew?: number | undefined
  }
): Layer.Layer<Authenticator, never, HttpClient.HttpClient> =>
  oauth2Layer(options, { grant_type: "client_credentials" }, (_, previous) => previous)

/**
 * OAuth 2.0 refresh token grant: like {@link oauth2ClientCredentials}, starting from a refresh
 * token (e.g. from {@link exchangeCode}); a rotated refresh token is kept for the next renewal.
 * A renewal runs to its end even when the request that started it stops waiting (its own timeout,
 * a stream cut short), so a refresh token the server has already spent is never kept in place of
 * the new one.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Authenticator } from "effect-bitbucket"
 *
 * const Auth = Authenticator.oauth2RefreshToken({
 *   clientId: "consumer-key",
 *   clientSecret: Redacted.make("consumer-secret"),
 *   refreshToken: Redacted.make("refresh-token")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const oauth2RefreshToken = (
  options: OAuth2Client & { readonly refreshToken: Secret; readonly refreshSkew?: number | undefined }
): Layer.Layer<Authenticator, never, HttpClient.HttpClient> =>
  oauth2Layer(
    options,
    { grant_type: "refresh_token", refresh_token: redact(options.refreshToken) },
    (token, previous) =>
      Option.match(token.refreshToken, {
        onNone: () => previous,
        onSome: (refresh) => ({ grant_type: "refresh_token", refresh_token: refresh })
      })
  )

/**
 * Chooses credentials from configuration (environment variables by default), first match wins:
 *
 * 1. `BITBUCKET_ACCESS_TOKEN`: {@link accessToken}
 * 2. `BITBUCKET_EMAIL` + `BITBUCKET_API_TOKEN`: {@link apiToken}
 * 3. `BITBUCKET_USERNAME` + `BITBUCKET_APP_PASSWORD`: {@link basic}
 * 4. `BITBUCKET_CLIENT_ID` + `BITBUCKET_CLIENT_SECRET` (+ `BITBUCKET_REFRESH_TOKEN`):
 *    {@link oauth2RefreshToken} or {@link oauth2ClientCredentials}
 * 5. otherwise {@link anonymous}
 *
 * Secrets are read with `Config.redacted`. Values are trimmed, and an empty or blank variable
 * counts as unset. Half of a pair (say `BITBUCKET_EMAIL` without `BITBUCKET_API_TOKEN`) with no
 * complete set fails with a `ConfigError` naming the missing variable, instead of going anonymous.
 * `BITBUCKET_OAUTH_TOKEN_URL` (optional) replaces Bitbucket's OAuth token endpoint, for a proxy
 * or a local fake.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { Authenticator, Repository } from "effect-bitbucket"
 *
 * Repository.find({ workspace: "acme", repo_slug: "api" }).pipe(
 *   Effect.provide(Authenticator.layerConfig),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Authenticator, ConfigError.ConfigError, HttpClient.HttpClient> = Layer.unwrapEffect(
  Effect.gen(function*() {
    // An empty (or blank) variable counts as unset: CI systems export a missing secret as "", and
    // it must not shadow the credentials further down the list (or send `Bearer ` with nothing).
    // Values are trimmed: a secret pasted with its newline must not become a 401.
    const opt = <A>(config: Config.Config<A>, trim: (a: A) => A, value: (a: A) => string) =>
      Effect.map(
        Effect.orElseSucceed(Config.option(config), () => Option.none<A>()),
        (found) => Option.filter(Option.map(found, trim), (a) => value(a).length > 0)
      )
    const str = (name: string) => opt(Config.string(name), (s) => s.trim(), (s) => s)
    const secret = (name: string) => opt(Config.redacted(name), (r) => Redacted.make(Redacted.value(r).trim()), Redacted.value)
    const accessTokenValue = yield* secret("BITBUCKET_ACCESS_TOKEN")
    if (Option.isSome(accessTokenValue)) return accessToken({ token: accessTokenValue.value })
    const email = yield* str("BITBUCKET_EMAIL")
    const token = yield* secret("BITBUCKET_API_TOKEN")
    if (Option.isSome(email) && Option.isSome(token)) return apiToken({ email: email.value, token: token.value })
    const username = yield* str("BITBUCKET_USERNAME")
    const password = yield* secret("BITBUCKET_APP_PASSWORD")
    if (Option.isSome(username) && Option.isSome(password)) {
      return basic({ username: username.value, password: password.value })
    }
    const clientId = yield* str("BITBUCKET_CLIENT_ID")
    const clientSecret = yield* secret("BITBUCKET_CLIENT_SECRET")
    if (Option.isSome(clientId) && Option.isSome(clientSecret)) {
      const refreshToken = yield* secret("BITBUCKET_REFRESH_TOKEN")
      const tokenUrl = yield* str("BITBUCKET_OAUTH_TOKEN_URL")
      if (Option.isSome(tokenUrl)) {
        const problem = baseUrlProblem(tokenUrl.value, "BITBUCKET_OAUTH_TOKEN_URL")
        if (problem !== undefined) return yield* Effect.fail(ConfigError.InvalidData(["BITBUCKET_OAUTH_TOKEN_URL"], problem))
      }
      const client = { clientId: clientId.value, clientSecret: clientSecret.value, tokenUrl: Option.getOrUndefined(tokenUrl) }
      return Option.isSome(refreshToken)
        ? oauth2RefreshToken({ ...client, refreshToken: refreshToken.value })
        : oauth2ClientCredentials(client)
    }
    // Half a pair and nothing complete: say which variable is missing rather than go anonymous.
    const halves: ReadonlyArray<readonly [boolean, boolean, string, string]> = [
      [Option.isSome(email), Option.isSome(token), "BITBUCKET_EMAIL", "BITBUCKET_API_TOKEN"],
      [Option.isSome(username), Option.isSome(password), "BITBUCKET_USERNAME", "BITBUCKET_APP_PASSWORD"],
      [Option.isSome(clientId), Option.isSome(clientSecret), "BITBUCKET_CLIENT_ID", "BITBUCKET_CLIENT_SECRET"]
    ]
    for (const [a, b, nameA, nameB] of halves) {
      if (a !== b) {
        const [present, missing] = a ? [nameA, nameB] : [nameB, nameA]
        return yield* Effect.fail(ConfigError.MissingData([missing], `${present} is set but ${missing} is not: set both, or neither`))
      }
    }
    // The OAuth client's extras without the client: the token would never be used.
    for (const name of ["BITBUCKET_REFRESH_TOKEN", "BITBUCKET_OAUTH_TOKEN_URL"]) {
      if (Option.isSome(yield* str(name))) {
        return yield* Effect.fail(
          ConfigError.MissingData(["BITBUCKET_CLIENT_ID"], `${name} is set but BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET are not: an OAuth grant needs its client`)
        )
      }
    }
    return anonymous
  })
)

/**
 * The OAuth 2.0 token request: a form POST to the token endpoint with the client's Basic auth.
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Duration, Effect, FiberRef, Option, Redacted, type Schema } from "effect"
import { BitbucketConfig, type Settings } from "../BitbucketConfig.js"
import * as BitbucketError from "../BitbucketError.js"
import { clientFailure, displayUrl, parseRetryAfter, redactError, secretsOf, statusError } from "./errors.js"
import { backoff, decode, parseJson, type Received } from "./http.js"
import { currentDeadline, within } from "./timeout.js"

/**
 * The `Authorization` value for HTTP Basic, with `user:password` encoded as UTF-8 (RFC 7617).
 * `HttpClientRequest.basicAuth` uses `btoa` on the raw string, which throws (a defect, not a typed
 * error) for any character outside Latin-1 and encodes é and friends as Latin-1 bytes.
 */
export const basicAuthorization = (username: string, password: Redacted.Redacted<string>): Redacted.Redacted<string> => {
  const bytes = new TextEncoder().encode(`${username}:${Redacted.value(password)}`)
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return Redacted.make(`Basic ${btoa(binary)}`)
}

/**
 * Did the token endpoint refuse the credentials (RFC 6749: `invalid_grant`, `invalid_client`,
 * `unauthorized_client`, or a 401)? Then the failure is `Unauthorized`; another 400
 * (`unsupported_grant_type`, `invalid_request`, `invalid_scope`) is the request's fault, `BadRequest`.
 */
const credentialsRefused = (received: Received): boolean => {
  if (received.status !== 400) return false
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(received.body))
    const code = typeof body === "object" && body !== null && "error" in body ? body.error : undefined
    return code === "invalid_grant" || code === "invalid_client" || code === "unauthorized_client"
  } catch {
    return false
  }
}

/** Form fields of a token request that carry a secret (not `grant_type`, `scope`, `redirect_uri`). */
const secretFormFields: ReadonlySet<string> = new Set(["refresh_token", "code", "code_verifier", "client_secret", "password", "assertion"])

export const sendForm = <A, I>(
  http: HttpClient.HttpClient,
  options: {
    readonly url: string
    readonly username: string
    readonly password: Redacted.Redacted<string>
    readonly form: Readonly<Record<string, string>>
    readonly schema: Schema.Schema<A, I>
  }
): Effect.Effect<A, BitbucketError.BitbucketError> => {
  // What no error may show: the client's credentials and the grant's own secrets.
  const secrets = [
    ...secretsOf(Redacted.value(basicAuthorization(options.username, options.password))),
    ...Object.entries(options.form).filter(([name]) => secretFormFields.has(name)).map(([, value]) => value)
  ]
  const request = HttpClientRequest.post(options.url).pipe(
    HttpClientRequest.setHeader("Authorization", Redacted.value(basicAuthorization(options.username, options.password))),
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUrlParams(options.form)
  )
  // The same per-attempt timeout as API requests: every API call waits on the token, so a token
  // endpoint that never answers must not hang them all.
  // A redirect is not followed (fetch would resend the grant, or follow it as a GET to another
  // origin and take that origin's answer for a token): it fails as UnexpectedStatus.
  const exchange = (settings: Settings) =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
      Effect.provideService(http.execute(request), FetchHttpClient.RequestInit, { ...Option.getOrElse(init, () => ({})), redirect: "manual" })).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.arrayBuffer, (buffer): Received => ({
          method: "POST",
          url: options.url,
          status: response.status,
          headers: response.headers,
          body: new Uint8Array(buffer)
        }))
      ),
      (self) => within(self, Duration.toMillis(settings.timeout)),
      Effect.mapError((error) =>
        new BitbucketError.TransportError({
          message: error === "timeout"
            ? `POST ${displayUrl(options.url)} (OAuth token request) timed out after ${Duration.format(settings.timeout)}`
            : `POST ${displayUrl(options.url)} (OAuth token request) ${clientFailure(error, secrets)}`,
          method: "POST",
          url: displayUrl(options.url),
          reason: error === "timeout" ? "Timeout" : "Transport"
        })
      )
    )
  // A 429 means the grant was refused, not used: retried like any refused request. Nothing else is
  // retried here, since a rotated refresh token may already have been spent.
  const withRetries = Effect.gen(function*() {
    const settings = yield* BitbucketConfig
    const started = yield* Clock.currentTimeMillis
    for (let retries = 0;; retries++) {
      const received = yield* exchange(settings)
      if (received.status !== 429) return received
      const now = yield* Clock.currentTimeMillis
      const delay = yield* backoff(settings.retry, retries, 429, parseRetryAfter(received.headers["retry-after"], now))
      // Nor past the deadline of the request this token is for (see currentDeadline).
      const deadline = yield* FiberRef.get(currentDeadline)
      if (
        retries >= settings.retry.maxRetries || now + delay - started > Duration.toMillis(settings.retry.maxElapsed) ||
        now + delay >= deadline
      ) {
        return received
      }
      yield* Effect.sleep(Duration.millis(delay))
    }
  })
  return withRetries.pipe(
    Effect.flatMap((received): Effect.Effect<A, BitbucketError.BitbucketError> =>
      received.status >= 200 && received.status < 300
        ? Effect.mapError(Effect.flatMap(parseJson(received), (value) => decode(options.schema, value, received)), (error) => redactError(error, secrets))
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.fail(
            received.status >= 300 && received.status < 400
              ? new BitbucketError.UnexpectedStatus({
                message: `POST ${displayUrl(options.url)} (OAuth token request) answered ${received.status}, a redirect, which is not followed: check the token URL`,
                method: "POST",
                url: displayUrl(options.url),
                status: received.status
              })
              : statusError({
              method: "POST",
              url: options.url,
              status: received.status,
              treatAs: credentialsRefused(received) ? 401 : undefined,
              body: new TextDecoder().decode(received.body),
              // A 429's RateLimited says when to come back, as the API's do.
              retryAfter: parseRetryAfter(received.headers["retry-after"], now),
              secrets
            })
          ))
    )
  )
}

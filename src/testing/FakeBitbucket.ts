/**
 * An in-memory fake of Bitbucket Cloud (REST API 2.0 and the OAuth 2.0 token endpoint).
 *
 * The fake is an independent model of Bitbucket: it shares no code with the client library, so a
 * client bug cannot hide behind it. Its heart is {@link FakeBitbucket.handle}, a handler over
 * web-standard `Request`/`Response` objects; {@link client} wraps it as an `HttpClient` and
 * {@link layer} provides both.
 *
 * Decisions worth knowing:
 * - A private workspace or repository the caller cannot read answers **404** to the anonymous and
 *   **403** to an authenticated caller (with Bitbucket's error body).
 * - Wrong, unknown or expired credentials answer 401 on every API endpoint, even public ones.
 * - `fields` with a bare list keeps only what is listed, also on pages: `fields=values.name` drops
 *   `next`, `size`, … (ask for them: `fields=values.name,next`).
 * - Creating a repository that exists answers 400 `Repository with this Slug and Owner already exists.`;
 *   `PUT` on a missing repository creates it (201 with `Location`).
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { makeServer } from "./internal/server.js"
import type { RecordedRequest } from "./internal/server.js"
import { defaultSeed } from "./internal/seed.js"
import type { Seed } from "./internal/seed.js"

export type { RecordedRequest } from "./internal/server.js"
export type {
  Seed,
  SeedAccessToken,
  SeedMember,
  SeedOAuthConsumer,
  SeedProject,
  SeedRepository,
  SeedUser,
  SeedWorkspace,
  UserRef
} from "./internal/seed.js"
export { defaultSeed } from "./internal/seed.js"

/**
 * A running fake Bitbucket.
 *
 * @example
 * ```ts
 * const fake = yield* FakeBitbucket.make()
 * const response = yield* fake.handle(new Request(`${fake.baseUrl}/repositories/demo`))
 * const log = yield* fake.requests // one entry
 * ```
 * @since 0.1.0
 */
export interface FakeBitbucket {
  /** The API base URL, e.g. `https://api.bitbucket.org/2.0` (no trailing slash). */
  readonly baseUrl: string
  /** The OAuth base URL, e.g. `https://bitbucket.org/site/oauth2`; the token endpoint is `${oauthUrl}/access_token`. */
  readonly oauthUrl: string
  /** Answers one request, as Bitbucket would. Never fails; records the request. */
  readonly handle: (request: Request) => Effect.Effect<Response>
  /** Every request received so far (including refused requests to foreign hosts made through {@link client}). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Empties the request log. */
  readonly clearRequests: Effect.Effect<void>
  /** Adds an entry to the request log (for transports that refuse a request before `handle`). */
  readonly record: (request: RecordedRequest) => Effect.Effect<void>
  /** The current data, in seed form (a deep copy: created, updated and deleted repositories show). */
  readonly snapshot: Effect.Effect<Seed>
  /**
   * Creates a single-use OAuth authorization code for `clientId` on behalf of `user`
   * (a uuid, account_id or email), for `grant_type=authorization_code`. Dies on an unknown
   * client or user.
   */
  readonly createAuthorizationCode: (clientId: string, user: string) => Effect.Effect<string>
}

/**
 * The tag of the running fake, provided by {@link layer}.
 *
 * @example
 * ```ts
 * const fake = yield* FakeBitbucket.FakeBitbucket
 * expect((yield* fake.requests).length).toBe(1)
 * ```
 * @since 0.1.0
 */
export const FakeBitbucket: Context.Tag<FakeBitbucket, FakeBitbucket> = Context.GenericTag<FakeBitbucket>(
  "effect-bitbucket/testing/FakeBitbucket"
)

/**
 * Options of {@link make} and {@link layer}.
 *
 * @example
 * ```ts
 * const options: FakeBitbucket.Options = { seed: FakeBitbucket.defaultSeed, baseUrl: "http://127.0.0.1:8080/2.0" }
 * ```
 * @since 0.1.0
 */
export interface Options {
  /** Default {@link defaultSeed}. */
  readonly seed?: Seed
  /** Default `https://api.bitbucket.org/2.0`. */
  readonly baseUrl?: string
  /** Default `https://bitbucket.org/site/oauth2`. */
  readonly oauthUrl?: string
}

/**
 * Creates a fake Bitbucket with its own copy of the seed.
 *
 * @example
 * ```ts
 * const fake = yield* FakeBitbucket.make({ seed: { ...FakeBitbucket.defaultSeed, oauthTokenTtlSeconds: 5 } })
 * ```
 * @since 0.1.0
 */
export const make = (options: Options = {}): Effect.Effect<FakeBitbucket> =>
  Effect.sync(() => {
    const server = makeServer({
      seed: options.seed ?? defaultSeed,
      baseUrl: options.baseUrl ?? "https://api.bitbucket.org/2.0",
      oauthUrl: options.oauthUrl ?? "https://bitbucket.org/site/oauth2"
    })
    const fake: FakeBitbucket = {
      baseUrl: server.baseUrl,
      oauthUrl: server.oauthUrl,
      handle: server.handle,
      requests: server.requests,
      clearRequests: server.clearRequests,
      record: server.record,
      snapshot: server.snapshot,
      createAuthorizationCode: server.createAuthorizationCode
    }
    return fake
  })

const concat = (chunks: Chunk.Chunk<Uint8Array>): Uint8Array<ArrayBuffer> => {
  const total = Chunk.reduce(chunks, 0, (n, c) => n + c.length)
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const bodyInit = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<BodyInit | undefined, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(undefined)
    case "Raw":
      return Effect.succeed(
        typeof body.body === "string" || body.body instanceof Uint8Array || body.body instanceof ArrayBuffer ||
          body.body instanceof Blob || body.body instanceof FormData || body.body instanceof URLSearchParams ||
          body.body instanceof ReadableStream
          ? body.body as BodyInit
          : String(body.body)
      )
    case "Uint8Array":
      return Effect.succeed(new Uint8Array(body.body))
    case "FormData":
      return Effect.succeed(body.formData)
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map(concat),
        Effect.mapError((cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }))
      )
  }
}

const headersRecord = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

/**
 * An `HttpClient` that sends requests to the fake in memory. Requests to any origin other than the
 * fake's API and OAuth origins are recorded and then fail with a `RequestError` of reason
 * `"Transport"`. Redirects are not followed.
 *
 * @example
 * ```ts
 * const fake = yield* FakeBitbucket.make()
 * const http = FakeBitbucket.client(fake)
 * const response = yield* http.get(`${fake.baseUrl}/repositories/demo`)
 * ```
 * @since 0.1.0
 */
export const client = (fake: FakeBitbucket): HttpClient.HttpClient => {
  const origins = new Set([new URL(fake.baseUrl).origin, new URL(fake.oauthUrl).origin])
  return HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = yield* bodyInit(request)
      const headers = new globalThis.Headers()
      for (const [key, value] of Object.entries(request.headers)) {
        if (key.toLowerCase() !== "content-length") headers.set(key, value)
      }
      const webRequest = yield* Effect.try({
        try: () =>
          new Request(url.toString(), {
            method: request.method,
            headers,
            body: request.method === "GET" || request.method === "HEAD" ? undefined : body ?? null,
            redirect: "manual"
          }),
        catch: (cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause })
      })
      if (!origins.has(url.origin)) {
        const text = yield* Effect.promise(() => webRequest.text())
        yield* fake.record({ method: webRequest.method, url: webRequest.url, headers: headersRecord(webRequest.headers), body: text })
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: `FakeBitbucket refuses requests to foreign host ${url.host}`
        })
      }
      const response = yield* fake.handle(webRequest)
      return HttpClientResponse.fromWeb(request, response)
    })
  )
}

/**
 * Provides a fresh fake and an `HttpClient` connected to it.
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 *
 * it.effect("lists repositories", () =>
 *   Effect.gen(function*() {
 *     const http = yield* HttpClient.HttpClient
 *     const response = yield* http.get("https://api.bitbucket.org/2.0/repositories/demo")
 *   }).pipe(Effect.provide(FakeBitbucket.layer())))
 * ```
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | FakeBitbucket> =>
  Layer.effectContext(
    Effect.map(make(options), (fake) =>
      Context.make(FakeBitbucket, fake).pipe(Context.add(HttpClient.HttpClient, client(fake))))
  )

import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Duration, Effect, Exit, Fiber, Layer, Option, Redacted, Schema, Stream, TestClock } from "effect"
import { Authenticator, BitbucketConfig, Pagination, Repository } from "../src/index.js"
import * as Http from "../src/internal/http.js"
import { errorBody, json, mockHttp, type Recorded, type Reply, text } from "./support/mockHttp.js"

const TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token"
const API_HOST = "api.bitbucket.org"
const repo = { type: "repository", full_name: "demo/x", name: "x" }
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const find = Repository.find({ workspace: "demo", repo_slug: "x" })

const isTokenRequest = (r: Recorded) => r.url.href === TOKEN_URL
const authorization = (r: Recorded | undefined) => r?.headers["authorization"]

/** A real (not TestClock) pause: lets every concurrent fiber reach its point of waiting. */
const realPause = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/**
 * A mock Bitbucket with a token endpoint and an API. `token(n)` answers the n-th token request
 * (from 0), `api(request, n)` the n-th API request. Also records the body content type of every
 * request (the mock itself only sees headers; a real client sends `body.contentType`).
 */
const bitbucket = (handlers: {
  readonly token?: (n: number, request: Recorded) => Reply
  readonly api?: (request: Recorded, n: number) => Reply
  readonly other?: (request: Recorded) => Reply
}) => {
  let tokens = 0
  let apis = 0
  const mock = mockHttp((request) => {
    if (isTokenRequest(request)) {
      const n = tokens++
      return handlers.token === undefined ? json(tokenBody(`access-${n}`)) : handlers.token(n, request)
    }
    if (request.url.host === API_HOST) {
      const n = apis++
      return handlers.api === undefined ? json(repo) : handlers.api(request, n)
    }
    return handlers.other === undefined ? text("no such host", 599) : handlers.other(request)
  })
  const contentTypes: Array<string | undefined> = []
  const client = HttpClient.mapRequest(mock.client, (request) => {
    contentTypes.push(request.body._tag === "Empty" ? undefined : request.body.contentType)
    return request
  })
  const http = Layer.succeed(HttpClient.HttpClient, client)
  return {
    requests: mock.requests,
    contentTypes,
    http,
    tokenRequests: () => mock.requests.filter(isTokenRequest),
    apiRequests: () => mock.requests.filter((r) => r.url.host === API_HOST),
    /** The HttpClient plus an authenticator layer built on it. */
    with: <E>(auth: Layer.Layer<Authenticator.Authenticator, E, HttpClient.HttpClient>) => Layer.provideMerge(auth, http)
  }
}

const tokenBody = (access: string, extra: Record<string, unknown> = {}) => ({
  access_token: access,
  token_type: "bearer",
  expires_in: 3600,
  scopes: "repository account",
  ...extra
})

const client = { clientId: "the-client", clientSecret: "the-client-secret" }

describe("static credentials on the wire", () => {
  const cases: ReadonlyArray<
    readonly [string, Layer.Layer<Authenticator.Authenticator>, string | undefined]
  > = [
    ["anonymous", Authenticator.anonymous, undefined],
    ["basic (string)", Authenticator.basic({ username: "alice", password: "app-pass:w/ord" }), `Basic ${b64("alice:app-pass:w/ord")}`],
    [
      "basic (Redacted)",
      Authenticator.basic({ username: "alice", password: Redacted.make("app-password") }),
      `Basic ${b64("alice:app-password")}`
    ],
    [
      "apiToken (string)",
      Authenticator.apiToken({ email: "me@example.com", token: "ATATT-token" }),
      `Basic ${b64("me@example.com:ATATT-token")}`
    ],
    [
      "apiToken (Redacted)",
      Authenticator.apiToken({ email: "me@example.com", token: Redacted.make("ATATT-token") }),
      `Basic ${b64("me@example.com:ATATT-token")}`
    ],
    ["accessToken (string)", Authenticator.accessToken({ token: "repo-access-token" }), "Bearer repo-access-token"],
    [
      "accessToken (Redacted)",
      Authenticator.accessToken({ token: Redacted.make("repo-access-token") }),
      "Bearer repo-access-token"
    ]
  ]
  for (const [name, layer, expected] of cases) {
    it.effect(`${name} sends ${expected === undefined ? "no Authorization header" : expected}`, () =>
      Effect.gen(function*() {
        const mock = bitbucket({})
        const result = yield* find.pipe(Effect.provide(mock.with(layer)))
        expect(result.full_name).toBe("demo/x")
        expect(mock.requests).toHaveLength(1)
        const sent = mock.requests[0]!
        expect(sent.url.href).toBe("https://api.bitbucket.org/2.0/repositories/demo/x")
        if (expected === undefined) {
          expect(Object.keys(sent.headers)).not.toContain("authorization")
        } else {
          expect(authorization(sent)).toBe(expected)
        }
      }))
  }

  it.effect("Basic credentials outside Latin-1 are sent as UTF-8 instead of dying", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* find.pipe(Effect.provide(mock.with(Authenticator.apiToken({ email: "josé@exämple.com", token: "pässwörd€" }))))
      expect(authorization(mock.requests[0])).toBe(`Basic ${b64("josé@exämple.com:pässwörd€")}`)
    }))

  it.effect("an OAuth client secret outside Latin-1 is sent as UTF-8 too", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* find.pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials({ clientId: "id", clientSecret: "s€c" }))))
      expect(authorization(mock.tokenRequests()[0])).toBe(`Basic ${b64("id:s€c")}`)
    }))

  it.effect("a static credential rejected with 401 fails with Unauthorized after one request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ api: () => json(errorBody("Invalid credentials"), 401) })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.accessToken({ token: "t" }))))
      expect(error._tag).toBe("Unauthorized")
      expect(error.message).toContain("Invalid credentials")
      expect(mock.requests).toHaveLength(1)
    }))
})

describe("oauth2ClientCredentials", () => {
  it.effect("asks the token endpoint with a client_credentials form and then sends the bearer token", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => json(tokenBody("fresh-access-token")) })
      const result = yield* find.pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(result.name).toBe("x")
      expect(mock.requests).toHaveLength(2)
      const [tokenRequest, apiRequest] = mock.requests
      expect(tokenRequest!.method).toBe("POST")
      expect(tokenRequest!.url.href).toBe(TOKEN_URL)
      expect(tokenRequest!.body).toBe("grant_type=client_credentials")
      expect(authorization(tokenRequest)).toBe(`Basic ${b64("the-client:the-client-secret")}`)
      expect(mock.contentTypes[0]).toBe("application/x-www-form-urlencoded")
      expect(apiRequest!.method).toBe("GET")
      expect(apiRequest!.url.href).toBe("https://api.bitbucket.org/2.0/repositories/demo/x")
      expect(authorization(apiRequest)).toBe("Bearer fresh-access-token")
    }))

  it.effect("accepts a Redacted client secret and a custom token URL", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        other: (r) =>
          r.url.href === "https://auth.example.com/token" ? json(tokenBody("from-custom-endpoint")) : text("?", 404)
      })
      yield* find.pipe(
        Effect.provide(
          mock.with(
            Authenticator.oauth2ClientCredentials({
              clientId: "id",
              clientSecret: Redacted.make("sec"),
              tokenUrl: "https://auth.example.com/token"
            })
          )
        )
      )
      expect(mock.requests.map((r) => r.url.href)).toEqual([
        "https://auth.example.com/token",
        "https://api.bitbucket.org/2.0/repositories/demo/x"
      ])
      expect(authorization(mock.requests[0])).toBe(`Basic ${b64("id:sec")}`)
      expect(authorization(mock.requests[1])).toBe("Bearer from-custom-endpoint")
    }))

  it.effect("caches the token: two API calls, one token request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* Effect.zip(find, find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(1)
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer access-0", "Bearer access-0"])
    }))

  it.effect("renews the token shortly before it expires (expires_in - 60s)", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* Effect.gen(function*() {
        yield* find
        yield* TestClock.adjust("3539 seconds") // 61 s left: still fresh
        yield* find
        expect(mock.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("2 seconds") // 59 s left: inside the 60 s skew
        yield* find
        expect(mock.tokenRequests()).toHaveLength(2)
        yield* find
      }).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(2)
      expect(mock.tokenRequests().map((r) => r.body)).toEqual([
        "grant_type=client_credentials",
        "grant_type=client_credentials"
      ])
      expect(mock.apiRequests().map(authorization)).toEqual([
        "Bearer access-0",
        "Bearer access-0",
        "Bearer access-1",
        "Bearer access-1"
      ])
    }))

  it.effect("honours a custom refreshSkew", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* Effect.gen(function*() {
        yield* find
        yield* TestClock.adjust("3299 seconds")
        yield* find
        expect(mock.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("2 seconds")
        yield* find
      }).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials({ ...client, refreshSkew: 300 }))))
      expect(mock.tokenRequests()).toHaveLength(2)
    }))

  it.effect("a token living no longer than the skew is renewed half-way through its life, not on every request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: (n) => json(tokenBody(`access-${n}`, { expires_in: 30 })) })
      yield* Effect.gen(function*() {
        for (let i = 0; i < 5; i++) yield* find
        expect(mock.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("14 seconds")
        yield* find
        expect(mock.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("1 second")
        yield* find
        yield* find
      }).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(2)
    }))

  it.effect("a 401 from the API renews the token once and retries the request once", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ api: (_, n) => (n === 0 ? json(errorBody("Access token expired"), 401) : json(repo)) })
      const result = yield* find.pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(result.full_name).toBe("demo/x")
      expect(mock.requests.map((r) => `${r.method} ${r.url.host}`)).toEqual([
        "POST bitbucket.org",
        "GET api.bitbucket.org",
        "POST bitbucket.org",
        "GET api.bitbucket.org"
      ])
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer access-0", "Bearer access-1"])
    }))

  it.effect("a second 401 after the renewal fails with Unauthorized (no loop)", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ api: () => json(errorBody("Access token expired"), 401) })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(error._tag).toBe("Unauthorized")
      expect(error.message).toContain("Access token expired")
      expect(mock.tokenRequests()).toHaveLength(2)
      expect(mock.apiRequests()).toHaveLength(2)
    }))

  it.effect("after a 401, the next call uses the renewed token without asking again", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ api: (_, n) => (n === 0 ? json(errorBody("expired"), 401) : json(repo)) })
      yield* Effect.zip(find, find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(2)
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer access-0", "Bearer access-1", "Bearer access-1"])
    }))
})

describe("single flight", () => {
  const ten = Effect.all(Array.from({ length: 10 }, () => find), { concurrency: "unbounded" })

  it.effect("ten concurrent requests without a token cause one token request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: (n) => Effect.as(realPause(20), json(tokenBody(`access-${n}`))) })
      const results = yield* ten.pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(results).toHaveLength(10)
      expect(mock.tokenRequests()).toHaveLength(1)
      expect(mock.apiRequests()).toHaveLength(10)
      expect(new Set(mock.apiRequests().map(authorization))).toEqual(new Set(["Bearer access-0"]))
    }))

  it.effect("ten concurrent requests after the cached token expired cause one token request", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: (n) => Effect.as(realPause(20), json(tokenBody(`access-${n}`))) })
      yield* Effect.gen(function*() {
        yield* find
        yield* TestClock.adjust("1 hour")
        yield* ten
      }).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(2)
      expect(mock.apiRequests()).toHaveLength(11)
      expect(mock.apiRequests().slice(1).map(authorization)).toEqual(Array(10).fill("Bearer access-1"))
    }))

  it.effect("ten concurrent requests rejected with 401 share one renewal", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: (n) => Effect.as(realPause(20), json(tokenBody(`access-${n}`))),
        api: (request) =>
          Effect.as(
            realPause(5),
            authorization(request) === "Bearer access-0" ? json(errorBody("expired"), 401) : json(repo)
          )
      })
      const results = yield* ten.pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(results).toHaveLength(10)
      expect(mock.tokenRequests()).toHaveLength(2)
      const sent = mock.apiRequests().map(authorization)
      expect(sent.filter((h) => h === "Bearer access-0")).toHaveLength(10)
      expect(sent.filter((h) => h === "Bearer access-1")).toHaveLength(10)
    }))
})

describe("oauth2RefreshToken", () => {
  it.effect("sends the refresh_token grant and keeps a rotated refresh token for the next renewal", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: (n) => json(tokenBody(`access-${n}`, n === 0 ? { refresh_token: "refresh-2" } : {}))
      })
      yield* Effect.gen(function*() {
        yield* find
        yield* TestClock.adjust("1 hour")
        yield* find
        yield* TestClock.adjust("1 hour")
        yield* find
      }).pipe(
        Effect.provide(mock.with(Authenticator.oauth2RefreshToken({ ...client, refreshToken: Redacted.make("refresh-1") })))
      )
      expect(mock.tokenRequests().map((r) => r.body)).toEqual([
        "grant_type=refresh_token&refresh_token=refresh-1",
        "grant_type=refresh_token&refresh_token=refresh-2",
        // the second answer carried no refresh_token: keep using the last one
        "grant_type=refresh_token&refresh_token=refresh-2"
      ])
      expect(mock.tokenRequests().map(authorization)).toEqual(Array(3).fill(`Basic ${b64("the-client:the-client-secret")}`))
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer access-0", "Bearer access-1", "Bearer access-2"])
    }))

  it.effect("a caller that stops waiting mid-renewal does not lose the rotated refresh token", () =>
    Effect.gen(function*() {
      // The server rotates on receipt: once a grant is handled, its refresh token is spent.
      let valid = "refresh-1"
      const mock = bitbucket({
        token: (n, request) => {
          const sent = new URLSearchParams(request.body).get("refresh_token")
          if (sent !== valid) return json({ error: "invalid_grant", error_description: `refresh token ${sent} already used` }, 400)
          valid = `refresh-${n + 2}`
          return Effect.delay(Effect.sync(() => json(tokenBody(`access-${n}`, { refresh_token: valid }))), "2 seconds")
        }
      })
      yield* Effect.gen(function*() {
        // The first caller gives up (its own timeout) while the token request is in flight.
        const first = yield* Effect.fork(Effect.exit(Effect.timeout(find, "1 second")))
        yield* TestClock.adjust("1 second")
        expect(Exit.isFailure(yield* Fiber.join(first))).toBe(true)
        // The renewal finishes anyway; the next caller gets its token, no new grant is spent.
        const second = yield* Effect.fork(find)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(second)
        // And a renewal an hour later uses the rotated refresh token.
        yield* TestClock.adjust("1 hour")
        const third = yield* Effect.fork(find)
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(third)
      }).pipe(
        Effect.provide(mock.with(Authenticator.oauth2RefreshToken({ ...client, refreshToken: "refresh-1" })))
      )
      expect(mock.tokenRequests().map((r) => r.body)).toEqual([
        "grant_type=refresh_token&refresh_token=refresh-1",
        "grant_type=refresh_token&refresh_token=refresh-2"
      ])
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer access-0", "Bearer access-1"])
      expect(valid).toBe("refresh-3")
    }))

  it.effect("a plain-string refresh token is form-encoded", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* find.pipe(Effect.provide(mock.with(Authenticator.oauth2RefreshToken({ ...client, refreshToken: "a+b/c=&d" }))))
      expect(mock.tokenRequests()[0]!.body).toBe("grant_type=refresh_token&refresh_token=a%2Bb%2Fc%3D%26d")
    }))
})

describe("token endpoint failures", () => {
  it.effect("a 400 invalid_client fails the API call with Unauthorized naming the reason, not the secret", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: () => json({ error: "invalid_client", error_description: "Invalid OAuth client credentials" }, 400)
      })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(error._tag).toBe("Unauthorized")
      expect(error.message).toContain("Invalid OAuth client credentials")
      expect(error.message).toContain(TOKEN_URL)
      expect(error.message).not.toContain("the-client-secret")
      expect(error.message).not.toContain(b64("the-client:the-client-secret"))
      if (error._tag === "Unauthorized") {
        expect(error.method).toBe("POST")
        expect(error.url).toBe(TOKEN_URL)
        expect(error.bitbucketMessage).toBe("Invalid OAuth client credentials")
        // The status is the one Bitbucket sent: the tag says what it means.
        expect(error.status).toBe(400)
      }
      expect(mock.apiRequests()).toHaveLength(0)
    }))

  it.effect("a token URL over plain http (off loopback) is InvalidInput: the client secret is never sent", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => json({ access_token: "t", token_type: "bearer", expires_in: 3600 }) })
      const error = yield* Effect.flip(find).pipe(
        Effect.provide(mock.with(Authenticator.oauth2ClientCredentials({ ...client, tokenUrl: "http://example.com/token" })))
      )
      expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "tokenUrl" })
      expect(error.message).toContain("must use https")
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("a 400 that is the request's fault (unsupported_grant_type) is BadRequest, not a credentials problem", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: () => json({ error: "unsupported_grant_type", error_description: "Unsupported grant type: password" }, 400)
      })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(error).toMatchObject({ _tag: "BadRequest", status: 400, bitbucketMessage: "Unsupported grant type: password" })
    }))

  it.effect("a failed token request is not cached: the next call asks again", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: (n) => (n === 0 ? text("down", 503) : json(tokenBody("second-try")))
      })
      yield* Effect.gen(function*() {
        const first = yield* Effect.flip(find)
        expect(first._tag).toBe("ServerError")
        yield* find
      }).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(mock.tokenRequests()).toHaveLength(2)
      expect(mock.apiRequests().map(authorization)).toEqual(["Bearer second-try"])
    }))

  it.effect("a transport failure at the token endpoint is a TransportError", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => "transport-error" })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.reason).toBe("Transport")
        expect(error.url).toBe(TOKEN_URL)
      }
      expect(mock.apiRequests()).toHaveLength(0)
    }))

  it.effect("a token endpoint that never answers times out with the configured timeout", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => Effect.never })
      const fiber = yield* Effect.fork(
        Effect.exit(find).pipe(
          Effect.provide(
            Layer.merge(mock.with(Authenticator.oauth2ClientCredentials(client)), BitbucketConfig.layer({ timeout: "5 seconds" }))
          )
        )
      )
      for (let i = 0; i < 10; i++) yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.join(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.reason).toBe("Timeout")
        expect(error.url).toBe(TOKEN_URL)
      }
      expect(mock.apiRequests()).toHaveLength(0)
    }))

  it.effect("a token response without access_token is a DecodeError", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => json({ token_type: "bearer" }) })
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client))))
      expect(error._tag).toBe("DecodeError")
      if (error._tag === "DecodeError") expect(error.path).toEqual(["access_token"])
    }))
})

describe("authorization code grant", () => {
  it("authorizeUrl builds the authorize URL", () => {
    expect(Authenticator.authorizeUrl({ clientId: "my-key", state: "xyz" })).toBe(
      "https://bitbucket.org/site/oauth2/authorize?client_id=my-key&response_type=code&state=xyz"
    )
    expect(Authenticator.authorizeUrl({ clientId: "my-key" })).toBe(
      "https://bitbucket.org/site/oauth2/authorize?client_id=my-key&response_type=code"
    )
    const url = new URL(
      Authenticator.authorizeUrl({ clientId: "k&y", state: "a b&c", redirectUri: "https://app.example.com/cb?x=1" })
    )
    expect(url.origin + url.pathname).toBe("https://bitbucket.org/site/oauth2/authorize")
    expect([...url.searchParams.entries()]).toEqual([
      ["client_id", "k&y"],
      ["response_type", "code"],
      ["state", "a b&c"],
      ["redirect_uri", "https://app.example.com/cb?x=1"]
    ])
  })

  it.effect("exchangeCode posts the code and returns Redacted tokens", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        token: () => json(tokenBody("code-access", { refresh_token: "code-refresh", expires_in: 7200 }))
      })
      const token = yield* Authenticator.exchangeCode({ ...client, code: "the-code" }).pipe(Effect.provide(mock.http))
      expect(mock.requests).toHaveLength(1)
      const sent = mock.requests[0]!
      expect(sent.method).toBe("POST")
      expect(sent.url.href).toBe(TOKEN_URL)
      expect(sent.body).toBe("grant_type=authorization_code&code=the-code")
      expect(authorization(sent)).toBe(`Basic ${b64("the-client:the-client-secret")}`)
      expect(mock.contentTypes[0]).toBe("application/x-www-form-urlencoded")
      expect(Redacted.isRedacted(token.accessToken)).toBe(true)
      expect(Redacted.value(token.accessToken)).toBe("code-access")
      expect(String(token.accessToken)).toBe("<redacted>")
      expect(Option.map(token.refreshToken, Redacted.value)).toEqual(Option.some("code-refresh"))
      expect(token.expiresIn).toBe(7200)
      expect(token.scopes).toEqual(Option.some("repository account"))
      expect(token.tokenType).toBe("bearer")
      expect(JSON.stringify(token)).not.toContain("code-access")
      expect(JSON.stringify(token)).not.toContain("code-refresh")
    }))

  it.effect("a token endpoint's 429 fails as RateLimited keeping its Retry-After", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => new Response("slow down", { status: 429, headers: { "retry-after": "30" } }) })
      const error = yield* Effect.flip(Authenticator.requestToken(client, { grant_type: "client_credentials" })).pipe(
        Effect.provide(Layer.merge(mock.http, BitbucketConfig.layer({ retry: { maxRetries: 0 } })))
      )
      expect(error._tag).toBe("RateLimited")
      expect(error._tag === "RateLimited" ? Option.getOrUndefined(error.retryAfter) : undefined).toEqual(Duration.seconds(30))
    }))

  it.effect("a token renewal's Retry-After past the operation's deadline fails at once with RateLimited", () =>
    Effect.gen(function*() {
      // As for the API's own waits: waiting out the deadline could only hide the 429 behind a timeout.
      const mock = bitbucket({
        token: (n) => n === 0 ? json(tokenBody("access-0")) : new Response("slow down", { status: 429, headers: { "retry-after": "30" } }),
        api: () => json(errorBody("Access token expired"), 401)
      })
      const layer = Layer.merge(
        mock.with(Authenticator.oauth2ClientCredentials(client)),
        BitbucketConfig.layer({ operationTimeout: "3 seconds" })
      )
      const fiber = yield* Effect.fork(Effect.flip(Repository.find({ workspace: "demo", repo_slug: "x" }).pipe(Effect.provide(layer))))
      let waited = 0
      while (Option.isNone(yield* Fiber.poll(fiber)) && waited < 3000) {
        yield* TestClock.adjust("100 millis")
        waited += 100
      }
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("RateLimited")
      expect(waited).toBeLessThan(3000)
      expect(mock.tokenRequests()).toHaveLength(2)
    }))

  it.effect("requestToken and exchangeCode take Redacted grant values", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      yield* Authenticator.requestToken(client, { grant_type: "refresh_token", refresh_token: Redacted.make("r-1") }).pipe(Effect.provide(mock.http))
      yield* Authenticator.exchangeCode({ ...client, code: Redacted.make("c-1") }).pipe(Effect.provide(mock.http))
      expect(mock.requests.map((r) => r.body)).toEqual([
        "grant_type=refresh_token&refresh_token=r-1",
        "grant_type=authorization_code&code=c-1"
      ])
    }))

  it.effect("exchangeCode sends redirect_uri when given", () =>
    Effect.gen(function*() {
      const mock = bitbucket({})
      const token = yield* Authenticator.exchangeCode({ ...client, code: "c", redirectUri: "https://app.example.com/cb" })
        .pipe(Effect.provide(mock.http))
      expect(mock.requests[0]!.body).toBe(
        "grant_type=authorization_code&code=c&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb"
      )
      expect(Option.isNone(token.refreshToken)).toBe(true)
    }))
})

describe("layerConfig", () => {
  const run = (env: ReadonlyArray<readonly [string, string]>) =>
    Effect.gen(function*() {
      const mock = bitbucket({ token: () => json(tokenBody("config-access")) })
      yield* find.pipe(
        Effect.provide(mock.with(Authenticator.layerConfig)),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(env)))
      )
      return mock
    })

  it.effect("BITBUCKET_ACCESS_TOKEN gives a Bearer header", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_ACCESS_TOKEN", "env-access"],
        // lower in the list: ignored
        ["BITBUCKET_EMAIL", "me@example.com"],
        ["BITBUCKET_API_TOKEN", "env-api"]
      ])
      expect(mock.requests.map(authorization)).toEqual(["Bearer env-access"])
    }))

  it.effect("BITBUCKET_EMAIL + BITBUCKET_API_TOKEN give Basic email:token", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_EMAIL", "me@example.com"],
        ["BITBUCKET_API_TOKEN", "env-api"],
        ["BITBUCKET_USERNAME", "alice"],
        ["BITBUCKET_APP_PASSWORD", "env-app"]
      ])
      expect(mock.requests.map(authorization)).toEqual([`Basic ${b64("me@example.com:env-api")}`])
    }))

  it.effect("BITBUCKET_USERNAME + BITBUCKET_APP_PASSWORD give Basic username:password", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_USERNAME", "alice"],
        ["BITBUCKET_APP_PASSWORD", "env-app"],
        ["BITBUCKET_CLIENT_ID", "cid"],
        ["BITBUCKET_CLIENT_SECRET", "csecret"]
      ])
      expect(mock.requests.map(authorization)).toEqual([`Basic ${b64("alice:env-app")}`])
    }))

  it.effect("BITBUCKET_CLIENT_ID + BITBUCKET_CLIENT_SECRET ask the token endpoint, then send Bearer", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_CLIENT_ID", "cid"],
        ["BITBUCKET_CLIENT_SECRET", "csecret"]
      ])
      expect(mock.requests.map((r) => r.url.href)).toEqual([TOKEN_URL, "https://api.bitbucket.org/2.0/repositories/demo/x"])
      expect(mock.requests[0]!.body).toBe("grant_type=client_credentials")
      expect(authorization(mock.requests[0])).toBe(`Basic ${b64("cid:csecret")}`)
      expect(authorization(mock.requests[1])).toBe("Bearer config-access")
    }))

  it.effect("... plus BITBUCKET_REFRESH_TOKEN use the refresh token grant", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_CLIENT_ID", "cid"],
        ["BITBUCKET_CLIENT_SECRET", "csecret"],
        ["BITBUCKET_REFRESH_TOKEN", "env-refresh"]
      ])
      expect(mock.requests[0]!.body).toBe("grant_type=refresh_token&refresh_token=env-refresh")
      expect(authorization(mock.requests[1])).toBe("Bearer config-access")
    }))

  it.effect("nothing set: anonymous, no Authorization header", () =>
    Effect.gen(function*() {
      const mock = yield* run([])
      expect(mock.requests).toHaveLength(1)
      expect(Object.keys(mock.requests[0]!.headers)).not.toContain("authorization")
    }))

  it.effect("half a pair with nothing complete is a ConfigError naming the missing variable, not anonymous", () =>
    Effect.gen(function*() {
      for (const [env, missing] of [
        [[["BITBUCKET_EMAIL", "me@example.com"], ["BITBUCKET_CLIENT_ID", "cid"]], "BITBUCKET_API_TOKEN"],
        [[["BITBUCKET_APP_PASSWORD", "pw"]], "BITBUCKET_USERNAME"],
        [[["BITBUCKET_CLIENT_SECRET", "cs"], ["BITBUCKET_API_TOKEN", "  "]], "BITBUCKET_CLIENT_ID"],
        // An OAuth grant's extras without its client.
        [[["BITBUCKET_REFRESH_TOKEN", "r"]], "BITBUCKET_CLIENT_ID"],
        [[["BITBUCKET_OAUTH_TOKEN_URL", "https://sso.example.com/token"]], "BITBUCKET_CLIENT_ID"]
      ] as const) {
        const exit = yield* Effect.exit(run(env))
        expect(Exit.isFailure(exit)).toBe(true)
        const pretty = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        expect(pretty).toContain(missing)
        expect(pretty).toContain("Missing data")
      }
      // A complete set lower in the list still wins over half a pair above it.
      const mock = yield* run([["BITBUCKET_EMAIL", "me@example.com"], ["BITBUCKET_USERNAME", "alice"], ["BITBUCKET_APP_PASSWORD", "pw"]])
      expect(mock.requests.map(authorization)).toEqual([`Basic ${b64("alice:pw")}`])
    }))

  it.effect("values are trimmed: a secret pasted with its newline still works", () =>
    Effect.gen(function*() {
      const mock = yield* run([["BITBUCKET_EMAIL", " me@example.com "], ["BITBUCKET_API_TOKEN", "env-api\n"]])
      expect(mock.requests.map(authorization)).toEqual([`Basic ${b64("me@example.com:env-api")}`])
      const bearer = yield* run([["BITBUCKET_ACCESS_TOKEN", "env-access\r\n"]])
      expect(bearer.requests.map(authorization)).toEqual(["Bearer env-access"])
    }))

  it.effect("BITBUCKET_OAUTH_TOKEN_URL replaces the token endpoint, and must be https off loopback", () =>
    Effect.gen(function*() {
      const proxyToken = "https://sso.example.com/oauth2/access_token"
      const mock = bitbucket({ other: (request) => request.url.href === proxyToken ? json(tokenBody("proxied")) : text("no", 599) })
      yield* find.pipe(
        Effect.provide(mock.with(Authenticator.layerConfig)),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
          ["BITBUCKET_CLIENT_ID", "cid"],
          ["BITBUCKET_CLIENT_SECRET", "csecret"],
          ["BITBUCKET_OAUTH_TOKEN_URL", proxyToken]
        ])))
      )
      expect(mock.requests.map((r) => r.url.href)).toEqual([proxyToken, "https://api.bitbucket.org/2.0/repositories/demo/x"])
      expect(authorization(mock.requests[1])).toBe("Bearer proxied")
      const exit = yield* Effect.exit(run([
        ["BITBUCKET_CLIENT_ID", "cid"],
        ["BITBUCKET_CLIENT_SECRET", "csecret"],
        ["BITBUCKET_OAUTH_TOKEN_URL", "http://sso.example.com/token"]
      ]))
      expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toContain("BITBUCKET_OAUTH_TOKEN_URL must use https")
    }))

  it.effect("an empty variable counts as unset (CI often exports missing secrets as empty strings)", () =>
    Effect.gen(function*() {
      const mock = yield* run([
        ["BITBUCKET_ACCESS_TOKEN", ""],
        ["BITBUCKET_EMAIL", "me@example.com"],
        ["BITBUCKET_API_TOKEN", "env-api"]
      ])
      expect(mock.requests.map(authorization)).toEqual([`Basic ${b64("me@example.com:env-api")}`])
    }))
})

describe("credentials stay on the API origin", () => {
  const Item = Schema.Struct({ name: Schema.String })
  const auth = Authenticator.apiToken({ email: "me@example.com", token: "tok" })
  const expected = `Basic ${b64("me@example.com:tok")}`

  it.effect("streamUrl on another origin is refused before anything is sent", () =>
    Effect.gen(function*() {
      const mock = bitbucket({ other: () => json({ values: [{ name: "evil" }] }) })
      const error = yield* Effect.flip(
        Stream.runCollect(Pagination.streamUrl("https://evil.example.com/2.0/repositories/demo", Item))
      ).pipe(Effect.provide(mock.with(auth)))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.reason).toBe("RefusedOrigin")
        expect(error.url).toBe("https://evil.example.com/2.0/repositories/demo")
      }
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("a next link on another origin is refused", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: () => json({ values: [{ name: "one" }], next: "https://evil.example.com/2.0/repositories/demo?page=2" }),
        other: () => json({ values: [{ name: "evil" }] })
      })
      const error = yield* Effect.flip(
        Stream.runCollect(Pagination.streamUrl("https://api.bitbucket.org/2.0/repositories/demo", Item))
      ).pipe(Effect.provide(mock.with(auth)))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("RefusedOrigin")
      expect(mock.requests.map((r) => r.url.host)).toEqual(["api.bitbucket.org"])
      expect(authorization(mock.requests[0])).toBe(expected)
    }))

  it.effect("a redirect to Bitbucket's content host is followed without the Authorization header", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: () => new Response(null, { status: 302, headers: { location: "https://bbuseruploads.s3.amazonaws.com/file.txt" } }),
        other: () => text("file content", 200)
      })
      const body = yield* Http.text({ method: "GET", path: "/x", query: { at: "main" }, followRedirects: true }).pipe(
        Effect.provide(mock.with(auth))
      )
      expect(body).toBe("file content")
      // The content host's URL is taken as it is (it is signed): the request's query stays behind.
      expect(mock.requests.map((r) => r.url.href)).toEqual([
        "https://api.bitbucket.org/2.0/x?at=main",
        "https://bbuseruploads.s3.amazonaws.com/file.txt"
      ])
      expect(authorization(mock.requests[0])).toBe(expected)
      expect(Object.keys(mock.requests[1]!.headers)).not.toContain("authorization")
    }))

  it.effect("a redirect to any other host is refused and nothing is sent there", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: () => new Response(null, { status: 302, headers: { location: "https://cdn.example.com/file.txt" } }),
        other: () => text("file content", 200)
      })
      const error = yield* Effect.flip(Http.text({ method: "GET", path: "/x", followRedirects: true })).pipe(
        Effect.provide(mock.with(auth))
      )
      expect(error).toMatchObject({ _tag: "TransportError", reason: "RefusedOrigin" })
      expect(error.message).toContain("https://cdn.example.com/file.txt")
      expect(mock.requests.map((r) => r.url.host)).toEqual(["api.bitbucket.org"])
    }))

  it.effect("a same-origin redirect keeps the Authorization header", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: (_, n) =>
          n === 0 ? new Response(null, { status: 302, headers: { location: "/2.0/y" } }) : text("same origin", 200)
      })
      const body = yield* Http.text({ method: "GET", path: "/x", query: { at: "main" }, followRedirects: true }).pipe(
        Effect.provide(mock.with(auth))
      )
      expect(body).toBe("same origin")
      // On the API's origin the request's query goes along.
      expect(mock.requests.map((r) => r.url.href)).toEqual(["https://api.bitbucket.org/2.0/x?at=main", "https://api.bitbucket.org/2.0/y?at=main"])
      expect(mock.requests.map(authorization)).toEqual([expected, expected])
    }))

  it.effect("a redirect that leaves the origin and comes back does not get the credentials back", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: (_, n) =>
          n === 0
            ? new Response(null, { status: 302, headers: { location: "https://media.bitbucket.org/bounce" } })
            : text("back", 200),
        other: () => new Response(null, { status: 302, headers: { location: "https://api.bitbucket.org/2.0/z" } })
      })
      const body = yield* Http.text({ method: "GET", path: "/x", followRedirects: true }).pipe(Effect.provide(mock.with(auth)))
      expect(body).toBe("back")
      expect(mock.requests.map((r) => r.url.host)).toEqual(["api.bitbucket.org", "media.bitbucket.org", "api.bitbucket.org"])
      expect(mock.requests.map(authorization)).toEqual([expected, undefined, undefined])
    }))

  it.effect("OAuth bearer tokens do not follow a redirect to another origin either", () =>
    Effect.gen(function*() {
      const mock = bitbucket({
        api: () => new Response(null, { status: 302, headers: { location: "https://bitbucket.org/f" } }),
        other: () => text("ok", 200)
      })
      yield* Http.text({ method: "GET", path: "/x", followRedirects: true }).pipe(
        Effect.provide(mock.with(Authenticator.oauth2ClientCredentials(client)))
      )
      expect(mock.requests.map((r) => r.url.host)).toEqual(["bitbucket.org", "api.bitbucket.org", "bitbucket.org"])
      expect(authorization(mock.requests[1])).toBe("Bearer access-0")
      expect(Object.keys(mock.requests[2]!.headers)).not.toContain("authorization")
    }))
})

/**
 * Secrets never leak: a canary secret is used as every kind of credential, many failures are
 * provoked, and every rendering of the error, the logs and the spans is searched for the secret
 * and for its base64 forms (what HTTP Basic puts on the wire).
 */
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import {
  Cause,
  Context,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  Schema,
  Stream,
  TestClock
} from "effect"
import * as util from "node:util"
import { Authenticator, Pagination, Pipeline, Repository } from "../src/index.js"
import * as Http from "../src/internal/http.js"
import { capture } from "./support/capture.js"
import { errorBody, json, mockHttp, type Recorded, type Reply, text } from "./support/mockHttp.js"

const SECRET = "S3CR3T-leak-canary-7f3a"
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")
const EMAIL = "me@example.com"
const USERNAME = "alice"
const CLIENT_ID = "the-client"

/** Every form the secret can take on the wire or in a careless rendering. */
const forbidden: ReadonlyArray<readonly [string, string]> = [
  ["secret", SECRET],
  ["base64(email:secret)", b64(`${EMAIL}:${SECRET}`)],
  ["base64(user:secret)", b64(`${USERNAME}:${SECRET}`)],
  ["base64(clientId:secret)", b64(`${CLIENT_ID}:${SECRET}`)],
  ["base64(secret)", b64(SECRET)],
  ["base64(Bearer secret)", b64(`Bearer ${SECRET}`)],
  ["hex(secret)", Buffer.from(SECRET, "utf8").toString("hex")],
  ["uri-encoded secret", encodeURIComponent(SECRET)],
  // a substring of the secret long enough to identify it (e.g. a truncated rendering)
  ["secret fragment", SECRET.slice(0, 12)]
]

const findLeaks = (rendered: string): Array<string> =>
  forbidden.filter(([, form]) => rendered.includes(form)).map(([name]) => name)

const expectClean = (where: string, rendered: string) => {
  const found = findLeaks(rendered)
  if (found.length > 0) {
    throw new Error(`${where} leaks the secret (${found.join(", ")}):\n${rendered}`)
  }
}

const inspect = (u: unknown) => util.inspect(u, { depth: 10 })

// ---------------------------------------------------------------------------------------------
// Capturing logs and spans
// ---------------------------------------------------------------------------------------------


// ---------------------------------------------------------------------------------------------
// Credentials and scenarios
// ---------------------------------------------------------------------------------------------

type AuthLayer = Layer.Layer<Authenticator.Authenticator, never, HttpClient.HttpClient>

const auths: ReadonlyArray<{ readonly name: string; readonly oauth: boolean; readonly layer: () => AuthLayer }> = [
  { name: "apiToken", oauth: false, layer: () => Authenticator.apiToken({ email: EMAIL, token: SECRET }) },
  { name: "basic (app password)", oauth: false, layer: () => Authenticator.basic({ username: USERNAME, password: SECRET }) },
  { name: "accessToken", oauth: false, layer: () => Authenticator.accessToken({ token: SECRET }) },
  {
    name: "oauth2ClientCredentials",
    oauth: true,
    layer: () => Authenticator.oauth2ClientCredentials({ clientId: CLIENT_ID, clientSecret: SECRET })
  },
  {
    name: "oauth2RefreshToken",
    oauth: true,
    layer: () => Authenticator.oauth2RefreshToken({ clientId: CLIENT_ID, clientSecret: SECRET, refreshToken: SECRET })
  }
]

const TOKEN_URL = "https://bitbucket.org/site/oauth2/access_token"
const Item = Schema.Struct({ name: Schema.String })
const find = Repository.find({ workspace: "demo", repo_slug: "x" })
const goodToken = () =>
  json({ access_token: SECRET, refresh_token: SECRET, token_type: "bearer", expires_in: 3600, scopes: "repository" })

interface Scenario {
  readonly name: string
  /** Only meaningful with an OAuth layer (the token endpoint fails). */
  readonly oauthOnly?: boolean
  readonly expectTag: string
  readonly api?: (request: Recorded, n: number) => Reply
  readonly token?: (n: number) => Reply
  readonly other?: (request: Recorded) => Reply
  readonly run?: Effect.Effect<unknown, unknown, Http.Requirements>
  /** Nothing reaches the network. */
  readonly sendsNothing?: boolean
}

const scenarios: ReadonlyArray<Scenario> = [
  { name: "401", expectTag: "Unauthorized", api: () => json(errorBody("Invalid credentials"), 401) },
  {
    name: "401 with WWW-Authenticate",
    expectTag: "Unauthorized",
    api: () =>
      new Response(JSON.stringify(errorBody("Token expired")), {
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="bitbucket.org"' }
      })
  },
  {
    name: "403",
    expectTag: "Forbidden",
    api: () => json(errorBody("Your credentials lack one or more required privilege scopes.", { detail: "repository:admin" }), 403)
  },
  { name: "404", expectTag: "NotFound", api: () => json(errorBody("Repository demo/x not found"), 404) },
  { name: "429 as text", expectTag: "RateLimited", api: () => text("Rate limit for this resource has been exceeded", 429) },
  {
    name: "500 as HTML",
    expectTag: "ServerError",
    api: () => text("<!DOCTYPE html><html><body><h1>Internal Server Error</h1></body></html>", 500, "text/html")
  },
  { name: "malformed JSON", expectTag: "DecodeError", api: () => text('{"type": "repository", "name": ', 200, "application/json") },
  { name: "schema mismatch", expectTag: "DecodeError", api: () => json({ type: "repository", full_name: 42 }) },
  { name: "transport error", expectTag: "TransportError", api: () => "transport-error" },
  { name: "timeout", expectTag: "TransportError", api: () => Effect.never },
  {
    name: "refused origin (streamUrl)",
    expectTag: "TransportError",
    run: Stream.runCollect(Pagination.streamUrl("https://evil.example.com/2.0/repositories/demo", Item)),
    sendsNothing: true
  },
  {
    name: "refused origin (next link)",
    expectTag: "TransportError",
    api: () => json({ values: [{ name: "a" }], next: "https://evil.example.com/2.0/repositories/demo?page=2" }),
    other: () => json({ values: [] }),
    run: Stream.runCollect(Pagination.streamUrl("https://api.bitbucket.org/2.0/repositories/demo", Item))
  },
  {
    name: "redirect to a content host that fails",
    expectTag: "NotFound",
    api: () => new Response(null, { status: 302, headers: { location: "https://bbuseruploads.s3.amazonaws.com/file" } }),
    other: () => text("gone", 404),
    run: Http.text({ method: "GET", path: "/repositories/demo/x/src/main/README.md", followRedirects: true })
  },
  {
    name: "redirect to a foreign host, refused",
    expectTag: "TransportError",
    api: () => new Response(null, { status: 302, headers: { location: "https://cdn.example.com/file" } }),
    other: () => text("should not be reached", 200),
    run: Http.text({ method: "GET", path: "/repositories/demo/x/src/main/README.md", followRedirects: true })
  },
  {
    // A payload secret, not a credential: the canary inside an SSH private key, echoed back.
    name: "400 whose body echoes the SSH private key sent (Pipeline.setSshKeyPair)",
    expectTag: "BadRequest",
    api: (request) =>
      json(errorBody(`invalid private_key: ${JSON.parse(request.body).private_key}`, { detail: request.body, fields: { private_key: [request.body] } }), 400),
    run: Pipeline.setSshKeyPair({ workspace: "demo", repo_slug: "x" }, {
      private_key: Redacted.make(`-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${SECRET}AAAA\n-----END OPENSSH PRIVATE KEY-----`),
      public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com"
    })
  },
  {
    // A schema's message quotes the refused value: here, the request's credentials a proxy echoed.
    name: "200 whose wrong-typed field echoes the request's credentials",
    expectTag: "DecodeError",
    api: (request) => json({ type: "repository", full_name: { echoed: request.headers["authorization"], secret: SECRET } })
  },
  {
    // A record's keys are the body's own: one echoing the credentials must not show in the path.
    name: "200 whose record key at fault echoes the request's credentials",
    expectTag: "DecodeError",
    api: (request) => json({ [`${request.headers["authorization"]}`]: "not a number", [SECRET]: "nor this" }),
    run: Http.json({ method: "GET", path: "/x" }, Schema.Record({ key: Schema.String, value: Schema.Number }))
  },
  {
    name: "a listing answered 202 whose body echoes the request's credentials",
    expectTag: "UnexpectedStatus",
    api: (request) => json({ values: [], echoed: `${request.headers["authorization"]} ${SECRET}` }, 202),
    run: Stream.runCollect(Pagination.streamUrl("https://api.bitbucket.org/2.0/repositories/demo", Item))
  },
  {
    // A signed link's signature is a credential: the content host's error page echoes it.
    name: "a content host's error page echoing the signed link",
    expectTag: "Forbidden",
    api: () => new Response(null, { status: 302, headers: { location: `https://bbuseruploads.s3.amazonaws.com/file?X-Amz-Signature=${SECRET}&X-Amz-Expires=60` } }),
    other: (request) => text(`<Error><Code>AccessDenied</Code><Resource>/file${request.url.search}</Resource></Error>`, 403, "application/xml"),
    run: Http.text({ method: "GET", path: "/repositories/demo/x/src/main/README.md", followRedirects: true })
  },
  {
    name: "token endpoint 400 invalid_client",
    oauthOnly: true,
    expectTag: "Unauthorized",
    token: () => json({ error: "invalid_client", error_description: "Invalid OAuth client credentials" }, 400)
  },
  {
    name: "token endpoint 400 invalid_grant",
    oauthOnly: true,
    expectTag: "Unauthorized",
    token: () => json({ error: "invalid_grant", error_description: "Invalid refresh_token" }, 400)
  },
  {
    name: "400 whose body echoes the request's credentials",
    expectTag: "BadRequest",
    api: (request) =>
      json(errorBody(`Bad header: ${request.headers["authorization"]}`, { detail: `token ${SECRET.toLowerCase()}`, fields: { token: [`'${SECRET.slice(0, 14)}...'`] } }), 400)
  },
  {
    name: "400 echoing the credentials encoded (Base64 of the header, hex of the secret)",
    expectTag: "BadRequest",
    api: (request) =>
      json(errorBody(`seen ${b64(request.headers["authorization"] ?? "")}; key ${Buffer.from(SECRET, "utf8").toString("hex")}`), 400)
  },
  {
    // Spans record the answer's headers: a proxy's own header echoing the credentials must not show.
    name: "404 whose headers echo the credentials",
    expectTag: "NotFound",
    api: (request) =>
      new Response(JSON.stringify(errorBody("Not found")), {
        status: 404,
        headers: { "content-type": "application/json", "x-echo": request.headers["authorization"] ?? "", "www-authenticate": `Bearer token="${SECRET}"` }
      })
  },
  {
    name: "400 as text echoing the credentials, cut short",
    expectTag: "BadRequest",
    // The body is cut at 500 characters: the secret straddles the cut.
    api: (request) => text(`${"x".repeat(485)} ${SECRET} rejected ${request.headers["authorization"]}`, 400)
  },
  {
    name: "token endpoint 400 echoing the grant",
    oauthOnly: true,
    expectTag: "Unauthorized",
    token: () => json({ error: "invalid_grant", error_description: `bad grant: refresh_token=${encodeURIComponent(SECRET)}&client_secret=${SECRET}` }, 400)
  },
  {
    name: "token endpoint 500 HTML",
    oauthOnly: true,
    expectTag: "ServerError",
    token: () => text("<html><body>Oops</body></html>", 500, "text/html")
  },
  { name: "token endpoint transport error", oauthOnly: true, expectTag: "TransportError", token: () => "transport-error" },
  { name: "token endpoint timeout", oauthOnly: true, expectTag: "TransportError", token: () => Effect.never },
  {
    name: "token endpoint malformed JSON",
    oauthOnly: true,
    expectTag: "DecodeError",
    token: () => text(`{"access_token": "${SECRET}", "refresh_token": "${SECRET}"`, 200, "application/json")
  },
  {
    name: "token endpoint schema mismatch",
    oauthOnly: true,
    expectTag: "DecodeError",
    token: () => json({ access_token: SECRET, refresh_token: SECRET, expires_in: "soon" })
  }
]

const makeMock = (scenario: Scenario) =>
  mockHttp((request) => {
    if (request.url.href === TOKEN_URL) return (scenario.token ?? goodToken)(0)
    if (request.url.host === "api.bitbucket.org") return scenario.api === undefined ? json({}) : scenario.api(request, 0)
    return scenario.other === undefined ? text("unexpected host", 599) : scenario.other(request)
  })

/** Runs to completion, advancing the TestClock past every backoff and timeout. */
const withClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    for (let i = 0; i < 20; i++) yield* TestClock.adjust("30 seconds")
    return yield* Fiber.join(fiber)
  })

const wireCarriesSecret = (request: Recorded) => {
  const all = `${Object.values(request.headers).join("\n")}\n${request.body}`
  return findLeaks(all).length > 0
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("the leak detector itself", () => {
  it("finds the secret and its base64 forms", () => {
    expect(findLeaks(`Authorization: Basic ${b64(`${EMAIL}:${SECRET}`)}`)).toContain("base64(email:secret)")
    expect(findLeaks(`Basic ${b64(`${USERNAME}:${SECRET}`)}`)).toContain("base64(user:secret)")
    expect(findLeaks(`Bearer ${SECRET}`)).toContain("secret")
    expect(findLeaks("nothing to see here")).toEqual([])
    expect(() => expectClean("sample", `x ${b64(`${CLIENT_ID}:${SECRET}`)} y`)).toThrow(/leaks the secret/)
  })
})

for (const auth of auths) {
  describe(`no leak with ${auth.name}`, () => {
    for (const scenario of scenarios) {
      if (scenario.oauthOnly === true && !auth.oauth) continue
      it.effect(`${scenario.name}`, () =>
        Effect.gen(function*() {
          const mock = makeMock(scenario)
          const { around, logs, spanNames, spans } = capture("leak-test")
          const layer = Layer.provideMerge(auth.layer(), mock.layer)
          const exit = yield* withClock(around((scenario.run ?? find).pipe(Effect.provide(layer))))

          // It failed the way the scenario says, after really using the secret on the wire.
          expect(Exit.isFailure(exit)).toBe(true)
          if (!Exit.isFailure(exit)) return
          const failure = Cause.failureOption(exit.cause)
          expect(Option.isSome(failure)).toBe(true)
          const error = Option.getOrThrow(failure) as { readonly _tag: string; readonly message: string }
          expect(error._tag).toBe(scenario.expectTag)
          if (scenario.sendsNothing === true) {
            expect(mock.requests).toHaveLength(0)
          } else {
            expect(mock.requests.some(wireCarriesSecret)).toBe(true)
          }

          // The error, however it is rendered.
          expectClean("error.message", error.message)
          expectClean("String(error)", String(error))
          expectClean("JSON.stringify(error)", JSON.stringify(error))
          expectClean("util.inspect(error)", inspect(error))
          expectClean("util.inspect(error, showHidden)", util.inspect(error, { depth: 10, showHidden: true }))
          expectClean("error.stack", String((error as unknown as Error).stack))
          expectClean("Cause.pretty", Cause.pretty(exit.cause))
          expectClean("util.inspect(exit)", inspect(exit))
          expectClean("JSON.stringify(exit)", JSON.stringify(exit))

          // The logs.
          expect(logs.length).toBeGreaterThan(0)
          expect(logs.join("\n")).toContain(scenario.expectTag)
          logs.forEach((line, i) => expectClean(`log line ${i}`, line))

          // The spans, including @effect/platform's http client spans.
          // (Pagination.streamUrl opens no span of its own, so a refused first URL records none.)
          if (scenario.sendsNothing !== true) expect(spanNames.some((name) => name.startsWith("http.client"))).toBe(true)
          if (scenario.run === undefined) expect(spanNames).toContain("Bitbucket.Repository.find")
          if (auth.oauth && scenario.run === undefined) expect(spanNames).toContain("Bitbucket.Authenticator.requestToken")
          spans.forEach((line, i) => expectClean(`span record ${i}`, line))
          // The Authorization header is among the recorded span attributes, redacted.
          if (scenario.sendsNothing !== true) {
            expect(spans.join("\n")).toContain("http.request.header.authorization=<redacted>")
          }
        }))
    }
  })
}

describe("successful calls do not leak either", () => {
  for (const auth of auths) {
    it.effect(`${auth.name}: logs and spans of a successful call`, () =>
      Effect.gen(function*() {
        const mock = makeMock({ name: "ok", expectTag: "", api: () => json({ type: "repository", full_name: "demo/x" }) })
        const { around, logs, spans } = capture("leak-test")
        const repo = yield* around(
          find.pipe(Effect.tap((r) => Effect.log("found", r)), Effect.provide(Layer.provideMerge(auth.layer(), mock.layer)))
        )
        expect(repo.full_name).toBe("demo/x")
        expect(mock.requests.some(wireCarriesSecret)).toBe(true)
        expect(logs.join("\n")).toContain("demo/x")
        logs.forEach((line, i) => expectClean(`log line ${i}`, line))
        expect(spans.join("\n")).toContain("http.request.header.authorization=<redacted>")
        spans.forEach((line, i) => expectClean(`span record ${i}`, line))
      }))
  }
})

describe("the services and tokens themselves", () => {
  for (const auth of auths) {
    it.effect(`${auth.name}: the layer and the built service do not show the secret`, () =>
      Effect.gen(function*() {
        const mock = makeMock({ name: "ok", expectTag: "", api: () => json({ type: "repository", full_name: "demo/x" }) })
        const layer = auth.layer()
        expectClean("util.inspect(layer)", inspect(layer))
        expectClean("JSON.stringify(layer)", JSON.stringify(layer) ?? "")
        yield* Effect.gen(function*() {
          // After a request, so an OAuth layer holds a cached token.
          yield* find
          const service = yield* Authenticator.Authenticator
          expectClean("util.inspect(service)", util.inspect(service, { depth: 10, showHidden: true }))
          expectClean("JSON.stringify(service)", JSON.stringify(service))
          expectClean("String(service)", String(service))
          const context = Context.pick(Authenticator.Authenticator)(yield* Effect.context<Authenticator.Authenticator>())
          expectClean("util.inspect(context)", inspect(context))
          expectClean("JSON.stringify(context)", JSON.stringify(context))
        }).pipe(Effect.provide(Layer.provideMerge(layer, mock.layer)))
        expect(mock.requests.some(wireCarriesSecret)).toBe(true)
      }))
  }

  it.effect("exchangeCode's token renders as <redacted>", () =>
    Effect.gen(function*() {
      const mock = makeMock({ name: "ok", expectTag: "" })
      const token = yield* Authenticator.exchangeCode({ clientId: CLIENT_ID, clientSecret: SECRET, code: "c" }).pipe(
        Effect.provide(mock.layer)
      )
      expect(String(token.accessToken)).toBe("<redacted>")
      expect(inspect(token)).toContain("<redacted>")
      expectClean("util.inspect(token)", inspect(token))
      expectClean("JSON.stringify(token)", JSON.stringify(token))
      expectClean("String(refreshToken)", String(token.refreshToken))
    }))

  it.effect("the OAuth token request's span records the client's Authorization header redacted", () =>
    Effect.gen(function*() {
      const mock = makeMock({ name: "ok", expectTag: "" })
      const { around, spans, spanNames } = capture("leak-test")
      yield* around(
        Authenticator.requestToken({ clientId: CLIENT_ID, clientSecret: SECRET }, { grant_type: "client_credentials" }).pipe(
          Effect.provide(mock.layer)
        )
      )
      expect(spanNames).toEqual(["Bitbucket.Authenticator.requestToken", "http.client POST"])
      expect(spans.join("\n")).toContain("http.request.header.authorization=<redacted>")
      spans.forEach((line, i) => expectClean(`span record ${i}`, line))
    }))
})

describe("a short Basic password", () => {
  // The user is not a secret, but a password under 4 characters is too short to be one alone: an
  // echo of `user:password` must still be kept out, as it was before the user stopped being a secret.
  it.effect("echoed as user:password stays out of the error", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(errorBody(`Bad credentials for ${USERNAME}:x9Q`), 400))
      const error = yield* Effect.flip(find.pipe(
        Effect.provide(Layer.merge(mock.layer, Authenticator.basic({ username: USERNAME, password: Redacted.make("x9Q") })))
      ))
      expect(error._tag).toBe("BadRequest")
      for (const rendered of [error.message, inspect(error), JSON.stringify(error)]) {
        expect(rendered).not.toContain(`${USERNAME}:x9Q`)
      }
    }))
})

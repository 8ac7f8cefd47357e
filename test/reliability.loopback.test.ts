/**
 * The reliability suite over loopback HTTP: every scenario runs against a real server on
 * 127.0.0.1 (the fake Bitbucket served with faults, or a tiny scripted node:http server for answers
 * the fake cannot give) with a real HTTP client (undici; fetch where cheap), in real time with
 * small delays. Each scenario counts the requests the server saw, so a retry storm or a duplicate
 * POST fails the test; each runs under a hang guard; every error, log line and span it produces is
 * searched for the API token / OAuth client secret (a canary seeded into the fake).
 *
 * At the end the suite writes a summary to `os.tmpdir()/effect-bitbucket-reliability.json` and
 * prints a compact table.
 */
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Duration, Effect, Exit, Fiber, Layer, Option, Stream } from "effect"
import { writeFileSync } from "node:fs"
import { createServer } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import {
  Authenticator,
  BitbucketConfig,
  type BitbucketError,
  Pagination,
  PullRequest,
  Ref,
  Repository,
  Snippet
} from "../src/index.js"
import type * as Http from "../src/internal/http.js"
import { FakeBitbucket } from "../src/testing/index.js"
import {
  capture,
  findLeaks,
  LEAK_CLIENT_ID,
  LEAK_EMAIL,
  LEAK_USER_UUID,
  renderExit,
  type Scripted,
  scriptedServer,
  SECRET,
  sendJson,
  sendText
} from "./support/loopback.js"

// ---------------------------------------------------------------------------------------------
// Seed, clients, settings
// ---------------------------------------------------------------------------------------------

/** The default seed plus a canary user (API token = SECRET, owner of demo) and OAuth consumer (secret = SECRET). */
const seed: FakeBitbucket.Seed = {
  ...FakeBitbucket.defaultSeed,
  users: [
    ...FakeBitbucket.defaultSeed.users,
    {
      uuid: LEAK_USER_UUID,
      account_id: "557058:leak",
      display_name: "Leak Canary",
      nickname: "leak",
      email: LEAK_EMAIL,
      apiTokens: [SECRET]
    }
  ],
  workspaces: FakeBitbucket.defaultSeed.workspaces.map((w) =>
    w.slug === "demo" ? { ...w, members: [...w.members, { user: LEAK_USER_UUID, permission: "owner" as const }] } : w
  ),
  oauthConsumers: [
    ...(FakeBitbucket.defaultSeed.oauthConsumers ?? []),
    {
      key: LEAK_CLIENT_ID,
      secret: SECRET,
      name: "Leak canary consumer",
      owner: LEAK_USER_UUID,
      scopes: ["account", "repository", "repository:write", "pullrequest"]
    }
  ]
}

const wireAuthorization = `Basic ${Buffer.from(`${LEAK_EMAIL}:${SECRET}`).toString("base64")}`

type Transport = "undici" | "fetch"
type AuthKind = "apiToken" | "oauth"

const transports: Record<Transport, Layer.Layer<HttpClient.HttpClient>> = {
  undici: NodeHttpClient.layerUndici,
  fetch: FetchHttpClient.layer
}

interface ClientOptions {
  readonly settings?: BitbucketConfig.PartialSettings
  readonly transport?: Transport
  readonly auth?: AuthKind
  /** The OAuth token endpoint's base (`fake.oauthUrl`), for `auth: "oauth"`. */
  readonly oauthUrl?: string
  /** Replaces the transport. */
  readonly http?: Layer.Layer<HttpClient.HttpClient>
}

/** Fast, real-time retry settings (the brief's numbers), with per-scenario overrides. */
const settingsFor = (baseUrl: string, overrides: BitbucketConfig.PartialSettings = {}): BitbucketConfig.PartialSettings => ({
  timeout: "2 seconds",
  ...overrides,
  baseUrl,
  retry: { baseDelay: "5 millis", maxDelay: "50 millis", rateLimitDelay: "20 millis", ...overrides.retry }
})

/** Settings + canary credentials + a real HTTP client. A new layer has a new retry budget. */
const clientLayer = (baseUrl: string, options: ClientOptions = {}) => {
  const http = options.http ?? transports[options.transport ?? "undici"]
  const auth = options.auth === "oauth"
    ? Authenticator.oauth2ClientCredentials({
      clientId: LEAK_CLIENT_ID,
      clientSecret: SECRET,
      tokenUrl: `${options.oauthUrl}/access_token`
    })
    : Authenticator.apiToken({ email: LEAK_EMAIL, token: SECRET })
  return Layer.mergeAll(BitbucketConfig.layer(settingsFor(baseUrl, options.settings)), Layer.provideMerge(auth, http))
}

const serveFake = (faults?: FakeBitbucket.FaultConfig) =>
  Effect.orDie(FakeBitbucket.serve({ port: 0, seed, ...(faults !== undefined ? { faults } : {}) }))

// ---------------------------------------------------------------------------------------------
// The summary
// ---------------------------------------------------------------------------------------------

interface Row {
  readonly scenario: string
  requests: number | string
  outcome: string
  ms: number
  survived: boolean
}

const rows: Array<Row> = []
const leaks: Array<string> = []
let renderingsChecked = 0
let scenariosWithSecretOnWire = 0

// ---------------------------------------------------------------------------------------------
// Running one scenario
// ---------------------------------------------------------------------------------------------

/** Longer than any scenario may take: beyond it, the scenario hangs (a failure). */
const HANG_GUARD = Duration.seconds(10)

const tagOf = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "ok"
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) return `defect: ${Cause.pretty(exit.cause).split("\n")[0]}`
  const error = failure.value as { readonly _tag?: string; readonly reason?: string }
  return error._tag === "TransportError" ? `TransportError(${error.reason})` : String(error._tag)
}

interface Outcome<A, E> {
  readonly exit: Exit.Exit<A, E>
  readonly ms: number
  readonly row: Row
  /** The error, when the exit is a failure with a typed error. */
  readonly error: E | undefined
}

/**
 * Runs a scenario with the canary credentials: under the hang guard, a recording logger and
 * tracer; checks every rendering of the outcome, every log line and span for the secret. The row
 * counts as survived only when the caller calls `done` after its own assertions.
 */
const runScenario = <A, E>(
  scenario: string,
  effect: Effect.Effect<A, E, Http.Requirements>,
  layer: Layer.Layer<Http.Requirements>
) =>
  Effect.gen(function*() {
    const row: Row = { scenario, requests: "?", outcome: "hang", ms: 0, survived: false }
    rows.push(row)
    const cap = capture("reliability-loopback")
    const started = Date.now()
    const guarded = yield* Effect.timeoutOption(Effect.exit(cap.around(Effect.provide(effect, layer))), HANG_GUARD)
    const ms = Date.now() - started
    row.ms = ms
    if (Option.isNone(guarded)) {
      expect.fail(`${scenario}: no outcome within ${Duration.format(HANG_GUARD)} (a hang)`)
      throw new Error("unreachable")
    }
    const exit = guarded.value
    row.outcome = tagOf(exit)
    // Leak audit: the outcome however rendered, every log line, every span record.
    const texts: Array<readonly [string, string]> = [
      ...renderExit(exit),
      ...cap.logs.map((line, i) => [`log line ${i}`, line] as const),
      ...cap.spans.map((line, i) => [`span record ${i}`, line] as const)
    ]
    const found: Array<string> = []
    for (const [where, text] of texts) {
      renderingsChecked++
      const forms = findLeaks(text)
      if (forms.length > 0) found.push(`${scenario}: ${where} leaks ${forms.join(", ")}`)
    }
    leaks.push(...found)
    expect(found, "secrets in errors, logs or spans").toEqual([])
    expect(cap.logs.length, "the scenario was logged").toBeGreaterThan(0)
    const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
    if (Exit.isFailure(exit)) {
      expect(Option.isSome(failure), `${scenario}: failed with a typed error, not a defect: ${Cause.pretty(exit.cause)}`).toBe(true)
      const error = Option.getOrThrow(failure) as { readonly message?: unknown; readonly _tag?: unknown }
      expect(typeof error._tag).toBe("string")
      expect(typeof error.message === "string" && error.message.length > 10, "a message one can act on").toBe(true)
    }
    return {
      exit,
      ms,
      row,
      error: Option.getOrUndefined(failure) as E | undefined
    } satisfies Outcome<A, E>
  })

/** Marks a scenario as survived, with the request count the server saw. */
const done = (row: Row, requests: number) => {
  row.requests = requests
  row.survived = true
}

/** Requests the fake's API saw (the OAuth token endpoint excluded), optionally for one method. */
const apiRequests = (fake: FakeBitbucket.Served, method?: string) =>
  Effect.map(fake.requests, (log) =>
    log.filter((r) => new URL(r.url).pathname.startsWith("/2.0/") && (method === undefined || r.method === method)))

/** Counts the scenario as one that really put the secret on the wire (proves the audit is not vacuous). */
const secretOnWire = (headers: ReadonlyArray<Readonly<Record<string, unknown>>>) => {
  if (headers.some((h) => h["authorization"] === wireAuthorization)) scenariosWithSecretOnWire++
}

/** Clears the log and installs faults before a sub-scenario on a shared fake. */
const reset = (fake: FakeBitbucket.Served, faults?: FakeBitbucket.FaultConfig) =>
  Effect.zipRight(fake.clearRequests, fake.setFaults(faults))

const find = Repository.find({ workspace: "demo", repo_slug: "effect-playground" })
const playground = { workspace: "demo", repo_slug: "effect-playground" }

const pullRequestsTitled = (fake: FakeBitbucket.Served, title: string) =>
  Effect.map(fake.snapshot, (s) =>
    (s.git ?? []).filter((g) => g.repository === "demo/effect-playground")
      .flatMap((g) => g.pullRequests ?? [])
      .filter((pr) => pr.title === title).length)

const branchesNamed = (fake: FakeBitbucket.Served, name: string) =>
  Effect.map(fake.snapshot, (s) =>
    (s.git ?? []).filter((g) => g.repository === "demo/effect-playground")
      .flatMap((g) => g.branches)
      .filter((b) => b.name === name).length)

const status = (code: number, extra: { retryAfter?: number } = {}) => ({ kind: "status" as const, status: code, ...extra })
const onFind = "GET /2.0/repositories/demo/effect-playground"

// ---------------------------------------------------------------------------------------------
// Retries of reads
// ---------------------------------------------------------------------------------------------

describe("GET through transient server errors", () => {
  it.scopedLive("5xx and 555 N times: success after N+1 requests; beyond maxRetries: ServerError after 1+maxRetries", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const cases: ReadonlyArray<readonly [number, number, Transport]> = [
        [500, 2, "undici"],
        [502, 2, "undici"],
        [503, 1, "undici"],
        [503, 4, "undici"], // = maxRetries: the last retry succeeds
        [504, 2, "undici"],
        [555, 3, "undici"],
        [503, 2, "fetch"],
        [555, 2, "fetch"]
      ]
      for (const [code, times, transport] of cases) {
        yield* reset(fake, { rules: [{ route: onFind, times, fault: status(code) }] })
        const { exit, row } = yield* runScenario(
          `GET ${code} x${times} (${transport})`,
          find,
          clientLayer(fake.baseUrl, { transport, settings: { retry: { maxRetries: 4 } } })
        )
        expect(Exit.isSuccess(exit), `${code} x${times}`).toBe(true)
        const seen = yield* apiRequests(fake)
        expect(seen, `${code} x${times}: requests`).toHaveLength(times + 1)
        expect(seen.filter((r) => r.fault !== undefined)).toHaveLength(times)
        secretOnWire(seen.map((r) => r.headers))
        done(row, seen.length)
      }
      for (const [code, maxRetries] of [[503, 3], [500, 2], [555, 4], [502, 0]] as const) {
        yield* reset(fake, { rules: [{ route: onFind, fault: status(code) }] })
        const { error, row } = yield* runScenario(
          `GET ${code} always, maxRetries ${maxRetries}`,
          find,
          clientLayer(fake.baseUrl, { settings: { retry: { maxRetries } } })
        )
        expect(error).toMatchObject({ _tag: "ServerError", status: code, method: "GET" })
        expect(error!.message).toContain(`failed with ${code}`)
        if (code === 555) expect(error!.message).toMatch(/timed out/i)
        const seen = yield* apiRequests(fake)
        expect(seen).toHaveLength(1 + maxRetries)
        done(row, seen.length)
      }
    }))
})

describe("429 rate limiting", () => {
  it.scopedLive("without Retry-After: retried after at least rateLimitDelay; persistent: RateLimited after 1+maxRetries", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      yield* reset(fake, { rules: [{ route: onFind, times: 1, fault: status(429) }] })
      // rateLimitDelay far above the exponential backoff (5 ms), so only it can explain the wait.
      const once = yield* runScenario(
        "GET 429 x1 text/plain, no Retry-After",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { rateLimitDelay: "150 millis" } } })
      )
      expect(Exit.isSuccess(once.exit)).toBe(true)
      expect(once.ms).toBeGreaterThanOrEqual(150)
      expect(yield* apiRequests(fake)).toHaveLength(2)
      done(once.row, 2)

      yield* reset(fake, { rules: [{ route: onFind, fault: status(429) }] })
      const always = yield* runScenario(
        "GET 429 always, maxRetries 2",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 2, rateLimitDelay: "60 millis" } } })
      )
      expect(always.error).toMatchObject({ _tag: "RateLimited", status: 429 })
      expect(Option.isNone((always.error as BitbucketError.RateLimited).retryAfter)).toBe(true)
      expect(always.error!.message).toContain("Rate limit for this resource has been exceeded")
      expect(always.ms).toBeGreaterThanOrEqual(120)
      expect(yield* apiRequests(fake)).toHaveLength(3)
      done(always.row, 3)
    }))

  it.scopedLive("with Retry-After: honoured (elapsed >= it), and reported on the error", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      yield* reset(fake, { rules: [{ route: onFind, times: 1, fault: status(429, { retryAfter: 1 }) }] })
      const once = yield* runScenario("GET 429 x1 Retry-After: 1", find, clientLayer(fake.baseUrl))
      expect(Exit.isSuccess(once.exit)).toBe(true)
      expect(once.ms).toBeGreaterThanOrEqual(1000)
      expect(yield* apiRequests(fake)).toHaveLength(2)
      done(once.row, 2)

      yield* reset(fake, { rules: [{ route: onFind, fault: status(429, { retryAfter: 7 }) }] })
      const noRetry = yield* runScenario(
        "GET 429 Retry-After: 7, maxRetries 0",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 0 } } })
      )
      const limited = noRetry.error as BitbucketError.RateLimited
      expect(limited._tag).toBe("RateLimited")
      expect(Option.map(limited.retryAfter, Duration.toMillis)).toEqual(Option.some(7000))
      expect(yield* apiRequests(fake)).toHaveLength(1)
      done(noRetry.row, 1)

      // A Retry-After on a 503 is honoured as well.
      yield* reset(fake, { rules: [{ route: onFind, times: 1, fault: status(503, { retryAfter: 1 }) }] })
      const unavailable = yield* runScenario("GET 503 x1 Retry-After: 1", find, clientLayer(fake.baseUrl))
      expect(Exit.isSuccess(unavailable.exit)).toBe(true)
      expect(unavailable.ms).toBeGreaterThanOrEqual(1000)
      expect(yield* apiRequests(fake)).toHaveLength(2)
      done(unavailable.row, 2)

      // A Retry-After beyond maxElapsed is not waited for: fail at once rather than sleep past the budget.
      yield* reset(fake, { rules: [{ route: onFind, fault: status(429, { retryAfter: 30 }) }] })
      const tooLong = yield* runScenario(
        "GET 429 Retry-After: 30 > maxElapsed",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { maxElapsed: "5 seconds" } } })
      )
      expect(tooLong.error).toMatchObject({ _tag: "RateLimited" })
      expect(tooLong.ms).toBeLessThan(2000)
      expect(yield* apiRequests(fake)).toHaveLength(1)
      done(tooLong.row, 1)
    }))
})

// ---------------------------------------------------------------------------------------------
// Writes: never a duplicate
// ---------------------------------------------------------------------------------------------

describe("POST: retried only when nothing was created", () => {
  it.scopedLive("a POST on 429 is retried once and creates exactly one pull request / one branch", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      yield* reset(fake, { rules: [{ route: "POST /2.0/repositories", times: 1, fault: status(429) }] })
      const pr = yield* runScenario(
        "POST pull request, 429 x1",
        PullRequest.create(playground, { title: "reliability-429", source: { branch: { name: "docs/guide" } } }),
        clientLayer(fake.baseUrl)
      )
      expect(Exit.isSuccess(pr.exit)).toBe(true)
      const posts = yield* apiRequests(fake, "POST")
      expect(posts).toHaveLength(2)
      expect(posts[0]!.fault?.fault).toEqual(status(429))
      expect(yield* pullRequestsTitled(fake, "reliability-429")).toBe(1)
      secretOnWire(posts.map((r) => r.headers))
      done(pr.row, posts.length)

      yield* reset(fake, { rules: [{ route: "POST /2.0/repositories", times: 1, fault: status(429) }] })
      const viaFetch = yield* runScenario(
        "POST pull request, 429 x1 (fetch)",
        PullRequest.create(playground, { title: "reliability-429-fetch", source: { branch: { name: "docs/guide" } } }),
        clientLayer(fake.baseUrl, { transport: "fetch" })
      )
      expect(Exit.isSuccess(viaFetch.exit)).toBe(true)
      expect(yield* apiRequests(fake, "POST")).toHaveLength(2)
      expect(yield* pullRequestsTitled(fake, "reliability-429-fetch")).toBe(1)
      done(viaFetch.row, 2)

      // A multipart body is sent again, byte for byte, and the snippet exists once.
      yield* reset(fake, { rules: [{ route: "POST /2.0/snippets", times: 1, fault: status(429) }] })
      const bytes = new Uint8Array([0, 1, 2, 250, 251, 252])
      const snippet = yield* runScenario(
        "POST snippet (multipart), 429 x1",
        Snippet.create({ workspace: "demo" }, {
          title: "reliability-snippet",
          is_private: false,
          files: [{ name: "a.txt", content: "hello\n" }, { name: "b.bin", content: bytes }]
        }),
        clientLayer(fake.baseUrl)
      )
      expect(Exit.isSuccess(snippet.exit)).toBe(true)
      const snippetPosts = yield* apiRequests(fake, "POST")
      expect(snippetPosts).toHaveLength(2)
      expect(snippetPosts[1]!.body).toBe(snippetPosts[0]!.body)
      const snippets = (yield* fake.snapshot).snippets?.filter((x) => x.title === "reliability-snippet") ?? []
      expect(snippets).toHaveLength(1)
      expect(Buffer.from(snippets[0]!.files["b.bin"]!, "base64")).toEqual(Buffer.from(bytes))
      done(snippet.row, 2)

      yield* reset(fake, { rules: [{ route: "POST /2.0/repositories", times: 1, fault: status(429) }] })
      const branch = yield* runScenario(
        "POST branch, 429 x1",
        Ref.createBranch(playground, { name: "reliability/429", target: { hash: "main" } }),
        clientLayer(fake.baseUrl)
      )
      expect(Exit.isSuccess(branch.exit)).toBe(true)
      expect(yield* apiRequests(fake, "POST")).toHaveLength(2)
      expect(yield* branchesNamed(fake, "reliability/429")).toBe(1)
      done(branch.row, 2)
    }))

  it.scopedLive("a POST on 503 / disconnect / timeout / truncated answer is sent exactly once; never a duplicate", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const cases: ReadonlyArray<{
        readonly name: string
        readonly fault: FakeBitbucket.Fault
        readonly tag: string
        /** Did the server create it? (status and disconnect faults never reach the model.) */
        readonly created: number
        readonly settings?: BitbucketConfig.PartialSettings
      }> = [
        { name: "503", fault: status(503), tag: "ServerError", created: 0 },
        { name: "555", fault: status(555), tag: "ServerError", created: 0 },
        { name: "502 HTML", fault: { kind: "html", status: 502 }, tag: "ServerError", created: 0 },
        { name: "disconnect", fault: { kind: "disconnect" }, tag: "TransportError", created: 0 },
        // The server creates it after the client gave up: exactly once, and the client must not retry.
        {
          name: "latency > timeout",
          fault: { kind: "latency", millis: 400 },
          tag: "TransportError",
          created: 1,
          settings: { timeout: "120 millis" }
        },
        { name: "truncated JSON answer", fault: { kind: "malformed" }, tag: "DecodeError", created: 1 }
      ]
      for (const c of cases) {
        const title = `reliability-post-${c.name}`
        yield* reset(fake, { rules: [{ route: "POST /2.0/repositories", fault: c.fault }] })
        const { error, row } = yield* runScenario(
          `POST pull request, ${c.name}`,
          PullRequest.create(playground, { title, source: { branch: { name: "docs/guide" } } }),
          clientLayer(fake.baseUrl, { settings: c.settings ?? {} })
        )
        expect((error as { _tag: string } | undefined)?._tag, c.name).toBe(c.tag)
        if (c.fault.kind === "latency") {
          expect(error).toMatchObject({ reason: "Timeout" })
          // Let the server finish the request the client gave up on.
          yield* Effect.sleep("600 millis")
        }
        const posts = yield* apiRequests(fake, "POST")
        expect(posts, `${c.name}: POSTs`).toHaveLength(1)
        expect(yield* pullRequestsTitled(fake, title), `${c.name}: created`).toBe(c.created)
        done(row, posts.length)
        row.outcome += c.created === 1 ? " (created once)" : " (not created)"
      }

      // Opting in: retryNonIdempotent retries a POST after a 503 (the fake never created on 503).
      yield* reset(fake, { rules: [{ route: "POST /2.0/repositories", times: 1, fault: status(503) }] })
      const optIn = yield* runScenario(
        "POST pull request, 503 x1, retryNonIdempotent",
        PullRequest.create(playground, { title: "reliability-opt-in", source: { branch: { name: "docs/guide" } } }),
        clientLayer(fake.baseUrl, { settings: { retry: { retryNonIdempotent: true } } })
      )
      expect(Exit.isSuccess(optIn.exit)).toBe(true)
      expect(yield* apiRequests(fake, "POST")).toHaveLength(2)
      expect(yield* pullRequestsTitled(fake, "reliability-opt-in")).toBe(1)
      done(optIn.row, 2)
    }))
})

/** A port nothing listens on (yet). */
const freePort = Effect.async<number>((resume) => {
  const probe = createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as { port: number }).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

describe("connection refused: nothing was sent, so any method is retried", () => {
  it.scopedLive("a POST while the server is down is retried until it is up, and creates exactly once", () =>
    Effect.gen(function*() {
      for (const transport of ["undici", "fetch"] as const) {
        const port = yield* freePort
        const baseUrl = `http://127.0.0.1:${port}/2.0`
        const title = `reliability-refused-${transport}`
        const layer = clientLayer(baseUrl, { transport, settings: { retry: { maxRetries: 8 } } })
        const started = Date.now()
        const fiber = yield* Effect.fork(
          runScenario(
            `POST pull request, connection refused, then up (${transport})`,
            PullRequest.create(playground, { title, source: { branch: { name: "docs/guide" } } }),
            layer
          )
        )
        yield* Effect.sleep("60 millis")
        const fake = yield* Effect.orDie(FakeBitbucket.serve({ port, seed }))
        const upAfter = Date.now() - started
        const { exit, row } = yield* Fiber.join(fiber)
        expect(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toBe(true)
        const posts = yield* apiRequests(fake, "POST")
        expect(posts).toHaveLength(1)
        expect(yield* pullRequestsTitled(fake, title)).toBe(1)
        done(row, posts.length)
        row.outcome += ` (server up after ${upAfter} ms)`
      }
      // Down for good: a GET gives up after its retries with a TransportError.
      const port = yield* freePort
      const down = yield* runScenario(
        "GET, connection refused throughout",
        find,
        clientLayer(`http://127.0.0.1:${port}/2.0`, { settings: { retry: { maxRetries: 2 } } })
      )
      expect(down.error).toMatchObject({ _tag: "TransportError", reason: "Transport" })
      // The socket's own error is in the message, not only "Transport".
      expect((down.error as { message: string }).message).toMatch(/failed before a response: .*ECONNREFUSED/)
      done(down.row, 0)
    }))
})

// ---------------------------------------------------------------------------------------------
// Transport failures and timeouts of reads
// ---------------------------------------------------------------------------------------------

describe("GET on dropped connections and slow answers", () => {
  it.scopedLive("disconnect: retried; TransportError after 1+maxRetries requests", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      for (const transport of ["undici", "fetch"] as const) {
        yield* reset(fake, { rules: [{ route: onFind, times: 2, fault: { kind: "disconnect" } }] })
        const recovered = yield* runScenario(`GET disconnect x2 (${transport})`, find, clientLayer(fake.baseUrl, { transport }))
        expect(Exit.isSuccess(recovered.exit)).toBe(true)
        expect(yield* apiRequests(fake)).toHaveLength(3)
        done(recovered.row, 3)
      }
      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "disconnect" } }] })
      const failed = yield* runScenario(
        "GET disconnect always, maxRetries 3",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 3 } } })
      )
      expect(failed.error).toMatchObject({ _tag: "TransportError", reason: "Transport", method: "GET" })
      expect(yield* apiRequests(fake)).toHaveLength(4)
      done(failed.row, 4)
    }))

  it.scopedLive("latency beyond the attempt timeout: retried, TransportError(Timeout) after 1+maxRetries; the operation timeout bounds the total", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "latency", millis: 1500 } }] })
      const perAttempt = yield* runScenario(
        "GET latency 1.5 s > timeout 100 ms, maxRetries 2",
        find,
        clientLayer(fake.baseUrl, { settings: { timeout: "100 millis", retry: { maxRetries: 2 } } })
      )
      expect(perAttempt.error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(perAttempt.error!.message).toContain("timed out after")
      expect(perAttempt.ms).toBeGreaterThanOrEqual(300)
      expect(perAttempt.ms).toBeLessThan(1200)
      expect(yield* apiRequests(fake)).toHaveLength(3)
      done(perAttempt.row, 3)

      yield* reset(fake, { rules: [{ route: onFind, times: 1, fault: { kind: "latency", millis: 1500 } }] })
      const recovered = yield* runScenario(
        "GET latency x1 > timeout, then fine",
        find,
        clientLayer(fake.baseUrl, { settings: { timeout: "100 millis" } })
      )
      expect(Exit.isSuccess(recovered.exit)).toBe(true)
      expect(yield* apiRequests(fake)).toHaveLength(2)
      done(recovered.row, 2)

      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "latency", millis: 3000 } }] })
      const bounded = yield* runScenario(
        "GET latency, operationTimeout 500 ms, maxRetries 20",
        find,
        clientLayer(fake.baseUrl, {
          settings: { timeout: "150 millis", operationTimeout: "500 millis", retry: { maxRetries: 20, maxElapsed: "1 minute" } }
        })
      )
      // It ends at the deadline (the last attempt cut short), or earlier when the next backoff
      // would end past it (then with the attempt's own timeout): never after it.
      expect(bounded.error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(bounded.error!.message).toMatch(/operation timeout|timed out after 150ms/)
      expect(bounded.ms).toBeGreaterThanOrEqual(140)
      expect(bounded.ms).toBeLessThan(1000)
      const seen = (yield* apiRequests(fake)).length
      expect(seen).toBeGreaterThanOrEqual(1)
      expect(seen).toBeLessThanOrEqual(4)
      done(bounded.row, seen)
    }))
})

// ---------------------------------------------------------------------------------------------
// Client-wide protections
// ---------------------------------------------------------------------------------------------

describe("retry budget during a sustained outage", () => {
  it.scopedLive("N consecutive calls cause at most capacity/retryCost retries in total", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const budget = { capacity: 20, retryCost: 5, timeoutCost: 10, successRefund: 1 }
      yield* reset(fake, { rules: [{ route: onFind, fault: status(503) }] })
      const layer = clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 4, budget } } })
      const calls = 6
      const { exit, row } = yield* runScenario(
        `${calls} GETs, 503 always, budget 20/5`,
        Effect.forEach(Array.from({ length: calls }), () => Effect.either(find)),
        layer
      )
      const results = Exit.isSuccess(exit) ? exit.value : []
      expect(results.every((r) => r._tag === "Left" && r.left._tag === "ServerError")).toBe(true)
      // Without a budget: 6 x 5 = 30 requests. With it: 6 first attempts + 20/5 retries.
      const seen = yield* apiRequests(fake)
      expect(seen).toHaveLength(calls + budget.capacity / budget.retryCost)
      done(row, seen.length)

      // Dropped connections cost timeoutCost (10): two retries in all.
      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "disconnect" } }] })
      const transport = yield* runScenario(
        `${calls} GETs, disconnect always, budget 20/10`,
        Effect.forEach(Array.from({ length: calls }), () => Effect.either(find)),
        clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 4, budget } } })
      )
      expect(Exit.isSuccess(transport.exit)).toBe(true)
      const dropped = yield* apiRequests(fake)
      expect(dropped).toHaveLength(calls + budget.capacity / budget.timeoutCost)
      done(transport.row, dropped.length)
    }))
})

describe("rate-limit awareness", () => {
  it.scopedLive("X-RateLimit-NearLimit: the following requests slow down", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const layer = clientLayer(fake.baseUrl, { settings: { rateLimit: { nearLimitDelay: "150 millis", nearLimitWindow: "10 seconds" } } })
      const three = Effect.forEach([1, 2, 3], () => find)
      yield* reset(fake)
      const baseline = yield* runScenario("3 GETs, no near-limit signal", three, layer)
      expect(Exit.isSuccess(baseline.exit)).toBe(true)
      done(baseline.row, (yield* apiRequests(fake)).length)

      yield* reset(fake, { rules: [{ route: onFind, times: 1, fault: { kind: "nearLimit" } }] })
      const slowed = yield* runScenario("3 GETs after X-RateLimit-NearLimit", Effect.zipRight(find, three), layer)
      expect(Exit.isSuccess(slowed.exit)).toBe(true)
      const seen = yield* apiRequests(fake)
      expect(seen).toHaveLength(4)
      expect(seen[0]!.fault?.fault.kind).toBe("nearLimit")
      // Three requests after the signal, each waiting nearLimitDelay first.
      expect(slowed.ms).toBeGreaterThanOrEqual(450)
      // (Less than the 450 ms waited: the baseline's first requests also opened the connection,
      // which on a loaded machine takes a while.)
      expect(slowed.ms - baseline.ms).toBeGreaterThanOrEqual(300)
      done(slowed.row, seen.length)
      slowed.row.outcome += ` (+${slowed.ms - baseline.ms} ms)`
    }))

  it.scopedLive("the client-side limiter: at most maxRequests per interval over real HTTP", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const sends: Array<number> = []
      const tapped = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) => HttpClient.tapRequest(client, () => Effect.sync(() => void sends.push(Date.now()))))
      ).pipe(Layer.provide(NodeHttpClient.layerUndici))
      const interval = 300
      const { exit, row } = yield* runScenario(
        "9 concurrent GETs, limiter 3 per 300 ms",
        Effect.all(Array.from({ length: 9 }, () => find), { concurrency: "unbounded" }),
        clientLayer(fake.baseUrl, { http: tapped, settings: { rateLimit: { maxRequests: 3, interval: `${interval} millis` } } })
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const seen = yield* apiRequests(fake)
      expect(seen).toHaveLength(9)
      expect(sends).toHaveLength(9)
      const sorted = [...sends].sort((a, b) => a - b)
      // The limiter reserves slots exactly; a request reaches the wire a few milliseconds after
      // its slot (building, authenticating, tracing it), more for some than for others.
      const tolerance = 40
      for (let i = 0; i + 3 < sorted.length; i++) {
        expect(sorted[i + 3]! - sorted[i]!, `send ${i + 3} vs ${i}`).toBeGreaterThanOrEqual(interval - tolerance)
      }
      const t0 = sorted[0]!
      const perWindow = [0, 1, 2].map((w) =>
        sorted.filter((t) => t - t0 >= w * interval - tolerance && t - t0 < (w + 1) * interval - tolerance).length
      )
      expect(perWindow).toEqual([3, 3, 3])
      // and not slower than needed: the ninth request goes out in the third window.
      expect(sorted[8]! - t0).toBeLessThan(3 * interval - tolerance)
      done(row, seen.length)
      row.outcome += ` (per window ${perWindow.join("/")})`
    }))
})

describe("the client-side limiter and abandoned requests", () => {
  it.scopedLive("requests that timed out waiting for a slot do not delay later requests", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const layer = clientLayer(fake.baseUrl, {
        settings: { operationTimeout: "150 millis", rateLimit: { maxRequests: 1, interval: "300 millis" } }
      })
      const burst = yield* runScenario(
        "5 concurrent GETs, limiter 1 per 300 ms, operationTimeout 150 ms",
        Effect.all(Array.from({ length: 5 }, () => Effect.either(find)), { concurrency: "unbounded" }),
        layer
      )
      const results = Exit.isSuccess(burst.exit) ? burst.exit.value : []
      expect(results.filter((r) => r._tag === "Right")).toHaveLength(1)
      expect(results.filter((r) => r._tag === "Left" && r.left._tag === "TransportError")).toHaveLength(4)
      expect(yield* apiRequests(fake)).toHaveLength(1)
      done(burst.row, 1)
      yield* Effect.sleep("400 millis")
      const later = yield* runScenario("a GET 400 ms after the burst (limiter queue should be empty)", find, layer)
      done(later.row, (yield* apiRequests(fake)).length - 1)
      later.row.survived = Exit.isSuccess(later.exit)
      if (!later.row.survived) later.row.outcome += " (BUG: phantom limiter slots)"
      expect(Exit.isSuccess(later.exit), "the later request went through").toBe(true)
    }))
})

// ---------------------------------------------------------------------------------------------
// Bad output
// ---------------------------------------------------------------------------------------------

const repoJson = (origin: string, name: string) => ({
  type: "repository",
  name,
  full_name: `demo/${name}`,
  links: { self: { href: `${origin}/2.0/repositories/demo/${name}` } }
})

/** A scripted API answering what the fake cannot: bodies that are wrong in every way, and loops. */
const badApi = scriptedServer((req, res, origin) => {
  const url = new URL(req.url ?? "/", origin)
  const page = Number(url.searchParams.get("page") ?? "1")
  switch (url.pathname) {
    case "/2.0/repositories/demo/html200":
      return sendText(res, 200, "<!DOCTYPE html><html><body><h1>Maintenance</h1><p>Back soon.</p></body></html>", "text/html")
    case "/2.0/repositories/demo/empty":
      return sendText(res, 200, "", "application/json")
    case "/2.0/repositories/demo/nocontent":
      res.writeHead(204).end()
      return
    case "/2.0/repositories/demo/stall":
      // Headers and half a body, then nothing: only the attempt timeout can end this.
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
      res.write("{\"type\":\"repository\",\"name\":")
      return
    case "/2.0/repositories/demo/short":
      // Announces more bytes than it sends, then closes.
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
      res.end("{\"type\":\"repository\",\"name\":")
      res.socket?.destroy()
      return
    case "/2.0/repositories/loop": {
      // Page 2's `next` is the first page again.
      const next = page === 1 ? `${origin}/2.0/repositories/loop?page=2&pagelen=2` : `${origin}/2.0/repositories/loop?pagelen=2`
      return sendJson(res, 200, { values: [repoJson(origin, `loop-${page}a`), repoJson(origin, `loop-${page}b`)], next })
    }
    case "/2.0/repositories/demo/x/pullrequests/1/diff":
      // Redirects to itself, forever.
      res.writeHead(302, { location: `${origin}${req.url}` }).end()
      return
    case "/2.0/repositories/demo/x/pullrequests/2/diff":
      res.writeHead(302, { location: `${origin}/2.0/repositories/demo/x/diff/abc..def` }).end()
      return
    case "/2.0/repositories/demo/x/diff/abc..def":
      return sendText(res, 200, "diff --git a/x b/x\n", "text/plain")
    case "/2.0/repositories/brokenpage": {
      // A list-based listing of 10 whose third page always fails.
      if (page === 3) return sendJson(res, 503, { type: "error", error: { message: "Service Unavailable" } })
      return sendJson(res, 200, {
        values: [repoJson(origin, `broken-${page}a`), repoJson(origin, `broken-${page}b`)],
        page,
        pagelen: 2,
        size: 10,
        ...(page < 5 ? { next: `${origin}/2.0/repositories/brokenpage?pagelen=2&page=${page + 1}` } : {})
      })
    }
    case "/2.0/repositories/selfloop":
      return sendJson(res, 200, { values: [repoJson(origin, "self")], next: `${origin}${req.url}` })
    case "/2.0/repositories/big": {
      // Ignores the pagelen asked for (2) and sends 5 a page, saying so.
      const size = 12
      const values = Array.from({ length: 5 }, (_, i) => (page - 1) * 5 + i + 1).filter((n) => n <= size)
        .map((n) => repoJson(origin, `big-${String(n).padStart(2, "0")}`))
      const last = Math.ceil(size / 5)
      return sendJson(res, 200, {
        values,
        page,
        pagelen: 5,
        size,
        ...(page < last ? { next: `${origin}/2.0/repositories/big?pagelen=2&page=${page + 1}` } : {})
      })
    }
    default:
      return sendJson(res, 404, { type: "error", error: { message: "not scripted" } })
  }
})

describe("bad output: a clear typed error or handled, never a hang", () => {
  it.scopedLive("from the fake: truncated JSON, an HTML 502 page", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "malformed" } }] })
      const truncated = yield* runScenario("GET 200 truncated JSON", find, clientLayer(fake.baseUrl))
      expect(truncated.error).toMatchObject({ _tag: "DecodeError", method: "GET" })
      expect(truncated.error!.message).toMatch(/malformed or non-JSON/)
      expect(yield* apiRequests(fake)).toHaveLength(1) // a decode failure is not retried
      done(truncated.row, 1)

      yield* reset(fake, { rules: [{ route: onFind, fault: { kind: "html", status: 502 } }] })
      const html = yield* runScenario(
        "GET 502 HTML page",
        find,
        clientLayer(fake.baseUrl, { settings: { retry: { maxRetries: 2 } } })
      )
      expect(html.error).toMatchObject({ _tag: "ServerError", status: 502 })
      expect(html.error!.message).not.toContain("<")
      expect(html.error!.message).toContain("Bitbucket is having trouble")
      expect(yield* apiRequests(fake)).toHaveLength(3)
      done(html.row, 3)

      // A truncated page in the middle of a listing fails the stream (after the items before it).
      yield* reset(fake, { rules: [{ route: "GET /2.0/repositories/demo", fault: { kind: "malformed" } }] })
      const listing = yield* runScenario(
        "listing, truncated page",
        Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 2 })),
        clientLayer(fake.baseUrl)
      )
      expect(listing.error).toMatchObject({ _tag: "DecodeError" })
      const seen = (yield* apiRequests(fake)).length
      expect(seen).toBe(1)
      done(listing.row, seen)
    }))

  it.scopedLive("from a scripted server: HTML with 200, empty body, 204, stalled and short bodies, next loops, big pages", () =>
    Effect.gen(function*() {
      const api = yield* badApi
      const base = `${api.origin}/2.0`
      const layer = (settings: BitbucketConfig.PartialSettings = {}) => clientLayer(base, { settings })
      const get = (slug: string) => Repository.find({ workspace: "demo", repo_slug: slug })
      const requestsSince = (from: number) => api.requests.length - from

      const single: ReadonlyArray<{
        readonly name: string
        readonly slug: string
        readonly tag: string
        readonly message: RegExp
        readonly requests: number
        readonly settings?: BitbucketConfig.PartialSettings
      }> = [
        { name: "GET 200 text/html page", slug: "html200", tag: "DecodeError", message: /malformed or non-JSON content \(text\/html/, requests: 1 },
        { name: "GET 200 empty body", slug: "empty", tag: "DecodeError", message: /empty/, requests: 1 },
        { name: "GET 204 where JSON expected", slug: "nocontent", tag: "DecodeError", message: /empty/, requests: 1 },
        {
          name: "GET stalled body, maxRetries 1",
          slug: "stall",
          tag: "TransportError",
          message: /timed out after/,
          requests: 2,
          settings: { timeout: "200 millis", retry: { maxRetries: 1 } }
        },
        {
          name: "GET body shorter than Content-Length, maxRetries 1",
          slug: "short",
          tag: "TransportError",
          // The response came: the message says the body was cut, and why.
          message: /failed while reading the response: \S|timed out/,
          requests: 2,
          settings: { retry: { maxRetries: 1 } }
        }
      ]
      for (const c of single) {
        const from = api.requests.length
        const { error, row } = yield* runScenario(c.name, get(c.slug), layer(c.settings))
        expect((error as { _tag: string } | undefined)?._tag, c.name).toBe(c.tag)
        expect((error as { message: string }).message, c.name).toMatch(c.message)
        expect(requestsSince(from), `${c.name}: requests`).toBe(c.requests)
        done(row, requestsSince(from))
      }

      for (const [workspace, pages] of [["loop", 2], ["selfloop", 1]] as const) {
        const from = api.requests.length
        const { error, row } = yield* runScenario(
          `listing whose next repeats a fetched URL (${workspace})`,
          Stream.runCollect(Repository.findForWorkspace({ workspace }, { pagelen: 2 })),
          layer()
        )
        expect(error).toMatchObject({ _tag: "DecodeError" })
        expect((error as { message: string }).message).toContain("pagination loop")
        expect(requestsSince(from)).toBe(pages)
        done(row, requestsSince(from))
      }

      {
        const from = api.requests.length
        const { error, row } = yield* runScenario(
          "diff redirected to itself forever",
          PullRequest.diff({ workspace: "demo", repo_slug: "x", pull_request_id: 1 }),
          layer()
        )
        expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 302 })
        expect(requestsSince(from)).toBe(6) // the first request and 5 redirects, then it stops
        done(row, requestsSince(from))
      }
      {
        const from = api.requests.length
        const { exit, row } = yield* runScenario(
          "diff redirected once on the API origin",
          PullRequest.diff({ workspace: "demo", repo_slug: "x", pull_request_id: 2 }),
          layer()
        )
        expect(exit).toEqual(Exit.succeed("diff --git a/x b/x\n"))
        expect(requestsSince(from)).toBe(2)
        // Same origin: the credentials follow the redirect.
        expect(api.requests.at(-1)!.headers["authorization"]).toBe(wireAuthorization)
        done(row, requestsSince(from))
      }

      for (const concurrency of [1, 4]) {
        const from = api.requests.length
        const { error, row } = yield* runScenario(
          `listing whose page 3 always fails, maxRetries 2 (concurrency ${concurrency})`,
          Stream.runCollect(Repository.findForWorkspace({ workspace: "brokenpage" }, { pagelen: 2, concurrency })),
          layer({ retry: { maxRetries: 2 } })
        )
        expect(error).toMatchObject({ _tag: "ServerError", status: 503 })
        // Pages 1 and 2 (and, concurrently, 4 and 5) once each; page 3 three times; nothing more.
        const pageThree = api.requests.slice(from).filter((r) => r.url.includes("page=3")).length
        expect(pageThree).toBe(3)
        expect(requestsSince(from)).toBeLessThanOrEqual(concurrency === 1 ? 5 : 7)
        done(row, requestsSince(from))
      }

      const expected = Array.from({ length: 12 }, (_, i) => `demo/big-${String(i + 1).padStart(2, "0")}`)
      for (const concurrency of [1, 4]) {
        const from = api.requests.length
        const { exit, row } = yield* runScenario(
          `listing with pages larger than asked (concurrency ${concurrency})`,
          Effect.map(Stream.runCollect(Repository.findForWorkspace({ workspace: "big" }, { pagelen: 2, concurrency })), Chunk.toReadonlyArray),
          layer()
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        if (Exit.isSuccess(exit)) expect(exit.value.map((r) => r.full_name)).toEqual(expected)
        expect(requestsSince(from)).toBe(3)
        done(row, requestsSince(from))
      }
      secretOnWire(api.requests.map((r) => r.headers))
    }))
})

// ---------------------------------------------------------------------------------------------
// Streams under faults
// ---------------------------------------------------------------------------------------------

describe("listings under transient faults", () => {
  it.scopedLive("every item exactly once, in order, as without faults; requests = pages + faulted", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const listing = (concurrency: number) =>
        Effect.map(
          Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 2, concurrency })),
          (c) => Chunk.toReadonlyArray(c).map((r) => r.full_name)
        )
      const settings = { retry: { maxRetries: 8 } }
      yield* reset(fake)
      const clean = yield* runScenario("listing demo, pagelen 2, no faults", listing(1), clientLayer(fake.baseUrl, { settings }))
      expect(Exit.isSuccess(clean.exit)).toBe(true)
      const reference = Exit.isSuccess(clean.exit) ? clean.exit.value : []
      const pages = (yield* apiRequests(fake)).length
      expect(reference).toHaveLength(13)
      expect(pages).toBe(7)
      done(clean.row, pages)

      // Taking a few items fetches what they need plus at most the prefetched page.
      yield* reset(fake)
      const few = yield* runScenario(
        "listing demo, take 3 of 13 (pagelen 2, prefetch 1)",
        Effect.map(Stream.runCollect(Stream.take(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 2 }), 3)), Chunk.size),
        clientLayer(fake.baseUrl, { settings })
      )
      expect(few.exit).toEqual(Exit.succeed(3))
      const fewRequests = (yield* apiRequests(fake)).length
      expect(fewRequests).toBeGreaterThanOrEqual(2)
      expect(fewRequests).toBeLessThanOrEqual(3)
      done(few.row, fewRequests)

      const route = "GET /2.0/repositories/demo"
      for (
        const [concurrency, transport, faultSeed] of [[1, "undici", 11], [4, "undici", 12], [1, "fetch", 13], [4, "fetch", 14]] as const
      ) {
        // ~30% of page fetches fail: 15% 503, then 18% of the rest dropped.
        yield* reset(fake, {
          seed: faultSeed,
          rules: [
            { route, rate: 0.15, fault: status(503) },
            { route, rate: 0.18, fault: { kind: "disconnect" } }
          ]
        })
        const { exit, row } = yield* runScenario(
          `listing demo, ~30% 503/disconnect, concurrency ${concurrency} (${transport})`,
          listing(concurrency),
          clientLayer(fake.baseUrl, { settings, transport })
        )
        expect(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toBe(true)
        if (Exit.isSuccess(exit)) expect(exit.value).toEqual(reference)
        const seen = yield* apiRequests(fake)
        const faulted = seen.filter((r) => r.fault !== undefined).length
        expect(faulted, "some page fetches were faulted").toBeGreaterThan(0)
        expect(seen.length, "each faulted fetch cost exactly one extra request").toBe(pages + faulted)
        done(row, seen.length)
        row.outcome += ` (${faulted} faulted)`
      }
    }))
})

// ---------------------------------------------------------------------------------------------
// Credentials and other hosts
// ---------------------------------------------------------------------------------------------

describe("credentials never go to another host over real HTTP", () => {
  it.scopedLive("a next link, a redirect or a start URL on a foreign origin: RefusedOrigin, the foreign server sees nothing", () =>
    Effect.gen(function*() {
      const foreign: Scripted = yield* scriptedServer((_req, res) => sendJson(res, 200, { values: [] }))
      const api = yield* scriptedServer((req, res, origin) => {
        const url = new URL(req.url ?? "/", origin)
        if (url.pathname === "/2.0/repositories/evil") {
          return sendJson(res, 200, {
            values: [repoJson(origin, "first")],
            next: `${foreign.origin}/2.0/repositories/evil?page=2`
          })
        }
        if (url.pathname.endsWith("/diff") || url.pathname.endsWith("/moved")) {
          res.writeHead(302, { location: `${foreign.origin}/steal${url.pathname}` }).end()
          return
        }
        if (url.pathname.endsWith("/moved307")) {
          res.writeHead(307, { location: `${foreign.origin}/steal${url.pathname}` }).end()
          return
        }
        return sendJson(res, 404, { type: "error", error: { message: "not scripted" } })
      })
      const base = `${api.origin}/2.0`
      const cases: ReadonlyArray<{
        readonly name: string
        readonly run: Effect.Effect<unknown, BitbucketError.BitbucketError, Http.Requirements>
        readonly tag: string
        readonly reason?: string
        readonly apiRequests: number
      }> = [
        {
          name: "listing whose next is on a foreign host",
          run: Stream.runCollect(Repository.findForWorkspace({ workspace: "evil" })),
          tag: "TransportError",
          reason: "RefusedOrigin",
          apiRequests: 1
        },
        {
          name: "diff redirected (302) to a foreign host",
          run: PullRequest.diff({ workspace: "demo", repo_slug: "x", pull_request_id: 1 }),
          tag: "TransportError",
          reason: "RefusedOrigin",
          apiRequests: 1
        },
        {
          name: "streamUrl starting on a foreign host",
          run: Stream.runCollect(Pagination.streamUrl(`${foreign.origin}/2.0/repositories/evil`, Repository.Repository)),
          tag: "TransportError",
          reason: "RefusedOrigin",
          apiRequests: 0
        },
        {
          name: "GET answered 302 to a foreign host (not followed)",
          run: Repository.find({ workspace: "demo", repo_slug: "moved" }),
          tag: "UnexpectedStatus",
          apiRequests: 1
        },
        {
          name: "GET answered 307 to a foreign host (not followed)",
          run: Repository.find({ workspace: "demo", repo_slug: "moved307" }),
          tag: "UnexpectedStatus",
          apiRequests: 1
        }
      ]
      for (const c of cases) {
        for (const transport of ["undici", "fetch"] as const) {
          const from = api.requests.length
          const { error, row } = yield* runScenario(`${c.name} (${transport})`, c.run, clientLayer(base, { transport }))
          expect(error, c.name).toMatchObject({ _tag: c.tag, ...(c.reason !== undefined ? { reason: c.reason } : {}) })
          if (c.reason === "RefusedOrigin") expect((error as { message: string }).message).toMatch(/refused|not followed/)
          expect(api.requests.length - from).toBe(c.apiRequests)
          expect(foreign.requests, `${c.name}: the foreign host saw a request`).toEqual([])
          done(row, api.requests.length - from)
          row.outcome += " (foreign: 0)"
        }
      }
      // The API itself did get the credentials: the refusal is not an accident of anonymity.
      expect(api.requests.every((r) => r.headers["authorization"] === wireAuthorization)).toBe(true)
      secretOnWire(api.requests.map((r) => r.headers))
    }))
})

// ---------------------------------------------------------------------------------------------
// OAuth over loopback (the client secret is the canary)
// ---------------------------------------------------------------------------------------------

describe("OAuth 2.0 client credentials under faults", () => {
  it.scopedLive("token endpoint failures are typed and not retried; API retries reuse the token", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake()
      const oauth = (settings: BitbucketConfig.PartialSettings = {}) =>
        clientLayer(fake.baseUrl, { auth: "oauth", oauthUrl: fake.oauthUrl, settings })
      const tokenRequests = Effect.map(fake.requests, (log) => log.filter((r) => r.url.endsWith("/site/oauth2/access_token")))
      const cases: ReadonlyArray<readonly [string, FakeBitbucket.Fault, string]> = [
        ["token endpoint 503", status(503), "ServerError"],
        ["token endpoint disconnect", { kind: "disconnect" }, "TransportError"],
        ["token endpoint truncated JSON", { kind: "malformed" }, "DecodeError"],
        ["token endpoint HTML 500", { kind: "html", status: 500 }, "ServerError"]
      ]
      for (const [name, fault, tag] of cases) {
        yield* reset(fake, { rules: [{ route: "POST /site/oauth2", fault }] })
        const { error, row } = yield* runScenario(`OAuth: ${name}`, find, oauth())
        expect((error as { _tag: string } | undefined)?._tag, name).toBe(tag)
        const tokens = yield* tokenRequests
        // The client secret did go to the token endpoint (Basic client auth).
        expect(tokens.every((r) => r.headers["authorization"] === `Basic ${Buffer.from(`${LEAK_CLIENT_ID}:${SECRET}`).toString("base64")}`))
          .toBe(true)
        if (tokens.length > 0) scenariosWithSecretOnWire++
        expect(yield* apiRequests(fake), "no API request without a token").toHaveLength(0)
        done(row, tokens.length)
      }

      yield* reset(fake, { rules: [{ route: onFind, times: 2, fault: status(503) }] })
      const { exit, row } = yield* runScenario("OAuth: GET 503 x2", find, oauth())
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(yield* tokenRequests).toHaveLength(1)
      const seen = yield* apiRequests(fake)
      expect(seen).toHaveLength(3)
      expect(seen.every((r) => r.headers["authorization"]?.startsWith("Bearer "))).toBe(true)
      done(row, seen.length + 1)
    }))
})

describe("OAuth 2.0: a rate-limited token request", () => {
  it.scopedLive("a 429 from the token endpoint is retried like any refused request", () =>
    Effect.gen(function*() {
      const fake = yield* serveFake({ rules: [{ route: "POST /site/oauth2", times: 1, fault: status(429) }] })
      const { exit, row } = yield* runScenario(
        "OAuth: token endpoint 429 x1",
        find,
        clientLayer(fake.baseUrl, { auth: "oauth", oauthUrl: fake.oauthUrl })
      )
      const tokens = (yield* fake.requests).filter((r) => r.url.endsWith("/site/oauth2/access_token")).length
      row.requests = tokens + (yield* apiRequests(fake)).length
      if (Exit.isFailure(exit)) row.outcome += " (BUG: token request not retried)"
      expect(Exit.isSuccess(exit), "the call succeeded after the token request was retried").toBe(true)
      expect(tokens).toBe(2)
      done(row, tokens + 1)
    }))
})

// ---------------------------------------------------------------------------------------------
// The audit and the summary
// ---------------------------------------------------------------------------------------------

describe("leak audit", () => {
  it("every scenario's errors, logs and spans were searched; the canary was on the wire; nothing leaked", () => {
    expect(rows.length).toBeGreaterThan(40)
    expect(renderingsChecked).toBeGreaterThan(500)
    expect(scenariosWithSecretOnWire).toBeGreaterThan(10)
    expect(leaks).toEqual([])
  })
})

afterAll(() => {
  const survived = rows.filter((r) => r.survived).length
  const summary = {
    suite: "test/reliability.loopback.test.ts",
    finishedAt: new Date().toISOString(),
    scenariosTried: rows.length,
    survived,
    secretsLeaked: leaks.length,
    renderingsChecked,
    scenariosWithSecretOnWire,
    scenarios: rows,
    leaks
  }
  const file = path.join(os.tmpdir(), "effect-bitbucket-reliability.json")
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`)
  const width = Math.max(...rows.map((r) => r.scenario.length), 8)
  const lines = [
    `${"scenario".padEnd(width)} | req | outcome`,
    `${"-".repeat(width)}-|-----|--------`,
    ...rows.map((r) => `${r.scenario.padEnd(width)} | ${String(r.requests).padStart(3)} | ${r.survived ? "" : "FAILED: "}${r.outcome}`),
    "",
    `${survived}/${rows.length} scenarios survived, ${leaks.length} secrets leaked (${renderingsChecked} renderings searched); summary: ${file}`
  ]
  console.log(lines.join("\n"))
})

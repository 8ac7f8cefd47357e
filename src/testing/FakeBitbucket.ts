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
 * - Webhooks deliver: an event (a pull request opened, a branch pushed, a build status set, ...)
 *   makes a signed delivery for every active subscription that lists it, recorded in
 *   {@link FakeBitbucket.deliveries} (and POSTed to loopback receivers when served).
 * - Merge checks only advise, as on Bitbucket without Premium, unless an `enforce_merge_checks`
 *   branch restriction covers the destination branch: then a merge that fails the branch's other
 *   merge checks (approvals, default reviewers' approvals, no changes requested, tasks resolved,
 *   passing builds on the source's head, commits behind) is a 400 naming them (the form of that
 *   refusal is a guess).
 * - Merges follow the six strategies as git does them, without conflicts; a repository's seed
 *   `mergeStrategies` sets those allowed (a 400 for another) and the default.
 * - Permissions: a user's explicit permission on a repository or project (seed `permissions`, or
 *   granted through `permissions-config`) changes what the user may do; a group's (seed
 *   `groupPermissions`, or granted the same way) does the same for the group's `members`.
 * - Pipelines: a run (on a branch, tag, commit or pull request) has one step and completes 5
 *   seconds after it started, on Effect's `Clock` (`TestClock.adjust` drives it), `SUCCESSFUL`
 *   unless a rule of the seed's `pipelineSettings[].results` ({@link SeedPipelineResult}) makes
 *   it end `FAILED` (a failing test: in the log and the test reports) or `ERROR`:
 *
 * ```ts
 * // Runs on feature/streams fail; the custom pipeline "deploy" errs; every other run succeeds.
 * const fake = yield* FakeBitbucket.make({
 *   seed: {
 *     ...FakeBitbucket.defaultSeed,
 *     pipelineSettings: [{
 *       repository: "demo/effect-playground",
 *       results: [{ ref: "feature/streams", result: "FAILED" }, { custom: "deploy", result: "ERROR" }]
 *     }]
 *   }
 * })
 * ```
 *
 * Three ways to talk to it:
 * - in memory: {@link layer} (an `HttpClient` that calls {@link FakeBitbucket.handle});
 * - over real HTTP on 127.0.0.1: {@link serve} / {@link layerServer}, for any HTTP client (the
 *   library with `NodeHttpClient`/`FetchHttpClient`, the `bitbucket` npm package, curl);
 * - from a terminal: `npm run fake-server -- --port 7990 [--seed seed.json] [--faults faults.json]`
 *   prints the base URL and the seeded credentials and serves until Ctrl-C.
 *
 * Faults on demand ({@link FaultConfig}: 429, 5xx, 555, HTML error pages, latency, dropped
 * connections, truncated JSON, near-limit headers) are drawn from a seeded PRNG (mulberry32), so a
 * run replays exactly; set them at start (`faults` option) or at any time with
 * {@link FakeBitbucket.setFaults}. Rules are checked in order, the first that fires decides, and the
 * request log records it (`RecordedRequest.fault`):
 *
 * ```ts
 * const fake = yield* FakeBitbucket.make({
 *   faults: {
 *     seed: 42,
 *     rules: [
 *       // the first two requests under demo (its listing, and any of its repositories) are rate limited (text/plain, no Retry-After)
 *       { route: "GET /2.0/repositories/demo", times: 2, fault: { kind: "status", status: 429 } },
 *       // one in ten diffs times out the Bitbucket way
 *       { route: /^GET \/2\.0\/repositories\/[^/]+\/[^/]+\/diff\//, rate: 0.1, fault: { kind: "status", status: 555 } },
 *       // every POST waits 2 seconds (on Effect's Clock: TestClock in tests)
 *       { route: "POST /2.0", fault: { kind: "latency", millis: 2000 } },
 *       // and 5% of everything else drops the connection
 *       { rate: 0.05, fault: { kind: "disconnect" } }
 *     ]
 *   }
 * })
 * ```
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
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { FaultConfig } from "./internal/faults.js"
import { fromJson, isDisconnect, validate } from "./internal/faults.js"
import type { ListenError } from "./internal/serve.js"
import { listen, postDelivery } from "./internal/serve.js"
import { makeServer } from "./internal/server.js"
import type { DeliverySender, RecordedDelivery, RecordedRequest } from "./internal/server.js"
import * as Throttle from "../internal/throttle.js"
import { defaultSeed } from "./internal/seed.js"
import type { Seed } from "./internal/seed.js"

export type { AppliedFault, Fault, FaultConfig, FaultRule } from "./internal/faults.js"
export { ListenError } from "./internal/serve.js"
export type { RecordedDelivery, RecordedRequest } from "./internal/server.js"
export type {
  Seed,
  SeedAccessToken,
  SeedAnnotation,
  SeedAuthor,
  SeedBranch,
  SeedBranchingModel,
  SeedBranchRestriction,
  SeedBuildStatus,
  SeedComment,
  SeedCommit,
  SeedCommitComment,
  SeedDeployKey,
  SeedDeployment,
  SeedEnvironment,
  SeedGitRepository,
  SeedGroup,
  SeedIssue,
  SeedIssueChange,
  SeedIssueComment,
  SeedIssueTracker,
  SeedMember,
  SeedMergeStrategy,
  SeedOAuthConsumer,
  SeedParticipant,
  SeedPipelineResult,
  SeedPipelineSettings,
  SeedPipelineVariable,
  SeedProject,
  SeedProperty,
  SeedPullRequest,
  SeedReport,
  SeedRepository,
  SeedRepositoryDeployments,
  SeedSnippet,
  SeedSshKey,
  SeedSnippetComment,
  SeedTag,
  SeedTask,
  SeedUser,
  SeedVariable,
  SeedWebhook,
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
  /**
   * Answers one request, as Bitbucket would (or as a fault says). Never fails; records the
   * request. A `disconnect` fault answers `Response.error()` (a network error: `type === "error"`,
   * status 0), which {@link client} turns into a transport `RequestError` and {@link serve} into
   * a destroyed socket.
   */
  readonly handle: (request: Request) => Effect.Effect<Response>
  /**
   * Every request received so far (including refused requests to foreign hosts made through
   * {@link client}); a faulted request carries the `fault` that was applied. Requests are kept as
   * sent: credentials and secured variable values included (keep logs of it out of CI output).
   */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Empties the request log. */
  readonly clearRequests: Effect.Effect<void>
  /** Adds an entry to the request log (for transports that refuse a request before `handle`). */
  readonly record: (request: RecordedRequest) => Effect.Effect<void>
  /**
   * Every webhook delivery made so far, oldest first: one per active subscription (of the
   * repository, or of its workspace) that lists an event the fake published (pull requests and
   * their reviews and comments, pushes through the refs and `src` endpoints, build statuses,
   * commit comments). Each has the subscription's `url`, the headers Bitbucket sends
   * (`X-Event-Key`, `X-Hub-Signature` when the hook has a secret, `X-Request-UUID`,
   * `X-Hook-UUID`, ...) and the exact `body` that was signed: check it with
   * `Webhook.verifySignature` or hand it to `Webhook.receive`. A fake served with {@link serve}
   * also POSTs each delivery whose URL is on 127.0.0.1 or localhost before it answers the request
   * that caused it (and records the receiver's `status`, or the `error`); it never contacts any
   * other host. Deliveries are a log, like {@link FakeBitbucket.requests}: they are not part of
   * {@link FakeBitbucket.snapshot}.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { Webhook } from "effect-bitbucket"
   * import { FakeBitbucket } from "effect-bitbucket/testing"
   *
   * // After the code under test opened a pull request on demo/effect-playground:
   * const received = Effect.gen(function*() {
   *   const fake = yield* FakeBitbucket.FakeBitbucket
   *   const [delivery] = yield* fake.deliveries
   *   return yield* Webhook.receive({ secret: "playground-hook-secret", headers: delivery!.headers, body: delivery!.body })
   * })
   * ```
   */
  readonly deliveries: Effect.Effect<ReadonlyArray<RecordedDelivery>>
  /** Empties the delivery log. */
  readonly clearDeliveries: Effect.Effect<void>
  /**
   * The current data, in seed form (a deep copy: created, updated and deleted repositories show).
   * Like a seed, it holds credentials and secured variable values in clear: do not publish it.
   */
  readonly snapshot: Effect.Effect<Seed>
  /**
   * Creates a single-use OAuth authorization code for `clientId` on behalf of `user`
   * (a uuid, account_id or email), for `grant_type=authorization_code`. Dies on an unknown
   * client or user.
   */
  readonly createAuthorizationCode: (clientId: string, user: string) => Effect.Effect<string>
  /**
   * Replaces the fault rules (`undefined` switches faults off). The PRNG restarts from the new
   * config's seed and every rule's `times` counter from 0. Dies on an invalid config.
   *
   * @example
   * ```ts
   * yield* fake.setFaults({ rules: [{ route: "GET /2.0/repositories/demo", times: 2, fault: { kind: "status", status: 503 } }] })
   * // ... the next two requests under demo answer 503, then all is well again
   * yield* fake.setFaults(undefined)
   * ```
   */
  readonly setFaults: (config: FaultConfig | undefined) => Effect.Effect<void>
  /** The fault rules in force, if any. */
  readonly faults: Effect.Effect<FaultConfig | undefined>
}

/**
 * A fake served over HTTP by {@link serve}: its `baseUrl` and `oauthUrl` are on the server's own
 * origin, e.g. `http://127.0.0.1:54321/2.0` and `http://127.0.0.1:54321/site/oauth2`.
 *
 * @since 0.1.0
 */
export interface Served extends FakeBitbucket {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly port: number
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
  /** Fault rules in force from the start (see {@link FaultConfig}); default none. */
  readonly faults?: FaultConfig
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
export const make = (options: Options = {}): Effect.Effect<FakeBitbucket> => makeWith(options, undefined)

/** {@link make}, with the sender of webhook deliveries a served fake uses. */
const makeWith = (options: Options, sendDelivery: DeliverySender | undefined): Effect.Effect<FakeBitbucket> =>
  Effect.sync(() => {
    const server = makeServer({
      seed: options.seed ?? defaultSeed,
      baseUrl: options.baseUrl ?? "https://api.bitbucket.org/2.0",
      oauthUrl: options.oauthUrl ?? "https://bitbucket.org/site/oauth2",
      faults: options.faults,
      sendDelivery
    })
    const fake: FakeBitbucket = {
      baseUrl: server.baseUrl,
      oauthUrl: server.oauthUrl,
      handle: server.handle,
      requests: server.requests,
      clearRequests: server.clearRequests,
      record: server.record,
      deliveries: server.deliveries,
      clearDeliveries: server.clearDeliveries,
      snapshot: server.snapshot,
      createAuthorizationCode: server.createAuthorizationCode,
      setFaults: (config) => Effect.suspend(() => server.setFaults(config === undefined ? undefined : validate(config))),
      faults: server.faults
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
 * `"Transport"`, and so does a request hit by a `disconnect` fault. Redirects are not followed.
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
  const http = HttpClient.make((request, url) =>
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
      if (isDisconnect(response)) {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: "FakeBitbucket dropped the connection (disconnect fault)"
        })
      }
      return HttpClientResponse.fromWeb(request, response)
    })
  )
  // Each fake has its own retry budget and limiter state: tests sharing one process and the
  // default settings neither spend each other's budget nor wait on each other's slowdowns.
  Throttle.keepApart(http)
  return http
}

/**
 * Provides a fresh fake and an `HttpClient` connected to it.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { it } from "@effect/vitest"
 * import { Effect } from "effect"
 * import { FakeBitbucket } from "effect-bitbucket/testing"
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

/**
 * Options of {@link serve} and {@link layerServer}.
 *
 * @example
 * ```ts
 * const options: FakeBitbucket.ServeOptions = {
 *   port: 0, // a free port
 *   faults: { seed: 42, rules: [{ rate: 0.1, fault: { kind: "status", status: 503 } }] }
 * }
 * ```
 * @since 0.1.0
 */
export interface ServeOptions {
  /** TCP port; 0 (the default) picks a free one (read it from `baseUrl` or `port`). */
  readonly port?: number
  /** The server listens on loopback only. */
  readonly host?: "127.0.0.1"
  /** Default {@link defaultSeed}. */
  readonly seed?: Seed
  /** Fault rules in force from the start; change them later with {@link FakeBitbucket.setFaults}. */
  readonly faults?: FaultConfig
}

/**
 * Serves a fresh fake over real HTTP on `127.0.0.1` (node:http) until the scope closes. The API
 * answers under `${origin}/2.0` and the OAuth token endpoint at `${origin}/site/oauth2/access_token`;
 * every link in every answer carries the server's own origin. Node requests are handed to
 * {@link FakeBitbucket.handle} as web `Request`s and its `Response`s go back byte for byte (status,
 * headers including `Location`, body); a `disconnect` fault destroys the socket.
 *
 * Webhook deliveries (see {@link FakeBitbucket.deliveries}) whose URL is on 127.0.0.1 or
 * localhost are POSTed for real, signed, before the request that caused them is answered (each
 * request waits for its own, however many are answered at once); a subscription can point there
 * only through the seed (the API refuses loopback URLs, as Bitbucket does). Other URLs are never
 * contacted.
 *
 * Handlers run with the services of the fiber that called `serve`: under `TestClock`, timestamps
 * and OAuth token expiry follow the test clock, and a `latency` fault waits for `TestClock.adjust`
 * (use `it.live`/`it.scopedLive` when a real client waits on real latency).
 *
 * Fails with {@link ListenError} when the port cannot be bound.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Stream } from "effect"
 * import { Authenticator, BitbucketConfig, Repository } from "effect-bitbucket"
 * import { FakeBitbucket } from "effect-bitbucket/testing"
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* FakeBitbucket.serve({ port: 0 })
 *   return yield* Repository.findForWorkspace({ workspace: "demo" }).pipe(
 *     Stream.runCollect,
 *     Effect.provide(Layer.mergeAll(
 *       BitbucketConfig.layer({ baseUrl: server.baseUrl }),
 *       Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }),
 *       NodeHttpClient.layerUndici
 *     ))
 *   )
 * }).pipe(Effect.scoped)
 * ```
 * @since 0.1.0
 */
export const serve = (options: ServeOptions = {}): Effect.Effect<Served, ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.faults !== undefined) yield* Effect.sync(() => validate(options.faults!))
    const server = yield* listen({ port: options.port, host: options.host })
    const fake = yield* makeWith({
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.faults !== undefined ? { faults: options.faults } : {}),
      baseUrl: `${server.origin}/2.0`,
      oauthUrl: `${server.origin}/site/oauth2`
    }, postDelivery)
    server.setHandler(fake.handle)
    return { ...fake, origin: server.origin, port: server.port }
  })

/**
 * Provides the `FakeBitbucket` tag with a fake served over HTTP (see {@link serve}); the server
 * stops when the layer's scope closes. Pair it with a real `HttpClient` and a `BitbucketConfig`
 * pointed at the server's `baseUrl`.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { layer } from "@effect/vitest"
 * import { Effect, Layer } from "effect"
 * import { Authenticator, BitbucketConfig, Repository } from "effect-bitbucket"
 * import { FakeBitbucket } from "effect-bitbucket/testing"
 *
 * const Server = FakeBitbucket.layerServer({ port: 0 })
 * const Config = Layer.unwrapEffect(
 *   Effect.map(FakeBitbucket.FakeBitbucket, (fake) => BitbucketConfig.layer({ baseUrl: fake.baseUrl }))
 * )
 * const Live = Layer.mergeAll(Config, Authenticator.anonymous, NodeHttpClient.layerUndici).pipe(
 *   Layer.provideMerge(Server)
 * )
 * layer(Live)("over loopback", (it) => {
 *   it.effect("reads a public repository", () => Effect.asVoid(Repository.find({ workspace: "demo", repo_slug: "effect-playground" })))
 * })
 * ```
 * @since 0.1.0
 */
export const layerServer = (options: ServeOptions = {}): Layer.Layer<FakeBitbucket, ListenError> =>
  Layer.scoped(FakeBitbucket, serve(options))

/**
 * Reads a fault configuration from parsed JSON (e.g. a `--faults` file). A RegExp route is
 * written `{ "regex": "...", "flags": "i" }`; a string route as is. Throws on an invalid config.
 *
 * @example
 * ```ts
 * import { FakeBitbucket } from "effect-bitbucket/testing"
 * import { readFileSync } from "node:fs"
 *
 * // faults.json: {"seed":7,"rules":[{"route":{"regex":"^GET /2\\.0/repositories/"},"rate":0.2,"fault":{"kind":"status","status":429}}]}
 * const faults = FakeBitbucket.faultConfigFromJson(JSON.parse(readFileSync("faults.json", "utf8")))
 * ```
 * @since 0.1.0
 */
export const faultConfigFromJson = (json: unknown): FaultConfig => fromJson(json)

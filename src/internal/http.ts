/**
 * The one request pipeline: URL building, settings and credentials, timeout, retries, error
 * mapping and decoding. Resource modules describe endpoints and call these functions only.
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Clock, Duration, Effect, Either, identity, Option, ParseResult, Random, Redacted, Schema, type SchemaAST as AST, Stream } from "effect"
import { Authenticator } from "../Authenticator.js"
import { BitbucketConfig, type RetryPolicy, type Settings } from "../BitbucketConfig.js"
import * as BitbucketError from "../BitbucketError.js"
import { clientFailure, decodeError, displayUrl, malformedBody, parseErrorBody, parseRetryAfter, redactError, secretsOf, shortened, statusError, withNote } from "./errors.js"
import * as Throttle from "./throttle.js"
import * as Json from "./json.js"
import * as Multipart from "./multipart.js"
import { isRecord } from "./record.js"
import { redactor } from "./redact.js"
import { currentDeadline, millisLeft, within } from "./timeout.js"
import { validator } from "./validate.js"
import { buildPath, isUnder, originOf, type Query, queryString } from "./url.js"

/** HTTP methods the API uses. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE"

/** A request body. */
export type Body =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Multipart"; readonly parts: ReadonlyArray<Multipart.Part> }
  | { readonly _tag: "Bytes"; readonly value: Uint8Array; readonly contentType: string }

/** A body ready to send: multipart already serialized. */
type PreparedBody = Exclude<Body, { readonly _tag: "Multipart" }>

/**
 * Serializes a multipart body to bytes once, before the first attempt: every HTTP client can send
 * bytes, and a retry resends the same body.
 */
const prepareBody = (body: Body | undefined): PreparedBody | undefined => {
  if (body?._tag !== "Multipart") return body
  const { body: value, contentType } = Multipart.encode(body.parts)
  return { _tag: "Bytes", value, contentType }
}

/** An endpoint call: a path template under the base URL, its parameters, query and body. */
export interface Target {
  readonly method: Method
  /** Path template under the base URL, e.g. `/repositories/{workspace}/{repo_slug}`. */
  readonly path: string
  readonly params?: object
  readonly query?: Query
  readonly body?: Body
  /** `Accept` header. Default `application/json`. */
  readonly accept?: string
  /** Follow 3xx answers (diffs, patches, snippet files). Default false. */
  readonly followRedirects?: boolean
  /**
   * Safe to send twice, whatever the method: a POST that creates or updates by a key the caller
   * chose (bulk annotations by `external_id`). Default: GET, HEAD, PUT and DELETE are.
   */
  readonly idempotent?: boolean
  /**
   * What the request carries that none of its errors may show (the values of a payload's
   * `Redacted` fields): blanked out of an error body Bitbucket echoes them in, and of transport
   * failures.
   */
  readonly secrets?: ReadonlyArray<string>
  /**
   * A status that, for this request, means what 409 does: the resource changed since the caller
   * read it, so a compare-and-swap lost (a snippet updated at a revision that is no longer its
   * latest answers 405). It fails as `Conflict`, keeping the status Bitbucket sent.
   */
  readonly conflictStatus?: number
}

/** A response, its body read in full (or, when asked for, left to stream: see `stream`). */
export interface Received {
  readonly method: Method
  /** The URL that answered; off the API (outside the base URL), without its query (see `shownUrl`). */
  readonly url: string
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: Uint8Array
  /**
   * A 2xx body left unread for the caller to stream (requests sent with `streamBody`); `body` is
   * then empty. Each chunk must come within the attempt timeout.
   */
  readonly stream?: Stream.Stream<Uint8Array, BitbucketError.TransportError>
  /**
   * What no error about this response may show, whatever the body echoes: the request's
   * credentials, its payload's secrets and, off the API, its URL's query (a signed link's signature).
   */
  readonly secrets?: ReadonlyArray<string>
  /** The URL that answered is off the API (a content host): its errors do not speak of Bitbucket. */
  readonly offApi?: boolean
}

export type Requirements = Authenticator | HttpClient.HttpClient

/** The absolute URL of a target, with its parameters validated and encoded. */
export const resolve = (target: Pick<Target, "path" | "params" | "query">) =>
  Effect.flatMap(BitbucketConfig, (settings) =>
    Effect.zipWith(buildPath(target.path, target.params ?? {}), queryString(target.query), (path, query) => `${settings.baseUrl}${path}${query}`))

const idempotent = (method: Method) => method === "GET" || method === "HEAD" || method === "PUT" || method === "DELETE"

const retryableStatus = (status: number) =>
  status === 429 || status === 500 || status === 502 || status === 503 || status === 504 || status === 555

const maxRedirects = 5

/** What an attempt sends besides its method and URL. */
interface Prepared {
  readonly body: PreparedBody | undefined
  readonly accept: string | undefined
  readonly followRedirects: boolean | undefined
  readonly streamBody: boolean | undefined
  readonly secrets: ReadonlyArray<string>
  readonly conflictStatus: number | undefined
  /** The URL is on another origin than the API's (a content host). */
  readonly offApi?: boolean
}

const buildRequest = (
  method: Method,
  url: string,
  settings: Settings,
  options: Prepared
): HttpClientRequest.HttpClientRequest => {
  let request = HttpClientRequest.make(method)(url).pipe(
    HttpClientRequest.setHeaders({ accept: options.accept ?? "application/json", "user-agent": settings.userAgent })
  )
  const body = options.body
  if (body === undefined) {
    // Bitbucket answers 411 to a body-less POST/PUT without Content-Length.
    if (method === "POST" || method === "PUT" || method === "PATCH") {
      request = HttpClientRequest.setBody(request, HttpBody.raw(new Uint8Array(0), { contentLength: 0 }))
    }
  } else if (body._tag === "Json") {
    request = HttpClientRequest.bodyUnsafeJson(request, body.value)
  } else {
    request = HttpClientRequest.bodyUint8Array(request, body.value, body.contentType)
  }
  return request
}

type Attempt =
  | { readonly _tag: "Response"; readonly request: HttpClientRequest.HttpClientRequest; readonly received: Received }
  | {
    readonly _tag: "Failure"
    readonly error: BitbucketError.TransportError
    /** The request certainly did not reach the server (connection refused, DNS failure). */
    readonly notSent: boolean
  }

const notSentCodes: ReadonlySet<unknown> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"])

/** Did the request fail before anything was sent? Looks through the error's causes. */
const failedBeforeSending = (error: unknown, depth = 0): boolean => {
  if (typeof error !== "object" || error === null || depth > 6) return false
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown }
  if (notSentCodes.has(e.code)) return true
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => failedBeforeSending(inner, depth + 1))) {
    return true
  }
  return failedBeforeSending(e.cause, depth + 1)
}

const transportError = (
  method: Method,
  url: string,
  error: HttpClientError.HttpClientError | "timeout",
  timeout: Duration.Duration,
  secrets: ReadonlyArray<string> = []
) =>
  new BitbucketError.TransportError({
    message: error === "timeout"
      ? `${method} ${displayUrl(url)} timed out after ${Duration.format(timeout)}`
      : `${method} ${displayUrl(url)} ${clientFailure(error, secrets)}`,
    method,
    url: displayUrl(url),
    reason: error === "timeout" ? "Timeout" : "Transport"
  })

/** A streamed body that sent nothing for an attempt timeout. */
const stalled = (method: Method, url: string, timeout: Duration.Duration) =>
  new BitbucketError.TransportError({
    message: `${method} ${displayUrl(url)}: the response body sent nothing for ${Duration.format(timeout)} (BitbucketConfig.timeout)`,
    method,
    url: displayUrl(url),
    reason: "Timeout"
  })

/**
 * How long an attempt may take: the attempt timeout, or what is left of the operation timeout when
 * that is shorter (then running out fails the operation, with `deadlineError`).
 */
interface Limit {
  readonly millis: number
  readonly deadlineError: (() => BitbucketError.TransportError) | undefined
}

/**
 * One attempt: authenticate (same origin only), send, read the whole body, all within its limit
 * (a token renewal that hangs counts against it too). `shown` is the URL its errors and answer
 * show (see {@link shownUrl}).
 */
const attempt = (
  http: HttpClient.HttpClient,
  auth: Authenticator["Type"],
  settings: Settings,
  method: Method,
  url: string,
  shown: string,
  withCredentials: boolean,
  options: Prepared,
  limit: Limit
): Effect.Effect<Attempt, BitbucketError.BitbucketError> =>
  Effect.suspend(() => {
    const unauthenticated = buildRequest(method, url, settings, options)
    // Until the request is handed to the client nothing has been sent, so any method may be retried.
    let sending = false
    const exchange = (request: HttpClientRequest.HttpClientRequest) => {
      sending = true
      return Effect.matchEffect(
        Effect.flatMap(http.execute(request), (response): Effect.Effect<Attempt, HttpClientError.HttpClientError> => {
          const secrets = requestSecrets(request, options)
          const head = { method, url: shown, status: response.status, headers: response.headers, secrets, offApi: options.offApi === true }
          if (options.streamBody === true && response.status >= 200 && response.status < 300) {
            const stream = response.stream.pipe(
              Stream.mapError((error) => transportError(method, shown, error, settings.timeout, secrets)),
              Stream.timeoutFail(() => stalled(method, shown, settings.timeout), settings.timeout)
            )
            return Effect.succeed({ _tag: "Response", request, received: { ...head, body: new Uint8Array(0), stream } })
          }
          return Effect.map(response.arrayBuffer, (buffer): Attempt => ({
            _tag: "Response",
            request,
            received: { ...head, body: new Uint8Array(buffer) }
          }))
        }),
        {
          onFailure: (error) =>
            Effect.succeed<Attempt>({
              _tag: "Failure",
              error: transportError(method, shown, error, settings.timeout, requestSecrets(request, options)),
              notSent: error._tag === "RequestError" && failedBeforeSending(error.cause)
            }),
          onSuccess: Effect.succeed
        }
      )
    }
    const authenticated = withCredentials ? auth.authenticate(unauthenticated) : Effect.succeed(unauthenticated)
    return within(Effect.flatMap(authenticated, exchange), limit.millis).pipe(
      Effect.catchIf((error): error is "timeout" => error === "timeout", () =>
        limit.deadlineError !== undefined ? Effect.fail(limit.deadlineError()) : Effect.succeed<Attempt>({
          _tag: "Failure",
          error: transportError(method, shown, "timeout", settings.timeout),
          notSent: !sending
        }))
    )
  })

/** The wait before retry number `retry` (from 0): `Retry-After` when sent, else backoff with jitter. */
export const backoff = (
  policy: RetryPolicy,
  retry: number,
  status: number | undefined,
  retryAfter: Option.Option<Duration.Duration>
) =>
  Effect.map(Random.nextRange(0.5, 1), (jitter) => {
    const exponential = Math.min(
      Duration.toMillis(policy.maxDelay),
      Duration.toMillis(policy.baseDelay) * 2 ** retry
    ) * jitter
    if (Option.isSome(retryAfter)) return Duration.toMillis(retryAfter.value)
    if (status === 429) return Math.max(exponential, Duration.toMillis(policy.rateLimitDelay))
    return exponential
  })

/** The body as text (UTF-8). */
export const bodyText = (received: Received): string => Json.utf8(received.body)

/** What an error about a request must not show: the credentials it carried, and its payload's secrets. */
const requestSecrets = (request: HttpClientRequest.HttpClientRequest, prepared: Pick<Prepared, "secrets">): ReadonlyArray<string> => [
  ...secretsOf(request.headers["authorization"]),
  ...prepared.secrets
]

/**
 * Query parameters of a signed link that grant access (S3's `X-Amz-Signature`, `X-Amz-Credential`
 * and `X-Amz-Security-Token`, CloudFront's `Signature` and `Policy`, any `token` or `sig`); the
 * others (`X-Amz-Date`, `X-Amz-Expires`, a file name) tell what went wrong and stay readable.
 */
const grantsAccess = /signature|credential|token|policy|secret|password|key-pair-id|awsaccesskeyid|^sig$|^code$|^auth/i

/** What an off-API URL's errors must not show of it: the values of its query parameters that grant access. */
const querySecrets = (url: string): ReadonlyArray<string> => {
  try {
    return [...new URL(url).searchParams].filter(([name, value]) => grantsAccess.test(name) && value.length >= 4).map(([, value]) => value)
  } catch {
    return []
  }
}

const failStatus = (received: Received, conflictStatus: number | undefined) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.fail(
      statusError({
        method: received.method,
        url: received.url,
        status: received.status,
        body: bodyText(received),
        secrets: received.secrets,
        offApi: received.offApi,
        treatAs: received.status === conflictStatus ? 409 : undefined,
        retryAfter: parseRetryAfter(received.headers["retry-after"], now)
      })
    ))

/**
 * Sends a request to an absolute URL through the whole pipeline and reads its body.
 *
 * The URL must be on the base URL's origin (else `TransportError` with reason `RefusedOrigin`),
 * and only requests there carry credentials. With `followRedirects`, a redirect is followed on that
 * origin (with credentials and the request's query parameters) or to one of
 * `BitbucketConfig.redirectHosts` (without either); any other is refused. Retries, the retry
 * budget, rate limiting and both timeouts apply here.
 */
export const send = (
  method: Method,
  url: string,
  options: SendOptions = {}
): Effect.Effect<Received, BitbucketError.BitbucketError, Requirements> =>
  Effect.flatMap(BitbucketConfig, (settings) => sendWith(settings, method, url, options))

/** A `Location` header resolved against the URL that answered it, or undefined when it is not a URL. */
const resolveLocation = (location: string, base: string): URL | undefined => {
  try {
    return new URL(location, base)
  } catch {
    return undefined
  }
}

/** Sets every query parameter of `from` on `to`, replacing those of the same name. */
const carryQuery = (from: URL, to: URL) => {
  for (const name of new Set(from.searchParams.keys())) {
    to.searchParams.delete(name)
    for (const value of from.searchParams.getAll(name)) to.searchParams.append(name, value)
  }
}

/** What a request carries besides its method and URL. */
export interface SendOptions extends Pick<Target, "body" | "accept" | "followRedirects" | "idempotent" | "secrets" | "conflictStatus"> {
  /**
   * Leave a 2xx body unread, as `Received.stream`: the time limits and retries then cover the
   * request up to the response's headers, and the body's chunks each come within the attempt timeout.
   */
  readonly streamBody?: boolean
}

const sendWith = (
  settings: Settings,
  method: Method,
  url: string,
  options: SendOptions
): Effect.Effect<Received, BitbucketError.BitbucketError, Requirements> =>
  Effect.gen(function*() {
    // Trace headers are not sent to Bitbucket; redirects are the pipeline's to follow, not fetch's.
    const client = yield* HttpClient.HttpClient
    const http = HttpClient.withTracerPropagation(client, false)
    const throttle = Throttle.of(settings, client)
    const auth = yield* Authenticator
    const apiOrigin = originOf(settings.baseUrl)
    if (apiOrigin === undefined || originOf(url) !== apiOrigin) {
      return yield* refuseOrigin(method, shownUrl(url, settings.baseUrl))
    }
    if (hasUserinfo(url)) return yield* refuseUserinfo(method, shownUrl(url, settings.baseUrl))
    // The operation timeout, kept without a race of its own around the whole loop (a race forks two
    // fibers, and listings send many requests): attempts get at most what is left of it, waits
    // that would pass it sleep until it and fail, and the rare other steps get `within` it.
    const started = yield* Clock.currentTimeMillis
    const deadline = started + Duration.toMillis(settings.operationTimeout)
    const timedOut = () => operationTimedOut(method, shownUrl(url, settings.baseUrl))
    const leftAt = (now: number) => millisLeft(deadline, now)
    // What runs for this request (its authentication, a renewal) knows its deadline.
    const underDeadline = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.locally(effect, currentDeadline, deadline)
    const bounded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.catchIf(within(underDeadline(effect), leftAt(now)), (e): e is "timeout" => e === "timeout", () => Effect.fail(timedOut())))
    const prepared: Prepared = {
      body: prepareBody(options.body),
      accept: options.accept,
      followRedirects: options.followRedirects,
      streamBody: options.streamBody,
      secrets: options.secrets ?? [],
      conflictStatus: options.conflictStatus
    }
    const requestInit = Option.getOrElse(yield* Effect.serviceOption(FetchHttpClient.RequestInit), () => ({}))
    const policy = settings.retry
    const attemptMillis = Duration.toMillis(settings.timeout)
    let currentUrl = url
    // Credentials go only to the API itself: a link elsewhere on its origin (behind a proxy, say)
    // is fetched without them.
    let withCredentials = isUnder(url, settings.baseUrl)
    let retries = 0
    let renewed = false
    let redirects = 0
    while (true) {
      if (!(yield* Throttle.acquire(throttle, deadline))) return yield* Effect.fail(timedOut())
      const left = leftAt(yield* Clock.currentTimeMillis)
      if (left <= 0) return yield* Effect.fail(timedOut())
      const limit: Limit = left <= attemptMillis
        ? { millis: left, deadlineError: timedOut }
        : { millis: attemptMillis, deadlineError: undefined }
      const onApi = isUnder(currentUrl, settings.baseUrl)
      const shown = onApi ? currentUrl : shownUrl(currentUrl, settings.baseUrl)
      // Off the API, the URL's query is a secret too: a content host's error page may echo a signed link.
      const sent = onApi
        ? prepared
        : { ...prepared, secrets: [...prepared.secrets, ...querySecrets(currentUrl)], offApi: originOf(currentUrl) !== apiOrigin }
      const result: Attempt = yield* attempt(http, auth, settings, method, currentUrl, shown, withCredentials, sent, limit).pipe(
        underDeadline,
        Effect.provideService(FetchHttpClient.RequestInit, { ...requestInit, redirect: "manual" }),
        // A request off the API (a content host's signed link) is not traced: its span would record
        // the URL with its signature. This holds whatever the application's own client says.
        onApi ? identity : Effect.withTracerEnabled(false)
      )
      const now = yield* Clock.currentTimeMillis
      let status: number | undefined
      let retryAfter = Option.none<Duration.Duration>()
      if (result._tag === "Response") {
        const received: Received = result.received
        const code: number = received.status
        status = code
        if (received.headers["x-ratelimit-nearlimit"] === "true") Throttle.nearLimit(throttle, now)
        if (code >= 200 && code < 300) {
          Throttle.refund(throttle)
          return received
        }
        if (code === 401 && withCredentials && !renewed) {
          renewed = true
          if (yield* bounded(auth.onUnauthorized(result.request))) continue
        }
        const location: string | undefined = received.headers["location"]
        if (prepared.followRedirects === true && code >= 300 && code < 400 && location !== undefined) {
          const target = redirects < maxRedirects ? resolveLocation(location, currentUrl) : undefined
          if (target === undefined) {
            const error = statusError({ method, url: shown, status: code, body: "" })
            return yield* Effect.fail(
              new BitbucketError.UnexpectedStatus({
                ...error,
                message: redirects < maxRedirects
                  ? `${method} ${displayUrl(shown)}: ${code} redirect to a Location that is not a URL`
                  : `${method} ${displayUrl(url)}: stopped after ${maxRedirects} redirects (the last to ${displayUrl(shownUrl(resolveLocation(location, currentUrl)?.toString() ?? location, settings.baseUrl))})`
              })
            )
          }
          redirects++
          if (target.username !== "" || target.password !== "") return yield* refuseUserinfo(method, shownUrl(target.toString(), settings.baseUrl))
          // Credentials stay on the API's origin; Bitbucket's content hosts get the request without
          // them, and any other host is refused.
          if (target.origin !== apiOrigin && !isContentHost(target, settings.redirectHosts)) {
            return yield* refuseRedirect(method, shown, shownUrl(target.toString(), settings.baseUrl))
          }
          // Bitbucket's redirects on its own origin (a pull request's diff, diffstat and patch, a
          // renamed repository) drop the query: the request's parameters go along, replacing any of
          // the same name. A content host's URL is signed, so it is left as it is.
          // Credentials and the query go only to the API itself (under the base URL), not to a page
          // of the same origin outside it.
          const underBase = isUnder(target, settings.baseUrl)
          if (underBase) carryQuery(new URL(url), target)
          currentUrl = target.toString()
          withCredentials = withCredentials && underBase
          continue
        }
        if (!retryableStatus(code)) return yield* failStatus(received, prepared.conflictStatus)
        retryAfter = parseRetryAfter(received.headers["retry-after"], now)
      }
      // Safe to retry: idempotent methods and requests (an upsert by key); any method when the
      // request was refused (429) or never left (connection refused); anything when the caller opted in.
      const safe = (options.idempotent ?? idempotent(method)) || policy.retryNonIdempotent || status === 429 ||
        (result._tag === "Failure" && result.notSent)
      const delay = yield* backoff(policy, retries, status, retryAfter)
      // A wait that would end past the operation's deadline cannot lead to a success: the request
      // fails now, with what went wrong (a `RateLimited` keeps its `retryAfter`), not at the deadline.
      // The limiter's waits count too: a slowdown Bitbucket just asked for (near its limit) or a full
      // window would hold the retry past the deadline, to fail there with a timeout.
      const inTime = retries < policy.maxRetries && now + delay - started <= Duration.toMillis(policy.maxElapsed) &&
        Throttle.sendTime(throttle, now + delay) < deadline
      const refused = safe && inTime && !Throttle.spendRetry(throttle, result._tag === "Failure" ? "transport" : "status")
      if (!safe || !inTime || refused) {
        const failure: Effect.Effect<never, BitbucketError.BitbucketError> = result._tag === "Response"
          ? failStatus(result.received, prepared.conflictStatus)
          : Effect.fail(result.error)
        // A retry the budget refused says so: the same failure would otherwise have been retried.
        return yield* (refused ? Effect.mapError(failure, budgetSpent) : failure)
      }
      retries++
      yield* Effect.annotateCurrentSpan("bitbucket.retries", retries)
      // A retry is worth a debug line: a job that slows under faults shows why.
      yield* Effect.logDebug(
        `${method} ${displayUrl(shown)}: ${result._tag === "Response" ? `answered ${status}` : `failed (${result.error.reason})`}; retry ${retries} of ${policy.maxRetries} in ${Math.round(delay)} ms`
      )
      yield* Effect.sleep(Duration.millis(delay))
    }
  }).pipe(
    // Spans record the headers of the requests and answers, redacted: a redirect's Location may be
    // a signed link, and a proxy may echo the credentials in any header of its own.
    Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, "location", unlistedHeader])
  )

/**
 * The headers a span may show as they are (what Bitbucket and HTTP send that carries no secret);
 * any other is recorded as `<redacted>`.
 */
const unlistedHeader = new RegExp(
  `^(?!(?:${
    [
      "accept",
      "accept-encoding",
      "user-agent",
      "content-type",
      "content-length",
      "content-encoding",
      "transfer-encoding",
      "connection",
      "keep-alive",
      "date",
      "etag",
      "last-modified",
      "cache-control",
      "expires",
      "vary",
      "server",
      "retry-after",
      "x-ratelimit-[a-z-]+",
      "x-usage-[a-z-]+",
      "x-request-id",
      "atl-traceid",
      "atl-request-id",
      "x-b3-[a-z]+",
      "traceparent",
      "tracestate",
      "x-trace-id",
      "link",
      "age",
      "via",
      "x-cache[a-z-]*",
      "cf-ray",
      "x-amz-request-id",
      "x-amz-id-2",
      "x-accepted-oauth-scopes",
      "x-oauth-scopes",
      "x-credential-type",
      "x-frame-options",
      "x-content-type-options",
      "strict-transport-security"
    ].join("|")
  })$)`,
  "i"
)

/** The error, its message saying it was not retried because the retry budget is spent. */
const budgetSpent = <E extends BitbucketError.BitbucketError>(error: E): E =>
  withNote(error, "not retried: the retry budget, BitbucketConfig.retry.budget, is spent after many failures")

const operationTimedOut = (method: Method, url: string) =>
  new BitbucketError.TransportError({
    message: `${method} ${displayUrl(url)} did not complete within the operation timeout (BitbucketConfig.operationTimeout)`,
    method,
    url: displayUrl(url),
    reason: "Timeout"
  })

/**
 * A URL as errors and answers show it: off the API (a content host's signed link, a redirect
 * refused), without its query, which may carry a signature that grants access.
 */
const shownUrl = (url: string, baseUrl: string): string => {
  if (isUnder(url, baseUrl)) return url
  try {
    const parsed = new URL(url)
    parsed.search = ""
    return parsed.toString()
  } catch {
    return url
  }
}

/** Is this an https URL on one of the allowed content hosts (`*.` matches any subdomain)? */
const isContentHost = (url: URL, hosts: ReadonlyArray<string>) =>
  url.protocol === "https:" &&
  hosts.some((host) => host.startsWith("*.") ? url.hostname.endsWith(host.slice(1)) : url.hostname === host)

const refuseRedirect = (method: Method, from: string, to: string) =>
  Effect.fail(
    new BitbucketError.TransportError({
      message: `${method} ${displayUrl(from)} redirected to ${displayUrl(to)}, which is neither the API origin nor one of BitbucketConfig.redirectHosts: not followed`,
      method,
      url: displayUrl(from),
      reason: "RefusedOrigin"
    })
  )

/** Does the URL carry a user or password (`https://user:password@host/…`)? */
const hasUserinfo = (url: string) => {
  try {
    const parsed = new URL(url)
    return parsed.username !== "" || parsed.password !== ""
  } catch {
    return false
  }
}

/**
 * A URL with credentials of its own (a `next` link or a redirect's Location) is not sent: fetch
 * refuses it with an error quoting them, undici would send the API's credentials along with them.
 */
const refuseUserinfo = (method: Method, url: string) =>
  Effect.fail(
    new BitbucketError.TransportError({
      message: `${method} ${displayUrl(url)} refused: the URL carries credentials of its own (user:password@), so it is not sent`,
      method,
      url: displayUrl(url),
      reason: "RefusedOrigin"
    })
  )

const refuseOrigin = (method: Method, url: string) =>
  Effect.fail(
    new BitbucketError.TransportError({
      message: `${method} ${displayUrl(url)} refused: the URL is not on the configured Bitbucket API origin, so it is not sent (credentials stay with the API)`,
      method,
      url: displayUrl(url),
      reason: "RefusedOrigin"
    })
  )

/** Sends a target. */
export const request = (target: Target) =>
  Effect.flatMap(resolve(target), (url) => send(target.method, url, target))

type Decoder = (u: unknown) => Either.Either<unknown, ParseResult.ParseError>

/**
 * Is decoding with this AST the identity on valid input (no transformation anywhere)? Then a valid
 * input can be returned as it is instead of copied. Resource schemas are all like that.
 */
const transformationFree = (ast: AST.AST, depth = 0): boolean => {
  if (depth > 50) return false
  switch (ast._tag) {
    case "Transformation":
    case "Suspend":
      return false
    case "Declaration":
      return ast.typeParameters.length === 0
    case "Refinement":
      return transformationFree(ast.from, depth + 1)
    case "Union":
      return ast.types.every((member) => transformationFree(member, depth + 1))
    case "TupleType":
      return ast.elements.every((element) => transformationFree(element.type, depth + 1)) &&
        ast.rest.every((rest) => transformationFree(rest.type, depth + 1))
    case "TypeLiteral":
      return ast.propertySignatures.every((property) => transformationFree(property.type, depth + 1)) &&
        ast.indexSignatures.every((index) => transformationFree(index.type, depth + 1))
    default:
      return true
  }
}

const decoders = new WeakMap<Schema.Schema.AnyNoContext, Decoder>()

/**
 * A cached, synchronous decoding function for a schema (resource schemas need no services, and
 * skipping the Effect machinery per item matters on million-item listings).
 *
 * For transformation-free schemas, valid input is checked (with a check compiled from the schema,
 * see validate.ts) and returned as it is:
 * the same value a decode would build, without a deep copy that a long listing would otherwise
 * keep alive (and the garbage collector would then have to move). Invalid input goes through the
 * full decode, which names the offending field.
 */
export const decoderFor = <A, I>(schema: Schema.Schema<A, I>) => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    const full = Schema.decodeUnknownEither(schema) as Decoder
    if (transformationFree(schema.ast)) {
      const valid = validator(schema.ast)
      decode = (u) => (valid(u) ? Either.right(u) : full(u))
    } else {
      decode = full
    }
    decoders.set(schema, decode)
  }
  return decode as (u: unknown) => Either.Either<A, ParseResult.ParseError>
}

const notJson = (received: Received) =>
  malformedBody(
    received,
    `expected a JSON body, got malformed or non-JSON content (${received.headers["content-type"] ?? "no content type"}, ${received.body.length} bytes)`
  )

/**
 * Parses a received JSON body in two steps: `head` is its top level (for a large page, everything
 * but the items, so that its `next` link is known early), `whole` the entire value.
 */
export const parseJsonStaged = (
  received: Received
): Effect.Effect<{ readonly head: unknown; readonly whole: Effect.Effect<unknown, BitbucketError.DecodeError> }, BitbucketError.DecodeError> => {
  if (Json.isBlank(received.body)) {
    return Effect.fail(malformedBody(received, "expected a JSON body, got an empty one"))
  }
  try {
    const staged = Json.parseJsonStaged(received.body)
    return Effect.succeed({ head: staged.head, whole: Effect.try({ try: staged.whole, catch: () => notJson(received) }) })
  } catch {
    return Effect.fail(notJson(received))
  }
}

/** Parses a received body as JSON. */
export const parseJson = (received: Received): Effect.Effect<unknown, BitbucketError.DecodeError> =>
  Effect.flatMap(parseJsonStaged(received), (staged) => staged.whole)

/** Decodes a parsed value with a schema; failures become `DecodeError` with the field path. */
export const decode = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  received: Pick<Received, "method" | "url" | "status">
): Effect.Effect<A, BitbucketError.DecodeError> =>
  Either.match(decoderFor(schema)(value), {
    onLeft: (error) => Effect.fail(decodeError(error, received)),
    onRight: Effect.succeed
  })

/** Parses and decodes a received JSON body. */
export const decodeReceived = <A, I>(received: Received, schema: Schema.Schema<A, I>) =>
  Effect.flatMap(parseJson(received), (value) => decode(schema, value, received))

/** Sends a target and decodes its JSON body. */
export const json = <A, I>(target: Target, schema: Schema.Schema<A, I>) =>
  Effect.flatMap(request(target), (received) => decodeReceived(received, schema))

/**
 * What a task's status says: still running (poll again), done with its result, done without it
 * (read it at the task's `resultUrl`), or ended some other way (`what` says how; the task's body
 * is what Bitbucket said).
 */
export type TaskOutcome<A> =
  | { readonly _tag: "Pending" }
  | { readonly _tag: "Done"; readonly value: A }
  | { readonly _tag: "ReadResult" }
  | { readonly _tag: "Failed"; readonly what: string }

/** How to poll a task: its status schema, what a status says, where its result is, how often and how long. */
export interface TaskPolling<T, TI, A> {
  readonly schema: Schema.Schema<T, TI>
  readonly outcome: (status: T) => TaskOutcome<A>
  /** The absolute URL of the resource the task produces, read when a status says done without it. */
  readonly resultUrl: string
  readonly interval: Duration.DurationInput
  readonly maxPolls: number
}

/**
 * Polls a task's status at `url` every `interval` (the first poll after one interval), at most
 * `maxPolls` times, until its outcome is known: the result (given, or read at `resultUrl`), a
 * failure naming what the task said, or `Pending` with the task's url when it was still running.
 * `accepted` starts the `Pending` message (the request that started the task).
 */
export const awaitTask = <A, I, T, TI>(
  url: string,
  schema: Schema.Schema<A, I>,
  task: TaskPolling<T, TI, A>,
  accepted?: string
) =>
  Effect.gen(function*() {
    for (let poll = 0; poll < task.maxPolls; poll++) {
      yield* Effect.sleep(task.interval)
      const received = yield* send("GET", url)
      const outcome = task.outcome(yield* decodeReceived(received, task.schema))
      switch (outcome._tag) {
        case "Pending":
          continue
        case "Done":
          return outcome.value
        case "ReadResult":
          return yield* decodeReceived(yield* send("GET", task.resultUrl), schema)
        case "Failed":
          return yield* Effect.fail(taskFailed(received, outcome.what))
      }
    }
    const still = `the task at ${displayUrl(url)} was still pending after ${task.maxPolls} polls (it may still finish: poll its url)`
    return yield* Effect.fail(
      new BitbucketError.Pending({
        message: accepted === undefined ? `GET ${displayUrl(url)}: ${still}` : `${accepted}: accepted, but ${still}`,
        method: "GET",
        url: displayUrl(url),
        polls: task.maxPolls
      })
    )
  })

/**
 * A task status that ended neither in success nor pending, as an `UnexpectedStatus` of the answer
 * that said so (a 200): what the task's body said (`error.message`, or the body's start) is kept.
 */
const taskFailed = (received: Received, what: string): BitbucketError.UnexpectedStatus => {
  const parsed = parseErrorBody(bodyText(received), redactor(received.secrets ?? []))
  const said = parsed.bitbucketMessage ?? parsed.detail
  return new BitbucketError.UnexpectedStatus({
    ...parsed,
    message: `GET ${displayUrl(received.url)}: ${what}${said === undefined ? "" : `. Bitbucket said: ${shortened(said)}`}`,
    method: received.method,
    url: displayUrl(received.url),
    status: received.status
  })
}

/**
 * Sends a target that may answer 202 Accepted with a `Location` to poll (Bitbucket's long-running
 * tasks, e.g. a pull request merge), then polls that URL (see {@link awaitTask}). Any other 2xx
 * answer is the result itself.
 */
export const jsonAwaitingTask = <A, I, T, TI>(target: Target, schema: Schema.Schema<A, I>, task: TaskPolling<T, TI, A>) =>
  Effect.gen(function*() {
    const received = yield* request(target)
    if (received.status !== 202) return yield* decodeReceived(received, schema)
    const location = received.headers["location"]
    if (location === undefined) {
      return yield* Effect.fail(malformedBody(received, "202 Accepted without a Location to poll"))
    }
    const url = resolveLocation(location, received.url)?.toString()
    if (url === undefined) {
      return yield* Effect.fail(malformedBody(received, "202 Accepted with a Location to poll that is not a URL"))
    }
    return yield* awaitTask(url, schema, task, `${target.method} ${displayUrl(received.url)}`)
  })

/** Sends a target and returns its body as text. */
export const text = (target: Target) => Effect.map(request({ accept: "text/plain", ...target }), bodyText)

/**
 * Sends a target and streams its body's bytes as they arrive (never held whole). A failure while
 * streaming is not retried: part of the body has been handed on already.
 */
export const byteStream = (target: Target): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Requirements> =>
  Stream.unwrap(
    Effect.map(
      Effect.flatMap(resolve(target), (url) => send(target.method, url, { accept: "*/*", ...target, streamBody: true })),
      (received) => received.stream ?? Stream.make(received.body)
    )
  )

/** Sends a target and ignores its body. */
export const empty = (target: Target) => Effect.asVoid(request(target))

/** Validates and encodes a payload with its schema, before anything is sent. */
export const encodePayload = <A, I>(schema: Schema.Schema<A, I>, payload: A, name = "payload") => {
  // A schema's message quotes the value it refused ("Expected string, actual …"): a Redacted
  // holding anything but text (a key's bytes, its lines) would be printed whole, so it is refused
  // first, by its place only; and no message may show a secret the payload holds.
  const opaque = nonTextRedacted(payload)
  if (opaque !== undefined) {
    const path = opaque.length === 0 ? name : `${name}.${opaque.join(".")}`
    return Effect.fail(
      new BitbucketError.InvalidInput({ message: `invalid ${path}: a Redacted here must hold text, a string (the value is not shown)`, parameter: path })
    )
  }
  return Effect.mapError(Schema.encode(schema)(payload, { onExcessProperty: "error" }), (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
    const issue = issues[0]
    const path = issue === undefined || issue.path.length === 0 ? name : `${name}.${issue.path.map(String).join(".")}`
    const said = issue === undefined ? "does not match the schema" : issueMessage(issues.filter((i) => sameSegments(i.path, issue.path)))
    return new BitbucketError.InvalidInput({
      message: redactor(redactedValues(payload))(`invalid ${path}: ${said}`),
      parameter: path
    })
  })
}

const sameSegments = (a: ReadonlyArray<PropertyKey>, b: ReadonlyArray<PropertyKey>) => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * What is wrong at one place: a union's members each say what they expected, so a value none of
 * them takes gives "Expected one of "bug", "task", actual "feature"" (an optional field's
 * `undefined` left out), not only the first member's expectation.
 */
const issueMessage = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>): string => {
  const expected: Array<string> = []
  let actual: string | undefined
  for (const issue of issues) {
    // The expectation is the schema's (no ", actual " in it); the value after it is the caller's and may hold anything.
    const match = /^Expected (.+?), actual (.+)$/s.exec(issue.message)
    if (match === null) return issues[0]!.message
    if (match[1] !== "undefined" && !expected.includes(match[1]!)) expected.push(match[1]!)
    actual ??= match[2]
  }
  return expected.length > 1 ? `Expected one of ${expected.join(", ")}, actual ${actual}` : issues[0]!.message
}

/** Where in a payload (plain objects and arrays, a few levels deep) a `Redacted` holds something other than a string. */
const nonTextRedacted = (payload: unknown, path: ReadonlyArray<string> = []): ReadonlyArray<string> | undefined => {
  if (Redacted.isRedacted(payload)) return typeof Redacted.value(payload) === "string" ? undefined : path
  // Bytes (a file's content) hold no Redacted: not walked, however large.
  if (path.length > 8 || typeof payload !== "object" || payload === null || ArrayBuffer.isView(payload)) return undefined
  for (const [key, item] of Object.entries(payload)) {
    const found = nonTextRedacted(item, [...path, key])
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The values of the `Redacted` strings in a payload, and of variables marked `secured` (plain
 * objects and arrays, a few levels deep).
 */
export const redactedValues = (payload: unknown, depth = 0): ReadonlyArray<string> => {
  if (Redacted.isRedacted(payload)) {
    const value: unknown = Redacted.value(payload)
    return typeof value === "string" ? [value] : []
  }
  if (depth > 8) return []
  if (Array.isArray(payload)) return payload.flatMap((item: unknown) => redactedValues(item, depth + 1))
  if (!isRecord(payload)) return []
  const nested = Object.values(payload).flatMap((item) => redactedValues(item, depth + 1))
  // A variable marked secured holds a secret even when it was given as plain text.
  return payload["secured"] === true && typeof payload["value"] === "string" ? [payload["value"], ...nested] : nested
}

/**
 * Validates a payload with its schema (nothing is sent when it is invalid), sends it as JSON and
 * decodes the answer. The payload's `Redacted` values are sent as text and never shown by an error.
 */
export const jsonWithBody = <A, I, P, PI>(
  target: Omit<Target, "body">,
  payloadSchema: Schema.Schema<P, PI>,
  payload: P,
  schema: Schema.Schema<A, I>
) =>
  Effect.flatMap(
    encodePayload(payloadSchema, payload),
    (value) => {
      const secrets = [...(target.secrets ?? []), ...redactedValues(payload)]
      return Effect.mapError(json({ ...target, body: { _tag: "Json", value }, secrets }, schema), (error) => redactError(error, secrets))
    }
  )

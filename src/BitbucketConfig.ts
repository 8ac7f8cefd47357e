/**
 * Settings with good defaults: base URL, retry policy, page size, prefetch, concurrency,
 * timeouts and user agent.
 *
 * `BitbucketConfig` is a `Context.Reference`: it has a default value, so it never appears in an
 * operation's requirements. Override it with {@link layer} or `Effect.provideService`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BitbucketConfig, Repository } from "effect-bitbucket"
 *
 * const program = Repository.find({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Effect.provide(BitbucketConfig.layer({ pagelen: 100, timeout: "10 seconds" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Cause, Config, ConfigError, Context, Duration, Effect, Layer, Option } from "effect"
import { baseUrlProblem, countProblem } from "./internal/url.js"
import { version } from "./internal/version.js"

/**
 * When and how failed requests are retried.
 *
 * Retried: transport errors and timeouts, 429, 500, 502, 503, 504 and 555. GET, HEAD, PUT and
 * DELETE are retried on all of them; POST and PATCH only on 429 (Bitbucket refused the request,
 * so nothing was created), unless `retryNonIdempotent` is set. The wait before retry `n` (from 0)
 * is `min(maxDelay, baseDelay * 2^n)` scaled by a random factor in [0.5, 1] (jitter); after a 429
 * it is the `Retry-After` Bitbucket sent or, since it usually sends none, at least
 * `rateLimitDelay`. Retrying stops after `maxRetries` retries, when the next wait would end
 * after `maxElapsed` since the first attempt, or when the client-wide retry `budget` is spent.
 * A transport error that certainly happened before anything was sent (connection refused, DNS)
 * is retried for every method.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. Default 4. */
  readonly maxRetries: number
  /** First backoff delay. Default 500 millis. */
  readonly baseDelay: Duration.Duration
  /** Largest backoff delay. Default 20 seconds. */
  readonly maxDelay: Duration.Duration
  /** Smallest wait after a 429 without `Retry-After`. Default 10 seconds. */
  readonly rateLimitDelay: Duration.Duration
  /** Give up when the next attempt would start later than this after the first one. Default 2 minutes. */
  readonly maxElapsed: Duration.Duration
  /** Also retry POST/PATCH after transport errors, timeouts and 5xx (risking a duplicate write). Default false. */
  readonly retryNonIdempotent: boolean
  /**
   * The client-wide retry budget, like the AWS SDK's retry quota: every retry spends tokens
   * (`retryCost`, or `timeoutCost` after a transport error or timeout), every success gives
   * `successRefund` back, up to `capacity`. When the budget is spent, failures are not retried
   * until successes refill it, so an outage does not multiply the load. It is shared by every
   * request made with the same settings (each `FakeBitbucket` keeps its own). Default capacity 500,
   * costs 5 and 10, refund 1.
   */
  readonly budget: RetryBudget
}

/**
 * The retry budget's numbers. `capacity: Infinity` switches it off.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryBudget {
  readonly capacity: number
  readonly retryCost: number
  readonly timeoutCost: number
  readonly successRefund: number
}

/**
 * Client-side rate limiting, shared by every fiber that uses the same settings (each
 * `FakeBitbucket` keeps its own).
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  /**
   * At most this many requests in any window of `interval` (a sliding window; waiting fibers
   * queue in order). Undefined: no client-side cap (default). Bitbucket's own limits are per
   * rolling hour, e.g. 1,000 an hour on repository endpoints.
   */
  readonly maxRequests: number | undefined
  /** The interval of `maxRequests`. Default 1 hour. */
  readonly interval: Duration.Duration
  /**
   * When an answer carries `X-RateLimit-NearLimit: true`, every request of the next
   * `nearLimitWindow` first waits `nearLimitDelay`. Default 1 second, for 1 minute.
   */
  readonly nearLimitDelay: Duration.Duration
  /** How long to keep slowing down after the last near-limit answer. Default 1 minute. */
  readonly nearLimitWindow: Duration.Duration
}

/**
 * All settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** API root, without a trailing slash. Default `https://api.bitbucket.org/2.0`. Credentials go only to its origin. */
  readonly baseUrl: string
  /** `pagelen` sent by listings unless the call says otherwise. Default 50 (Bitbucket's own default is 10). */
  readonly pagelen: number
  /**
   * 1 (default): a listing requests the next page as soon as it knows its link, so it loads while
   * the current page is decoded and consumed. 0: pages are fetched on demand. Larger values act as 1.
   */
  readonly prefetch: number
  /** Pages fetched at once by list-based listings, unless the call says otherwise. Default 1 (sequential). */
  readonly concurrency: number
  /**
   * Timeout of one HTTP attempt, body included. Byte streams (`Snippet.content`, `Source.content`,
   * the `…Bytes` operations) are bounded up to their headers, then each chunk must come within it
   * (the whole body may take longer). Default 30 seconds.
   */
  readonly timeout: Duration.Duration
  /**
   * Timeout of a whole operation: every attempt, backoff and rate-limit wait of one request (one
   * page, for a listing; up to the response's headers, for a byte stream). Default 3 minutes.
   */
  readonly operationTimeout: Duration.Duration
  /** `User-Agent` header. Default `effect-bitbucket/<version>`. */
  readonly userAgent: string
  /**
   * Hosts a redirect may lead to, besides the API origin, for operations that follow redirects
   * (diffs, patches, snippet files): https only, `*.` for any subdomain. Requests to them carry no
   * credentials; a redirect anywhere else fails with a `TransportError` (`RefusedOrigin`).
   * Default `bitbucket.org`, `*.bitbucket.org`, `bbuseruploads.s3.amazonaws.com`.
   */
  readonly redirectHosts: ReadonlyArray<string>
  /** Retry policy. */
  readonly retry: RetryPolicy
  /** Client-side rate limiting and reaction to Bitbucket's near-limit signal. */
  readonly rateLimit: RateLimit
}

/**
 * The default settings.
 *
 * @example
 * ```ts
 * import { BitbucketConfig } from "effect-bitbucket"
 *
 * console.log(BitbucketConfig.defaults.baseUrl) // "https://api.bitbucket.org/2.0"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Settings = {
  baseUrl: "https://api.bitbucket.org/2.0",
  pagelen: 50,
  prefetch: 1,
  concurrency: 1,
  timeout: Duration.seconds(30),
  operationTimeout: Duration.minutes(3),
  userAgent: `effect-bitbucket/${version}`,
  redirectHosts: ["bitbucket.org", "*.bitbucket.org", "bbuseruploads.s3.amazonaws.com"],
  retry: {
    maxRetries: 4,
    baseDelay: Duration.millis(500),
    maxDelay: Duration.seconds(20),
    rateLimitDelay: Duration.seconds(10),
    maxElapsed: Duration.minutes(2),
    retryNonIdempotent: false,
    budget: { capacity: 500, retryCost: 5, timeoutCost: 10, successRefund: 1 }
  },
  rateLimit: {
    maxRequests: undefined,
    interval: Duration.hours(1),
    nearLimitDelay: Duration.seconds(1),
    nearLimitWindow: Duration.minutes(1)
  }
}

/**
 * The settings reference. Read it with `yield* BitbucketConfig.BitbucketConfig`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BitbucketConfig } from "effect-bitbucket"
 *
 * const baseUrl = Effect.map(BitbucketConfig.BitbucketConfig, (s) => s.baseUrl)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class BitbucketConfig extends Context.Reference<BitbucketConfig>()("effect-bitbucket/BitbucketConfig", {
  defaultValue: (): Settings => defaults
}) {}

/**
 * Settings to override (a subset), durations in every `Duration` input form.
 *
 * @since 0.1.0
 * @category models
 */
export interface PartialSettings {
  readonly baseUrl?: string | undefined
  readonly pagelen?: number | undefined
  readonly prefetch?: number | undefined
  readonly concurrency?: number | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly operationTimeout?: Duration.DurationInput | undefined
  readonly userAgent?: string | undefined
  readonly redirectHosts?: ReadonlyArray<string> | undefined
  readonly retry?: {
    readonly maxRetries?: number | undefined
    readonly baseDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly rateLimitDelay?: Duration.DurationInput | undefined
    readonly maxElapsed?: Duration.DurationInput | undefined
    readonly retryNonIdempotent?: boolean | undefined
    readonly budget?: { readonly [K in keyof RetryBudget]?: RetryBudget[K] | undefined } | undefined
  } | undefined
  readonly rateLimit?: {
    readonly maxRequests?: number | undefined
    readonly interval?: Duration.DurationInput | undefined
    readonly nearLimitDelay?: Duration.DurationInput | undefined
    readonly nearLimitWindow?: Duration.DurationInput | undefined
  } | undefined
}

const invalid = (message: string) => new Cause.IllegalArgumentException(`BitbucketConfig: ${message}`)

const duration = (name: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) => {
  if (input === undefined) return fallback
  const decoded = Duration.decodeUnknown(input)
  if (Option.isNone(decoded)) throw invalid(`${name} is not a duration: ${JSON.stringify(input)}`)
  return decoded.value
}

/** Throws for settings no request could use: counts that are not whole, limits that are not positive. */
const check = (settings: Settings): Settings => {
  const wholeAtLeast = (name: string, value: number | undefined, min: number) => {
    const problem = countProblem(name, value, min)
    if (problem !== undefined) throw invalid(problem)
  }
  const atLeast = (name: string, value: number, min: number) => {
    if (!(value >= min)) throw invalid(`${name} must be at least ${min}, got ${value}`)
  }
  const positive = (name: string, value: Duration.Duration) => {
    if (!Duration.greaterThan(value, Duration.zero)) throw invalid(`${name} must be longer than zero, got ${Duration.format(value)}`)
  }
  const problem = baseUrlProblem(settings.baseUrl)
  if (problem !== undefined) throw invalid(problem)
  wholeAtLeast("pagelen", settings.pagelen, 1)
  wholeAtLeast("prefetch", settings.prefetch, 0)
  wholeAtLeast("concurrency", settings.concurrency, 1)
  positive("timeout", settings.timeout)
  positive("operationTimeout", settings.operationTimeout)
  wholeAtLeast("retry.maxRetries", settings.retry.maxRetries, 0)
  for (const [name, value] of Object.entries(settings.retry.budget)) atLeast(`retry.budget.${name}`, value, 0)
  wholeAtLeast("rateLimit.maxRequests", settings.rateLimit.maxRequests, 1)
  positive("rateLimit.interval", settings.rateLimit.interval)
  return settings
}

/**
 * The defaults with some settings replaced; invalid settings throw, as for {@link layer}.
 *
 * @example
 * ```ts
 * import { BitbucketConfig } from "effect-bitbucket"
 *
 * const settings = BitbucketConfig.make({ retry: { maxRetries: 0 } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (overrides: PartialSettings = {}, base: Settings = defaults): Settings => {
  const retry = overrides.retry ?? {}
  const rateLimit = overrides.rateLimit ?? {}
  return check({
    baseUrl: (overrides.baseUrl ?? base.baseUrl).trim().replace(/\/+$/, ""),
    pagelen: overrides.pagelen ?? base.pagelen,
    prefetch: overrides.prefetch ?? base.prefetch,
    concurrency: overrides.concurrency ?? base.concurrency,
    timeout: duration("timeout", overrides.timeout, base.timeout),
    operationTimeout: duration("operationTimeout", overrides.operationTimeout, base.operationTimeout),
    userAgent: overrides.userAgent ?? base.userAgent,
    redirectHosts: overrides.redirectHosts ?? base.redirectHosts,
    retry: {
      maxRetries: retry.maxRetries ?? base.retry.maxRetries,
      baseDelay: duration("retry.baseDelay", retry.baseDelay, base.retry.baseDelay),
      maxDelay: duration("retry.maxDelay", retry.maxDelay, base.retry.maxDelay),
      rateLimitDelay: duration("retry.rateLimitDelay", retry.rateLimitDelay, base.retry.rateLimitDelay),
      maxElapsed: duration("retry.maxElapsed", retry.maxElapsed, base.retry.maxElapsed),
      retryNonIdempotent: retry.retryNonIdempotent ?? base.retry.retryNonIdempotent,
      // A budget field given as undefined keeps the default, as every other setting does.
      budget: { ...base.retry.budget, ...Object.fromEntries(Object.entries(retry.budget ?? {}).filter(([, v]) => v !== undefined)) }
    },
    rateLimit: {
      maxRequests: "maxRequests" in rateLimit ? rateLimit.maxRequests : base.rateLimit.maxRequests,
      interval: duration("rateLimit.interval", rateLimit.interval, base.rateLimit.interval),
      nearLimitDelay: duration("rateLimit.nearLimitDelay", rateLimit.nearLimitDelay, base.rateLimit.nearLimitDelay),
      nearLimitWindow: duration("rateLimit.nearLimitWindow", rateLimit.nearLimitWindow, base.rateLimit.nearLimitWindow)
    }
  })
}

/**
 * A layer that replaces some settings and keeps the defaults for the rest. Settings no request
 * could use (a base URL that is not `https`, except on loopback; a `pagelen` or `concurrency` that
 * is not a whole number of at least 1; a timeout of zero or less; a string that is not a
 * duration) throw an `IllegalArgumentException` at once, naming the setting. (The layer holds
 * one settings value, which keys the shared retry budget and limiter, so it is made when
 * `layer` is called.)
 *
 * @example
 * ```ts
 * import { BitbucketConfig } from "effect-bitbucket"
 *
 * const SelfHostedProxy = BitbucketConfig.layer({ baseUrl: "https://bitbucket-proxy.internal/2.0" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (overrides: PartialSettings): Layer.Layer<BitbucketConfig> =>
  Layer.succeed(BitbucketConfig, make(overrides))

/** The settings configuration can give, by variable, and how each becomes an override. */
const configVariables: ReadonlyArray<readonly [string, (value: string) => PartialSettings | string]> = [
  ["BITBUCKET_BASE_URL", (value) => ({ baseUrl: value })],
  ["BITBUCKET_TIMEOUT", (value) => durationOr(value, (timeout) => ({ timeout }))],
  ["BITBUCKET_OPERATION_TIMEOUT", (value) => durationOr(value, (operationTimeout) => ({ operationTimeout }))],
  ["BITBUCKET_PAGELEN", (value) => countOr(value, (pagelen) => ({ pagelen }))],
  ["BITBUCKET_CONCURRENCY", (value) => countOr(value, (concurrency) => ({ concurrency }))],
  ["BITBUCKET_MAX_RETRIES", (value) => countOr(value, (maxRetries) => ({ retry: { maxRetries } }))]
]

/** A count from the environment: digits of a safe integer, or what is wrong. */
function countOr(value: string, use: (count: number) => PartialSettings): PartialSettings | string {
  const count = Number(value)
  return /^\d+$/.test(value) && Number.isSafeInteger(count) ? use(count) : `must be a whole number, got ${JSON.stringify(value)}`
}

/** A duration from the environment, as Effect writes them (`30 seconds`, `500 millis`), or what is wrong. */
function durationOr(value: string, use: (duration: Duration.Duration) => PartialSettings): PartialSettings | string {
  return Option.match(Duration.decodeUnknown(value), {
    onNone: () => `is not a duration: ${JSON.stringify(value)} (write it as "30 seconds", "500 millis" or "2 minutes")`,
    onSome: use
  })
}

/**
 * Settings from configuration, over the defaults: `BITBUCKET_BASE_URL`, `BITBUCKET_TIMEOUT` and
 * `BITBUCKET_OPERATION_TIMEOUT` (durations such as `30 seconds`), `BITBUCKET_PAGELEN`,
 * `BITBUCKET_CONCURRENCY` and `BITBUCKET_MAX_RETRIES`, all optional (blank counts as unset). A
 * value no request could use (a base URL that is not `https`, plain `http` only on loopback; a
 * duration of zero; a count that is not whole) fails with a `ConfigError` naming the variable.
 *
 * @example
 * ```ts
 * import { BitbucketConfig } from "effect-bitbucket"
 *
 * // BITBUCKET_TIMEOUT="10 seconds" BITBUCKET_PAGELEN=100 node app.js
 * const Settings = BitbucketConfig.layerConfig
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<BitbucketConfig, ConfigError.ConfigError> = Layer.effect(
  BitbucketConfig,
  Effect.gen(function*() {
    let overrides: PartialSettings = {}
    for (const [name, toOverride] of configVariables) {
      // A variable set to nothing (as CI systems export a missing secret) counts as unset.
      const value = Option.getOrElse(yield* Config.option(Config.string(name)), () => "").trim()
      if (value === "") continue
      const override = toOverride(value)
      // Each variable is checked alone, so that an error names the one at fault.
      const problem = typeof override === "string" ? `${name} ${override}` : problemOf(() => make(override))
      if (problem !== undefined) return yield* Effect.fail(ConfigError.InvalidData([name], problem))
      overrides = { ...overrides, ...(override as PartialSettings) }
    }
    return make(overrides)
  })
)

const problemOf = (build: () => unknown): string | undefined => {
  try {
    build()
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

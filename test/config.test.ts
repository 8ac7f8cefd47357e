/**
 * Settings and inputs no request could use are refused before anything is sent: bad settings when
 * the layer is made (or as a ConfigError from the environment), bad listing options and
 * identifiers as `InvalidInput`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Duration, Effect, Exit, Stream } from "effect"
import { BitbucketConfig, Repository } from "../src/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

const fromEnv = (env: Record<string, string>) =>
  Effect.map(Effect.provide(BitbucketConfig.BitbucketConfig, BitbucketConfig.layerConfig), (s) => s.baseUrl).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

describe("BitbucketConfig.layer and make", () => {
  const refused: ReadonlyArray<readonly [string, BitbucketConfig.PartialSettings, RegExp]> = [
    ["a negative timeout", { timeout: -1 }, /timeout must be longer than zero/],
    ["a zero operation timeout", { operationTimeout: 0 }, /operationTimeout must be longer than zero/],
    ["a string that is not a duration", { timeout: "30s" as never }, /timeout is not a duration: "30s"/],
    ["pagelen 0", { pagelen: 0 }, /pagelen must be a whole number of at least 1, got 0/],
    ["a fractional pagelen", { pagelen: 2.5 }, /pagelen must be a whole number/],
    ["concurrency NaN", { concurrency: Number.NaN }, /concurrency must be a whole number of at least 1, got NaN/],
    ["a negative prefetch", { prefetch: -1 }, /prefetch must be a whole number of at least 0/],
    ["negative retries", { retry: { maxRetries: -2 } }, /retry.maxRetries/],
    ["a negative retry budget", { retry: { budget: { capacity: -1 } } }, /retry.budget.capacity must be at least 0/],
    ["rate limit of 0 requests", { rateLimit: { maxRequests: 0 } }, /rateLimit.maxRequests/],
    ["a base URL without a scheme", { baseUrl: "api.bitbucket.org/2.0" }, /baseUrl is not an absolute URL/],
    ["plain http to another host", { baseUrl: "http://bitbucket-proxy.internal/2.0" }, /baseUrl must use https/],
    ["a base URL with a query", { baseUrl: "https://api.bitbucket.org/2.0?x=1" }, /must not carry a query/]
  ]
  for (const [name, settings, message] of refused) {
    it(`refuses ${name}, naming the setting`, () => {
      expect(() => BitbucketConfig.layer(settings)).toThrow(message)
      expect(() => BitbucketConfig.make(settings)).toThrow(Cause.IllegalArgumentException)
    })
  }

  it("never shows credentials written into a base URL", () => {
    expect(() => BitbucketConfig.make({ baseUrl: "https://alice:s3cret@api.bitbucket.org/2.0" })).toThrow(/must not carry credentials/)
    let message = ""
    try {
      BitbucketConfig.make({ baseUrl: "alice:s3cret@api.bitbucket.org" })
    } catch (error) {
      message = String(error)
    }
    expect(message).toContain("baseUrl must be an https URL")
    expect(message).not.toContain("s3cret")
  })

  it("accepts https anywhere and plain http on loopback, trimmed", () => {
    expect(BitbucketConfig.make({ baseUrl: " https://bitbucket-proxy.internal/2.0/ " }).baseUrl).toBe("https://bitbucket-proxy.internal/2.0")
    expect(BitbucketConfig.make({ baseUrl: "http://127.0.0.1:8080/2.0" }).baseUrl).toBe("http://127.0.0.1:8080/2.0")
    expect(BitbucketConfig.make({ baseUrl: "http://localhost:8080/2.0" }).baseUrl).toBe("http://localhost:8080/2.0")
    expect(BitbucketConfig.make({ baseUrl: "http://[::1]:8080/2.0" }).baseUrl).toBe("http://[::1]:8080/2.0")
    expect(BitbucketConfig.make({ timeout: "2 seconds", pagelen: 100, prefetch: 0 }).pagelen).toBe(100)
  })
})

describe("BitbucketConfig.layerConfig", () => {
  it.effect("reads BITBUCKET_BASE_URL, trimmed; blank counts as unset", () =>
    Effect.gen(function*() {
      expect(yield* fromEnv({ BITBUCKET_BASE_URL: " https://bitbucket-proxy.internal/2.0/\n" })).toBe("https://bitbucket-proxy.internal/2.0")
      expect(yield* fromEnv({ BITBUCKET_BASE_URL: "" })).toBe("https://api.bitbucket.org/2.0")
      expect(yield* fromEnv({ BITBUCKET_BASE_URL: "   " })).toBe("https://api.bitbucket.org/2.0")
      expect(yield* fromEnv({})).toBe("https://api.bitbucket.org/2.0")
    }))

  it.effect("a base URL no request could use is a ConfigError naming the variable", () =>
    Effect.gen(function*() {
      for (const value of ["api.bitbucket.org/2.0", "http://bitbucket-proxy.internal/2.0"]) {
        const exit = yield* Effect.exit(fromEnv({ BITBUCKET_BASE_URL: value }))
        expect(Exit.isFailure(exit) && Cause.isFailType(exit.cause) ? exit.cause.error._op : "none").toBe("InvalidData")
        expect(Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "").toContain("BITBUCKET_BASE_URL")
      }
    }))
})

describe("BitbucketConfig.layerConfig: timeouts, page size, concurrency, retries", () => {
  const settingsFrom = (env: Record<string, string>) =>
    Effect.provide(BitbucketConfig.BitbucketConfig, BitbucketConfig.layerConfig).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.effect("reads each variable over the defaults; blank ones are unset", () =>
    Effect.gen(function*() {
      const settings = yield* settingsFrom({
        BITBUCKET_TIMEOUT: "10 seconds",
        BITBUCKET_OPERATION_TIMEOUT: " 1 minute ",
        BITBUCKET_PAGELEN: "100",
        BITBUCKET_CONCURRENCY: "4",
        BITBUCKET_MAX_RETRIES: "0",
        BITBUCKET_BASE_URL: ""
      })
      expect(Duration.toMillis(settings.timeout)).toBe(10_000)
      expect(Duration.toMillis(settings.operationTimeout)).toBe(60_000)
      expect([settings.pagelen, settings.concurrency, settings.retry.maxRetries]).toEqual([100, 4, 0])
      expect(settings.baseUrl).toBe(BitbucketConfig.defaults.baseUrl)
      const defaults = yield* settingsFrom({})
      expect(defaults).toEqual(BitbucketConfig.defaults)
    }))

  const refused: ReadonlyArray<readonly [string, string, RegExp]> = [
    ["BITBUCKET_TIMEOUT", "30s", /not a duration: "30s" \(write it as "30 seconds"/],
    ["BITBUCKET_PAGELEN", "99999999999999999999999", /whole number/],
    ["BITBUCKET_OPERATION_TIMEOUT", "0 seconds", /longer than zero/],
    ["BITBUCKET_PAGELEN", "0", /at least 1/],
    ["BITBUCKET_PAGELEN", "lots", /whole number, got "lots"/],
    ["BITBUCKET_CONCURRENCY", "1.5", /whole number/],
    ["BITBUCKET_MAX_RETRIES", "-1", /whole number/]
  ]
  for (const [name, value, said] of refused) {
    it.effect(`${name}=${JSON.stringify(value)} is a ConfigError naming it`, () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(settingsFrom({ [name]: value, BITBUCKET_PAGELEN: name === "BITBUCKET_PAGELEN" ? value : "50" }))
        expect(Exit.isFailure(exit) && Cause.isFailType(exit.cause) ? exit.cause.error._op : "none").toBe("InvalidData")
        const pretty = Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
        expect(pretty).toContain(name)
        expect(pretty).toMatch(said)
      }))
  }
})

describe("listing options and identifiers", () => {
  const options: ReadonlyArray<readonly [string, Parameters<typeof Repository.findForWorkspace>[1]]> = [
    ["pagelen", { pagelen: 0 }],
    ["pagelen", { pagelen: 1.5 }],
    ["concurrency", { concurrency: Number.NaN }],
    ["concurrency", { concurrency: 0 }],
    ["prefetch", { prefetch: -1 }]
  ]
  for (const [parameter, given] of options) {
    it.effect(`${JSON.stringify(given)} is an InvalidInput, and nothing is sent`, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json({ values: [] }))
        const error = yield* Effect.flip(Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, given))).pipe(
          Effect.provide(mock.anonymous)
        )
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter })
        expect(mock.requests).toHaveLength(0)
      }))
  }

  it.effect("text with a lone UTF-16 surrogate, in a path or a query, is an InvalidInput, not a crash", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [] }))
      const inPath = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "ab\uD800" })).pipe(Effect.provide(mock.anonymous))
      expect(inPath).toMatchObject({ _tag: "InvalidInput", parameter: "repo_slug" })
      const inQuery = yield* Effect.flip(Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { q: 'name ~ "\uDC00"' }))).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(inQuery).toMatchObject({ _tag: "InvalidInput", parameter: "q" })
      // A whole pair is text like any other.
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { q: 'name ~ "\uD83D\uDE00"' })).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests).toHaveLength(1)
      expect(mock.requests[0]!.url.href).toContain("%F0%9F%98%80")
    }))
})

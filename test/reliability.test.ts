/**
 * The pipeline's reliability rules under a scripted server and the TestClock: the retry budget,
 * rate-limit awareness, the client-side limiter, the operation timeout, and which failures a POST
 * may be retried after.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Exit, Fiber, Layer, Option, Random, Redacted, TestClock } from "effect"
import { FetchHttpClient, HttpClient, HttpClientError } from "@effect/platform"
import { Authenticator, BitbucketConfig, Pipeline, PullRequest, Repository } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import * as Http from "../src/internal/http.js"
import { capture } from "./support/capture.js"
import { json, mockHttp, text } from "./support/mockHttp.js"

const repo = { type: "repository", name: "hello" }
const find = Repository.find({ workspace: "demo", repo_slug: "hello" })
const post = Http.json({ method: "POST", path: "/repositories/demo/hello", body: { _tag: "Json", value: { scm: "git" } } }, Repository.Repository)

const advance = (times = 30, step: Duration.DurationInput = "10 seconds") =>
  Effect.gen(function*() {
    for (let i = 0; i < times; i++) yield* TestClock.adjust(step)
  })

const runWithClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    yield* advance()
    return yield* Fiber.join(fiber)
  })

describe("retry budget", () => {
  it.effect("stops retrying once spent, so an outage does not multiply the load, and refills on success", () =>
    Effect.gen(function*() {
      let down = true
      const mock = mockHttp(() => (down ? text("unavailable", 503) : json(repo)))
      // A budget of 10 pays for two retries (5 each).
      const layer = Layer.merge(mock.anonymous, BitbucketConfig.layer({ retry: { budget: { capacity: 10, retryCost: 5, successRefund: 5 } } }))
      const first = yield* runWithClock(find.pipe(Effect.provide(layer)))
      expect(Exit.isFailure(first)).toBe(true)
      expect(mock.requests).toHaveLength(3) // one attempt + two retries, then the budget is empty
      const second = yield* runWithClock(find.pipe(Effect.provide(layer)))
      expect(Exit.isFailure(second)).toBe(true)
      expect(mock.requests).toHaveLength(4) // no retry at all: the budget is spent
      // The error says why this one was not retried; the first was retried until the budget ran out.
      expect(yield* Effect.flip(second)).toMatchObject({ _tag: "ServerError", message: expect.stringContaining("not retried: the retry budget") })
      expect(yield* Effect.flip(first)).toMatchObject({ _tag: "ServerError", status: 503 })
      down = false
      yield* runWithClock(find.pipe(Effect.provide(layer))) // a success gives 5 back
      down = true
      yield* runWithClock(find.pipe(Effect.provide(layer)))
      expect(mock.requests).toHaveLength(7) // 5 + one attempt and one paid retry
    }))

  it.effect("is kept per settings: another BitbucketConfig layer has its own", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text("unavailable", 503))
      const budget = { retry: { budget: { capacity: 5, retryCost: 5 } } }
      yield* runWithClock(find.pipe(Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer(budget)))))
      yield* runWithClock(find.pipe(Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer(budget)))))
      expect(mock.requests).toHaveLength(4)
    }))

  it.effect("is shared whatever HTTP client a request goes through, but each fake keeps its own", () =>
    Effect.gen(function*() {
      // One settings layer, a client provided per call (a new service each time): one budget.
      const settings = BitbucketConfig.layer({ retry: { budget: { capacity: 5, retryCost: 5 } } })
      const first = mockHttp(() => text("unavailable", 503))
      yield* runWithClock(find.pipe(Effect.provide(Layer.merge(first.anonymous, settings))))
      expect(first.requests).toHaveLength(2) // the budget paid one retry
      const second = mockHttp(() => text("unavailable", 503))
      yield* runWithClock(find.pipe(Effect.provide(Layer.merge(second.anonymous, settings))))
      expect(second.requests).toHaveLength(1) // and none is left
      // On the default settings, each fake has its own state: a slowdown Bitbucket asked of one is
      // not waited for by another (on a clock nobody moves, here).
      const playground = Repository.find({ workspace: "demo", repo_slug: "effect-playground" })
      const slowedDown = FakeBitbucket.layer({ faults: { rules: [{ route: "/", fault: { kind: "nearLimit" } }] } })
      yield* playground.pipe(Effect.provide(Layer.merge(slowedDown, Authenticator.anonymous)))
      const fresh = yield* Effect.fork(playground.pipe(Effect.provide(Layer.merge(FakeBitbucket.layer(), Authenticator.anonymous))))
      yield* TestClock.adjust("10 millis")
      expect(fresh.unsafePoll()?._tag).toBe("Success")
    }))
})

describe("retries are logged", () => {
  it.effect("each retry writes a debug line: the request, what went wrong, which retry and when", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i < 2 ? text("unavailable", 503) : json(repo)))
      const recorder = capture("retries")
      const exit = yield* runWithClock(recorder.around(find.pipe(Effect.provide(mock.anonymous))))
      expect(exit._tag).toBe("Success")
      // One of the formats the recorder keeps each line in: the JSON logger's.
      const lines = recorder.logs.filter((line) => line.includes("\"logLevel\":\"DEBUG\"") && line.includes("retry"))
      expect(lines).toHaveLength(2)
      expect(lines[0]).toContain("GET https://api.bitbucket.org/2.0/repositories/demo/hello: answered 503; retry 1 of 4 in")
      expect(lines[1]).toContain("retry 2 of 4")
    }))
})

describe("rate limits", () => {
  it.effect("after X-RateLimit-NearLimit, requests slow down for the near-limit window", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo, 200, { "x-ratelimit-nearlimit": "true" }))
      const layer = Layer.merge(mock.anonymous, BitbucketConfig.layer({ rateLimit: { nearLimitDelay: "2 seconds", nearLimitWindow: "1 minute" } }))
      yield* find.pipe(Effect.provide(layer))
      expect(mock.requests).toHaveLength(1)
      const fiber = yield* Effect.fork(find.pipe(Effect.provide(layer)))
      yield* TestClock.adjust("1 second")
      expect(mock.requests).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(mock.requests).toHaveLength(2)
    }))

  it.effect("Retry-After is read strictly: the first of two values, and no advice from text that is neither seconds nor an HTTP date", () =>
    Effect.gen(function*() {
      // Seven seconds from when it is read (the TestClock moves 5 seconds per case before it).
      const httpDate = new Date(5000 + 7000).toUTCString()
      const cases: ReadonlyArray<readonly [string, number]> = [
        // Two `Retry-After: 5` lines, joined by a comma on the way.
        ["5, 5", 5000],
        [`${httpDate}, ${httpDate}`, 7000],
        // A lenient date parser reads these as dates long past, which would mean no wait at all:
        // they are no advice, and a 429 waits `rateLimitDelay` (10 seconds by default).
        ["-1", 10_000],
        ["foo 1", 10_000],
        ["2015-10-21", 10_000]
      ]
      for (const [retryAfter, wait] of cases) {
        const mock = mockHttp((_, i) => (i === 0 ? text("slow down", 429, "text/plain", { "retry-after": retryAfter }) : json(repo)))
        const fiber = yield* Effect.fork(find.pipe(Effect.provide(mock.anonymous)))
        yield* TestClock.adjust(wait - 100)
        expect(mock.requests, retryAfter).toHaveLength(1)
        yield* TestClock.adjust(100)
        yield* Fiber.join(fiber)
        expect(mock.requests, retryAfter).toHaveLength(2)
      }
    }))

  it.effect("the client-side limiter caps requests per interval across fibers", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo))
      const layer = Layer.merge(mock.anonymous, BitbucketConfig.layer({ rateLimit: { maxRequests: 3, interval: "1 minute" } }))
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 7 }, () => find), { concurrency: "unbounded" }).pipe(Effect.provide(layer)))
      yield* TestClock.adjust("1 second")
      expect(mock.requests).toHaveLength(3)
      yield* TestClock.adjust("59 seconds")
      expect(mock.requests).toHaveLength(6)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect(mock.requests).toHaveLength(7)
    }))
})

describe("timeouts", () => {
  it.effect("a request whose limiter slot would come after its operation timeout fails then and holds no slot", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo))
      const layer = Layer.merge(
        mock.anonymous,
        BitbucketConfig.layer({ operationTimeout: "15 seconds", rateLimit: { maxRequests: 1, interval: "10 seconds" } })
      )
      const run = yield* Effect.fork(Effect.all([find, find, Effect.flip(find)], { concurrency: "unbounded" }).pipe(Effect.provide(layer)))
      yield* TestClock.adjust("6 seconds")
      // Slots at 0 and 10 s are taken; the third would be at 20 s, after its deadline (15 s), so it
      // must not reserve it: this request, started at 6 s, gets the slot at 20 s (before 21 s).
      const late = yield* Effect.fork(find.pipe(Effect.provide(layer)))
      yield* TestClock.adjust("9 seconds")
      const [, , error] = yield* Fiber.join(run)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(mock.requests).toHaveLength(2)
      yield* TestClock.adjust("5 seconds")
      expect(mock.requests).toHaveLength(3)
      yield* Fiber.join(late)
    }))

  it.effect("the operation timeout bounds every attempt and backoff of one request; a wait past it fails at once with the real error", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text("unavailable", 503))
      const layer = Layer.merge(
        mock.anonymous,
        BitbucketConfig.layer({ operationTimeout: "3 seconds", retry: { maxRetries: 10, baseDelay: "1 second", maxElapsed: "10 minutes" } })
      )
      const fiber = yield* Effect.fork(Effect.flip(find.pipe(Effect.provide(layer))))
      let waited = 0
      while (Option.isNone(yield* Fiber.poll(fiber)) && waited < 3000) {
        yield* TestClock.adjust("100 millis")
        waited += 100
      }
      const error = yield* Fiber.join(fiber)
      // Waiting out the deadline would only have hidden the 503 behind a timeout.
      expect(error).toMatchObject({ _tag: "ServerError", status: 503 })
      expect(waited).toBeLessThan(3000)
      expect(mock.requests.length).toBeGreaterThanOrEqual(2)
      expect(mock.requests.length).toBeLessThanOrEqual(4)
    }))

  it.effect("a Retry-After that ends past the operation's deadline fails at once with RateLimited carrying it", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("slow down", { status: 429, headers: { "retry-after": "30" } }))
      const layer = Layer.merge(mock.anonymous, BitbucketConfig.layer({ operationTimeout: "3 seconds" }))
      const fiber = yield* Effect.fork(Effect.flip(find.pipe(Effect.provide(layer))))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("RateLimited")
      expect(error._tag === "RateLimited" && Option.getOrUndefined(Option.map(error.retryAfter, Duration.toMillis))).toBe(30_000)
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("a retry whose rate-limit slowdown would end past the deadline fails at once with the real error", () =>
    Effect.gen(function*() {
      // The 503 says the caller is near its limit: the retry would wait its backoff, then the
      // near-limit delay, past the deadline. Waiting could only end in a timeout hiding the 503.
      const mock = mockHttp(() => new Response("unavailable", { status: 503, headers: { "x-ratelimit-nearlimit": "true" } }))
      const layer = Layer.merge(
        mock.anonymous,
        BitbucketConfig.layer({
          operationTimeout: "3 seconds",
          retry: { baseDelay: "100 millis" },
          rateLimit: { nearLimitDelay: "10 seconds", nearLimitWindow: "1 minute" }
        })
      )
      const fiber = yield* Effect.fork(Effect.flip(find.pipe(Effect.provide(layer))))
      let waited = 0
      while (Option.isNone(yield* Fiber.poll(fiber)) && waited < 3000) {
        yield* TestClock.adjust("10 millis")
        waited += 10
      }
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "ServerError", status: 503 })
      expect(waited).toBeLessThan(3000)
      expect(mock.requests).toHaveLength(1)
      // A slowdown that ends in time is waited out: the retry is sent.
      let n = 0
      const recovering = mockHttp(() =>
        n++ === 0 ? new Response("unavailable", { status: 503, headers: { "x-ratelimit-nearlimit": "true" } }) : json(repo)
      )
      const fits = Layer.merge(
        recovering.anonymous,
        BitbucketConfig.layer({ operationTimeout: "3 seconds", retry: { baseDelay: "100 millis" }, rateLimit: { nearLimitDelay: "2 seconds" } })
      )
      const ok = yield* Effect.fork(find.pipe(Effect.provide(fits)))
      yield* TestClock.adjust("3 seconds")
      expect((yield* Fiber.join(ok)).name).toBe("hello")
      expect(recovering.requests).toHaveLength(2)
    }))

  it.effect("the time limits bound authentication too: a credential source that hangs fails the request in time", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo))
      const hanging = Layer.succeed(Authenticator.Authenticator, Authenticator.make({ authenticate: () => Effect.never }))
      // The operation timeout, when it comes first...
      const byDeadline = yield* Effect.fork(Effect.flip(find.pipe(
        Effect.provide(Layer.mergeAll(mock.layer, hanging, BitbucketConfig.layer({ operationTimeout: "3 seconds", timeout: "1 minute" })))
      )))
      yield* TestClock.adjust("3 seconds")
      const late = yield* Fiber.join(byDeadline)
      expect(late).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(late.message).toContain("operation timeout")
      // ...and the attempt's own timeout.
      const byAttempt = yield* Effect.fork(Effect.flip(find.pipe(
        Effect.provide(Layer.mergeAll(mock.layer, hanging, BitbucketConfig.layer({ timeout: "2 seconds", retry: { maxRetries: 0 } })))
      )))
      yield* TestClock.adjust("2 seconds")
      const slow = yield* Fiber.join(byAttempt)
      expect(slow).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(slow.message).toContain("timed out after 2s")
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("a POST whose authentication timed out is retried: nothing was sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo))
      let calls = 0
      const slowOnce = Layer.succeed(
        Authenticator.Authenticator,
        Authenticator.make({ authenticate: (request) => (calls++ === 0 ? Effect.never : Effect.succeed(request)) })
      )
      const fiber = yield* Effect.fork(Effect.exit(post.pipe(
        Effect.provide(Layer.mergeAll(mock.layer, slowOnce, BitbucketConfig.layer({ timeout: "2 seconds", retry: { maxRetries: 1 } })))
      )))
      yield* advance()
      const exit = yield* Fiber.join(fiber)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(calls).toBe(2)
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("with backoff jitter in fractions of a millisecond, the failure comes at the deadline, not a hair after", () =>
    Effect.gen(function*() {
      // 40 seeded jitters: waits computed as `deadline - now` from a fractional clock used to end
      // a few femtoseconds after the deadline, and a TestClock moved to it never woke them.
      for (let seed = 0; seed < 40; seed++) {
        const mock = mockHttp(() => text("unavailable", 503))
        const layer = Layer.merge(
          mock.anonymous,
          BitbucketConfig.layer({ operationTimeout: "3 seconds", retry: { maxRetries: 10, baseDelay: "1 second", maxElapsed: "10 minutes" } })
        )
        const fiber = yield* Effect.fork(Effect.flip(find.pipe(Effect.provide(layer), Effect.withRandom(Random.make(seed)))))
        yield* TestClock.adjust("3 seconds")
        const outcome = yield* Fiber.await(fiber).pipe(Effect.timeoutOption("1 second"), Effect.withClock(Clock.make()))
        expect(Option.isSome(outcome), `seed ${seed}: still waiting at the deadline`).toBe(true)
      }
    }))
})

describe("which failures a POST is retried after", () => {
  it.effect("a POST is retried when the connection was refused: nothing was sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? "connection-refused" : json(repo)))
      const exit = yield* runWithClock(post.pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(mock.requests).toHaveLength(2)
    }))

  it.effect("a POST is not retried after a reset connection: it may have been processed", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? "transport-error" : json(repo)))
      const exit = yield* runWithClock(post.pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("a POST is not retried after a timeout", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? Effect.never : json(repo)))
      const exit = yield* runWithClock(post.pipe(Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer({ timeout: "5 seconds" })))))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(mock.requests).toHaveLength(1)
    }))
})

describe("redirects and trace headers on the wire", () => {
  it.effect("fetch is told not to follow redirects itself, keeping the caller's other fetch options", () =>
    Effect.gen(function*() {
      const inits: Array<RequestInit | undefined> = []
      const fakeFetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
        inits.push(init)
        return json(repo)
      }) as typeof globalThis.fetch
      yield* find.pipe(
        Effect.provide(Layer.mergeAll(FetchHttpClient.layer, Authenticator.anonymous)),
        Effect.provideService(FetchHttpClient.Fetch, fakeFetch),
        Effect.provideService(FetchHttpClient.RequestInit, { keepalive: true })
      )
      expect(inits[0]?.redirect).toBe("manual")
      expect(inits[0]?.keepalive).toBe(true)
      const headers = new Headers(inits[0]?.headers as HeadersInit)
      expect(headers.has("traceparent")).toBe(false)
      expect(headers.has("b3")).toBe(false)
    }))

  it.effect("a followed redirect whose Location is not a URL is an UnexpectedStatus, not a defect", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 302, headers: { location: "http://[bad" } }))
      const exit = yield* Effect.exit(Http.text({ method: "GET", path: "/x", followRedirects: true })).pipe(Effect.provide(mock.anonymous))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail" } })
      const error = yield* Effect.flip(Http.text({ method: "GET", path: "/x", followRedirects: true })).pipe(Effect.provide(mock.anonymous))
      expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 302 })
      expect(error.message).toContain("not a URL")
    }))

  it.effect("a 202 whose Location to poll is not a URL is a DecodeError, not a defect", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 202, headers: { location: "http://[bad" } }))
      const task = { schema: Repository.Repository, outcome: () => ({ _tag: "Pending" }) as const, resultUrl: "https://api.bitbucket.org/2.0/x", interval: "1 second", maxPolls: 3 } as const
      const exit = yield* Effect.exit(Http.jsonAwaitingTask({ method: "POST", path: "/x" }, Repository.Repository, task)).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail", error: { _tag: "DecodeError", status: 202 } } })
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("a task still pending after the polls allowed is Pending, naming the task to poll further; so is a pipeline run", () =>
    Effect.gen(function*() {
      const status = "https://api.bitbucket.org/2.0/repositories/demo/hello/pullrequests/1/merge/task-status/t1"
      const mock = mockHttp((request) =>
        request.method === "POST"
          ? new Response(null, { status: 202, headers: { location: status } })
          : json({ task_status: "PENDING" })
      )
      const merging = yield* runWithClock(
        PullRequest.merge({ workspace: "demo", repo_slug: "hello", pull_request_id: 1 }, {}, { async: true, maxPolls: 3 }).pipe(Effect.provide(mock.anonymous))
      )
      expect(yield* Effect.flip(merging)).toMatchObject({ _tag: "Pending", url: status, polls: 3, message: expect.stringContaining("still pending after 3 polls") })
      expect(mock.requests).toHaveLength(4)
      const running = mockHttp(() => json({ uuid: "{p1}", state: { name: "IN_PROGRESS" } }))
      const awaited = yield* runWithClock(
        Pipeline.awaitCompletion({ workspace: "demo", repo_slug: "hello", pipeline_uuid: "{p1}" }, { maxPolls: 2 }).pipe(Effect.provide(running.anonymous))
      )
      expect(yield* Effect.flip(awaited)).toMatchObject({
        _tag: "Pending",
        url: "https://api.bitbucket.org/2.0/repositories/demo/hello/pipelines/%7Bp1%7D",
        polls: 2,
        message: expect.stringContaining("state IN_PROGRESS")
      })
      expect(running.requests).toHaveLength(2)
    }))

  it.effect("a 302 on a JSON endpoint is an UnexpectedStatus, not a silently followed redirect", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 302, headers: { location: "https://elsewhere.example.com/x" } }))
      const error = yield* Effect.flip(find).pipe(Effect.provide(mock.anonymous))
      expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 302 })
      expect(mock.requests).toHaveLength(1)
    }))
})

describe("transport failures say why", () => {
  it.effect("the message has each cause's message and code, with the credentials a cause quotes blanked out", () =>
    Effect.gen(function*() {
      const token = "s3cret-token-value"
      // undici quotes an invalid header value in its error; the value may be the credential.
      const client = HttpClient.make((request) =>
        Effect.fail(
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause: new TypeError("fetch failed", {
              cause: Object.assign(new Error(`Headers.append: "Bearer ${token}\n" is an invalid header value.`), { code: "UND_ERR_INVALID_ARG" })
            })
          })
        )
      )
      const layer = Layer.mergeAll(
        Layer.succeed(HttpClient.HttpClient, client),
        Authenticator.accessToken({ token: Redacted.make(token) }),
        BitbucketConfig.layer({ retry: { maxRetries: 0 } })
      )
      const error = yield* Effect.flip(find).pipe(Effect.provide(layer))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport" })
      expect(error.message).toMatch(/failed before a response: fetch failed: Headers.append: .* is an invalid header value. \(UND_ERR_INVALID_ARG\)/s)
      expect(error.message).toContain("<redacted>")
      expect(error.message).not.toContain(token)
      expect(JSON.stringify(error)).not.toContain(token)
    }))

  it.effect("a body that fails while being read says so, with its cause", () =>
    Effect.gen(function*() {
      const broken = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"type\":"))
          controller.error(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }))
        }
      })
      const mock = mockHttp(() => new Response(broken, { status: 200 }))
      const error = yield* Effect.flip(find).pipe(Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer({ retry: { maxRetries: 0 } }))))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Transport" })
      expect(error.message).toContain("failed while reading the response: other side closed (UND_ERR_SOCKET)")
    }))
})

/**
 * Faults on demand: deterministic for a seed, each kind observed by a raw HTTP client in memory
 * and over loopback HTTP, route matching and `times`, runtime switching, and what the client
 * library makes of them.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Authenticator, BitbucketConfig, PullRequest, Repository } from "../../src/index.js"
import { FakeBitbucket } from "../../src/testing/index.js"

const ALICE = `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`

type Env = HttpClient.HttpClient | FakeBitbucket.FakeBitbucket

interface Reply {
  readonly status: number
  readonly text: string
  readonly headers: Readonly<Record<string, string>>
}

const send = (method: "GET" | "POST", path: string, body?: unknown) =>
  Effect.gen(function*() {
    const fake = yield* FakeBitbucket.FakeBitbucket
    const http = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(path.startsWith("http") ? path : `${fake.baseUrl}${path}`).pipe(
      HttpClientRequest.setHeader("authorization", ALICE)
    )
    if (body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, body)
    const response = yield* http.execute(request)
    const text = yield* response.text
    return { status: response.status, text, headers: response.headers } as Reply
  })

const get = (path: string) => send("GET", path)

/** In memory, or served on 127.0.0.1 and called with undici. */
const modes = {
  memory: (options: FakeBitbucket.Options = {}): Layer.Layer<Env> => FakeBitbucket.layer(options),
  http: (options: FakeBitbucket.ServeOptions = {}): Layer.Layer<Env> =>
    Layer.merge(FakeBitbucket.layerServer({ port: 0, ...options }), NodeHttpClient.layerUndici).pipe(Layer.orDie)
} as const

const faultedIndices = Effect.map(
  Effect.flatMap(FakeBitbucket.FakeBitbucket, (fake) => fake.requests),
  (log) => log.flatMap((r, i) => (r.fault !== undefined ? [i] : []))
)

const halfOf = (seed: number) => ({ seed, rules: [{ rate: 0.5, fault: { kind: "status", status: 503 } as const }] })

/** 40 sequential reads; the indices of the requests that were faulted (from the responses and the log). */
const runSequence = (seed: number) =>
  Effect.gen(function*() {
    const statuses: Array<number> = []
    for (let i = 0; i < 40; i++) statuses.push((yield* get(`/repositories/demo/effect-playground?i=${i}`)).status)
    const fromResponses = statuses.flatMap((s, i) => (s === 503 ? [i] : []))
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true)
    expect(yield* faultedIndices).toEqual(fromResponses)
    return fromResponses
  }).pipe(Effect.provide(modes.memory({ faults: halfOf(seed) })))

describe("faults: determinism", () => {
  it.effect("the same seed faults the same requests; another seed, others", () =>
    Effect.gen(function*() {
      const first = yield* runSequence(42)
      const second = yield* runSequence(42)
      expect(second).toEqual(first)
      // Rate 0.5 over 40 requests: neither none nor all.
      expect(first.length).toBeGreaterThan(8)
      expect(first.length).toBeLessThan(32)
      const other = yield* runSequence(7)
      expect(other).not.toEqual(first)
    }))

  it.effect("over HTTP the sequence is the same as in memory", () =>
    Effect.gen(function*() {
      const memory = yield* runSequence(42)
      const http = yield* Effect.gen(function*() {
        const out: Array<number> = []
        for (let i = 0; i < 40; i++) if ((yield* get(`/repositories/demo/effect-playground?i=${i}`)).status === 503) out.push(i)
        return out
      }).pipe(Effect.provide(modes.http({ faults: halfOf(42) })))
      expect(http).toEqual(memory)
    }))

  it.effect("setFaults restarts the PRNG from the seed, and undefined switches faults off", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const first: Array<number> = []
      for (let i = 0; i < 20; i++) first.push((yield* get("/repositories/demo")).status)
      yield* fake.setFaults(halfOf(42))
      const again: Array<number> = []
      for (let i = 0; i < 20; i++) again.push((yield* get("/repositories/demo")).status)
      expect(again).toEqual(first)
      expect(yield* fake.faults).toEqual(halfOf(42))
      yield* fake.setFaults(undefined)
      for (let i = 0; i < 10; i++) expect((yield* get("/repositories/demo")).status).toBe(200)
      expect(yield* fake.faults).toBeUndefined()
    }).pipe(Effect.provide(modes.memory({ faults: halfOf(42) }))))

  it("invalid configs are refused; JSON configs revive RegExp routes", () => {
    expect(() => FakeBitbucket.faultConfigFromJson({ rules: [{ rate: 2, fault: { kind: "status", status: 503 } }] })).toThrow(/rate/)
    expect(() => FakeBitbucket.faultConfigFromJson({ rules: [{ fault: { kind: "explode" } }] })).toThrow(/unknown fault kind/)
    expect(() => FakeBitbucket.faultConfigFromJson({ rules: [{ fault: { kind: "status", status: 200 } }] })).toThrow(/status/)
    expect(() => FakeBitbucket.faultConfigFromJson({ nope: true })).toThrow(/rules/)
    const parsed = FakeBitbucket.faultConfigFromJson({
      seed: 3,
      rules: [{ route: { regex: "^get /2\\.0/", flags: "i" }, times: 1, fault: { kind: "disconnect" } }]
    })
    expect(parsed.seed).toBe(3)
    expect(parsed.rules[0]!.route).toBeInstanceOf(RegExp)
    expect((parsed.rules[0]!.route as RegExp).test("GET /2.0/repositories")).toBe(true)
  })

  it.effect("an invalid config given to setFaults dies", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.make()
      const exit = yield* Effect.exit(fake.setFaults({ rules: [{ times: -1, fault: { kind: "disconnect" } }] }))
      expect(exit._tag).toBe("Failure")
    }))
})

for (const [mode, make] of Object.entries(modes)) {
  describe(`faults observed by a raw client (${mode})`, () => {
    const one = (fault: FakeBitbucket.Fault) => make({ faults: { rules: [{ fault }] } })

    it.effect("429 is text/plain with no Retry-After, unless asked", () =>
      Effect.gen(function*() {
        const plain = yield* get("/repositories/demo").pipe(Effect.provide(one({ kind: "status", status: 429 })))
        expect(plain.status).toBe(429)
        expect(plain.headers["content-type"]).toBe("text/plain")
        expect(plain.headers["retry-after"]).toBeUndefined()
        expect(plain.text).toBe("Rate limit for this resource has been exceeded")
        const after = yield* get("/repositories/demo").pipe(Effect.provide(one({ kind: "status", status: 429, retryAfter: 17 })))
        expect(after.headers["retry-after"]).toBe("17")
      }))

    it.effect("5xx carry Bitbucket's JSON error body; 555 its timed-out error", () =>
      Effect.gen(function*() {
        for (const status of [500, 502, 503, 504] as const) {
          const reply = yield* get("/repositories/demo").pipe(Effect.provide(one({ kind: "status", status })))
          expect(reply.status).toBe(status)
          expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8")
          expect(JSON.parse(reply.text)).toMatchObject({ type: "error", error: { message: expect.any(String) } })
        }
        const timeout = yield* get("/repositories/demo/effect-playground/diff/main").pipe(
          Effect.provide(one({ kind: "status", status: 555 }))
        )
        expect(timeout.status).toBe(555)
        expect(JSON.parse(timeout.text)).toEqual({
          type: "error",
          error: { message: "Service Timeout", detail: expect.stringContaining("retry") }
        })
      }))

    it.effect("html answers a page, not JSON", () =>
      Effect.gen(function*() {
        const reply = yield* get("/repositories/demo").pipe(Effect.provide(one({ kind: "html", status: 502 })))
        expect(reply.status).toBe(502)
        expect(reply.headers["content-type"]).toBe("text/html; charset=utf-8")
        expect(reply.text).toMatch(/^<!DOCTYPE html>/)
        expect(() => JSON.parse(reply.text)).toThrow()
      }))

    it.effect("malformed keeps 200 and the JSON content type but truncates the body", () =>
      Effect.gen(function*() {
        const good = yield* get("/repositories/demo/effect-playground")
        const fake = yield* FakeBitbucket.FakeBitbucket
        yield* fake.setFaults({ rules: [{ fault: { kind: "malformed" } }] })
        const bad = yield* get("/repositories/demo/effect-playground")
        expect(bad.status).toBe(200)
        expect(bad.headers["content-type"]).toBe("application/json; charset=utf-8")
        expect(() => JSON.parse(bad.text)).toThrow(SyntaxError)
        expect(bad.text).toBe(good.text.slice(0, Math.floor(good.text.length / 2)))
      }).pipe(Effect.provide(make())))

    it.effect("disconnect fails the request with a transport error and is logged", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(get("/repositories/demo"))
        expect(error._tag).toBe("RequestError")
        expect(error._tag === "RequestError" && error.reason).toBe("Transport")
        const log = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (f) => f.requests)
        expect(log).toHaveLength(1)
        expect(log[0]!.fault).toEqual({ rule: 0, fault: { kind: "disconnect" } })
        // The next request (rule exhausted) is answered.
        expect((yield* get("/repositories/demo")).status).toBe(200)
      }).pipe(Effect.provide(make({ faults: { rules: [{ times: 1, fault: { kind: "disconnect" } }] } }))))

    it.effect("nearLimit adds the scaled rate-limit headers to a normal answer", () =>
      Effect.gen(function*() {
        const reply = yield* get("/repositories/demo")
        expect(reply.status).toBe(200)
        expect(reply.headers["x-ratelimit-nearlimit"]).toBe("true")
        expect(reply.headers["x-ratelimit-limit"]).toBe("1000")
        expect(reply.headers["x-ratelimit-resource"]).toBe("api-repo")
        expect(JSON.parse(reply.text).values.length).toBeGreaterThan(0)
      }).pipe(Effect.provide(one({ kind: "nearLimit" }))))

    it.effect("a status fault never reaches the model: a refused POST creates nothing", () =>
      Effect.gen(function*() {
        const fake = yield* FakeBitbucket.FakeBitbucket
        const before = (yield* fake.snapshot).repositories.length
        const refused = yield* send("POST", "/repositories/demo/faulty-new-repo", { scm: "git" })
        expect(refused.status).toBe(429)
        expect((yield* fake.snapshot).repositories.length).toBe(before)
        const created = yield* send("POST", "/repositories/demo/faulty-new-repo", { scm: "git" })
        expect(created.status).toBe(200)
        expect((yield* fake.snapshot).repositories.length).toBe(before + 1)
      }).pipe(Effect.provide(make({ faults: { rules: [{ route: "POST /2.0/repositories", times: 1, fault: { kind: "status", status: 429 } }] } }))))
  })
}

describe("faults: latency", () => {
  it.effect("in memory, latency sleeps on Effect's Clock (TestClock)", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(get("/repositories/demo"))
      yield* TestClock.adjust(Duration.millis(999))
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust(Duration.millis(1))
      const reply = yield* Fiber.join(fiber)
      expect(reply.status).toBe(200)
      const log = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (f) => f.requests)
      expect(log[0]!.fault?.fault).toEqual({ kind: "latency", millis: 1000 })
    }).pipe(Effect.provide(modes.memory({ faults: { rules: [{ fault: { kind: "latency", millis: 1000 } }] } }))))

  it.live("over HTTP, latency delays the real answer", () =>
    Effect.gen(function*() {
      const started = Date.now()
      const slow = yield* get("/repositories/demo")
      const elapsed = Date.now() - started
      expect(slow.status).toBe(200)
      expect(elapsed).toBeGreaterThanOrEqual(190)
      expect((yield* get("/workspaces/demo")).status).toBe(200)
      const log = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (f) => f.requests)
      expect(log.map((r) => r.fault?.fault.kind)).toEqual(["latency", undefined])
    }).pipe(Effect.provide(modes.http({ faults: { rules: [{ route: "GET /2.0/repositories", fault: { kind: "latency", millis: 200 } }] } }))))
})

describe("faults: route matching and times", () => {
  const statusesOf = (paths: ReadonlyArray<string>) => Effect.forEach(paths, (p) => Effect.map(get(p), (r) => r.status))

  it.effect("a string matches METHOD + path as a prefix at segment boundaries", () =>
    Effect.gen(function*() {
      expect(
        yield* statusesOf([
          "/repositories/demo",
          "/repositories/demo?pagelen=1",
          "/repositories/demo/effect-playground",
          "/repositories/demo-two",
          "/repositories/acme",
          "/workspaces/demo"
        ])
      ).toEqual([503, 503, 503, 404, 200, 200]) // demo-two does not exist: a real 404, not a fault
      expect((yield* send("POST", "/repositories/demo/x-new", {})).status).not.toBe(503)
    }).pipe(Effect.provide(modes.memory({ faults: { rules: [{ route: "GET /2.0/repositories/demo", fault: { kind: "status", status: 503 } }] } }))))

  it.effect("a path alone matches every method; a RegExp is tested against METHOD + path", () =>
    Effect.gen(function*() {
      expect(yield* statusesOf(["/workspaces/demo", "/repositories/demo", "/repositories/demo/effect-playground/refs/branches"]))
        .toEqual([500, 200, 502])
      expect((yield* send("POST", "/workspaces/demo", {})).status).toBe(500)
    }).pipe(Effect.provide(modes.memory({
      faults: {
        rules: [
          { route: "/2.0/workspaces", fault: { kind: "status", status: 500 } },
          { route: /^GET \/2\.0\/repositories\/[^/]+\/[^/]+\/refs\b/, fault: { kind: "status", status: 502 } }
        ]
      }
    }))))

  it.effect("times limits a rule to the first N requests that reach it; the first rule that fires decides", () =>
    Effect.gen(function*() {
      expect(yield* statusesOf(Array.from({ length: 6 }, () => "/repositories/demo"))).toEqual([429, 429, 500, 500, 500, 200])
      expect(yield* faultedIndices).toEqual([0, 1, 2, 3, 4])
      const log = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (f) => f.requests)
      expect(log.map((r) => r.fault?.rule)).toEqual([0, 0, 1, 1, 1, undefined])
    }).pipe(Effect.provide(modes.memory({
      faults: {
        rules: [
          { route: "GET /2.0/repositories", times: 2, fault: { kind: "status", status: 429 } },
          { times: 3, fault: { kind: "status", status: 500 } }
        ]
      }
    }))))

  it.effect("faults apply to the OAuth token endpoint too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const http = yield* HttpClient.HttpClient
      const response = yield* http.execute(
        HttpClientRequest.post(`${fake.oauthUrl}/access_token`).pipe(
          HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials" }),
          HttpClientRequest.basicAuth("fake-client-id", "fake-client-secret")
        )
      )
      expect(response.status).toBe(503)
    }).pipe(Effect.provide(modes.memory({ faults: { rules: [{ route: "POST /site/oauth2", fault: { kind: "status", status: 503 } }] } }))))
})

describe("faults: what the client library makes of them", () => {
  const client = (faults: FakeBitbucket.FaultConfig) =>
    Layer.merge(Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }), modes.memory({ faults }))

  it.effect("a GET retries through 503s and a dropped connection, then succeeds", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Repository.find({ workspace: "demo", repo_slug: "effect-playground" }))
      yield* TestClock.adjust(Duration.minutes(1))
      const repo = yield* Fiber.join(fiber)
      expect(repo.full_name).toBe("demo/effect-playground")
      const log = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (f) => f.requests)
      expect(log.map((r) => r.fault?.fault.kind)).toEqual(["status", "disconnect", undefined])
    }).pipe(Effect.provide(client({
      rules: [
        { times: 1, fault: { kind: "status", status: 503 } },
        { times: 1, fault: { kind: "disconnect" } }
      ]
    }))))

  it.effect("a 429 on a POST is retried (nothing was created); a 503 on a POST is not", () =>
    Effect.gen(function*() {
      const ref = { workspace: "demo", repo_slug: "effect-playground" }
      const payload = { title: "Streams", source: { branch: { name: "docs/guide" } } }
      const fiber = yield* Effect.fork(PullRequest.create(ref, payload))
      yield* TestClock.adjust(Duration.minutes(1))
      const pr = yield* Fiber.join(fiber)
      expect(pr.state).toBe("OPEN")
      const fake = yield* FakeBitbucket.FakeBitbucket
      yield* fake.setFaults({ rules: [{ route: "POST /2.0/repositories", fault: { kind: "status", status: 503 } }] })
      const error = yield* Effect.flip(PullRequest.create(ref, { ...payload, title: "Again" }))
      expect(error._tag).toBe("ServerError")
      expect((yield* fake.requests).filter((r) => r.method === "POST").map((r) => r.fault?.fault)).toEqual([
        { kind: "status", status: 429 },
        undefined,
        { kind: "status", status: 503 }
      ])
    }).pipe(Effect.provide(client({ rules: [{ route: "POST /2.0/repositories", times: 1, fault: { kind: "status", status: 429 } }] }))))

  it.effect("a truncated body is a DecodeError; an HTML 502 a ServerError", () =>
    Effect.gen(function*() {
      const decode = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "effect-playground" }))
      expect(decode._tag).toBe("DecodeError")
      const fake = yield* FakeBitbucket.FakeBitbucket
      yield* fake.setFaults({ rules: [{ fault: { kind: "html", status: 502 } }] })
      const fiber = yield* Effect.fork(Effect.flip(Repository.find({ workspace: "demo", repo_slug: "effect-playground" })))
      yield* TestClock.adjust(Duration.minutes(5))
      const server = yield* Fiber.join(fiber)
      expect(server._tag).toBe("ServerError")
      expect(server.message).not.toContain("<html")
    }).pipe(
      Effect.provide(client({ rules: [{ fault: { kind: "malformed" } }] })),
      Effect.provide(BitbucketConfig.layer({ retry: { maxRetries: 2 } }))
    ))
})

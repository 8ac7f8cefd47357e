import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Layer, Option, Redacted, Stream, TestClock } from "effect"
import { Authenticator, BitbucketConfig, BitbucketError, Issue, Pipeline, PullRequest, Repository } from "../src/index.js"
import * as Http from "../src/internal/http.js"
import { errorBody, json, mockHttp, text } from "./support/mockHttp.js"

const repo = { type: "repository", full_name: "demo/hello", name: "hello" }

/** Runs an effect to completion while advancing the TestClock far enough for every backoff. */
const withClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    for (let i = 0; i < 20; i++) yield* TestClock.adjust("30 seconds")
    return yield* Fiber.join(fiber)
  })

describe("error mapping", () => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [400, "BadRequest"],
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [409, "Conflict"],
    [410, "Gone"],
    [402, "UnexpectedStatus"],
    [405, "UnexpectedStatus"]
  ]
  for (const [status, tag] of cases) {
    it.effect(`${status} becomes ${tag} with Bitbucket's message, detail, fields and id`, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() =>
          json(
            errorBody("Something is wrong", {
              detail: "More about it",
              fields: { name: ["This field is required."] },
              id: "abc123"
            }),
            status
          )
        )
        const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(
          Effect.provide(mock.anonymous)
        )
        expect(error._tag).toBe(tag)
        if (error._tag === "DecodeError" || error._tag === "TransportError" || error._tag === "Pending" || error._tag === "InvalidInput") {
          throw new Error("unexpected error kind")
        }
        expect(error.status).toBe(status)
        expect(error.method).toBe("GET")
        expect(error.url).toBe("https://api.bitbucket.org/2.0/repositories/demo/hello")
        expect(error.bitbucketMessage).toBe("Something is wrong")
        expect(error.detail).toBe("More about it")
        expect(error.fields).toEqual({ name: ["This field is required."] })
        expect(error.id).toBe("abc123")
        expect(error.message).toContain(`failed with ${status}`)
        expect(error.message).toContain("Something is wrong")
        expect(mock.requests).toHaveLength(1)
      }))
  }

  it.effect("a payload's Redacted value that the error body quotes is blanked out of the error", () =>
    Effect.gen(function*() {
      const secret = "quoted-secret-value-55aa"
      const mock = mockHttp(() => json(errorBody(`bad value ${secret}`, { detail: secret, fields: { value: [secret] } }), 400))
      const error = yield* Effect.flip(Pipeline.trigger({ workspace: "demo", repo_slug: "hello" }, {
        target: Pipeline.onBranch("main"),
        variables: [{ key: "TOKEN", value: Redacted.make(secret), secured: true }]
      })).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.body).toContain(secret)
      expect(error).toMatchObject({ _tag: "BadRequest", bitbucketMessage: "bad value <redacted>", detail: "<redacted>", fields: { value: ["<redacted>"] } })
      expect(JSON.stringify(error)).not.toContain(secret)
    }))

  it.effect("Basic credentials: the token is blanked, the email is not a secret (errors naming it or its domain stay readable)", () =>
    Effect.gen(function*() {
      const token = "ATATT3xFfGF0-user-token-77"
      const mock = mockHttp(() =>
        json(errorBody("bob@example.com is not a member of this workspace", { detail: `you sent alice@example.com:${token}` }), 404)
      )
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(
        Effect.provide(Layer.merge(mock.layer, Authenticator.apiToken({ email: "alice@example.com", token })))
      )
      expect(error).toMatchObject({
        _tag: "NotFound",
        bitbucketMessage: "bob@example.com is not a member of this workspace",
        detail: "you sent alice@example.com:<redacted>"
      })
      expect(error.message).toContain("bob@example.com is not a member")
      expect(JSON.stringify(error)).not.toContain(token)
    }))

  it.effect("Bitbucket's detail, where the advice usually is, shows in the message", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        json(errorBody("Unauthorized", { detail: "App passwords are no longer supported. Use an API token." }), 401)
      )
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(Effect.provide(mock.anonymous))
      expect(error.message).toContain("Bitbucket said: Unauthorized (App passwords are no longer supported. Use an API token.)")
      expect(String(error)).toContain("Use an API token")
    }))

  it.effect("a field's error that Bitbucket's message already says is not said twice", () =>
    Effect.gen(function*() {
      const said = "A push restriction for this branch match already exists (id 7001)."
      const mock = mockHttp(() =>
        json(errorBody(`pattern: ${said}`, { detail: "The branch restriction is invalid.", fields: { pattern: [said], users: ["Unknown user."] } }), 400)
      )
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(Effect.provide(mock.anonymous))
      expect(error.message.split(said)).toHaveLength(2)
      expect(error.message).toContain("(users: Unknown user.)")
      expect(error).toMatchObject({ fields: { pattern: [said], users: ["Unknown user."] } })
      // Only under the field's own name: another field with the same words is still named.
      const required = mockHttp(() =>
        json(errorBody("name: This field is required.", { fields: { name: ["This field is required."], slug: ["This field is required."] } }), 400)
      )
      const both = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(Effect.provide(required.anonymous))
      expect(both.message).toContain("(slug: This field is required.)")
      expect(both.message).not.toContain("(name: This field is required.")
    }))

  it.effect("a DecodeError quoting what it refused stays short, however large that was", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "repository", full_name: { huge: "x".repeat(1_000_000) } }))
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(Effect.provide(mock.anonymous))
      expect(error).toMatchObject({ _tag: "DecodeError", path: ["full_name"] })
      expect(error.message.length).toBeLessThan(500)
      expect(error.message).toContain("field full_name: Expected string")
    }))

  it.effect("a detail without a message still shows in the message", () =>
    Effect.gen(function*() {
      // An error body may carry its advice in `detail` alone (an empty or missing `message`).
      for (const error of [{ detail: "Use an API token." }, { message: "", detail: "Use an API token." }]) {
        const mock = mockHttp(() => json({ type: "error", error }, 401))
        const failed = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(Effect.provide(mock.anonymous))
        expect(failed).toMatchObject({ _tag: "Unauthorized", detail: "Use an API token." })
        expect(failed.message).toContain("Bitbucket said: Use an API token.")
      }
    }))

  it.effect("a text/plain 429 still gives a clear RateLimited after the retries", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text("Rate limit for this resource has been exceeded", 429))
      const exit = yield* withClock(Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("RateLimited")
      expect(error.message).toContain("Rate limit for this resource has been exceeded")
      if (error._tag === "RateLimited") expect(Option.isNone(error.retryAfter)).toBe(true)
      expect(mock.requests).toHaveLength(1 + BitbucketConfig.defaults.retry.maxRetries)
    }))

  it.effect("a ServerError carries the Retry-After its answer sent, as RateLimited does", () =>
    Effect.gen(function*() {
      const find = Repository.find({ workspace: "demo", repo_slug: "hello" })
      const retryAfterOf = (error: BitbucketError.BitbucketError) =>
        error._tag === "ServerError" ? Option.map(error.retryAfter, Duration.toSeconds) : undefined
      // A wait past the retry window: no retry, the 503 at once, with the wait it asked for.
      const long = mockHttp(() => text("Service Unavailable", 503, "text/plain", { "retry-after": "3600" }))
      const longError = yield* Effect.flip(yield* withClock(find.pipe(Effect.provide(long.anonymous))))
      expect(longError).toMatchObject({ _tag: "ServerError", status: 503 })
      expect(retryAfterOf(longError)).toEqual(Option.some(3600))
      expect(long.requests).toHaveLength(1)
      // A short wait is honoured by every retry; the last answer's is on the error.
      const short = mockHttp(() => text("Service Unavailable", 503, "text/plain", { "retry-after": "2" }))
      const shortError = yield* Effect.flip(yield* withClock(find.pipe(Effect.provide(short.anonymous))))
      expect(retryAfterOf(shortError)).toEqual(Option.some(2))
      expect(short.requests).toHaveLength(1 + BitbucketConfig.defaults.retry.maxRetries)
      // A POST is not retried on a 5xx: its error says when to try again.
      const post = mockHttp(() => json(errorBody("Try later"), 555, { "retry-after": "120" }))
      const postError = yield* Effect.flip(
        yield* withClock(
          Http.json({ method: "POST", path: "/repositories/{workspace}/{repo_slug}", params: { workspace: "a", repo_slug: "b" }, body: { _tag: "Json", value: {} } }, Repository.Repository)
            .pipe(Effect.provide(post.anonymous))
        )
      )
      expect(postError).toMatchObject({ _tag: "ServerError", status: 555 })
      expect(retryAfterOf(postError)).toEqual(Option.some(120))
      // Without Retry-After (the usual case), none.
      const none = mockHttp(() => text("Bad Gateway", 502))
      expect(retryAfterOf(yield* Effect.flip(yield* withClock(find.pipe(Effect.provide(none.anonymous)))))).toEqual(Option.none())
    }))

  it.effect("an HTML 502 gives a ServerError with the page's text, not its markup", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        text("<!DOCTYPE html><html><head><title>502</title></head><body><h1>Bad Gateway</h1></body></html>", 502, "text/html")
      )
      const exit = yield* withClock(Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(mock.anonymous)))
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("Bad Gateway")
      expect(error.message).not.toContain("<h1>")
    }))

  it.effect("malformed JSON on a 200 is a DecodeError naming the URL", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text('{"type": "repository", "name": ', 200, "application/json"))
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("https://api.bitbucket.org/2.0/repositories/demo/hello")
    }))

  it.effect("a field of the wrong type is a DecodeError with its path", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ ...repo, is_private: "yes" }))
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "hello" })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error._tag).toBe("DecodeError")
      if (error._tag === "DecodeError") expect(error.path).toEqual(["is_private"])
    }))
})

describe("retries", () => {
  it.effect("503, 503, 200 succeeds after backing off", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i < 2 ? text("busy", 503) : json(repo)))
      const fiber = yield* Effect.fork(Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(mock.anonymous)))
      yield* TestClock.adjust("100 millis")
      expect(mock.requests).toHaveLength(1) // still waiting: the first backoff is at least 250 ms
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result.full_name).toBe("demo/hello")
      expect(mock.requests).toHaveLength(3)
    }))

  it.effect("a POST is not retried on 503", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => text("busy", 503))
      const exit = yield* withClock(Http.json({ method: "POST", path: "/repositories/{workspace}/{repo_slug}", params: { workspace: "a", repo_slug: "b" }, body: { _tag: "Json", value: {} } }, Repository.Repository).pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("a POST is retried on 429, since Bitbucket refused it", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? text("slow down", 429) : json(repo)))
      const exit = yield* withClock(Http.json({ method: "POST", path: "/repositories/{workspace}/{repo_slug}", params: { workspace: "a", repo_slug: "b" }, body: { _tag: "Json", value: {} } }, Repository.Repository).pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(mock.requests).toHaveLength(2)
      expect(mock.requests[1]!.body).toBe("{}")
    }))

  it.effect("a POST is retried on 503 when the caller opts in", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? text("busy", 503) : json(repo)))
      const exit = yield* withClock(
        Http.json({ method: "POST", path: "/x", body: { _tag: "Json", value: {} } }, Repository.Repository).pipe(
          Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer({ retry: { retryNonIdempotent: true } })))
        )
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(mock.requests).toHaveLength(2)
    }))

  it.effect("Retry-After is honoured", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) =>
        i === 0 ? new Response("slow down", { status: 429, headers: { "retry-after": "42" } }) : json(repo)
      )
      const settings = BitbucketConfig.layer({ retry: { rateLimitDelay: "1 second" } })
      const fiber = yield* Effect.fork(
        Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(Layer.merge(mock.anonymous, settings)))
      )
      yield* TestClock.adjust("41 seconds")
      expect(mock.requests).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      expect(result.name).toBe("hello")
      expect(mock.requests).toHaveLength(2)
    }))

  it.effect("a Retry-After longer than the retry budget fails at once with RateLimited carrying it", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }))
      const exit = yield* withClock(Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(mock.anonymous)))
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("RateLimited")
      if (error._tag === "RateLimited") {
        expect(Option.map(error.retryAfter, Duration.toSeconds)).toEqual(Option.some(3600))
      }
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("transport errors are retried for GET", () =>
    Effect.gen(function*() {
      const mock = mockHttp((_, i) => (i === 0 ? "transport-error" : json(repo)))
      const exit = yield* withClock(Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(mock.requests).toHaveLength(2)
    }))

  it.effect("a request that never answers times out with a TransportError", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => Effect.never)
      const exit = yield* withClock(
        Repository.find({ workspace: "demo", repo_slug: "hello" }).pipe(
          Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer({ timeout: "5 seconds", retry: { maxRetries: 1 } })))
        )
      )
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("Timeout")
      expect(mock.requests).toHaveLength(2)
    }))
})

describe("path parameters", () => {
  const nasty = ["a/b", "..", "x/../../user", "what?x=1", "frag#ment", "100%", "with space", "naïve-日本", "{1b3f2c4e-0000-4000-8000-000000000000}"]
  for (const slug of nasty) {
    it.effect(`${JSON.stringify(slug)} stays one path segment or is refused`, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json(repo))
        const exit = yield* Effect.exit(Repository.find({ workspace: "demo", repo_slug: slug }).pipe(Effect.provide(mock.anonymous)))
        if (slug === "..") {
          expect(Exit.isFailure(exit)).toBe(true)
          expect(mock.requests).toHaveLength(0)
          return
        }
        expect(mock.requests).toHaveLength(1)
        const url = mock.requests[0]!.url
        expect(url.search).toBe("")
        expect(url.hash).toBe("")
        const segments = url.pathname.split("/")
        expect(segments).toHaveLength(5) // "", "2.0", "repositories", "demo", slug
        expect(segments.slice(0, 4)).toEqual(["", "2.0", "repositories", "demo"])
        expect(decodeURIComponent(segments[4]!)).toBe(slug)
      }))
  }

  it.effect("every placeholder is filled, whatever the case of its name (the API has reportId, repo_slug)", () =>
    Effect.gen(function*() {
      const url = yield* Http.resolve({ path: "/r/{repo_slug}/reports/{reportId}", params: { repo_slug: "api", reportId: "scan 1" } })
      expect(url).toBe("https://api.bitbucket.org/2.0/r/api/reports/scan%201")
      const missing = yield* Effect.flip(Http.resolve({ path: "/reports/{reportId}", params: {} }))
      expect(missing).toMatchObject({ _tag: "InvalidInput", parameter: "reportId" })
    }))

  it.effect("an empty parameter fails with InvalidInput naming it, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repo))
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "" })).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
      if (error._tag === "InvalidInput") expect(error.parameter).toBe("repo_slug")
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("query values are encoded so they cannot add parameters", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [] }))
      const q = 'name ~ "a&b=c" AND x = 1+2'
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { q, fields: "+values.x" })).pipe(
        Effect.provide(mock.anonymous)
      )
      const url = mock.requests[0]!.url
      expect(url.searchParams.get("q")).toBe(q)
      expect(url.searchParams.get("fields")).toBe("+values.x")
      expect(url.search).toContain("%2Bvalues.x")
      expect([...url.searchParams.keys()].sort()).toEqual(["fields", "pagelen", "q"])
    }))
})

describe("payloads are sent whole or not at all", () => {
  it.effect("a field the payload does not have is InvalidInput naming it, not dropped in silence", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 201 }))
      const withTypo = { title: "T", source: { branch: { name: "x" } }, close_source_brnach: true }
      const error = yield* Effect.flip(PullRequest.create({ workspace: "w", repo_slug: "r" }, withTypo as PullRequest.CreatePayload)).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "payload.close_source_brnach" })
      const target = { ...Pipeline.onBranch("main"), commmit: { type: "commit", hash: "abc" } }
      const nested = yield* Effect.flip(Pipeline.trigger({ workspace: "w", repo_slug: "r" }, { target } as Pipeline.TriggerPayload)).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(nested).toMatchObject({ _tag: "InvalidInput" })
      expect(nested.message).toContain("commmit")
      expect(mock.requests).toEqual([])
    }))
  it.effect("a value none of a field's choices takes names them all, not only the first", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 201 }))
      const error = yield* Effect.flip(
        Issue.create({ workspace: "w", repo_slug: "r" }, { title: "T", kind: "feature" } as unknown as Issue.CreatePayload)
      ).pipe(Effect.provide(mock.anonymous))
      expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "payload.kind" })
      expect(error.message).toContain('Expected one of "bug", "enhancement", "proposal", "task", actual "feature"')
      expect(error.message).not.toContain("undefined")
      expect(mock.requests).toEqual([])
      // The value refused is the caller's text: it may hold ", actual " itself.
      const odd = yield* Effect.flip(
        Issue.create({ workspace: "w", repo_slug: "r" }, { title: "T", kind: "a, actual b" } as unknown as Issue.CreatePayload)
      ).pipe(Effect.provide(mock.anonymous))
      expect(odd.message).toBe('invalid payload.kind: Expected one of "bug", "enhancement", "proposal", "task", actual "a, actual b"')
    }))
})

describe("errors print", () => {
  it.effect("as `Tag: message`, so a failed assertion on one reads well instead of overflowing the stack", () =>
    Effect.gen(function*() {
      // From inside an operation's span, where Effect wraps the error in a proxy.
      const error = yield* Effect.flip(Repository.find({ workspace: "demo", repo_slug: "" })).pipe(Effect.provide(mockHttp(() => json({})).anonymous))
      expect(String(error)).toBe(`InvalidInput: ${error.message}`)
      expect(() => expect(error).toBeInstanceOf(BitbucketError.NotFound)).toThrow(/to be an instance of NotFound/)
      const notFound = new BitbucketError.NotFound({ message: "no such repository", method: "GET", url: "https://x", status: 404 })
      expect(String(notFound)).toBe("NotFound: no such repository")
    }))
})

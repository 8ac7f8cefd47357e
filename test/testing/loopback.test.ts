/**
 * Loopback: the same client-library scenarios run against the fake in memory and against the fake
 * served on 127.0.0.1 over real HTTP (undici and fetch). Results, once the origins in hrefs are
 * normalised, must be identical, and so must the requests the fake received.
 */
import { FetchHttpClient } from "@effect/platform"
import type * as HttpClient from "@effect/platform/HttpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import {
  Authenticator,
  BitbucketConfig,
  BuildStatus,
  Comment,
  PullRequest,
  Ref,
  Repository,
  Resource,
  Snippet,
  User
} from "../../src/index.js"
import { FakeBitbucket } from "../../src/testing/index.js"

type Env = HttpClient.HttpClient | FakeBitbucket.FakeBitbucket

/** Points the library at the served fake. */
const ConfigFromServer = Layer.unwrapEffect(
  Effect.map(FakeBitbucket.FakeBitbucket, (fake) => BitbucketConfig.layer({ baseUrl: fake.baseUrl }))
)

const served = (client: Layer.Layer<HttpClient.HttpClient>, seed?: FakeBitbucket.Seed) =>
  Layer.mergeAll(ConfigFromServer, client).pipe(
    Layer.provideMerge(FakeBitbucket.layerServer({ port: 0, ...(seed !== undefined ? { seed } : {}) })),
    Layer.orDie
  )

type EnvironmentName = "memory" | "http (undici)" | "http (fetch)" | "http (node:http)"

const environments = (seed?: FakeBitbucket.Seed): ReadonlyArray<readonly [EnvironmentName, Layer.Layer<Env>]> => [
  ["memory", FakeBitbucket.layer(seed !== undefined ? { seed } : {})],
  ["http (undici)", served(NodeHttpClient.layerUndici, seed)],
  ["http (fetch)", served(FetchHttpClient.layer, seed)],
  ["http (node:http)", served(NodeHttpClient.layer, seed)]
]

const asAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })

/**
 * Replaces the fake's hosts (API, web, clone URLs) by `<host>`, and `http(s)://<host>` by
 * `<origin>`: in memory they are api.bitbucket.org and bitbucket.org, served both are 127.0.0.1:port.
 */
const normalise = (value: unknown, fake: FakeBitbucket.FakeBitbucket): unknown => {
  const api = new URL(fake.baseUrl)
  const web = new URL(fake.oauthUrl)
  const hosts = [api.host, web.host, web.hostname, api.hostname]
    .filter((s, i, all) => all.indexOf(s) === i)
    .sort((a, b) => b.length - a.length)
  let text = JSON.stringify(value)
  for (const host of hosts) text = text.replaceAll(host, "<host>")
  return JSON.parse(text.replaceAll(/https?:\/\/<host>/g, "<origin>"))
}

interface Outcome {
  readonly result: unknown
  /** Method and normalised URL of every request the fake received, sorted (listings run concurrently). */
  readonly requests: ReadonlyArray<string>
  readonly authorization: ReadonlyArray<string>
}

/** Runs a scenario in every environment and checks the outcomes are identical; returns the in-memory one. */
const compare = <A, E>(
  scenario: Effect.Effect<A, E, Env>,
  options: { readonly seed?: FakeBitbucket.Seed; readonly skip?: ReadonlyArray<EnvironmentName> } = {}
) =>
  Effect.gen(function*() {
    const outcomes: Array<readonly [string, Outcome]> = []
    for (const [name, layer] of environments(options.seed)) {
      if (options.skip?.includes(name)) continue
      const outcome = yield* Effect.gen(function*() {
        const fake = yield* FakeBitbucket.FakeBitbucket
        const result = normalise(yield* scenario, fake)
        const log = yield* fake.requests
        return {
          result,
          requests: log.map((r) => `${r.method} ${normalise(r.url, fake)}`).sort(),
          authorization: [...new Set(log.map((r) => (r.headers["authorization"] ?? "none").split(" ")[0]!))].sort()
        } satisfies Outcome
      }).pipe(
        Effect.provide(layer),
        // Each environment starts from the same instant (timestamps are part of the results).
        Effect.provide(TestContext.TestContext)
      )
      outcomes.push([name, outcome])
    }
    const [, memory] = outcomes[0]!
    for (const [name, outcome] of outcomes.slice(1)) {
      expect(outcome.result, `${name}: result`).toEqual(memory.result)
      expect(outcome.requests, `${name}: requests`).toEqual(memory.requests)
      expect(outcome.authorization, `${name}: authorization`).toEqual(memory.authorization)
    }
    return memory as Outcome & { readonly result: any }
  })

/**
 * Runs an effect that sleeps on the test clock (polling) while real I/O happens: whenever it waits
 * on a short sleep (not the 30 s request timeouts), moves the clock exactly to that sleep's end;
 * otherwise lets real time pass. The clock thus advances the same way on every transport.
 */
const withClock = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(self)
    while ((yield* Fiber.poll(fiber))._tag === "None") {
      const now = yield* TestClock.currentTimeMillis
      const next = Chunk.reduce(yield* TestClock.sleeps(), Infinity, (min, t) => Math.min(min, t))
      if (next - now <= 5_000) yield* TestClock.setTime(next)
      else yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
    }
    return yield* Fiber.join(fiber)
  })

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

describe("loopback: the same results in memory and over real HTTP", () => {
  it.effect("lists repositories with q, sort, fields, small pages and concurrency", () =>
    Effect.gen(function*() {
      const outcome = yield* compare(
        Effect.gen(function*() {
          const all = yield* collect(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 3, concurrency: 3 }))
          const filtered = yield* collect(
            Repository.findForWorkspace({ workspace: "demo" }, {
              q: "is_private = false AND language = \"typescript\"",
              sort: "-name",
              fields: "values.full_name,values.language,values.links.self,values.is_private",
              pagelen: 2,
              concurrency: 2
            })
          )
          return { all, filtered }
        }).pipe(Effect.provide(asAlice))
      )
      expect(outcome.result.all).toHaveLength(13)
      expect(outcome.result.all.map((r: { full_name: string }) => r.full_name)).toContain("demo/internal-notes")
      expect(outcome.result.filtered.length).toBeGreaterThan(1)
      const names = outcome.result.filtered.map((r: { full_name: string }) => r.full_name)
      expect(names).toEqual([...names].sort().reverse())
      expect(outcome.result.filtered[0].links.self.href).toMatch(/^<origin>\/2\.0\/repositories\/demo\//)
      // 13 repositories by 3: five pages, the last four fetched concurrently after the first.
      expect(outcome.requests.filter((r) => r.includes("pagelen=3"))).toHaveLength(5)
      expect(outcome.authorization).toEqual(["Basic"])
    }))

  it.effect("reads a repository, anonymously and as a member", () =>
    Effect.gen(function*() {
      const outcome = yield* compare(
        Effect.gen(function*() {
          const publicRepo = yield* Repository.find({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
            Effect.provide(Authenticator.anonymous)
          )
          const privateRepo = yield* Repository.find({ workspace: "acme", repo_slug: "api" }).pipe(Effect.provide(asAlice))
          const hidden = yield* Effect.flip(
            Repository.find({ workspace: "acme", repo_slug: "api" }).pipe(Effect.provide(Authenticator.anonymous))
          )
          return { publicRepo, privateRepo, hidden: { tag: hidden._tag, message: hidden.message } }
        })
      )
      expect(outcome.result.publicRepo).toMatchObject({ type: "repository", full_name: "demo/effect-playground" })
      expect(outcome.result.publicRepo.links.clone).toEqual([
        { name: "https", href: "<origin>/demo/effect-playground.git" },
        { name: "ssh", href: "git@<host>:demo/effect-playground.git" }
      ])
      expect(outcome.result.privateRepo.is_private).toBe(true)
      expect(outcome.result.hidden.tag).toBe("NotFound")
    }))

  it.effect("creates a branch, a pull request, a comment and a build status; approves and merges", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const outcome = yield* compare(
        Effect.gen(function*() {
          const streams = yield* Ref.findBranch({ ...repo, name: "feature/streams" })
          const branch = yield* Ref.createBranch(repo, {
            name: "feature/loopback",
            target: { hash: streams.target!.hash! }
          })
          const pr = yield* PullRequest.create(repo, {
            title: "Loopback",
            description: "Over **real** HTTP.",
            source: { branch: { name: "feature/loopback" } },
            reviewers: [{ account_id: "557058:alice" }]
          }).pipe(Effect.provide(Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })))
          const prRef = { ...repo, pull_request_id: pr.id! }
          const comment = yield* Comment.create(prRef, { content: { raw: "Looks good, see `src/streams.ts`." } })
          const status = yield* BuildStatus.create({ ...repo, commit: streams.target!.hash! }, {
            key: "loopback-ci",
            state: "SUCCESSFUL",
            url: "https://ci.example.com/builds/1",
            name: "CI #1"
          })
          const approval = yield* PullRequest.approve(prRef)
          const statuses = yield* collect(PullRequest.statuses(prRef))
          const diff = yield* PullRequest.diff(prRef)
          const merged = yield* PullRequest.merge(prRef, { merge_strategy: "squash", message: "Loopback (squashed)" })
          const main = yield* Ref.findBranch({ ...repo, name: "main" })
          // A second pull request merged asynchronously: 202, then task-status polls.
          const guide = yield* PullRequest.create(repo, { title: "Guide", source: { branch: { name: "docs/guide" } } })
          const asyncMerged = yield* withClock(
            PullRequest.merge({ ...repo, pull_request_id: guide.id! }, {}, { async: true, pollInterval: "1 second" })
          )
          return { branch, pr, comment, status, approval, statuses, diff, merged, main, asyncMerged }
        }).pipe(Effect.provide(asAlice))
      )
      const r = outcome.result
      expect(r.branch).toMatchObject({ type: "branch", name: "feature/loopback" })
      expect(r.pr).toMatchObject({ type: "pullrequest", state: "OPEN", title: "Loopback" })
      expect(r.pr.links.self.href).toBe(`<origin>/2.0/repositories/demo/effect-playground/pullrequests/${r.pr.id}`)
      expect(r.comment.content.raw).toContain("src/streams.ts")
      expect(r.status).toMatchObject({ type: "commitstatus", key: "loopback-ci", state: "SUCCESSFUL" })
      expect(r.approval).toMatchObject({ approved: true })
      expect(r.statuses.map((s: { key: string }) => s.key)).toContain("loopback-ci")
      expect(r.diff).toContain("+++ b/src/streams.ts")
      expect(r.merged.state).toBe("MERGED")
      expect(r.main.target.message).toBe("Loopback (squashed)")
      expect(r.asyncMerged).toMatchObject({ type: "pullrequest", id: r.pr.id + 1, state: "MERGED" })
      // The diff went through the 302.
      expect(outcome.requests.some((q) => /GET <origin>\/2\.0\/repositories\/demo\/effect-playground\/diff\/[0-9a-f]+\.\./.test(q)))
        .toBe(true)
      expect(outcome.requests.filter((q) => q.includes("/task-status/")).length).toBeGreaterThanOrEqual(2)
    }))

  it.effect("OAuth 2.0 client credentials against the token endpoint on the same server", () =>
    Effect.gen(function*() {
      const outcome = yield* compare(
        Effect.gen(function*() {
          const fake = yield* FakeBitbucket.FakeBitbucket
          const auth = Authenticator.oauth2ClientCredentials({
            clientId: "fake-client-id",
            clientSecret: "fake-client-secret",
            tokenUrl: `${fake.oauthUrl}/access_token`
          })
          return yield* Effect.gen(function*() {
            const me = yield* User.current()
            const acme = yield* collect(Repository.findForWorkspace({ workspace: "acme" }, { fields: "values.full_name" }))
            return { me: { uuid: me.uuid, display_name: me.display_name }, acme }
          }).pipe(Effect.provide(auth))
        })
      )
      expect(outcome.result.me.display_name).toBe("Alice Anderson")
      expect(outcome.result.acme.length).toBeGreaterThan(0)
      expect(outcome.requests.filter((r) => r === "POST <origin>/site/oauth2/access_token")).toHaveLength(1)
      expect(outcome.authorization).toEqual(["Basic", "Bearer"])
    }))

  it.effect("creates a snippet with multipart/form-data (text and binary files) and reads the files back", () =>
    Effect.gen(function*() {
      const binary = new Uint8Array([0, 1, 2, 254, 255, 0x89, 0x50, 0x4e, 0x47])
      const outcome = yield* compare(
        Effect.gen(function*() {
          const snippet = yield* Snippet.create({ workspace: "demo" }, {
            title: "Loopback snippet",
            is_private: false,
            files: [
              { name: "hello.txt", content: "Grüße aus dem Loopback\n" },
              { name: "pixel.bin", content: binary }
            ]
          })
          const ref = yield* Snippet.refOf(snippet)
          const text = yield* Snippet.contentText(ref, "hello.txt")
          const bytes = yield* Resource.collectBytes(Snippet.content(ref, "pixel.bin"))
          return { snippet, text, bytes: Array.from(bytes) }
        }).pipe(Effect.provide(asAlice))
        // (undici 7 could not send Node 20's global FormData; the pipeline now sends multipart
        // bodies as bytes, so every client takes part.)
      )
      expect(outcome.result.snippet).toMatchObject({ type: "snippet", title: "Loopback snippet" })
      expect(outcome.result.text).toBe("Grüße aus dem Loopback\n")
      expect(outcome.result.bytes).toEqual(Array.from(binary))
    }))

  it.effect("errors come out the same: 404, 403, 400 with fields, 401", () =>
    Effect.gen(function*() {
      const outcome = yield* compare(
        Effect.gen(function*() {
          const repo = { workspace: "demo", repo_slug: "effect-playground" }
          const tag = <A, E extends { _tag: string; message: string }, R>(self: Effect.Effect<A, E, R>) =>
            Effect.map(Effect.flip(self), (e) => ({ tag: e._tag, message: e.message, ...("fields" in e ? { fields: e.fields } : {}) }))
          return {
            notFound: yield* tag(Repository.find({ workspace: "demo", repo_slug: "nope" }).pipe(Effect.provide(asAlice))),
            forbidden: yield* tag(
              Repository.find({ workspace: "acme", repo_slug: "api" }).pipe(
                Effect.provide(Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" }))
              )
            ),
            badRequest: yield* tag(
              PullRequest.create(repo, { title: "x", source: { branch: { name: "no-such-branch" } } }).pipe(Effect.provide(asAlice))
            ),
            unauthorized: yield* tag(
              Repository.find(repo).pipe(Effect.provide(Authenticator.apiToken({ email: "alice@example.com", token: "wrong" })))
            )
          }
        })
      )
      expect(outcome.result.notFound.tag).toBe("NotFound")
      expect(outcome.result.forbidden.tag).toBe("Forbidden")
      expect(outcome.result.badRequest.tag).toBe("BadRequest")
      expect(Object.keys(outcome.result.badRequest.fields ?? {})).toContain("source")
      expect(outcome.result.unauthorized.tag).toBe("Unauthorized")
    }))
})

describe("loopback: the server's life cycle", () => {
  it.effect("listens on 127.0.0.1 with a random port, and stops when the scope closes", () =>
    Effect.gen(function*() {
      const baseUrl = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* FakeBitbucket.serve()
          expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/2\.0$/)
          expect(server.oauthUrl).toBe(`${server.origin}/site/oauth2`)
          expect(server.port).toBeGreaterThan(0)
          const response = yield* Effect.promise(() => fetch(`${server.baseUrl}/repositories/demo/effect-playground`))
          expect(response.status).toBe(200)
          expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8")
          const body = yield* Effect.promise(() => response.json())
          expect(body.links.self.href).toBe(`${server.baseUrl}/repositories/demo/effect-playground`)
          expect(body.links.html.href).toBe(`${server.origin}/demo/effect-playground`)
          const log = yield* server.requests
          expect(log[0]!.url).toBe(`${server.baseUrl}/repositories/demo/effect-playground`)
          return server.baseUrl
        })
      )
      const after = yield* Effect.promise(() => fetch(`${baseUrl}/repositories/demo`).then(() => "answered", () => "refused"))
      expect(after).toBe("refused")
    }))

  it.scoped("a taken port fails with ListenError", () =>
    Effect.gen(function*() {
      const first = yield* FakeBitbucket.serve({ port: 0 })
      const error = yield* Effect.flip(FakeBitbucket.serve({ port: first.port }))
      expect(error._tag).toBe("ListenError")
      expect(error.message).toContain(`127.0.0.1:${first.port}`)
    }))

  it.scoped("a port out of range fails with ListenError, not a crash", () =>
    Effect.gen(function*() {
      for (const port of [70000, -1]) {
        const exit = yield* Effect.exit(FakeBitbucket.serve({ port }))
        expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail", error: { _tag: "ListenError" } } })
      }
    }))

  it.scoped("redirects keep their Location, request bodies and headers arrive intact", () =>
    Effect.gen(function*() {
      const server = yield* FakeBitbucket.serve({ port: 0 })
      const redirect = yield* Effect.promise(() =>
        fetch(`${server.baseUrl}/repositories/demo/effect-playground/pullrequests/1/diff`, { redirect: "manual" })
      )
      expect(redirect.status).toBe(302)
      expect(redirect.headers.get("location")).toMatch(
        new RegExp(`^${server.baseUrl.replaceAll(".", "\\.")}/repositories/demo/effect-playground/diff/[0-9a-f]+\\.\\.[0-9a-f]+\\?`)
      )
      const created = yield* Effect.promise(() =>
        fetch(`${server.baseUrl}/repositories/demo/effect-playground/refs/branches`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`
          },
          body: JSON.stringify({ name: "ünïcode/branch", target: { hash: "main" } })
        })
      )
      const body = yield* Effect.promise(() => created.json())
      expect([created.status, body.name]).toEqual([201, "ünïcode/branch"])
      expect(created.headers.get("location")).toBe(
        `${server.baseUrl}/repositories/demo/effect-playground/refs/branches/${encodeURIComponent("ünïcode/branch")}`
      )
      const log = yield* server.requests
      expect(JSON.parse(log.at(-1)!.body).name).toBe("ünïcode/branch")
      expect(log.at(-1)!.headers["content-type"]).toBe("application/json")
    }))
})

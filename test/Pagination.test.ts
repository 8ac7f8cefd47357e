import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Fiber, Layer, Schema, Stream, TestClock } from "effect"
import { BitbucketConfig, Comment, Pagination, Repository, Workspace } from "../src/index.js"
import { json, mockHttp, text } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"

const repos = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: "repository", full_name: `demo/repo-${i}`, name: `repo-${i}`, extra_field: i }))

/** One page of a listing like Bitbucket's: `page`, `pagelen`, `size` (list-based) or only `next` (iterator). */
const listingReply = (items: ReadonlyArray<unknown>, url: URL, options: { readonly iterator?: boolean } = {}) => {
  const pagelen = Math.min(100, Number(url.searchParams.get("pagelen") ?? "10"))
  const page = Number(url.searchParams.get("page") ?? "1")
  const values = items.slice((page - 1) * pagelen, page * pagelen)
  const nextUrl = new URL(url)
  nextUrl.searchParams.set("page", String(page + 1))
  const next = page * pagelen < items.length ? { next: nextUrl.toString() } : {}
  return json(options.iterator ? { values, pagelen, ...next } : { values, pagelen, page, size: items.length, ...next })
}

const listing = (items: ReadonlyArray<unknown>, options: { readonly iterator?: boolean } = {}) =>
  mockHttp((request) => listingReply(items, request.url, options))

const names = (stream: Stream.Stream<Repository.Repository, unknown, never>) =>
  Effect.map(Stream.runCollect(stream), (chunk) => Chunk.toReadonlyArray(Chunk.map(chunk, (r) => r.name)))

describe("Pagination", () => {
  for (const size of [0, 1, 250]) {
    it.effect(`streams ${size} items, each once and in order`, () =>
      Effect.gen(function*() {
        const mock = listing(repos(size))
        const result = yield* names(
          Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 100 }).pipe(Stream.provideLayer(mock.anonymous))
        )
        expect(result).toEqual(repos(size).map((r) => r.name))
        expect(mock.requests).toHaveLength(Math.max(1, Math.ceil(size / 100)))
      }))
  }

  it.effect("keeps unknown fields of each item", () =>
    Effect.gen(function*() {
      const mock = listing(repos(3))
      const all = yield* Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" })).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(all).map((r) => r["extra_field"])).toEqual([0, 1, 2])
    }))

  it.effect("accepts a bare JSON array as the only page", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repos(3)))
      const result = yield* names(Repository.findForWorkspace({ workspace: "demo" }).pipe(Stream.provideLayer(mock.anonymous)))
      expect(result).toEqual(["repo-0", "repo-1", "repo-2"])
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("refuses a next link on another origin and sends nothing there", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? json({ values: repos(2), next: "https://evil.example.com/2.0/repositories/demo?page=2" })
          : json({ values: repos(2) })
      )
      const exit = yield* Effect.exit(
        Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" })).pipe(Effect.provide(mock.anonymous))
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("RefusedOrigin")
      expect(mock.requests.map((r) => r.url.host)).toEqual(["api.bitbucket.org"])
    }))

  it.effect("concurrency: 4 yields exactly the sequential sequence", () =>
    Effect.gen(function*() {
      const items = repos(1234)
      const sequential = listing(items)
      const concurrent = listing(items)
      const a = yield* names(
        Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50 }).pipe(Stream.provideLayer(sequential.anonymous))
      )
      const b = yield* names(
        Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50, concurrency: 4 }).pipe(
          Stream.provideLayer(concurrent.anonymous)
        )
      )
      expect(b).toEqual(a)
      expect(b).toHaveLength(1234)
      expect(new Set(b).size).toBe(1234)
      expect(concurrent.requests).toHaveLength(Math.ceil(1234 / 50))
      expect(new Set(concurrent.requests.map((r) => r.url.searchParams.get("page") ?? "1")).size).toBe(Math.ceil(1234 / 50))
    }))

  it.effect("concurrency falls back to following next on iterator-based listings", () =>
    Effect.gen(function*() {
      const mock = listing(repos(120), { iterator: true })
      const result = yield* names(
        Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50, concurrency: 8 }).pipe(Stream.provideLayer(mock.anonymous))
      )
      expect(result).toEqual(repos(120).map((r) => r.name))
      expect(mock.requests).toHaveLength(3)
    }))

  it.effect("with concurrency, a first page whose size is already reached still has its next followed", () =>
    Effect.gen(function*() {
      // The listing grew between Bitbucket counting it and reading page 1: `size` says one page,
      // `next` says there is another.
      const mock = mockHttp((request) =>
        request.url.searchParams.get("page") === "2"
          ? json({ values: repos(3).slice(2), pagelen: 2, page: 2, size: 3 })
          : json({ values: repos(2), pagelen: 2, page: 1, size: 2, next: `${base}/repositories/demo?pagelen=2&page=2` })
      )
      for (const prefetch of [0, 1]) {
        const result = yield* names(
          Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 2, concurrency: 4, prefetch }).pipe(
            Stream.provideLayer(mock.anonymous)
          )
        )
        expect(result).toEqual(["repo-0", "repo-1", "repo-2"])
      }
    }))

  it.effect("with concurrency, a listing that ends before its count (it shrank, or size lies) ends there, asking no more", () =>
    Effect.gen(function*() {
      const items = repos(25)
      for (const size of [40, 1e9]) {
        for (const prefetch of [0, 1]) {
          // Pages of 10 while `size` says more: page 3 is the last (no `next`), later pages 404.
          const mock = mockHttp((request) => {
            const page = Number(request.url.searchParams.get("page") ?? "1")
            if (page > 3) return json({ type: "error", error: { message: "Invalid page" } }, 404)
            const next = page < 3 ? { next: `${base}/repositories/demo?pagelen=10&page=${page + 1}` } : {}
            return json({ values: items.slice((page - 1) * 10, page * 10), pagelen: 10, page, size, ...next })
          })
          const result = yield* names(
            Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 10, concurrency: 4, prefetch }).pipe(Stream.provideLayer(mock.anonymous))
          )
          expect(result).toEqual(items.map((r) => r.name))
          // Page 1, the window of 4 after it, and one more started as each of pages 2 and 3 was taken.
          expect(mock.requests.length).toBeLessThanOrEqual(7)
        }
      }
    }))

  it.effect("with concurrency, pages requested at once really overlap", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let maxInFlight = 0
      const items = repos(400)
      const mock = mockHttp((request) =>
        Effect.gen(function*() {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          yield* Effect.sleep("10 millis")
          inFlight--
          return listingReply(items, request.url)
        })
      )
      const fiber = yield* Effect.fork(
        names(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50, concurrency: 4 }).pipe(Stream.provideLayer(mock.anonymous)))
      )
      for (let k = 0; k < 10; k++) yield* TestClock.adjust("10 millis")
      const result = yield* Fiber.join(fiber)
      expect(result).toHaveLength(400)
      expect(maxInFlight).toBe(4)
    }))

  it.effect("with concurrency and prefetch, the next pages are requested while the first is consumed", () =>
    Effect.gen(function*() {
      const pagesAsked = (prefetch: number) =>
        Effect.gen(function*() {
          const mock = listing(repos(300))
          // The consumer takes one item, then stops: what was asked for by then?
          const first = yield* Stream.runHead(
            Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50, concurrency: 4, prefetch }).pipe(
              Stream.tap(() => Effect.sleep("1 millis")),
              Stream.provideLayer(mock.anonymous)
            )
          ).pipe(Effect.fork, Effect.tap(() => TestClock.adjust("1 millis")), Effect.flatMap(Fiber.join))
          expect(first._tag).toBe("Some")
          return mock.requests.map((r) => r.url.searchParams.get("page") ?? "1")
        })
      expect(yield* pagesAsked(1)).toEqual(["1", "2", "3", "4", "5"])
      expect(yield* pagesAsked(0)).toEqual(["1"])
    }))

  it.live("with concurrency, a consumer that stops early cancels the pages in flight and asks for no more", () =>
    Effect.gen(function*() {
      let interrupted = 0
      const items = repos(1000)
      // Pages 1 to 3 answer at once, the others never before they are cancelled.
      const mock = mockHttp((request) =>
        Effect.sleep(Number(request.url.searchParams.get("page") ?? "1") <= 3 ? "0 millis" : "1 minute").pipe(
          Effect.as(listingReply(items, request.url)),
          Effect.onInterrupt(() => Effect.sync(() => interrupted++))
        )
      )
      const taken = yield* Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50, concurrency: 4 }).pipe(
        Stream.take(120),
        Stream.runCollect,
        Effect.provide(mock.anonymous)
      )
      expect(Chunk.toReadonlyArray(Chunk.map(taken, (r) => r.name))).toEqual(items.slice(0, 120).map((r) => r.name))
      // Page 1, then pages 2 to 5 at once; the turns of pages 2 and 3 start 6 and 7. Page 3 ends the
      // take: 4 to 7 are cancelled, and nothing after them is asked for.
      expect(mock.requests.map((r) => r.url.searchParams.get("page") ?? "1")).toEqual(["1", "2", "3", "4", "5", "6", "7"])
      expect(interrupted).toBe(4)
    }))

  it.effect("a large page whose early top level misleads about next: the whole page's link is followed", () =>
    Effect.gen(function*() {
      // Pages over the size parsed in pieces, written to fool the guess of their top level (json.ts):
      // an array after `values` whose objects open like the items makes the last `]` the wrong one.
      const url = (page: number) => `${base}/repositories/demo?pagelen=50&page=${page}`
      const items = (page: number) =>
        Array.from({ length: 50 }, (_, i) => ({ type: "repository", name: `repo-${(page - 1) * 50 + i}`, pad: "x".repeat(2500) }))
      const values = (page: number) => JSON.stringify(items(page))
      const decoys = JSON.stringify([{ type: "repository", name: "decoy" }, { type: "repository", name: "decoy" }])
      const pages: Record<string, string> = {
        "1": `{"values":${values(1)},"next":"${url(2)}"}`,
        // The guess reads page 4 from an earlier duplicate key; the last `next` (page 3) wins.
        "2": `{"next":"${url(4)}","values":${values(2)},"next":"${url(3)}","x":${decoys}}`,
        // The guess misses `next` altogether.
        "3": `{"values":${values(3)},"next":"${url(4)}","x":${decoys}}`,
        "4": `{"values":${values(4)}}`
      }
      const mock = mockHttp((request) => text(pages[request.url.searchParams.get("page") ?? "1"]!, 200, "application/json"))
      const result = yield* names(
        Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 50 }).pipe(Stream.provideLayer(mock.anonymous))
      )
      expect(result).toEqual([1, 2, 3, 4].flatMap((page) => items(page).map((r) => r.name)))
      // Page 4, asked for too early and taken back, is not a loop when its turn comes.
      expect(mock.requests.map((r) => r.url.searchParams.get("page") ?? "1").filter((p) => p !== "4")).toEqual(["1", "2", "3"])
    }))

  it.effect("a next link that repeats a fetched page fails instead of looping", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) => json({ values: repos(1), next: `${base}/repositories/demo?page=1` , page: Number(request.url.searchParams.get("page") ?? 1) }))
      const error = yield* Effect.flip(Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 1 }))).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("pagination loop")
      expect(mock.requests.length).toBeLessThanOrEqual(2)
    }))

  it.effect("a page fetch that fails transiently is retried: every item once, in order", () =>
    Effect.gen(function*() {
      const items = repos(300)
      let calls = 0
      const mock = mockHttp((request) => {
        calls++
        return calls === 2 || calls === 3 ? text("busy", 503) : listingReply(items, request.url)
      })
      const fiber = yield* Effect.fork(
        names(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 100 }).pipe(Stream.provideLayer(mock.anonymous)))
      )
      for (let k = 0; k < 10; k++) yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result).toEqual(items.map((r) => r.name))
      expect(mock.requests).toHaveLength(5)
    }))

  it.effect("a fields selection keeps next, page, pagelen and size so paging works", () =>
    Effect.gen(function*() {
      const mock = listing(repos(3))
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { fields: "values.name" })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(mock.requests[0]!.url.searchParams.get("fields")).toBe("values.name,next,page,pagelen,size")
    }))

  it.effect("whatever a fields selection trims still decodes (workspace access, inline comments)", () =>
    Effect.gen(function*() {
      const accessOnly = mockHttp(() => json({ values: [{ permission: "owner" }, { permission: "member", workspace: { slug: "acme" } }] }))
      const access = yield* Stream.runCollect(Workspace.findAccessForCurrentUser({ fields: "values.permission,values.workspace.slug" })).pipe(
        Effect.provide(accessOnly.anonymous)
      )
      expect(Chunk.toReadonlyArray(access).map((a) => a.permission)).toEqual(["owner", "member"])
      // Entries without their workspace are skipped, not a DecodeError.
      const workspaces = yield* Stream.runCollect(Workspace.findForCurrentUser()).pipe(Effect.provide(accessOnly.anonymous))
      expect(Chunk.toReadonlyArray(workspaces).map((w) => w.slug)).toEqual(["acme"])
      const inlineOnly = mockHttp(() => json({ values: [{ id: 1, inline: { to: 3 } }] }))
      const comments = yield* Stream.runCollect(
        Comment.findForPullRequest({ workspace: "demo", repo_slug: "x", pull_request_id: 1 }, { fields: "values.id,values.inline.to" })
      ).pipe(Effect.provide(inlineOnly.anonymous))
      expect(Chunk.toReadonlyArray(comments).map((c) => c.inline?.to)).toEqual([3])
    }))

  it.effect("sends the default pagelen from BitbucketConfig, and the call's own when given", () =>
    Effect.gen(function*() {
      const mock = listing(repos(3))
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" })).pipe(
        Effect.provide(Layer.merge(mock.anonymous, BitbucketConfig.layer({ pagelen: 25 })))
      )
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 7 })).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => r.url.searchParams.get("pagelen"))).toEqual(["25", "7"])
    }))

  it.effect("prefetch fetches the next page while the consumer is still on the first", () =>
    Effect.gen(function*() {
      const mock = listing(repos(30))
      const firstItem = yield* Stream.runHead(
        Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 10, prefetch: 1 }).pipe(
          Stream.tap(() => Effect.sleep("1 millis")),
          Stream.provideLayer(mock.anonymous)
        )
      ).pipe(Effect.fork, Effect.tap(() => TestClock.adjust("1 millis")), Effect.flatMap(Fiber.join))
      expect(firstItem._tag).toBe("Some")
      expect(mock.requests.length).toBeGreaterThanOrEqual(2)
    }))

  it.live("prefetch: the next page's request leaves before a busy consumer starts on the current page", () =>
    Effect.gen(function*() {
      // undici writes a request on an idle keep-alive connection only at the next check phase
      // (setImmediate); this client does the same. A consumer that works synchronously must not
      // keep the prefetched request from leaving.
      const events: Array<string> = []
      const items = repos(30)
      const mock = mockHttp((request) =>
        Effect.async((resume) => {
          setImmediate(() => {
            events.push(`sent page ${request.url.searchParams.get("page") ?? "1"}`)
            resume(Effect.succeed(listingReply(items, request.url)))
          })
        })
      )
      yield* Repository.findForWorkspace({ workspace: "demo" }, { pagelen: 10, prefetch: 1 }).pipe(
        Stream.tap((repo) => Effect.sync(() => events.push(`consumed ${repo.name}`))),
        Stream.runDrain,
        Effect.provide(mock.anonymous)
      )
      expect(events.indexOf("sent page 2")).toBeGreaterThanOrEqual(0)
      expect(events.indexOf("sent page 2")).toBeLessThan(events.indexOf("consumed repo-0"))
      expect(events.indexOf("sent page 3")).toBeLessThan(events.indexOf("consumed repo-10"))
    }))

  it.effect("streamUrl with a schema of our own decodes each item with it", () =>
    Effect.gen(function*() {
      const mock = listing([{ name: "a" }, { name: "b" }])
      const Named = Schema.Struct({ name: Schema.String })
      const result = yield* Stream.runCollect(Pagination.streamUrl(`${base}/anything`, Named)).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(result)).toEqual([{ name: "a" }, { name: "b" }])
    }))
})


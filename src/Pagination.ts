/**
 * Bitbucket's paginated listings as `Stream`s.
 *
 * A listing follows `next` links lazily, one page at a time, and fetches `prefetch` pages ahead of
 * the consumer (see `BitbucketConfig`): the next page is requested as soon as the current page's
 * `next` link is read, before its items are parsed. List-based listings (the first page carries
 * `page`, `pagelen` and `size`) can also fetch the remaining pages `concurrency` at a time; items
 * still come out in order and exactly once, and pages waiting their turn are held as bytes (parsed
 * when their turn comes), so memory stays flat. A bare JSON array answer is accepted as a single page.
 *
 * Every listing operation of the library (`Repository.findForWorkspace`, ...) is built on
 * {@link stream} and takes {@link ListOptions}.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const names = Repository.findForWorkspace({ workspace: "demo" }, { q: 'language = "go"', concurrency: 4 }).pipe(
 *   Stream.map((repo) => repo.full_name),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Chunk, Effect, Fiber, Option, Ref, Schema, Stream } from "effect"
import { BitbucketConfig } from "./BitbucketConfig.js"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { malformedBody, statusError } from "./internal/errors.js"
import { isRecord } from "./internal/record.js"
import { countProblem } from "./internal/url.js"

/**
 * Options every listing takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  /**
   * BBQL filter, e.g. `state = "OPEN" AND title ~ "fix"`, where the listing supports it. Build it
   * with `Bbql` (`Bbql.and(Bbql.eq("state", "OPEN"), Bbql.contains("title", input))`) when it holds
   * values from elsewhere: they are escaped, so they cannot change the query's meaning.
   */
  readonly q?: string | undefined
  /** Sort field; `-field` for descending. */
  readonly sort?: string | undefined
  /**
   * Partial response: `-links` removes, `+values.reviewers` adds, `values.name,values.uuid` selects.
   * A selection always keeps `next`, `page`, `pagelen` and `size`, so paging keeps working.
   */
  readonly fields?: string | undefined
  /** Items per page (Bitbucket caps it, usually at 100). Default `BitbucketConfig.pagelen`. */
  readonly pagelen?: number | undefined
  /** Pages fetched at once, for list-based listings. Default `BitbucketConfig.concurrency` (1). */
  readonly concurrency?: number | undefined
  /**
   * Fetch ahead while the current page is decoded and consumed (1) or only on demand (0): the next
   * page, or with `concurrency` the first `concurrency` pages after the first. Default
   * `BitbucketConfig.prefetch` (1).
   */
  readonly prefetch?: number | undefined
}

/**
 * The options of a listing without BBQL: all of {@link ListOptions} but `q` and `sort`.
 *
 * @example
 * ```ts
 * import type { Pagination } from "effect-bitbucket"
 *
 * const options: Pagination.PlainListOptions = { pagelen: 100, prefetch: 1 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PlainListOptions = Omit<ListOptions, "q" | "sort">

const open = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * The schema of one page of `item`s.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Pagination } from "effect-bitbucket"
 *
 * const NamePage = Pagination.Page(Schema.Struct({ name: Schema.String }))
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Page = <A, I, R>(item: Schema.Schema<A, I, R>) =>
  Schema.Struct(
    {
      values: Schema.Array(item),
      next: Schema.optional(Schema.String),
      previous: Schema.optional(Schema.String),
      page: Schema.optional(Schema.Number),
      pagelen: Schema.optional(Schema.Number),
      size: Schema.optional(Schema.Number)
    },
    open
  )

/**
 * A decoded page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly values: ReadonlyArray<A>
  readonly next?: string | undefined
  readonly previous?: string | undefined
  readonly page?: number | undefined
  readonly pagelen?: number | undefined
  readonly size?: number | undefined
}

const pageSchemas = new WeakMap<Schema.Schema.AnyNoContext, Schema.Schema.AnyNoContext>()
const arraySchemas = new WeakMap<Schema.Schema.AnyNoContext, Schema.Schema.AnyNoContext>()

const cached = <A, I>(
  cache: WeakMap<Schema.Schema.AnyNoContext, Schema.Schema.AnyNoContext>,
  item: Schema.Schema<A, I>,
  make: () => Schema.Schema.AnyNoContext
) => {
  let schema = cache.get(item)
  if (schema === undefined) {
    schema = make()
    cache.set(item, schema)
  }
  return schema
}

/** A page fetched and parsed, not yet decoded. */
interface Fetched {
  readonly received: Http.Received
  readonly body: unknown
}

/**
 * A listing answered 202 is not ready (Bitbucket still indexes, e.g. the pull requests of a
 * commit): its page, empty or partial, must not pass for the answer. It fails as `UnexpectedStatus`.
 */
const notReady = (received: Http.Received) =>
  Effect.fail(statusError({ method: received.method, url: received.url, status: received.status, body: Http.bodyText(received), secrets: received.secrets }))

const parsed = (received: Http.Received): Effect.Effect<Fetched, BitbucketError.DecodeError | BitbucketError.StatusError> =>
  received.status === 202 ? notReady(received) : Effect.map(Http.parseJson(received), (body) => ({ received, body }))

/** A page fetched with its top level parsed (its `next` link readable), its items not yet. */
interface Staged {
  readonly received: Http.Received
  readonly head: unknown
  readonly whole: Effect.Effect<unknown, BitbucketError.DecodeError>
}

const staged = (received: Http.Received): Effect.Effect<Staged, BitbucketError.DecodeError | BitbucketError.StatusError> =>
  received.status === 202 ? notReady(received) : Effect.map(Http.parseJsonStaged(received), ({ head, whole }) => ({ received, head, whole }))

/**
 * Lets the event loop turn twice, so that a request just forked reaches its socket before this
 * fiber goes on with CPU-bound parsing: the fork's steps run as microtasks, and undici then waits
 * for the next check phase (`setImmediate`) before it reuses an idle keep-alive connection; a
 * single turn would resume this fiber first, and the request would leave only after the page is
 * parsed and consumed. Without `setImmediate` (browsers), a yield to the scheduler.
 */
const letForkedRequestsOut: Effect.Effect<void> = typeof setImmediate === "function"
  ? Effect.async<void>((resume) => {
    let handle = setImmediate(() => {
      handle = setImmediate(() => resume(Effect.void))
    })
    return Effect.sync(() => clearImmediate(handle))
  })
  : Effect.yieldNow()

/** The result of a forked request; one that already arrived is taken without a trip through the scheduler. */
const joined = <A, E>(fiber: Fiber.RuntimeFiber<A, E>): Effect.Effect<A, E> =>
  Effect.suspend(() => fiber.unsafePoll() ?? Fiber.join(fiber))

/** The `next` link of a page (an object with a `values` array); a single object has none. */
const nextOf = (body: unknown): string | undefined =>
  isRecord(body) && typeof body["next"] === "string" && Array.isArray(body["values"]) ? body["next"] : undefined

/**
 * Decodes a fetched page. A bare array is a page without `next`; with `single`, any other object
 * is a one-item page (what `Resource.follow` needs).
 */
const decodePage = <A, I>(
  { body, received }: Fetched,
  item: Schema.Schema<A, I>,
  single: boolean
): Effect.Effect<Page<A>, BitbucketError.DecodeError> => {
  if (Array.isArray(body)) {
    const schema = cached(arraySchemas, item, () => Schema.Array(item)) as Schema.Schema<ReadonlyArray<A>>
    return Effect.map(Http.decode(schema, body, received), (values) => ({ values }))
  }
  if (isRecord(body) && Array.isArray(body["values"])) {
    return Http.decode(cached(pageSchemas, item, () => Page(item)) as Schema.Schema<Page<A>>, body, received)
  }
  if (single && isRecord(body)) {
    return Effect.map(Http.decode(item, body, received), (value) => ({ values: [value] }))
  }
  return Effect.fail(malformedBody(received, "expected a page of values or a JSON array"))
}

/** A listing's numeric options are whole numbers: `pagelen` and `concurrency` at least 1, `prefetch` at least 0. */
const checkCounts = (options: { readonly pagelen?: number | undefined; readonly concurrency?: number | undefined; readonly prefetch?: number | undefined }) =>
  Effect.suspend(() => {
    for (const [name, min] of [["pagelen", 1], ["concurrency", 1], ["prefetch", 0]] as const) {
      const problem = countProblem(name, options[name], min)
      if (problem !== undefined) return Effect.fail(new BitbucketError.InvalidInput({ message: problem, parameter: name }))
    }
    return Effect.void
  })

/** Adds what paging and decoding need to a `fields` selection (a list with bare names). */
const completeFields = (fields: string | undefined): string | undefined => {
  if (fields === undefined) return undefined
  const parts = fields.split(",").map((f) => f.trim()).filter((f) => f.length > 0)
  const selects = parts.some((f) => !f.startsWith("+") && !f.startsWith("-"))
  if (!selects) return parts.join(",")
  for (const needed of ["next", "page", "pagelen", "size"]) {
    if (!parts.includes(needed)) parts.push(needed)
  }
  return parts.join(",")
}

const pageUrl = (next: string, page: number) =>
  /([?&])page=\d+/.test(next) ? next.replace(/([?&])page=\d+/, `$1page=${page}`) : `${next}${next.includes("?") ? "&" : "?"}page=${page}`

const loopError = (url: string) =>
  malformedBody({ method: "GET", url }, "pagination loop: the `next` link repeats a page already fetched")

/**
 * Streams the items of a listing starting at an absolute URL (a saved `next` link, a `links`
 * href): follows `next`, and with `concurrency > 1` on a list-based listing fetches the remaining
 * pages in parallel, in order. The URL must be on the API's origin. With `single`, an answer that
 * is one object rather than a page is streamed as one item.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Pagination } from "effect-bitbucket"
 *
 * const rest = Pagination.streamUrl(
 *   "https://api.bitbucket.org/2.0/repositories/demo?page=3",
 *   Schema.Record({ key: Schema.String, value: Schema.Unknown })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const streamUrl = <A, I>(
  firstUrl: string,
  item: Schema.Schema<A, I>,
  options: { readonly concurrency?: number | undefined; readonly prefetch?: number | undefined; readonly single?: boolean } =
    {}
): Stream.Stream<A, BitbucketError.BitbucketError, Http.Requirements> =>
  Stream.unwrapScoped(
    Effect.gen(function*() {
      yield* checkCounts(options)
      const settings = yield* BitbucketConfig
      const scope = yield* Effect.scope
      const concurrency = options.concurrency ?? settings.concurrency
      const prefetch = (options.prefetch ?? settings.prefetch) > 0
      const single = options.single ?? false
      const seen = new Set<string>()
      const sendOnce = (url: string) =>
        Effect.suspend(() => {
          if (seen.has(url)) return Effect.fail(loopError(url))
          seen.add(url)
          // A listing may answer with a redirect: a pull request's diffstat always does.
          return Http.send("GET", url, { followRedirects: true })
        })
      const fetchOnce = (url: string) => Effect.flatMap(sendOnce(url), parsed)
      const fetchStaged = (url: string) => Effect.flatMap(sendOnce(url), staged)
      // With prefetch, the next page is requested as soon as its link is known: after the current
      // page's top level is parsed and before its items are, and its bytes load while this fiber
      // parses and the consumer works. Parsing stays on the consumer's fiber, so at most one page
      // of objects is alive at a time.
      const start = (url: string): Effect.Effect<Started, never, Http.Requirements> =>
        prefetch
          ? Effect.suspend(() => {
            const fresh = !seen.has(url)
            const forget = Effect.sync(() => {
              if (fresh) seen.delete(url)
            })
            return Effect.map(Effect.zipLeft(Effect.forkIn(sendOnce(url), scope), letForkedRequestsOut), (fiber) => ({
              pending: Effect.flatMap(joined(fiber), staged),
              cancel: Effect.zipRight(Fiber.interrupt(fiber), forget)
            }))
          })
          : Effect.succeed({ pending: fetchStaged(url), cancel: Effect.void })
      type Pending = Effect.Effect<Staged, BitbucketError.BitbucketError, Http.Requirements>
      interface Started {
        readonly pending: Pending
        /** Takes the request back: interrupted, and its URL no longer counted as seen. */
        readonly cancel: Effect.Effect<void>
      }
      const sequential = (pending: Pending) =>
        Stream.paginateChunkEffect(pending, (current) =>
          Effect.gen(function*() {
            const { head, received, whole } = yield* current
            const guessed = nextOf(head)
            let started = guessed === undefined ? undefined : yield* start(guessed)
            const fetched: Fetched = { received, body: yield* whole }
            // The top level read early is a guess for a large page (see json.ts): a document built
            // to fool the fast parse can hide its link there, so the whole page has the last word.
            const next = nextOf(fetched.body)
            if (next !== guessed) {
              if (started !== undefined) yield* started.cancel
              started = next === undefined ? undefined : yield* start(next)
            }
            const page = yield* decodePage(fetched, item, single)
            return [Chunk.unsafeFromArray(page.values), Option.map(Option.fromNullable(started), (s) => s.pending)] as const
          }))
      const first = yield* fetchOnce(firstUrl)
      const next = nextOf(first.body)
      const body = first.body
      const counted = isRecord(body) && typeof body["page"] === "number" && typeof body["size"] === "number" &&
        typeof body["pagelen"] === "number" && body["pagelen"] > 0
      const firstNumber = counted ? body["page"] as number : 0
      const lastPage = counted ? Math.ceil((body["size"] as number) / (body["pagelen"] as number)) : 0
      // Pages by number only when there are some after this one by the count; a `next` beyond the
      // counted pages (the listing grew since it was counted) is followed link by link.
      const listBased = concurrency > 1 && next !== undefined && lastPage > firstNumber
      if (!listBased) return sequential(Effect.succeed({ received: first.received, head: first.body, whole: Effect.succeed(first.body) }))
      const after = yield* Ref.make<string | undefined>(undefined)
      // The remaining pages, `concurrency` requests in flight: each step takes the oldest, starts
      // the next page number, then parses and decodes on the consumer's fiber. So items come out
      // in order, and the pages waiting their turn hold bytes, not objects. (Stream.mapEffect with
      // concurrency does the same in fewer lines, but keeps parsed pages reachable long enough for
      // V8 to promote nearly all of them to the old generation: young collections got 3x slower.)
      const request = (n: number) => Effect.forkIn(sendOnce(pageUrl(next, n)), scope)
      type InFlight = ReadonlyArray<Fiber.RuntimeFiber<Http.Received, BitbucketError.BitbucketError>>
      const startWindow = Effect.forEach(
        Array.from({ length: Math.min(concurrency, Math.max(0, lastPage - firstNumber)) }, (_, i) => firstNumber + 1 + i),
        request
      )
      // With prefetch, the window's requests leave now, while the first page is decoded and consumed.
      const early = prefetch ? yield* Effect.zipLeft(startWindow, letForkedRequestsOut) : undefined
      const firstPage = yield* decodePage(first, item, single)
      const rest = Stream.paginateChunkEffect(
        { n: firstNumber + 1, inFlight: early },
        ({ inFlight: started, n }) =>
          Effect.gen(function*() {
            const inFlight = started ?? (yield* startWindow)
            const [oldest, ...others] = inFlight
            if (oldest === undefined) return [Chunk.empty<A>(), Option.none()] as const
            const received = yield* joined(oldest)
            const upcoming = n + inFlight.length
            let window = upcoming <= lastPage ? [...others, yield* request(upcoming)] : others
            if (window.length > others.length) yield* letForkedRequestsOut
            const fetched = yield* parsed(received)
            if (n === lastPage) yield* Ref.set(after, nextOf(fetched.body))
            else if (nextOf(fetched.body) === undefined) {
              // The listing ends before its count said (it shrank, or `size` was wrong): the pages
              // after this one are not asked for, and those in flight are taken back unread (past
              // the end they would answer 404, or nothing, as many times as `size` claims).
              yield* Effect.forEach(window, Fiber.interrupt, { discard: true })
              window = []
            }
            const page = yield* decodePage(fetched, item, single)
            const state = window.length > 0 ? Option.some({ n: n + 1, inFlight: window }) : Option.none()
            return [Chunk.unsafeFromArray(page.values), state] as const
          })
      )
      return Stream.fromChunk(Chunk.unsafeFromArray(firstPage.values)).pipe(
        Stream.concat(rest),
        // The listing grew while we read it: carry on from the last page's `next`.
        Stream.concat(
          Stream.unwrap(Effect.map(Ref.get(after), (url) => (url === undefined ? Stream.empty : sequential(fetchStaged(url)))))
        )
      )
    })
  )

/**
 * Streams a listing endpoint of the API: the target's query plus the listing options.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Pagination } from "effect-bitbucket"
 *
 * const Named = Schema.Struct({ type: Schema.String, name: Schema.optional(Schema.String) })
 * const projects = Pagination.stream({ path: "/workspaces/{workspace}/projects", params: { workspace: "demo" } }, Named)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream = <A, I>(
  target: { readonly path: string; readonly params?: object; readonly query?: Http.Target["query"] },
  item: Schema.Schema<A, I>,
  options: ListOptions = {}
): Stream.Stream<A, BitbucketError.BitbucketError, Http.Requirements> =>
  Stream.unwrap(
    Effect.gen(function*() {
      // concurrency and prefetch are checked by streamUrl.
      yield* checkCounts({ pagelen: options.pagelen })
      const settings = yield* BitbucketConfig
      const url = yield* Http.resolve({
        path: target.path,
        params: target.params,
        query: {
          ...target.query,
          q: options.q,
          sort: options.sort,
          fields: completeFields(options.fields),
          pagelen: options.pagelen ?? settings.pagelen
        }
      })
      return streamUrl(url, item, options)
    })
  )

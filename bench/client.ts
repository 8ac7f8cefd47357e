/**
 * One measurement, in a fresh process (so that peak RSS is this client's alone): walks the bench
 * listing with one client and prints `{ items, wallMs, cpuMs, peakRssMb, gcMs }` as JSON. Peak RSS is
 * sampled every 20 ms while the listing runs; `gcMs` sums the garbage collector's pauses.
 *
 * Usage: tsx bench/client.ts <client> <baseUrl>
 * Clients: raw | raw-c8 | bitbucket | effect-fetch[-prefetch0|-c8] | effect-undici[-prefetch0|-c8|-foreach|-tap], each with
 * an optional `-warm` suffix (measures a second listing in the same process)
 * (effect-fetch-* use FetchHttpClient, like the raw baseline; effect-undici-* use
 * @effect/platform-node's NodeHttpClient.layerUndici, the client a Node application would pick)
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import bitbucketPackageModule from "bitbucket"
import { Effect, Layer, Stream } from "effect"
import { PerformanceObserver } from "node:perf_hooks"
import { Authenticator, BitbucketConfig, Repository } from "../src/index.js"

const [client = "raw", baseUrl = "http://127.0.0.1:0/2.0"] = process.argv.slice(2)
const first = `${baseUrl}/repositories/bench?pagelen=100`

let peakRss = process.memoryUsage().rss
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20)

interface RawPage {
  readonly values: ReadonlyArray<unknown>
  readonly next?: string
  readonly size: number
  readonly pagelen: number
}

const getPage = async (url: string) => {
  const response: Response = await fetch(url, { headers: { accept: "application/json" } })
  return (await response.json()) as RawPage
}

/** The floor: fetch + JSON.parse following `next`, no decoding. */
const raw = async () => {
  let count = 0
  let url: string | undefined = first
  while (url !== undefined) {
    const page = await getPage(url)
    count += page.values.length
    url = page.next
  }
  return count
}

/**
 * The floor with 8 requests in flight, as `concurrency: 8` fetches a list-based listing: page 1,
 * then the other pages by number, 8 at a time (fetch + JSON.parse, no decoding, no ordering).
 */
const rawConcurrent = async () => {
  const page1 = await getPage(first)
  const last = Math.ceil(page1.size / page1.pagelen)
  let count = page1.values.length
  let next = 2
  const worker = async () => {
    while (next <= last) {
      const page = await getPage(`${first}&page=${next++}`)
      count += page.values.length
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return count
}

/** The `bitbucket` npm package, walking pages with its own helpers. */
const bitbucketPackage = async () => {
  const bitbucket = new bitbucketPackageModule.Bitbucket({ baseUrl, notice: false })
  let count = 0
  let { data } = await bitbucket.repositories.list({ workspace: "bench", pagelen: 100 })
  count += data.values?.length ?? 0
  while (bitbucket.hasNextPage(data)) {
    data = (await bitbucket.getNextPage(data)).data
    count += data.values?.length ?? 0
  }
  return count
}

/** How a listing is run to count its items (scenario d compares a few). */
type Consume = <A, E, R>(listing: Stream.Stream<A, E, R>) => Effect.Effect<number, E, R>

/** A per-item effect as the stream's sink. */
const runForEach: Consume = (listing) =>
  Effect.suspend(() => {
    let count = 0
    return Effect.map(Stream.runForEach(listing, () => Effect.sync(() => count++)), () => count)
  })

/** The same per-item effect as a stage, then a sink without effects. */
const tapThenDrain: Consume = (listing) =>
  Effect.suspend(() => {
    let count = 0
    return Effect.map(Stream.runDrain(Stream.tap(listing, () => Effect.sync(() => count++))), () => count)
  })

const effect = (
  options: { readonly concurrency?: number; readonly prefetch?: number },
  http: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer,
  consume: Consume = Stream.runCount
) =>
  Repository.findForWorkspace({ workspace: "bench" }, { pagelen: 100, ...options }).pipe(
    consume,
    Effect.provide(Layer.mergeAll(Authenticator.anonymous, http, BitbucketConfig.layer({ baseUrl }))),
    Effect.runPromise
  )

const clients: Record<string, () => Promise<number>> = {
  raw,
  "raw-c8": rawConcurrent,
  bitbucket: bitbucketPackage,
  "effect-fetch": () => effect({}),
  "effect-fetch-prefetch0": () => effect({ prefetch: 0 }),
  "effect-fetch-c8": () => effect({ concurrency: 8 }),
  "effect-undici": () => effect({}, NodeHttpClient.layerUndici),
  "effect-undici-prefetch0": () => effect({ prefetch: 0 }, NodeHttpClient.layerUndici),
  "effect-undici-c8": () => effect({ concurrency: 8 }, NodeHttpClient.layerUndici),
  // Scenario d: the same default listing run by a per-item effect, two ways.
  "effect-undici-foreach": () => effect({}, NodeHttpClient.layerUndici, runForEach),
  "effect-undici-tap": () => effect({}, NodeHttpClient.layerUndici, tapThenDrain)
}

// `<client>-warm`: one unmeasured listing first, as in a long-running process that lists often.
const warm = client.endsWith("-warm")
const run = clients[warm ? client.slice(0, -"-warm".length) : client]
if (run === undefined) throw new Error(`unknown client ${client}`)
if (warm) await run()
// Time spent in garbage collection pauses during the measured listing.
let gcMs = 0
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration
})
gcObserver.observe({ entryTypes: ["gc"] })
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const items = await run()
const wallMs = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
clearInterval(sampler)
peakRss = Math.max(peakRss, process.memoryUsage().rss)
// GC entries arrive asynchronously: let the observer see the last ones.
await new Promise((resolve) => setImmediate(resolve))
gcObserver.disconnect()
console.log(JSON.stringify({ items, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRss / 1024 / 1024, gcMs }))

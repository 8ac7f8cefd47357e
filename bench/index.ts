/**
 * `npm run bench`: streams a realistic repository listing over loopback HTTP and measures, side by
 * side, a raw fetch + JSON.parse baseline, the `bitbucket` npm package, and effect-bitbucket
 * (default settings, without prefetch, and with `concurrency: 8`), each on the two HTTP clients a
 * Node user would pick (FetchHttpClient and NodeHttpClient.layerUndici). The server runs in its own
 * process, every measurement in a fresh one. Prints a table and writes bench/results/latest.json.
 *
 * Options: --quick (smaller listings), --repeat N (median of N runs, default 1; the clients of a
 * scenario take turns, one run each per round, the table shows how far the runs spread, and a
 * target comparing two clients takes the median of their ratios within each round), --only a,b
 * (run only these scenarios; the targets of the others are then not checked). Scenario d is not
 * one of the issue's: it runs the default listing with a per-item effect, as the stream's sink
 * (`Stream.runForEach`) and as a stage before a sink without effects (`Stream.tap` + `runDrain`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { availableParallelism, cpus } from "node:os"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const repeatIndex = args.indexOf("--repeat")
const repeat = repeatIndex >= 0 ? Math.max(1, Number(args[repeatIndex + 1])) : 1
const onlyIndex = args.indexOf("--only")
const only = onlyIndex >= 0 ? new Set(String(args[onlyIndex + 1]).split(",")) : undefined
const scale = (n: number) => (quick ? Math.max(100, Math.round(n / 10)) : n)

interface Measurement {
  readonly items: number
  readonly wallMs: number
  readonly cpuMs: number
  readonly peakRssMb: number
  /** Garbage collection pauses during the listing. */
  readonly gcMs: number
}

const node = (script: string, scriptArgs: ReadonlyArray<string>): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", script, ...scriptArgs], { stdio: ["ignore", "pipe", "inherit"] })

const firstLine = (child: ChildProcess) =>
  new Promise<string>((resolve, reject) => {
    let buffer = ""
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf("\n")
      if (newline >= 0) resolve(buffer.slice(0, newline))
    })
    child.on("exit", (code) => reject(new Error(`process exited with ${code} before answering`)))
  })

const withServer = async <A>(items: number, latencyMs: number, f: (baseUrl: string) => Promise<A>): Promise<A> => {
  const server = node("bench/server.ts", [String(items), String(latencyMs)])
  try {
    const port = await firstLine(server)
    return await f(`http://127.0.0.1:${port}/2.0`)
  } finally {
    server.kill()
  }
}

const measureOnce = async (client: string, baseUrl: string): Promise<Measurement> =>
  JSON.parse(await firstLine(node("bench/client.ts", [client, baseUrl]))) as Measurement

/**
 * The median of a's wall time over b's within each round (NaN without runs). Two clients of a
 * round ran minutes apart at most, so the machine's drift between rounds (20 to 70% here) weighs
 * less than in a ratio of medians.
 */
const medianRatio = (as: ReadonlyArray<Measurement>, bs: ReadonlyArray<Measurement>): number => {
  if (as.length === 0 || as.length !== bs.length) return Number.NaN
  const ratios = as.map((run, i) => run.wallMs / bs[i]!.wallMs).sort((x, y) => x - y)
  return ratios[Math.floor(ratios.length / 2)]!
}

/** The run of median wall time, and how far the runs spread around it. */
const median = (runs: ReadonlyArray<Measurement>): Measurement & { readonly spread: number } => {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs)
  const middle = sorted[Math.floor(sorted.length / 2)]!
  return { ...middle, spread: (sorted[sorted.length - 1]!.wallMs - sorted[0]!.wallMs) / middle.wallMs }
}

interface Row extends Measurement {
  readonly scenario: string
  readonly client: string
  readonly itemsPerSecond: number
  readonly ratioToRaw: number
  /** (slowest - fastest) / median wall time over the runs. */
  readonly spread: number
  /** Every run, in round order. */
  readonly runs: ReadonlyArray<Measurement>
}

const rows: Array<Row> = []

const scenario = async (name: string, items: number, latencyMs: number, clients: ReadonlyArray<string>) => {
  if (only !== undefined && !only.has(name.slice(0, 1))) return
  await withServer(items, latencyMs, async (baseUrl) => {
    // One unmeasured walk fills the server's page cache, so that no client pays for building pages.
    await measureOnce("raw", baseUrl)
    // Rounds of every client in turn (not every run of one client, then the next): this machine's
    // speed drifts over minutes, and a slow spell then weighs on all clients alike.
    const runs = new Map<string, Array<Measurement>>(clients.map((client) => [client, []]))
    for (let round = 1; round <= repeat; round++) {
      for (const client of clients) {
        const m = await measureOnce(client, baseUrl)
        if (m.items !== items) throw new Error(`${client} streamed ${m.items} items, expected ${items}`)
        runs.get(client)!.push(m)
        process.stderr.write(`  ${name} ${client} (run ${round}/${repeat}): ${m.wallMs.toFixed(0)} ms\n`)
      }
    }
    const rawRuns = runs.get("raw") ?? []
    for (const client of clients) {
      const m = median(runs.get(client)!)
      rows.push({
        scenario: name,
        client,
        ...m,
        itemsPerSecond: (m.items / m.wallMs) * 1000,
        ratioToRaw: medianRatio(runs.get(client)!, rawRuns),
        runs: runs.get(client)!
      })
    }
  })
}

const all = [
  "raw",
  "bitbucket",
  "effect-fetch",
  "effect-fetch-prefetch0",
  "effect-fetch-c8",
  "effect-undici",
  "effect-undici-prefetch0",
  "effect-undici-c8"
]
const aItems = scale(100_000)
const bItems = scale(20_000)
const bLatency = 20
const cSmall = scale(10_000)
const cLarge = scale(1_000_000)
const dItems = scale(60_000)

process.stderr.write(`Running benchmarks (${quick ? "quick" : "full"}, repeat ${repeat})...\n`)
await scenario(`a: ${aItems} items, 0 ms/page`, aItems, 0, all)
await scenario(`b: ${bItems} items, ${bLatency} ms/page`, bItems, bLatency, [
  ...all,
  // What any client gets with 8 requests in flight on this machine: the attainable floor.
  "raw-c8",
  // The same listing a second time in one process (JIT warmed up, heap grown), as a service sees it.
  "bitbucket-warm",
  "effect-fetch-c8-warm",
  "effect-undici-c8-warm"
])
const memoryClients = ["raw", "effect-fetch", "effect-undici"]
await scenario(`c: ${cSmall} items (memory)`, cSmall, 0, memoryClients)
await scenario(`c: ${cLarge} items (memory)`, cLarge, 0, memoryClients)
await scenario(`d: ${dItems} items, per-item effect`, dItems, 0, ["effect-undici", "effect-undici-foreach", "effect-undici-tap"])

const pad = (s: string, n: number) => s.padEnd(n)
const pagesB = Math.ceil(bItems / 100)
const floorB8 = Math.ceil(pagesB / 8) * bLatency
const num = (n: number, digits = 0) => n.toFixed(digits).padStart(10)
console.log()
console.log(`${pad("scenario", 32)}${pad("client", 26)}${"wall ms".padStart(10)}${"items/s".padStart(10)}${"cpu ms".padStart(10)}${"RSS MB".padStart(10)}${"gc ms".padStart(10)}${"x raw".padStart(10)}${"spread".padStart(10)}`)
for (const r of rows) {
  const spread = repeat > 1 ? `${(r.spread * 100).toFixed(0)}%`.padStart(10) : "".padStart(10)
  console.log(`${pad(r.scenario, 32)}${pad(r.client, 26)}${num(r.wallMs)}${num(r.itemsPerSecond)}${num(r.cpuMs)}${num(r.peakRssMb, 1)}${num(r.gcMs)}${Number.isNaN(r.ratioToRaw) ? "".padStart(10) : num(r.ratioToRaw, 2)}${spread}`)
}

/** A measured row; NaN figures when its scenario was not run (--only). */
const get = (scenarioPrefix: string, client: string): Pick<Row, "wallMs" | "ratioToRaw" | "peakRssMb" | "runs"> =>
  rows.find((r) => r.scenario.startsWith(scenarioPrefix) && r.client === client) ??
    { wallMs: Number.NaN, ratioToRaw: Number.NaN, peakRssMb: Number.NaN, runs: [] }

/** The wall time of one client over another's, in the same scenario (see `medianRatio`). */
const paired = (scenarioPrefix: string, a: string, b: string): number =>
  medianRatio(get(scenarioPrefix, a).runs, get(scenarioPrefix, b).runs)
const targetsFor = (http: "fetch" | "undici") => {
  const c = (suffix = "") => `effect-${http}${suffix}`
  return [
    [`(a) effect-${http} within 1.5x of raw`, paired("a:", c(), "raw"), 1.5, (v: number, t: number) => v <= t],
    [`(a) effect-${http} faster than bitbucket (time ratio < 1)`, paired("a:", c(), "bitbucket"), 1, (v: number, t: number) => v < t],
    [`(b) effect-${http}-c8 at least 5x faster than bitbucket`, paired("b:", "bitbucket", c("-c8")), 5, (v: number, t: number) => v >= t],
    [`(b) effect-${http}-c8 within 1.3x of the floor (${floorB8} ms)`, get("b:", c("-c8")).wallMs / floorB8, 1.3, (v: number, t: number) => v <= t],
    [`(b, warm) effect-${http}-c8 at least 5x faster than bitbucket`, paired("b:", "bitbucket-warm", c("-c8-warm")), 5, (v: number, t: number) => v >= t],
    [`(b, warm) effect-${http}-c8 within 1.3x of the floor (${floorB8} ms)`, get("b:", c("-c8-warm")).wallMs / floorB8, 1.3, (v: number, t: number) => v <= t],
    [`(c) effect-${http} peak RSS, large / small listing`, get(`c: ${cLarge} `, c()).peakRssMb / get(`c: ${cSmall} `, c()).peakRssMb, 1.2, (v: number, t: number) => v <= t],
    [`prefetch: effect-${http} default / prefetch 0 time, (a)`, paired("a:", c(), c("-prefetch0")), 1.05, (v: number, t: number) => v <= t],
    [`prefetch: effect-${http} default / prefetch 0 time, (b)`, paired("b:", c(), c("-prefetch0")), 1.05, (v: number, t: number) => v <= t]
  ] as const
}
const targets = [...targetsFor("undici"), ...targetsFor("fetch")]
console.log()
for (const [name, value, target, ok] of targets) {
  const verdict = Number.isNaN(value) ? "not run" : ok(value, target) ? "met    " : "MISSED "
  console.log(`${verdict} ${pad(name, 60)} ${value.toFixed(2)} (target ${target})`)
}
// Not targets: how far the (b) targets are from what the raw loop itself reaches here.
const context = [
  [`(b) raw-c8 / the floor (${floorB8} ms)`, get("b:", "raw-c8").wallMs / floorB8],
  ["(b) bitbucket / raw-c8 time", paired("b:", "bitbucket", "raw-c8")],
  ["(b) effect-undici-c8 / raw-c8 time", paired("b:", "effect-undici-c8", "raw-c8")],
  ["(b) effect-fetch-c8 / raw-c8 time", paired("b:", "effect-fetch-c8", "raw-c8")],
  ["(d) Stream.runForEach / Stream.runCount time", paired("d:", "effect-undici-foreach", "effect-undici")],
  ["(d) Stream.tap + Stream.runDrain / Stream.runCount time", paired("d:", "effect-undici-tap", "effect-undici")]
] as const
console.log()
for (const [name, value] of context) {
  if (!Number.isNaN(value)) console.log(`context ${pad(name, 60)} ${value.toFixed(2)}`)
}
const machine = { cores: availableParallelism(), cpu: cpus()[0]?.model ?? "unknown", node: process.version }
console.log(`\n${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`)

mkdirSync("bench/results", { recursive: true })
writeFileSync(
  "bench/results/latest.json",
  JSON.stringify({ date: new Date().toISOString(), quick, repeat, machine, rows, targets: targets.filter(([, value]) => !Number.isNaN(value)).map(([name, value, target, ok]) => ({ name, value, target, met: ok(value, target) })), context: Object.fromEntries(context.filter(([, value]) => !Number.isNaN(value))) }, null, 2)
)

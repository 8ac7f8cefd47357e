/**
 * Faults on demand: rules that make the fake answer like a struggling Bitbucket (429, 5xx, 555,
 * HTML error pages, slow answers, dropped connections, truncated JSON), chosen by a seeded PRNG
 * so that a run can be replayed exactly.
 *
 * The engine is pure bookkeeping: {@link makeFaults} decides, for each request in arrival order,
 * which fault (if any) applies; {@link applyFault} turns a decision into a response around the
 * real handler.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

/**
 * What goes wrong.
 *
 * - `status`: the request never reaches the model; the fake answers `status` the way Bitbucket
 *   does: 429 as `text/plain` without `Retry-After` (unless `retryAfter` is set), 5xx with
 *   Bitbucket's JSON error body, 555 with Bitbucket's "timed out" error body.
 * - `html`: the request never reaches the model; the fake answers `status` with an HTML page (what a
 *   proxy or load balancer in front of Bitbucket sends).
 * - `latency`: waits `millis` (with Effect's `Clock`, so `TestClock` controls it in memory), then
 *   answers normally.
 * - `disconnect`: the request never reaches the model; the server destroys the socket without an
 *   answer, the in-memory client fails with a transport `RequestError`, and `handle` returns
 *   `Response.error()` (a network error, `type === "error"`, status 0).
 * - `malformed`: the request is handled normally (a POST does create), then the JSON body is cut
 *   in half (status and content type kept, so the client sees `200 application/json` it cannot parse).
 * - `nearLimit`: answers normally, with `X-RateLimit-NearLimit: true`, `X-RateLimit-Limit` and
 *   `X-RateLimit-Resource` headers, as Bitbucket does when scaled rate limits are close.
 */
export type Fault =
  | {
    readonly kind: "status"
    readonly status: 429 | 500 | 502 | 503 | 504 | 555 | (number & {})
    /** Seconds, sent as `Retry-After`. Bitbucket usually sends none. */
    readonly retryAfter?: number
  }
  | { readonly kind: "html"; readonly status: number }
  | { readonly kind: "latency"; readonly millis: number }
  | { readonly kind: "disconnect" }
  | { readonly kind: "malformed" }
  | { readonly kind: "nearLimit"; readonly limit?: number; readonly resource?: string }

/** When a fault applies. */
export interface FaultRule {
  /**
   * Which requests: matched against `"<METHOD> <path>"` (upper-case method, path without the query,
   * e.g. `"GET /2.0/repositories/demo"`). A string matches when it equals that, or is a prefix of it
   * ending at a path segment boundary (`"GET /2.0/repositories/demo"` matches
   * `GET /2.0/repositories/demo/hello` but not `GET /2.0/repositories/demo-two`); a string starting
   * with `/` matches any method, and `"* /path"` too. A RegExp is tested against `"<METHOD> <path>"`.
   * Default: every request.
   */
  readonly route?: string | RegExp
  /** Probability (0..1) that a matching request is faulted. Default 1. */
  readonly rate?: number
  /**
   * Only the first `times` requests that the route matches and that reach this rule (an earlier
   * rule that fired takes the request) are candidates, each faulted with probability `rate`.
   * With rate 1, "fail the next `times` matching requests". Default: no limit.
   */
  readonly times?: number
  readonly fault: Fault
}

/** Fault rules and the PRNG seed. */
export interface FaultConfig {
  /** Seed of the PRNG (mulberry32) that draws against `rate`. Default 0. */
  readonly seed?: number
  /** Checked in order; the first rule that fires decides. */
  readonly rules: ReadonlyArray<FaultRule>
}

/** The fault applied to a request, as the request log records it. */
export interface AppliedFault {
  /** Index of the rule in `rules`. */
  readonly rule: number
  readonly fault: Fault
}

/** mulberry32: a tiny, fast, seedable 32-bit PRNG; returns numbers in [0, 1). */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const routeMatches = (route: string | RegExp | undefined, method: string, path: string): boolean => {
  if (route === undefined) return true
  const target = `${method} ${path}`
  if (route instanceof RegExp) {
    route.lastIndex = 0
    return route.test(target)
  }
  const space = route.indexOf(" ")
  const [wantMethod, wantPath] = route.startsWith("/")
    ? ["*", route]
    : space < 0
    ? [route, "/"]
    : [route.slice(0, space), route.slice(space + 1).trim()]
  if (wantMethod !== "*" && wantMethod.toUpperCase() !== method) return false
  const prefix = wantPath.replace(/\/+$/, "")
  return prefix === "" || path === prefix || path.startsWith(`${prefix}/`)
}

/** Checks a fault configuration; throws a descriptive `Error` on nonsense. */
export const validate = (config: FaultConfig): FaultConfig => {
  config.rules.forEach((rule, i) => {
    const where = `FakeBitbucket faults: rule ${i}`
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new Error(`${where}: rate must be in [0, 1]`)
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) {
      throw new Error(`${where}: times must be a non-negative integer`)
    }
    const f = rule.fault as Fault | undefined
    if (f === undefined || typeof f !== "object") throw new Error(`${where}: missing fault`)
    switch (f.kind) {
      case "status":
      case "html":
        if (!(Number.isInteger(f.status) && f.status >= 400 && f.status <= 599)) {
          throw new Error(`${where}: status must be an integer in 400..599`)
        }
        break
      case "latency":
        if (!(f.millis >= 0)) throw new Error(`${where}: latency millis must be >= 0`)
        break
      case "disconnect":
      case "malformed":
      case "nearLimit":
        break
      default:
        throw new Error(`${where}: unknown fault kind ${JSON.stringify((f as { kind: unknown }).kind)}`)
    }
  })
  return config
}

/**
 * Reads a fault configuration from JSON (the CLI's `--faults file.json`). JSON has no RegExp, so a
 * RegExp route is written `{ "regex": "^GET /2\\.0/repositories/[^/]+$", "flags": "i" }`.
 */
export const fromJson = (json: unknown): FaultConfig => {
  const o = json as { seed?: unknown; rules?: Array<Record<string, unknown>> }
  if (o === null || typeof o !== "object" || !Array.isArray(o.rules)) {
    throw new Error("FakeBitbucket faults: expected { \"seed\"?: number, \"rules\": [...] }")
  }
  if (o.seed !== undefined && typeof o.seed !== "number") throw new Error("FakeBitbucket faults: seed must be a number")
  const rules = o.rules.map((r): FaultRule => {
    const route = r["route"] as unknown
    if (route !== null && typeof route === "object" && typeof (route as { regex?: unknown }).regex === "string") {
      const { regex, flags } = route as { regex: string; flags?: string }
      return { ...(r as unknown as FaultRule), route: new RegExp(regex, flags ?? "") }
    }
    if (route !== undefined && typeof route !== "string") {
      throw new Error("FakeBitbucket faults: route must be a string or { regex, flags? }")
    }
    return r as unknown as FaultRule
  })
  return validate({ ...(o.seed !== undefined ? { seed: o.seed as number } : {}), rules })
}

/** The decision engine: one per fake; `set` replaces the rules and restarts the PRNG and counters. */
export const makeFaults = (initial?: FaultConfig) => {
  let config: FaultConfig | undefined
  let random: () => number = Math.random
  let matched: Array<number> = []

  const set = (next: FaultConfig | undefined) => {
    config = next === undefined ? undefined : validate(next)
    random = mulberry32(next?.seed ?? 0)
    matched = (next?.rules ?? []).map(() => 0)
  }
  set(initial)

  /** Decides the fault for the next request (call once per request, in arrival order). */
  const decide = (method: string, path: string): AppliedFault | undefined => {
    if (config === undefined) return undefined
    const rules = config.rules
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!
      if (!routeMatches(rule.route, method, path)) continue
      const seen = matched[i]!
      if (rule.times !== undefined && seen >= rule.times) continue
      matched[i] = seen + 1
      // Always draw for a candidate, so a rule's rate never shifts what the others see.
      const draw = random()
      if (draw < (rule.rate ?? 1)) return { rule: i, fault: rule.fault }
    }
    return undefined
  }

  return { set, decide, current: () => config }
}

// ---------------------------------------------------------------------------------------------
// responses
// ---------------------------------------------------------------------------------------------

const REASONS: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  555: "Service Timeout"
}

const reason = (status: number) => REASONS[status] ?? (status >= 500 ? "Server Error" : "Client Error")

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } })

/** The answer to a `status` fault, shaped like Bitbucket's. */
export const statusResponse = (status: number, retryAfter?: number): Response => {
  const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }
  if (status === 429) {
    return new Response("Rate limit for this resource has been exceeded", {
      status,
      headers: { "content-type": "text/plain", ...headers }
    })
  }
  if (status === 555) {
    return json(status, {
      type: "error",
      error: {
        message: "Service Timeout",
        detail: "The request timed out while being processed. Please retry later."
      }
    }, headers)
  }
  return json(status, { type: "error", error: { message: reason(status) } }, headers)
}

/** The answer to an `html` fault: a proxy's error page. */
export const htmlResponse = (status: number): Response =>
  new Response(
    `<!DOCTYPE html>\n<html><head><title>${status} ${reason(status)}</title></head>` +
      `<body><h1>${reason(status)}</h1><p>Bitbucket is having trouble. Please try again later.</p></body></html>\n`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } }
  )

const copyHeaders = (response: Response, extra: Record<string, string> = {}) => {
  const headers = new Headers(response.headers)
  headers.delete("content-length")
  for (const [k, v] of Object.entries(extra)) headers.set(k, v)
  return headers
}

/** Cuts a response's body in half so it is no longer valid JSON (bodiless answers stay as they are). */
const truncate = (response: Response): Effect.Effect<Response> =>
  response.body === null
    ? Effect.succeed(response)
    : Effect.map(Effect.promise(() => response.text()), (text) =>
      new Response(text.slice(0, Math.floor(text.length / 2)), { status: response.status, headers: copyHeaders(response) }))

/**
 * Runs `handle` under a fault: short-circuits it (status, html, disconnect), delays it (latency)
 * or rewrites its answer (malformed, nearLimit).
 */
export const applyFault = (fault: Fault, handle: Effect.Effect<Response>): Effect.Effect<Response> => {
  switch (fault.kind) {
    case "status":
      return Effect.sync(() => statusResponse(fault.status, fault.retryAfter))
    case "html":
      return Effect.sync(() => htmlResponse(fault.status))
    case "disconnect":
      return Effect.sync(() => Response.error())
    case "latency":
      return Effect.zipRight(Effect.sleep(fault.millis), handle)
    case "malformed":
      return Effect.flatMap(handle, truncate)
    case "nearLimit":
      return Effect.map(handle, (response) =>
        new Response(response.body, {
          status: response.status,
          headers: copyHeaders(response, {
            "x-ratelimit-nearlimit": "true",
            "x-ratelimit-limit": String(fault.limit ?? 1000),
            "x-ratelimit-resource": fault.resource ?? "api-repo"
          })
        }))
  }
}

/** Whether a response stands for a dropped connection (a `disconnect` fault). */
export const isDisconnect = (response: Response): boolean => response.type === "error"

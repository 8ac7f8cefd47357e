/**
 * The fake's router: route modules declare path patterns and per-method handlers; the router
 * picks the most specific pattern that matches the decoded path segments.
 *
 * Patterns are relative to the API base path: `/repositories/:workspace/:repo_slug/refs/branches/:name`.
 * - `:name` matches exactly one segment (already percent-decoded, so it may contain `/`);
 * - `*name` (last only) matches the rest of the path, zero or more segments, joined with `/`.
 * A literal segment beats `:param`, which beats `*rest`, position by position from the left.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Core, Ctx } from "./core.js"
import { HttpError } from "./core.js"
import type { Seed } from "./seed.js"

/** Answers one request; may throw an `HttpError` (or `QueryError`), which becomes an error response. */
export type Handler = (
  ctx: Ctx,
  params: Readonly<Record<string, string>>
) => Response | Effect.Effect<Response>

export type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH"

/** A path pattern and its handlers by method. A pattern without the requested method answers 405. */
export type Route = { readonly path: string } & { readonly [M in Method]?: Handler }

/** What a route module contributes when the fake starts. */
export interface RouteModuleInstance {
  readonly routes: ReadonlyArray<Route>
  /**
   * Routes on the web origin's root (what Bitbucket serves from bitbucket.org or a content host,
   * such as a download's file), outside the API: no credentials are checked there.
   */
  readonly web?: ReadonlyArray<Route>
  /** Adds this module's state to `FakeBitbucket.snapshot` (merged over the core's seed). */
  readonly snapshot?: () => Partial<Seed>
}

/**
 * A group of endpoints. `make` runs once per fake with the shared core; keep module-private state
 * in its closure.
 *
 * @example
 * ```ts
 * export const snippets: RouteModule = {
 *   name: "snippets",
 *   make: (core) => ({
 *     routes: [{ path: "/snippets/:workspace", GET: (ctx, { workspace }) => core.page(ctx, []) }]
 *   })
 * }
 * ```
 */
export interface RouteModule {
  readonly name: string
  readonly make: (core: Core) => RouteModuleInstance
}

type Segment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "rest"; readonly name: string }

interface Compiled {
  readonly route: Route
  readonly segments: ReadonlyArray<Segment>
}

const compile = (route: Route): Compiled => {
  const parts = route.path.split("/").filter((p) => p !== "")
  const segments = parts.map((p, i): Segment => {
    if (p.startsWith(":")) return { kind: "param", name: p.slice(1) }
    if (p.startsWith("*")) {
      if (i !== parts.length - 1) throw new Error(`FakeBitbucket route ${route.path}: *rest must come last`)
      return { kind: "rest", name: p.slice(1) }
    }
    return { kind: "literal", value: p }
  })
  return { route, segments }
}

const match = (c: Compiled, path: ReadonlyArray<string>): Record<string, string> | undefined => {
  const params: Record<string, string> = {}
  for (let i = 0; i < c.segments.length; i++) {
    const s = c.segments[i]!
    if (s.kind === "rest") {
      params[s.name] = path.slice(i).join("/")
      return params
    }
    const value = path[i]
    if (value === undefined) return undefined
    if (s.kind === "literal" && s.value !== value) return undefined
    if (s.kind === "param") {
      if (value === "") return undefined
      params[s.name] = value
    }
  }
  return path.length === c.segments.length ? params : undefined
}

const RANK = { literal: 3, param: 2, rest: 1 } as const

const moreSpecific = (a: Compiled, b: Compiled): number => {
  const n = Math.max(a.segments.length, b.segments.length)
  for (let i = 0; i < n; i++) {
    const ra = a.segments[i] === undefined ? 0 : RANK[a.segments[i]!.kind]
    const rb = b.segments[i] === undefined ? 0 : RANK[b.segments[i]!.kind]
    if (ra !== rb) return rb - ra
  }
  return 0
}

const METHODS: ReadonlyArray<Method> = ["GET", "POST", "PUT", "DELETE", "PATCH"]

/** Builds the dispatch function over every route. */
export const makeRouter = (routes: ReadonlyArray<Route>) => {
  const compiled = routes.map(compile)
  return (ctx: Ctx, segments: ReadonlyArray<string>): Effect.Effect<Response> =>
    Effect.suspend(() => {
      const candidates = compiled
        .map((c) => ({ c, params: match(c, segments) }))
        .filter((x): x is { c: Compiled; params: Record<string, string> } => x.params !== undefined)
        .sort((x, y) => moreSpecific(x.c, y.c))
      const best = candidates[0]
      if (best === undefined) throw new HttpError(404, "Resource not found", "There is no API hosted at this URL.")
      const handler = best.c.route[ctx.method as Method]
      if (handler === undefined) {
        const allow = METHODS.filter((m) => best.c.route[m] !== undefined).join(", ")
        throw new HttpError(405, `Method ${ctx.method} not allowed`, undefined, undefined, { allow })
      }
      const result = handler(ctx, best.params)
      return Effect.isEffect(result) ? result : Effect.succeed(result)
    })
}

/**
 * The fake Bitbucket's web-standard request handler: it builds the core (store and shared
 * helpers), instantiates every route module of `routes/index.ts`, and dispatches requests.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { RecordedRequest, ServerOptions } from "./core.js"
import { clone, errorResponse, HttpError, makeCore } from "./core.js"
import { makeOAuth } from "./oauth.js"
import { QueryError } from "./query.js"
import { makeRouter } from "./router.js"
import { routeModules } from "./routes/index.js"
import type { Seed, UserRef } from "./seed.js"

export type { RecordedRequest, ServerOptions } from "./core.js"

const headersRecord = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

/** Builds the fake's state and handler. */
export const makeServer = (options: ServerOptions) => {
  const core = makeCore(options)
  const modules = routeModules.map((m) => m.make(core))
  const route = makeRouter(modules.flatMap((m) => m.routes))
  const oauth = makeOAuth(core)
  const { log, users, workspaces, repositories, accessTokens, consumers, authCodes } = core.store

  const record = (entry: RecordedRequest) => Effect.sync(() => void log.push(entry))

  const handle = (request: Request): Effect.Effect<Response> =>
    Effect.gen(function*() {
      const body = yield* Effect.promise(() => request.text())
      yield* record({ method: request.method, url: request.url, headers: headersRecord(request.headers), body })
      const nowMs = yield* Clock.currentTimeMillis
      const url = new URL(request.url)
      const method = request.method.toUpperCase()
      const pathname = url.pathname
      if (pathname === core.oauthPath || pathname.startsWith(`${core.oauthPath}/`)) {
        return oauth({ method, url, headers: request.headers, body }, nowMs)
      }
      return yield* Effect.suspend(() => {
        if (pathname !== core.basePath && !pathname.startsWith(`${core.basePath}/`)) throw core.notFound()
        const segments = pathname.slice(core.basePath.length).split("/").slice(1)
        if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop()
        const decoded = segments.map((s) => {
          try {
            return decodeURIComponent(s)
          } catch {
            throw new HttpError(400, "Bad request", `Malformed path segment '${s}'.`)
          }
        })
        const principal = core.authenticate(request.headers, nowMs)
        return route({ method, url, headers: request.headers, body, principal }, decoded)
      })
    }).pipe(
      Effect.catchAllDefect((defect) => {
        if (defect instanceof HttpError) return Effect.succeed(errorResponse(defect))
        if (defect instanceof QueryError) {
          return Effect.succeed(errorResponse(new HttpError(400, defect.message, defect.detail)))
        }
        return Effect.succeed(errorResponse(new HttpError(500, "Internal error in the fake Bitbucket", String(defect))))
      })
    )

  const snapshot = Effect.sync((): Seed => {
    let out: Seed = {
      ...clone(core.seed),
      users: clone(users),
      workspaces: clone(workspaces),
      repositories: clone(repositories),
      accessTokens: clone(accessTokens),
      oauthConsumers: clone(consumers),
      git: clone(core.git.snapshot())
    }
    for (const m of modules) if (m.snapshot !== undefined) out = { ...out, ...clone(m.snapshot()) }
    return out
  })

  const createAuthorizationCode = (clientId: string, user: UserRef) =>
    Effect.sync(() => {
      const u = core.findUser(user)
      if (u === undefined) throw new Error(`FakeBitbucket: unknown user ${user}`)
      if (!consumers.some((c) => c.key === clientId)) throw new Error(`FakeBitbucket: unknown OAuth client ${clientId}`)
      const code = `fake-code-${core.nextId()}`
      authCodes.set(code, { consumer: clientId, user: u.uuid })
      return code
    })

  return {
    baseUrl: core.base,
    oauthUrl: core.oauthUrl.toString().replace(/\/+$/, ""),
    apiOrigin: core.apiOrigin,
    oauthOrigin: core.oauthUrl.origin,
    handle,
    record,
    requests: Effect.sync((): ReadonlyArray<RecordedRequest> => [...log]),
    clearRequests: Effect.sync(() => void log.splice(0, log.length)),
    snapshot,
    createAuthorizationCode
  }
}

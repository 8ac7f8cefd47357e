/**
 * The fake Bitbucket's web-standard request handler: it builds the core (store and shared
 * helpers), instantiates every route module of `routes/index.ts`, and dispatches requests.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Mutable, RecordedDelivery, RecordedRequest as CoreRecordedRequest, ServerOptions } from "./core.js"
import { clone, errorResponse, HttpError, makeCore, scopesOf } from "./core.js"
import type { AppliedFault, FaultConfig } from "./faults.js"
import { applyFault, makeFaults } from "./faults.js"
import { makeOAuth } from "./oauth.js"
import { QueryError } from "./query.js"
import { grants, requiredScopes } from "./scopes.js"
import { makeRouter } from "./router.js"
import { routeModules } from "./routes/index.js"
import type { Seed, UserRef } from "./seed.js"

export type { RecordedDelivery, ServerOptions } from "./core.js"

/**
 * Sends a delivery for real (a served fake POSTs to loopback receivers): the receiver's status,
 * or why it was not sent. Never throws.
 */
export type DeliverySender = (delivery: RecordedDelivery) => Promise<{ readonly status: number } | { readonly error: string }>

/** One request as the fake received it, with the fault applied to it, if any. */
export interface RecordedRequest extends CoreRecordedRequest {
  readonly fault?: AppliedFault
}

const headersRecord = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  headers.forEach((value, key) => {
    out[key] = value
  })
  return out
}

/** Builds the fake's state and handler. */
export const makeServer = (
  options: ServerOptions & { readonly faults?: FaultConfig | undefined; readonly sendDelivery?: DeliverySender | undefined }
) => {
  const core = makeCore(options)
  const faults = makeFaults(options.faults)
  const modules = routeModules.map((m) => m.make(core))
  const route = makeRouter(modules.flatMap((m) => m.routes))
  const webRoute = makeRouter(modules.flatMap((m) => m.web ?? []))
  const oauth = makeOAuth(core)
  const { log, users, workspaces, repositories, accessTokens, consumers, authCodes, deliveries } = core.store

  const record = (entry: RecordedRequest) => Effect.sync(() => void log.push(entry))

  /**
   * Hands the deliveries one request caused (its own outbox, never another's: two requests may be
   * answered at once) to the sender, all at once, before its answer goes back: when a served fake
   * has answered, its loopback receivers have had that request's deliveries. Each has 2 seconds
   * (see serve.ts), so a receiver that hangs delays the answer by that, whatever the number of
   * hooks. Without a sender (in memory), they are only recorded.
   */
  const flushDeliveries = (outbox: ReadonlyArray<Mutable<RecordedDelivery>>) => Effect.suspend(() => {
    const send = options.sendDelivery
    if (send === undefined || outbox.length === 0) return Effect.void
    return Effect.forEach(outbox, (delivery) =>
      Effect.map(Effect.promise(() => send(delivery)), (outcome) => {
        if ("status" in outcome) delivery.status = outcome.status
        else delivery.error = outcome.error
      }), { discard: true, concurrency: "unbounded" })
  })

  const handle = (request: Request): Effect.Effect<Response> =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(yield* Effect.promise(() => request.arrayBuffer()))
      const body = new TextDecoder().decode(bytes)
      const fault = faults.decide(request.method.toUpperCase(), new URL(request.url).pathname)
      yield* record({
        method: request.method,
        url: request.url,
        headers: headersRecord(request.headers),
        body,
        ...(fault !== undefined ? { fault } : {})
      })
      const outbox: Array<Mutable<RecordedDelivery>> = []
      const response = yield* fault === undefined
        ? respond(request, body, bytes, outbox)
        : applyFault(fault.fault, respond(request, body, bytes, outbox))
      yield* flushDeliveries(outbox)
      return response
    })

  const respond = (request: Request, body: string, bytes: Uint8Array, outbox: Array<Mutable<RecordedDelivery>>): Effect.Effect<Response> =>
    Effect.gen(function*() {
      const nowMs = yield* Clock.currentTimeMillis
      const url = new URL(request.url)
      const method = request.method.toUpperCase()
      const pathname = url.pathname
      if (pathname === core.oauthPath || pathname.startsWith(`${core.oauthPath}/`)) {
        return oauth({ method, url, headers: request.headers, body }, nowMs)
      }
      return yield* Effect.suspend(() => {
        const inApi = pathname === core.basePath || pathname.startsWith(`${core.basePath}/`)
        const segments = pathname.slice(inApi ? core.basePath.length : 0).split("/").slice(1)
        if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop()
        const decoded = segments.map((s) => {
          try {
            return decodeURIComponent(s)
          } catch {
            throw new HttpError(400, "Bad request", `Malformed path segment '${s}'.`)
          }
        })
        if (!inApi) {
          if (url.origin !== core.webOrigin) throw core.notFound()
          return webRoute({ method, url, headers: request.headers, body, bytes, principal: { kind: "anonymous" }, outbox }, decoded)
        }
        const principal = core.authenticate(request.headers, nowMs)
        const granted = scopesOf(principal)
        const required = granted === undefined ? [] : requiredScopes(method, decoded)
        if (granted !== undefined && required.some((scope) => !grants(granted, scope))) {
          throw new HttpError(
            403,
            "Your credentials lack one or more required privilege scopes.",
            `Required: ${required.join(" and ")}. Granted: ${granted.join(", ")}.`
          )
        }
        return route({ method, url, headers: request.headers, body, bytes, principal, outbox }, decoded)
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
    deliveries: Effect.sync((): ReadonlyArray<RecordedDelivery> => clone(deliveries)),
    clearDeliveries: Effect.sync(() => void deliveries.splice(0, deliveries.length)),
    snapshot,
    createAuthorizationCode,
    setFaults: (config: FaultConfig | undefined) => Effect.sync(() => faults.set(config)),
    faults: Effect.sync(() => faults.current())
  }
}

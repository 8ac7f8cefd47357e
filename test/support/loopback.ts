/**
 * Helpers of the loopback reliability suite: tiny scripted node:http servers on 127.0.0.1, a
 * recording logger and tracer, the secret-leak detector and the suite's summary.
 */
import { Cause, type Context, Effect, Exit, HashMap, List, Logger, LogLevel, Option, Tracer } from "effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"

// ---------------------------------------------------------------------------------------------
// Tiny scripted servers
// ---------------------------------------------------------------------------------------------

/** A request as a scripted server saw it. */
export interface Seen {
  readonly method: string
  /** Path and query. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly at: number
}

export interface Scripted {
  readonly origin: string
  readonly requests: Array<Seen>
}

/**
 * Serves `handler` on 127.0.0.1 (a free port) until the scope closes. The handler gets the
 * server's own origin, so it can write absolute links; it may leave the response unfinished (a
 * stalled body); open sockets are destroyed at shutdown.
 */
export const scriptedServer = (
  handler: (req: IncomingMessage, res: ServerResponse, origin: string, index: number) => void
): Effect.Effect<Scripted, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Scripted & { close: () => Promise<void> }>((resume) => {
      const requests: Array<Seen> = []
      let origin = ""
      const server = createServer((req, res) => {
        const index = requests.length
        requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: { ...req.headers }, at: Date.now() })
        req.resume()
        req.on("end", () => handler(req, res, origin, index))
      })
      server.keepAliveTimeout = 5_000
      server.listen(0, "127.0.0.1", () => {
        origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
        resume(Effect.succeed({
          get origin() {
            return origin
          },
          requests,
          close: () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve())
              server.closeAllConnections()
            })
        }))
      })
    }),
    (server) => Effect.promise(() => server.close())
  )

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const bytes = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(bytes.length), ...headers })
  res.end(bytes)
}

export const sendText = (res: ServerResponse, status: number, text: string, contentType: string) => {
  const bytes = Buffer.from(text)
  res.writeHead(status, { "content-type": contentType, "content-length": String(bytes.length) })
  res.end(bytes)
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

export const SECRET = "Lo0pback-canary-5ecret-2b7e91"
export const LEAK_EMAIL = "leak@example.com"
export const LEAK_USER_UUID = "{1eaf0000-0000-4000-8000-00000000c0de}"
export const LEAK_CLIENT_ID = "leak-client-id"

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64")

/** Every form the secret can take on the wire or in a careless rendering. */
export const forbiddenForms: ReadonlyArray<readonly [string, string]> = [
  ["secret", SECRET],
  ["base64(email:secret)", b64(`${LEAK_EMAIL}:${SECRET}`)],
  ["base64(clientId:secret)", b64(`${LEAK_CLIENT_ID}:${SECRET}`)],
  ["base64(secret)", b64(SECRET)],
  ["uri-encoded secret", encodeURIComponent(SECRET)],
  ["secret fragment", SECRET.slice(0, 14)]
]

export const findLeaks = (rendered: string): Array<string> =>
  forbiddenForms.filter(([, form]) => rendered.includes(form)).map(([name]) => name)

export const inspect = (u: unknown) => util.inspect(u, { depth: 12 })

/** Every rendering of an exit a user or an error reporter could produce. */
export const renderExit = (exit: Exit.Exit<unknown, unknown>): ReadonlyArray<readonly [string, string]> => {
  const out: Array<readonly [string, string]> = [
    ["util.inspect(exit)", inspect(exit)],
    ["JSON.stringify(exit)", JSON.stringify(exit) ?? ""]
  ]
  if (Exit.isFailure(exit)) {
    out.push(["Cause.pretty", Cause.pretty(exit.cause)])
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) {
      const error = failure.value as Error
      out.push(
        ["error.message", String(error.message)],
        ["String(error)", String(error)],
        ["JSON.stringify(error)", JSON.stringify(error) ?? ""],
        ["util.inspect(error)", inspect(error)],
        ["util.inspect(error, showHidden)", util.inspect(error, { depth: 12, showHidden: true })],
        ["error.stack", String(error.stack)]
      )
    }
  } else {
    out.push(["util.inspect(value)", inspect(exit.value)])
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Logs and spans
// ---------------------------------------------------------------------------------------------

class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  constructor(
    readonly sink: Array<string>,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.status = { _tag: "Started", startTime }
    this.traceId = Option.isSome(parent) ? parent.value.traceId : `trace-${sink.length}`
    this.spanId = `span-${sink.length}`
    this.links = [...links]
    sink.push(`span ${name} (${kind})`)
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.sink.push(`end ${this.name}\n${[...this.attributes].map(([k, v]) => `${k}=${String(v)} ${inspect(v)}`).join("\n")}`)
    if (Exit.isFailure(exit)) {
      this.sink.push(Cause.pretty(exit.cause))
      for (const error of Cause.prettyErrors(exit.cause)) this.sink.push(`${error.name}: ${error.message}\n${error.stack}`)
    }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    this.sink.push(`attribute ${this.name} ${key}=${String(value)} ${inspect(value)}`)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.sink.push(`event ${this.name} ${name} ${inspect(attributes)}`)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A replacing logger and a recording tracer; `around` runs an effect under both, logging its failure. */
export const capture = () => {
  const logs: Array<string> = []
  const spans: Array<string> = []
  const spanNames: Array<string> = []
  const logger = Logger.make((options) => {
    logs.push(Logger.stringLogger.log(options))
    logs.push(Logger.logfmtLogger.log(options))
    logs.push(Logger.jsonLogger.log(options))
    logs.push(inspect(options.message))
    logs.push(inspect(HashMap.toEntries(options.annotations)))
    logs.push(List.toArray(options.spans).map((s) => s.label).join(" "))
    if (!Cause.isEmpty(options.cause)) logs.push(Cause.pretty(options.cause))
  })
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      spanNames.push(name)
      return new RecordingSpan(spans, name, parent, context, links, startTime, kind)
    },
    context: (f) => f()
  })
  const around = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.tap((value) => Effect.logDebug("Bitbucket call succeeded", value)),
      Effect.tapErrorCause((cause) => Effect.logError(cause)),
      Effect.tapError((error) => Effect.logError("Bitbucket call failed", error)),
      Effect.tapError((error) => Effect.annotateLogs(Effect.logWarning("failed"), "error", error)),
      Effect.withLogSpan("reliability-loopback"),
      Effect.withTracer(tracer),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
  return { logs, spans, spanNames, around }
}

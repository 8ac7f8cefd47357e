/**
 * Helpers of the loopback reliability suite: tiny scripted node:http servers on 127.0.0.1, a
 * recording logger and tracer, the secret-leak detector and the suite's summary.
 */
import { Cause, Effect, Exit, Option } from "effect"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"

export { capture } from "./capture.js"

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


/**
 * Serves a web-standard handler over real HTTP with `node:http`, on loopback only.
 *
 * The adapter is deliberately thin: a Node request becomes a `Request` (method, headers, body
 * bytes, URL on the server's own origin), the handler's `Response` goes back as is (status, every
 * header, body bytes). A network-error response (`Response.error()`, how the fake's `disconnect`
 * fault is expressed) destroys the socket without an answer.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { isDisconnect } from "./faults.js"

/** Where the server listens. */
export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number | undefined
  /** Only loopback is allowed: `127.0.0.1` (the default). */
  readonly host?: "127.0.0.1" | undefined
}

/** A listening server. */
export interface Listening {
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** Installs the handler (requests that arrive before it answer 503). */
  readonly setHandler: (handler: (request: Request) => Effect.Effect<Response>) => void
}

/** Listening failed (port in use, not allowed, ...). */
export class ListenError extends Data.TaggedError("ListenError")<{
  readonly host: string
  readonly port: number
  readonly cause: unknown
}> {
  override get message() {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `FakeBitbucket could not listen on ${this.host}:${this.port}: ${cause}`
  }
}

const readBody = (req: Http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const toRequest = (origin: string, req: Http.IncomingMessage, body: Buffer): Request => {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!
    const lower = name.toLowerCase()
    // Hop-by-hop and framing headers belong to this connection, not to the request.
    if (lower === "connection" || lower === "keep-alive" || lower === "transfer-encoding" || lower === "upgrade") continue
    headers.append(name, req.rawHeaders[i + 1]!)
  }
  const method = (req.method ?? "GET").toUpperCase()
  const hasBody = method !== "GET" && method !== "HEAD"
  return new Request(`${origin}${req.url ?? "/"}`, {
    method,
    headers,
    body: hasBody ? new Uint8Array(body) : null,
    redirect: "manual"
  })
}

const writeResponse = async (req: Http.IncomingMessage, res: Http.ServerResponse, response: Response) => {
  if (isDisconnect(response)) {
    req.socket.destroy()
    return
  }
  const bytes = response.body === null ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string | Array<string>> = {}
  response.headers.forEach((value, key) => {
    if (key === "content-length" || key === "transfer-encoding" || key === "connection") return
    headers[key] = value
  })
  const setCookie = response.headers.getSetCookie()
  if (setCookie.length > 0) headers["set-cookie"] = setCookie
  const bodiless = response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200)
  if (!bodiless) headers["content-length"] = String(bytes.length)
  res.writeHead(response.status, headers)
  res.end(req.method === "HEAD" || bodiless ? undefined : bytes)
}

/**
 * Starts an HTTP server on 127.0.0.1; it stops (open connections closed, running handlers
 * interrupted) when the scope closes. Handlers run with the services of the calling fiber (its
 * `Clock` included).
 */
export const listen = (options: ListenOptions = {}): Effect.Effect<Listening, ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    if (host !== "127.0.0.1") return yield* Effect.die(new Error(`FakeBitbucket listens on 127.0.0.1 only, not ${host}`))
    const port = options.port ?? 0
    // Imported lazily, so that the in-memory fake never loads node:http.
    const { createServer } = yield* Effect.promise(() => import("node:http"))
    const run = yield* FiberSet.makeRuntimePromise<never, void, never>()
    let handler: ((request: Request) => Effect.Effect<Response>) | undefined
    let origin = ""

    const server = createServer((req, res) => {
      const current = handler
      if (current === undefined) {
        res.writeHead(503, { "content-type": "text/plain" }).end("FakeBitbucket is starting")
        return
      }
      run(Effect.gen(function*() {
        const body = yield* Effect.promise(() => readBody(req))
        const response = yield* current(toRequest(origin, req, body))
        yield* Effect.promise(() => writeResponse(req, res, response))
      })).catch(() => {
        // Interrupted at shutdown, or the client went away: drop the connection.
        res.destroy()
      })
    })
    server.keepAliveTimeout = 5_000

    yield* Effect.acquireRelease(
      Effect.async<void, ListenError>((resume) => {
        const onError = (cause: unknown) => resume(Effect.fail(new ListenError({ port, host, cause })))
        server.once("error", onError)
        try {
          server.listen(port, host, () => {
            server.off("error", onError)
            resume(Effect.void)
          })
        } catch (cause) {
          // A port out of range (or not a number) throws here instead of emitting "error".
          server.off("error", onError)
          onError(cause)
        }
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address() as AddressInfo
    origin = `http://${host}:${address.port}`
    return {
      port: address.port,
      origin,
      setHandler: (h) => {
        handler = h
      }
    } satisfies Listening
  })

/** Is this a loopback host (`127.0.0.0/8`, `localhost`, `::1`)? Deliveries go nowhere else. */
// (Not `*.localhost`: Node resolves such names through DNS, which tests must not need.)
const isLoopbackHost = (hostname: string) =>
  hostname === "localhost" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === "[::1]"

/**
 * POSTs a webhook delivery, as Bitbucket would, when its URL is on loopback (http or https, any
 * port); any other URL is not contacted, so that tests stay offline. Redirects are not followed;
 * a receiver that does not answer within 2 seconds is given up. Never throws: the outcome is the
 * receiver's status or why there was none.
 */
export const postDelivery = async (delivery: {
  readonly url: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}): Promise<{ readonly status: number } | { readonly error: string }> => {
  let url: URL
  try {
    url = new URL(delivery.url)
  } catch {
    return { error: `not delivered: ${delivery.url} is not a URL` }
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !isLoopbackHost(url.hostname)) {
    return { error: `not delivered: ${url.host} is not a loopback host (a served FakeBitbucket POSTs to 127.0.0.1, [::1] and localhost only)` }
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(delivery.headers)) if (value !== undefined) headers[name] = value
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: delivery.body,
      redirect: "manual",
      // Short: the API's answer waits for its deliveries, and a client's own timeout must not.
      signal: AbortSignal.timeout(2_000)
    })
    // Read to the end, so that the connection is free again.
    await response.arrayBuffer().catch(() => undefined)
    return { status: response.status }
  } catch (cause) {
    // fetch's "fetch failed" says little: its cause's code does (ECONNREFUSED, a timeout).
    const inner = cause instanceof Error ? (cause.cause as { readonly code?: unknown; readonly message?: unknown } | undefined) : undefined
    const why = inner === undefined ? "" : ` (${String(inner.code ?? inner.message ?? "")})`
    return { error: `delivery failed: ${cause instanceof Error ? cause.message : String(cause)}${why}` }
  }
}

/**
 * A scripted HttpClient for unit tests: records every request and answers with a function.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { Authenticator } from "../../src/index.js"

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export type Reply = Response | "transport-error" | "connection-refused" | Effect.Effect<Response>

const bodyOf = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return String(body.body)
    case "FormData": {
      const parts: Array<string> = []
      body.formData.forEach((value, key) => parts.push(`${key}=${typeof value === "string" ? value : "<file>"}`))
      return parts.join("&")
    }
    default:
      return ""
  }
}

/** Builds a client answering with `handler`; `requests` lists what was sent, in order. */
export const mockHttp = (handler: (request: Recorded, index: number) => Reply) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const recorded: Recorded = { method: request.method, url, headers: { ...request.headers }, body: bodyOf(request) }
      requests.push(recorded)
      const reply = handler(recorded, requests.length - 1)
      if (reply === "transport-error") {
        return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "connection reset" }))
      }
      if (reply === "connection-refused") {
        // What fetch reports when nothing listens: a TypeError whose cause has the socket code.
        const cause = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) })
        return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause, description: "fetch failed" }))
      }
      const response = reply instanceof Response ? Effect.succeed(reply) : reply
      return Effect.map(response, (r) => HttpClientResponse.fromWeb(request, r))
    })
  )
  return {
    requests,
    client,
    layer: Layer.succeed(HttpClient.HttpClient, client),
    /** The client plus anonymous auth: all an operation needs. */
    anonymous: Layer.merge(Layer.succeed(HttpClient.HttpClient, client), Authenticator.anonymous)
  }
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

export const text = (body: string, status: number, contentType = "text/plain", headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": contentType, ...headers } })

export const errorBody = (message: string, extra: Record<string, unknown> = {}) => ({
  type: "error",
  error: { message, ...extra }
})

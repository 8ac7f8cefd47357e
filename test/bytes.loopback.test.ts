/**
 * Byte bodies over loopback HTTP: `Snippet.content` and the `…Bytes` operations stream the body
 * as it arrives (a chunk is handed on before the server has sent the rest), a stalled or broken
 * body fails the stream without a retry, stopping early closes the connection, and answers before
 * the body (503, 404) go through the pipeline as usual. Both transports.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, type Duration, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketConfig, BitbucketError, Commit, Resource, Snippet } from "../src/index.js"
import { LEAK_EMAIL, scriptedServer, SECRET, sendJson } from "./support/loopback.js"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["undici", NodeHttpClient.layerUndici],
  ["fetch", FetchHttpClient.layer]
]

const client = (origin: string, http: Layer.Layer<HttpClient.HttpClient>, timeout: Duration.DurationInput = "2 seconds") =>
  Layer.mergeAll(
    BitbucketConfig.layer({
      baseUrl: `${origin}/2.0`,
      timeout,
      retry: { baseDelay: "5 millis", maxDelay: "20 millis" }
    }),
    Layer.provideMerge(Authenticator.apiToken({ email: LEAK_EMAIL, token: SECRET }), http)
  )

const ref = { workspace: "demo", encoded_id: "kypj" }
const text = (chunks: Chunk.Chunk<Uint8Array>) => Chunk.toArray(chunks).map((c) => Buffer.from(c).toString()).join("")

describe("byte bodies are streamed", () => {
  for (const [name, http] of transports) {
    it.scopedLive(`${name}: a chunk is handed on before the body ends; stopping early closes the connection`, () =>
      Effect.gen(function*() {
        const closed = yield* Deferred.make<boolean>()
        const server = yield* scriptedServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/octet-stream" })
          res.write("first chunk;")
          // The rest never comes unless the client hangs up: a client that read the body whole
          // would wait here until its timeout.
          res.on("close", () => Effect.runSync(Deferred.succeed(closed, res.writableEnded)))
        })
        const first = yield* Snippet.content(ref, "big.bin").pipe(
          Stream.take(1),
          Stream.runCollect,
          Effect.provide(client(server.origin, http, "10 seconds")),
          Effect.timeout("5 seconds")
        )
        expect(text(first)).toBe("first chunk;")
        // The client went away while the server still had the response open.
        expect(yield* Deferred.await(closed).pipe(Effect.timeout("5 seconds"))).toBe(false)
        expect(server.requests).toHaveLength(1)
      }))

    it.scopedLive(`${name}: a large body arrives whole, in several chunks`, () =>
      Effect.gen(function*() {
        const body = Buffer.alloc(3 * 1024 * 1024)
        for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff
        const server = yield* scriptedServer((_req, res) => {
          res.writeHead(200, { "content-type": "text/plain", "content-length": String(body.length) })
          res.end(body)
        })
        const chunks = yield* Commit.diffBytes({ workspace: "demo", repo_slug: "big", spec: "a..b" }).pipe(
          Stream.runCollect,
          Effect.provide(client(server.origin, http))
        )
        expect(Chunk.size(chunks)).toBeGreaterThan(1)
        const whole = yield* Resource.collectBytes(Stream.fromChunk(chunks))
        expect(Buffer.from(whole).equals(body)).toBe(true)
      }))

    it.scopedLive(`${name}: a body that stalls fails with Timeout after \`timeout\`, without a retry`, () =>
      Effect.gen(function*() {
        const server = yield* scriptedServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/octet-stream" })
          res.write("a little, then nothing")
        })
        const started = Date.now()
        const error = yield* Resource.collectBytes(Snippet.content(ref, "stalls.bin")).pipe(
          Effect.provide(client(server.origin, http, "300 millis")),
          Effect.flip
        )
        expect(error).toBeInstanceOf(BitbucketError.TransportError)
        expect(error).toMatchObject({ reason: "Timeout" })
        expect(error.message).toContain("sent nothing for 300ms")
        expect(Date.now() - started).toBeGreaterThanOrEqual(280)
        expect(server.requests).toHaveLength(1)
      }))

    it.scopedLive(`${name}: a connection cut mid-body fails the stream, without a retry or a secret`, () =>
      Effect.gen(function*() {
        const server = yield* scriptedServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/octet-stream", "content-length": "1000" })
          res.write("only ten b", () => setTimeout(() => res.socket?.destroy(), 20))
        })
        const error = yield* Resource.collectBytes(Snippet.content(ref, "cut.bin")).pipe(
          Effect.provide(client(server.origin, http)),
          Effect.flip
        )
        expect(error).toBeInstanceOf(BitbucketError.TransportError)
        expect(error).toMatchObject({ reason: "Transport", method: "GET" })
        expect(error.message).toContain("failed while reading the response")
        expect(JSON.stringify(error)).not.toContain(SECRET)
        expect(server.requests).toHaveLength(1)
      }))

    it.scopedLive(`${name}: answers before the body go through the pipeline: 503 is retried, 404 is NotFound`, () =>
      Effect.gen(function*() {
        const server = yield* scriptedServer((req, res, _origin, index) => {
          if (req.url?.endsWith("/missing.bin")) return sendJson(res, 404, { type: "error", error: { message: "No such file" } })
          if (index === 0) return sendJson(res, 503, { type: "error", error: { message: "busy" } })
          res.writeHead(200, { "content-type": "application/octet-stream" })
          res.end(Buffer.from([0xff, 0x00, 0x80]))
        })
        const layer = client(server.origin, http)
        const bytes = yield* Resource.collectBytes(Snippet.content(ref, "retry.bin")).pipe(Effect.provide(layer))
        expect(Array.from(bytes)).toEqual([0xff, 0x00, 0x80])
        expect(server.requests).toHaveLength(2)
        const missing = yield* Resource.collectBytes(Snippet.content(ref, "missing.bin")).pipe(Effect.provide(layer), Effect.flip)
        expect(missing).toBeInstanceOf(BitbucketError.NotFound)
      }))
  }
})

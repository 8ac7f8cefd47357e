/**
 * Where credentials, query parameters and tracing go: only to the API, under the base URL. Off
 * it (elsewhere on its origin, a content host's signed link), requests carry no credentials, are
 * not traced whatever the application's client says, and errors show their URL without the query.
 */
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema, Stream } from "effect"
import { Authenticator, BitbucketConfig, Pagination, Repository, Resource, Snippet } from "../src/index.js"
import * as Http from "../src/internal/http.js"
import { capture } from "./support/capture.js"
import { mockHttp } from "./support/mockHttp.js"

const signed = "https://bbuseruploads.s3.amazonaws.com/f?X-Amz-Signature=SIGNED-SECRET"
const token = Authenticator.accessToken({ token: "tok-SECRET" })

describe("credentials stay under the base URL", () => {
  it.effect("a next link elsewhere on the API's origin (behind a proxy) is fetched without credentials", () =>
    Effect.gen(function*() {
      const base = "https://proxy.example/bitbucket/2.0"
      const mock = mockHttp((request) =>
        request.url.pathname.startsWith("/bitbucket/2.0")
          ? new Response(JSON.stringify({ values: [{ n: 1 }], next: "https://proxy.example/other-app/list?page=2" }), { status: 200 })
          : new Response(JSON.stringify({ values: [{ n: 2 }] }), { status: 200 })
      )
      const items = yield* Stream.runCollect(Pagination.streamUrl(`${base}/repositories/w`, Schema.Unknown)).pipe(
        Effect.provide(Layer.mergeAll(token, mock.layer, BitbucketConfig.layer({ baseUrl: base })))
      )
      expect(items.length).toBe(2)
      expect(mock.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer tok-SECRET", undefined])
    }))

  it.effect("a URL refused for its origin is shown without its query", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const error = yield* Effect.flip(Http.send("GET", signed)).pipe(Effect.provide(Layer.merge(token, mock.layer)))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "RefusedOrigin" })
      expect(error.message + JSON.stringify(error)).not.toContain("SIGNED-SECRET")
      expect(mock.requests).toEqual([])
    }))

  it.effect("a content host's error page stays readable: only what grants access in the signed link is a secret", () =>
    Effect.gen(function*() {
      const signature = "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f"
      const credential = "AKIAEXAMPLEKEY123456/20261128/us-east-1/s3/aws4_request"
      const link = `https://bbuseruploads.s3.amazonaws.com/release-notes.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${
        encodeURIComponent(credential)
      }&X-Amz-Date=20261128T090000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`
      const mock = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: link } })
          : new Response(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires><Expires>2026-11-28T09:01:00Z</Expires><Key>release-notes.txt</Key><Credential>${credential}</Credential><Signature>${signature}</Signature></Error>`,
            { status: 403 }
          )
      )
      const error = yield* Effect.flip(Http.text({ method: "GET", path: "/repositories/demo/x/downloads/release-notes.txt", followRedirects: true })).pipe(
        Effect.provide(Layer.merge(token, mock.layer))
      )
      expect(error.message).toContain("<Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>")
      expect(error.message + JSON.stringify(error)).not.toContain(signature)
      expect(error.message + JSON.stringify(error)).not.toContain("AKIAEXAMPLEKEY123456")
    }))

  it.effect("a next link or a Location with credentials of its own (user:password@) is refused, unsent and unshown", () =>
    Effect.gen(function*() {
      const withUserinfo = "https://deploy:hunter2-PASSWORD@api.bitbucket.org/2.0/repositories/demo?page=2"
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/src/main/f")
          ? new Response(null, { status: 302, headers: { location: withUserinfo } })
          : new Response(JSON.stringify({ values: [{ n: 1 }], next: withUserinfo }), { status: 200 })
      )
      const layer = Layer.merge(token, mock.layer)
      const fromNext = yield* Effect.flip(Stream.runCollect(Pagination.streamUrl("https://api.bitbucket.org/2.0/repositories/demo", Schema.Unknown))).pipe(
        Effect.provide(layer)
      )
      const fromLocation = yield* Effect.flip(Http.text({ method: "GET", path: "/repositories/demo/x/src/main/f", followRedirects: true })).pipe(
        Effect.provide(layer)
      )
      for (const error of [fromNext, fromLocation]) {
        expect(error).toMatchObject({ _tag: "TransportError", reason: "RefusedOrigin" })
        expect(error.message).toContain("the URL carries credentials of its own")
        expect(error.message + JSON.stringify(error)).not.toContain("hunter2")
      }
      expect(mock.requests.map((r) => r.url.pathname)).toEqual(["/2.0/repositories/demo", "/2.0/repositories/demo/x/src/main/f"])
    }))

  it.effect("a content host's refusal is the host's, not Bitbucket's, and its error page's echo of the link is blanked", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: signed } })
          : new Response(`<Error><Message>Request has expired</Message><Resource>/f${request.url.search}</Resource></Error>`, { status: 403 })
      )
      const error = yield* Effect.flip(Http.text({ method: "GET", path: "/repositories/demo/x/src/main/f", followRedirects: true })).pipe(
        Effect.provide(Layer.merge(token, mock.layer))
      )
      expect(error._tag).toBe("Forbidden")
      expect(error.message).toContain("failed with 403: the host refused the link (a signed link may have expired). The host said: <Error>")
      expect(error.message).toContain("/f?X-Amz-Signature=<redacted></Resource>")
      expect(error.message).not.toContain("Bitbucket")
      expect(error.message + JSON.stringify(error)).not.toContain("SIGNED-SECRET")
    }))
})

describe("spans never record a signed link", () => {
  it.effect("not even when the application's own client configures tracing; nor a Location of any answer", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: signed } })
          : new Response(new Uint8Array([1, 2]), { status: 200 })
      )
      // The application's client decides about tracing for its own reasons: it must not win here.
      const own = Layer.succeed(HttpClient.HttpClient, HttpClient.withTracerDisabledWhen(mock.client, (r) => r.url.endsWith("/health")))
      const recorder = capture("signed")
      yield* Resource.collectBytes(Snippet.content({ workspace: "w", encoded_id: "e" }, "f")).pipe(
        recorder.around,
        Effect.provide(Layer.merge(token, own))
      )
      // An operation that does not follow redirects still gets the 302: its span must not keep the Location.
      yield* Effect.flip(Repository.find({ workspace: "w", repo_slug: "r" })).pipe(recorder.around, Effect.provide(Layer.merge(token, own)))
      expect(recorder.spanNames).toContain("http.client GET")
      expect(recorder.spans.join("\n")).not.toContain("SIGNED-SECRET")
    }))
})

describe("spans show the headers known to hold no secret, and only those", () => {
  it.effect("a trace id and the content type show; a proxy's own header, echoing the token, does not", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        new Response("{}", { status: 200, headers: { "content-type": "application/json", "atl-traceid": "trace-4a5b6c", "x-proxy-echo": "tok-SECRET" } })
      )
      const recorder = capture("headers")
      yield* Repository.find({ workspace: "w", repo_slug: "r" }).pipe(recorder.around, Effect.provide(Layer.merge(token, mock.layer)))
      const spans = recorder.spans.join("\n")
      expect(spans).toContain("http.response.header.atl-traceid=trace-4a5b6c")
      expect(spans).toContain("http.response.header.content-type=application/json")
      expect(spans).toContain("http.response.header.x-proxy-echo=<redacted>")
      expect(spans).not.toContain("tok-SECRET")
    }))
})

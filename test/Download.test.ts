import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { Authenticator, BitbucketConfig, BitbucketError, Download, Resource } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { capture } from "./support/capture.js"
import { mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const api = { workspace: "acme", repo_slug: "api" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const archive = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x0d, 0x0a, 0x00])

layer(AsAlice)("Download against the fake", (it) => {
  it.effect("uploads, lists, reads through the file host's signed link, replaces and deletes", () =>
    Effect.gen(function*() {
      yield* Download.upload(api, [{ name: "app-1.0.tar.gz", content: archive }, { name: "NOTES.txt", content: "line 1\nline 2\n" }])
      const listed = yield* collect(Download.findForRepository(api))
      expect(listed.map((d) => [d.name, d.size, d.downloads])).toEqual([["app-1.0.tar.gz", 8, 0], ["NOTES.txt", 14, 0]])
      expect(listed[0]!.user?.display_name).toBe("Alice Anderson")

      const bytes = yield* Resource.collectBytes(Download.content({ ...api, filename: "app-1.0.tar.gz" }))
      expect(Array.from(bytes)).toEqual(Array.from(archive))
      const text = new TextDecoder().decode(yield* Resource.collectBytes(Download.content({ ...api, filename: "NOTES.txt" })))
      expect(text).toBe("line 1\nline 2\n")
      expect((yield* collect(Download.findForRepository(api))).map((d) => d.downloads)).toEqual([1, 1])

      yield* Download.upload(api, [{ name: "NOTES.txt", content: "replaced\n" }])
      const replaced = yield* Resource.collectBytes(Download.content({ ...api, filename: "NOTES.txt" }))
      expect(new TextDecoder().decode(replaced)).toBe("replaced\n")

      yield* Download.delete({ ...api, filename: "NOTES.txt" })
      expect((yield* collect(Download.findForRepository(api))).map((d) => d.name)).toEqual(["app-1.0.tar.gz"])
      const gone = yield* Effect.flip(Stream.runDrain(Download.content({ ...api, filename: "NOTES.txt" })))
      expect(gone).toBeInstanceOf(BitbucketError.NotFound)
      yield* Download.delete({ ...api, filename: "app-1.0.tar.gz" })
    }))

  it.effect("a reader may not upload; bad files are InvalidInput", () =>
    Effect.gen(function*() {
      const bob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
      const denied = yield* Effect.flip(Download.upload(api, [{ name: "x.txt", content: "x" }])).pipe(Effect.provide(bob))
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      for (const files of [[], [{ name: "", content: "x" }], [{ name: "a", content: "x" }, { name: "a", content: "y" }], [{ name: 'a"b', content: "x" }]]) {
        expect(yield* Effect.flip(Download.upload(api, files))).toBeInstanceOf(BitbucketError.InvalidInput)
      }
    }))
})

describe("Download on the wire", () => {
  it.effect("the file host gets no credentials, and its signature is never shown", () =>
    Effect.gen(function*() {
      const signed = "https://bbuseruploads.s3.amazonaws.com/abc/downloads/def/app.tgz?Signature=SIGNED-SECRET&Expires=1"
      const mock = mockHttp((request) =>
        request.url.host === "api.bitbucket.org"
          ? new Response(null, { status: 302, headers: { location: signed } })
          : new Response(archive, { status: 200 })
      )
      const recorder = capture("download")
      const bytes = yield* Resource.collectBytes(Download.content({ ...api, filename: "app.tgz" })).pipe(
        recorder.around,
        Effect.provide(Layer.merge(Authenticator.accessToken({ token: "tok" }), mock.layer))
      )
      expect(Array.from(bytes)).toEqual(Array.from(archive))
      expect(mock.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer tok", undefined])
      // Spans record neither the signed link nor the Location that carried it.
      expect(recorder.spanNames).toContain("Bitbucket.Download.content")
      expect(recorder.spans.join("\n")).not.toContain("SIGNED-SECRET")
    }))

  it.scopedLive("over loopback HTTP: upload, then the file through the redirect to the web origin", () =>
    Effect.gen(function*() {
      const server = yield* Effect.orDie(FakeBitbucket.serve({ port: 0 }))
      const client = Layer.mergeAll(
        BitbucketConfig.layer({ baseUrl: server.baseUrl }),
        Layer.provideMerge(Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }), NodeHttpClient.layerUndici)
      )
      const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff)
      yield* Download.upload(api, [{ name: "big.bin", content: big }]).pipe(Effect.provide(client))
      const back = yield* Resource.collectBytes(Download.content({ ...api, filename: "big.bin" })).pipe(Effect.provide(client))
      expect(back.length).toBe(big.length)
      expect(back.every((b, i) => b === big[i])).toBe(true)
      // The file is outside the API (the base URL's path), though on its origin here: no credentials go there.
      const file = (yield* server.requests).filter((r) => r.url.includes("/acme/api/downloads/big.bin?"))
      expect(file.length).toBe(1)
      expect(file[0]!.headers["authorization"]).toBeUndefined()
      // Without a valid signature the file host says nothing, whatever exists.
      const origin = new URL(server.baseUrl).origin
      for (const path of ["/acme/api/downloads/big.bin?token=forged", "/acme/api/downloads/big.bin", "/acme/nope/downloads/x?token=0"]) {
        const status = yield* Effect.promise(() => fetch(`${origin}${path}`).then((r) => r.status))
        expect(status).toBe(403)
      }
    }))
})

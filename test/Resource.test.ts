import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Schema, Stream } from "effect"
import { Repository, Resource } from "../src/index.js"
import { fullRepository } from "./fixtures/repositories.js"
import { json, mockHttp } from "./support/mockHttp.js"

const repo = Schema.decodeUnknownSync(Repository.Repository)(fullRepository)

describe("Resource", () => {
  it("attributes lists the fields but links; relationships lists the links", () => {
    expect(Resource.attributes(repo)).toContain("full_name")
    expect(Resource.attributes(repo)).toContain("some_future_field")
    expect(Resource.attributes(repo)).not.toContain("links")
    expect(Resource.relationships(repo)).toEqual(Object.keys(fullRepository.links))
  })

  it("a Struct keeps unknown fields through decode and encode", () => {
    const Tag = Resource.Struct({ type: Schema.String, name: Schema.optional(Schema.String) })
    const input = { type: "tag", name: "v1", message: "kept", target: { hash: "abc" } }
    const decoded = Schema.decodeUnknownSync(Tag)(input)
    expect(decoded["message"]).toBe("kept")
    expect(Schema.encodeSync(Tag)(decoded)).toEqual(input)
  })

  it.effect("follow streams the items of a linked listing, following next", () =>
    Effect.gen(function*() {
      const forks = "https://api.bitbucket.org/2.0/repositories/demo/hello-effect/forks"
      const mock = mockHttp((request) =>
        request.url.searchParams.get("page") === "2"
          ? json({ values: [{ type: "repository", name: "fork-2" }], page: 2 })
          : json({ values: [{ type: "repository", name: "fork-1" }], page: 1, next: `${forks}?page=2` })
      )
      const items = yield* Stream.runCollect(Resource.follow(repo, "forks")).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.toReadonlyArray(items).map((r) => r["name"])).toEqual(["fork-1", "fork-2"])
      expect(mock.requests[0]!.url.toString()).toBe(forks)
    }))

  it.effect("follow streams one item when the link names a single object, decoded with a schema if given", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(fullRepository))
      const items = yield* Stream.runCollect(Resource.follow(repo, "self", Repository.Repository)).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(Chunk.toReadonlyArray(items).map((r) => r.full_name)).toEqual(["demo/hello-effect"])
    }))

  it.effect("follow takes a single object with a `next` field for what it is, not a page", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ ...fullRepository, next: "https://api.bitbucket.org/2.0/repositories/demo/other" }))
      const items = yield* Stream.runCollect(Resource.follow(repo, "self", Repository.Repository)).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(Chunk.toReadonlyArray(items).map((r) => r.full_name)).toEqual(["demo/hello-effect"])
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("follow refuses a link on another origin (html) and a missing link", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const refused = yield* Effect.flip(Stream.runCollect(Resource.follow(repo, "html"))).pipe(Effect.provide(mock.anonymous))
      expect(refused._tag).toBe("TransportError")
      const missing = yield* Effect.flip(Stream.runCollect(Resource.follow(repo, "nope"))).pipe(Effect.provide(mock.anonymous))
      expect(missing._tag).toBe("InvalidInput")
      expect(mock.requests).toHaveLength(0)
    }))
})

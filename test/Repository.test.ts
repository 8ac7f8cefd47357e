import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Schema, Stream } from "effect"
import { readFileSync } from "node:fs"
import { BitbucketConfig, BitbucketError, Repository } from "../src/index.js"
import { version } from "../src/internal/version.js"
import { embeddedRepository, fullRepository, trimmedRepository } from "./fixtures/repositories.js"
import { json, mockHttp } from "./support/mockHttp.js"

describe("Repository schema", () => {
  const shapes = { full: fullRepository, embedded: embeddedRepository, trimmed: trimmedRepository }
  for (const [name, input] of Object.entries(shapes)) {
    it(`decodes the ${name} shape and encodes it back to the same JSON`, () => {
      const decoded = Schema.decodeUnknownSync(Repository.Repository)(JSON.parse(JSON.stringify(input)))
      expect(decoded.full_name).toBe("demo/hello-effect")
      const encoded = Schema.encodeSync(Repository.Repository)(decoded)
      expect(JSON.parse(JSON.stringify(encoded))).toEqual(input)
    })
  }

  it("keeps fields it does not know, typed as unknown", () => {
    const decoded = Schema.decodeUnknownSync(Repository.Repository)(fullRepository)
    expect(decoded["some_future_field"]).toEqual({ nested: [1, 2, 3], flag: true })
    expect(decoded.owner?.["username"]).toBe("demo")
  })

  it("accepts a fork policy Bitbucket may add later", () => {
    const decoded = Schema.decodeUnknownSync(Repository.Repository)({ ...embeddedRepository, fork_policy: "only_on_tuesdays" })
    expect(decoded.fork_policy).toBe("only_on_tuesdays")
  })

  it("cloneUrls reads https and ssh from links.clone", () => {
    const repo = Schema.decodeUnknownSync(Repository.Repository)(fullRepository)
    expect(Repository.cloneUrls(repo)).toEqual({
      https: "https://bitbucket.org/demo/hello-effect.git",
      ssh: "git@bitbucket.org:demo/hello-effect.git"
    })
    expect(Repository.cloneUrls(Schema.decodeUnknownSync(Repository.Repository)(trimmedRepository))).toEqual({})
  })
})

describe("Repository operations", () => {
  it.effect("find sends GET /repositories/{workspace}/{repo_slug} with the default headers", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(fullRepository))
      const repo = yield* Repository.find({ workspace: "demo", repo_slug: "hello-effect" }).pipe(Effect.provide(mock.anonymous))
      expect(repo.language).toBe("typescript")
      const request = mock.requests[0]!
      expect(request.method).toBe("GET")
      expect(request.url.toString()).toBe("https://api.bitbucket.org/2.0/repositories/demo/hello-effect")
      expect(request.headers["accept"]).toBe("application/json")
      expect(request.headers["user-agent"]).toBe(`effect-bitbucket/${version}`)
    }))

  it.effect("findByFullName splits the name; a malformed one fails with InvalidInput before sending", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(fullRepository))
      yield* Repository.findByFullName("demo/hello-effect").pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/repositories/demo/hello-effect")
      for (const bad of ["demo", "demo/", "/x", "a/b/c", ""]) {
        const error = yield* Effect.flip(Repository.findByFullName(bad)).pipe(Effect.provide(mock.anonymous))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
      }
      expect(mock.requests).toHaveLength(1)
    }))

  it.effect("findForWorkspace sends role, q, sort, fields and pagelen", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [embeddedRepository], page: 1, pagelen: 10, size: 1 }))
      const all = yield* Stream.runCollect(
        Repository.findForWorkspace(
          { workspace: "demo" },
          { role: "member", q: 'language = "typescript"', sort: "-updated_on", fields: "-values.links", pagelen: 10 }
        )
      ).pipe(Effect.provide(mock.anonymous))
      expect(Chunk.size(all)).toBe(1)
      const url = mock.requests[0]!.url
      expect(url.pathname).toBe("/2.0/repositories/demo")
      expect(Object.fromEntries(url.searchParams)).toEqual({
        role: "member",
        q: 'language = "typescript"',
        sort: "-updated_on",
        fields: "-values.links",
        pagelen: "10"
      })
    }))

  it.effect("a different base URL from BitbucketConfig is used", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(fullRepository))
      yield* Repository.find({ workspace: "demo", repo_slug: "x" }).pipe(
        Effect.provide(mock.anonymous),
        Effect.provide(BitbucketConfig.layer({ baseUrl: "http://127.0.0.1:7990/2.0/" }))
      )
      expect(mock.requests[0]!.url.toString()).toBe("http://127.0.0.1:7990/2.0/repositories/demo/x")
    }))
})

describe("package", () => {
  it("the user agent's version is package.json's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(version).toBe(pkg.version)
    expect(BitbucketConfig.defaults.userAgent).toBe(`effect-bitbucket/${pkg.version}`)
  })
})

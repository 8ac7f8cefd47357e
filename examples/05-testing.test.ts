/**
 * Example 5: testing your own code. `countByLanguage` is user code; the test swaps the
 * Authenticator and the HttpClient for the in-memory fake Bitbucket, so it runs offline.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Authenticator } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { countByLanguage } from "./01-languages.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const Anonymous = Layer.merge(Authenticator.anonymous, FakeBitbucket.layer())

describe("countByLanguage (user code) on the fake Bitbucket", () => {
  layer(AsAlice)("as a member of the workspace", (it) => {
    it.effect("counts every repository, private ones included, in one listing request per page", () =>
      Effect.gen(function*() {
        const counts = yield* countByLanguage("demo")
        const total = counts.reduce((sum, [, n]) => sum + n, 0)
        expect(total).toBe(13)
        expect(counts[0]).toEqual(["typescript", 3])
        const fake = yield* FakeBitbucket.FakeBitbucket
        const requests = yield* fake.requests
        expect(requests.every((r) => r.headers["authorization"]?.startsWith("Basic "))).toBe(true)
      }))
  })

  layer(Anonymous)("anonymously", (it) => {
    it.effect("sees only the public repositories", () =>
      Effect.gen(function*() {
        const counts = yield* countByLanguage("demo")
        expect(counts.reduce((sum, [, n]) => sum + n, 0)).toBe(12)
      }))

    it.effect("cannot read a private workspace", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(countByLanguage("acme"))
        expect(error._tag).toBe("NotFound")
      }))
  })
})

/**
 * The README's seed example is a working seed: the fake starts from it and serves its data.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { readFileSync } from "node:fs"
import { Authenticator, Repository } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")

describe("README", () => {
  it.effect("the seed JSON example starts a fake that serves its workspace with its credentials", () =>
    Effect.gen(function*() {
      const block = /```json\n([\s\S]*?)```/.exec(readme)
      expect(block).not.toBeNull()
      const seed = JSON.parse(block![1]!) as FakeBitbucket.Seed
      const layer = Layer.merge(FakeBitbucket.layer({ seed }), Authenticator.apiToken({ email: "dana@example.com", token: "dana-token" }))
      const repos = yield* Stream.runCollect(Repository.findForWorkspace({ workspace: "lab" })).pipe(Effect.provide(layer))
      expect(Chunk.toReadonlyArray(repos).map((r) => [r.full_name, r.language])).toEqual([["lab/probe", "go"]])
    }))

  it("shows the commands the project promises", () => {
    for (const command of ["npm install", "npm run demo", "npm test", "npm run bench", "npm run fake-server"]) {
      expect(readme).toContain(command)
    }
  })
})

/**
 * Property tests (fast-check through @effect/vitest's `it.prop` / `it.effect.prop`):
 * - any string as a path parameter is sent as exactly one path segment, or refused before sending;
 * - any value of a resource schema, with any extra JSON fields, decodes and re-encodes unchanged.
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, Exit, FastCheck as fc, Schema, Stream } from "effect"
import {
  BranchRestriction,
  BuildStatus,
  Comment,
  Commit,
  Project,
  PullRequest,
  Ref,
  Repository,
  Snippet,
  Task,
  User,
  Webhook,
  Workspace
} from "../src/index.js"
import * as Json from "../src/internal/json.js"
import { validator } from "../src/internal/validate.js"
import { json, mockHttp } from "./support/mockHttp.js"

const runs = { fastCheck: { numRuns: 300 } }

/** Strings a slug could be: any unicode, plus the characters that try to break out of a segment. */
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.stringMatching(/^[./?#%&=+ {}\\@:;~-]{0,8}$/),
  fc.constantFrom("", " ", ".", "..", "%2e%2e", "%2F", "a/b", "../admin", "?x=1", "#frag", "{uuid}", "x\u0000y")
)

describe("path parameters (property)", () => {
  it.effect.prop("any string is one path segment that decodes back to itself, or InvalidInput with nothing sent", [hostileString], ([slug]) =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "repository" }))
      const exit = yield* Effect.exit(Repository.find({ workspace: "demo", repo_slug: slug }).pipe(Effect.provide(mock.anonymous)))
      if (Exit.isFailure(exit)) {
        const error = yield* Effect.flip(exit)
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "repo_slug" })
        expect(mock.requests).toHaveLength(0)
        return
      }
      expect(mock.requests).toHaveLength(1)
      const url = mock.requests[0]!.url
      expect(url.origin).toBe("https://api.bitbucket.org")
      expect(url.search).toBe("")
      expect(url.hash).toBe("")
      const segments = url.pathname.split("/")
      expect(segments.slice(0, 4)).toEqual(["", "2.0", "repositories", "demo"])
      expect(segments).toHaveLength(5)
      expect(decodeURIComponent(segments[4]!)).toBe(slug)
    }), runs)

  it.effect.prop("a query value never adds or changes a parameter", [hostileString], ([q]) =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [] }))
      yield* Stream.runDrain(Repository.findForWorkspace({ workspace: "demo" }, { q, sort: "-name" })).pipe(
        Effect.provide(mock.anonymous)
      )
      const url = mock.requests[0]!.url
      expect(url.searchParams.getAll("q")).toEqual([q])
      expect(url.searchParams.getAll("sort")).toEqual(["-name"])
      expect([...new Set(url.searchParams.keys())].sort()).toEqual(["pagelen", "q", "sort"])
    }), runs)
})


const schemas = {
  "Repository.Repository": Repository.Repository,
  "PullRequest.PullRequest": PullRequest.PullRequest,
  "Commit.Commit": Commit.Commit,
  "Comment.Comment": Comment.Comment,
  "BuildStatus.BuildStatus": BuildStatus.BuildStatus,
  "Ref.Ref": Ref.Ref,
  "User.Account": User.Account,
  "Workspace.Workspace": Workspace.Workspace,
  "Project.Project": Project.Project,
  "Snippet.Snippet": Snippet.Snippet,
  "Webhook.Webhook": Webhook.Webhook,
  "BranchRestriction.BranchRestriction": BranchRestriction.BranchRestriction,
  "Task.Task": Task.Task
} as const

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>

/** Values JSON can carry as they are (schema arbitraries also make NaN, Infinity and -0). */
const isJson = (value: unknown): boolean =>
  typeof value === "number"
    ? Number.isFinite(value) && !Object.is(value, -0)
    : Array.isArray(value)
    ? value.every(isJson)
    : typeof value === "object" && value !== null
    ? Object.values(value).every(isJson)
    : true

describe("open records (property)", () => {
  for (const [name, schema] of Object.entries(schemas)) {
    // Known fields from the schema's own arbitrary (without the index signature, so that extra
    // keys never collide with known ones), then extra fields of any JSON.
    // Nested open records' arbitraries can put any value under a known key (a nested `name: []`):
    // keep only values the schema accepts.
    const isValid = Schema.is(schema as Schema.Schema<unknown, unknown>)
    const known = Arbitrary.make(Schema.Struct(schema.fields)).filter((v) => isJson(v) && isValid(v))
    const extra = fc.dictionary(fc.string({ maxLength: 12 }).filter((k) => !(k in schema.fields)), jsonValue, { maxKeys: 6 })
    it.prop(`${name}: any value with extra fields decodes and re-encodes unchanged`, [known, extra], ([value, extras]) => {
      // As the pipeline parses it (`__proto__` keys dropped, see below).
      const input = Json.parseJsonText(JSON.stringify({ ...value, ...extras }))
      const decoded = Schema.decodeUnknownSync(schema as Schema.Schema<Record<string, unknown>, Record<string, unknown>>)(input)
      for (const key of Object.keys(extras)) expect(decoded[key]).toEqual((input as Record<string, unknown>)[key])
      const encoded = Schema.encodeSync(schema as Schema.Schema<Record<string, unknown>, Record<string, unknown>>)(decoded)
      expect(JSON.parse(JSON.stringify(encoded))).toEqual(input)
    }, runs)
  }
})

describe("hostile keys", () => {
  it.effect("a __proto__ key in an answer is dropped and cannot smuggle inherited fields", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        new Response('{"type":"repository","name":"x","__proto__":{"is_private":"not a boolean","polluted":true}}', {
          headers: { "content-type": "application/json" }
        })
      )
      const repo = yield* Repository.find({ workspace: "demo", repo_slug: "x" }).pipe(Effect.provide(mock.anonymous))
      expect(repo.name).toBe("x")
      expect(repo.is_private).toBeUndefined()
      expect((repo as Record<string, unknown>)["polluted"]).toBeUndefined()
      expect(Object.getPrototypeOf(repo)).toBe(Object.prototype)
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
    }))
})

describe("the compiled validity check (property)", () => {
  for (const [name, schema] of Object.entries(schemas)) {
    const check = validator(schema.ast)
    const is = Schema.is(schema as Schema.Schema<unknown, unknown>)
    const valid = Arbitrary.make(Schema.Struct(schema.fields)).filter(isJson)
    const fieldNames = Object.keys(schema.fields)
    // Valid values, and values with one known field (or a nested one) replaced by any JSON.
    const mutated = fc.tuple(valid, fc.constantFrom(...fieldNames), jsonValue, fc.boolean()).map(([value, key, replacement, nested]) => {
      const copy: Record<string, unknown> = JSON.parse(JSON.stringify(value))
      const inner = copy[key]
      if (nested && typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
        const innerKeys = Object.keys(inner)
        if (innerKeys.length > 0) (inner as Record<string, unknown>)[innerKeys[0]!] = replacement
      } else {
        copy[key] = replacement
      }
      return copy
    })
    it.prop(`${name}: agrees with Schema.is`, [fc.oneof(valid, mutated, jsonValue)], ([value]) => {
      expect(check(value)).toBe(is(value))
    }, runs)
  }
})

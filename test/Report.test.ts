import { inspect } from "node:util"
import { describe, expect, it, layer } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream, TestClock } from "effect"
import { Authenticator, BitbucketError, BuildStatus, Commit, Report, type Requirements } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp, text } from "./support/mockHttp.js"

const fake = FakeBitbucket.layer()
const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = alice.pipe(Layer.provideMerge(fake))
// Carol can read the public repository but not write to it.
const asCarol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })

const repo = { workspace: "demo", repo_slug: "effect-playground" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const head = Effect.map(Commit.find({ ...repo, commit: "main" }), (c) => ({ ...repo, commit: c.hash! }))

const lint: Report.Payload = {
  title: "Lint",
  details: "2 warnings",
  report_type: "BUG",
  reporter: "eslint",
  result: "PENDING",
  link: "https://ci.example.com/lint/1",
  data: [
    { title: "Warnings", type: "NUMBER", value: 2 },
    { title: "Coverage", type: "PERCENTAGE", value: 87.5 },
    { title: "Safe to merge?", type: "BOOLEAN", value: true },
    { title: "Took", type: "DURATION", value: 14000 },
    { title: "Log", type: "LINK", value: { text: "build log", href: "https://ci.example.com/lint/1/log" } },
    { title: "Tool", value: "eslint 9" }
  ]
}

const finding = (i: number): Report.BulkAnnotationPayload => ({ external_id: `lint-${i}`, ...unkeyed(i) })
const unkeyed = (i: number): Report.AnnotationPayload => ({
  annotation_type: "CODE_SMELL",
  summary: `Finding ${i}`,
  path: `src/file${i % 7}.ts`,
  line: i + 1
})

layer(AsAlice)("Report against the fake", (it) => {
  it.effect("posts a report under its id, finds it by id and uuid, replaces it, deletes it", () =>
    Effect.gen(function*() {
      const commit = yield* head
      const ref = { ...commit, reportId: "lint" }
      const created = yield* Report.createOrUpdate(ref, lint)
      expect(created).toMatchObject({ type: "report", external_id: "lint", title: "Lint", result: "PENDING", reporter: "eslint" })
      expect(created.data).toEqual(lint.data)
      // A field the schema does not name is kept.
      expect(created).toMatchObject({ commit_hash: commit.commit })
      expect((yield* Report.find({ ...commit, reportId: created.uuid! })).external_id).toBe("lint")

      // Posted again: the same report, replaced (fields left out are cleared).
      const done = yield* Report.createOrUpdate(ref, { title: "Lint", details: "clean", report_type: "BUG", result: "PASSED" })
      expect(done).toMatchObject({ uuid: created.uuid, created_on: created.created_on, result: "PASSED", details: "clean", data: [] })
      expect(done.reporter).toBeUndefined()
      expect((yield* collect(Report.findForCommit(commit))).map((r) => r.external_id)).toEqual(["lint"])

      yield* Report.delete(ref)
      expect(yield* Effect.flip(Report.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* collect(Report.findForCommit(commit))).toEqual([])
    }))

  it.effect("annotations: one by id, 250 in batches of 100 in order, posted again without duplicates", () =>
    Effect.gen(function*() {
      const commit = yield* head
      const ref = { ...commit, reportId: "scan" }
      yield* Report.createOrUpdate(ref, { title: "Scan", details: "", report_type: "SECURITY" })
      const one = yield* Report.createOrUpdateAnnotation({ ...ref, annotationId: "sql-1" }, {
        annotation_type: "VULNERABILITY",
        severity: "HIGH",
        summary: "SQL built from user input",
        path: "src/db.ts",
        line: 42
      })
      expect(one).toMatchObject({ type: "report_annotation", external_id: "sql-1", severity: "HIGH", line: 42 })
      expect((yield* Report.findAnnotation({ ...ref, annotationId: one.uuid! })).summary).toBe("SQL built from user input")

      const many = Array.from({ length: 250 }, (_, i) => finding(i))
      const saved = yield* Report.createOrUpdateAnnotations(ref, many)
      expect(saved.map((a) => a.external_id)).toEqual(many.map((a) => a.external_id))
      const fake = yield* FakeBitbucket.FakeBitbucket
      const posts = (yield* fake.requests).filter((r) => r.method === "POST" && r.url.endsWith("/reports/scan/annotations"))
      expect(posts.map((r) => (JSON.parse(r.body ?? "[]") as ReadonlyArray<unknown>).length)).toEqual([100, 100, 50])

      // Again, with one finding changed: updated in place, nothing added.
      const again = yield* Report.createOrUpdateAnnotations(ref, many.map((a, i) => (i === 7 ? { ...a, severity: "LOW" as const } : a)))
      expect(again[7]).toMatchObject({ uuid: saved[7]!.uuid, severity: "LOW" })
      const all = yield* collect(Report.findAnnotations(ref, { pagelen: 100 }))
      expect(all).toHaveLength(251)

      yield* Report.deleteAnnotation({ ...ref, annotationId: "sql-1" })
      expect(yield* Effect.flip(Report.findAnnotation({ ...ref, annotationId: "sql-1" }))).toBeInstanceOf(BitbucketError.NotFound)
      // Deleting the report deletes its annotations.
      yield* Report.delete(ref)
      yield* Report.createOrUpdate(ref, { title: "Scan", details: "", report_type: "SECURITY" })
      expect(yield* collect(Report.findAnnotations(ref))).toEqual([])
    }))

  it.effect("a report holds at most 1000 annotations, counted across requests", () =>
    Effect.gen(function*() {
      const commit = yield* head
      const ref = { ...commit, reportId: "big" }
      yield* Report.createOrUpdate(ref, { title: "Big", details: "", report_type: "TEST" })
      yield* Report.createOrUpdateAnnotations(ref, Array.from({ length: 1000 }, (_, i) => finding(i)))
      const over = yield* Effect.flip(Report.createOrUpdateAnnotation({ ...ref, annotationId: "one-more" }, unkeyed(1000)))
      expect(over).toBeInstanceOf(BitbucketError.BadRequest)
      expect(over.message).toContain("1000")
      // A list that crosses the limit part way: the error says which batches were saved.
      const next = { ...commit, reportId: "partly" }
      yield* Report.createOrUpdate(next, { title: "Partly", details: "", report_type: "TEST" })
      yield* Report.createOrUpdateAnnotations(next, Array.from({ length: 250 }, (_, i) => finding(i)))
      const partly = yield* Effect.flip(Report.createOrUpdateAnnotations(next, Array.from({ length: 800 }, (_, i) => finding(1000 + i))))
      expect(partly).toBeInstanceOf(BitbucketError.BadRequest)
      expect(partly.message).toContain("annotations 0-699 were saved; batch 8 of 8, annotations 700-799, failed")
      // What a CI log prints of the error (its stack) says it too, and the error keeps its fields.
      expect(inspect(partly)).toContain("annotations 0-699 were saved")
      expect(partly).toMatchObject({ status: 400, method: "POST" })
      expect(yield* collect(Report.findAnnotations(next, { pagelen: 100 }))).toHaveLength(950)
      // Updating one that is there still works.
      expect((yield* Report.createOrUpdateAnnotation({ ...ref, annotationId: "lint-3" }, { ...unkeyed(3), summary: "changed" })).summary)
        .toBe("changed")
    }))

  it.effect("reading needs read access, writing write access; an unknown commit is NotFound", () =>
    Effect.gen(function*() {
      const commit = yield* head
      const ref = { ...commit, reportId: "visible" }
      yield* Report.createOrUpdate(ref, { title: "Visible", details: "", report_type: "TEST" })
      const seen = yield* Report.find(ref).pipe(Effect.provide(asCarol))
      expect(seen.title).toBe("Visible")
      const denied = yield* Effect.flip(Report.createOrUpdate(ref, { title: "Mine", details: "", report_type: "TEST" })).pipe(Effect.provide(asCarol))
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      const anonymous = yield* Effect.flip(Report.delete(ref)).pipe(Effect.provide(Authenticator.anonymous))
      expect(anonymous).toBeInstanceOf(BitbucketError.Unauthorized)
      expect((yield* Report.find(ref)).title).toBe("Visible")
      const missing = yield* Effect.flip(collect(Report.findForCommit({ ...repo, commit: "0".repeat(40) })))
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("the snapshot keeps reports and their annotations", () =>
    Effect.gen(function*() {
      const commit = yield* head
      const ref = { ...commit, reportId: "kept" }
      yield* Report.createOrUpdate(ref, lint)
      yield* Report.createOrUpdateAnnotations(ref, [finding(1), finding(2)])
      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = FakeBitbucket.layer({ seed: snapshot })
      const [report, annotations] = yield* Effect.all([Report.find(ref), collect(Report.findAnnotations(ref))]).pipe(
        Effect.provide(Layer.provideMerge(alice, restored))
      )
      expect(report).toMatchObject({ title: "Lint", data: lint.data })
      expect(annotations.map((a) => [a.external_id, a.line])).toEqual([["lint-1", 2], ["lint-2", 3]])
    }))
})

describe("Report payloads", () => {
  const ref = { ...repo, commit: "a1b2c3d", reportId: "lint" }

  it.effect("an invalid report or annotation is InvalidInput naming the field, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response("{}", { status: 200 }))
      const cases: ReadonlyArray<readonly [Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>, string]> = [
        [Report.createOrUpdate(ref, { ...lint, title: "  " }), "payload.title"],
        [Report.createOrUpdate(ref, { ...lint, data: [{ title: "Coverage", type: "PERCENTAGE", value: 140 }] }), "payload.data.0.value"],
        [Report.createOrUpdate(ref, { ...lint, data: [{ title: "When", type: "DATE", value: Number.NaN }] }), "payload.data.0.value"],
        [Report.createOrUpdate(ref, { ...lint, data: [{ title: "Log", type: "LINK", value: { text: "log", href: "/relative" } }] }), "payload.data.0.value"],
        [Report.createOrUpdate(ref, { ...lint, link: "not a url" }), "payload.link"],
        // A value that is not what its type says (the types refuse it too).
        [
          Report.createOrUpdate(ref, { ...lint, data: [{ title: "Safe", type: "BOOLEAN", value: "yes" }] as unknown as Report.Payload["data"] }),
          "payload.data.0.value"
        ],
        [Report.createOrUpdate(ref, { ...lint, data: Array.from({ length: 11 }, (_, i) => ({ title: `d${i}`, value: i })) }), "payload.data"],
        [Report.createOrUpdateAnnotation({ ...ref, annotationId: "a" }, { ...unkeyed(0), line: 0 }), "payload.line"],
        [Report.createOrUpdateAnnotations(ref, [finding(1), { ...finding(2), external_id: "lint-1" }]), "annotations.1.external_id"],
        [Report.createOrUpdateAnnotations(ref, [finding(1), { ...finding(2), summary: "" }]), "annotations.1.summary"],
        [Report.createOrUpdateAnnotations(ref, Array.from({ length: 1001 }, (_, i) => finding(i))), "annotations"],
        [Report.createOrUpdateAnnotations(ref, [null as unknown as Report.BulkAnnotationPayload]), "annotations.0"]
      ]
      for (const [effect, parameter] of cases) {
        const error = yield* Effect.flip(effect).pipe(Effect.provide(mock.anonymous))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error).toMatchObject({ parameter })
      }
      expect(mock.requests).toEqual([])
    }))

  it.effect("text as tools print it (surrounded by whitespace) is sent as it is; every data type's value passes", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) => json(JSON.parse(request.body)))
      const report = yield* Report.createOrUpdate(ref, {
        ...lint,
        title: "Lint ",
        data: [{ title: "Started", type: "DATE", value: 1764288000000 }, { title: "Notes", type: "TEXT", value: "" }]
      }).pipe(Effect.provide(mock.anonymous))
      expect(report.title).toBe("Lint ")
      const saved = yield* Report.createOrUpdateAnnotations(ref, [{ ...finding(1), summary: "Unused import\n", title: "no-unused-vars" }]).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(saved[0]).toMatchObject({ summary: "Unused import\n", title: "no-unused-vars" })
    }))

  it.effect("posting annotations is retried on a 503 (it is keyed by external_id), unlike other POSTs", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request, i) => (i === 0 || i === 2 ? text("unavailable", 503) : json(JSON.parse(request.body))))
      const annotate = yield* Effect.fork(Report.createOrUpdateAnnotations(ref, [finding(1)]).pipe(Effect.provide(mock.anonymous)))
      for (let i = 0; i < 30; i++) yield* TestClock.adjust("10 seconds")
      expect((yield* Fiber.join(annotate)).map((a) => a.external_id)).toEqual(["lint-1"])
      expect(mock.requests.map((r) => r.method)).toEqual(["POST", "POST"])
      // A build status POST is not retried: it could have been saved.
      const status = yield* Effect.flip(BuildStatus.create(ref, { key: "ci", state: "FAILED", url: "https://ci.example.com/1" })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(status).toBeInstanceOf(BitbucketError.ServerError)
      expect(mock.requests).toHaveLength(3)
    }))
})

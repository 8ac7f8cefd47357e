/**
 * Code Insights: reports on a commit (a test run, a coverage figure, a security scan) and their
 * annotations (findings, optionally on a file's line), shown on the commit and its pull requests.
 *
 * A report is named by an id you choose (`reportId`, its `external_id`; the report's `uuid` works
 * too), so posting it again updates it: `createOrUpdate` is safe to repeat. The same holds for
 * annotations and `annotationId`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Report } from "effect-bitbucket"
 *
 * const commit = { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" }
 * const lint = Effect.gen(function* () {
 *   yield* Report.createOrUpdate({ ...commit, reportId: "lint" }, {
 *     title: "Lint", details: "1 warning", report_type: "BUG", result: "PASSED",
 *     data: [{ title: "Warnings", type: "NUMBER", value: 1 }]
 *   })
 *   return yield* Report.createOrUpdateAnnotations({ ...commit, reportId: "lint" }, [
 *     { external_id: "lint-1", annotation_type: "CODE_SMELL", summary: "Unused import", path: "src/index.ts", line: 3 }
 *   ])
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Chunk, Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import type { CommitRef } from "./Commit.js"
import * as Http from "./internal/http.js"
import { withNote } from "./internal/errors.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"

/**
 * What a report is about.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReportType = Schema.Literal("SECURITY", "COVERAGE", "TEST", "BUG")

/**
 * What a report is about.
 *
 * @since 0.1.0
 * @category models
 */
export type ReportType = typeof ReportType.Type

/**
 * A report's outcome; `PENDING` while the tool still works, then updated.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Result = Schema.Literal("PASSED", "FAILED", "PENDING")

/**
 * A report's outcome.
 *
 * @since 0.1.0
 * @category models
 */
export type Result = typeof Result.Type

const ReportDataSchema = Resource.Struct({
  title: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  value: Schema.optional(Schema.Unknown)
})

/**
 * One data field of a report as Bitbucket returns it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReportData: Resource.NamedStruct<typeof ReportDataSchema, ReportData> = ReportDataSchema

/**
 * One data field of a report.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportData extends Schema.Schema.Type<typeof ReportDataSchema> {}

const ReportSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  external_id: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String),
  report_type: Schema.optional(Schema.Union(ReportType, Schema.String)),
  reporter: Schema.optional(Schema.String),
  link: Schema.optional(Schema.String),
  logo_url: Schema.optional(Schema.String),
  remote_link_enabled: Schema.optional(Schema.Boolean),
  result: Schema.optional(Schema.Union(Result, Schema.String)),
  data: Schema.optional(Schema.Array(ReportData)),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String)
})

/**
 * A Code Insights report as Bitbucket returns it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Report: Resource.NamedStruct<typeof ReportSchema, Report> = ReportSchema

/**
 * A Code Insights report.
 *
 * @since 0.1.0
 * @category models
 */
export interface Report extends Schema.Schema.Type<typeof ReportSchema> {}

/**
 * What an annotation is.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnnotationType = Schema.Literal("VULNERABILITY", "CODE_SMELL", "BUG")

/**
 * What an annotation is.
 *
 * @since 0.1.0
 * @category models
 */
export type AnnotationType = typeof AnnotationType.Type

/**
 * How serious a finding is.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Severity = Schema.Literal("CRITICAL", "HIGH", "MEDIUM", "LOW")

/**
 * How serious a finding is.
 *
 * @since 0.1.0
 * @category models
 */
export type Severity = typeof Severity.Type

/**
 * An annotation's outcome.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnnotationResult = Schema.Literal("PASSED", "FAILED", "SKIPPED", "IGNORED")

/**
 * An annotation's outcome.
 *
 * @since 0.1.0
 * @category models
 */
export type AnnotationResult = typeof AnnotationResult.Type

const AnnotationSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  external_id: Schema.optional(Schema.String),
  annotation_type: Schema.optional(Schema.Union(AnnotationType, Schema.String)),
  summary: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String),
  path: Schema.optional(Schema.String),
  line: Schema.optional(Schema.Number),
  severity: Schema.optional(Schema.Union(Severity, Schema.String)),
  result: Schema.optional(Schema.Union(AnnotationResult, Schema.String)),
  link: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String)
})

/**
 * A report annotation as Bitbucket returns it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Annotation: Resource.NamedStruct<typeof AnnotationSchema, Annotation> = AnnotationSchema

/**
 * A report annotation.
 *
 * @since 0.1.0
 * @category models
 */
export interface Annotation extends Schema.Schema.Type<typeof AnnotationSchema> {}

/** Text with something in it besides whitespace (which may surround it: tools print lines). */
const NonBlank = Schema.String.pipe(Schema.filter((text) => text.trim() !== "" || "must not be blank"))

/** An absolute http(s) URL, as Bitbucket links to it. */
const HttpUrl = Schema.String.pipe(
  Schema.filter((text) => isHttpUrl(text) || `an absolute http(s) URL, got ${JSON.stringify(text)}`)
)

const isHttpUrl = (text: string) => {
  try {
    const url = new URL(text)
    return url.protocol === "https:" || url.protocol === "http:"
  } catch {
    return false
  }
}

/**
 * The kinds of data field: how Bitbucket reads and shows a field's `value`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DataType = Schema.Literal("BOOLEAN", "DATE", "DURATION", "LINK", "NUMBER", "PERCENTAGE", "TEXT")

/**
 * The kinds of data field.
 *
 * @since 0.1.0
 * @category models
 */
export type DataType = typeof DataType.Type

/**
 * A yes-or-no data field.
 *
 * @since 0.1.0
 * @category models
 */
export interface BooleanDataField {
  readonly title: string
  readonly type: "BOOLEAN"
  readonly value: boolean
}

/**
 * A number: `DATE` a Unix time in milliseconds, `DURATION` milliseconds, `PERCENTAGE` 0 to 100.
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberDataField {
  readonly title: string
  readonly type: "DATE" | "DURATION" | "NUMBER" | "PERCENTAGE"
  readonly value: number
}

/**
 * A text data field.
 *
 * @since 0.1.0
 * @category models
 */
export interface TextDataField {
  readonly title: string
  readonly type: "TEXT"
  readonly value: string
}

/**
 * A link data field: its text, and where it leads (an absolute http(s) URL).
 *
 * @since 0.1.0
 * @category models
 */
export interface LinkDataField {
  readonly title: string
  readonly type: "LINK"
  readonly value: { readonly text: string; readonly href: string }
}

/**
 * A data field without a type: a string, number or boolean shown as it is.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlainDataField {
  readonly title: string
  readonly type?: undefined
  readonly value: string | number | boolean
}

/**
 * A data field to send, its `value` typed by its `type`.
 *
 * @since 0.1.0
 * @category models
 */
export type DataField = BooleanDataField | NumberDataField | TextDataField | LinkDataField | PlainDataField

const isFiniteNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value)

/** Why `value` is not what a data field of this `type` holds, if it is not. */
const dataValueProblem = (type: DataType | undefined, value: unknown): string | undefined => {
  switch (type) {
    case undefined:
      return typeof value === "string" || typeof value === "boolean" || isFiniteNumber(value) ? undefined : "a field without a type holds a string, a number or a boolean"
    case "BOOLEAN":
      return typeof value === "boolean" ? undefined : "a BOOLEAN field holds a boolean"
    case "DATE":
      return isFiniteNumber(value) ? undefined : "a DATE field holds a Unix time in milliseconds"
    case "DURATION":
      return isFiniteNumber(value) ? undefined : "a DURATION field holds milliseconds"
    case "NUMBER":
      return isFiniteNumber(value) ? undefined : "a NUMBER field holds a finite number"
    case "PERCENTAGE":
      return isFiniteNumber(value) && (value as number) >= 0 && (value as number) <= 100 ? undefined : "a PERCENTAGE field holds a number from 0 to 100"
    case "TEXT":
      return typeof value === "string" ? undefined : "a TEXT field holds a string"
    case "LINK": {
      const link = value as { readonly text?: unknown; readonly href?: unknown } | null
      return typeof link === "object" && link !== null && typeof link.text === "string" && typeof link.href === "string" &&
          isHttpUrl(link.href) && Object.keys(link).every((key) => key === "text" || key === "href")
        ? undefined
        : "a LINK field holds { text, href } with an absolute http(s) URL"
    }
  }
}

// One struct checked by a filter (rather than a union of six structs), so that an error names the
// field that is wrong and says what it should hold. The filter guarantees the `DataField` shape.
const DataFieldChecked = Schema.Struct({
  title: NonBlank,
  type: Schema.optional(DataType),
  value: Schema.Unknown
}).pipe(Schema.filter((field) => {
  const problem = dataValueProblem(field.type, field.value)
  return problem === undefined || { path: ["value"], message: problem }
}))

/**
 * A data field to send (see {@link DataField}); an error names the part that is wrong.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DataField: Schema.Schema<DataField> = DataFieldChecked as unknown as Schema.Schema<DataField>

const PayloadSchema = Schema.Struct({
  title: NonBlank,
  details: Schema.String,
  report_type: ReportType,
  result: Schema.optional(Result),
  reporter: Schema.optional(Schema.String),
  link: Schema.optional(HttpUrl),
  logo_url: Schema.optional(HttpUrl),
  remote_link_enabled: Schema.optional(Schema.Boolean),
  data: Schema.optional(Schema.Array(DataField).pipe(Schema.maxItems(10)))
})

/**
 * A report to post: `title`, `details` and `report_type` are required, and at most 10 data fields.
 * Links are absolute http(s) URLs. A report posted again is replaced: fields left out are cleared.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Payload: Resource.NamedStruct<typeof PayloadSchema, Payload> = PayloadSchema

/**
 * A report to post.
 *
 * @since 0.1.0
 * @category models
 */
export interface Payload extends Schema.Schema.Type<typeof PayloadSchema> {}

const annotationFields = {
  annotation_type: AnnotationType,
  summary: NonBlank,
  title: Schema.optional(Schema.String),
  details: Schema.optional(Schema.String),
  path: Schema.optional(NonBlank),
  line: Schema.optional(Schema.Int.pipe(Schema.positive())),
  severity: Schema.optional(Severity),
  result: Schema.optional(AnnotationResult),
  link: Schema.optional(HttpUrl)
}

const AnnotationPayloadSchema = Schema.Struct(annotationFields)

/**
 * An annotation to post: a finding, placed on `path` and `line` when given (a line without a path
 * means nothing). Posted again, it is replaced: fields left out are cleared.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AnnotationPayload: Resource.NamedStruct<typeof AnnotationPayloadSchema, AnnotationPayload> = AnnotationPayloadSchema

/**
 * An annotation to post.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnnotationPayload extends Schema.Schema.Type<typeof AnnotationPayloadSchema> {}

const BulkAnnotationPayloadSchema = Schema.Struct({ external_id: NonBlank, ...annotationFields })

/**
 * An annotation to post with others ({@link createOrUpdateAnnotations}): its `external_id` names
 * it, so posting it again updates it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BulkAnnotationPayload: Resource.NamedStruct<typeof BulkAnnotationPayloadSchema, BulkAnnotationPayload> =
  BulkAnnotationPayloadSchema

/**
 * An annotation to post with others.
 *
 * @since 0.1.0
 * @category models
 */
export interface BulkAnnotationPayload extends Schema.Schema.Type<typeof BulkAnnotationPayloadSchema> {}

/**
 * Identifies a report of a commit: `reportId` is its `external_id` (the id you chose) or its `uuid`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportRef extends CommitRef {
  readonly reportId: string
}

/**
 * Identifies an annotation of a report: `annotationId` is its `external_id` or its `uuid`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnnotationRef extends ReportRef {
  readonly annotationId: string
}

/**
 * What the listings take: the usual options but `q` and `sort` (these endpoints have no BBQL).
 *
 * @since 0.1.0
 * @category models
 */
export type ListOptions = Pagination.PlainListOptions

/** Annotations one POST may carry, and a report may hold (Bitbucket's limits). */
const batchSize = 100
const maxAnnotations = 1000

const reports = "/repositories/{workspace}/{repo_slug}/commit/{commit}/reports"
const report = `${reports}/{reportId}`
const annotations = `${report}/annotations`
const annotation = `${annotations}/{annotationId}`

/**
 * The reports on a commit.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Report } from "effect-bitbucket"
 *
 * const failed = Report.findForCommit({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d" }).pipe(
 *   Stream.filter((report) => report.result === "FAILED")
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCommit = (
  ref: CommitRef,
  options: ListOptions = {}
): Stream.Stream<Report, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: reports, params: ref }, Report, options).pipe(Stream.withSpan("Bitbucket.Report.findForCommit"))

/**
 * One report, by the id you gave it (or its uuid).
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const lint = Report.find({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "lint" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Report.find")(function*(ref: ReportRef) {
  return yield* Http.json({ method: "GET", path: report, params: ref }, Report)
})

/**
 * Posts a report under the id you chose (`reportId`), or replaces the one it names: a report
 * posted `PENDING` can be posted again when the tool is done.
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const coverage = Report.createOrUpdate(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "coverage" },
 *   {
 *     title: "Coverage", details: "Line coverage of the unit tests", report_type: "COVERAGE", result: "PASSED",
 *     link: "https://ci.example.com/coverage/42",
 *     data: [{ title: "Lines", type: "PERCENTAGE", value: 87.5 }, { title: "Safe to merge?", type: "BOOLEAN", value: true }]
 *   }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createOrUpdate = Effect.fn("Bitbucket.Report.createOrUpdate")(function*(ref: ReportRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: report, params: ref }, Payload, payload, Report)
})

/**
 * Deletes a report and its annotations.
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const removed = Report.delete({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "lint" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.Report.delete")(function*(ref: ReportRef) {
  return yield* Http.empty({ method: "DELETE", path: report, params: ref })
})

export { del as delete }

/**
 * The annotations of a report.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Report } from "effect-bitbucket"
 *
 * const critical = Report.findAnnotations({ workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "scan" }).pipe(
 *   Stream.filter((annotation) => annotation.severity === "CRITICAL")
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findAnnotations = (
  ref: ReportRef,
  options: ListOptions = {}
): Stream.Stream<Annotation, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: annotations, params: ref }, Annotation, options).pipe(Stream.withSpan("Bitbucket.Report.findAnnotations"))

/**
 * One annotation, by the id you gave it (or its uuid).
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const finding = Report.findAnnotation({
 *   workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "scan", annotationId: "scan-17"
 * })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findAnnotation = Effect.fn("Bitbucket.Report.findAnnotation")(function*(ref: AnnotationRef) {
  return yield* Http.json({ method: "GET", path: annotation, params: ref }, Annotation)
})

/**
 * Posts one annotation under the id you chose (`annotationId`), or replaces the one it names.
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const finding = Report.createOrUpdateAnnotation(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "scan", annotationId: "scan-17" },
 *   { annotation_type: "VULNERABILITY", severity: "HIGH", summary: "SQL built from user input", path: "src/db.ts", line: 42 }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createOrUpdateAnnotation = Effect.fn("Bitbucket.Report.createOrUpdateAnnotation")(
  function*(ref: AnnotationRef, payload: AnnotationPayload) {
    return yield* Http.jsonWithBody({ method: "PUT", path: annotation, params: ref }, AnnotationPayload, payload, Annotation)
  }
)

const Batch = Schema.Array(BulkAnnotationPayload)
const Annotations = Schema.Array(Annotation)

/**
 * Posts many annotations at once, each named by its `external_id` (posting one again updates it),
 * and gives them back as saved, in order: up to 1000, a report's limit. Bitbucket takes 100 per
 * request: more are sent 100 at a time, in order, so a failure part way leaves the earlier ones
 * saved (the error says which; post the same list again: nothing is duplicated). Nothing is sent when any annotation is
 * invalid, two share an `external_id`, or there are more than 1000.
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const findings = Report.createOrUpdateAnnotations(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "lint" },
 *   [
 *     { external_id: "lint-1", annotation_type: "CODE_SMELL", summary: "Unused import", path: "src/index.ts", line: 3 },
 *     { external_id: "lint-2", annotation_type: "BUG", severity: "MEDIUM", summary: "Promise not awaited", path: "src/run.ts", line: 18 }
 *   ]
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createOrUpdateAnnotations = Effect.fn("Bitbucket.Report.createOrUpdateAnnotations")(
  function*(ref: ReportRef, payloads: ReadonlyArray<BulkAnnotationPayload>) {
    if (payloads.length > maxAnnotations) {
      return yield* new BitbucketError.InvalidInput({
        message: `a report holds at most ${maxAnnotations} annotations; got ${payloads.length}`,
        parameter: "annotations"
      })
    }
    const encoded = yield* Http.encodePayload(Batch, payloads, "annotations")
    const repeated = repeatedId(encoded)
    if (repeated !== undefined) {
      return yield* new BitbucketError.InvalidInput({
        message: `annotations ${repeated} repeats the external_id of an earlier one`,
        parameter: `annotations.${repeated}.external_id`
      })
    }
    const target = { path: annotations, params: ref } as const
    const batches = Chunk.chunksOf(Chunk.unsafeFromArray(encoded), batchSize)
    const saved = yield* Effect.forEach(
      batches,
      (batch, i) =>
        Http.json({ ...target, method: "POST", idempotent: true, body: { _tag: "Json", value: Chunk.toReadonlyArray(batch) } }, Annotations).pipe(
          // Part way through, the error says what is saved: the batches before this one.
          Effect.mapError((error) => Chunk.size(batches) === 1 ? error : withNote(error, partly(i, Chunk.size(batches), Chunk.size(batch))))
        ),
      { concurrency: 1 }
    )
    return saved.flat()
  }
)

/** What a failure of batch `i` (from 0) of `count` leaves saved, for its error. */
const partly = (i: number, count: number, size: number) => {
  const first = i * batchSize
  const saved = i === 0 ? "none of the annotations was saved" : `annotations 0-${first - 1} were saved`
  return `${saved}; batch ${i + 1} of ${count}, annotations ${first}-${first + size - 1}, failed; post the same list again to finish`
}

/** The index of the first annotation whose `external_id` an earlier one has, if any. */
const repeatedId = (payloads: ReadonlyArray<BulkAnnotationPayload>): number | undefined => {
  const seen = new Set<string>()
  for (const [i, payload] of payloads.entries()) {
    if (seen.has(payload.external_id)) return i
    seen.add(payload.external_id)
  }
  return undefined
}

/**
 * Deletes one annotation.
 *
 * @example
 * ```ts
 * import { Report } from "effect-bitbucket"
 *
 * const removed = Report.deleteAnnotation({
 *   workspace: "demo", repo_slug: "effect-playground", commit: "a1b2c3d", reportId: "lint", annotationId: "lint-1"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteAnnotation = Effect.fn("Bitbucket.Report.deleteAnnotation")(function*(ref: AnnotationRef) {
  return yield* Http.empty({ method: "DELETE", path: annotation, params: ref })
})

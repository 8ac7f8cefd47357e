/**
 * Code Insights: a commit's reports (`R/commit/{commit}/reports[/{reportId}]`) and their
 * annotations (`.../annotations[/{annotationId}]`).
 *
 * - A report or an annotation is named by its `uuid` or by its `external_id`. A PUT to a name
 *   nothing has yet creates the report (or annotation) with that name as its `external_id`; a PUT
 *   to an existing one replaces what it says (its uuid and creation date stay). That a report put
 *   again keeps its annotations is an assumption: Bitbucket does not document it either way.
 * - `POST .../annotations` creates or updates up to 100 annotations by `external_id`, which each
 *   must have; a report holds at most 1000. Deleting a report deletes its annotations.
 * - Reading needs read access to the repository; writing needs write access (the spec lists only
 *   the read scope, as `scopes.ts` has it).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { AnnotationState, RepoData, ReportState } from "../gitStore.js"
import { uuidOf } from "../gitStore.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>
type Fields = Record<string, Array<string>>

const REPORT_TYPES = ["SECURITY", "COVERAGE", "TEST", "BUG"]
const REPORT_RESULTS = ["PASSED", "FAILED", "PENDING"]
const DATA_TYPES = ["BOOLEAN", "DATE", "DURATION", "LINK", "NUMBER", "PERCENTAGE", "TEXT"]
const ANNOTATION_TYPES = ["VULNERABILITY", "CODE_SMELL", "BUG"]
const ANNOTATION_RESULTS = ["PASSED", "FAILED", "SKIPPED", "IGNORED"]
const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]

/** Data fields a report may carry, annotations a report may hold, annotations one POST may carry. */
const MAX_DATA = 10
const MAX_ANNOTATIONS = 1000
const MAX_BULK = 100

const REQUIRED = "This field is required."

const isString = (u: unknown): u is string => typeof u === "string"
const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Checks the optional fields of `body` named in `choices` (an enumeration) and in `strings`. */
const checkOptional = (
  body: Record<string, unknown>,
  fields: Fields,
  choices: Readonly<Record<string, ReadonlyArray<string>>>,
  strings: ReadonlyArray<string>
) => {
  for (const [name, allowed] of Object.entries(choices)) {
    if (name in body && !(isString(body[name]) && allowed.includes(body[name]))) {
      fields[name] = [`"${String(body[name])}" is not a valid choice. Valid choices: ${allowed.join(", ")}.`]
    }
  }
  for (const name of strings) if (name in body && !isString(body[name])) fields[name] = ["Must be a string."]
}

const isUrl = (u: unknown) => {
  try {
    return isString(u) && /^https?:$/.test(new URL(u).protocol)
  } catch {
    return false
  }
}

/** The spec gives links `format: uri`: an absolute http(s) URL. */
const checkUrls = (body: Record<string, unknown>, fields: Fields, names: ReadonlyArray<string>) => {
  for (const name of names) if (name in body && !isUrl(body[name])) fields[name] = ["Enter a valid URL."]
}

/** Is `value` what a data field of this `type` holds (see the spec's table of data formats)? */
const dataValueFits = (type: unknown, value: unknown): boolean => {
  switch (type) {
    case undefined:
      return isString(value) || typeof value === "number" || typeof value === "boolean"
    case "BOOLEAN":
      return typeof value === "boolean"
    case "DATE":
    case "DURATION":
    case "NUMBER":
      return typeof value === "number" && Number.isFinite(value)
    case "PERCENTAGE":
      return typeof value === "number" && value >= 0 && value <= 100
    case "TEXT":
      return isString(value)
    case "LINK":
      return isObject(value) && isString(value.text) && isUrl(value.href)
    default:
      return false
  }
}

const validateReport = (body: Record<string, unknown>): Fields => {
  const fields: Fields = {}
  if (!isString(body.title) || body.title.trim() === "") fields.title = [REQUIRED]
  if (!isString(body.details)) fields.details = [REQUIRED]
  if (!("report_type" in body)) fields.report_type = [REQUIRED]
  checkOptional(body, fields, { report_type: REPORT_TYPES, result: REPORT_RESULTS }, ["reporter", "external_id"])
  checkUrls(body, fields, ["link", "logo_url"])
  if ("remote_link_enabled" in body && typeof body.remote_link_enabled !== "boolean") fields.remote_link_enabled = ["Must be a boolean."]
  if ("data" in body) {
    const data = body.data
    if (!Array.isArray(data)) fields.data = ["Must be a list."]
    else if (data.length > MAX_DATA) fields.data = [`Ensure this list has no more than ${MAX_DATA} elements.`]
    else {
      data.forEach((item: unknown, i) => {
        if (!isObject(item) || !isString(item.title)) fields[`data.${i}.title`] = [REQUIRED]
        else if ("type" in item && !DATA_TYPES.includes(item.type as string)) {
          fields[`data.${i}.type`] = [`"${String(item.type)}" is not a valid choice. Valid choices: ${DATA_TYPES.join(", ")}.`]
        } else if (!dataValueFits(item.type, item.value)) {
          fields[`data.${i}.value`] = [`Not a valid value for a ${isString(item.type) ? item.type : "plain"} data field.`]
        }
      })
    }
  }
  return fields
}

const validateAnnotation = (body: Record<string, unknown>, prefix = ""): Fields => {
  const fields: Fields = {}
  const checked: Fields = {}
  if (!isString(body.summary) || body.summary.trim() === "") checked.summary = [REQUIRED]
  if (!("annotation_type" in body)) checked.annotation_type = [REQUIRED]
  checkOptional(
    body,
    checked,
    { annotation_type: ANNOTATION_TYPES, severity: SEVERITIES, result: ANNOTATION_RESULTS },
    ["title", "details", "path", "external_id"]
  )
  checkUrls(body, checked, ["link"])
  if ("line" in body && !(Number.isInteger(body.line) && (body.line as number) >= 1)) checked.line = ["Ensure this value is an integer of at least 1."]
  for (const [name, messages] of Object.entries(checked)) fields[`${prefix}${name}`] = messages
  return fields
}

/** The writable fields of a report or an annotation body, as stored. */
const REPORT_FIELDS = ["title", "details", "report_type", "reporter", "link", "logo_url", "remote_link_enabled", "result", "data"] as const
const ANNOTATION_FIELDS = ["annotation_type", "summary", "title", "details", "path", "line", "severity", "result", "link"] as const

/** Replaces the writable fields of `target` with those of `body` (fields left out are cleared). */
const replaceFields = (target: Record<string, unknown>, body: Record<string, unknown>, names: ReadonlyArray<string>) => {
  for (const name of names) {
    if (name in body) target[name] = body[name]
    else delete target[name]
  }
}

/** Is this the thing named `id` (its uuid, or its external id)? */
const named = (id: string) => (x: { readonly uuid: string; readonly external_id?: string | undefined }) =>
  x.uuid === id || x.external_id === id

export const reports: RouteModule = {
  name: "reports",
  make: (core) => {
    const { getRepository, page, ok, parsePayload, parseJsonBody, requirePermission, git, now, invalid } = core

    /** The repository's data and the commit the route names (404 for an unknown commit). */
    const target = (ctx: Ctx, p: Params, write: boolean) => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      if (write) requirePermission(ctx, repo, "write")
      const d = git.data(repo)
      return { d, hash: git.resolve(d, p.commit!).hash }
    }

    const findReport = (d: RepoData, hash: string, id: string): ReportState => {
      const report = d.reports.find((r) => r.commit === hash && named(id)(r))
      if (report === undefined) throw new HttpError(404, `No report '${id}' on commit ${hash}.`)
      return report
    }

    const reportFor = (ctx: Ctx, p: Params, write: boolean) => {
      const { d, hash } = target(ctx, p, write)
      return { d, report: findReport(d, hash, p.reportId!) }
    }

    const findAnnotation = (report: ReportState, id: string): AnnotationState => {
      const annotation = report.annotations.find(named(id))
      if (annotation === undefined) throw new HttpError(404, `No annotation '${id}' in report '${report.external_id ?? report.uuid}'.`)
      return annotation
    }

    /**
     * Creates the annotation named `id` or replaces what it says; undefined when the report is
     * full. A bulk POST names annotations by `external_id` only (`byExternalId`), a PUT by either.
     */
    const upsertAnnotation = (
      report: ReportState,
      id: string,
      body: Record<string, unknown>,
      ts: string,
      byExternalId = false
    ): AnnotationState | undefined => {
      let annotation = report.annotations.find(byExternalId ? (a) => a.external_id === id : named(id))
      if (annotation === undefined) {
        if (report.annotations.length >= MAX_ANNOTATIONS) return undefined
        annotation = {
          uuid: uuidOf(`annotation:${report.uuid}/${id}/${core.nextId()}`),
          external_id: id,
          annotation_type: "BUG",
          summary: "",
          created_on: ts,
          updated_on: ts
        }
        report.annotations.push(annotation)
      }
      replaceFields(annotation, body, ANNOTATION_FIELDS)
      annotation.updated_on = ts
      return annotation
    }

    const full = () => invalid({ annotations: [`A report can hold at most ${MAX_ANNOTATIONS} annotations.`] })

    const R = "/repositories/:workspace/:repo_slug/commit/:commit/reports"
    return {
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const { d, hash } = target(ctx, p, false)
            return page(ctx, d.reports.filter((r) => r.commit === hash).map(git.reportJson))
          }
        },
        {
          path: `${R}/:reportId`,
          GET: (ctx, p) => ok(ctx, git.reportJson(reportFor(ctx, p, false).report)),
          PUT: (ctx, p) =>
            Effect.gen(function*() {
              const { d, hash } = target(ctx, p, true)
              const body = parsePayload(ctx)
              const fields = validateReport(body)
              if (Object.keys(fields).length > 0) throw invalid(fields)
              const ts = yield* now
              let report = d.reports.find((r) => r.commit === hash && named(p.reportId!)(r))
              if (report === undefined) {
                report = {
                  commit: hash,
                  uuid: uuidOf(`report:${hash}/${p.reportId}/${core.nextId()}`),
                  external_id: p.reportId!,
                  title: "",
                  details: "",
                  report_type: "BUG",
                  created_on: ts,
                  updated_on: ts,
                  annotations: []
                }
                d.reports.push(report)
              }
              replaceFields(report, body, REPORT_FIELDS)
              report.updated_on = ts
              return ok(ctx, git.reportJson(report))
            }),
          DELETE: (ctx, p) => {
            const { d, report } = reportFor(ctx, p, true)
            d.reports.splice(d.reports.indexOf(report), 1)
            return core.noContent()
          }
        },
        {
          path: `${R}/:reportId/annotations`,
          GET: (ctx, p) => page(ctx, reportFor(ctx, p, false).report.annotations.map(git.annotationJson)),
          POST: (ctx, p) =>
            Effect.gen(function*() {
              const { report } = reportFor(ctx, p, true)
              const body = parseJsonBody(ctx)
              if (!Array.isArray(body)) throw new HttpError(400, "Bad request", "The request body must be a JSON list of annotations.")
              if (body.length === 0 || body.length > MAX_BULK) {
                throw invalid({ annotations: [`Send between 1 and ${MAX_BULK} annotations at a time.`] })
              }
              const fields: Fields = {}
              const ids = new Set<string>()
              body.forEach((item: unknown, i) => {
                if (!isObject(item)) {
                  fields[`${i}`] = ["Must be an object."]
                  return
                }
                Object.assign(fields, validateAnnotation(item, `${i}.`))
                if (!isString(item.external_id) || item.external_id === "") fields[`${i}.external_id`] = [REQUIRED]
                else if (ids.has(item.external_id)) fields[`${i}.external_id`] = ["Each annotation needs its own external_id."]
                else ids.add(item.external_id)
              })
              if (Object.keys(fields).length > 0) throw invalid(fields)
              const added = [...ids].filter((id) => !report.annotations.some((a) => a.external_id === id)).length
              if (report.annotations.length + added > MAX_ANNOTATIONS) throw full()
              const ts = yield* now
              const saved = (body as Array<Record<string, unknown>>).map((item) => upsertAnnotation(report, item.external_id as string, item, ts, true)!)
              return ok(ctx, saved.map(git.annotationJson))
            })
        },
        {
          path: `${R}/:reportId/annotations/:annotationId`,
          GET: (ctx, p) => ok(ctx, git.annotationJson(findAnnotation(reportFor(ctx, p, false).report, p.annotationId!))),
          PUT: (ctx, p) =>
            Effect.gen(function*() {
              const { report } = reportFor(ctx, p, true)
              const body = parsePayload(ctx)
              const fields = validateAnnotation(body)
              if (Object.keys(fields).length > 0) throw invalid(fields)
              const annotation = upsertAnnotation(report, p.annotationId!, body, yield* now)
              if (annotation === undefined) throw full()
              return ok(ctx, git.annotationJson(annotation))
            }),
          DELETE: (ctx, p) => {
            const { report } = reportFor(ctx, p, true)
            report.annotations.splice(report.annotations.indexOf(findAnnotation(report, p.annotationId!)), 1)
            return core.noContent()
          }
        }
      ]
    }
  }
}

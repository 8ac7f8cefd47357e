/**
 * Build statuses: `GET R/commit/{commit}/statuses`, `POST R/commit/{commit}/statuses/build`,
 * `GET|PUT R/commit/{commit}/statuses/build/{key}`. A POST with an existing key overwrites that
 * status (201 either way, as the spec documents); there is no DELETE.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import { type StatusState, uuidOf } from "../gitStore.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>

export const STATES = ["SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED"] as const

export const statuses: RouteModule = {
  name: "statuses",
  make: (core) => {
    const { getRepository, page, ok, param, parsePayload, requirePermission, git, base, now, invalid } = core

    const target = (ctx: Ctx, p: Params) => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      const d = git.data(repo)
      return { d, commit: git.resolve(d, p.commit!) }
    }

    /** Validates a status body; `create` requires key, state and url. */
    const validate = (body: Record<string, unknown>, create: boolean) => {
      const fields: Record<string, Array<string>> = {}
      const required = create ? ["key", "state", "url"] : []
      for (const k of required) if (typeof body[k] !== "string" || body[k] === "") fields[k] = ["This field is required."]
      if ("state" in body && !(typeof body.state === "string" && (STATES as ReadonlyArray<string>).includes(body.state))) {
        fields.state = [`"${String(body.state)}" is not a valid choice. Valid states: ${STATES.join(", ")}.`]
      }
      for (const k of ["key", "url", "name", "description"]) {
        if (k in body && typeof body[k] !== "string" && !fields[k]) fields[k] = ["Must be a string."]
      }
      if ("refname" in body && body.refname !== null && typeof body.refname !== "string") fields.refname = ["Must be a string or null."]
      if (typeof body.key === "string" && body.key.length > 255) fields.key = ["Ensure this field has no more than 255 characters."]
      if (Object.keys(fields).length > 0) throw invalid(fields)
    }

    const apply = (s: StatusState, body: Record<string, unknown>) => {
      if (typeof body.state === "string") s.state = body.state as StatusState["state"]
      if (typeof body.url === "string") s.url = body.url
      if (typeof body.name === "string") s.name = body.name
      if (typeof body.description === "string") s.description = body.description
      if ("refname" in body) s.refname = body.refname as string | null
    }

    const publish = (ctx: Ctx, d: ReturnType<typeof git.data>, s: StatusState, key: "repo:commit_status_created" | "repo:commit_status_updated") =>
      core.events.publish(ctx, { key, repository: core.fullName(d.repo), actor: core.actorUuid(ctx), payload: { commit_status: git.statusJson(d, s) } })

    const create = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, commit } = target(ctx, p)
        requirePermission(ctx, d.repo, "write")
        const body = parsePayload(ctx)
        validate(body, true)
        const ts = yield* now
        const key = body.key as string
        let s = d.statuses.find((x) => x.commit === commit.hash && x.key === key)
        const existed = s !== undefined
        if (s === undefined) {
          s = {
            commit: commit.hash,
            key,
            state: body.state as StatusState["state"],
            url: body.url as string,
            uuid: uuidOf(`${commit.hash}/${key}/${core.nextId()}`),
            created_on: ts,
            updated_on: ts
          }
          d.statuses.push(s)
        }
        apply(s, body)
        s.updated_on = ts
        // A POST with a key the commit has overwrites that status: Bitbucket calls it an update.
        publish(ctx, d, s, existed ? "repo:commit_status_updated" : "repo:commit_status_created")
        return core.created(ctx, git.statusJson(d, s), `${base}${git.repoPath(d.repo)}/commit/${commit.hash}/statuses/build/${core.seg(key)}`)
      })

    const find = (ctx: Ctx, p: Params) => {
      const { d, commit } = target(ctx, p)
      const s = d.statuses.find((x) => x.commit === commit.hash && x.key === p.key)
      if (s === undefined) throw new HttpError(404, `No build status with key '${p.key}' on commit ${commit.hash}.`)
      return { d, s }
    }

    const update = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, s } = find(ctx, p)
        requirePermission(ctx, d.repo, "write")
        const body = parsePayload(ctx)
        validate(body, false)
        if (typeof body.key === "string" && body.key !== s.key) throw invalid({ key: ["The key cannot be changed."] })
        apply(s, body)
        s.updated_on = yield* now
        publish(ctx, d, s, "repo:commit_status_updated")
        return ok(ctx, git.statusJson(d, s))
      })

    const R = "/repositories/:workspace/:repo_slug/commit/:commit/statuses"
    return {
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const { d, commit } = target(ctx, p)
            const refname = param(ctx, "refname")
            const list = d.statuses.filter((s) => s.commit === commit.hash && (refname === undefined || s.refname === refname))
            return page(ctx, list.map((s) => git.statusJson(d, s)))
          }
        },
        { path: `${R}/build`, POST: create },
        {
          path: `${R}/build/:key`,
          GET: (ctx, p) => {
            const { d, s } = find(ctx, p)
            return ok(ctx, git.statusJson(d, s))
          },
          PUT: update
        }
      ]
    }
  }
}

/**
 * Refs: `GET R/refs`, `GET|POST R/refs/branches`, `GET|DELETE R/refs/branches/{name}`,
 * `GET|POST R/refs/tags`, `GET|DELETE R/refs/tags/{name}`. Names may contain `/`: the `{name}`
 * segment arrives percent-encoded (`feature%2Flogin`) and the router hands it over decoded.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"

const REF_NAME = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\/$)(?!.*\.lock$)[^\s~^:?*[\\\x00-\x1f\x7f]+$/

export const refs: RouteModule = {
  name: "refs",
  make: (core) => {
    const { getRepository, page, ok, parsePayload, requirePermission, invalid, noContent, git, base } = core

    const repoData = (ctx: Ctx, p: Readonly<Record<string, string>>) => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      return { repo, d: git.data(repo) }
    }

    const branches = (d: ReturnType<typeof git.data>) =>
      [...d.git.branches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, target]) => git.branchJson(d, name, target))
    const tags = (d: ReturnType<typeof git.data>) => [...d.git.tags.keys()].sort().map((name) => git.tagJson(d, name))

    /** Validates `{ name, target: { hash } }`; answers the name and the target commit. */
    const refPayload = (ctx: Ctx, d: ReturnType<typeof git.data>, kind: "branch" | "tag") => {
      const body = parsePayload(ctx)
      const fields: Record<string, Array<string>> = {}
      const name = body.name
      if (typeof name !== "string" || name.trim() === "") fields.name = ["This field is required."]
      else if (!REF_NAME.test(name)) fields.name = [`'${name}' is not a valid ${kind} name.`]
      const target = body.target
      const hash = target !== null && typeof target === "object" ? (target as Record<string, unknown>).hash : undefined
      if (typeof hash !== "string" || hash === "") fields.target = ["This field is required: { hash }."]
      if (Object.keys(fields).length > 0) throw invalid(fields)
      const commit = d.git.resolve(hash as string)
      if (commit === undefined) throw invalid({ target: [`Commit '${hash as string}' not found.`] })
      return { name: name as string, commit }
    }

    /** A ref created or deleted through the API is a push, for webhooks (a one-change `repo:push`). */
    const pushed = (ctx: Ctx, d: ReturnType<typeof git.data>, change: ReturnType<typeof git.pushChange>) =>
      core.events.publish(ctx, { key: "repo:push", repository: core.fullName(d.repo), actor: core.actorUuid(ctx), payload: { push: { changes: [change] } } })

    const createBranch = (ctx: Ctx, p: Readonly<Record<string, string>>) => {
      const { repo, d } = repoData(ctx, p)
      requirePermission(ctx, repo, "write")
      const { name, commit } = refPayload(ctx, d, "branch")
      if (d.git.branches.has(name)) {
        throw new HttpError(400, `BRANCH_ALREADY_EXISTS`, `Branch "${name}" already exists.`, { name: [`Branch "${name}" already exists.`] })
      }
      d.git.branches.set(name, commit.hash)
      if (repo.mainbranch === null) (repo as { mainbranch?: string | null }).mainbranch = name
      pushed(ctx, d, git.pushChange(d, "branch", name, undefined, commit.hash))
      return core.created(ctx, git.branchJson(d, name, commit.hash), `${base}${git.repoPath(repo)}/refs/branches/${core.seg(name)}`)
    }

    const createTag = (ctx: Ctx, p: Readonly<Record<string, string>>) =>
      Effect.gen(function*() {
        const { repo, d } = repoData(ctx, p)
        requirePermission(ctx, repo, "write")
        const { name, commit } = refPayload(ctx, d, "tag")
        if (d.git.tags.has(name)) {
          throw new HttpError(400, `Tag "${name}" already exists.`, undefined, { name: [`Tag "${name}" already exists.`] })
        }
        const body = parsePayload(ctx)
        const actor = ctx.principal.kind === "user" ? ctx.principal.user : undefined
        d.git.tags.set(name, {
          name,
          target: commit.hash,
          ...(typeof body.message === "string" && body.message !== ""
            ? {
              message: body.message,
              date: yield* core.now,
              ...(actor !== undefined ? { tagger: `${actor.display_name} <${actor.email}>`, taggerUser: actor.uuid } : {})
            }
            : {})
        })
        pushed(ctx, d, git.pushChange(d, "tag", name, undefined, commit.hash))
        return core.created(ctx, git.tagJson(d, name), `${base}${git.repoPath(repo)}/refs/tags/${core.seg(name)}`)
      })

    const R = "/repositories/:workspace/:repo_slug/refs"
    return {
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const { d } = repoData(ctx, p)
            return page(ctx, [...branches(d), ...tags(d)])
          }
        },
        {
          path: `${R}/branches`,
          GET: (ctx, p) => page(ctx, branches(repoData(ctx, p).d)),
          POST: createBranch
        },
        {
          path: `${R}/branches/:name`,
          GET: (ctx, p) => {
            const { d } = repoData(ctx, p)
            const target = d.git.branches.get(p.name!)
            if (target === undefined) throw new HttpError(404, `Branch "${p.name}" does not exist.`)
            return ok(ctx, git.branchJson(d, p.name!, target))
          },
          DELETE: (ctx, p) => {
            const { repo, d } = repoData(ctx, p)
            requirePermission(ctx, repo, "write")
            if (!d.git.branches.has(p.name!)) throw new HttpError(404, `Branch "${p.name}" does not exist.`)
            if ((repo.mainbranch === undefined ? "main" : repo.mainbranch) === p.name) {
              throw new HttpError(400, "You can't delete the main branch.", `"${p.name}" is the repository's main branch.`)
            }
            core.branches.check(repo, p.name!, "delete")
            const before = d.git.branches.get(p.name!)
            d.git.branches.delete(p.name!)
            pushed(ctx, d, git.pushChange(d, "branch", p.name!, before, undefined))
            return noContent()
          }
        },
        {
          path: `${R}/tags`,
          GET: (ctx, p) => page(ctx, tags(repoData(ctx, p).d)),
          POST: createTag
        },
        {
          path: `${R}/tags/:name`,
          GET: (ctx, p) => {
            const { d } = repoData(ctx, p)
            if (!d.git.tags.has(p.name!)) throw new HttpError(404, `Tag "${p.name}" does not exist.`)
            return ok(ctx, git.tagJson(d, p.name!))
          },
          DELETE: (ctx, p) => {
            const { repo, d } = repoData(ctx, p)
            requirePermission(ctx, repo, "write")
            if (!d.git.tags.delete(p.name!)) throw new HttpError(404, `Tag "${p.name}" does not exist.`)
            return noContent()
          }
        }
      ]
    }
  }
}

/**
 * Default reviewers: `GET R/default-reviewers`, `GET|PUT|DELETE R/default-reviewers/{target_username}`,
 * `GET R/effective-default-reviewers`, and a project's
 * `GET /workspaces/{workspace}/projects/{project_key}/default-reviewers[/{selected_user}]` (`PUT`, `DELETE`).
 *
 * - They live on the seed's repository and project (`defaultReviewers`). A pull request created
 *   through the API does not get them (Bitbucket's UI adds them, its API does not).
 * - Reading a repository's needs read access; changing them needs admin access. A project's need
 *   its admin (the workspace's owner or a project admin), reads included, as the spec says.
 * - `PUT` is idempotent; a user without read access to the repository (for a project: neither a
 *   member of the workspace nor given a permission on the project), or an access token's bot, is
 *   400; an unknown user is 404. A repository's reviewer that is not one is 404; a project's is 400,
 *   as the spec says.
 * - A user is named by `account_id` or `{uuid}`.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { bracedUuid, HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedProject, SeedRepository, SeedUser, UserRef } from "../seed.js"

type Params = Readonly<Record<string, string>>
type Holder = { defaultReviewers?: ReadonlyArray<UserRef> }

export const defaultReviewers: RouteModule = {
  name: "defaultReviewers",
  make: (core) => {
    const { ok, page } = core

    const findUser = (id: string): SeedUser => {
      const user = core.findUserById(id)
      if (user !== undefined) return user
      if (core.store.accessTokens.some((t) => core.botJson(t).uuid === bracedUuid(id))) {
        throw new HttpError(400, "A bot user cannot be a default reviewer.")
      }
      throw new HttpError(404, `User ${id} not found`)
    }

    const uuidsOf = (holder: Holder) =>
      (holder.defaultReviewers ?? []).map((ref) => core.findUser(ref)?.uuid).filter((u): u is string => u !== undefined)

    const setReviewers = (holder: Holder, uuids: ReadonlyArray<string>) => {
      ;(holder as { defaultReviewers?: ReadonlyArray<UserRef> }).defaultReviewers = [...uuids]
    }

    // ---- repositories ------------------------------------------------------------------------

    const repository = (ctx: Ctx, p: Params, write: boolean): SeedRepository => core.repositoryFor(ctx, p, write ? "admin" : undefined)

    const repoReviewers = {
      list: (ctx: Ctx, p: Params) => page(ctx, uuidsOf(repository(ctx, p, false)).map(core.accountJson)),
      effective: (ctx: Ctx, p: Params) => {
        const repo = repository(ctx, p, false)
        return page(ctx, core.defaultReviewersOf(repo).map((x) => ({ type: "default_reviewer", reviewer_type: x.reviewer_type, user: core.accountJson(x.uuid) })))
      },
      get: (ctx: Ctx, p: Params) => {
        const repo = repository(ctx, p, false)
        const user = findUser(p.target_username!)
        if (!uuidsOf(repo).includes(user.uuid)) throw new HttpError(404, `${user.display_name} is not a default reviewer of this repository.`)
        return ok(ctx, core.accountJson(user.uuid))
      },
      put: (ctx: Ctx, p: Params) => {
        const repo = repository(ctx, p, true)
        const user = findUser(p.target_username!)
        if (!core.canRead({ kind: "user", user }, repo)) {
          throw new HttpError(400, `${user.display_name} does not have access to this repository and cannot be a default reviewer.`)
        }
        const current = uuidsOf(repo)
        if (!current.includes(user.uuid)) setReviewers(repo, [...current, user.uuid])
        return ok(ctx, core.accountJson(user.uuid))
      },
      remove: (ctx: Ctx, p: Params) => {
        const repo = repository(ctx, p, true)
        const user = findUser(p.target_username!)
        setReviewers(repo, uuidsOf(repo).filter((u) => u !== user.uuid))
        return core.noContent()
      }
    }

    // ---- projects ----------------------------------------------------------------------------

    const project = (ctx: Ctx, p: Params): SeedProject =>
      core.getAdministeredProject(ctx, p.workspace!, p.project_key!, "its default reviewers").project

    const projectReviewers = {
      list: (ctx: Ctx, p: Params) =>
        page(ctx, uuidsOf(project(ctx, p)).map((uuid) => ({ type: "default_reviewer", reviewer_type: "project", user: core.accountJson(uuid) }))),
      get: (ctx: Ctx, p: Params) => {
        const found = project(ctx, p)
        const user = findUser(p.selected_user!)
        if (!uuidsOf(found).includes(user.uuid)) throw new HttpError(400, `${user.display_name} is not a default reviewer of this project.`)
        return ok(ctx, core.accountJson(user.uuid))
      },
      put: (ctx: Ctx, p: Params) => {
        const found = project(ctx, p)
        const user = findUser(p.selected_user!)
        const ws = core.findWorkspace(p.workspace!)!
        const principal = { kind: "user" as const, user }
        if (core.memberOf(principal, ws) === undefined && core.projectPermission(principal, ws, found) === undefined) {
          throw new HttpError(400, `${user.display_name} has no access to this project and cannot be a default reviewer.`)
        }
        const current = uuidsOf(found)
        if (!current.includes(user.uuid)) setReviewers(found, [...current, user.uuid])
        return ok(ctx, core.accountJson(user.uuid))
      },
      remove: (ctx: Ctx, p: Params) => {
        const found = project(ctx, p)
        const user = findUser(p.selected_user!)
        const current = uuidsOf(found)
        if (!current.includes(user.uuid)) throw new HttpError(400, `${user.display_name} is not a default reviewer of this project.`)
        setReviewers(found, current.filter((u) => u !== user.uuid))
        return core.noContent()
      }
    }

    const R = "/repositories/:workspace/:repo_slug"
    const P = "/workspaces/:workspace/projects/:project_key/default-reviewers"
    return {
      routes: [
        { path: `${R}/default-reviewers`, GET: repoReviewers.list },
        { path: `${R}/default-reviewers/:target_username`, GET: repoReviewers.get, PUT: repoReviewers.put, DELETE: repoReviewers.remove },
        { path: `${R}/effective-default-reviewers`, GET: repoReviewers.effective },
        { path: P, GET: projectReviewers.list },
        { path: `${P}/:selected_user`, GET: projectReviewers.get, PUT: projectReviewers.put, DELETE: projectReviewers.remove }
      ]
    }
  }
}

/**
 * Explicit permissions (`permissions-config`) of users and groups on repositories
 * (`R/permissions-config/users[/{selected_user_id}]`, `…/groups[/{group_slug}]`) and projects
 * (`/workspaces/{workspace}/projects/{project_key}/permissions-config/…`): list, get, `PUT`, `DELETE`.
 *
 * - Every endpoint needs admin access to the repository, or to the project (its workspace's owner
 *   or a project admin).
 * - Changing one (`PUT`, `DELETE`; for a repository's groups, `PUT`) takes Basic credentials (an
 *   API token): OAuth and access tokens get 403, as the spec says of these endpoints.
 * - User permissions are the seed's `permissions` of the repository or project, and group
 *   permissions its `groupPermissions`, so granting one gives that access at once, to the user or
 *   to the group's members (a project's to its repositories; the highest permission wins, as
 *   elsewhere in the fake). Both are part of `FakeBitbucket.snapshot`.
 * - Listings ignore `q` and `sort`: the spec says these endpoints have no BBQL.
 * - `PUT` takes `{ "permission": "read" | "write" | "admin" }` (projects also `create-repo`); the
 *   user must be a member of the workspace and not its owner (400 otherwise); an unknown user or
 *   group is 404.
 * - Reading the permission of a user or group that has none answers `permission: "none"`.
 * - A user is named by `account_id` or `{uuid}`.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedGroup, SeedProject, SeedRepository, SeedUser, SeedWorkspace } from "../seed.js"

type Params = Readonly<Record<string, string>>
type Level = "read" | "write" | "admin" | "create-repo"

export const permissions: RouteModule = {
  name: "permissions",
  make: (core) => {
    const { ok, page, href, seg, invalid, parsePayload } = core

    interface Subject {
      readonly kind: "repository" | "project"
      readonly ws: SeedWorkspace
      readonly repo?: SeedRepository
      readonly project?: SeedProject
      readonly path: string
      readonly json: Record<string, unknown>
      readonly levels: ReadonlyArray<Level>
    }

    const repositorySubject = (ctx: Ctx, p: Params): Subject => {
      const repo = core.repositoryFor(ctx, p, "admin")
      const ws = core.findWorkspace(repo.workspace)!
      return {
        kind: "repository",
        ws,
        repo,
        path: `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/permissions-config`,
        json: { repository: core.repoSummary(repo) },
        levels: ["read", "write", "admin"]
      }
    }

    const projectSubject = (ctx: Ctx, p: Params): Subject => {
      const { ws, project } = core.getAdministeredProject(ctx, p.workspace!, p.project_key!, "its permissions")
      return {
        kind: "project",
        ws,
        project,
        path: `/workspaces/${seg(ws.slug)}/projects/${seg(project.key)}/permissions-config`,
        json: { project: core.projectJson(ws, project) },
        levels: ["read", "write", "create-repo", "admin"]
      }
    }


    // ---- users ---------------------------------------------------------------------------------

    const findUser = (id: string): SeedUser => {
      const user = core.findUserById(id)
      if (user === undefined) throw new HttpError(404, `User ${id} not found`)
      return user
    }

    /** Where a subject's explicit permissions live: the repository's or the project's own lists. */
    const holderOf = (s: Subject): {
      permissions?: ReadonlyArray<{ readonly user: string; readonly permission: Level }>
      groupPermissions?: ReadonlyArray<{ readonly group: string; readonly permission: Level }>
    } => (s.repo ?? s.project!) as ReturnType<typeof holderOf>

    const userLevels = (s: Subject): Map<string, Level> => {
      const out = new Map<string, Level>()
      for (const x of holderOf(s).permissions ?? []) {
        const uuid = core.findUser(x.user)?.uuid
        if (uuid !== undefined) out.set(uuid, x.permission)
      }
      return out
    }

    const setUserLevel = (s: Subject, uuid: string, level: Level | undefined) => {
      const holder = holderOf(s)
      const rest = (holder.permissions ?? []).filter((x) => core.findUser(x.user)?.uuid !== uuid)
      holder.permissions = level === undefined ? rest : [...rest, { user: uuid, permission: level }]
    }

    /** The spec's word on these endpoints: changes take Basic credentials only (API tokens). */
    const requireBasic = (ctx: Ctx) => {
      if (!/^basic /i.test(ctx.headers.get("authorization") ?? "")) {
        throw new HttpError(403, "This endpoint accepts only API tokens (Basic authentication), not OAuth or access tokens.")
      }
    }

    /** A listing without BBQL: `q` and `sort` are ignored. */
    const plainPage = (ctx: Ctx, items: ReadonlyArray<unknown>) => {
      const url = new URL(ctx.url)
      url.searchParams.delete("q")
      url.searchParams.delete("sort")
      return page({ ...ctx, url }, items)
    }

    const userJson = (s: Subject, uuid: string, level: Level | "none") => {
      const user = core.store.users.find((u) => u.uuid === uuid)
      return {
        type: `${s.kind}_user_permission`,
        permission: level,
        user: core.accountJson(uuid),
        ...s.json,
        links: { self: href(`${s.path}/users/${seg(user?.account_id ?? uuid)}`) }
      }
    }

    // ---- groups --------------------------------------------------------------------------------

    /** The subject's group permissions, by slug, of the groups its workspace still has. */
    const groupLevels = (s: Subject): Map<string, Level> =>
      new Map((holderOf(s).groupPermissions ?? []).filter((x) => (s.ws.groups ?? []).some((g) => g.slug === x.group)).map((x) => [x.group, x.permission]))

    const setGroupLevel = (s: Subject, slug: string, level: Level | undefined) => {
      const holder = holderOf(s)
      const rest = (holder.groupPermissions ?? []).filter((x) => x.group !== slug)
      holder.groupPermissions = level === undefined ? rest : [...rest, { group: slug, permission: level }]
    }

    const findGroup = (s: Subject, slug: string): SeedGroup => {
      const group = (s.ws.groups ?? []).find((g) => g.slug === slug)
      if (group === undefined) throw new HttpError(404, `Group ${slug} not found`)
      return group
    }

    const groupJson = (s: Subject, group: SeedGroup, level: Level | "none") => ({
      type: `${s.kind}_group_permission`,
      permission: level,
      group: {
        type: "group",
        slug: group.slug,
        name: group.name,
        full_slug: `${s.ws.slug}:${group.slug}`,
        owner: core.workspaceSummary(s.ws)
      },
      ...s.json,
      links: { self: href(`${s.path}/groups/${seg(group.slug)}`) }
    })

    const levelOf = (s: Subject, body: Record<string, unknown>): Level => {
      const level = body.permission
      if (typeof level !== "string" || !(s.levels as ReadonlyArray<string>).includes(level)) {
        throw invalid({ permission: [`Must be one of ${s.levels.join(", ")}.`] })
      }
      return level as Level
    }

    // ---- handlers ------------------------------------------------------------------------------

    const handlers = (subjectOf: (ctx: Ctx, p: Params) => Subject) => ({
      users: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        return plainPage(ctx, [...userLevels(s)].map(([uuid, level]) => userJson(s, uuid, level)))
      },
      user: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        const user = findUser(p.selected_user_id!)
        return ok(ctx, userJson(s, user.uuid, userLevels(s).get(user.uuid) ?? "none"))
      },
      putUser: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        requireBasic(ctx)
        const user = findUser(p.selected_user_id!)
        const level = levelOf(s, parsePayload(ctx))
        const member = s.ws.members.find((m) => core.findUser(m.user)?.uuid === user.uuid)
        if (member === undefined) throw invalid({ user: [`${user.display_name} is not a member of the workspace.`] })
        if (member.permission === "owner") throw invalid({ user: ["The workspace's owner already has every permission."] })
        setUserLevel(s, user.uuid, level)
        return ok(ctx, userJson(s, user.uuid, level))
      },
      deleteUser: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        requireBasic(ctx)
        setUserLevel(s, findUser(p.selected_user_id!).uuid, undefined)
        return core.noContent()
      },
      groups: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        return plainPage(ctx, [...groupLevels(s)].map(([slug, level]) => groupJson(s, findGroup(s, slug), level)))
      },
      group: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        const group = findGroup(s, p.group_slug!)
        return ok(ctx, groupJson(s, group, groupLevels(s).get(group.slug) ?? "none"))
      },
      putGroup: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        requireBasic(ctx)
        const group = findGroup(s, p.group_slug!)
        const level = levelOf(s, parsePayload(ctx))
        setGroupLevel(s, group.slug, level)
        return ok(ctx, groupJson(s, group, level))
      },
      deleteGroup: (ctx: Ctx, p: Params) => {
        const s = subjectOf(ctx, p)
        setGroupLevel(s, findGroup(s, p.group_slug!).slug, undefined)
        return core.noContent()
      }
    })

    const routesFor = (base: string, h: ReturnType<typeof handlers>) => [
      { path: `${base}/users`, GET: h.users },
      { path: `${base}/users/:selected_user_id`, GET: h.user, PUT: h.putUser, DELETE: h.deleteUser },
      { path: `${base}/groups`, GET: h.groups },
      { path: `${base}/groups/:group_slug`, GET: h.group, PUT: h.putGroup, DELETE: h.deleteGroup }
    ]

    return {
      routes: [
        ...routesFor("/repositories/:workspace/:repo_slug/permissions-config", handlers(repositorySubject)),
        ...routesFor("/workspaces/:workspace/projects/:project_key/permissions-config", handlers(projectSubject))
      ]
    }
  }
}

/**
 * Workspaces, members and projects: `GET /workspaces/{workspace}`,
 * `GET /workspaces/{workspace}/members`, `GET /workspaces/{workspace}/members/{member}`,
 * `GET /workspaces/{workspace}/permissions` (the members with their permission, as `members`),
 * `GET /workspaces/{workspace}/permissions/repositories[/{repo_slug}]` (effective repository
 * permissions; the workspace's admins, or the repository's, only),
 * `GET|POST /workspaces/{workspace}/projects`,
 * `GET|PUT|DELETE /workspaces/{workspace}/projects/{project_key}`.
 *
 * Decisions where Bitbucket's documentation is silent:
 * - Members are listed to the workspace's members and its workspace access token only (401 for the
 *   anonymous, 403 for others). Each membership carries an extra `permission` field so that the
 *   workspace's `owners` link (`members?q=permission="owner"`) filters as Bitbucket's does.
 * - A member is addressed by `{uuid}` or account_id; a user who is not a member is 404.
 * - Project writes need a workspace owner (or the workspace's access token). A key or name already
 *   in use answers 400 with `fields` (the spec documents no 409 here). Keys start with a letter and
 *   hold letters, digits and `_`; they are stored upper-case and matched case-insensitively.
 * - Deleting a project that still holds repositories answers 403, as the spec says.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx, Mutable } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedProject, SeedRepository, SeedWorkspace } from "../seed.js"

export const workspaces: RouteModule = {
  name: "workspaces",
  make: (core) => {
    const {
      ok,
      page,
      getWorkspaceOr,
      canSeeWorkspace,
      projectFullJson,
      workspaceJson,
      workspaceSummary,
      memberOf,
      requireAuth,
      userJson,
      href,
      seg,
      base,
      parsePayload,
      invalid,
      now
    } = core

    // ---- members --------------------------------------------------------------------------------

    const isInsider = (ctx: Ctx, ws: SeedWorkspace) => {
      const p = ctx.principal
      return p.kind === "user" ? memberOf(p, ws) !== undefined : p.kind === "token" && p.token.workspace === ws.slug
    }

    const membersWorkspace = (ctx: Ctx, wsId: string) => {
      requireAuth(ctx)
      const ws = getWorkspaceOr(ctx, wsId)
      if (!isInsider(ctx, ws)) throw new HttpError(403, "Access denied. You must be a member of this workspace to list its members.")
      return ws
    }

    const memberships = (ws: SeedWorkspace) =>
      ws.members.flatMap((m) => {
        const user = core.findUser(m.user)
        if (user === undefined) return []
        return [{
          user,
          json: {
            type: "workspace_membership",
            permission: m.permission,
            user: userJson(user, false),
            workspace: workspaceSummary(ws),
            links: { self: href(`/workspaces/${seg(ws.slug)}/members/${seg(user.uuid)}`) }
          }
        }]
      })

    const listMembers = (ctx: Ctx, wsId: string) => page(ctx, memberships(membersWorkspace(ctx, wsId)).map((m) => m.json))

    // ---- permissions ------------------------------------------------------------------------------

    /**
     * The effective permission (the highest, however it comes: membership, project, repository) of
     * every user who has one on the repository, as `repository_permission` objects. A public
     * repository's readers who are nobody in particular are not listed.
     */
    const repositoryPermissions = (repo: Mutable<SeedRepository>) =>
      core.store.users.flatMap((user) => {
        const permission = core.repoPermission({ kind: "user", user }, repo)
        return permission === undefined ? [] : [{
          type: "repository_permission",
          permission,
          user: userJson(user, false),
          repository: core.repoSummary(repo)
        }]
      })

    /** Workspace admins only (its owners, or its workspace access token), as Bitbucket says. */
    const administeredWorkspace = (ctx: Ctx, wsId: string) => {
      requireAuth(ctx)
      const ws = getWorkspaceOr(ctx, wsId)
      const p = ctx.principal
      const admin = p.kind === "user" ? memberOf(p, ws)?.permission === "owner" : p.kind === "token" && p.token.workspace === ws.slug
      if (!admin) throw new HttpError(403, "Only the workspace's administrators may list its repository permissions.")
      return ws
    }

    const getMember = (ctx: Ctx, wsId: string, member: string) => {
      const ws = membersWorkspace(ctx, wsId)
      const found = memberships(ws).find((m) => m.user.uuid === member || m.user.account_id === member)
      if (found === undefined) throw new HttpError(404, `${member} is not a member of workspace ${ws.slug}`)
      return ok(ctx, found.json)
    }

    // ---- projects -------------------------------------------------------------------------------

    const projectsOf = (ws: Mutable<SeedWorkspace>): Array<Mutable<SeedProject>> => {
      if (ws.projects === undefined) ws.projects = []
      return ws.projects as Array<Mutable<SeedProject>>
    }

    const canSeeProject = (ctx: Ctx, ws: SeedWorkspace, p: SeedProject) => {
      if (!(p.is_private ?? ws.is_private)) return true
      if (ctx.principal.kind === "anonymous" || !canSeeWorkspace(ctx.principal, ws)) return false
      return ws.is_private || isInsider(ctx, ws)
    }

    const findProject = (ws: Mutable<SeedWorkspace>, key: string) =>
      projectsOf(ws).find((p) => p.key.toUpperCase() === key.toUpperCase() || p.uuid === key)

    const listProjects = (ctx: Ctx, wsId: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      return page(ctx, projectsOf(ws).filter((p) => canSeeProject(ctx, ws, p)).map((p) => projectFullJson(ws, p)))
    }

    const getProject = (ctx: Ctx, wsId: string, key: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      const project = findProject(ws, key)
      if (project === undefined) throw new HttpError(404, `Project ${key} not found`)
      if (!canSeeProject(ctx, ws, project)) throw core.hidden(ctx.principal, `Project ${key}`)
      return ok(ctx, projectFullJson(ws, project))
    }

    const requireOwner = (ctx: Ctx, ws: SeedWorkspace) => {
      requireAuth(ctx)
      const p = ctx.principal
      const allowed = p.kind === "user"
        ? memberOf(p, ws)?.permission === "owner"
        : p.kind === "token" && p.token.workspace === ws.slug
      if (!allowed) throw new HttpError(403, "You must be an administrator of this workspace to change its projects.")
    }

    /** Validates a project payload and applies it to `target` (`key` is handled by the caller). */
    const applyProject = (
      ws: Mutable<SeedWorkspace>,
      target: Mutable<SeedProject>,
      body: Record<string, unknown>,
      mode: "create" | "update"
    ) => {
      const fields: Record<string, Array<string>> = {}
      const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
      if (mode === "create" || "name" in body) {
        const name = body.name
        if (typeof name !== "string" || name.trim() === "") bad("name", "This field is required.")
        else if (name.length > 255) bad("name", "Ensure this field has no more than 255 characters.")
        else if (projectsOf(ws).some((p) => p !== target && p.name.toLowerCase() === name.toLowerCase())) {
          bad("name", "Project with this Owner and Name already exists.")
        } else target.name = name
      }
      if (mode === "create" || "key" in body) {
        const key = body.key
        if (typeof key !== "string" || key === "") bad("key", "This field is required.")
        else if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key.length > 128) {
          bad("key", "Project keys must start with a letter and may contain only letters, digits and underscores.")
        } else if (projectsOf(ws).some((p) => p !== target && p.key.toUpperCase() === key.toUpperCase())) {
          bad("key", "Project with this Owner and Key already exists.")
        } else target.key = key.toUpperCase()
      }
      if ("description" in body) {
        if (typeof body.description !== "string") bad("description", "Must be a string.")
        else target.description = body.description
      }
      if ("is_private" in body) {
        if (typeof body.is_private !== "boolean") bad("is_private", "Must be a boolean.")
        else target.is_private = body.is_private
      }
      if (Object.keys(fields).length > 0) throw invalid(fields, "The project payload is invalid.")
    }

    const projectUrl = (ws: SeedWorkspace, key: string) => `${base}/workspaces/${seg(ws.slug)}/projects/${seg(key)}`

    const createProject = (ctx: Ctx, wsId: string, keyFromPath?: string) =>
      Effect.gen(function*() {
        const ws = getWorkspaceOr(ctx, wsId)
        requireOwner(ctx, ws)
        const body = parsePayload(ctx)
        const ts = yield* now
        const project: Mutable<SeedProject> = {
          key: "",
          name: "",
          uuid: `{9a0e0000-0000-4000-8000-${core.nextId().toString(16).padStart(12, "0")}}`,
          description: "",
          is_private: ws.is_private,
          created_on: ts
        }
        applyProject(ws, project, keyFromPath === undefined ? body : { ...body, key: keyFromPath }, "create")
        projectsOf(ws).push(project)
        return core.created(ctx, projectFullJson(ws, project), projectUrl(ws, project.key))
      })

    const updateProject = (ctx: Ctx, wsId: string, key: string) =>
      Effect.gen(function*() {
        const ws = getWorkspaceOr(ctx, wsId)
        const project = findProject(ws, key)
        if (project === undefined) return yield* createProject(ctx, wsId, key)
        requireOwner(ctx, ws)
        const body = parsePayload(ctx)
        const draft: Mutable<SeedProject> = { ...project }
        applyProject(ws, draft, body, "update")
        const headers: Record<string, string> = {}
        if (draft.key !== project.key) {
          for (const r of core.store.repositories) if (r.workspace === ws.slug && r.project === project.key) r.project = draft.key
          headers["location"] = projectUrl(ws, draft.key)
        }
        Object.assign(project, draft)
        return ok(ctx, projectFullJson(ws, project), 200, headers)
      })

    const deleteProject = (ctx: Ctx, wsId: string, key: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      const project = findProject(ws, key)
      if (project === undefined) throw new HttpError(404, `Project ${key} not found`)
      requireOwner(ctx, ws)
      if (core.store.repositories.some((r) => r.workspace === ws.slug && r.project === project.key)) {
        throw new HttpError(403, "You cannot delete a project that still contains repositories.", "Delete or transfer its repositories first.")
      }
      const list = projectsOf(ws)
      list.splice(list.indexOf(project), 1)
      return core.noContent()
    }

    return {
      routes: [
        { path: "/workspaces/:workspace", GET: (ctx, p) => ok(ctx, workspaceJson(getWorkspaceOr(ctx, p.workspace!))) },
        { path: "/workspaces/:workspace/members", GET: (ctx, p) => listMembers(ctx, p.workspace!) },
        { path: "/workspaces/:workspace/permissions", GET: (ctx, p) => listMembers(ctx, p.workspace!) },
        {
          path: "/workspaces/:workspace/permissions/repositories",
          GET: (ctx, p) => {
            const ws = administeredWorkspace(ctx, p.workspace!)
            const repos = core.store.repositories.filter((r) => r.workspace === ws.slug).sort((a, b) => a.slug.localeCompare(b.slug))
            return page(ctx, repos.flatMap(repositoryPermissions))
          }
        },
        {
          path: "/workspaces/:workspace/permissions/repositories/:repo_slug",
          GET: (ctx, p) => page(ctx, repositoryPermissions(core.repositoryFor(ctx, p, "admin")))
        },
        { path: "/workspaces/:workspace/members/:member", GET: (ctx, p) => getMember(ctx, p.workspace!, p.member!) },
        {
          path: "/workspaces/:workspace/projects",
          GET: (ctx, p) => listProjects(ctx, p.workspace!),
          POST: (ctx, p) => createProject(ctx, p.workspace!)
        },
        {
          path: "/workspaces/:workspace/projects/:project_key",
          GET: (ctx, p) => getProject(ctx, p.workspace!, p.project_key!),
          PUT: (ctx, p) => updateProject(ctx, p.workspace!, p.project_key!),
          DELETE: (ctx, p) => deleteProject(ctx, p.workspace!, p.project_key!)
        }
      ]
    }
  }
}

/**
 * Workspaces and projects: `GET /workspaces/{workspace}`, `GET /workspaces/{workspace}/projects`,
 * `GET /workspaces/{workspace}/projects/{project_key}`.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"

export const workspaces: RouteModule = {
  name: "workspaces",
  make: (core) => {
    const { ok, page, getWorkspaceOr, canSeeWorkspace, projectFullJson, workspaceJson } = core

    const listProjects = (ctx: Ctx, wsId: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      const visible = (ws.projects ?? []).filter((p) =>
        !(p.is_private ?? ws.is_private) || ctx.principal.kind !== "anonymous" && canSeeWorkspace(ctx.principal, ws)
      )
      return page(ctx, visible.map((p) => projectFullJson(ws, p)))
    }

    const getProject = (ctx: Ctx, wsId: string, key: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      const project = (ws.projects ?? []).find((p) => p.key === key || p.uuid === key)
      if (project === undefined) throw new HttpError(404, `Project ${key} not found`)
      return ok(ctx, projectFullJson(ws, project))
    }

    return {
      routes: [
        { path: "/workspaces/:workspace", GET: (ctx, p) => ok(ctx, workspaceJson(getWorkspaceOr(ctx, p.workspace!))) },
        { path: "/workspaces/:workspace/projects", GET: (ctx, p) => listProjects(ctx, p.workspace!) },
        { path: "/workspaces/:workspace/projects/:project_key", GET: (ctx, p) => getProject(ctx, p.workspace!, p.project_key!) }
      ]
    }
  }
}

/**
 * Users: `GET /user`, `GET /user/workspaces`, `GET /users/{selected_user}`.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"

export const users: RouteModule = {
  name: "users",
  make: (core) => {
    const { ok, page, requireAuth, userJson, botJson, memberOf, workspaceSummary, href, seg } = core

    const currentUser = (ctx: Ctx) => {
      requireAuth(ctx)
      const p = ctx.principal
      return ok(ctx, p.kind === "user" ? userJson(p.user, true) : p.kind === "token" ? botJson(p.token) : null)
    }

    const workspaceAccess = (ctx: Ctx) => {
      requireAuth(ctx)
      const p = ctx.principal
      const entries = core.store.workspaces.flatMap((ws) => {
        let permission: string | undefined
        let addedOn = ws.created_on ?? "2020-01-01T00:00:00.000000+00:00"
        let memberUuid = ""
        if (p.kind === "user") {
          permission = memberOf(p, ws)?.permission
          memberUuid = p.user.uuid
          if (p.user.created_on !== undefined && p.user.created_on > addedOn) addedOn = p.user.created_on
        } else if (p.kind === "token") {
          permission = p.token.workspace === ws.slug
            ? "collaborator"
            : p.token.repository?.split("/")[0] === ws.slug
            ? "member"
            : undefined
          memberUuid = botJson(p.token).uuid
        }
        if (permission === undefined) return []
        return [{
          type: "workspace_access",
          permission,
          administrator: permission === "owner",
          added_on: addedOn,
          last_accessed: null,
          workspace: workspaceSummary(ws),
          links: { self: href(`/workspaces/${seg(ws.slug)}/members/${seg(memberUuid)}`) }
        }]
      })
      return page(ctx, entries)
    }

    const getUser = (ctx: Ctx, id: string) => {
      const user = core.store.users.find((u) => u.uuid === id || u.account_id === id)
      if (user === undefined) throw new HttpError(404, `User ${id} not found`)
      return ok(ctx, userJson(user, true))
    }

    return {
      routes: [
        { path: "/user", GET: currentUser },
        { path: "/user/workspaces", GET: workspaceAccess },
        { path: "/users/:selected_user", GET: (ctx, p) => getUser(ctx, p.selected_user!) }
      ]
    }
  }
}

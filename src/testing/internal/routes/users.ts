/**
 * Users: `GET /user`, `GET /user/workspaces`, `GET /users/{selected_user}`, `GET /user/emails`,
 * `GET /user/emails/{email}`.
 *
 * The emails of an access token's bot account are an empty list (its `/user/emails/{email}` is 404).
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

    const emailsOf = (ctx: Ctx) => {
      requireAuth(ctx)
      const p = ctx.principal
      if (p.kind !== "user") return []
      const all = [
        { email: p.user.email, is_primary: true, is_confirmed: true },
        ...(p.user.emails ?? [])
          .filter((e) => e.email.toLowerCase() !== p.user.email.toLowerCase())
          .map((e) => ({ email: e.email, is_primary: false, is_confirmed: e.is_confirmed }))
      ]
      return all.map((e) => ({ type: "email", ...e, links: { self: href(`/user/emails/${seg(e.email)}`) } }))
    }

    const getEmail = (ctx: Ctx, email: string) => {
      const found = emailsOf(ctx).find((e) => e.email.toLowerCase() === email.toLowerCase())
      if (found === undefined) throw new HttpError(404, `Email address ${email} not found`)
      return ok(ctx, found)
    }

    return {
      routes: [
        { path: "/user/emails", GET: (ctx) => page(ctx, emailsOf(ctx)) },
        { path: "/user/emails/:email", GET: (ctx, p) => getEmail(ctx, p.email!) },
        { path: "/user", GET: currentUser },
        { path: "/user/workspaces", GET: workspaceAccess },
        { path: "/users/:selected_user", GET: (ctx, p) => getUser(ctx, p.selected_user!) }
      ]
    }
  }
}

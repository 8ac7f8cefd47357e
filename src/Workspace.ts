/**
 * Workspaces: what pybitbucket called teams. Bitbucket turned teams into workspaces in 2020; a
 * workspace is identified by its slug or `{uuid}`.
 *
 * @example
 * ```ts
 * import { Workspace } from "effect-bitbucket"
 *
 * const demo = Workspace.find({ workspace: "demo" })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"

/**
 * A workspace.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Workspace = Resource.Struct({
  type: Schema.String,
  uuid: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A workspace.
 *
 * @since 0.1.0
 * @category models
 */
export type Workspace = typeof Workspace.Type

/**
 * One entry of `GET /user/workspaces`: the workspace plus the caller's access to it (the rest of
 * the entry is kept as it came).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceAccess = Resource.Struct({
  type: Schema.optional(Schema.String),
  workspace: Workspace,
  permission: Schema.optional(Schema.String)
})

/**
 * An entry of `GET /user/workspaces`.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkspaceAccess = typeof WorkspaceAccess.Type

/**
 * A workspace by slug or `{uuid}`.
 *
 * @example
 * ```ts
 * import { Workspace } from "effect-bitbucket"
 *
 * const acme = Workspace.find({ workspace: "acme" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Workspace.find")(function*(ref: { readonly workspace: string }) {
  return yield* Http.json({ method: "GET", path: "/workspaces/{workspace}", params: ref }, Workspace)
})

/**
 * The workspaces the authenticated user can access (`GET /user/workspaces`, which replaced the
 * removed `GET /workspaces`), each with the caller's access entry.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const slugs = Workspace.findAccessForCurrentUser().pipe(Stream.map((a) => a.workspace.slug))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findAccessForCurrentUser = (options: Pagination.ListOptions = {}) =>
  Pagination.stream({ path: "/user/workspaces" }, WorkspaceAccess, options).pipe(
    Stream.withSpan("Bitbucket.Workspace.findAccessForCurrentUser")
  )

/**
 * The workspaces the authenticated user can access (pybitbucket's `find_teams_for_role`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const names = Workspace.findForCurrentUser().pipe(Stream.map((w) => w.name))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCurrentUser = (options: Pagination.ListOptions = {}) =>
  findAccessForCurrentUser(options).pipe(Stream.map((access) => access.workspace))

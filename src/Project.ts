/**
 * Projects: groups of repositories inside a workspace, identified by their key.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const project = Project.find({ workspace: "acme", project_key: "API" })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as Http from "./internal/http.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * A project.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Project = Resource.Struct({
  type: Schema.String,
  uuid: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  has_publicly_visible_repos: Schema.optional(Schema.Boolean),
  owner: Schema.optional(Account),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A project.
 *
 * @since 0.1.0
 * @category models
 */
export type Project = typeof Project.Type

/**
 * A project by workspace and key.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const project = Project.find({ workspace: "acme", project_key: "API" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Project.find")(function*(ref: {
  readonly workspace: string
  readonly project_key: string
}) {
  return yield* Http.json({ method: "GET", path: "/workspaces/{workspace}/projects/{project_key}", params: ref }, Project)
})

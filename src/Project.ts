/**
 * Projects: groups of repositories inside a workspace, identified by their key.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const project = Project.find({ workspace: "acme", project_key: "API" })
 * const created = Project.create({ workspace: "acme" }, { key: "WEB", name: "Website", is_private: true })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const ProjectSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
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
 * @category schemas
 */
export const Project: Resource.NamedStruct<typeof ProjectSchema, Project> = ProjectSchema

/**
 * A project.
 *
 * @since 0.1.0
 * @category models
 */
export interface Project extends Schema.Schema.Type<typeof ProjectSchema> {}

/**
 * Identifies a project: workspace slug or `{uuid}`, and project key.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProjectRef {
  readonly workspace: string
  readonly project_key: string
}

const item = "/workspaces/{workspace}/projects/{project_key}"

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
export const find = Effect.fn("Bitbucket.Project.find")(function*(ref: ProjectRef) {
  return yield* Http.json({ method: "GET", path: item, params: ref }, Project)
})

/**
 * The ref of a project you hold (listed, or a repository's `project`), read from its
 * `links.self`. Fails with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Project, Repository } from "effect-bitbucket"
 *
 * const renameProjectOf = Effect.gen(function* () {
 *   const repo = yield* Repository.find({ workspace: "acme", repo_slug: "api" })
 *   return yield* Project.update(yield* Project.refOf(repo.project!), { name: "Platform" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (project: Project): Effect.Effect<ProjectRef, BitbucketError.InvalidInput> =>
  refFromSelf<ProjectRef>(project, item, "project")

/**
 * A project key: a letter, then letters, digits or underscores (`API`, `WEB_2`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Key = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z][A-Za-z0-9_]*$/, {
    message: () => "a project key starts with a letter and holds only letters, digits and underscores"
  })
)

const AvatarLinks = Schema.Struct({ avatar: Schema.Struct({ href: Schema.String }) })

const Name = Schema.String.pipe(Schema.nonEmptyString({ message: () => "a project name must not be empty" }))

/** The payload fields plus `avatar`, sent as `links.avatar.href` as Bitbucket expects. */
const withAvatar = <Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.transform(
    Schema.Struct({ ...fields, links: Schema.optional(AvatarLinks) }),
    Schema.Struct({ ...fields, avatar: Schema.optional(Schema.String) }),
    {
      strict: false,
      decode: (input) => {
        const { links, ...rest } = input as { readonly links?: typeof AvatarLinks.Type }
        return links === undefined ? rest : { ...rest, avatar: links.avatar.href }
      },
      encode: (input) => {
        const { avatar, ...rest } = input as { readonly avatar?: string }
        return avatar === undefined ? rest : { ...rest, links: { avatar: { href: avatar } } }
      }
    }
  )

const CreatePayloadSchema = withAvatar({
  key: Key,
  name: Name,
  description: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean)
})

/**
 * The body of {@link create}: `key` and `name` are required; `avatar` is an image URL or a
 * `data:` URL (sent as `links.avatar.href`).
 *
 * @since 0.1.0
 * @category payloads
 */
export const CreatePayload: Schema.Schema<CreatePayload, Schema.Schema.Encoded<typeof CreatePayloadSchema>> = CreatePayloadSchema

/**
 * The body of {@link create}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = withAvatar({
  key: Schema.optional(Key),
  name: Schema.optional(Name),
  description: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean)
})

/**
 * The body of {@link update}: only the fields to change. A new `key` moves the project.
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdatePayload: Schema.Schema<UpdatePayload, Schema.Schema.Encoded<typeof UpdatePayloadSchema>> = UpdatePayloadSchema

/**
 * The body of {@link update}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

/**
 * The projects of a workspace (`GET /workspaces/{workspace}/projects`). Supports `q`, `sort`,
 * `fields`, `pagelen` and `concurrency`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Project } from "effect-bitbucket"
 *
 * const keys = Project.findForWorkspace({ workspace: "acme" }, { sort: "name" }).pipe(Stream.map((p) => p.key))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForWorkspace = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Project, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/workspaces/{workspace}/projects", params: ref }, Project, options).pipe(
    Stream.withSpan("Bitbucket.Project.findForWorkspace")
  )

/**
 * Creates a project in a workspace (`POST /workspaces/{workspace}/projects`). An invalid payload
 * (no key, a malformed key, no name) fails with `InvalidInput` and sends nothing.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const mars = Project.create(
 *   { workspace: "acme" },
 *   { key: "MARS", name: "Mars", description: "Colonizing Mars", is_private: false }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.Project.create")(function*(
  ref: { readonly workspace: string },
  payload: CreatePayload
) {
  return yield* Http.jsonWithBody(
    { method: "POST", path: "/workspaces/{workspace}/projects", params: ref },
    CreatePayload,
    payload,
    Project
  )
})

/**
 * Updates a project (`PUT /workspaces/{workspace}/projects/{project_key}`); fields left out are
 * unchanged. Bitbucket creates the project when no project has that key (201), so check the key
 * first (or use {@link create}) when a typo must not create one.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const renamed = Project.update({ workspace: "acme", project_key: "MARS" }, { name: "Mars colony" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Project.update")(function*(ref: ProjectRef, payload: UpdatePayload) {
  return yield* Http.jsonWithBody(
    { method: "PUT", path: item, params: ref },
    UpdatePayload,
    payload,
    Project
  )
})

/**
 * Deletes a project (`DELETE /workspaces/{workspace}/projects/{project_key}`); it must hold no
 * repositories.
 *
 * @example
 * ```ts
 * import { Project } from "effect-bitbucket"
 *
 * const gone = Project.delete({ workspace: "acme", project_key: "MARS" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.Project.delete")(function*(ref: ProjectRef) {
  return yield* Http.empty({ method: "DELETE", path: item, params: ref })
})

export { del as delete }

/**
 * Explicit permissions of users and groups on a repository or a project (Bitbucket's
 * `permissions-config`): list them, read one, grant or change one, revoke one. These are the
 * permissions given directly; those that come from workspace membership are not listed. Managing
 * them needs admin access to the repository or project, and changing them needs an API token
 * (`Authenticator.apiToken`): Bitbucket refuses OAuth and access tokens there (`Forbidden`).
 * Listings take no `q` or `sort`: these endpoints have no BBQL.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Permission } from "effect-bitbucket"
 *
 * const repo = { workspace: "acme", repo_slug: "api" }
 * const program = Effect.gen(function* () {
 *   yield* Permission.updateUserForRepository({ ...repo, selected_user_id: "557058:bob" }, { permission: "write" })
 *   return yield* Stream.runCollect(
 *     Permission.findUsersForRepository(repo).pipe(Stream.map((p) => `${p.user?.display_name}: ${p.permission}`))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import { Group } from "./BranchRestriction.js"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import { Project, type ProjectRef } from "./Project.js"
import { Repository, type RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * A permission as Bitbucket reports it: `read`, `write`, `admin`, `create-repo` (projects),
 * `none`, or one not known yet.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Level = Schema.Union(Schema.Literal("read", "write", "admin", "create-repo", "none"), Schema.String)

const UserPermissionSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  permission: Schema.optional(Level),
  user: Schema.optional(Account),
  repository: Schema.optional(Repository),
  project: Schema.optional(Project),
  links: Schema.optional(Resource.Links)
})

/**
 * A user's explicit permission on a repository (`repository_user_permission`) or a project
 * (`project_user_permission`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserPermission: Resource.NamedStruct<typeof UserPermissionSchema, UserPermission> = UserPermissionSchema

/**
 * A user's explicit permission.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserPermission extends Schema.Schema.Type<typeof UserPermissionSchema> {}

const GroupPermissionSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  permission: Schema.optional(Level),
  group: Schema.optional(Group),
  repository: Schema.optional(Repository),
  project: Schema.optional(Project),
  links: Schema.optional(Resource.Links)
})

/**
 * A group's permission on a repository (`repository_group_permission`) or a project
 * (`project_group_permission`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupPermission: Resource.NamedStruct<typeof GroupPermissionSchema, GroupPermission> = GroupPermissionSchema

/**
 * A group's permission.
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupPermission extends Schema.Schema.Type<typeof GroupPermissionSchema> {}

const RepositoryGrantSchema = Schema.Struct({ permission: Schema.Literal("read", "write", "admin") })

/**
 * What a repository permission may be set to.
 *
 * @since 0.1.0
 * @category payloads
 */
export const RepositoryGrant: Resource.NamedStruct<typeof RepositoryGrantSchema, RepositoryGrant> = RepositoryGrantSchema

/**
 * The body of the repository `update…` operations.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface RepositoryGrant extends Schema.Schema.Type<typeof RepositoryGrantSchema> {}

const ProjectGrantSchema = Schema.Struct({ permission: Schema.Literal("read", "write", "create-repo", "admin") })

/**
 * What a project permission may be set to (`create-repo`: write, and creating repositories).
 *
 * @since 0.1.0
 * @category payloads
 */
export const ProjectGrant: Resource.NamedStruct<typeof ProjectGrantSchema, ProjectGrant> = ProjectGrantSchema

/**
 * The body of the project `update…` operations.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface ProjectGrant extends Schema.Schema.Type<typeof ProjectGrantSchema> {}

/**
 * A user, by `account_id` or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SelectedUser {
  readonly selected_user_id: string
}

/**
 * A group of the workspace, by slug.
 *
 * @since 0.1.0
 * @category models
 */
export interface SelectedGroup {
  readonly group_slug: string
}

/**
 * What the listings take: the usual options but `q` and `sort` (these endpoints have no BBQL).
 *
 * @since 0.1.0
 * @category models
 */
export type ListOptions = Pagination.PlainListOptions

const repositoryBase = "/repositories/{workspace}/{repo_slug}/permissions-config"
const projectBase = "/workspaces/{workspace}/projects/{project_key}/permissions-config"

/**
 * The four operations on one kind of explicit permission (users or groups, of a repository or a
 * project): they differ only in their path, schemas and span names.
 */
const operations = <Subject extends object, Selected extends object>() =>
<A, I, P, PI>(
  path: string,
  selected: string,
  item: Schema.Schema<A, I>,
  grant: Schema.Schema<P, PI>,
  names: { readonly one: string; readonly all: string }
) => ({
  list: (ref: Subject, options: ListOptions = {}): Stream.Stream<A, BitbucketError.BitbucketError, Http.Requirements> =>
    Pagination.stream({ path, params: ref }, item, options).pipe(Stream.withSpan(`Bitbucket.Permission.find${names.all}`)),
  find: Effect.fn(`Bitbucket.Permission.find${names.one}`)(function*(ref: Subject & Selected) {
    return yield* Http.json({ method: "GET", path: `${path}/${selected}`, params: ref }, item)
  }),
  update: Effect.fn(`Bitbucket.Permission.update${names.one}`)(function*(ref: Subject & Selected, payload: P) {
    return yield* Http.jsonWithBody({ method: "PUT", path: `${path}/${selected}`, params: ref }, grant, payload, item)
  }),
  delete: Effect.fn(`Bitbucket.Permission.delete${names.one}`)(function*(ref: Subject & Selected) {
    return yield* Http.empty({ method: "DELETE", path: `${path}/${selected}`, params: ref })
  })
})

const repositoryUsers = operations<RepositoryRef, SelectedUser>()(
  `${repositoryBase}/users`,
  "{selected_user_id}",
  UserPermission,
  RepositoryGrant,
  { one: "UserForRepository", all: "UsersForRepository" }
)
const repositoryGroups = operations<RepositoryRef, SelectedGroup>()(
  `${repositoryBase}/groups`,
  "{group_slug}",
  GroupPermission,
  RepositoryGrant,
  { one: "GroupForRepository", all: "GroupsForRepository" }
)
const projectUsers = operations<ProjectRef, SelectedUser>()(
  `${projectBase}/users`,
  "{selected_user_id}",
  UserPermission,
  ProjectGrant,
  { one: "UserForProject", all: "UsersForProject" }
)
const projectGroups = operations<ProjectRef, SelectedGroup>()(
  `${projectBase}/groups`,
  "{group_slug}",
  GroupPermission,
  ProjectGrant,
  { one: "GroupForProject", all: "GroupsForProject" }
)

/**
 * The users with an explicit permission on a repository.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Permission } from "effect-bitbucket"
 *
 * const admins = Permission.findUsersForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.filter((p) => p.permission === "admin")
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findUsersForRepository = repositoryUsers.list

/**
 * A user's explicit permission on a repository (`permission: "none"` when there is none; an
 * unknown user is `NotFound`).
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const carol = Permission.findUserForRepository({ workspace: "demo", repo_slug: "effect-playground", selected_user_id: "557058:carol" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findUserForRepository = repositoryUsers.find

/**
 * Gives a user an explicit permission on a repository, or changes it. The user must be a member
 * of the workspace and not its owner.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const granted = Permission.updateUserForRepository(
 *   { workspace: "demo", repo_slug: "effect-playground", selected_user_id: "557058:carol" },
 *   { permission: "write" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateUserForRepository = repositoryUsers.update

/**
 * Removes a user's explicit permission on a repository.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const revoked = Permission.deleteUserForRepository({ workspace: "demo", repo_slug: "effect-playground", selected_user_id: "557058:carol" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteUserForRepository = repositoryUsers.delete

/**
 * The groups with a permission on a repository.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Permission } from "effect-bitbucket"
 *
 * const groups = Permission.findGroupsForRepository({ workspace: "acme", repo_slug: "api" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findGroupsForRepository = repositoryGroups.list

/**
 * A group's permission on a repository.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const developers = Permission.findGroupForRepository({ workspace: "acme", repo_slug: "api", group_slug: "developers" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findGroupForRepository = repositoryGroups.find

/**
 * Gives a group a permission on a repository, or changes it.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const granted = Permission.updateGroupForRepository(
 *   { workspace: "acme", repo_slug: "api", group_slug: "developers" },
 *   { permission: "write" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateGroupForRepository = repositoryGroups.update

/**
 * Removes a group's permission on a repository.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const revoked = Permission.deleteGroupForRepository({ workspace: "acme", repo_slug: "api", group_slug: "developers" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteGroupForRepository = repositoryGroups.delete

/**
 * The users with an explicit permission on a project.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Permission } from "effect-bitbucket"
 *
 * const users = Permission.findUsersForProject({ workspace: "acme", project_key: "API" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findUsersForProject = projectUsers.list

/**
 * A user's explicit permission on a project.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const bob = Permission.findUserForProject({ workspace: "acme", project_key: "API", selected_user_id: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findUserForProject = projectUsers.find

/**
 * Gives a user an explicit permission on a project (and so on its repositories), or changes it.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const granted = Permission.updateUserForProject(
 *   { workspace: "acme", project_key: "API", selected_user_id: "557058:bob" },
 *   { permission: "create-repo" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateUserForProject = projectUsers.update

/**
 * Removes a user's explicit permission on a project.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const revoked = Permission.deleteUserForProject({ workspace: "acme", project_key: "API", selected_user_id: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteUserForProject = projectUsers.delete

/**
 * The groups with a permission on a project.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Permission } from "effect-bitbucket"
 *
 * const groups = Permission.findGroupsForProject({ workspace: "acme", project_key: "API" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findGroupsForProject = projectGroups.list

/**
 * A group's permission on a project.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const ops = Permission.findGroupForProject({ workspace: "acme", project_key: "API", group_slug: "ops" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findGroupForProject = projectGroups.find

/**
 * Gives a group a permission on a project, or changes it.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const granted = Permission.updateGroupForProject({ workspace: "acme", project_key: "API", group_slug: "ops" }, { permission: "read" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateGroupForProject = projectGroups.update

/**
 * Removes a group's permission on a project.
 *
 * @example
 * ```ts
 * import { Permission } from "effect-bitbucket"
 *
 * const revoked = Permission.deleteGroupForProject({ workspace: "acme", project_key: "API", group_slug: "ops" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteGroupForProject = projectGroups.delete

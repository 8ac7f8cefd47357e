/**
 * Deploy keys: SSH public keys with read access to one repository, or to every repository of a
 * project.
 *
 * Repository keys: {@link findForRepository}, {@link find}, {@link create}, {@link update},
 * `delete`. Project keys: {@link findForProject}, {@link findProjectKey}, {@link createProjectKey},
 * {@link deleteProjectKey}. Managing them needs admin access to the repository or project.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const key = DeployKey.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com",
 *   label: "CI"
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import { SshPublicKey } from "./internal/sshKey.js"
import * as Pagination from "./Pagination.js"
import { Project, type ProjectRef } from "./Project.js"
import { Repository, type RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const DeployKeySchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Number),
  key: Schema.optional(Schema.String),
  label: Schema.optional(Schema.String),
  comment: Schema.optional(Schema.String),
  added_on: Schema.optional(Schema.String),
  last_used: Schema.optional(Schema.NullOr(Schema.String)),
  owner: Schema.optional(Account),
  created_by: Schema.optional(Account),
  repository: Schema.optional(Repository),
  project: Schema.optional(Project),
  links: Schema.optional(Resource.Links)
})

/**
 * A deploy key: `id`, the public `key`, its `label` and the `comment` parsed from the key, when it
 * was added and last used; `repository` (with `owner`) or `project` (with `created_by`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeployKey: Resource.NamedStruct<typeof DeployKeySchema, DeployKey> = DeployKeySchema

/**
 * A deploy key.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeployKey extends Schema.Schema.Type<typeof DeployKeySchema> {}

/**
 * A repository's deploy key.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeployKeyRef extends RepositoryRef {
  readonly key_id: number
}

/**
 * A project's deploy key.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProjectDeployKeyRef extends ProjectRef {
  readonly key_id: number
}

const PayloadSchema = Schema.Struct({
  key: SshPublicKey,
  label: Schema.optional(Schema.String)
})

/**
 * What to send to add a deploy key (and to {@link update} one: the same `key`, a new `label`).
 *
 * @since 0.1.0
 * @category payloads
 */
export const Payload: Resource.NamedStruct<typeof PayloadSchema, Payload> = PayloadSchema

/**
 * The body of {@link create}, {@link update} and {@link createProjectKey}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface Payload extends Schema.Schema.Type<typeof PayloadSchema> {}

const repositoryKeys = "/repositories/{workspace}/{repo_slug}/deploy-keys"
const repositoryKey = `${repositoryKeys}/{key_id}`
const projectKeys = "/workspaces/{workspace}/projects/{project_key}/deploy-keys"
const projectKey = `${projectKeys}/{key_id}`

/**
 * The deploy keys of a repository.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { DeployKey } from "effect-bitbucket"
 *
 * const labels = DeployKey.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.map((key) => key.label)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<DeployKey, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: repositoryKeys, params: ref }, DeployKey, options).pipe(
    Stream.withSpan("Bitbucket.DeployKey.findForRepository")
  )

/**
 * A repository's deploy key by its id.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const key = DeployKey.find({ workspace: "demo", repo_slug: "effect-playground", key_id: 17 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.DeployKey.find")(function*(ref: DeployKeyRef) {
  return yield* Http.json({ method: "GET", path: repositoryKey, params: ref }, DeployKey)
})

/**
 * Adds a deploy key to a repository. A key that is not an OpenSSH public key (or is a private
 * key) fails with `InvalidInput` and sends nothing.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const key = DeployKey.create({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com",
 *   label: "CI"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.DeployKey.create")(function*(ref: RepositoryRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "POST", path: repositoryKeys, params: ref }, Payload, payload, DeployKey)
})

/**
 * Changes a repository deploy key's label (and the comment in its key); Bitbucket requires the
 * same `key` to be sent again.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const renamed = DeployKey.update({ workspace: "demo", repo_slug: "effect-playground", key_id: 17 }, {
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com",
 *   label: "CI (rotated runner)"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.DeployKey.update")(function*(ref: DeployKeyRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: repositoryKey, params: ref }, Payload, payload, DeployKey)
})

/**
 * Removes a deploy key from a repository.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const removed = DeployKey.delete({ workspace: "demo", repo_slug: "effect-playground", key_id: 17 })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.DeployKey.delete")(function*(ref: DeployKeyRef) {
  return yield* Http.empty({ method: "DELETE", path: repositoryKey, params: ref })
})

export { del as delete }

/**
 * The ref of a repository's deploy key you hold, read from its `links.self`; its `key_id` comes
 * back a number. A project's key fails with `InvalidInput` (its ref is
 * {@link projectKeyRefOf}'s), as one without a link does (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { DeployKey } from "effect-bitbucket"
 *
 * const removeCiKeys = DeployKey.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.filter((key) => key.label === "CI"),
 *   // Collect first: deleting while the listing pages would skip some.
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((key) => Effect.flatMap(DeployKey.refOf(key), DeployKey.delete), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (key: DeployKey): Effect.Effect<DeployKeyRef, BitbucketError.InvalidInput> =>
  refFromSelf<DeployKeyRef>(key, repositoryKey, "deploy key", ["key_id"])

/**
 * The deploy keys of a project, which can read every repository in it.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { DeployKey } from "effect-bitbucket"
 *
 * const keys = DeployKey.findForProject({ workspace: "acme", project_key: "API" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForProject = (
  ref: ProjectRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<DeployKey, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: projectKeys, params: ref }, DeployKey, options).pipe(
    Stream.withSpan("Bitbucket.DeployKey.findForProject")
  )

/**
 * The ref of a project's deploy key you hold, read from its `links.self`; its `key_id` comes back
 * a number. A repository's key fails with `InvalidInput` (its ref is {@link refOf}'s), as one
 * without a link does (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { DeployKey } from "effect-bitbucket"
 *
 * // Collect first: deleting while the listing pages would skip some.
 * const removeAll = DeployKey.findForProject({ workspace: "acme", project_key: "API" }).pipe(
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((key) => Effect.flatMap(DeployKey.projectKeyRefOf(key), DeployKey.deleteProjectKey), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const projectKeyRefOf = (key: DeployKey): Effect.Effect<ProjectDeployKeyRef, BitbucketError.InvalidInput> =>
  refFromSelf<ProjectDeployKeyRef>(key, projectKey, "project deploy key", ["key_id"])

/**
 * A project's deploy key by its id.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const key = DeployKey.findProjectKey({ workspace: "acme", project_key: "API", key_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findProjectKey = Effect.fn("Bitbucket.DeployKey.findProjectKey")(function*(ref: ProjectDeployKeyRef) {
  return yield* Http.json({ method: "GET", path: projectKey, params: ref }, DeployKey)
})

/**
 * Adds a deploy key to a project (Bitbucket cannot change one: delete it and add it again).
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const key = DeployKey.createProjectKey({ workspace: "acme", project_key: "API" }, {
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc deploy@example.com",
 *   label: "Deploys"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createProjectKey = Effect.fn("Bitbucket.DeployKey.createProjectKey")(function*(ref: ProjectRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "POST", path: projectKeys, params: ref }, Payload, payload, DeployKey)
})

/**
 * Removes a deploy key from a project.
 *
 * @example
 * ```ts
 * import { DeployKey } from "effect-bitbucket"
 *
 * const removed = DeployKey.deleteProjectKey({ workspace: "acme", project_key: "API", key_id: 3 })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteProjectKey = Effect.fn("Bitbucket.DeployKey.deleteProjectKey")(function*(ref: ProjectDeployKeyRef) {
  return yield* Http.empty({ method: "DELETE", path: projectKey, params: ref })
})

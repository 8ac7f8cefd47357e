/**
 * Repositories: find one, stream a workspace's listing, read clone URLs.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const program = Effect.gen(function* () {
 *   const repo = yield* Repository.find({ workspace: "demo", repo_slug: "effect-playground" })
 *   const all = yield* Stream.runCollect(Repository.findForWorkspace({ workspace: "demo" }))
 *   return [repo.full_name, all.length] as const
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import { Project } from "./Project.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"
import { findForCurrentUser as findWorkspacesForCurrentUser, Workspace } from "./Workspace.js"

/**
 * How a repository may be forked.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ForkPolicy = Schema.Literal("allow_forks", "no_public_forks", "no_forks")

const MainBranchSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String)
})

/**
 * The main branch as a repository embeds it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MainBranch: Resource.NamedStruct<typeof MainBranchSchema, MainBranch> = MainBranchSchema

/**
 * The main branch as a repository embeds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface MainBranch extends Schema.Schema.Type<typeof MainBranchSchema> {}

const ParentRepositorySchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  full_name: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * The fork parent as a repository embeds it (a few fields, the rest kept).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParentRepository: Resource.NamedStruct<typeof ParentRepositorySchema, ParentRepository> = ParentRepositorySchema

/**
 * The fork parent as a repository embeds it (a few fields, the rest kept).
 *
 * @since 0.1.0
 * @category models
 */
export interface ParentRepository extends Schema.Schema.Type<typeof ParentRepositorySchema> {}

const RepositorySchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  full_name: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  scm: Schema.optional(Schema.String),
  website: Schema.optional(Schema.NullOr(Schema.String)),
  owner: Schema.optional(Account),
  workspace: Schema.optional(Workspace),
  project: Schema.optional(Project),
  mainbranch: Schema.optional(Schema.NullOr(MainBranch)),
  parent: Schema.optional(Schema.NullOr(ParentRepository)),
  is_private: Schema.optional(Schema.Boolean),
  fork_policy: Schema.optional(Schema.Union(ForkPolicy, Schema.String)),
  language: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  size: Schema.optional(Schema.Number),
  has_issues: Schema.optional(Schema.Boolean),
  has_wiki: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * A repository. Every field is optional, `type` included: Bitbucket embeds repositories with a few
 * fields (in pull requests), and a `fields` selection can trim any of them. Unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Repository: Resource.NamedStruct<typeof RepositorySchema, Repository> = RepositorySchema

/**
 * A repository.
 *
 * @since 0.1.0
 * @category models
 */
export interface Repository extends Schema.Schema.Type<typeof RepositorySchema> {}

/**
 * Identifies a repository: workspace slug or `{uuid}`, and repository slug or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepositoryRef {
  readonly workspace: string
  readonly repo_slug: string
}

/**
 * A repository by workspace and slug.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const repo = Repository.find({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Repository.find")(function*(
  ref: RepositoryRef,
  options: { readonly fields?: string | undefined } = {}
) {
  return yield* Http.json(
    { method: "GET", path: "/repositories/{workspace}/{repo_slug}", params: ref, query: { fields: options.fields } },
    Repository
  )
})

/**
 * The `{ workspace, repo_slug }` of a repository you hold (listed, or embedded in a pull request's
 * `destination`), read from its `links.self`. Fails with `InvalidInput` when it came without one
 * (trimmed by `fields`).
 *
 * Like every module's `refOf`, it takes the module's own resource type, which says what it is for;
 * as every field of it is optional, an embedded or `fields`-trimmed one, or an open record from
 * `Resource.follow`, fits too. What decides is the link: only one of the repository's own form is
 * read, any other (a pull request's, say) is `InvalidInput`, never a ref to the wrong place.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Ref, Repository } from "effect-bitbucket"
 *
 * const branchCounts = Repository.findForWorkspace({ workspace: "demo" }).pipe(
 *   Stream.mapEffect((repo) => Effect.flatMap(Repository.refOf(repo), (ref) => Stream.runCount(Ref.findBranches(ref))))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (repository: Repository): Effect.Effect<RepositoryRef, BitbucketError.InvalidInput> =>
  refFromSelf<RepositoryRef>(repository, one, "repository")

/**
 * Splits `"workspace/repo_slug"` into a {@link RepositoryRef}; anything else fails with `InvalidInput`.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const ref = Repository.parseFullName("demo/effect-playground") // Effect<{ workspace: "demo", repo_slug: "effect-playground" }>
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseFullName = (fullName: string): Effect.Effect<RepositoryRef, BitbucketError.InvalidInput> => {
  const parts = fullName.split("/")
  const [workspace, repo_slug] = parts
  return parts.length === 2 && workspace !== undefined && repo_slug !== undefined &&
      workspace.trim().length > 0 && repo_slug.trim().length > 0
    ? Effect.succeed({ workspace, repo_slug })
    : Effect.fail(
      new BitbucketError.InvalidInput({
        message: `full name must be "workspace/repo_slug", got ${JSON.stringify(fullName)}`,
        parameter: "full_name"
      })
    )
}

/**
 * A repository by its full name, `"workspace/repo_slug"`.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const repo = Repository.findByFullName("demo/effect-playground")
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findByFullName = Effect.fn("Bitbucket.Repository.findByFullName")(function*(
  fullName: string,
  options: { readonly fields?: string | undefined } = {}
) {
  return yield* find(yield* parseFullName(fullName), options)
})

/**
 * The role filter of repository listings.
 *
 * @since 0.1.0
 * @category models
 */
export type Role = "member" | "contributor" | "admin" | "owner"

/**
 * Every repository of a workspace the caller can see, as a Stream. Supports `q` (BBQL), `sort`,
 * `fields`, `pagelen`, `concurrency` and `role`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const goRepos = Repository.findForWorkspace({ workspace: "demo" }, { q: 'language = "go"', sort: "-updated_on" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForWorkspace = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions & { readonly role?: Role | undefined } = {}
): Stream.Stream<Repository, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}", params: ref, query: { role: options.role } }, Repository, options)
    .pipe(Stream.withSpan("Bitbucket.Repository.findForWorkspace"))

/**
 * The clone URLs of a repository, from its `links.clone` list.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const ssh = Effect.map(Repository.find({ workspace: "demo", repo_slug: "effect-playground" }), (repo) =>
 *   Repository.cloneUrls(repo).ssh
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const cloneUrls = (repository: Repository): { readonly https?: string; readonly ssh?: string } => {
  const clone = repository.links?.["clone"]
  const links: ReadonlyArray<Resource.Link> = clone === undefined ? [] : Array.isArray(clone) ? clone : [clone as Resource.Link]
  const out: { https?: string; ssh?: string } = {}
  for (const link of links) {
    if (link.name === "https" || link.name === "ssh") out[link.name] = link.href
  }
  return out
}

/**
 * The repositories of every workspace the authenticated user is a member of: the workspaces from
 * `GET /user/workspaces`, then each one's listing, one workspace after the other (Bitbucket
 * removed the cross-workspace `GET /repositories` listing in 2026). A repository shared with you
 * directly, or through a project, in a workspace you are not a member of is not listed: list that
 * workspace with {@link findForWorkspace}. `sort` orders each workspace's repositories, not the whole.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Repository } from "effect-bitbucket"
 *
 * const mine = Repository.findForCurrentUser({ role: "admin" }).pipe(Stream.map((r) => r.full_name))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCurrentUser = (
  options: Pagination.ListOptions & { readonly role?: Role | undefined } = {}
): Stream.Stream<Repository, BitbucketError.BitbucketError, Http.Requirements> =>
  findWorkspacesForCurrentUser().pipe(
    Stream.flatMap((workspace) =>
      workspace.slug === undefined && workspace.uuid === undefined
        ? Stream.empty
        : findForWorkspace({ workspace: workspace.slug ?? workspace.uuid! }, options)
    ),
    Stream.withSpan("Bitbucket.Repository.findForCurrentUser")
  )

/**
 * The forks of a repository.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const forks = Repository.findForks({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForks = (
  ref: RepositoryRef,
  options: Pagination.ListOptions & { readonly role?: Role | undefined } = {}
): Stream.Stream<Repository, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}/{repo_slug}/forks", params: ref, query: { role: options.role } }, Repository, options)
    .pipe(Stream.withSpan("Bitbucket.Repository.findForks"))

/**
 * The accounts watching a repository.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const watchers = Repository.findWatchers({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findWatchers = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Account, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}/{repo_slug}/watchers", params: ref }, Account, options)
    .pipe(Stream.withSpan("Bitbucket.Repository.findWatchers"))

const PayloadSchema = Schema.Struct({
  scm: Schema.optional(Schema.Literal("git")),
  name: Schema.optional(Schema.NonEmptyTrimmedString),
  is_private: Schema.optional(Schema.Boolean),
  description: Schema.optional(Schema.String),
  fork_policy: Schema.optional(ForkPolicy),
  language: Schema.optional(Schema.String),
  has_issues: Schema.optional(Schema.Boolean),
  has_wiki: Schema.optional(Schema.Boolean),
  website: Schema.optional(Schema.String),
  project: Schema.optional(Schema.Struct({ key: Schema.NonEmptyTrimmedString })),
  mainbranch: Schema.optional(Schema.Struct({ name: Schema.NonEmptyTrimmedString }))
})

/**
 * What to send when creating or updating a repository. All optional; Bitbucket defaults `scm` to
 * git and puts the repository in the workspace's oldest project unless `project.key` says otherwise.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Payload: Resource.NamedStruct<typeof PayloadSchema, Payload> = PayloadSchema

/**
 * What to send when creating or updating a repository.
 *
 * @since 0.1.0
 * @category models
 */
export interface Payload extends Schema.Schema.Type<typeof PayloadSchema> {}

const one = "/repositories/{workspace}/{repo_slug}"

/**
 * Creates a repository.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const repo = Repository.create(
 *   { workspace: "acme", repo_slug: "new-service" },
 *   { scm: "git", is_private: true, project: { key: "ACME" }, fork_policy: "no_public_forks" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.Repository.create")(function*(ref: RepositoryRef, payload: Payload = {}) {
  return yield* Http.jsonWithBody({ method: "POST", path: one, params: ref }, Payload, payload, Repository)
})

/**
 * Updates a repository's settings (a new `name` renames it, and its slug).
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const repo = Repository.update({ workspace: "acme", repo_slug: "new-service" }, { description: "Billing API" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Repository.update")(function*(ref: RepositoryRef, payload: Payload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: one, params: ref }, Payload, payload, Repository)
})

const del = Effect.fn("Bitbucket.Repository.delete")(function*(
  ref: RepositoryRef & {
    /** Where Bitbucket should redirect requests for the deleted repository (a URL). */
    readonly redirect_to?: string | undefined
  }
) {
  return yield* Http.empty({
    method: "DELETE",
    path: one,
    params: ref,
    query: { redirect_to: ref.redirect_to }
  })
})

export {
  /**
   * Deletes a repository, optionally leaving a redirect.
   *
   * @example
   * ```ts
   * import { Repository } from "effect-bitbucket"
   *
   * const done = Repository.delete({ workspace: "acme", repo_slug: "old-service" })
   * ```
   *
   * @since 0.1.0
   * @category destructors
   */
  del as delete
}

const ForkPayloadSchema = Schema.Struct({
  name: Schema.optional(Schema.NonEmptyTrimmedString),
  workspace: Schema.Struct({ slug: Schema.NonEmptyTrimmedString }),
  description: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  fork_policy: Schema.optional(ForkPolicy),
  language: Schema.optional(Schema.String),
  mainbranch: Schema.optional(Schema.Struct({ name: Schema.NonEmptyTrimmedString })),
  project: Schema.optional(Schema.Struct({ key: Schema.NonEmptyTrimmedString }))
})

/**
 * What to send when forking: where to put the fork (Bitbucket requires the workspace), and its
 * name (required too when the fork goes to the same workspace as the original).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ForkPayload: Resource.NamedStruct<typeof ForkPayloadSchema, ForkPayload> = ForkPayloadSchema

/**
 * What to send when forking.
 *
 * @since 0.1.0
 * @category models
 */
export interface ForkPayload extends Schema.Schema.Type<typeof ForkPayloadSchema> {}

/**
 * Forks a repository.
 *
 * @example
 * ```ts
 * import { Repository } from "effect-bitbucket"
 *
 * const fork = Repository.fork({ workspace: "demo", repo_slug: "effect-playground" }, { name: "my-hello", workspace: { slug: "acme" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fork = Effect.fn("Bitbucket.Repository.fork")(function*(ref: RepositoryRef, payload: ForkPayload) {
  return yield* Http.jsonWithBody(
    { method: "POST", path: "/repositories/{workspace}/{repo_slug}/forks", params: ref },
    ForkPayload,
    payload,
    Repository
  )
})

/**
 * Default reviewers: the users Bitbucket's web UI adds as reviewers to a new pull request of a
 * repository, set on the repository or on its project. A pull request created through the API
 * gets only the reviewers it names: {@link applyTo} adds the default ones to a payload.
 *
 * Repository: {@link findForRepository}, {@link findEffectiveForRepository} (with those inherited
 * from the project), {@link find}, {@link add}, {@link remove}. Project: {@link findForProject},
 * {@link findProjectReviewer}, {@link addToProject}, {@link removeFromProject}. Users are named by
 * `account_id` or `{uuid}`. Changing them needs admin access.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { DefaultReviewer, PullRequest } from "effect-bitbucket"
 *
 * const repo = { workspace: "acme", repo_slug: "api" }
 * const program = Effect.gen(function* () {
 *   yield* DefaultReviewer.add({ ...repo, target_username: "557058:bob" })
 *   const names = yield* Stream.runCollect(DefaultReviewer.findEffectiveForRepository(repo).pipe(Stream.map((r) => r.user?.display_name)))
 *   const payload = yield* DefaultReviewer.applyTo(repo, PullRequest.fromBranches("feature/x", "main", { title: "Feature X" }))
 *   return { names, pullRequest: yield* PullRequest.create(repo, payload) }
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import { addReviewers, type CreatePayload } from "./PullRequest.js"
import type { ProjectRef } from "./Project.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account, current as currentUser } from "./User.js"

const EffectiveSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  reviewer_type: Schema.optional(Schema.Union(Schema.Literal("repository", "project"), Schema.String)),
  user: Schema.optional(Account)
})

/**
 * A default reviewer with where it comes from: `reviewer_type` is `repository` or `project`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Effective: Resource.NamedStruct<typeof EffectiveSchema, Effective> = EffectiveSchema

/**
 * A default reviewer with where it comes from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Effective extends Schema.Schema.Type<typeof EffectiveSchema> {}

/**
 * A repository's default reviewer, by `account_id` or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReviewerRef extends RepositoryRef {
  readonly target_username: string
}

/**
 * A project's default reviewer, by `account_id` or `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProjectReviewerRef extends ProjectRef {
  readonly selected_user: string
}

const repositoryReviewers = "/repositories/{workspace}/{repo_slug}/default-reviewers"
const repositoryReviewer = `${repositoryReviewers}/{target_username}`
const projectReviewers = "/workspaces/{workspace}/projects/{project_key}/default-reviewers"
const projectReviewer = `${projectReviewers}/{selected_user}`

/**
 * The default reviewers set on a repository itself (not those of its project).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const names = DefaultReviewer.findForRepository({ workspace: "acme", repo_slug: "api" }).pipe(
 *   Stream.map((user) => user.display_name)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Account, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: repositoryReviewers, params: ref }, Account, options).pipe(
    Stream.withSpan("Bitbucket.DefaultReviewer.findForRepository")
  )

/**
 * The repository's effective default reviewers: its own and its project's, each with its
 * `reviewer_type` (whom the web UI adds to a new pull request).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const fromProject = DefaultReviewer.findEffectiveForRepository({ workspace: "acme", repo_slug: "api" }).pipe(
 *   Stream.filter((r) => r.reviewer_type === "project")
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findEffectiveForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Effective, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/repositories/{workspace}/{repo_slug}/effective-default-reviewers", params: ref }, Effective, options).pipe(
    Stream.withSpan("Bitbucket.DefaultReviewer.findEffectiveForRepository")
  )

/**
 * A repository's default reviewer; `NotFound` when the user is not one.
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const bob = DefaultReviewer.find({ workspace: "acme", repo_slug: "api", target_username: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.DefaultReviewer.find")(function*(ref: ReviewerRef) {
  return yield* Http.json({ method: "GET", path: repositoryReviewer, params: ref }, Account)
})

/**
 * Makes a user a default reviewer of a repository (adding one twice changes nothing). The user
 * must have access to the repository; a team or a bot is refused (`BadRequest`).
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const added = DefaultReviewer.add({ workspace: "acme", repo_slug: "api", target_username: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const add = Effect.fn("Bitbucket.DefaultReviewer.add")(function*(ref: ReviewerRef) {
  return yield* Http.json({ method: "PUT", path: repositoryReviewer, params: ref }, Account)
})

/**
 * Removes a user from a repository's default reviewers.
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const removed = DefaultReviewer.remove({ workspace: "acme", repo_slug: "api", target_username: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const remove = Effect.fn("Bitbucket.DefaultReviewer.remove")(function*(ref: ReviewerRef) {
  return yield* Http.empty({ method: "DELETE", path: repositoryReviewer, params: ref })
})

/**
 * A project's default reviewers, which every repository of the project inherits.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const reviewers = DefaultReviewer.findForProject({ workspace: "acme", project_key: "ACME" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForProject = (
  ref: ProjectRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Effective, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: projectReviewers, params: ref }, Effective, options).pipe(
    Stream.withSpan("Bitbucket.DefaultReviewer.findForProject")
  )

/**
 * A project's default reviewer (`BadRequest` when the user is not one, as Bitbucket answers).
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const bob = DefaultReviewer.findProjectReviewer({ workspace: "acme", project_key: "ACME", selected_user: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findProjectReviewer = Effect.fn("Bitbucket.DefaultReviewer.findProjectReviewer")(function*(ref: ProjectReviewerRef) {
  return yield* Http.json({ method: "GET", path: projectReviewer, params: ref }, Account)
})

/**
 * Makes a user a default reviewer of every repository of a project (adding one twice changes nothing).
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const added = DefaultReviewer.addToProject({ workspace: "acme", project_key: "ACME", selected_user: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const addToProject = Effect.fn("Bitbucket.DefaultReviewer.addToProject")(function*(ref: ProjectReviewerRef) {
  return yield* Http.json({ method: "PUT", path: projectReviewer, params: ref }, Account)
})

/**
 * Removes a user from a project's default reviewers (`BadRequest` when the user is not one).
 *
 * @example
 * ```ts
 * import { DefaultReviewer } from "effect-bitbucket"
 *
 * const removed = DefaultReviewer.removeFromProject({ workspace: "acme", project_key: "ACME", selected_user: "557058:bob" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const removeFromProject = Effect.fn("Bitbucket.DefaultReviewer.removeFromProject")(function*(ref: ProjectReviewerRef) {
  return yield* Http.empty({ method: "DELETE", path: projectReviewer, params: ref })
})

/**
 * Adds a repository's effective default reviewers to a pull request payload (Bitbucket's API,
 * unlike its web UI, does not), leaving out the authenticated user, who will be the author and
 * cannot review, and anyone the payload names already.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DefaultReviewer, PullRequest } from "effect-bitbucket"
 *
 * const repo = { workspace: "acme", repo_slug: "api" }
 * const opened = Effect.flatMap(
 *   DefaultReviewer.applyTo(repo, PullRequest.fromBranches("feature/x", "main", { title: "Feature X" })),
 *   (payload) => PullRequest.create(repo, payload)
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const applyTo = Effect.fn("Bitbucket.DefaultReviewer.applyTo")(function*(ref: RepositoryRef, payload: CreatePayload) {
  const [me, effective] = yield* Effect.all([currentUser(), Stream.runCollect(findEffectiveForRepository(ref))], { concurrency: 2 })
  // A reviewer the payload names by account_id is the same person as a default one by uuid.
  const named = new Set((payload.reviewers ?? []).map((r) => ("uuid" in r ? r.uuid : r.account_id)))
  const reviewers = [...effective].flatMap(({ user }) =>
    user?.uuid === undefined || user.uuid === me.uuid || named.has(user.uuid) ||
      (user.account_id !== undefined && named.has(user.account_id))
      ? []
      : [{ uuid: user.uuid }]
  )
  return addReviewers(payload, reviewers)
})

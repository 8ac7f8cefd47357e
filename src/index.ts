/**
 * effect-bitbucket: an Effect-native client for the Bitbucket Cloud REST API 2.0.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Stream } from "effect"
 * import { Authenticator, Repository } from "effect-bitbucket"
 *
 * const program = Repository.findForWorkspace({ workspace: "demo" }).pipe(
 *   Stream.map((repo) => repo.full_name),
 *   Stream.runCollect
 * )
 *
 * program.pipe(
 *   Effect.provide(Authenticator.anonymous),
 *   Effect.provide(FetchHttpClient.layer),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as Authenticator from "./Authenticator.js"
/** @since 0.1.0 */
export * as Bbql from "./Bbql.js"
/** @since 0.1.0 */
export * as BitbucketConfig from "./BitbucketConfig.js"
/** @since 0.1.0 */
export * as BitbucketError from "./BitbucketError.js"
/** @since 0.1.0 */
export * as BranchingModel from "./BranchingModel.js"
/** @since 0.1.0 */
export * as BranchRestriction from "./BranchRestriction.js"
/** @since 0.1.0 */
export * as BuildStatus from "./BuildStatus.js"
/** @since 0.1.0 */
export * as Comment from "./Comment.js"
/** @since 0.1.0 */
export * as Commit from "./Commit.js"
/** @since 0.1.0 */
export * as DefaultReviewer from "./DefaultReviewer.js"
/** @since 0.1.0 */
export * as DeployKey from "./DeployKey.js"
/** @since 0.1.0 */
export * as Deployment from "./Deployment.js"
/** @since 0.1.0 */
export * as Download from "./Download.js"
/** @since 0.1.0 */
export * as Issue from "./Issue.js"
/** @since 0.1.0 */
export * as Pagination from "./Pagination.js"
/** @since 0.1.0 */
export * as Permission from "./Permission.js"
/** @since 0.1.0 */
export * as Pipeline from "./Pipeline.js"
/** @since 0.1.0 */
export * as Project from "./Project.js"
/** @since 0.1.0 */
export * as Property from "./Property.js"
/** @since 0.1.0 */
export * as PullRequest from "./PullRequest.js"
/** @since 0.1.0 */
export * as Ref from "./Ref.js"
/** @since 0.1.0 */
export * as Report from "./Report.js"
/** @since 0.1.0 */
export * as Repository from "./Repository.js"
/** @since 0.1.0 */
export * as Resource from "./Resource.js"
/** @since 0.1.0 */
export * as Snippet from "./Snippet.js"
/** @since 0.1.0 */
export * as Source from "./Source.js"
/** @since 0.1.0 */
export * as SshKey from "./SshKey.js"
/** @since 0.1.0 */
export * as Task from "./Task.js"
/** @since 0.1.0 */
export * as User from "./User.js"
/** @since 0.1.0 */
export * as Webhook from "./Webhook.js"
/** @since 0.1.0 */
export * as Workspace from "./Workspace.js"

/**
 * What every operation needs from its environment: an `Authenticator` and an `HttpClient`. The
 * operations' types name it; a function of yours that passes one on can name it too.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { type BitbucketError, Repository, type Requirements } from "effect-bitbucket"
 *
 * const isPrivate = (workspace: string, repo_slug: string): Effect.Effect<boolean, BitbucketError.BitbucketError, Requirements> =>
 *   Effect.map(Repository.find({ workspace, repo_slug }), (repo) => repo.is_private === true)
 * ```
 *
 * @since 0.1.0
 */
export type { Requirements } from "./internal/http.js"

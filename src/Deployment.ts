/**
 * Bitbucket Deployments: a repository's deployment environments (Bitbucket starts every repository
 * with `Test`, `Staging` and `Production`), the deployments to them, and each environment's
 * variables.
 *
 * Deployments: {@link findForRepository}, {@link find}. Environments: {@link findEnvironments},
 * {@link findEnvironment}, {@link createEnvironment}, {@link deleteEnvironment}. Variables of an
 * environment: {@link findVariables}, {@link createVariable}, {@link updateVariable},
 * {@link deleteVariable}; they take the same payload as Pipelines variables
 * (`Pipeline.VariablePayload`), so a secured value is given as a `Redacted` and never returned.
 *
 * @example
 * ```ts
 * import { Effect, Redacted, Stream } from "effect"
 * import { Deployment } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   const environments = yield* Stream.runCollect(Deployment.findEnvironments(repo))
 *   const production = Array.from(environments).find((environment) => environment.name === "Production")!
 *   return yield* Deployment.createVariable({ ...repo, environment_uuid: production.uuid! }, {
 *     key: "DEPLOY_KEY",
 *     value: Redacted.make("…"),
 *     secured: true
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import { Commit } from "./Commit.js"
import * as Http from "./internal/http.js"
import { securedByDefault, updateSecrets } from "./internal/variable.js"
import * as Pagination from "./Pagination.js"
import { Variable, VariablePayload } from "./Pipeline.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const EnvironmentTypeSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.Union(Schema.Literal("Test", "Staging", "Production"), Schema.String)),
  rank: Schema.optional(Schema.Number)
})

/**
 * The kind of an environment: `Test`, `Staging` or `Production`, and its `rank` in that order.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EnvironmentType: Resource.NamedStruct<typeof EnvironmentTypeSchema, EnvironmentType> = EnvironmentTypeSchema

/**
 * The kind of an environment.
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvironmentType extends Schema.Schema.Type<typeof EnvironmentTypeSchema> {}

const EnvironmentSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  rank: Schema.optional(Schema.Number),
  hidden: Schema.optional(Schema.Boolean),
  environment_type: Schema.optional(EnvironmentType),
  restrictions: Schema.optional(Resource.OpenRecord),
  lock: Schema.optional(Resource.OpenRecord),
  links: Schema.optional(Resource.Links)
})

/**
 * A deployment environment: its `uuid`, `name`, `slug`, its `environment_type` and `rank` among
 * the environments of that type; `restrictions` (who may deploy) and its `lock`. An environment
 * embedded in a deployment may carry only its `uuid`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Environment: Resource.NamedStruct<typeof EnvironmentSchema, Environment> = EnvironmentSchema

/**
 * A deployment environment.
 *
 * @since 0.1.0
 * @category models
 */
export interface Environment extends Schema.Schema.Type<typeof EnvironmentSchema> {}

const ReleaseSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  commit: Schema.optional(Commit),
  created_on: Schema.optional(Schema.String)
})

/**
 * What a deployment deploys: a release `name`, the `commit` and the `url` of the pipeline that
 * built it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Release: Resource.NamedStruct<typeof ReleaseSchema, Release> = ReleaseSchema

/**
 * What a deployment deploys.
 *
 * @since 0.1.0
 * @category models
 */
export interface Release extends Schema.Schema.Type<typeof ReleaseSchema> {}

const StateSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.Union(Schema.Literal("UNDEPLOYED", "IN_PROGRESS", "COMPLETED"), Schema.String)),
  status: Schema.optional(
    Resource.Struct({
      type: Schema.optional(Schema.String),
      name: Schema.optional(Schema.Union(Schema.Literal("SUCCESSFUL", "FAILED", "STOPPED"), Schema.String))
    })
  ),
  deployer: Schema.optional(Account),
  url: Schema.optional(Schema.String),
  trigger_url: Schema.optional(Schema.String),
  start_date: Schema.optional(Schema.String),
  completion_date: Schema.optional(Schema.String)
})

/**
 * A deployment's state: `name` (`UNDEPLOYED`, `IN_PROGRESS`, `COMPLETED`, ...), once completed its
 * `status` (`SUCCESSFUL`, `FAILED`, `STOPPED`, ...), who deployed and when.
 *
 * @since 0.1.0
 * @category schemas
 */
export const State: Resource.NamedStruct<typeof StateSchema, State> = StateSchema

/**
 * A deployment's state.
 *
 * @since 0.1.0
 * @category models
 */
export interface State extends Schema.Schema.Type<typeof StateSchema> {}

const DeploymentSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  number: Schema.optional(Schema.Number),
  environment: Schema.optional(Environment),
  release: Schema.optional(Release),
  state: Schema.optional(State),
  last_update_time: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A deployment: a `release` deployed (or to be deployed) to an `environment`, and its `state`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Deployment: Resource.NamedStruct<typeof DeploymentSchema, Deployment> = DeploymentSchema

/**
 * A deployment.
 *
 * @since 0.1.0
 * @category models
 */
export interface Deployment extends Schema.Schema.Type<typeof DeploymentSchema> {}

const EnvironmentPayloadSchema = Schema.Struct({
  name: Schema.NonEmptyTrimmedString,
  environment_type: Schema.Struct({ name: Schema.Literal("Test", "Staging", "Production") })
})

/**
 * A new environment: its `name` (unique in the repository, whatever the case) and its
 * `environment_type`.
 *
 * @since 0.1.0
 * @category payloads
 */
export const EnvironmentPayload: Resource.NamedStruct<typeof EnvironmentPayloadSchema, EnvironmentPayload> = EnvironmentPayloadSchema

/**
 * The body of {@link createEnvironment}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface EnvironmentPayload extends Schema.Schema.Type<typeof EnvironmentPayloadSchema> {}

/**
 * A deployment, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeploymentRef extends RepositoryRef {
  readonly deployment_uuid: string
}

/**
 * A deployment environment, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvironmentRef extends RepositoryRef {
  readonly environment_uuid: string
}

/**
 * A variable of a deployment environment, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface VariableRef extends EnvironmentRef {
  readonly variable_uuid: string
}

const deployments = "/repositories/{workspace}/{repo_slug}/deployments"
const environments = "/repositories/{workspace}/{repo_slug}/environments"
const environment = `${environments}/{environment_uuid}`
const variables = "/repositories/{workspace}/{repo_slug}/deployments_config/environments/{environment_uuid}/variables"
const variable = `${variables}/{variable_uuid}`

/**
 * A repository's deployments.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Deployment } from "effect-bitbucket"
 *
 * const deployed = Deployment.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.filter((deployment) => deployment.state?.status?.name === "SUCCESSFUL"),
 *   Stream.map((deployment) => deployment.release?.name)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Deployment, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: deployments, params: ref }, Deployment, options).pipe(Stream.withSpan("Bitbucket.Deployment.findForRepository"))

/**
 * A deployment by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const deployment = Deployment.find({ workspace: "demo", repo_slug: "effect-playground", deployment_uuid: "{3f7a…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Deployment.find")(function*(ref: DeploymentRef) {
  return yield* Http.json({ method: "GET", path: `${deployments}/{deployment_uuid}`, params: ref }, Deployment)
})

/**
 * A repository's deployment environments.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Deployment } from "effect-bitbucket"
 *
 * const names = Deployment.findEnvironments({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.map((environment) => `${environment.name} (${environment.environment_type?.name})`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findEnvironments = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Environment, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: environments, params: ref }, Environment, options).pipe(Stream.withSpan("Bitbucket.Deployment.findEnvironments"))

/**
 * A deployment environment by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const environment = Deployment.findEnvironment({ workspace: "demo", repo_slug: "effect-playground", environment_uuid: "{9e2b…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findEnvironment = Effect.fn("Bitbucket.Deployment.findEnvironment")(function*(ref: EnvironmentRef) {
  return yield* Http.json({ method: "GET", path: environment, params: ref }, Environment)
})

/**
 * Adds a deployment environment to a repository (admin access needed). A name the repository has
 * already is `Conflict`.
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const qa = Deployment.createEnvironment({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   name: "QA",
 *   environment_type: { name: "Test" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createEnvironment = Effect.fn("Bitbucket.Deployment.createEnvironment")(function*(
  ref: RepositoryRef,
  payload: EnvironmentPayload
) {
  return yield* Http.jsonWithBody({ method: "POST", path: environments, params: ref }, EnvironmentPayload, payload, Environment)
})

/**
 * Removes a deployment environment, with its variables (admin access needed).
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const removed = Deployment.deleteEnvironment({ workspace: "demo", repo_slug: "effect-playground", environment_uuid: "{9e2b…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteEnvironment = Effect.fn("Bitbucket.Deployment.deleteEnvironment")(function*(ref: EnvironmentRef) {
  return yield* Http.empty({ method: "DELETE", path: environment, params: ref })
})

/**
 * The variables of a deployment environment (admin access to the repository needed). Secured
 * ones come without their `value`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Deployment } from "effect-bitbucket"
 *
 * const keys = Deployment.findVariables({ workspace: "demo", repo_slug: "effect-playground", environment_uuid: "{9e2b…}" }).pipe(
 *   Stream.map((variable) => variable.key)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findVariables = (
  ref: EnvironmentRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Variable, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: variables, params: ref }, Variable, options).pipe(Stream.withSpan("Bitbucket.Deployment.findVariables"))

/**
 * Adds a variable to a deployment environment: the payload of `Pipeline.createVariable`, checked
 * the same way. A key the environment has already is `Conflict`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Deployment } from "effect-bitbucket"
 *
 * const secret = Deployment.createVariable(
 *   { workspace: "demo", repo_slug: "effect-playground", environment_uuid: "{9e2b…}" },
 *   { key: "AWS_SECRET_ACCESS_KEY", value: Redacted.make("…"), secured: true }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createVariable = Effect.fn("Bitbucket.Deployment.createVariable")(function*(ref: EnvironmentRef, payload: VariablePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: variables, params: ref }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Changes a deployment environment's variable (its key, its value and, when given, `secured`: left out, it stays as it was; see `Pipeline.VariablePayload`).
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const changed = Deployment.updateVariable(
 *   { workspace: "demo", repo_slug: "effect-playground", environment_uuid: "{9e2b…}", variable_uuid: "{c04d…}" },
 *   { key: "REGION", value: "eu-central-1" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateVariable = Effect.fn("Bitbucket.Deployment.updateVariable")(function*(ref: VariableRef, payload: VariablePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: variable, params: ref, secrets: updateSecrets(payload) }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Removes a deployment environment's variable.
 *
 * @example
 * ```ts
 * import { Deployment } from "effect-bitbucket"
 *
 * const removed = Deployment.deleteVariable({
 *   workspace: "demo",
 *   repo_slug: "effect-playground",
 *   environment_uuid: "{9e2b…}",
 *   variable_uuid: "{c04d…}"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteVariable = Effect.fn("Bitbucket.Deployment.deleteVariable")(function*(ref: VariableRef) {
  return yield* Http.empty({ method: "DELETE", path: variable, params: ref })
})

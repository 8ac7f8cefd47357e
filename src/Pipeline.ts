/**
 * Bitbucket Pipelines: list a repository's pipeline runs, start one on a branch, tag or commit
 * (with variables, secured ones kept `Redacted`), follow its state, stop it, and read its steps and
 * their logs (a byte `Stream`).
 *
 * Variables configured for every run: a repository's ({@link findVariables}, {@link findVariable},
 * {@link createVariable}, {@link updateVariable}, {@link deleteVariable}) and a workspace's
 * ({@link findWorkspaceVariables} and the other `…WorkspaceVariable` functions). Managing them
 * needs admin access to the repository, or to the workspace. A secured variable's value is sent
 * from a `Redacted` and Bitbucket never returns it. A deployment environment's variables are in
 * `Deployment`, with the same payload.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pipeline, Resource } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   const started = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
 *   const ref = { ...repo, pipeline_uuid: started.uuid! }
 *   const done = yield* Pipeline.awaitCompletion(ref)
 *   const [step] = yield* Stream.runCollect(Pipeline.findSteps(ref))
 *   const log = yield* Resource.collectBytes(Pipeline.stepLog({ ...ref, step_uuid: step!.uuid! }))
 *   return { result: done.state?.result?.name, log: new TextDecoder().decode(log) }
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { securedByDefault } from "./internal/variable.js"
import { countProblem } from "./internal/url.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const StateSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.Union(Schema.Literal("PENDING", "READY", "IN_PROGRESS", "COMPLETED"), Schema.String)),
  result: Schema.optional(
    Resource.Struct({
      type: Schema.optional(Schema.String),
      name: Schema.optional(Schema.Union(Schema.Literal("SUCCESSFUL", "FAILED", "ERROR", "STOPPED", "EXPIRED", "NOT_RUN"), Schema.String))
    })
  ),
  stage: Schema.optional(Resource.OpenRecord)
})

/**
 * A pipeline's or step's state: `name` (`PENDING`, `READY`, `IN_PROGRESS`, `COMPLETED`, ...)
 * and, once completed, its `result` (`SUCCESSFUL`, `FAILED`, `ERROR`, `STOPPED`, a step's
 * `NOT_RUN`, ...); a `stage` says more while in progress (paused, halted).
 *
 * @since 0.1.0
 * @category schemas
 */
export const State: Resource.NamedStruct<typeof StateSchema, State> = StateSchema

/**
 * A pipeline's or step's state.
 *
 * @since 0.1.0
 * @category models
 */
export interface State extends Schema.Schema.Type<typeof StateSchema> {}

const PipelineSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  build_number: Schema.optional(Schema.Number),
  creator: Schema.optional(Account),
  target: Schema.optional(Resource.OpenRecord),
  trigger: Schema.optional(Resource.OpenRecord),
  state: Schema.optional(State),
  created_on: Schema.optional(Schema.String),
  completed_on: Schema.optional(Schema.String),
  build_seconds_used: Schema.optional(Schema.Number),
  links: Schema.optional(Resource.Links)
})

/**
 * A pipeline run: its `uuid`, `build_number`, `target` (branch, tag or commit), `state`, who
 * started it and when.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Pipeline: Resource.NamedStruct<typeof PipelineSchema, Pipeline> = PipelineSchema

/**
 * A pipeline run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pipeline extends Schema.Schema.Type<typeof PipelineSchema> {}

const StepSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  state: Schema.optional(State),
  started_on: Schema.optional(Schema.String),
  completed_on: Schema.optional(Schema.String),
  script_commands: Schema.optional(Schema.Array(Resource.OpenRecord)),
  links: Schema.optional(Resource.Links)
})

/**
 * A step of a pipeline run.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Step: Resource.NamedStruct<typeof StepSchema, Step> = StepSchema

/**
 * A step of a pipeline run.
 *
 * @since 0.1.0
 * @category models
 */
export interface Step extends Schema.Schema.Type<typeof StepSchema> {}

const VariableSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  value: Schema.optional(Schema.String),
  secured: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * A Pipelines variable (a repository's, a workspace's or a deployment environment's): its
 * `uuid`, `key`, whether it is `secured`, and its `value`, which Bitbucket leaves out for a
 * secured variable.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Variable: Resource.NamedStruct<typeof VariableSchema, Variable> = VariableSchema

/**
 * A Pipelines variable.
 *
 * @since 0.1.0
 * @category models
 */
export interface Variable extends Schema.Schema.Type<typeof VariableSchema> {}

/**
 * A repository's variable, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface VariableRef extends RepositoryRef {
  readonly variable_uuid: string
}

/**
 * A workspace's variable, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceVariableRef {
  readonly workspace: string
  readonly variable_uuid: string
}

/**
 * A pipeline run, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PipelineRef extends RepositoryRef {
  readonly pipeline_uuid: string
}

/**
 * A step of a pipeline run, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepRef extends PipelineRef {
  readonly step_uuid: string
}

const Selector = Schema.Struct({
  type: Schema.Literal("default", "branches", "tags", "bookmarks", "custom", "pull-requests"),
  pattern: Schema.optional(Schema.String)
})

const CommitOf = Schema.Struct({ type: Schema.Literal("commit"), hash: Schema.NonEmptyTrimmedString })

const RefTarget = Schema.Struct({
  type: Schema.Literal("pipeline_ref_target"),
  ref_type: Schema.Literal("branch", "tag", "named_branch", "bookmark"),
  ref_name: Schema.NonEmptyTrimmedString,
  /** A commit on the branch or tag to build, instead of its head. */
  commit: Schema.optional(CommitOf),
  selector: Schema.optional(Selector)
})

const CommitTarget = Schema.Struct({
  type: Schema.Literal("pipeline_commit_target"),
  commit: CommitOf,
  selector: Schema.optional(Selector)
})

/** A variable's name as Bitbucket accepts it: ASCII letters, digits and underscores, not starting with a digit. */
const VariableKey = Schema.String.pipe(
  Schema.filter((key) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ||
    `${JSON.stringify(key)} is not a variable name: use ASCII letters, digits and underscores, not starting with a digit`
  )
)

const VariablePayloadSchema = Schema.Struct({
  key: VariableKey,
  value: Schema.Union(Schema.String, Schema.Redacted(Schema.String)),
  secured: Schema.optional(Schema.Boolean)
})

/**
 * A variable to send: its `key` (ASCII letters, digits and underscores, not starting with a
 * digit; another key is `InvalidInput` and nothing is sent), its `value`, and whether it is
 * `secured`. Give a secret's value as a `Redacted`: it is sent as text, and no error, span or log
 * shows it (nor a value marked `secured`; a value under 4 characters cannot be told apart from
 * other text, so an error that holds one is withheld whole). A `Redacted` value is secured unless
 * you say `secured: false`; a plain value with `secured` left out is created unsecured, and an
 * update leaves the variable as it was (only `secured: false` makes a secured one readable). A
 * secured variable's value is never returned by Bitbucket. The same payload serves a
 * run's variables ({@link trigger}), a repository's or workspace's ({@link createVariable}) and a
 * deployment environment's (`Deployment.createVariable`).
 *
 * @since 0.1.0
 * @category payloads
 */
export const VariablePayload: Resource.NamedStruct<typeof VariablePayloadSchema, VariablePayload> = VariablePayloadSchema

/**
 * The body of {@link createVariable} and {@link updateVariable} (and the items of a run's variables).
 *
 * @since 0.1.0
 * @category payloads
 */
export interface VariablePayload extends Schema.Schema.Type<typeof VariablePayloadSchema> {}

const TriggerPayloadSchema = Schema.Struct({
  target: Schema.Union(RefTarget, CommitTarget),
  variables: Schema.optional(Schema.Array(VariablePayload))
})

/**
 * What to run: a `target` (see {@link onBranch}, {@link onTag}, {@link onCommit}; a `selector`
 * picks a custom pipeline) and `variables`. A variable's value may be `Redacted`: it is sent as
 * text and never shown; mark secrets `secured` so that Bitbucket hides them too.
 *
 * @since 0.1.0
 * @category payloads
 */
export const TriggerPayload: Resource.NamedStruct<typeof TriggerPayloadSchema, TriggerPayload> = TriggerPayloadSchema

/**
 * The body of {@link trigger}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface TriggerPayload extends Schema.Schema.Type<typeof TriggerPayloadSchema> {}

/** A custom pipeline's selector, when one is named. */
const customSelector = (custom: string | undefined) =>
  custom === undefined ? {} : { selector: { type: "custom" as const, pattern: custom } }

/**
 * The target of a pipeline on a branch: its head, or `commit` on it; optionally a custom pipeline
 * (`custom: "deploy"`).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const payload = { target: Pipeline.onBranch("main", { custom: "deploy-staging" }) }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const onBranch = (
  name: string,
  options: { readonly custom?: string; readonly commit?: string } = {}
): TriggerPayload["target"] => ({
  type: "pipeline_ref_target",
  ref_type: "branch",
  ref_name: name,
  ...(options.commit === undefined ? {} : { commit: { type: "commit" as const, hash: options.commit } }),
  ...customSelector(options.custom)
})

/**
 * The target of a pipeline on a tag.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const payload = { target: Pipeline.onTag("v1.0.0") }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const onTag = (name: string, options: { readonly custom?: string } = {}): TriggerPayload["target"] => ({
  type: "pipeline_ref_target",
  ref_type: "tag",
  ref_name: name,
  ...customSelector(options.custom)
})

/**
 * The target of a pipeline on a commit (Bitbucket runs a custom pipeline there, named by `custom`).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const payload = { target: Pipeline.onCommit("a1b2c3d4e5f6", { custom: "nightly" }) }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const onCommit = (hash: string, options: { readonly custom?: string } = {}): TriggerPayload["target"] => ({
  type: "pipeline_commit_target",
  commit: { type: "commit", hash },
  ...customSelector(options.custom)
})

const pipelines = "/repositories/{workspace}/{repo_slug}/pipelines"
const pipeline = `${pipelines}/{pipeline_uuid}`
const steps = `${pipeline}/steps`

/**
 * A repository's pipeline runs. Pass `sort: "-created_on"` for the newest first.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const latest = Pipeline.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { sort: "-created_on" }).pipe(
 *   Stream.take(5)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Pipeline, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: pipelines, params: ref }, Pipeline, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findForRepository"))

/**
 * A pipeline run by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const run = Pipeline.find({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Pipeline.find")(function*(ref: PipelineRef) {
  return yield* Http.json({ method: "GET", path: pipeline, params: ref }, Pipeline)
})

/**
 * Starts a pipeline. Bitbucket answers with the new run, usually `PENDING`; an unknown branch or
 * a repository without Pipelines is `BadRequest`. A POST is not retried once it may have reached
 * Bitbucket, so a run is never started twice by the client.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const started = Pipeline.trigger({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   target: Pipeline.onBranch("main", { custom: "deploy" }),
 *   variables: [{ key: "DEPLOY_TOKEN", value: Redacted.make("s3cr3t"), secured: true }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const trigger = Effect.fn("Bitbucket.Pipeline.trigger")(function*(ref: RepositoryRef, payload: TriggerPayload) {
  const variables = payload.variables?.map(securedByDefault)
  return yield* Http.jsonWithBody(
    { method: "POST", path: pipelines, params: ref },
    TriggerPayload,
    variables === undefined ? payload : { ...payload, variables },
    Pipeline
  )
})

/**
 * Asks a running pipeline to stop; one that has completed already is `BadRequest`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const stopped = Pipeline.stop({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const stop = Effect.fn("Bitbucket.Pipeline.stop")(function*(ref: PipelineRef) {
  return yield* Http.empty({ method: "POST", path: `${pipeline}/stopPipeline`, params: ref })
})

/**
 * Polls a pipeline run every `interval` (default 5 seconds) until it has completed, and gives it
 * then; after `maxPolls` (a whole number, at least 1; default 720, an hour at the default
 * interval) a `TransportError` with reason `Timeout`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const done = Pipeline.awaitCompletion(
 *   { workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}" },
 *   { interval: "10 seconds" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const awaitCompletion = Effect.fn("Bitbucket.Pipeline.awaitCompletion")(function*(
  ref: PipelineRef,
  options: { readonly interval?: Duration.DurationInput; readonly maxPolls?: number } = {}
) {
  const problem = countProblem("maxPolls", options.maxPolls, 1)
  if (problem !== undefined) return yield* Effect.fail(new BitbucketError.InvalidInput({ message: problem, parameter: "maxPolls" }))
  const maxPolls = options.maxPolls ?? 720
  for (let poll = 1; poll < maxPolls; poll++) {
    const run = yield* find(ref)
    if (run.state?.name === "COMPLETED") return run
    yield* Effect.sleep(options.interval ?? Duration.seconds(5))
  }
  const last = yield* find(ref)
  if (last.state?.name === "COMPLETED") return last
  return yield* Effect.fail(
    new BitbucketError.TransportError({
      message: `pipeline ${ref.pipeline_uuid} of ${ref.workspace}/${ref.repo_slug} had not completed after ${maxPolls} polls`,
      method: "GET",
      url: yield* Http.resolve({ path: pipeline, params: ref }),
      reason: "Timeout"
    })
  )
})

/**
 * The steps of a pipeline run.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const names = Pipeline.findSteps({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}" }).pipe(
 *   Stream.map((step) => `${step.name}: ${step.state?.result?.name ?? step.state?.name}`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findSteps = (
  ref: PipelineRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Step, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: steps, params: ref }, Step, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findSteps"))

/**
 * A step's log, as bytes streamed while they arrive (`NotFound` until the step has started).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const lines = Pipeline.stepLog({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}", step_uuid: "{0c1f…}" }).pipe(
 *   Stream.decodeText(),
 *   Stream.splitLines
 * )
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const stepLog = (ref: StepRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream({ method: "GET", path: `${steps}/{step_uuid}/log`, params: ref, followRedirects: true }).pipe(
    Stream.withSpan("Bitbucket.Pipeline.stepLog")
  )

const repositoryVariables = "/repositories/{workspace}/{repo_slug}/pipelines_config/variables"
const repositoryVariable = `${repositoryVariables}/{variable_uuid}`
const workspaceVariables = "/workspaces/{workspace}/pipelines-config/variables"
const workspaceVariable = `${workspaceVariables}/{variable_uuid}`

/**
 * A repository's variables (admin access to the repository needed). Secured ones come without
 * their `value`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const keys = Pipeline.findVariables({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.map((variable) => `${variable.key}${variable.secured ? " (secured)" : ` = ${variable.value}`}`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findVariables = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Variable, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: repositoryVariables, params: ref }, Variable, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findVariables"))

/**
 * A repository's variable by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const variable = Pipeline.findVariable({ workspace: "demo", repo_slug: "effect-playground", variable_uuid: "{8d3c…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findVariable = Effect.fn("Bitbucket.Pipeline.findVariable")(function*(ref: VariableRef) {
  return yield* Http.json({ method: "GET", path: repositoryVariable, params: ref }, Variable)
})

/**
 * Adds a variable to a repository's runs. A key the repository has already is `Conflict`; a key
 * Bitbucket would refuse is `InvalidInput`, and nothing is sent.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const token = Pipeline.createVariable(repo, { key: "NPM_TOKEN", value: Redacted.make("npm_…"), secured: true })
 * const mode = Pipeline.createVariable(repo, { key: "MODE", value: "release" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createVariable = Effect.fn("Bitbucket.Pipeline.createVariable")(function*(ref: RepositoryRef, payload: VariablePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: repositoryVariables, params: ref }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Changes a repository's variable: its key, its value and whether it is secured (see
 * {@link VariablePayload}). A secured value cannot be read back, so give it again.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const rotated = Pipeline.updateVariable(
 *   { workspace: "demo", repo_slug: "effect-playground", variable_uuid: "{8d3c…}" },
 *   { key: "NPM_TOKEN", value: Redacted.make("npm_new…"), secured: true }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateVariable = Effect.fn("Bitbucket.Pipeline.updateVariable")(function*(ref: VariableRef, payload: VariablePayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: repositoryVariable, params: ref }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Removes a repository's variable.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const removed = Pipeline.deleteVariable({ workspace: "demo", repo_slug: "effect-playground", variable_uuid: "{8d3c…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteVariable = Effect.fn("Bitbucket.Pipeline.deleteVariable")(function*(ref: VariableRef) {
  return yield* Http.empty({ method: "DELETE", path: repositoryVariable, params: ref })
})

/**
 * A workspace's variables, which every repository of it sees (workspace admins only). Secured
 * ones come without their `value`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const shared = Pipeline.findWorkspaceVariables({ workspace: "acme" }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findWorkspaceVariables = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Variable, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: workspaceVariables, params: ref }, Variable, options).pipe(
    Stream.withSpan("Bitbucket.Pipeline.findWorkspaceVariables")
  )

/**
 * A workspace's variable by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const variable = Pipeline.findWorkspaceVariable({ workspace: "acme", variable_uuid: "{51f0…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findWorkspaceVariable = Effect.fn("Bitbucket.Pipeline.findWorkspaceVariable")(function*(ref: WorkspaceVariableRef) {
  return yield* Http.json({ method: "GET", path: workspaceVariable, params: ref }, Variable)
})

/**
 * Adds a variable to every run in a workspace. A key the workspace has already is `Conflict`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const shared = Pipeline.createWorkspaceVariable({ workspace: "acme" }, {
 *   key: "ARTIFACTORY_TOKEN",
 *   value: Redacted.make("…"),
 *   secured: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createWorkspaceVariable = Effect.fn("Bitbucket.Pipeline.createWorkspaceVariable")(function*(
  ref: { readonly workspace: string },
  payload: VariablePayload
) {
  return yield* Http.jsonWithBody({ method: "POST", path: workspaceVariables, params: ref }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Changes a workspace's variable: its key, its value and `secured` (see {@link VariablePayload}).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const changed = Pipeline.updateWorkspaceVariable({ workspace: "acme", variable_uuid: "{51f0…}" }, { key: "REGION", value: "eu-west-1" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateWorkspaceVariable = Effect.fn("Bitbucket.Pipeline.updateWorkspaceVariable")(function*(
  ref: WorkspaceVariableRef,
  payload: VariablePayload
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: workspaceVariable, params: ref }, VariablePayload, securedByDefault(payload), Variable)
})

/**
 * Removes a workspace's variable.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const removed = Pipeline.deleteWorkspaceVariable({ workspace: "acme", variable_uuid: "{51f0…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteWorkspaceVariable = Effect.fn("Bitbucket.Pipeline.deleteWorkspaceVariable")(function*(ref: WorkspaceVariableRef) {
  return yield* Http.empty({ method: "DELETE", path: workspaceVariable, params: ref })
})

/**
 * Bitbucket Pipelines: list a repository's pipeline runs, start one on a branch, tag, commit or
 * pull request (with variables, secured ones kept `Redacted`), follow its state, stop it, and read its steps and
 * their logs (a byte `Stream`).
 *
 * Variables configured for every run: a repository's ({@link findVariables}, {@link findVariable},
 * {@link createVariable}, {@link updateVariable}, {@link deleteVariable}) and a workspace's
 * ({@link findWorkspaceVariables} and the other `…WorkspaceVariable` functions). Managing them
 * needs admin access to the repository, or to the workspace. A secured variable's value is sent
 * from a `Redacted` and Bitbucket never returns it. A deployment environment's variables are in
 * `Deployment`, with the same payload.
 *
 * OpenID Connect: {@link findOidcConfiguration} and {@link findOidcKeys} read the identity
 * provider that signs a workspace's step ID tokens, for a cloud provider to trust.
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
import { Duration, Effect, Redacted, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import { cronProblem } from "./internal/cron.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import { SshPublicKey } from "./internal/sshKey.js"
import { securedByDefault, updateSecrets } from "./internal/variable.js"
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
      name: Schema.optional(Schema.Union(Schema.Literal("SUCCESSFUL", "FAILED", "ERROR", "STOPPED", "EXPIRED", "NOT_RUN"), Schema.String)),
      /** What went wrong, on an `ERROR` result. */
      error: Schema.optional(Resource.Struct({ type: Schema.optional(Schema.String), key: Schema.optional(Schema.String), message: Schema.optional(Schema.String) }))
    })
  ),
  stage: Schema.optional(Resource.OpenRecord)
})

/**
 * A pipeline's or step's state: `name` (`PENDING`, `READY`, `IN_PROGRESS`, `COMPLETED`, ...)
 * and, once completed, its `result` (`SUCCESSFUL`, `FAILED`, `ERROR`, `STOPPED`, a step's
 * `NOT_RUN`, ...; an `ERROR` says what went wrong in `result.error`, its `key` and `message`); a
 * `stage` says more while in progress (paused, halted).
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

const VariableSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  // null as well as absent: what Bitbucket sends for a secured value is not documented everywhere (a run's variables).
  value: Schema.optional(Schema.NullOr(Schema.String)),
  secured: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * A Pipelines variable (a repository's, a workspace's, a deployment environment's or a run's): its
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

const PipelineSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  build_number: Schema.optional(Schema.Number),
  creator: Schema.optional(Account),
  target: Schema.optional(Resource.OpenRecord),
  trigger: Schema.optional(Resource.OpenRecord),
  state: Schema.optional(State),
  variables: Schema.optional(Schema.Array(Variable)),
  created_on: Schema.optional(Schema.String),
  completed_on: Schema.optional(Schema.String),
  build_seconds_used: Schema.optional(Schema.Number),
  links: Schema.optional(Resource.Links)
})

/**
 * A pipeline run: its `uuid`, `build_number`, `target` (branch, tag, commit or pull request),
 * `state`, who started it and when, and the `variables` it was started with (a secured one
 * without its value).
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

/** A commit of a pull request's target: the spec's example gives its `hash` alone, without `type`. */
const PullRequestCommit = Schema.Struct({ type: Schema.optional(Schema.Literal("commit")), hash: Schema.NonEmptyTrimmedString })

/** A pull request's id: a number, or its digits (as in the spec's example, `"3"`). */
const PullRequestId = Schema.Union(
  Schema.Int.pipe(Schema.positive()),
  Schema.String.pipe(Schema.filter((id) => /^[1-9][0-9]*$/.test(id) || `${JSON.stringify(id)} is not a pull request id`))
)

// The spec's components have no schema for this target: its fields are those of the "Trigger a
// pull request pipeline" example in the description of `POST …/pipelines`.
const PullRequestTarget = Schema.Struct({
  type: Schema.Literal("pipeline_pullrequest_target"),
  /** The pull request's source branch. */
  source: Schema.NonEmptyTrimmedString,
  /** The pull request's destination branch. */
  destination: Schema.NonEmptyTrimmedString,
  /** The source commit to build. */
  commit: Schema.optional(PullRequestCommit),
  /** The destination commit the source is merged with. */
  destination_commit: Schema.optional(PullRequestCommit),
  pullrequest: Schema.Struct({ id: PullRequestId }),
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
  target: Schema.Union(RefTarget, CommitTarget, PullRequestTarget),
  variables: Schema.optional(Schema.Array(VariablePayload))
})

/**
 * What to run: a `target` (see {@link onBranch}, {@link onTag}, {@link onCommit},
 * {@link onPullRequest}; a `selector` picks a custom pipeline, or a `pull-requests` one) and
 * `variables`. A variable's value may be `Redacted`: it is sent as
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
  options: { readonly custom?: string | undefined; readonly commit?: string | undefined } = {}
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
export const onTag = (name: string, options: { readonly custom?: string | undefined } = {}): TriggerPayload["target"] => ({
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
export const onCommit = (hash: string, options: { readonly custom?: string | undefined } = {}): TriggerPayload["target"] => ({
  type: "pipeline_commit_target",
  commit: { type: "commit", hash },
  ...customSelector(options.custom)
})

/**
 * A pull request, as {@link onPullRequest} takes it: a `PullRequest` resource (or one from a
 * webhook's payload), or its `id` and the names of its `source` and `destination` branches.
 *
 * @since 0.1.0
 * @category models
 */
export interface PullRequestLike {
  readonly id?: number | string | undefined
  readonly source?: string | PullRequestSide | undefined
  readonly destination?: string | PullRequestSide | undefined
}

/**
 * The source or destination of a {@link PullRequestLike}: its branch and, when known, its commit.
 *
 * @since 0.1.0
 * @category models
 */
export interface PullRequestSide {
  readonly branch?: { readonly name?: string | undefined } | undefined
  readonly commit?: { readonly hash?: string | undefined } | null | undefined
}

const sideBranch = (side: string | PullRequestSide | undefined) => typeof side === "string" ? side : side?.branch?.name ?? ""
const sideCommit = (side: string | PullRequestSide | undefined) => typeof side === "string" ? undefined : side?.commit?.hash

/**
 * The target of a pull request's pipeline (`bitbucket-pipelines.yml`'s `pull-requests`
 * section): Bitbucket builds the source `commit` merged with the `destinationCommit`. Both default
 * to the commits the pull request you pass carries (a `PullRequest` resource carries both); give
 * them when you pass bare branch names. `pattern` names the `pull-requests` definition to run (the
 * spec's example gives `"**"`); leave it out to let Bitbucket choose. The pull request's id is
 * sent as text, as in the spec's example. A missing id or branch is `InvalidInput` when the
 * payload is sent, and nothing is sent.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Pipeline, PullRequest } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * // From a pull request you hold: its branches and both commits.
 * const checked = Effect.gen(function*() {
 *   const pr = yield* PullRequest.find({ ...repo, pull_request_id: 1 })
 *   return yield* Pipeline.trigger(repo, { target: Pipeline.onPullRequest(pr, { pattern: "**" }) })
 * })
 * // From its id and branch names, with the commits to build.
 * const target = Pipeline.onPullRequest(
 *   { id: 3, source: "feature/streams", destination: "main" },
 *   { commit: "1a372fc", destinationCommit: "9f848b7" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const onPullRequest = (
  pr: PullRequestLike,
  options: {
    readonly commit?: string | undefined
    readonly destinationCommit?: string | undefined
    readonly pattern?: string | undefined
  } = {}
): TriggerPayload["target"] => {
  const commit = options.commit ?? sideCommit(pr.source)
  const destinationCommit = options.destinationCommit ?? sideCommit(pr.destination)
  return {
    type: "pipeline_pullrequest_target",
    source: sideBranch(pr.source),
    destination: sideBranch(pr.destination),
    ...(commit === undefined ? {} : { commit: { type: "commit" as const, hash: commit } }),
    ...(destinationCommit === undefined ? {} : { destination_commit: { type: "commit" as const, hash: destinationCommit } }),
    pullrequest: { id: pr.id === undefined ? "" : String(pr.id) },
    ...(options.pattern === undefined ? {} : { selector: { type: "pull-requests" as const, pattern: options.pattern } })
  }
}

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
 * The ref of a pipeline run you hold, read from its `links.self` (its repository and
 * `pipeline_uuid`), so that runs listed or triggered need no ref built by hand. Fails with
 * `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const stopRunning = Pipeline.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.filter((run) => run.state?.name === "IN_PROGRESS"),
 *   Stream.mapEffect((run) => Effect.flatMap(Pipeline.refOf(run), Pipeline.stop)),
 *   Stream.runDrain
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (run: Pipeline): Effect.Effect<PipelineRef, BitbucketError.InvalidInput> =>
  refFromSelf<PipelineRef>(run, pipeline, "pipeline run")

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
 * then, whatever its result: a run that ended `FAILED`, `ERROR` or `STOPPED` is a run, not an
 * error (read `state.result`). After `maxPolls` (a whole number, at least 1; default 720, an
 * hour at the default interval) a `Pending` error (the run goes on: its `url` is the run's).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const ref = { workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}" }
 * // The log of the step that failed, or of none when the run succeeded.
 * const failure = Effect.gen(function*() {
 *   const done = yield* Pipeline.awaitCompletion(ref, { interval: "10 seconds" })
 *   if (done.state?.result?.name === "SUCCESSFUL") return undefined
 *   const steps = yield* Stream.runCollect(Pipeline.findSteps(ref))
 *   const failed = Array.from(steps).find((step) => step.state?.result?.name !== "SUCCESSFUL")
 *   if (failed === undefined) return done.state?.result?.error?.message
 *   return yield* Pipeline.stepLog({ ...ref, step_uuid: failed.uuid! }).pipe(Stream.decodeText(), Stream.mkString)
 * })
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const awaitCompletion = Effect.fn("Bitbucket.Pipeline.awaitCompletion")(function*(
  ref: PipelineRef,
  options: { readonly interval?: Duration.DurationInput | undefined; readonly maxPolls?: number | undefined } = {}
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
    new BitbucketError.Pending({
      message: `pipeline ${ref.pipeline_uuid} of ${ref.workspace}/${ref.repo_slug} had not completed after ${maxPolls} polls (state ${last.state?.name ?? "unknown"})`,
      method: "GET",
      url: yield* Http.resolve({ path: pipeline, params: ref }),
      polls: maxPolls
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
  return yield* Http.jsonWithBody({ method: "PUT", path: repositoryVariable, params: ref, secrets: updateSecrets(payload) }, VariablePayload, securedByDefault(payload), Variable)
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
  return yield* Http.jsonWithBody({ method: "PUT", path: workspaceVariable, params: ref, secrets: updateSecrets(payload) }, VariablePayload, securedByDefault(payload), Variable)
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

// ---------------------------------------------------------------------------------------------
// Repository settings: Pipelines on or off, the next build number
// ---------------------------------------------------------------------------------------------

const ConfigSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  enabled: Schema.optional(Schema.Boolean),
  repository: Schema.optional(Resource.OpenRecord)
})

/**
 * A repository's Pipelines settings: whether Pipelines is `enabled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Config: Resource.NamedStruct<typeof ConfigSchema, Config> = ConfigSchema

/**
 * A repository's Pipelines settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Config extends Schema.Schema.Type<typeof ConfigSchema> {}

/** The body of a settings or schedule update: whether it is on. */
const EnabledPayload = Schema.Struct({ enabled: Schema.Boolean })

const BuildNumberSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  next: Schema.optional(Schema.Number)
})

/**
 * The build number the next run of a repository gets (`next`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildNumber: Resource.NamedStruct<typeof BuildNumberSchema, BuildNumber> = BuildNumberSchema

/**
 * The build number the next run gets.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildNumber extends Schema.Schema.Type<typeof BuildNumberSchema> {}

const BuildNumberPayload = Schema.Struct({ next: Schema.Int.pipe(Schema.positive()) })

const config = "/repositories/{workspace}/{repo_slug}/pipelines_config"

/**
 * Whether Pipelines is enabled on a repository (admin access to the repository needed).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const enabled = Pipeline.findConfig({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findConfig = Effect.fn("Bitbucket.Pipeline.findConfig")(function*(ref: RepositoryRef) {
  return yield* Http.json({ method: "GET", path: config, params: ref }, Config)
})

/**
 * Turns Pipelines on or off for a repository (admin access needed). While it is off, starting a
 * run is `BadRequest`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const off = Pipeline.updateConfig({ workspace: "demo", repo_slug: "effect-playground" }, { enabled: false })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateConfig = Effect.fn("Bitbucket.Pipeline.updateConfig")(function*(
  ref: RepositoryRef,
  payload: { readonly enabled: boolean }
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: config, params: ref }, EnabledPayload, payload, Config)
})

/**
 * Sets the build number of a repository's next run: a whole number above 0 (else `InvalidInput`,
 * and nothing is sent) and above the latest run's (else `BadRequest`, from Bitbucket).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const renumbered = Pipeline.setNextBuildNumber({ workspace: "demo", repo_slug: "effect-playground" }, 1000)
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const setNextBuildNumber = Effect.fn("Bitbucket.Pipeline.setNextBuildNumber")(function*(ref: RepositoryRef, next: number) {
  return yield* Http.jsonWithBody({ method: "PUT", path: `${config}/build_number`, params: ref }, BuildNumberPayload, { next }, BuildNumber)
})

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

const ScheduleSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  enabled: Schema.optional(Schema.Boolean),
  cron_pattern: Schema.optional(Schema.String),
  target: Schema.optional(Resource.OpenRecord),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A schedule that runs a branch's pipeline: its `uuid`, `target` (the branch and the pipeline's
 * selector), `cron_pattern` (UTC) and whether it is `enabled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Schedule: Resource.NamedStruct<typeof ScheduleSchema, Schedule> = ScheduleSchema

/**
 * A pipeline schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Schedule extends Schema.Schema.Type<typeof ScheduleSchema> {}

/**
 * A repository's schedule, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScheduleRef extends RepositoryRef {
  readonly schedule_uuid: string
}

const ScheduleExecutionSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  pipeline: Schema.optional(Pipeline),
  error: Schema.optional(Resource.OpenRecord)
})

/**
 * One time a schedule fired: `pipeline_schedule_execution_executed` with the `pipeline` it
 * started, or `pipeline_schedule_execution_errored` with the `error` that kept it from starting.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ScheduleExecution: Resource.NamedStruct<typeof ScheduleExecutionSchema, ScheduleExecution> = ScheduleExecutionSchema

/**
 * One time a schedule fired.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScheduleExecution extends Schema.Schema.Type<typeof ScheduleExecutionSchema> {}

/** A Quartz-style cron pattern with seconds, as Bitbucket's schedules take it. */
const CronPattern = Schema.String.pipe(Schema.filter((pattern) => cronProblem(pattern) ?? true))

const ScheduleTarget = Schema.Struct({
  type: Schema.Literal("pipeline_ref_target"),
  ref_type: Schema.Literal("branch"),
  ref_name: Schema.NonEmptyTrimmedString,
  selector: Schema.Struct({ type: Schema.Literal("branches", "custom"), pattern: Schema.NonEmptyTrimmedString })
})

const SchedulePayloadSchema = Schema.Struct({
  target: ScheduleTarget,
  cron_pattern: CronPattern,
  enabled: Schema.optional(Schema.Boolean)
})

/**
 * A schedule to create: a branch `target` (see {@link scheduleOnBranch}), a `cron_pattern` of 7
 * fields with seconds first, Quartz-style, in UTC (`"0 0 2 * * ? *"` is 02:00 every day, `"0 0 9
 * ? * MON-FRI *"` 09:00 on weekdays; exactly one of day-of-month and day-of-week is `?`), and
 * `enabled` (Bitbucket's default: true). A pattern of another shape is `InvalidInput`, and
 * nothing is sent.
 *
 * @since 0.1.0
 * @category payloads
 */
export const SchedulePayload: Resource.NamedStruct<typeof SchedulePayloadSchema, SchedulePayload> = SchedulePayloadSchema

/**
 * The body of {@link createSchedule}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface SchedulePayload extends Schema.Schema.Type<typeof SchedulePayloadSchema> {}

/**
 * The target of a schedule: the pipeline of a branch (`bitbucket-pipelines.yml`'s `branches`
 * entry for it), or with `custom` one of its custom pipelines.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const nightly = { target: Pipeline.scheduleOnBranch("main", { custom: "nightly" }), cron_pattern: "0 0 2 * * ? *" }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const scheduleOnBranch = (name: string, options: { readonly custom?: string | undefined } = {}): SchedulePayload["target"] => ({
  type: "pipeline_ref_target",
  ref_type: "branch",
  ref_name: name,
  selector: options.custom === undefined ? { type: "branches", pattern: name } : { type: "custom", pattern: options.custom }
})

const schedules = `${config}/schedules`
const schedule = `${schedules}/{schedule_uuid}`

/**
 * A repository's pipeline schedules.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const active = Pipeline.findSchedules({ workspace: "demo", repo_slug: "effect-playground" }).pipe(Stream.filter((s) => s.enabled === true))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findSchedules = (
  ref: RepositoryRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<Schedule, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: schedules, params: ref }, Schedule, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findSchedules"))

/**
 * A pipeline schedule by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const nightly = Pipeline.findSchedule({ workspace: "demo", repo_slug: "effect-playground", schedule_uuid: "{3f2a…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findSchedule = Effect.fn("Bitbucket.Pipeline.findSchedule")(function*(ref: ScheduleRef) {
  return yield* Http.json({ method: "GET", path: schedule, params: ref }, Schedule)
})

/**
 * Schedules a branch's pipeline (write access needed). A cron pattern that is not 7 Quartz
 * fields is `InvalidInput` before anything is sent; an unknown branch is `BadRequest`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const nightly = Pipeline.createSchedule({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   target: Pipeline.scheduleOnBranch("main"),
 *   cron_pattern: "0 0 2 * * ? *"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createSchedule = Effect.fn("Bitbucket.Pipeline.createSchedule")(function*(ref: RepositoryRef, payload: SchedulePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: schedules, params: ref }, SchedulePayload, payload, Schedule)
})

/**
 * Pauses (`enabled: false`) or resumes a schedule. Its target and pattern cannot change: make a
 * new schedule for that.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const paused = Pipeline.updateSchedule({ workspace: "demo", repo_slug: "effect-playground", schedule_uuid: "{3f2a…}" }, { enabled: false })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateSchedule = Effect.fn("Bitbucket.Pipeline.updateSchedule")(function*(
  ref: ScheduleRef,
  payload: { readonly enabled: boolean }
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: schedule, params: ref }, EnabledPayload, payload, Schedule)
})

/**
 * Removes a schedule.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const removed = Pipeline.deleteSchedule({ workspace: "demo", repo_slug: "effect-playground", schedule_uuid: "{3f2a…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteSchedule = Effect.fn("Bitbucket.Pipeline.deleteSchedule")(function*(ref: ScheduleRef) {
  return yield* Http.empty({ method: "DELETE", path: schedule, params: ref })
})

/**
 * The times a schedule fired: the runs it started, or why it could not.
 *
 * @example
 * ```ts
 * import { Option, Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const started = Pipeline.findScheduleExecutions({ workspace: "demo", repo_slug: "effect-playground", schedule_uuid: "{3f2a…}" }).pipe(
 *   Stream.filterMap((execution) => Option.fromNullable(execution.pipeline?.build_number))
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findScheduleExecutions = (
  ref: ScheduleRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<ScheduleExecution, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${schedule}/executions`, params: ref }, ScheduleExecution, options).pipe(
    Stream.withSpan("Bitbucket.Pipeline.findScheduleExecutions")
  )

// ---------------------------------------------------------------------------------------------
// Caches
// ---------------------------------------------------------------------------------------------

const CacheSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  pipeline_uuid: Schema.optional(Schema.String),
  step_uuid: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  key_hash: Schema.optional(Schema.String),
  path: Schema.optional(Schema.String),
  file_size_bytes: Schema.optional(Schema.Number),
  created_on: Schema.optional(Schema.String)
})

/**
 * A saved Pipelines cache (a version of it): its `uuid`, `name` (`node`, `docker`, a custom
 * one), the `path` it holds, its size, and the run and step that saved it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Cache: Resource.NamedStruct<typeof CacheSchema, Cache> = CacheSchema

/**
 * A saved Pipelines cache.
 *
 * @since 0.1.0
 * @category models
 */
export interface Cache extends Schema.Schema.Type<typeof CacheSchema> {}

/**
 * A repository's cache, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheRef extends RepositoryRef {
  readonly cache_uuid: string
}

const caches = "/repositories/{workspace}/{repo_slug}/pipelines-config/caches"
const cache = `${caches}/{cache_uuid}`

/**
 * A repository's saved caches.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const bytes = Pipeline.findCaches({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.runFold(0, (total, cache) => total + (cache.file_size_bytes ?? 0))
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findCaches = (
  ref: RepositoryRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<Cache, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: caches, params: ref }, Cache, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findCaches"))

/**
 * Removes one saved cache (the next run saves it anew).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const cleared = Pipeline.deleteCache({ workspace: "demo", repo_slug: "effect-playground", cache_uuid: "{9e1d…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteCache = Effect.fn("Bitbucket.Pipeline.deleteCache")(function*(ref: CacheRef) {
  return yield* Http.empty({ method: "DELETE", path: cache, params: ref })
})

/**
 * Removes every saved version of the cache called `name` (`NotFound` when there is none; an
 * empty name is `InvalidInput`).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const cleared = Pipeline.deleteCachesByName({ workspace: "demo", repo_slug: "effect-playground" }, "node")
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteCachesByName = Effect.fn("Bitbucket.Pipeline.deleteCachesByName")(function*(ref: RepositoryRef, name: string) {
  if (name.trim() === "") {
    return yield* Effect.fail(new BitbucketError.InvalidInput({ message: "a cache's name must not be empty", parameter: "name" }))
  }
  return yield* Http.empty({ method: "DELETE", path: caches, params: ref, query: { name } })
})

const CacheContentUri = Resource.Struct({ uri: Schema.String })

/**
 * Where a saved cache's archive can be downloaded: a short-lived link, often on a content host
 * (fetch it without Bitbucket credentials).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const url = Pipeline.cacheContentUrl({ workspace: "demo", repo_slug: "effect-playground", cache_uuid: "{9e1d…}" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const cacheContentUrl = Effect.fn("Bitbucket.Pipeline.cacheContentUrl")(function*(ref: CacheRef) {
  const answer = yield* Http.json({ method: "GET", path: `${cache}/content-uri`, params: ref }, CacheContentUri)
  return answer.uri
})

// ---------------------------------------------------------------------------------------------
// SSH: the repository's key pair and known hosts
// ---------------------------------------------------------------------------------------------

const SshKeyPairSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  public_key: Schema.optional(Schema.String)
})

/**
 * The SSH key pair of a repository's runs, as Bitbucket shows it: the `public_key` only (the
 * private key is write-only).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SshKeyPair: Resource.NamedStruct<typeof SshKeyPairSchema, SshKeyPair> = SshKeyPairSchema

/**
 * The SSH key pair of a repository's runs, its public half.
 *
 * @since 0.1.0
 * @category models
 */
export interface SshKeyPair extends Schema.Schema.Type<typeof SshKeyPairSchema> {}

const PrivateKey = Schema.Redacted(Schema.String).pipe(
  Schema.filter((key) =>
    /^-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z0-9]+ )?PRIVATE KEY-----\s*$/.test(Redacted.value(key).trim()) ||
    "must be a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----); not shown"
  )
)

const SshKeyPairPayloadSchema = Schema.Struct({
  private_key: PrivateKey,
  public_key: SshPublicKey
})

/**
 * A key pair to set: the `private_key` as a `Redacted` (PEM or OpenSSH; sent as text, never
 * shown by an error, a span or a log, even when Bitbucket echoes it) and its `public_key` in
 * OpenSSH form, on one line. Anything else is `InvalidInput`, and nothing is sent.
 *
 * @since 0.1.0
 * @category payloads
 */
export const SshKeyPairPayload: Resource.NamedStruct<typeof SshKeyPairPayloadSchema, SshKeyPairPayload> = SshKeyPairPayloadSchema

/**
 * The body of {@link setSshKeyPair}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface SshKeyPairPayload extends Schema.Schema.Type<typeof SshKeyPairPayloadSchema> {}

const keyPair = `${config}/ssh/key_pair`

/**
 * The public half of a repository's Pipelines SSH key pair (`NotFound` when none is set). A
 * `private_key` in the answer is dropped: Bitbucket sends it empty, and it is never needed.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const publicKey = Pipeline.findSshKeyPair({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findSshKeyPair = Effect.fn("Bitbucket.Pipeline.findSshKeyPair")(function*(ref: RepositoryRef) {
  const { private_key: _, ...pair } = yield* Http.json({ method: "GET", path: keyPair, params: ref }, SshKeyPair)
  return pair as SshKeyPair
})

/**
 * Sets (or replaces) the SSH key pair a repository's runs use as their identity. The private key
 * is a `Redacted`: it is sent as text, and no error shows it, even one whose body quotes it.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * declare const privateKey: string // read from a vault
 * const pair = Pipeline.setSshKeyPair({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   private_key: Redacted.make(privateKey),
 *   public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com"
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const setSshKeyPair = Effect.fn("Bitbucket.Pipeline.setSshKeyPair")(function*(ref: RepositoryRef, payload: SshKeyPairPayload) {
  // A plain string (from untyped code) would be quoted by the schema's error: refused without it.
  if (!Redacted.isRedacted(payload.private_key)) {
    return yield* Effect.fail(
      new BitbucketError.InvalidInput({ message: "invalid payload.private_key: give the private key as a Redacted (not shown)", parameter: "payload.private_key" })
    )
  }
  const secrets = [Redacted.value(payload.private_key)]
  const { private_key: _, ...pair } = yield* Http.jsonWithBody(
    { method: "PUT", path: keyPair, params: ref, secrets },
    SshKeyPairPayload,
    payload,
    SshKeyPair
  )
  return pair as SshKeyPair
})

/**
 * Removes a repository's SSH key pair (`NotFound` when none is set).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const removed = Pipeline.deleteSshKeyPair({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteSshKeyPair = Effect.fn("Bitbucket.Pipeline.deleteSshKeyPair")(function*(ref: RepositoryRef) {
  return yield* Http.empty({ method: "DELETE", path: keyPair, params: ref })
})

const HostKeySchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  key_type: Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  md5_fingerprint: Schema.optional(Schema.String),
  sha256_fingerprint: Schema.optional(Schema.String)
})

const KnownHostSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  hostname: Schema.optional(Schema.String),
  public_key: Schema.optional(HostKeySchema)
})

/**
 * A host a repository's runs trust over SSH: its `hostname` (`example.com`, `[example.com]:2222`)
 * and `public_key` (`key_type`, base64 `key`, fingerprints).
 *
 * @since 0.1.0
 * @category schemas
 */
export const KnownHost: Resource.NamedStruct<typeof KnownHostSchema, KnownHost> = KnownHostSchema

/**
 * A known host of a repository's runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface KnownHost extends Schema.Schema.Type<typeof KnownHostSchema> {}

/**
 * A repository's known host, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface KnownHostRef extends RepositoryRef {
  readonly known_host_uuid: string
}

/** What is wrong with a known host's name, said so that the fix is plain; undefined when it is fine. */
const hostnameProblem = (host: string): string | undefined => {
  if (/[\r\n]/.test(host)) {
    return "must be one host with one key, but the text has several key lines (ssh-keyscan gives a key of each type): add each as its own known host, or ask for one type (ssh-keyscan -t ed25519)"
  }
  if (/^@(cert-authority|revoked)$/.test(host)) {
    return `a ${host} line is not a host's key: a known host is a host name and that host's own public key`
  }
  if (host.startsWith("|")) return "is hashed (ssh-keyscan -H, HashKnownHosts): Bitbucket needs the host's name; run ssh-keyscan without -H"
  if (host.includes(",")) return "names several hosts (a,b): a known host has one name; add one for each"
  return /^(\[[^\s\]]+\]:\d{1,5}|[^\s[\],]+)$/.test(host) ? undefined : "must be a host name or [host]:port, without spaces"
}

const KnownHostPayloadSchema = Schema.Struct({
  hostname: Schema.String.pipe(Schema.filter((host) => hostnameProblem(host) ?? true)),
  public_key: Schema.Struct({
    key_type: Schema.String.pipe(Schema.filter((t) => /^(ssh-[a-z0-9]+|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+)$/.test(t) || "must be an SSH key type such as ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256")),
    key: Schema.String.pipe(Schema.filter((k) => /^AAAA[A-Za-z0-9+/]+={0,3}$/.test(k) || "must be the key's base64 blob (AAAA…), without its type or a comment"))
  })
})

/**
 * A known host to add or change: its `hostname` and `public_key` (`key_type` and base64 `key`;
 * {@link knownHost} makes one from a `known_hosts` or `ssh-keyscan` line).
 *
 * @since 0.1.0
 * @category payloads
 */
export const KnownHostPayload: Resource.NamedStruct<typeof KnownHostPayloadSchema, KnownHostPayload> = KnownHostPayloadSchema

/**
 * The body of {@link createKnownHost} and {@link updateKnownHost}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface KnownHostPayload extends Schema.Schema.Type<typeof KnownHostPayloadSchema> {}

/**
 * A known host's payload from a line of `known_hosts` or `ssh-keyscan` output (`host type key
 * [comment]`). Comment lines (`# host:22 SSH-2.0-…`, as `ssh-keyscan` prints them) and blank
 * lines are skipped. What a known host cannot hold is refused by the payload's check
 * (`InvalidInput` naming `payload.hostname`, nothing sent), saying why: several key lines (ask
 * `ssh-keyscan -t` for one type), a hashed name (`|1|…`, from `ssh-keyscan -H`), a
 * `@cert-authority` or `@revoked` line, several hosts on one line (`a,b`).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const host = Pipeline.knownHost("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const knownHost = (line: string): KnownHostPayload => {
  const lines = line.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
  // Several keys: the lines go as the name, which the payload's check refuses saying so.
  if (lines.length > 1) return { hostname: lines.join("\n"), public_key: { key_type: "", key: "" } }
  const [hostname = "", key_type = "", key = ""] = (lines[0] ?? "").split(/\s+/)
  return { hostname, public_key: { key_type, key } }
}

const knownHosts = `${config}/ssh/known_hosts`
const knownHostPath = `${knownHosts}/{known_host_uuid}`

/**
 * The hosts a repository's runs trust over SSH.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const hosts = Pipeline.findKnownHosts({ workspace: "demo", repo_slug: "effect-playground" }).pipe(Stream.map((h) => h.hostname))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findKnownHosts = (
  ref: RepositoryRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<KnownHost, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: knownHosts, params: ref }, KnownHost, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findKnownHosts"))

/**
 * A known host by its `{uuid}`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const host = Pipeline.findKnownHost({ workspace: "demo", repo_slug: "effect-playground", known_host_uuid: "{77c0…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findKnownHost = Effect.fn("Bitbucket.Pipeline.findKnownHost")(function*(ref: KnownHostRef) {
  return yield* Http.json({ method: "GET", path: knownHostPath, params: ref }, KnownHost)
})

/**
 * Trusts a host in a repository's runs. A hostname the repository trusts already is `Conflict`.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const trusted = Pipeline.createKnownHost(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   Pipeline.knownHost("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8")
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createKnownHost = Effect.fn("Bitbucket.Pipeline.createKnownHost")(function*(ref: RepositoryRef, payload: KnownHostPayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: knownHosts, params: ref }, KnownHostPayload, payload, KnownHost)
})

/**
 * Changes a known host: its name or its key (after the host's key was rotated).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const rotated = Pipeline.updateKnownHost(
 *   { workspace: "demo", repo_slug: "effect-playground", known_host_uuid: "{77c0…}" },
 *   Pipeline.knownHost("git.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc")
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateKnownHost = Effect.fn("Bitbucket.Pipeline.updateKnownHost")(function*(ref: KnownHostRef, payload: KnownHostPayload) {
  return yield* Http.jsonWithBody({ method: "PUT", path: knownHostPath, params: ref }, KnownHostPayload, payload, KnownHost)
})

/**
 * Stops trusting a host.
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const removed = Pipeline.deleteKnownHost({ workspace: "demo", repo_slug: "effect-playground", known_host_uuid: "{77c0…}" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const deleteKnownHost = Effect.fn("Bitbucket.Pipeline.deleteKnownHost")(function*(ref: KnownHostRef) {
  return yield* Http.empty({ method: "DELETE", path: knownHostPath, params: ref })
})

// ---------------------------------------------------------------------------------------------
// Test reports of a step
// ---------------------------------------------------------------------------------------------

const TestReportSummarySchema = Resource.Struct({
  number_of_test_cases: Schema.optional(Schema.Number),
  number_of_successful_test_cases: Schema.optional(Schema.Number),
  number_of_failed_test_cases: Schema.optional(Schema.Number),
  number_of_error_test_cases: Schema.optional(Schema.Number),
  number_of_skipped_test_cases: Schema.optional(Schema.Number)
})

/**
 * What the test reports of a step add up to: how many test cases, and how many of them passed,
 * failed, erred or were skipped. (The spec leaves the shape open; these are the fields Bitbucket
 * sends, and any other is kept.)
 *
 * @since 0.1.0
 * @category schemas
 */
export const TestReportSummary: Resource.NamedStruct<typeof TestReportSummarySchema, TestReportSummary> = TestReportSummarySchema

/**
 * The summary of a step's test reports.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestReportSummary extends Schema.Schema.Type<typeof TestReportSummarySchema> {}

const TestCaseSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  fully_qualified_name: Schema.optional(Schema.String),
  package_name: Schema.optional(Schema.String),
  class_name: Schema.optional(Schema.String),
  suite_name: Schema.optional(Schema.String),
  status: Schema.optional(Schema.Union(Schema.Literal("SUCCESS", "FAILED", "ERROR", "SKIPPED"), Schema.String)),
  duration: Schema.optional(Schema.String)
})

/**
 * A test case of a step's test reports: its `uuid`, `name` and `fully_qualified_name`, `status`
 * (`SUCCESS`, `FAILED`, `ERROR`, `SKIPPED`, ...) and `duration` (ISO 8601, `PT0.042S`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TestCase: Resource.NamedStruct<typeof TestCaseSchema, TestCase> = TestCaseSchema

/**
 * A test case of a step.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCase extends Schema.Schema.Type<typeof TestCaseSchema> {}

/**
 * A test case of a step, by its `{uuid}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCaseRef extends StepRef {
  readonly test_case_uuid: string
}

const TestCaseReasonSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  output: Schema.optional(Schema.String)
})

/**
 * Why a test case ended as it did: the failure's `message` and the test's `output` (a stack
 * trace, what it printed).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TestCaseReason: Resource.NamedStruct<typeof TestCaseReasonSchema, TestCaseReason> = TestCaseReasonSchema

/**
 * Why a test case ended as it did.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestCaseReason extends Schema.Schema.Type<typeof TestCaseReasonSchema> {}

const testReports = `${steps}/{step_uuid}/test_reports`

/**
 * The summary of a step's test reports (`NotFound` when the step reported none, or has not
 * finished).
 *
 * @example
 * ```ts
 * import { Pipeline } from "effect-bitbucket"
 *
 * const summary = Pipeline.findTestReports({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}", step_uuid: "{0c1f…}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findTestReports = Effect.fn("Bitbucket.Pipeline.findTestReports")(function*(ref: StepRef) {
  return yield* Http.json({ method: "GET", path: testReports, params: ref }, TestReportSummary)
})

/**
 * The test cases a step reported.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const failed = Pipeline.findTestCases({ workspace: "demo", repo_slug: "effect-playground", pipeline_uuid: "{6b4d…}", step_uuid: "{0c1f…}" }).pipe(
 *   Stream.filter((test) => test.status === "FAILED")
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findTestCases = (
  ref: StepRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<TestCase, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${testReports}/test_cases`, params: ref }, TestCase, options).pipe(Stream.withSpan("Bitbucket.Pipeline.findTestCases"))

/**
 * Why a test case failed (or was skipped): its messages and output.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const output = Pipeline.findTestCaseReasons({
 *   workspace: "demo",
 *   repo_slug: "effect-playground",
 *   pipeline_uuid: "{6b4d…}",
 *   step_uuid: "{0c1f…}",
 *   test_case_uuid: "{5e0b…}"
 * }).pipe(Stream.map((reason) => reason.output ?? reason.message ?? ""))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findTestCaseReasons = (
  ref: TestCaseRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<TestCaseReason, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${testReports}/test_cases/{test_case_uuid}/test_case_reasons`, params: ref }, TestCaseReason, options).pipe(
    Stream.withSpan("Bitbucket.Pipeline.findTestCaseReasons")
  )

// ---------------------------------------------------------------------------------------------
// OpenID Connect: the identity provider of a workspace's runs
// ---------------------------------------------------------------------------------------------

const OidcConfigurationSchema = Resource.Struct({
  issuer: Schema.String,
  jwks_uri: Schema.String,
  subject_types_supported: Schema.optional(Schema.Array(Schema.String)),
  response_types_supported: Schema.optional(Schema.Array(Schema.String)),
  claims_supported: Schema.optional(Schema.Array(Schema.String)),
  id_token_signing_alg_values_supported: Schema.optional(Schema.Array(Schema.String)),
  scopes_supported: Schema.optional(Schema.Array(Schema.String))
})

/**
 * The OpenID Connect discovery document of a workspace's Pipelines identity provider: its
 * `issuer` (the URL a cloud provider is told to trust), the `jwks_uri` of its signing keys, and
 * what its ID tokens hold (`claims_supported`, `id_token_signing_alg_values_supported`, ...).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OidcConfiguration: Resource.NamedStruct<typeof OidcConfigurationSchema, OidcConfiguration> = OidcConfigurationSchema

/**
 * The OpenID Connect discovery document of a workspace's Pipelines.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcConfiguration extends Schema.Schema.Type<typeof OidcConfigurationSchema> {}

const OidcKeySchema = Resource.Struct({
  kty: Schema.String,
  kid: Schema.optional(Schema.String),
  alg: Schema.optional(Schema.String),
  use: Schema.optional(Schema.String),
  n: Schema.optional(Schema.String),
  e: Schema.optional(Schema.String)
})

/**
 * A JSON Web Key that signs a workspace's Pipelines ID tokens: its type (`kty`, `RSA`), id
 * (`kid`, the one a token's header names), `alg` and `use`, and an RSA key's modulus `n` and
 * exponent `e` (base64url).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OidcKey: Resource.NamedStruct<typeof OidcKeySchema, OidcKey> = OidcKeySchema

/**
 * A signing key of a workspace's Pipelines ID tokens.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcKey extends Schema.Schema.Type<typeof OidcKeySchema> {}

const OidcKeysSchema = Resource.Struct({ keys: Schema.Array(OidcKey) })

/**
 * The JSON Web Key Set of a workspace's Pipelines identity provider: `{ keys }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OidcKeys: Resource.NamedStruct<typeof OidcKeysSchema, OidcKeys> = OidcKeysSchema

/**
 * The signing keys of a workspace's Pipelines ID tokens.
 *
 * @since 0.1.0
 * @category models
 */
export interface OidcKeys extends Schema.Schema.Type<typeof OidcKeysSchema> {}

const oidc = "/workspaces/{workspace}/pipelines-config/identity/oidc"

/**
 * The OpenID Connect configuration of a workspace's Pipelines: what a cloud provider (AWS, GCP,
 * Vault) reads to trust the ID tokens a step gets (`BITBUCKET_STEP_OIDC_TOKEN`). Its `issuer` is
 * the identity provider URL to register there. `NotFound` for an unknown workspace.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const issuer = Pipeline.findOidcConfiguration({ workspace: "acme" }).pipe(Effect.map((c) => c.issuer))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findOidcConfiguration = Effect.fn("Bitbucket.Pipeline.findOidcConfiguration")(function*(ref: { readonly workspace: string }) {
  return yield* Http.json({ method: "GET", path: `${oidc}/.well-known/openid-configuration`, params: ref }, OidcConfiguration)
})

/**
 * The keys that sign a workspace's Pipelines ID tokens (a JSON Web Key Set), to check a token's
 * signature with: pick the key whose `kid` the token's header names. `NotFound` for an unknown
 * workspace.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Pipeline } from "effect-bitbucket"
 *
 * const key = (kid: string) =>
 *   Pipeline.findOidcKeys({ workspace: "acme" }).pipe(Effect.map(({ keys }) => keys.find((k) => k.kid === kid)))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findOidcKeys = Effect.fn("Bitbucket.Pipeline.findOidcKeys")(function*(ref: { readonly workspace: string }) {
  return yield* Http.json({ method: "GET", path: `${oidc}/keys.json`, params: ref }, OidcKeys)
})

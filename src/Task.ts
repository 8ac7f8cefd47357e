/**
 * Pull request tasks: the to-do items of a review, on the pull request itself or under one of its
 * comments. Find and stream them, create, edit, resolve, reopen and delete them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Comment, Task } from "effect-bitbucket"
 *
 * const pr = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
 * const program = Effect.gen(function* () {
 *   const comment = yield* Comment.create(pr, { content: { raw: "The retry schedule needs a cap." } })
 *   const task = yield* Task.create(pr, { content: { raw: "Cap the retries" }, comment: { id: comment.id! } })
 *   return yield* Task.resolve({ ...pr, task_id: task.id! })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import { Comment } from "./Comment.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import type { PullRequestRef } from "./PullRequest.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

/**
 * The states of a task.
 *
 * @since 0.1.0
 * @category schemas
 */
export const State = Schema.Literal("UNRESOLVED", "RESOLVED")

/**
 * A task state.
 *
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const TaskSchema = Resource.Struct({
  id: Schema.optional(Schema.Number),
  state: Schema.optional(Schema.Union(State, Schema.String)),
  content: Schema.optional(Resource.Rendered),
  creator: Schema.optional(Account),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  resolved_on: Schema.optional(Schema.NullOr(Schema.String)),
  resolved_by: Schema.optional(Schema.NullOr(Account)),
  pending: Schema.optional(Schema.Boolean),
  comment: Schema.optional(Schema.NullOr(Comment)),
  links: Schema.optional(Resource.Links)
})

/**
 * A pull request task as Bitbucket returns it. `resolved_on` and `resolved_by` are set while it is
 * resolved; `comment` is the comment it sits under, when it has one.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Task: Resource.NamedStruct<typeof TaskSchema, Task> = TaskSchema

/**
 * A pull request task.
 *
 * @since 0.1.0
 * @category models
 */
export interface Task extends Schema.Schema.Type<typeof TaskSchema> {}

/** Task text: Bitbucket answers 400 to a blank one, so it is refused before sending. */
const Text = Schema.String.pipe(Schema.filter((raw) => raw.trim().length > 0 || "must not be blank"))

const CreatePayloadSchema = Schema.Struct({
  content: Schema.Struct({ raw: Text }),
  comment: Schema.optional(Schema.Struct({ id: Schema.Int.pipe(Schema.positive()) })),
  pending: Schema.optional(Schema.Boolean)
})

/**
 * What to create: the task's text in `content.raw`; `comment` puts it under a comment of the same
 * pull request.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * What to create.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({
  content: Schema.optional(Schema.Struct({ raw: Text })),
  state: Schema.optional(State)
})

/**
 * What to change: the text, the state, or both.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UpdatePayload: Resource.NamedStruct<typeof UpdatePayloadSchema, UpdatePayload> = UpdatePayloadSchema

/**
 * What to change.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

/**
 * Identifies one task of a pull request.
 *
 * @since 0.1.0
 * @category models
 */
export interface TaskRef extends PullRequestRef {
  readonly task_id: number
}

const list = "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/tasks"
const one = `${list}/{task_id}`

/**
 * The tasks of a pull request, oldest first unless `sort` says otherwise; `q` filters them.
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const open = Task.findForPullRequest(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 },
 *   { q: 'state = "UNRESOLVED"', sort: "-created_on" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForPullRequest = (
  ref: PullRequestRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Task, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: list, params: ref }, Task, options).pipe(Stream.withSpan("Bitbucket.Task.findForPullRequest"))

/**
 * One task.
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const task = Task.find({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, task_id: 12 })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Task.find")(function*(ref: TaskRef) {
  return yield* Http.json({ method: "GET", path: one, params: ref }, Task)
})

/**
 * The ref of a task you hold, read from its `links.self` (its pull request and `task_id`). Fails
 * with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Task } from "effect-bitbucket"
 *
 * const resolveAll = Task.findForPullRequest({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }, {
 *   q: 'state = "UNRESOLVED"'
 * }).pipe(
 *   // Collect first: resolving what the listing selects while it pages would skip some.
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((task) => Effect.flatMap(Task.refOf(task), Task.resolve), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (task: Task): Effect.Effect<TaskRef, BitbucketError.InvalidInput> =>
  refFromSelf<TaskRef>(task, one, "task", ["pull_request_id", "task_id"])

/**
 * Adds a task to a pull request, under one of its comments when `comment` names it. Blank text
 * fails with `InvalidInput` and sends nothing.
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const task = Task.create(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 },
 *   { content: { raw: "Add a test for the empty page" }, comment: { id: 7 } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const create = Effect.fn("Bitbucket.Task.create")(function*(ref: PullRequestRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: list, params: ref }, CreatePayload, payload, Task)
})

const put = (ref: TaskRef, payload: UpdatePayload) =>
  Http.jsonWithBody({ method: "PUT", path: one, params: ref }, UpdatePayload, payload, Task)

/**
 * Edits a task's text or sets its state (an update with neither is `InvalidInput`, not sent).
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const task = Task.update(
 *   { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, task_id: 12 },
 *   { content: { raw: "Add tests for the empty and the last page" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Task.update")(function*(ref: TaskRef, payload: UpdatePayload) {
  if (payload.content === undefined && payload.state === undefined) {
    return yield* new BitbucketError.InvalidInput({ message: "a task update changes its content, its state or both: got neither", parameter: "payload" })
  }
  return yield* put(ref, payload)
})

/**
 * Marks a task done (`RESOLVED`); Bitbucket records who resolved it and when.
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const done = Task.resolve({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, task_id: 12 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const resolve = Effect.fn("Bitbucket.Task.resolve")(function*(ref: TaskRef) {
  return yield* put(ref, { state: "RESOLVED" })
})

/**
 * Reopens a resolved task (`UNRESOLVED`).
 *
 * @example
 * ```ts
 * import { Task } from "effect-bitbucket"
 *
 * const reopened = Task.reopen({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, task_id: 12 })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const reopen = Effect.fn("Bitbucket.Task.reopen")(function*(ref: TaskRef) {
  return yield* put(ref, { state: "UNRESOLVED" })
})

const del = Effect.fn("Bitbucket.Task.delete")(function*(ref: TaskRef) {
  return yield* Http.empty({ method: "DELETE", path: one, params: ref })
})

export {
  /**
   * Deletes a task.
   *
   * @example
   * ```ts
   * import { Task } from "effect-bitbucket"
   *
   * const done = Task.delete({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1, task_id: 12 })
   * ```
   *
   * @since 0.1.0
   * @category destructors
   */
  del as delete
}

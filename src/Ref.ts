/**
 * Branches and tags.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ref } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   const main = yield* Ref.findBranch({ ...repo, name: "main" })
 *   return yield* Ref.createBranch(repo, { name: "feature/x", target: { hash: main.target!.hash! } })
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import { Author, Commit } from "./Commit.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"

const RefSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  target: Schema.optional(Commit),
  links: Schema.optional(Resource.Links),
  // branches: the merge strategies pull requests into the branch may use, and the one used when a
  // merge names none. Any string Bitbucket sends is kept: `PullRequest.isMergeStrategy` tells the
  // ones `PullRequest.merge` takes.
  merge_strategies: Schema.optional(Schema.Array(Schema.String)),
  default_merge_strategy: Schema.optional(Schema.String),
  // annotated tags
  message: Schema.optional(Schema.NullOr(Schema.String)),
  date: Schema.optional(Schema.NullOr(Schema.String)),
  tagger: Schema.optional(Schema.NullOr(Author))
})

/**
 * A branch or a tag: `type` is `branch`, `tag` or `named_branch`. A branch also lists its
 * `merge_strategies` and `default_merge_strategy`, as strings (`PullRequest.isMergeStrategy`
 * narrows one to what `PullRequest.merge` takes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Ref: Resource.NamedStruct<typeof RefSchema, Ref> = RefSchema

/**
 * A branch or tag.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ref extends Schema.Schema.Type<typeof RefSchema> {}

const CreatePayloadSchema = Schema.Struct({
  name: Schema.NonEmptyTrimmedString,
  target: Schema.Struct({ hash: Schema.NonEmptyTrimmedString }),
  /** Tags only: makes an annotated tag. */
  message: Schema.optional(Schema.String)
})

/**
 * What to create: a name and the commit it points at.
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

/**
 * Identifies a branch or tag by name (names may contain `/`; they are sent as one path segment).
 *
 * @since 0.1.0
 * @category models
 */
export interface NamedRef extends RepositoryRef {
  readonly name: string
}

const base = "/repositories/{workspace}/{repo_slug}/refs"

const list = (kind: "" | "/branches" | "/tags", span: string) =>
(
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Ref, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: `${base}${kind}`, params: ref }, Ref, options).pipe(Stream.withSpan(span))

/**
 * Every branch and tag of a repository. Supports `q` and `sort` (e.g. `sort: "-target.date"`).
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const refs = Ref.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { q: 'name ~ "release"' })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = list("", "Bitbucket.Ref.findForRepository")

/**
 * The branches of a repository.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const branches = Ref.findBranches({ workspace: "demo", repo_slug: "effect-playground" }, { sort: "-target.date" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findBranches = list("/branches", "Bitbucket.Ref.findBranches")

/**
 * The tags of a repository.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const tags = Ref.findTags({ workspace: "demo", repo_slug: "effect-playground" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findTags = list("/tags", "Bitbucket.Ref.findTags")

/**
 * A branch by name.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const main = Ref.findBranch({ workspace: "demo", repo_slug: "effect-playground", name: "main" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findBranch = Effect.fn("Bitbucket.Ref.findBranch")(function*(ref: NamedRef) {
  return yield* Http.json({ method: "GET", path: `${base}/branches/{name}`, params: ref }, Ref)
})

/**
 * A tag by name.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const v1 = Ref.findTag({ workspace: "demo", repo_slug: "effect-playground", name: "v1.0.0" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findTag = Effect.fn("Bitbucket.Ref.findTag")(function*(ref: NamedRef) {
  return yield* Http.json({ method: "GET", path: `${base}/tags/{name}`, params: ref }, Ref)
})

/**
 * The ref of a branch you hold, read from its `links.self` (`.../refs/branches/{name}`; a name
 * with `/` comes back whole). A tag's link is not a branch's: it fails with `InvalidInput`, as one
 * without a link does (trimmed by `fields`), so that `deleteBranch` never gets a tag's name.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Ref } from "effect-bitbucket"
 *
 * // Collect first: deleting while the listing pages would skip some.
 * const pruneScratch = Ref.findBranches({ workspace: "demo", repo_slug: "effect-playground" }, { q: 'name ~ "scratch/"' }).pipe(
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((branch) => Effect.flatMap(Ref.branchRefOf(branch), Ref.deleteBranch), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const branchRefOf = (branch: Ref): Effect.Effect<NamedRef, BitbucketError.InvalidInput> =>
  refFromSelf<NamedRef>(branch, `${base}/branches/{name+}`, "branch")

/**
 * The ref of a tag you hold, read from its `links.self` (`.../refs/tags/{name}`). A branch's link
 * is not a tag's: it fails with `InvalidInput`, as one without a link does (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Ref } from "effect-bitbucket"
 *
 * // Collect first: deleting while the listing pages would skip some.
 * const dropRcTags = Ref.findTags({ workspace: "demo", repo_slug: "effect-playground" }, { q: 'name ~ "-rc"' }).pipe(
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((tag) => Effect.flatMap(Ref.tagRefOf(tag), Ref.deleteTag), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const tagRefOf = (tag: Ref): Effect.Effect<NamedRef, BitbucketError.InvalidInput> =>
  refFromSelf<NamedRef>(tag, `${base}/tags/{name+}`, "tag")

/**
 * Creates a branch at a commit.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const branch = Ref.createBranch(
 *   { workspace: "demo", repo_slug: "effect-playground" },
 *   { name: "feature/login", target: { hash: "a1b2c3d" } }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const createBranch = Effect.fn("Bitbucket.Ref.createBranch")(function*(ref: RepositoryRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: `${base}/branches`, params: ref }, CreatePayload, payload, Ref)
})

/**
 * Creates a tag at a commit; with `message`, an annotated tag.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const tag = Ref.createTag({ workspace: "demo", repo_slug: "effect-playground" }, { name: "v1.1.0", target: { hash: "a1b2c3d" } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const createTag = Effect.fn("Bitbucket.Ref.createTag")(function*(ref: RepositoryRef, payload: CreatePayload) {
  return yield* Http.jsonWithBody({ method: "POST", path: `${base}/tags`, params: ref }, CreatePayload, payload, Ref)
})

/**
 * Deletes a branch.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const done = Ref.deleteBranch({ workspace: "demo", repo_slug: "effect-playground", name: "feature/login" })
 * ```
 *
 * @since 0.1.0
 * @category destructors
 */
export const deleteBranch = Effect.fn("Bitbucket.Ref.deleteBranch")(function*(ref: NamedRef) {
  return yield* Http.empty({ method: "DELETE", path: `${base}/branches/{name}`, params: ref })
})

/**
 * Deletes a tag.
 *
 * @example
 * ```ts
 * import { Ref } from "effect-bitbucket"
 *
 * const done = Ref.deleteTag({ workspace: "demo", repo_slug: "effect-playground", name: "v1.1.0" })
 * ```
 *
 * @since 0.1.0
 * @category destructors
 */
export const deleteTag = Effect.fn("Bitbucket.Ref.deleteTag")(function*(ref: NamedRef) {
  return yield* Http.empty({ method: "DELETE", path: `${base}/tags/{name}`, params: ref })
})

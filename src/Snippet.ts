/**
 * Snippets: small sets of files owned by a workspace. Find them, create and update them with their
 * files (`multipart/form-data`), read a file's exact bytes, delete them, and watch them. Every change
 * of the files is a revision: read a snippet or a file as it was at one, list the revisions with
 * their diffs, and update only if nobody changed the snippet since you read it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const program = Effect.gen(function* () {
 *   const snippet = yield* Snippet.create({ workspace: "demo" }, {
 *     title: "Hello",
 *     files: [{ name: "hello.txt", content: "hello, world\n" }]
 *   })
 *   const text = yield* Snippet.contentText(yield* Snippet.refOf(snippet), "hello.txt")
 *   return [Snippet.filenames(snippet), text] as const
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as BitbucketError from "./BitbucketError.js"
import { Effect, Schema, Stream } from "effect"
import { Author, CommitLink } from "./Commit.js"
import * as Http from "./internal/http.js"
import * as Multipart from "./internal/multipart.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"
import { Workspace } from "./Workspace.js"

const SnippetFileSchema = Resource.Struct({
  links: Schema.optional(Resource.Links)
})

/**
 * A file of a snippet as the snippet lists it under `files`: its links (`self` points at the
 * file's contents at the snippet's current revision).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SnippetFile: Resource.NamedStruct<typeof SnippetFileSchema, SnippetFile> = SnippetFileSchema

/**
 * A file of a snippet.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnippetFile extends Schema.Schema.Type<typeof SnippetFileSchema> {}

const SnippetSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  id: Schema.optional(Schema.Union(Schema.String, Schema.Number)),
  title: Schema.optional(Schema.NullOr(Schema.String)),
  scm: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  owner: Schema.optional(Account),
  creator: Schema.optional(Account),
  workspace: Schema.optional(Workspace),
  files: Schema.optional(Schema.Record({ key: Schema.String, value: SnippetFile })),
  links: Schema.optional(Resource.Links)
})

/**
 * A snippet. Every field is optional (a `fields` selection can trim any of them, `type` included);
 * unknown fields are kept. `files` maps each file name to its links. Bitbucket documents `id` both
 * as a number and as the encoded id used in paths: use {@link refOf} to get the path's
 * `{ workspace, encoded_id }` from the snippet's own `self` link.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Snippet: Resource.NamedStruct<typeof SnippetSchema, Snippet> = SnippetSchema

/**
 * A snippet.
 *
 * @since 0.1.0
 * @category models
 */
export interface Snippet extends Schema.Schema.Type<typeof SnippetSchema> {}

/**
 * Identifies a snippet: its workspace (slug or `{uuid}`) and its encoded id.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnippetRef {
  readonly workspace: string
  readonly encoded_id: string
}

/**
 * A snippet, optionally at a revision: `node_id` is a revision's hash (a `SnippetCommit`'s `hash`,
 * or a snippet's `id` suffix from its versioned links). Without it, the current revision.
 *
 * @since 0.1.0
 * @category models
 */
export interface RevisionRef extends SnippetRef {
  readonly node_id?: string | undefined
}

/**
 * A change meant as a compare-and-swap (a `node_id` key) whose revision is missing, as when it was
 * read from a commit trimmed by `fields`, is refused: sent without it, it would overwrite whatever
 * changed meanwhile.
 */
const casIntended = (ref: RevisionRef) =>
  "node_id" in ref && (ref.node_id === undefined || ref.node_id === "")
    ? Effect.fail(
      new BitbucketError.InvalidInput({
        message: "node_id is given but empty: a compare-and-swap needs the revision it was read at (leave node_id out to change the latest)",
        parameter: "node_id"
      })
    )
    : Effect.void

/** The snippet's path, at its revision when the ref names one. */
const snippetTarget = (ref: RevisionRef) => ({
  path: ref.node_id === undefined ? "/snippets/{workspace}/{encoded_id}" : "/snippets/{workspace}/{encoded_id}/{node_id}",
  params: ref,
  // At a revision, a change is a compare-and-swap: Bitbucket answers 405 when the revision is no
  // longer the latest, which is the conflict a caller needs to tell apart.
  conflictStatus: ref.node_id === undefined ? undefined : 405
})

/**
 * The `{ workspace, encoded_id }` of a snippet you hold, read from its `links.self` (the encoded id
 * is what paths use; `id` may be a number). Fails with `InvalidInput` when the snippet came
 * without a usable `self` link (e.g. trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const text = Effect.gen(function* () {
 *   const created = yield* Snippet.create({ workspace: "demo" }, { files: [{ name: "a.txt", content: "hi" }] })
 *   return yield* Snippet.contentText(yield* Snippet.refOf(created), "a.txt")
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (snippet: Snippet): Effect.Effect<SnippetRef, BitbucketError.InvalidInput> =>
  refFromSelf<SnippetRef>(snippet, "/snippets/{workspace}/{encoded_id}", "snippet")

/**
 * The role filter of snippet listings: `owner` (the caller's own), `contributor` (owned or
 * watched), `member` (in the caller's workspaces, or watched).
 *
 * @since 0.1.0
 * @category models
 */
export type Role = "owner" | "contributor" | "member"

const FileContentSchema = Schema.Struct({
  name: Schema.String.pipe(
    Schema.nonEmptyString({ message: () => "a snippet file name must not be empty" }),
    Schema.filter((name) => Multipart.headerSafe(name) || Multipart.headerSafeMessage("a snippet file name"))
  ),
  content: Schema.Union(Schema.String, Schema.Uint8ArrayFromSelf)
})

/**
 * A file to upload: its name in the snippet and its contents (text is sent as UTF-8, bytes as they are).
 *
 * @since 0.1.0
 * @category payloads
 */
export const FileContent: Resource.NamedStruct<typeof FileContentSchema, FileContent> = FileContentSchema

/**
 * A file to upload.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface FileContent extends Schema.Schema.Type<typeof FileContentSchema> {}

const Files = Schema.Array(FileContent).pipe(
  Schema.filter((files) => {
    const seen = new Set<string>()
    for (const file of files) {
      if (seen.has(file.name)) return `the file name ${JSON.stringify(file.name)} appears twice`
      seen.add(file.name)
    }
    return true
  })
)

const CreatePayloadSchema = Schema.Struct({
  title: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  scm: Schema.optional(Schema.Literal("git")),
  files: Files
})

/**
 * The body of {@link create}: the snippet's metadata and its files.
 *
 * @since 0.1.0
 * @category payloads
 */
export const CreatePayload: Resource.NamedStruct<typeof CreatePayloadSchema, CreatePayload> = CreatePayloadSchema

/**
 * The body of {@link create}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface CreatePayload extends Schema.Schema.Type<typeof CreatePayloadSchema> {}

const UpdatePayloadSchema = Schema.Struct({
  title: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  files: Schema.optional(Files),
  delete_files: Schema.optional(Schema.Array(Schema.String.pipe(Schema.nonEmptyString())))
})

/**
 * The body of {@link update}: only what changes. `files` are added or replaced; `delete_files`
 * names files to remove. Files not named stay as they are.
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdatePayload: Resource.NamedStruct<typeof UpdatePayloadSchema, UpdatePayload> = UpdatePayloadSchema

/**
 * The body of {@link update}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdatePayload extends Schema.Schema.Type<typeof UpdatePayloadSchema> {}

/**
 * Builds the `multipart/form-data` body Bitbucket documents for snippets: metadata as top-level
 * form fields (`title`, `is_private`, `scm`), each file as a `file` part with its file name, and
 * each file to delete as a `files` field without contents.
 */
const toMultipart = (payload: {
  readonly title?: string | undefined
  readonly is_private?: boolean | undefined
  readonly scm?: string | undefined
  readonly files?: ReadonlyArray<FileContent> | undefined
  readonly delete_files?: ReadonlyArray<string> | undefined
}): Http.Body => {
  const parts: Array<Multipart.Part> = []
  if (payload.title !== undefined) parts.push({ name: "title", value: payload.title })
  if (payload.is_private !== undefined) parts.push({ name: "is_private", value: payload.is_private ? "true" : "false" })
  if (payload.scm !== undefined) parts.push({ name: "scm", value: payload.scm })
  for (const file of payload.files ?? []) parts.push(Multipart.file("file", file.name, file.content))
  for (const name of payload.delete_files ?? []) parts.push({ name: "files", value: name })
  return { _tag: "Multipart", parts }
}

/**
 * A snippet by workspace and encoded id; with `node_id`, its files as they were at that revision
 * (its title and other metadata are not versioned: they are the current ones).
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const snippet = Snippet.find({ workspace: "demo", encoded_id: "k3Rp9" })
 * const before = Snippet.find({ workspace: "demo", encoded_id: "k3Rp9", node_id: "a1b2c3d4e5f6" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Snippet.find")(function*(ref: RevisionRef) {
  return yield* Http.json({ method: "GET", ...snippetTarget(ref) }, Snippet)
})

/**
 * The snippets the authenticated user has the given role on (`GET /snippets?role=`); the role
 * defaults to `owner`, as in pybitbucket.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const watched = Snippet.findForRole({ role: "contributor" }).pipe(Stream.map((s) => s.title))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRole = (
  options: Pagination.ListOptions & { readonly role?: Role | undefined } = {}
): Stream.Stream<Snippet, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/snippets", query: { role: options.role ?? "owner" } }, Snippet, options).pipe(
    Stream.withSpan("Bitbucket.Snippet.findForRole")
  )

/**
 * The snippets of a workspace (`GET /snippets/{workspace}`), optionally filtered by the caller's role.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const titles = Snippet.findForWorkspace({ workspace: "demo" }).pipe(Stream.map((s) => s.title))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForWorkspace = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions & { readonly role?: Role | undefined } = {}
): Stream.Stream<Snippet, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/snippets/{workspace}", params: ref, query: { role: options.role } }, Snippet, options).pipe(
    Stream.withSpan("Bitbucket.Snippet.findForWorkspace")
  )

/**
 * Creates a snippet with its files, in a workspace (`POST /snippets/{workspace}`) or, without
 * `workspace`, under the authenticated user (`POST /snippets`). Sent as `multipart/form-data`; an
 * invalid payload (empty or repeated file name, unknown `scm`) fails with `InvalidInput` and sends nothing.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const snippet = Snippet.create({ workspace: "demo" }, {
 *   title: "Logo and notes",
 *   is_private: true,
 *   files: [
 *     { name: "notes.md", content: "# Notes\n" },
 *     { name: "logo.png", content: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) }
 *   ]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = Effect.fn("Bitbucket.Snippet.create")(function*(
  ref: { readonly workspace?: string | undefined },
  payload: CreatePayload
) {
  const encoded = yield* Http.encodePayload(CreatePayload, payload)
  const body = toMultipart(encoded)
  return yield* (ref.workspace === undefined
    ? Http.json({ method: "POST", path: "/snippets", body }, Snippet)
    : Http.json({ method: "POST", path: "/snippets/{workspace}", params: { workspace: ref.workspace }, body }, Snippet))
})

/**
 * Updates a snippet (`PUT /snippets/{workspace}/{encoded_id}`, `multipart/form-data`): changes
 * its title or visibility, adds or replaces `files`, removes `delete_files`. With `node_id`, a
 * compare-and-swap: the update applies only if that revision is still the latest, and otherwise
 * fails with `Conflict` (status 405) and changes nothing.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const updated = Snippet.update({ workspace: "demo", encoded_id: "k3Rp9" }, {
 *   title: "Renamed",
 *   files: [{ name: "notes.md", content: "# Notes, v2\n" }],
 *   delete_files: ["old.txt"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const update = Effect.fn("Bitbucket.Snippet.update")(function*(ref: RevisionRef, payload: UpdatePayload) {
  yield* casIntended(ref)
  const encoded = yield* Http.encodePayload(UpdatePayload, payload)
  return yield* Http.json({ method: "PUT", ...snippetTarget(ref), body: toMultipart(encoded) }, Snippet)
})

/**
 * Deletes a snippet (`DELETE /snippets/{workspace}/{encoded_id}`). With `node_id`, only if that
 * revision is still the latest (else `Conflict`, status 405, and the snippet stays).
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const gone = Snippet.delete({ workspace: "demo", encoded_id: "k3Rp9" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.Snippet.delete")(function*(ref: RevisionRef) {
  yield* casIntended(ref)
  return yield* Http.empty({ method: "DELETE", ...snippetTarget(ref) })
})

export { del as delete }

const fileTarget = (ref: RevisionRef, path: string): Http.Target =>
  ref.node_id === undefined
    ? {
      method: "GET",
      path: "/snippets/{workspace}/{encoded_id}/files/{path}",
      params: { workspace: ref.workspace, encoded_id: ref.encoded_id, path },
      followRedirects: true
    }
    : {
      method: "GET",
      path: "/snippets/{workspace}/{encoded_id}/{node_id}/files/{path}",
      params: { workspace: ref.workspace, encoded_id: ref.encoded_id, node_id: ref.node_id, path },
      followRedirects: true
    }

/**
 * The exact bytes of a snippet's file (`GET /snippets/{workspace}/{encoded_id}/files/{path}`,
 * following the redirect to the current revision), streamed as they arrive. With `node_id`, the
 * file at that revision. `Resource.collectBytes` gathers a small file into one `Uint8Array`.
 *
 * @example
 * ```ts
 * import { Resource, Snippet } from "effect-bitbucket"
 *
 * const logo = Snippet.content({ workspace: "demo", encoded_id: "k3Rp9" }, "logo.png") // Stream<Uint8Array>
 * const whole = Resource.collectBytes(logo) // Effect<Uint8Array>
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const content = (
  ref: RevisionRef,
  path: string
): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(fileTarget(ref, path)).pipe(Stream.withSpan("Bitbucket.Snippet.content"))

/**
 * A snippet's file as text, decoded as UTF-8: a leading BOM is dropped and bytes that are not
 * UTF-8 become U+FFFD, so a file in another encoding does not survive a round trip. See
 * {@link content} for the exact bytes.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const notes = Snippet.contentText({ workspace: "demo", encoded_id: "k3Rp9" }, "notes.md")
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const contentText = Effect.fn("Bitbucket.Snippet.contentText")(function*(
  ref: RevisionRef,
  path: string
) {
  return yield* Http.text(fileTarget(ref, path))
})

/**
 * The names of a snippet's files (the keys of `files`; none when the snippet came without them).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const names = Effect.map(Snippet.find({ workspace: "demo", encoded_id: "k3Rp9" }), Snippet.filenames)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const filenames = (snippet: Snippet): ReadonlyArray<string> => Object.keys(snippet.files ?? {})

/**
 * Starts watching a snippet (`PUT /snippets/{workspace}/{encoded_id}/watch`).
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const watching = Snippet.watch({ workspace: "demo", encoded_id: "k3Rp9" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const watch = Effect.fn("Bitbucket.Snippet.watch")(function*(ref: SnippetRef) {
  return yield* Http.empty({ method: "PUT", path: "/snippets/{workspace}/{encoded_id}/watch", params: ref })
})

/**
 * Stops watching a snippet (`DELETE /snippets/{workspace}/{encoded_id}/watch`).
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const stopped = Snippet.unwatch({ workspace: "demo", encoded_id: "k3Rp9" })
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const unwatch = Effect.fn("Bitbucket.Snippet.unwatch")(function*(ref: SnippetRef) {
  return yield* Http.empty({ method: "DELETE", path: "/snippets/{workspace}/{encoded_id}/watch", params: ref })
})

/**
 * Whether the authenticated user watches a snippet (`GET .../watch`: 204 yes, 404 no). Bitbucket
 * answers 404 as well for an unknown snippet or an anonymous caller, so those give `false` too.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const watching = Snippet.isWatching({ workspace: "demo", encoded_id: "k3Rp9" }) // Effect<boolean>
 * ```
 *
 * @since 0.1.0
 * @category actions
 */
export const isWatching = Effect.fn("Bitbucket.Snippet.isWatching")(function*(ref: SnippetRef) {
  return yield* Http.empty({ method: "GET", path: "/snippets/{workspace}/{encoded_id}/watch", params: ref }).pipe(
    Effect.as(true),
    Effect.catchTag("NotFound", () => Effect.succeed(false))
  )
})

const SnippetCommitSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  hash: Schema.optional(Schema.String),
  date: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  author: Schema.optional(Author),
  parents: Schema.optional(Schema.Array(CommitLink)),
  summary: Schema.optional(Resource.Rendered),
  snippet: Schema.optional(Resource.OpenRecord),
  links: Schema.optional(Resource.Links)
})

/**
 * A revision of a snippet: the commit that changed its files. Its `hash` is the `node_id` that
 * {@link find}, {@link content}, {@link diff} and a compare-and-swap {@link update} take.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SnippetCommit: Resource.NamedStruct<typeof SnippetCommitSchema, SnippetCommit> = SnippetCommitSchema

/**
 * A revision of a snippet.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnippetCommit extends Schema.Schema.Type<typeof SnippetCommitSchema> {}

/**
 * A snippet's revisions, newest first (`GET /snippets/{workspace}/{encoded_id}/commits`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Snippet } from "effect-bitbucket"
 *
 * const history = Snippet.findCommits({ workspace: "demo", encoded_id: "k3Rp9" }).pipe(
 *   Stream.map((commit) => `${commit.hash?.slice(0, 12)} ${commit.message}`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findCommits = (
  ref: SnippetRef,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<SnippetCommit, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/snippets/{workspace}/{encoded_id}/commits", params: ref }, SnippetCommit, options).pipe(
    Stream.withSpan("Bitbucket.Snippet.findCommits")
  )

/**
 * Identifies a revision of a snippet by its hash (or a prefix of at least 7 characters).
 *
 * @since 0.1.0
 * @category models
 */
export interface CommitRef extends SnippetRef {
  readonly revision: string
}

/**
 * One revision of a snippet (`GET /snippets/{workspace}/{encoded_id}/commits/{revision}`).
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const commit = Snippet.findCommit({ workspace: "demo", encoded_id: "k3Rp9", revision: "a1b2c3d4e5f6" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findCommit = Effect.fn("Bitbucket.Snippet.findCommit")(function*(ref: CommitRef) {
  return yield* Http.json({ method: "GET", path: "/snippets/{workspace}/{encoded_id}/commits/{revision}", params: ref }, SnippetCommit)
})

/**
 * Options of a snippet revision's diff.
 *
 * @since 0.1.0
 * @category models
 */
export interface DiffOptions {
  /** Only this file's diff. */
  readonly path?: string | undefined
}

const diffTarget = (ref: CommitRef, options: DiffOptions): Http.Target => ({
  method: "GET",
  path: "/snippets/{workspace}/{encoded_id}/{revision}/diff",
  params: ref,
  query: { path: options.path }
})

const patchTarget = (ref: CommitRef): Http.Target => ({
  method: "GET",
  path: "/snippets/{workspace}/{encoded_id}/{revision}/patch",
  params: ref
})

/**
 * What a revision changed, against its first parent, as a unified diff (decoded as UTF-8; see
 * {@link diffBytes} for the exact bytes). `path` keeps one file's diff.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const diff = Snippet.diff({ workspace: "demo", encoded_id: "k3Rp9", revision: "a1b2c3d4e5f6" }, { path: "notes.md" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const diff = Effect.fn("Bitbucket.Snippet.diff")(function*(ref: CommitRef, options: DiffOptions = {}) {
  return yield* Http.text(diffTarget(ref, options))
})

/**
 * A revision's diff as Bitbucket sends it: the files' own bytes, streamed as they arrive.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const bytes = Snippet.diffBytes({ workspace: "demo", encoded_id: "k3Rp9", revision: "a1b2c3d4e5f6" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const diffBytes = (
  ref: CommitRef,
  options: DiffOptions = {}
): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(diffTarget(ref, options)).pipe(Stream.withSpan("Bitbucket.Snippet.diffBytes"))

/**
 * A revision as a patch (`git format-patch` style, with its author and message), as text.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const patch = Snippet.patch({ workspace: "demo", encoded_id: "k3Rp9", revision: "a1b2c3d4e5f6" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const patch = Effect.fn("Bitbucket.Snippet.patch")(function*(ref: CommitRef) {
  return yield* Http.text(patchTarget(ref))
})

/**
 * A revision's patch as Bitbucket sends it: the files' own bytes, streamed as they arrive.
 *
 * @example
 * ```ts
 * import { Snippet } from "effect-bitbucket"
 *
 * const bytes = Snippet.patchBytes({ workspace: "demo", encoded_id: "k3Rp9", revision: "a1b2c3d4e5f6" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const patchBytes = (ref: CommitRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(patchTarget(ref)).pipe(Stream.withSpan("Bitbucket.Snippet.patchBytes"))

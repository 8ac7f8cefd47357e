/**
 * A repository's files (`/src`): read a file at a commit, branch or tag, as bytes or text; read
 * its metadata; list a directory, recursively with `max_depth`; list a file's history; and commit
 * files.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Source } from "effect-bitbucket"
 *
 * const program = Effect.gen(function* () {
 *   const repo = { workspace: "demo", repo_slug: "effect-playground" }
 *   const readme = yield* Source.contentText({ ...repo, commit: "main", path: "README.md" })
 *   const files = yield* Source.findForDirectory({ ...repo, commit: "main" }, { max_depth: 3 }).pipe(
 *     Stream.filter(Source.isFile),
 *     Stream.map((entry) => entry.path),
 *     Stream.runCollect
 *   )
 *   return { readme, files }
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import { Commit } from "./Commit.js"
import * as Http from "./internal/http.js"
import * as Multipart from "./internal/multipart.js"
import { countProblem } from "./internal/url.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"

/**
 * A file (or directory) at a revision.
 *
 * @since 0.1.0
 * @category models
 */
export interface SourceRef extends RepositoryRef {
  /** A commit hash, a branch or a tag. */
  readonly commit: string
  /** The path from the repository's root, e.g. `src/index.ts` (a leading `/` is ignored). */
  readonly path: string
}

const EntrySchema = Resource.Struct({
  type: Schema.optional(Schema.Union(Schema.Literal("commit_file", "commit_directory"), Schema.String)),
  path: Schema.optional(Schema.String),
  escaped_path: Schema.optional(Schema.String),
  size: Schema.optional(Schema.Number),
  mimetype: Schema.optional(Schema.NullOr(Schema.String)),
  attributes: Schema.optional(Schema.Array(Schema.Union(Schema.Literal("link", "executable", "subrepository", "binary", "lfs"), Schema.String))),
  commit: Schema.optional(Commit),
  links: Schema.optional(Resource.Links)
})

/**
 * A file (`commit_file`: `path`, `size`, `mimetype`, `attributes` such as `executable` or
 * `link`) or a directory (`commit_directory`: `path`) at a commit. `commit` is the commit that was
 * asked for, not the last one to change the entry (in {@link findHistory}: the one that changed it).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Entry: Resource.NamedStruct<typeof EntrySchema, Entry> = EntrySchema

/**
 * A file or directory at a commit.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry extends Schema.Schema.Type<typeof EntrySchema> {}

/**
 * Is this entry a file (not a directory)?
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Source } from "effect-bitbucket"
 *
 * const files = Source.findForDirectory({ workspace: "demo", repo_slug: "effect-playground", commit: "main" }).pipe(
 *   Stream.filter(Source.isFile)
 * )
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isFile = (entry: Entry): boolean => entry.type === "commit_file"

/**
 * Is this entry a directory?
 *
 * @example
 * ```ts
 * import { Source } from "effect-bitbucket"
 *
 * const describe = (entry: Source.Entry) => (Source.isDirectory(entry) ? `${entry.path}/` : entry.path)
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDirectory = (entry: Entry): boolean => entry.type === "commit_directory"

const fileTarget = (ref: SourceRef, query?: Http.Target["query"]): Http.Target => ({
  method: "GET",
  path: "/repositories/{workspace}/{repo_slug}/src/{commit}/{path*}",
  params: ref,
  query,
  // A file kept in Git LFS answers with a redirect to Atlassian's media platform.
  followRedirects: true
})

/**
 * A directory's URL (the root's when `path` is empty or `/`): with the trailing slash, which the
 * root needs and Bitbucket's own directory links carry.
 */
const directoryTarget = (ref: RepositoryRef & { readonly commit: string; readonly path?: string | undefined }, query: Http.Target["query"]) => {
  const path = (ref.path ?? "").replace(/^\/+/, "").replace(/\/+$/, "")
  return {
    path: `/repositories/{workspace}/{repo_slug}/src/{commit}/${path === "" ? "" : "{path*}/"}`,
    params: { ...ref, path },
    query
  }
}

/**
 * A file's bytes at a commit, branch or tag, exactly as stored, streamed as they arrive. A file
 * kept in Git LFS redirects to Atlassian's media platform: add its host to
 * `BitbucketConfig.redirectHosts` to follow it (else a `TransportError`, reason `RefusedOrigin`).
 *
 * @example
 * ```ts
 * import { Resource, Source } from "effect-bitbucket"
 *
 * const logo = Resource.collectBytes(
 *   Source.content({ workspace: "demo", repo_slug: "effect-playground", commit: "main", path: "docs/logo.png" })
 * )
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const content = (ref: SourceRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream(fileTarget(ref)).pipe(Stream.withSpan("Bitbucket.Source.content"))

/**
 * A file's contents as text, decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD; see
 * {@link content} for the exact bytes).
 *
 * @example
 * ```ts
 * import { Source } from "effect-bitbucket"
 *
 * const readme = Source.contentText({ workspace: "demo", repo_slug: "effect-playground", commit: "main", path: "README.md" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const contentText = Effect.fn("Bitbucket.Source.contentText")(function*(ref: SourceRef) {
  return yield* Http.text(fileTarget(ref))
})

/**
 * A file's or directory's metadata (`?format=meta`): its type, size and attributes, without its
 * contents. A path ending in `/` (or empty: the root) is taken as a directory. A path that does
 * not exist at that commit is `NotFound`.
 *
 * @example
 * ```ts
 * import { Source } from "effect-bitbucket"
 *
 * const size = Source.meta({ workspace: "demo", repo_slug: "effect-playground", commit: "main", path: "README.md" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const meta = Effect.fn("Bitbucket.Source.meta")(function*(ref: SourceRef) {
  const query = { format: "meta" }
  const target = ref.path.replace(/^\/+/, "") === "" || ref.path.endsWith("/")
    ? { method: "GET" as const, ...directoryTarget(ref, query) }
    : fileTarget(ref, query)
  return yield* Http.json(target, Entry)
})

/**
 * The files and directories in a directory at a commit, branch or tag; without `path` (or with
 * `""` or `/`), the repository's root. Only the directory's own entries unless `max_depth` (a
 * whole number, at least 1) asks for more levels (breadth first; Bitbucket may give up on a deep
 * tree with a 555, `ServerError`). Paths are from the repository's root.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Source } from "effect-bitbucket"
 *
 * const sources = Source.findForDirectory(
 *   { workspace: "demo", repo_slug: "effect-playground", commit: "main", path: "src" },
 *   { max_depth: 2 }
 * ).pipe(Stream.filter(Source.isFile))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForDirectory = (
  ref: RepositoryRef & { readonly commit: string; readonly path?: string | undefined },
  options: Pagination.ListOptions & { readonly max_depth?: number | undefined } = {}
): Stream.Stream<Entry, BitbucketError.BitbucketError, Http.Requirements> => {
  const depthProblem = countProblem("max_depth", options.max_depth, 1)
  const listing = depthProblem !== undefined
    ? Stream.fail(new BitbucketError.InvalidInput({ message: depthProblem, parameter: "max_depth" }))
    : Pagination.stream(directoryTarget(ref, { max_depth: options.max_depth }), Entry, options)
  return listing.pipe(Stream.withSpan("Bitbucket.Source.findForDirectory"))
}

/**
 * The commits that changed a file, newest first, each with the file as it was then (`path`,
 * `size`, and `commit`: the commit that changed it, its `hash` and links only; ask for more with
 * `fields: "+values.commit.date,+values.commit.message"`, or use `Commit.find`). Bitbucket follows
 * renames, as `git log --follow` does, so `path` can change along the way; `renames: false` stops
 * at the rename. BBQL works here: `q: 'commit.date <= 2026-01-01'`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Source } from "effect-bitbucket"
 *
 * const lastFive = Source.findHistory({ workspace: "demo", repo_slug: "effect-playground", commit: "main", path: "README.md" }).pipe(
 *   Stream.map((entry) => [entry.commit?.hash, entry.path]),
 *   Stream.take(5)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findHistory = (
  ref: SourceRef,
  options: Pagination.ListOptions & { readonly renames?: boolean | undefined } = {}
): Stream.Stream<Entry, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream(
    {
      path: "/repositories/{workspace}/{repo_slug}/filehistory/{commit}/{path*}",
      params: ref,
      query: { renames: options.renames }
    },
    Entry,
    options
  ).pipe(Stream.withSpan("Bitbucket.Source.findHistory"))

const FilePath = Schema.String.pipe(
  Schema.filter((path) => {
    const segments = path.replace(/^\/+/, "").split("/")
    return segments.every((segment) => segment !== "" && segment !== "." && segment !== "..") ||
      `a file path from the repository's root, without empty, "." or ".." segments: ${JSON.stringify(path)}`
  })
)

/** A file uploaded is a multipart part named by its path, so the path must fit in its header. */
const UploadPath = FilePath.pipe(Schema.filter((path) => Multipart.headerSafe(path) || Multipart.headerSafeMessage("a file path")))

const FileToCommitSchema = Schema.Struct({
  path: UploadPath,
  content: Schema.Union(Schema.String, Schema.Uint8ArrayFromSelf),
  attributes: Schema.optional(Schema.Literal("executable", "link"))
})

/**
 * A file to commit: its path from the repository's root, its contents (text is sent as UTF-8,
 * bytes as they are), and optionally what it is besides a regular file. `attributes` takes one
 * value, since a git file is one of these at a time:
 * - `"executable"`: the file gets its executable bit;
 * - `"link"`: the file is a symbolic link, and `content` is the path it points to, as text. The
 *   target is sent as given, relative (git resolves it from the link's directory) or absolute; it
 *   is not checked to exist. An empty target, or one with a line break or a NUL character, fails
 *   with `InvalidInput` before anything is sent.
 *
 * Without `attributes` the file is a regular file, even where the commit built on had an
 * executable or a link at that path: to change an executable and keep its bit, give
 * `attributes: "executable"` again (an {@link Entry}'s `attributes` lists `executable` or `link`).
 *
 * @example
 * ```ts
 * import { Source } from "effect-bitbucket"
 *
 * const files: ReadonlyArray<Source.FileToCommit> = [
 *   { path: "bin/deploy.sh", content: "#!/bin/sh\nmake deploy\n", attributes: "executable" },
 *   { path: "README.txt", content: "README.md", attributes: "link" }
 * ]
 * ```
 *
 * @since 0.1.0
 * @category payloads
 */
export const FileToCommit: Resource.NamedStruct<typeof FileToCommitSchema, FileToCommit> = FileToCommitSchema

/**
 * A file to commit.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface FileToCommit extends Schema.Schema.Type<typeof FileToCommitSchema> {}

const normalized = (path: string) => path.replace(/^\/+/, "")

/** Why a link's content cannot be its target path, if it cannot. */
const linkTargetProblem = (content: string | Uint8Array): string | undefined =>
  typeof content !== "string"
    ? "its content must be the path it points to, as text (a string), not bytes"
    : content === ""
    ? "its content must be the path it points to, and it is empty"
    : /[\0\r\n]/.test(content)
    ? "its content must be the path it points to, without a line break or a NUL character"
    : undefined

const CommitPayloadSchema = Schema.Struct({
  message: Schema.optional(Schema.String),
  author: Schema.optional(Schema.String),
  branch: Schema.optional(Schema.NonEmptyTrimmedString),
  parents: Schema.optional(Schema.Array(Schema.NonEmptyTrimmedString)),
  files: Schema.optional(Schema.Array(FileToCommit)),
  delete_files: Schema.optional(Schema.Array(FilePath))
}).pipe(
  Schema.filter((payload) => {
    const seen = new Set<string>()
    for (const file of payload.files ?? []) {
      const path = normalized(file.path)
      if (seen.has(path)) return { path: ["files"], message: `the file ${JSON.stringify(path)} is given twice` }
      seen.add(path)
    }
    for (const path of payload.delete_files ?? []) {
      if (seen.has(normalized(path))) {
        return { path: ["delete_files"], message: `${JSON.stringify(normalized(path))} is both written and deleted` }
      }
    }
    for (const [i, file] of (payload.files ?? []).entries()) {
      const problem = file.attributes === "link" ? linkTargetProblem(file.content) : undefined
      if (problem !== undefined) {
        return { path: ["files", i, "content"], message: `${JSON.stringify(normalized(file.path))} is a link, so ${problem}` }
      }
    }
    return true
  })
)

/**
 * The body of {@link createCommit}. Every field is optional:
 * - `message`: Bitbucket writes a canned one without it;
 * - `author`: `Name <email>`; the authenticated user without it;
 * - `branch`: the branch to commit to (created when new); the main branch without it;
 * - `parents`: commit hashes; the first is the commit built on. With an existing `branch`, it
 *   must be the branch's head, else Bitbucket answers 409 (`Conflict`): a compare-and-swap;
 * - `files`: files to add or replace (each may be an executable or a symbolic link, see
 *   {@link FileToCommit}); `delete_files`: paths to delete.
 *
 * Files not named stay as they are. A file written is what its `attributes` say and nothing more:
 * rewriting an executable without `attributes: "executable"` clears its bit, and writing over a
 * link without `attributes: "link"` makes a regular file.
 *
 * @since 0.1.0
 * @category payloads
 */
export const CommitPayload: Schema.Schema<CommitPayload, Schema.Schema.Encoded<typeof CommitPayloadSchema>> = CommitPayloadSchema

/**
 * The body of {@link createCommit}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface CommitPayload extends Schema.Schema.Type<typeof CommitPayloadSchema> {}

/**
 * The `multipart/form-data` body Bitbucket documents: each file as a file part named by its path
 * from the root (with a leading `/`, so that no file is taken for a field such as `message`), the
 * metadata as plain fields, and each path to delete as a `files` field without contents. A file's
 * `attributes` goes in its part's `Content-Disposition` as `x-attributes` (see the multipart module).
 */
const toMultipart = (payload: CommitPayload): Http.Body => {
  const parts: Array<Multipart.Part> = []
  if (payload.message !== undefined) parts.push({ name: "message", value: payload.message })
  if (payload.author !== undefined) parts.push({ name: "author", value: payload.author })
  if (payload.branch !== undefined) parts.push({ name: "branch", value: payload.branch })
  if (payload.parents !== undefined && payload.parents.length > 0) parts.push({ name: "parents", value: payload.parents.join(",") })
  for (const file of payload.files ?? []) {
    const path = normalized(file.path)
    parts.push(Multipart.file(`/${path}`, path.slice(path.lastIndexOf("/") + 1), file.content, file.attributes))
  }
  for (const path of payload.delete_files ?? []) parts.push({ name: "files", value: normalized(path) })
  return { _tag: "Multipart", parts }
}

/**
 * Commits files to a repository (`POST /src`): adds, replaces and deletes files in one new commit,
 * on `branch` (the main branch by default). Gives the new commit's hash, which Bitbucket names in
 * its answer's `Location` header (`Option.none()` if an answer ever lacks it). Needs write access.
 * A POST is not retried after it may have reached Bitbucket, so a commit is never made twice; pass
 * `parents` to make a retry of your own safe (a second attempt then gets 409).
 *
 * A file can be made executable or a symbolic link with its `attributes` ({@link FileToCommit}).
 * Every file written loses what it was: to rewrite an executable and keep its bit, give
 * `attributes: "executable"` again.
 *
 * @example
 * ```ts
 * import { Source } from "effect-bitbucket"
 *
 * const hash = Source.createCommit({ workspace: "demo", repo_slug: "effect-playground" }, {
 *   message: "Add the changelog and the release script",
 *   branch: "docs",
 *   files: [
 *     { path: "CHANGELOG.md", content: "# Changelog\n" },
 *     { path: "bin/release.sh", content: "#!/bin/sh\nnpm publish\n", attributes: "executable" }
 *   ],
 *   delete_files: ["CHANGES.txt"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const createCommit = Effect.fn("Bitbucket.Source.createCommit")(function*(ref: RepositoryRef, payload: CommitPayload) {
  const encoded = yield* Http.encodePayload(CommitPayload, payload)
  const received = yield* Http.request({
    method: "POST",
    path: "/repositories/{workspace}/{repo_slug}/src",
    params: ref,
    body: toMultipart(encoded)
  })
  const location = received.headers["location"]
  return Option.fromNullable(location === undefined ? undefined : /\/commit\/([0-9a-f]{7,40})\/?(?:[?#].*)?$/i.exec(location)?.[1])
})

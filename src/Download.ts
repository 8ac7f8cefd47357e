/**
 * A repository's downloads: files attached to it (release archives, binaries), listed, uploaded,
 * read as a byte stream and deleted.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Download, Resource } from "effect-bitbucket"
 *
 * const repo = { workspace: "demo", repo_slug: "effect-playground" }
 * const program = Effect.gen(function* () {
 *   yield* Download.upload(repo, [{ name: "notes-1.0.txt", content: "Release notes\n" }])
 *   return yield* Resource.collectBytes(Download.content({ ...repo, filename: "notes-1.0.txt" }))
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import { refFromSelf } from "./internal/selfRef.js"
import * as Multipart from "./internal/multipart.js"
import * as Pagination from "./Pagination.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"
import { Account } from "./User.js"

const DownloadSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  size: Schema.optional(Schema.Number),
  downloads: Schema.optional(Schema.Number),
  created_on: Schema.optional(Schema.String),
  user: Schema.optional(Account),
  links: Schema.optional(Resource.Links)
})

/**
 * A download: its `name`, `size` in bytes, how many times it was `downloads`ed, when and by whom
 * it was uploaded.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Download: Resource.NamedStruct<typeof DownloadSchema, Download> = DownloadSchema

/**
 * A download.
 *
 * @since 0.1.0
 * @category models
 */
export interface Download extends Schema.Schema.Type<typeof DownloadSchema> {}

/**
 * A repository's download, by file name.
 *
 * @since 0.1.0
 * @category models
 */
export interface DownloadRef extends RepositoryRef {
  readonly filename: string
}

const FilesSchema = Multipart.uploadFiles("a download")

/**
 * Files to upload: each a name and its contents (text is sent as UTF-8, bytes as they are).
 *
 * @since 0.1.0
 * @category payloads
 */
export const Files: Schema.Schema<Files, Schema.Schema.Encoded<typeof FilesSchema>> = FilesSchema

/**
 * Files to upload.
 *
 * @since 0.1.0
 * @category payloads
 */
export type Files = ReadonlyArray<{ readonly name: string; readonly content: string | Uint8Array }>

const downloads = "/repositories/{workspace}/{repo_slug}/downloads"
const download = `${downloads}/{filename}`

/**
 * The downloads of a repository.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Download } from "effect-bitbucket"
 *
 * const names = Download.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.map((d) => `${d.name} (${d.size} bytes)`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = (
  ref: RepositoryRef,
  options: Pagination.ListOptions = {}
): Stream.Stream<Download, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: downloads, params: ref }, Download, options).pipe(Stream.withSpan("Bitbucket.Download.findForRepository"))

/**
 * The ref of a download you hold, read from its `links.self` (its repository and `filename`).
 * Fails with `InvalidInput` when it came without one (trimmed by `fields`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Download } from "effect-bitbucket"
 *
 * const removeNightlies = Download.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }).pipe(
 *   Stream.filter((file) => file.name?.startsWith("nightly-") ?? false),
 *   // Collect first: deleting while the listing pages would skip some.
 *   Stream.runCollect,
 *   Effect.flatMap(Effect.forEach((file) => Effect.flatMap(Download.refOf(file), Download.delete), { discard: true }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const refOf = (file: Download): Effect.Effect<DownloadRef, BitbucketError.InvalidInput> =>
  refFromSelf<DownloadRef>(file, `${downloads}/{filename+}`, "download")

/**
 * A download's bytes, streamed as they arrive. Bitbucket answers with a redirect to a signed link
 * on its file host, which is followed without credentials (`BitbucketConfig.redirectHosts`).
 *
 * @example
 * ```ts
 * import { Download } from "effect-bitbucket"
 *
 * const bytes = Download.content({ workspace: "demo", repo_slug: "effect-playground", filename: "app-1.0.tar.gz" })
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const content = (ref: DownloadRef): Stream.Stream<Uint8Array, BitbucketError.BitbucketError, Http.Requirements> =>
  Http.byteStream({ method: "GET", path: download, params: ref, followRedirects: true }).pipe(
    Stream.withSpan("Bitbucket.Download.content")
  )

/**
 * Uploads files as downloads of a repository; a file with the name of an existing download
 * replaces it. Needs write access. An empty list, an empty or repeated name, or a name a
 * multipart header cannot carry (a double quote, a backslash, a line break) is `InvalidInput`.
 *
 * @example
 * ```ts
 * import { Download } from "effect-bitbucket"
 *
 * const uploaded = Download.upload({ workspace: "demo", repo_slug: "effect-playground" }, [
 *   { name: "app-1.0.tar.gz", content: new Uint8Array([0x1f, 0x8b]) }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const upload = Effect.fn("Bitbucket.Download.upload")(function*(ref: RepositoryRef, files: Files) {
  const encoded = yield* Http.encodePayload(Files, files, "files")
  const parts = encoded.map((file) => Multipart.file("files", file.name, file.content))
  return yield* Http.empty({ method: "POST", path: downloads, params: ref, body: { _tag: "Multipart", parts } })
})

/**
 * Deletes a download. Needs write access.
 *
 * @example
 * ```ts
 * import { Download } from "effect-bitbucket"
 *
 * const removed = Download.delete({ workspace: "demo", repo_slug: "effect-playground", filename: "app-1.0.tar.gz" })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
const del = Effect.fn("Bitbucket.Download.delete")(function*(ref: DownloadRef) {
  return yield* Http.empty({ method: "DELETE", path: download, params: ref })
})

export { del as delete }

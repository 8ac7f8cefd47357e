/**
 * Open-record schemas for Bitbucket resources, links, and pybitbucket's "remote relationships".
 *
 * A resource schema types the fields we know and keeps every other field as it came: decoding
 * then encoding a Bitbucket response gives the same JSON back, whatever Bitbucket added.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Resource } from "effect-bitbucket"
 *
 * const Thing = Resource.Struct({
 *   type: Schema.String,
 *   name: Schema.optional(Schema.String),
 *   links: Schema.optional(Resource.Links)
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import type { Requirements } from "./internal/http.js"
import { streamUrl } from "./Pagination.js"
import { isRecord } from "./internal/record.js"
import { CheckAnnotationId } from "./internal/validate.js"

/**
 * The index signature that keeps unknown fields.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Extra = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * Any JSON object, fields kept as they are.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenRecord = Extra

/**
 * Any JSON object.
 *
 * @since 0.1.0
 * @category models
 */
export type OpenRecord = typeof OpenRecord.Type

/**
 * An open struct: the known `fields`, typed, plus every other field, kept.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Resource } from "effect-bitbucket"
 *
 * const Tag = Resource.Struct({ type: Schema.String, name: Schema.optional(Schema.String) })
 * Schema.decodeUnknownSync(Tag)({ type: "tag", name: "v1", message: "kept" }).message // "kept"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const Struct = <Fields extends Schema.Struct.Fields>(fields: Fields) => Schema.Struct(fields, Extra)

/**
 * A struct schema (an open one from {@link Struct}, or a payload's) whose decoded type is named by
 * an interface, so that editors and error messages show `Repository` rather than every field of
 * it. It keeps the Struct's API: `fields` and `records` to build on, `make`, and `annotations`
 * (which keeps all of it).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Resource } from "effect-bitbucket"
 *
 * const TagSchema = Resource.Struct({ type: Schema.String, name: Schema.optional(Schema.String) })
 * interface Tag extends Schema.Schema.Type<typeof TagSchema> {}
 * const Tag: Resource.NamedStruct<typeof TagSchema, Tag> = TagSchema
 * const Named = Schema.Struct(Tag.fields) // the known fields only
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface NamedStruct<S extends NamedStruct.Any, A>
  extends Schema.AnnotableClass<NamedStruct<S, A>, A, Schema.Schema.Encoded<S>>
{
  readonly fields: S["fields"]
  readonly records: S["records"]
  make(props: Parameters<S["make"]>[0], options?: Schema.MakeOptions): A
}

/**
 * @since 0.1.0
 * @category models
 */
export declare namespace NamedStruct {
  /**
   * Any struct schema (open or closed) without requirements.
   *
   * @since 0.1.0
   * @category models
   */
  export interface Any extends Schema.Schema.AnyNoContext {
    readonly fields: Schema.Struct.Fields
    readonly records: Schema.IndexSignature.Records
    make(props: never, options?: Schema.MakeOptions): unknown
  }
}

const LinkSchema = Struct({ href: Schema.String, name: Schema.optional(Schema.String) })

/**
 * A link: `{ href, name? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Link: NamedStruct<typeof LinkSchema, Link> = LinkSchema

/**
 * A link.
 *
 * @since 0.1.0
 * @category models
 */
export interface Link extends Schema.Schema.Type<typeof LinkSchema> {}

const isLink = (u: unknown): boolean =>
  isRecord(u) && typeof u["href"] === "string" && (u["name"] === undefined || typeof u["name"] === "string")

const hasOwn = Object.prototype.hasOwnProperty

/** Every own value a link or a list of links (a loop: this runs for every resource of a listing). */
const isLinks = (u: unknown): boolean => {
  if (!isRecord(u)) return false
  for (const rel in u) {
    if (!hasOwn.call(u, rel)) continue
    const v = u[rel]
    if (Array.isArray(v)) {
      for (const link of v) if (!isLink(link)) return false
    } else if (!isLink(v)) return false
  }
  return true
}

/**
 * The schema of a `links` object: link name to a link, or to a list of links (`clone`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Links: Schema.Schema<Links> = Schema.declare(
  (u: unknown): u is Links => isLinks(u),
  {
    [CheckAnnotationId]: isLinks,
    identifier: "Links",
    description: "an object of links: each value a { href, name? } or a list of them",
    arbitrary: () => (fc) =>
      fc.dictionary(
        fc.string(),
        fc.oneof(fc.record({ href: fc.webUrl() }), fc.array(fc.record({ href: fc.webUrl(), name: fc.string() })))
      )
  }
)

/**
 * A `links` object: link name to a link or a list of links.
 *
 * It is checked, not copied: every resource carries a dozen links, and validating them in place
 * keeps decoding of large listings cheap. Decoding and encoding return it unchanged.
 *
 * @since 0.1.0
 * @category models
 */
export interface Links {
  readonly [rel: string]: Link | ReadonlyArray<Link>
}

const RenderedSchema = Struct({
  raw: Schema.optional(Schema.NullOr(Schema.String)),
  markup: Schema.optional(Schema.String),
  html: Schema.optional(Schema.String)
})

/**
 * The typed text of rendered content: `{ raw, markup, html }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rendered: NamedStruct<typeof RenderedSchema, Rendered> = RenderedSchema

/**
 * The typed text of rendered content: `{ raw, markup, html }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rendered extends Schema.Schema.Type<typeof RenderedSchema> {}

/**
 * The names of a resource's fields, links aside (pybitbucket's `attributes()`).
 *
 * @example
 * ```ts
 * import { Resource } from "effect-bitbucket"
 *
 * Resource.attributes({ type: "repository", name: "x", links: {} }) // ["type", "name"]
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const attributes = (resource: { readonly [key: string]: unknown }): ReadonlyArray<string> =>
  Object.keys(resource).filter((key) => key !== "links")

const linksOf = (resource: { readonly [key: string]: unknown }): Record<string, unknown> => {
  const links = resource["links"]
  return isRecord(links) ? links : {}
}

/**
 * The names of a resource's links (pybitbucket's `relationships()`).
 *
 * @example
 * ```ts
 * import { Resource } from "effect-bitbucket"
 *
 * Resource.relationships({ type: "repository", links: { self: { href: "..." }, forks: { href: "..." } } })
 * // ["self", "forks"]
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const relationships = (resource: { readonly [key: string]: unknown }): ReadonlyArray<string> =>
  Object.keys(linksOf(resource))

/**
 * The `href` of a named link, when the resource has one.
 *
 * @example
 * ```ts
 * import { Resource } from "effect-bitbucket"
 *
 * Resource.href({ links: { self: { href: "https://api.bitbucket.org/2.0/x" } } }, "self")
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const href = (resource: { readonly [key: string]: unknown }, rel: string): string | undefined => {
  const link = linksOf(resource)[rel]
  const first = Array.isArray(link) ? link[0] : link
  return isRecord(first) && typeof first["href"] === "string" ? first["href"] : undefined
}

/**
 * Streams what a link points at (pybitbucket's remote relationships): the items of a listing,
 * pages followed, or the one object it names, decoded as open records (or with `schema`). Only
 * links on the API's origin are followed, with credentials; others fail with a `TransportError`
 * (reason `RefusedOrigin`), and a missing link fails with `InvalidInput`.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Repository, Resource } from "effect-bitbucket"
 *
 * const forks = Effect.map(Repository.find({ workspace: "demo", repo_slug: "effect-playground" }), (repo) =>
 *   Resource.follow(repo, "forks")
 * ).pipe(Stream.unwrap)
 * ```
 *
 * @since 0.1.0
 * @category relationships
 */
export const follow: {
  (resource: { readonly [key: string]: unknown }, rel: string): Stream.Stream<OpenRecord, BitbucketError.BitbucketError, Requirements>
  <A, I>(
    resource: { readonly [key: string]: unknown },
    rel: string,
    schema: Schema.Schema<A, I>
  ): Stream.Stream<A, BitbucketError.BitbucketError, Requirements>
} = <A, I>(
  resource: { readonly [key: string]: unknown },
  rel: string,
  schema?: Schema.Schema<A, I>
): Stream.Stream<A | OpenRecord, BitbucketError.BitbucketError, Requirements> => {
  const url = href(resource, rel)
  const followed: Stream.Stream<A | OpenRecord, BitbucketError.BitbucketError, Requirements> = url === undefined
    ? Stream.fail(new BitbucketError.InvalidInput({ message: `the resource has no "${rel}" link`, parameter: "rel" }))
    : streamUrl<A | OpenRecord, unknown>(url, (schema ?? OpenRecord) as Schema.Schema<A | OpenRecord, unknown>, { single: true })
  // A missing link is traced too: the failure shows under the operation that asked for it.
  return followed.pipe(Stream.withSpan("Bitbucket.Resource.follow", { attributes: { rel } }))
}

/**
 * Collects a byte stream (`Snippet.content`, `Commit.diffBytes`, ...) into one `Uint8Array`, for
 * bodies small enough to hold; stream large ones to their destination instead.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Resource, Snippet } from "effect-bitbucket"
 *
 * const logo: Effect.Effect<Uint8Array, unknown, unknown> = Resource.collectBytes(
 *   Snippet.content({ workspace: "demo", encoded_id: "k3Rp9" }, "logo.png")
 * )
 * ```
 *
 * @since 0.1.0
 * @category content
 */
export const collectBytes = <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Effect.Effect<Uint8Array, E, R> =>
  Effect.map(Stream.runCollect(bytes), (chunks) => {
    let length = 0
    for (const chunk of chunks) length += chunk.length
    const whole = new Uint8Array(length)
    let offset = 0
    for (const chunk of chunks) {
      whole.set(chunk, offset)
      offset += chunk.length
    }
    return whole
  })

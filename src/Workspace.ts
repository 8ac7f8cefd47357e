/**
 * Workspaces: what pybitbucket called teams. Bitbucket turned teams into workspaces in 2020; a
 * workspace is identified by its slug or `{uuid}`.
 *
 * @example
 * ```ts
 * import { Workspace } from "effect-bitbucket"
 *
 * const demo = Workspace.find({ workspace: "demo" })
 * const members = Workspace.findMembers({ workspace: "demo" })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema, Stream } from "effect"
import * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"
import { Entry } from "./Source.js"
import { Account } from "./User.js"

const WorkspaceSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  slug: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  is_private: Schema.optional(Schema.Boolean),
  created_on: Schema.optional(Schema.String),
  updated_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * A workspace.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Workspace: Resource.NamedStruct<typeof WorkspaceSchema, Workspace> = WorkspaceSchema

/**
 * A workspace.
 *
 * @since 0.1.0
 * @category models
 */
export interface Workspace extends Schema.Schema.Type<typeof WorkspaceSchema> {}

const WorkspaceAccessSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  workspace: Schema.optional(Workspace),
  permission: Schema.optional(Schema.String)
})

/**
 * One entry of `GET /user/workspaces`: the workspace plus the caller's access to it (the rest of
 * the entry is kept as it came).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceAccess: Resource.NamedStruct<typeof WorkspaceAccessSchema, WorkspaceAccess> = WorkspaceAccessSchema

/**
 * An entry of `GET /user/workspaces`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceAccess extends Schema.Schema.Type<typeof WorkspaceAccessSchema> {}

/**
 * A workspace by slug or `{uuid}`.
 *
 * @example
 * ```ts
 * import { Workspace } from "effect-bitbucket"
 *
 * const acme = Workspace.find({ workspace: "acme" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.Workspace.find")(function*(ref: { readonly workspace: string }) {
  return yield* Http.json({ method: "GET", path: "/workspaces/{workspace}", params: ref }, Workspace)
})

/**
 * The workspaces the authenticated user can access (`GET /user/workspaces`, which replaced the
 * removed `GET /workspaces`), each with the caller's access entry.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const lines = Workspace.findAccessForCurrentUser().pipe(Stream.map((a) => `${a.workspace?.slug}: ${a.permission}`))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findAccessForCurrentUser = (
  options: Pagination.ListOptions = {}
): Stream.Stream<WorkspaceAccess, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/user/workspaces" }, WorkspaceAccess, options).pipe(
    Stream.withSpan("Bitbucket.Workspace.findAccessForCurrentUser")
  )

/**
 * The workspaces the authenticated user can access. For pybitbucket's `find_teams_for_role(role)`,
 * filter {@link findAccessForCurrentUser} by `permission` (`{ q: 'permission = "owner"' }`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const names = Workspace.findForCurrentUser().pipe(Stream.map((w) => w.name))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForCurrentUser = (
  options: Pagination.ListOptions = {}
): Stream.Stream<Workspace, BitbucketError.BitbucketError, Http.Requirements> =>
  findAccessForCurrentUser(options).pipe(
    // A `fields` selection may leave the workspace out of an entry.
    Stream.filterMap((access) => Option.fromNullable(access.workspace)),
    Stream.withSpan("Bitbucket.Workspace.findForCurrentUser")
  )

const MembershipSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  /** `owner`, `collaborator` or `member`, in {@link findPermissions}. */
  permission: Schema.optional(Schema.String),
  user: Schema.optional(Account),
  workspace: Schema.optional(Workspace),
  links: Schema.optional(Resource.Links)
})

/**
 * A workspace membership: the member's account and the workspace (`workspace_membership`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Membership: Resource.NamedStruct<typeof MembershipSchema, Membership> = MembershipSchema

/**
 * A workspace membership.
 *
 * @since 0.1.0
 * @category models
 */
export interface Membership extends Schema.Schema.Type<typeof MembershipSchema> {}

/**
 * The members of a workspace (`GET /workspaces/{workspace}/members`), pybitbucket's team members.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const names = Workspace.findMembers({ workspace: "acme" }).pipe(Stream.map((m) => m.user?.display_name))
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findMembers = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Membership, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/workspaces/{workspace}/members", params: ref }, Membership, options).pipe(
    Stream.withSpan("Bitbucket.Workspace.findMembers")
  )

/**
 * One member of a workspace, by `account_id` or `{uuid}` (`GET /workspaces/{workspace}/members/{member}`).
 * Fails with `NotFound` when the account is not a member.
 *
 * @example
 * ```ts
 * import { Workspace } from "effect-bitbucket"
 *
 * const membership = Workspace.findMember({ workspace: "acme", member: "{d301aafa-d676-4ee0-88be-962be7417567}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findMember = Effect.fn("Bitbucket.Workspace.findMember")(function*(ref: {
  readonly workspace: string
  readonly member: string
}) {
  return yield* Http.json({ method: "GET", path: "/workspaces/{workspace}/members/{member}", params: ref }, Membership)
})

const SegmentSchema = Resource.Struct({
  text: Schema.optional(Schema.String),
  match: Schema.optional(Schema.Boolean)
})

/**
 * A piece of a line or a path in a search result; `match` marks the pieces that matched.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SearchSegment: Resource.NamedStruct<typeof SegmentSchema, SearchSegment> = SegmentSchema

/**
 * A piece of a line or a path in a search result.
 *
 * @since 0.1.0
 * @category models
 */
export interface SearchSegment extends Schema.Schema.Type<typeof SegmentSchema> {}

const SearchLineSchema = Resource.Struct({
  line: Schema.optional(Schema.Number),
  segments: Schema.optional(Schema.Array(SearchSegment))
})

/**
 * A numbered line of a search result, in segments (none for an empty line).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SearchLine: Resource.NamedStruct<typeof SearchLineSchema, SearchLine> = SearchLineSchema

/**
 * A numbered line of a search result.
 *
 * @since 0.1.0
 * @category models
 */
export interface SearchLine extends Schema.Schema.Type<typeof SearchLineSchema> {}

const ContentMatchSchema = Resource.Struct({ lines: Schema.optional(Schema.Array(SearchLine)) })

/**
 * A block of consecutive lines around matches in a file.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ContentMatch: Resource.NamedStruct<typeof ContentMatchSchema, ContentMatch> = ContentMatchSchema

/**
 * A block of consecutive lines around matches.
 *
 * @since 0.1.0
 * @category models
 */
export interface ContentMatch extends Schema.Schema.Type<typeof ContentMatchSchema> {}

const CodeSearchResultSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  content_match_count: Schema.optional(Schema.Number),
  content_matches: Schema.optional(Schema.Array(ContentMatch)),
  path_matches: Schema.optional(Schema.Array(SearchSegment)),
  file: Schema.optional(Entry)
})

/**
 * A file that matched a code search: `file` (its path, and with the default `fields` the commit and
 * repository it is in), `path_matches` (its path in segments) and `content_matches` (blocks of
 * numbered lines in segments, with the lines around the matches).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CodeSearchResult: Resource.NamedStruct<typeof CodeSearchResultSchema, CodeSearchResult> = CodeSearchResultSchema

/**
 * A file that matched a code search.
 *
 * @since 0.1.0
 * @category models
 */
export interface CodeSearchResult extends Schema.Schema.Type<typeof CodeSearchResultSchema> {}

/** The default fields (the repository of each result) with the caller's additions and removals. */
const withRepository = (fields: string | undefined) => {
  const repository = "+values.file.commit.repository"
  if (fields === undefined || fields.trim() === "") return repository
  // A selection (`values.file.path`) says exactly what to return; `+`/`-` tokens change the default.
  return fields.split(",").every((token) => /^\s*[+-]/.test(token)) ? `${repository},${fields}` : fields
}

/**
 * Searches the code of a workspace's repositories (their main branches), with the query syntax of
 * Bitbucket's search box: words and `"quoted phrases"` (all must match, in a file's text or path)
 * and filters such as `repo:api`, `path:src`, `ext:ts` or `lang:typescript`. Each result names its
 * repository (`file.commit.repository`): the listing asks for it, unless your `fields` is a
 * selection (`values.file.path`) rather than additions and removals (`+…`, `-…`).
 * Bitbucket answers `NotFound` when search is not enabled for the workspace.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const todos = Workspace.searchCode({ workspace: "demo" }, "TODO ext:ts").pipe(
 *   Stream.map((result) => `${result.file?.commit?.repository?.["full_name"]}: ${result.file?.path} (${result.content_match_count})`)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const searchCode = (
  ref: { readonly workspace: string },
  query: string,
  options: Pagination.PlainListOptions = {}
): Stream.Stream<CodeSearchResult, BitbucketError.BitbucketError, Http.Requirements> =>
  (query.trim() === ""
    ? Stream.fail(new BitbucketError.InvalidInput({ message: "a search query must have something to search for", parameter: "search_query" }))
    : Pagination.stream(
      { path: "/workspaces/{workspace}/search/code", params: ref, query: { search_query: query } },
      CodeSearchResult,
      { ...options, fields: withRepository(options.fields) }
    )).pipe(Stream.withSpan("Bitbucket.Workspace.searchCode"))

/**
 * The members of a workspace with their permission (`owner`, `collaborator`, `member`), for
 * audits; BBQL filters them: `q: 'permission = "owner"'`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const owners = Workspace.findPermissions({ workspace: "acme" }, { q: 'permission = "owner"' }).pipe(
 *   Stream.map((membership) => membership.user?.display_name)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findPermissions = (
  ref: { readonly workspace: string },
  options: Pagination.ListOptions = {}
): Stream.Stream<Membership, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/workspaces/{workspace}/permissions", params: ref }, Membership, options).pipe(
    Stream.withSpan("Bitbucket.Workspace.findPermissions")
  )

const RepositoryPermissionSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  permission: Schema.optional(Schema.Union(Schema.Literal("admin", "write", "read"), Schema.String)),
  user: Schema.optional(Account),
  repository: Schema.optional(Resource.OpenRecord)
})

/**
 * A user's effective permission on a repository: the highest they have, however it comes
 * (membership, a group, the project, the repository).
 *
 * @since 0.1.0
 * @category schemas
 */
export const RepositoryPermission: Resource.NamedStruct<typeof RepositoryPermissionSchema, RepositoryPermission> =
  RepositoryPermissionSchema

/**
 * A user's effective permission on a repository.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepositoryPermission extends Schema.Schema.Type<typeof RepositoryPermissionSchema> {}

/**
 * Who may do what in a workspace's repositories (`admin`, `write`, `read`), every repository or
 * one (`repo_slug`): the effective permission of each user. Only the workspace's administrators
 * may list all of them, and a repository's administrators its own. BBQL filters and sorts:
 * `q: 'permission = "admin"'`, `sort: "user.display_name"`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Workspace } from "effect-bitbucket"
 *
 * const admins = Workspace.findRepositoryPermissions({ workspace: "acme", repo_slug: "api" }, { q: 'permission = "admin"' }).pipe(
 *   Stream.map((grant) => grant.user?.display_name)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findRepositoryPermissions = (
  ref: { readonly workspace: string; readonly repo_slug?: string | undefined },
  options: Pagination.ListOptions = {}
): Stream.Stream<RepositoryPermission, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream(
    {
      path: ref.repo_slug === undefined ? "/workspaces/{workspace}/permissions/repositories" : "/workspaces/{workspace}/permissions/repositories/{repo_slug}",
      params: ref
    },
    RepositoryPermission,
    options
  ).pipe(Stream.withSpan("Bitbucket.Workspace.findRepositoryPermissions"))

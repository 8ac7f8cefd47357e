/**
 * Seed data of the in-memory fake Bitbucket: plain JSON-able values.
 *
 * Resource fields use Bitbucket's wire names (`is_private`, `created_on`); fields that only exist
 * in the fake (credentials, references between seeded objects) are camelCase.
 *
 * @internal
 */
import type { FileAttribute } from "./git.js"
import { defaultGit } from "./seedGit.js"

/**
 * A reference to a seeded user: its `uuid` (with braces), its `account_id` or its `email`.
 *
 * @example
 * ```ts
 * const ref: FakeBitbucket.UserRef = "alice@example.com"
 * ```
 */
export type UserRef = string

/**
 * A seeded Bitbucket user with its credentials.
 *
 * @example
 * ```ts
 * const dave: FakeBitbucket.SeedUser = {
 *   uuid: "{00000000-0000-4000-8000-00000000000d}",
 *   account_id: "557058:dave",
 *   display_name: "Dave",
 *   nickname: "dave",
 *   email: "dave@example.com",
 *   apiTokens: ["dave-api-token"]
 * }
 * ```
 */
export interface SeedUser {
  /** `{uuid}` with braces, as Bitbucket writes it. */
  readonly uuid: string
  readonly account_id: string
  readonly display_name: string
  readonly nickname: string
  /** The Atlassian account email: the user name of API-token Basic auth. */
  readonly email: string
  readonly created_on?: string
  /** Legacy Bitbucket username: the user name of app-password Basic auth (refused since 2026-07-28, as on Bitbucket). */
  readonly username?: string
  /** API tokens: `Authorization: Basic base64(email:token)`. */
  readonly apiTokens?: ReadonlyArray<string>
  /** App passwords (legacy): `Authorization: Basic base64(username:appPassword)`, answered 401 as on Bitbucket since 2026-07-28. */
  readonly appPasswords?: ReadonlyArray<string>
  /** Extra fields merged into the user's JSON representation. */
  readonly extra?: Readonly<Record<string, unknown>>
  /**
   * Further email addresses of the account (`GET /user/emails`); `email` is always the primary,
   * confirmed one.
   */
  readonly emails?: ReadonlyArray<{ readonly email: string; readonly is_confirmed: boolean }>
}

/**
 * A workspace member and its workspace permission.
 *
 * @example
 * ```ts
 * const member: FakeBitbucket.SeedMember = { user: "alice@example.com", permission: "owner" }
 * ```
 */
export interface SeedMember {
  readonly user: UserRef
  /** `owner` = admin on every repository, `collaborator` = write, `member` = read. */
  readonly permission: "owner" | "collaborator" | "member"
}

/**
 * A project of a workspace.
 *
 * @example
 * ```ts
 * const project: FakeBitbucket.SeedProject = { key: "OPS", name: "Operations", uuid: "{…}" }
 * ```
 */
export interface SeedProject {
  readonly key: string
  readonly name: string
  readonly uuid: string
  readonly description?: string
  readonly is_private?: boolean
  readonly created_on?: string
  /**
   * Explicit user permissions on the project, which its repositories inherit (`create-repo` gives
   * write on them; `admin` also lets the user manage the project's deploy keys and permissions).
   */
  readonly permissions?: ReadonlyArray<{ readonly user: UserRef; readonly permission: "read" | "write" | "create-repo" | "admin" }>
  /** Explicit group permissions on the project (by group slug), which its repositories inherit as `permissions` do. */
  readonly groupPermissions?: ReadonlyArray<{ readonly group: string; readonly permission: "read" | "write" | "create-repo" | "admin" }>
  /** Users added as reviewers to every new pull request of the project's repositories. */
  readonly defaultReviewers?: ReadonlyArray<UserRef>
}

/**
 * A seeded workspace (what used to be a team).
 *
 * @example
 * ```ts
 * const ws: FakeBitbucket.SeedWorkspace = {
 *   uuid: "{…}", slug: "acme", name: "Acme", is_private: true,
 *   members: [{ user: "alice@example.com", permission: "owner" }],
 *   projects: [{ key: "ACME", name: "Acme", uuid: "{…}" }]
 * }
 * ```
 */
export interface SeedWorkspace {
  readonly uuid: string
  readonly slug: string
  readonly name: string
  readonly is_private: boolean
  readonly created_on?: string
  readonly members: ReadonlyArray<SeedMember>
  /** The first project is the default project of new repositories. */
  readonly projects?: ReadonlyArray<SeedProject>
  /** User groups, which repositories and projects can give permissions to. */
  readonly groups?: ReadonlyArray<SeedGroup>
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * A group of a workspace's users, by slug (`developers`); its `full_slug` is `workspace:slug`.
 * Its members get what repositories and projects give the group (`groupPermissions`), as on
 * Bitbucket, where the highest permission however it comes wins.
 *
 * @example
 * ```ts
 * const group: FakeBitbucket.SeedGroup = { slug: "developers", name: "Developers", members: ["bob@example.com"] }
 * ```
 */
export interface SeedGroup {
  readonly slug: string
  readonly name: string
  /** The group's members, members of its workspace too. Default: none. */
  readonly members?: ReadonlyArray<UserRef>
}

/**
 * A seeded repository.
 *
 * @example
 * ```ts
 * const repo: FakeBitbucket.SeedRepository = {
 *   workspace: "acme", slug: "api", name: "api", uuid: "{…}", is_private: true,
 *   language: "typescript", created_on: "2024-01-01T00:00:00.000000+00:00",
 *   updated_on: "2024-01-02T00:00:00.000000+00:00", mainbranch: "main", project: "ACME"
 * }
 * ```
 */
export interface SeedRepository {
  /** Workspace slug. */
  readonly workspace: string
  readonly slug: string
  readonly name: string
  readonly uuid: string
  readonly is_private: boolean
  readonly description?: string
  readonly language?: string
  readonly fork_policy?: "allow_forks" | "no_public_forks" | "no_forks"
  readonly has_issues?: boolean
  readonly has_wiki?: boolean
  readonly size?: number
  readonly website?: string | null
  readonly created_on: string
  readonly updated_on: string
  /** Main branch name; `null` for an empty repository. Default `"main"`. */
  readonly mainbranch?: string | null
  /** Project key within the workspace; default: the workspace's first project. */
  readonly project?: string
  /** `full_name` of the repository this one is a fork of. */
  readonly parent?: string
  /** Explicit repository permissions, in addition to those given by workspace membership. */
  readonly permissions?: ReadonlyArray<{ readonly user: UserRef; readonly permission: "read" | "write" | "admin" }>
  /** Explicit group permissions (by group slug of the repository's workspace): the group's members get them. */
  readonly groupPermissions?: ReadonlyArray<{ readonly group: string; readonly permission: "read" | "write" | "admin" }>
  /** Users added as reviewers to every new pull request (with the project's). */
  readonly defaultReviewers?: ReadonlyArray<UserRef>
  /** Users watching the repository (`GET R/watchers`). */
  readonly watchers?: ReadonlyArray<UserRef>
  /**
   * The merge strategies pull requests into the repository's branches may use, and the one used
   * when a merge names none (every branch lists them as `merge_strategies` and
   * `default_merge_strategy`). Default: all six, `merge_commit` by default.
   */
  readonly mergeStrategies?: {
    readonly allowed?: ReadonlyArray<SeedMergeStrategy>
    readonly default?: SeedMergeStrategy
  }
  /** Extra fields merged into the repository's JSON representation. */
  readonly extra?: Readonly<Record<string, unknown>>
}

/** A merge strategy Bitbucket documents for `POST …/pullrequests/{id}/merge`. */
export type SeedMergeStrategy = "merge_commit" | "squash" | "fast_forward" | "squash_fast_forward" | "rebase_fast_forward" | "rebase_merge"

/**
 * A commit author as git records it: the raw `Name <email>` line and, when Bitbucket could map
 * it, the user.
 *
 * @example
 * ```ts
 * const author: FakeBitbucket.SeedAuthor = { raw: "Alice Anderson <alice@example.com>", user: "alice@example.com" }
 * ```
 */
export interface SeedAuthor {
  readonly raw: string
  readonly user?: UserRef
}

/**
 * A commit. The fake models a commit's content as the files it sets (path to full new content)
 * or deletes (`null`); trees, diffs, diffstats and patches are computed from that.
 *
 * @example
 * ```ts
 * const commit: FakeBitbucket.SeedCommit = {
 *   hash: "4f2c0e1b9a7d3c5e8f6a1b2c3d4e5f6a7b8c9d0e",
 *   message: "Add README\n",
 *   author: { raw: "Alice Anderson <alice@example.com>", user: "alice@example.com" },
 *   date: "2024-01-01T10:00:00+00:00",
 *   parents: [],
 *   files: { "README.md": "# demo\n" }
 * }
 * ```
 */
export interface SeedCommit {
  /** 40 lower-case hex digits. */
  readonly hash: string
  readonly message: string
  readonly author: SeedAuthor
  /** ISO-8601 date. */
  readonly date: string
  /** Parent hashes: none for a root commit, two for a merge. */
  readonly parents: ReadonlyArray<string>
  /** Files set (full content) or deleted (`null`) by this commit. */
  readonly files?: Readonly<Record<string, string | null>>
  /**
   * Files set by this commit whose bytes are not UTF-8 text, base64-encoded (diffs show their
   * `files` entry, the bytes decoded as UTF-8; `/src` serves these bytes).
   */
  readonly binaryFiles?: Readonly<Record<string, string>>
  /**
   * Files set by this commit that are executables or symbolic links (a link's content is its
   * target path); the others are regular files. Each path must be one this commit sets (in
   * `files` or `binaryFiles`), else seeding fails.
   */
  readonly attributes?: Readonly<Record<string, FileAttribute>>
  /** Users who approved the commit. */
  readonly approvedBy?: ReadonlyArray<UserRef>
}

/**
 * A branch: a name pointing at a commit.
 *
 * @example
 * ```ts
 * const branch: FakeBitbucket.SeedBranch = { name: "feature/login", target: "4f2c0e1b…" }
 * ```
 */
export interface SeedBranch {
  /** May contain `/`. */
  readonly name: string
  /** Full commit hash. */
  readonly target: string
}

/**
 * A tag; with `message`, `tagger` and `date` it is an annotated tag.
 *
 * @example
 * ```ts
 * const tag: FakeBitbucket.SeedTag = { name: "v1.0.0", target: "4f2c0e1b…", message: "Release 1.0.0", tagger: { raw: "Alice <alice@example.com>" }, date: "2024-01-01T10:00:00+00:00" }
 * ```
 */
export interface SeedTag {
  readonly name: string
  readonly target: string
  readonly message?: string
  readonly tagger?: SeedAuthor
  readonly date?: string
}

/**
 * A comment on a pull request or a commit. `content.raw` is Markdown; the fake renders `html`.
 *
 * @example
 * ```ts
 * const comment: FakeBitbucket.SeedComment = {
 *   id: 1001, user: "bob@example.com", raw: "Looks good", created_on: "2024-01-02T10:00:00+00:00",
 *   inline: { path: "src/main.ts", from: null, to: 3 }
 * }
 * ```
 */
export interface SeedComment {
  /** Comment ids are unique across the whole fake, as on Bitbucket. */
  readonly id: number
  readonly user: UserRef
  readonly raw: string
  readonly created_on: string
  readonly updated_on?: string
  /** An inline comment: `from` is the old line, `to` the new line (either may be `null`). */
  readonly inline?: { readonly path: string; readonly from?: number | null; readonly to?: number | null }
  /** Id of the comment this one replies to. */
  readonly parent?: number
  readonly deleted?: boolean
  /** Pull request comments only: who resolved the comment thread, and when. */
  readonly resolution?: { readonly user: UserRef; readonly created_on: string }
  /** Pull request comments only: a draft (`pending`), as its author posted it. */
  readonly pending?: boolean
}

/**
 * A task on a pull request: open until it has a `resolution`.
 *
 * @example
 * ```ts
 * const task: FakeBitbucket.SeedTask = {
 *   id: 5001, creator: "alice@example.com", raw: "Add a test", created_on: "2024-01-02T10:00:00+00:00", comment: 1001
 * }
 * ```
 */
export interface SeedTask {
  /** Task ids are unique across the whole fake. */
  readonly id: number
  readonly creator: UserRef
  readonly raw: string
  readonly created_on: string
  readonly updated_on?: string
  /** Id of the pull request's comment the task sits under. */
  readonly comment?: number
  readonly pending?: boolean
  /** Who resolved the task, and when; a task without one is `UNRESOLVED`. */
  readonly resolution?: { readonly user: UserRef; readonly created_on: string }
  /** A deleted task: not served, kept so that its id is not given again. */
  readonly deleted?: boolean
}

/**
 * A comment on a commit.
 *
 * @example
 * ```ts
 * const comment: FakeBitbucket.SeedCommitComment = { id: 2001, commit: "4f2c0e1b…", user: "bob@example.com", raw: "Nice", created_on: "2024-01-02T10:00:00+00:00" }
 * ```
 */
export interface SeedCommitComment extends SeedComment {
  /** Full commit hash. */
  readonly commit: string
}

/**
 * A pull request participant: a reviewer (`REVIEWER`) or anyone who commented or approved
 * (`PARTICIPANT`).
 *
 * @example
 * ```ts
 * const p: FakeBitbucket.SeedParticipant = { user: "alice@example.com", role: "REVIEWER", approved: true, state: "approved", participated_on: "2024-01-02T10:00:00+00:00" }
 * ```
 */
export interface SeedParticipant {
  readonly user: UserRef
  readonly role: "PARTICIPANT" | "REVIEWER"
  readonly approved: boolean
  readonly state: "approved" | "changes_requested" | null
  readonly participated_on?: string | null
}

/**
 * A pull request whose source and destination are branches of the same repository.
 * For an `OPEN` pull request the source and destination commits follow the branches; for a
 * closed one they are frozen at the recorded commits.
 *
 * @example
 * ```ts
 * const pr: FakeBitbucket.SeedPullRequest = {
 *   id: 1, title: "Add login", state: "OPEN", author: "bob@example.com",
 *   source: { branch: "feature/login", commit: "4f2c0e1b…" }, destination: { branch: "main", commit: "9a8b7c6d…" },
 *   reviewers: ["alice@example.com"], participants: [], created_on: "…", updated_on: "…"
 * }
 * ```
 */
export interface SeedPullRequest {
  /** Unique per repository, from 1. */
  readonly id: number
  readonly title: string
  readonly description?: string
  readonly state: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED"
  readonly author: UserRef
  readonly source: { readonly branch: string; readonly commit: string }
  readonly destination: { readonly branch: string; readonly commit: string }
  readonly reviewers?: ReadonlyArray<UserRef>
  readonly participants?: ReadonlyArray<SeedParticipant>
  readonly created_on: string
  readonly updated_on: string
  readonly close_source_branch?: boolean
  readonly draft?: boolean
  /** Hash of the merge commit of a `MERGED` pull request. */
  readonly merge_commit?: string
  readonly closed_by?: UserRef
  /** Why it was declined. */
  readonly reason?: string
  readonly comments?: ReadonlyArray<SeedComment>
  readonly tasks?: ReadonlyArray<SeedTask>
}

/**
 * A build status (`commitstatus`) of a commit.
 *
 * @example
 * ```ts
 * const status: FakeBitbucket.SeedBuildStatus = {
 *   commit: "4f2c0e1b…", key: "ci-build", state: "SUCCESSFUL", name: "CI #12",
 *   url: "https://ci.example.com/12", refname: "main", created_on: "…"
 * }
 * ```
 */
export interface SeedBuildStatus {
  readonly commit: string
  readonly key: string
  readonly state: "SUCCESSFUL" | "FAILED" | "INPROGRESS" | "STOPPED"
  readonly name?: string
  readonly url: string
  readonly description?: string
  readonly refname?: string | null
  readonly uuid?: string
  readonly created_on: string
  readonly updated_on?: string
}

/**
 * A Code Insights report on a commit, with its annotations.
 *
 * @example
 * ```ts
 * const report: FakeBitbucket.SeedReport = {
 *   commit: "4f2c0e1b…", external_id: "lint-1", title: "Lint", details: "2 warnings",
 *   report_type: "BUG", result: "PASSED", created_on: "…",
 *   annotations: [{ external_id: "w1", annotation_type: "CODE_SMELL", summary: "Unused import", path: "src/a.ts", line: 3, created_on: "…" }]
 * }
 * ```
 */
export interface SeedReport {
  /** Full commit hash. */
  readonly commit: string
  readonly uuid?: string
  readonly external_id?: string
  readonly title: string
  readonly details: string
  readonly report_type: "SECURITY" | "COVERAGE" | "TEST" | "BUG"
  readonly reporter?: string
  readonly link?: string
  readonly logo_url?: string
  readonly remote_link_enabled?: boolean
  readonly result?: "PASSED" | "FAILED" | "PENDING"
  /** Data fields as Bitbucket keeps them: `{ title, type?, value }`. */
  readonly data?: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly created_on: string
  readonly updated_on?: string
  readonly annotations?: ReadonlyArray<SeedAnnotation>
}

/**
 * One annotation of a report: a finding, optionally on a file's line.
 *
 * @example
 * ```ts
 * const annotation: FakeBitbucket.SeedAnnotation = { external_id: "w1", annotation_type: "BUG", summary: "Null dereference", created_on: "…" }
 * ```
 */
export interface SeedAnnotation {
  readonly uuid?: string
  readonly external_id?: string
  readonly annotation_type: "VULNERABILITY" | "CODE_SMELL" | "BUG"
  readonly summary: string
  readonly title?: string
  readonly details?: string
  readonly path?: string
  readonly line?: number
  readonly severity?: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"
  readonly result?: "PASSED" | "FAILED" | "SKIPPED" | "IGNORED"
  readonly link?: string
  readonly created_on: string
  readonly updated_on?: string
}

/**
 * The git side of one repository: commits, branches, tags, pull requests, commit comments,
 * build statuses and Code Insights reports. A repository without an entry here that has a main
 * branch gets a single "Initial commit" on it.
 *
 * @example
 * ```ts
 * const git: FakeBitbucket.SeedGitRepository = {
 *   repository: "demo/docs",
 *   commits: [commit],
 *   branches: [{ name: "gh-pages", target: commit.hash }]
 * }
 * ```
 */
export interface SeedGitRepository {
  /** `full_name` of a seeded repository. */
  readonly repository: string
  readonly commits: ReadonlyArray<SeedCommit>
  readonly branches: ReadonlyArray<SeedBranch>
  readonly tags?: ReadonlyArray<SeedTag>
  readonly pullRequests?: ReadonlyArray<SeedPullRequest>
  readonly commitComments?: ReadonlyArray<SeedCommitComment>
  readonly statuses?: ReadonlyArray<SeedBuildStatus>
  readonly reports?: ReadonlyArray<SeedReport>
}

/**
 * A static access token (`Authorization: Bearer <token>`), bound to exactly one of a user, a
 * workspace (workspace access token) or a repository (repository access token, by `full_name`).
 * Workspace and repository tokens act as a bot with admin access to what they are bound to.
 *
 * @example
 * ```ts
 * const token: FakeBitbucket.SeedAccessToken = { token: "acme-api-token", repository: "acme/api" }
 * ```
 */
export interface SeedAccessToken {
  readonly token: string
  readonly name?: string
  readonly user?: UserRef
  readonly workspace?: string
  readonly repository?: string
  readonly scopes?: ReadonlyArray<string>
}

/**
 * An OAuth 2.0 consumer: `key`/`secret` are the client id/secret of the token endpoint.
 * Tokens issued to it act as its `owner`.
 *
 * @example
 * ```ts
 * const consumer: FakeBitbucket.SeedOAuthConsumer = {
 *   key: "my-client", secret: "my-secret", name: "CI", owner: "alice@example.com",
 *   tokenTtlSeconds: 60
 * }
 * ```
 */
export interface SeedOAuthConsumer {
  readonly key: string
  readonly secret: string
  readonly name: string
  readonly owner: UserRef
  readonly scopes?: ReadonlyArray<string>
  /** Single-use codes accepted by `grant_type=authorization_code`. */
  readonly authorizationCodes?: ReadonlyArray<string>
  /** Lifetime of issued access tokens; default `Seed.oauthTokenTtlSeconds`, else 7200. */
  readonly tokenTtlSeconds?: number
}

/**
 * A comment on a snippet. Ids are unique across the whole fake, like other comments.
 *
 * @example
 * ```ts
 * const c: FakeBitbucket.SeedSnippetComment = { id: 4001, user: "bob@example.com", raw: "Handy!", created_on: "2024-05-02T10:00:00.000000+00:00" }
 * ```
 */
export interface SeedSnippetComment {
  readonly id: number
  readonly user: UserRef
  readonly raw: string
  readonly created_on: string
  readonly updated_on?: string
  /** Id of the comment this one replies to. */
  readonly parent?: number
}

/**
 * A snippet: a small git repository of files owned by a workspace. File contents are base64 so
 * that all bytes (binary, Latin-1 text) survive the JSON seed.
 *
 * @example
 * ```ts
 * const snippet: FakeBitbucket.SeedSnippet = {
 *   id: 2001, encoded_id: "aB3dE", workspace: "demo", title: "Hello", is_private: false,
 *   creator: "alice@example.com", created_on: "2024-05-01T10:00:00.000000+00:00",
 *   files: { "hello.txt": Buffer.from("hello\n").toString("base64") }
 * }
 * ```
 */
export interface SeedSnippet {
  /** The numeric id (the `id` field). */
  readonly id: number
  /** The id used in URLs: `/snippets/{workspace}/{encoded_id}`. */
  readonly encoded_id: string
  /** Slug of the owning workspace. */
  readonly workspace: string
  readonly title: string
  readonly is_private: boolean
  readonly creator: UserRef
  readonly created_on: string
  readonly updated_on?: string
  /** File name to base64 content. */
  readonly files: Readonly<Record<string, string>>
  readonly watchers?: ReadonlyArray<UserRef>
  readonly comments?: ReadonlyArray<SeedSnippetComment>
  /** Extra fields merged into the snippet's JSON representation. */
  readonly extra?: Readonly<Record<string, unknown>>
}

/**
 * A webhook subscription on a repository (`repository`, a `full_name`) or on a workspace
 * (`workspace`, a slug). `secret` is write-only on the API; the JSON only says `secret_set`.
 *
 * @example
 * ```ts
 * const hook: FakeBitbucket.SeedWebhook = {
 *   uuid: "{…}", repository: "demo/effect-playground", url: "https://ci.example.com/hook",
 *   events: ["repo:push"], created_at: "2024-01-01T00:00:00.000000+00:00"
 * }
 * ```
 */
export interface SeedWebhook {
  /** `{uuid}` with braces. */
  readonly uuid: string
  readonly repository?: string
  readonly workspace?: string
  readonly url: string
  readonly description?: string
  readonly active?: boolean
  /** Event keys, e.g. `repo:push`, `pullrequest:created`. */
  readonly events: ReadonlyArray<string>
  readonly secret?: string | null
  readonly created_at: string
}

/**
 * An SSH key on a user's account (`user`: uuid, account_id or email). `key` is an OpenSSH public
 * key; its comment, when it has one, becomes `comment`.
 *
 * @example
 * ```ts
 * const key: FakeBitbucket.SeedSshKey = {
 *   user: "alice@example.com", label: "Laptop", created_on: "2024-01-01T00:00:00.000000+00:00",
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 alice@laptop"
 * }
 * ```
 */
export interface SeedSshKey {
  readonly user: UserRef
  readonly uuid?: string
  readonly key: string
  readonly label?: string
  readonly created_on: string
  readonly last_used?: string
  readonly expires_on?: string
}

/**
 * A deploy key of a repository (`repository`, a `full_name`) or of a project (`workspace` and
 * `project`, its key). `key` is an OpenSSH public key; its comment, when it has one, becomes `comment`.
 *
 * @example
 * ```ts
 * const key: FakeBitbucket.SeedDeployKey = {
 *   id: 101, repository: "demo/effect-playground", label: "CI",
 *   key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com",
 *   added_on: "2024-01-01T00:00:00.000000+00:00", addedBy: "alice@example.com"
 * }
 * ```
 */
export interface SeedDeployKey {
  readonly id: number
  readonly repository?: string
  readonly workspace?: string
  readonly project?: string
  readonly key: string
  readonly label?: string
  readonly added_on: string
  readonly addedBy?: UserRef
}

/**
 * A branch restriction (branch permission) of a repository.
 *
 * @example
 * ```ts
 * const rule: FakeBitbucket.SeedBranchRestriction = {
 *   id: 7001, repository: "demo/effect-playground", kind: "push", branch_match_kind: "glob",
 *   pattern: "main", users: ["alice@example.com"], groups: []
 * }
 * ```
 */
export interface SeedBranchRestriction {
  /** Unique across the fake. */
  readonly id: number
  /** `full_name` of the repository. */
  readonly repository: string
  readonly kind: string
  /** Default `glob`. */
  readonly branch_match_kind?: "glob" | "branching_model"
  /** The glob (for `glob`). */
  readonly pattern?: string
  /** `production`, `development`, `bugfix`, `release`, `feature` or `hotfix` (for `branching_model`). */
  readonly branch_type?: string
  /** Users exempt from a `push` or `restrict_merges` restriction. */
  readonly users?: ReadonlyArray<UserRef>
  /** Group slugs exempt from a `push` or `restrict_merges` restriction. */
  readonly groups?: ReadonlyArray<string>
  /** The number of a numeric restriction (e.g. `require_approvals_to_merge`). */
  readonly value?: number | null
}

/**
 * A Pipelines variable. `value` is kept for a secured variable too (the fake needs it to restore a
 * snapshot), but the API never shows it.
 *
 * @example
 * ```ts
 * const variable: FakeBitbucket.SeedVariable = { uuid: "{…}", key: "NPM_TOKEN", value: "npm_…", secured: true }
 * ```
 */
export interface SeedVariable {
  /** `{uuid}` with braces; default: derived from where the variable is and its key. */
  readonly uuid?: string
  readonly key: string
  readonly value: string
  readonly secured?: boolean
}

/**
 * A Pipelines variable of a repository (`repository`, a `full_name`) or of a workspace
 * (`workspace`, a slug).
 *
 * @example
 * ```ts
 * const variable: FakeBitbucket.SeedPipelineVariable = { repository: "demo/effect-playground", key: "NODE_VERSION", value: "20" }
 * ```
 */
export interface SeedPipelineVariable extends SeedVariable {
  readonly repository?: string
  readonly workspace?: string
}

/**
 * A repository's Pipelines settings: whether Pipelines is `enabled` (default true), the build
 * number of its next run, its schedules, its known hosts, its SSH key pair (the private key is
 * kept for a snapshot, but the API never shows it) and which of its runs fail (`results`).
 *
 * @example
 * ```ts
 * const settings: FakeBitbucket.SeedPipelineSettings = {
 *   repository: "demo/effect-playground",
 *   schedules: [{ branch: "main", cron_pattern: "0 0 2 * * ? *" }],
 *   knownHosts: [{ hostname: "git.example.com", key_type: "ssh-ed25519", key: "AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8" }]
 * }
 * ```
 */
export interface SeedPipelineSettings {
  /** The repository's `full_name`. */
  readonly repository: string
  readonly enabled?: boolean
  readonly nextBuildNumber?: number
  /**
   * The latest run's build number, below which the next one cannot be set; default: one below
   * `nextBuildNumber`. A snapshot keeps it, as runs are not kept.
   */
  readonly latestBuildNumber?: number
  readonly schedules?: ReadonlyArray<{
    readonly uuid?: string
    readonly branch: string
    /** A custom pipeline's name; default the branch's own pipeline. */
    readonly custom?: string
    readonly cron_pattern: string
    readonly enabled?: boolean
    readonly created_on?: string
    readonly updated_on?: string
  }>
  readonly knownHosts?: ReadonlyArray<{ readonly uuid?: string; readonly hostname: string; readonly key_type: string; readonly key: string }>
  readonly sshKeyPair?: { readonly public_key: string; readonly private_key: string }
  /**
   * How runs end when they should not succeed: the first rule that matches a run started in the
   * repository decides its result; a run no rule matches ends `SUCCESSFUL`. See
   * {@link SeedPipelineResult}.
   */
  readonly results?: ReadonlyArray<SeedPipelineResult>
}

/**
 * A rule that makes runs of a repository end `FAILED` or `ERROR` instead of `SUCCESSFUL`, so that
 * code handling a failed build can be tested. It matches a run when each field it gives matches
 * (a rule with none matches every run): `ref`, the branch or tag the run is on (for a pull
 * request's run, its source branch); `custom`, the custom pipeline it runs; `pullRequest`, the
 * id of the pull request it runs for.
 *
 * - `FAILED`: the step's script fails. The run and its step end `FAILED` when they would have
 *   succeeded, the log shows `test 3 failed: …` and `Build failed`, and the step's test reports
 *   have test 3 `FAILED`, with its reason.
 * - `ERROR`: the step errs (its container runs out of memory). The run and its step end `ERROR`
 *   with an `error` (`key`, `message`) in their result; the log ends with the message; the step
 *   has no test reports.
 *
 * A run that does not succeed saves no cache. The log's text, the test case and the error's key
 * are the fake's own.
 *
 * @example
 * ```ts
 * const seed: FakeBitbucket.Seed = {
 *   ...FakeBitbucket.defaultSeed,
 *   pipelineSettings: [{
 *     repository: "demo/effect-playground",
 *     results: [{ ref: "feature/streams", result: "FAILED" }, { custom: "deploy", result: "ERROR" }]
 *   }]
 * }
 * ```
 */
export interface SeedPipelineResult {
  /** A branch or tag name; a pull request's run is on its source branch. Default: every one. */
  readonly ref?: string
  /** A custom pipeline's name (the `pattern` of a `custom` selector). Default: every run, custom or not. */
  readonly custom?: string
  /** A pull request's id: its runs only. Default: every run. */
  readonly pullRequest?: number
  readonly result: "FAILED" | "ERROR"
}

/**
 * A deployment environment of a repository, with its variables.
 *
 * @example
 * ```ts
 * const qa: FakeBitbucket.SeedEnvironment = { name: "QA", environment_type: "Test", variables: [{ key: "URL", value: "https://qa.example.com" }] }
 * ```
 */
export interface SeedEnvironment {
  /** `{uuid}` with braces; default: derived from the repository and the name. */
  readonly uuid?: string
  readonly name: string
  readonly environment_type: "Test" | "Staging" | "Production"
  /** Its place among the environments of its type, from 0; default: after the earlier ones of its type. */
  readonly rank?: number
  readonly variables?: ReadonlyArray<SeedVariable>
}

/**
 * A deployment of a release to an environment.
 *
 * @example
 * ```ts
 * const deployment: FakeBitbucket.SeedDeployment = {
 *   environment: "Production", release: "v1.1.0", commit: "v1.1.0", state: "COMPLETED", status: "SUCCESSFUL",
 *   deployer: "alice@example.com", start_date: "2024-03-01T10:00:00.000000+00:00", completion_date: "2024-03-01T10:04:00.000000+00:00"
 * }
 * ```
 */
export interface SeedDeployment {
  /** `{uuid}` with braces; default: derived from the repository and the deployment's place. */
  readonly uuid?: string
  /** The environment's name or `{uuid}`. */
  readonly environment: string
  /** The release's name. */
  readonly release?: string
  /** The commit deployed: a full hash, or a branch or tag name (resolved to its commit when the fake starts). */
  readonly commit?: string
  readonly state: "UNDEPLOYED" | "IN_PROGRESS" | "COMPLETED"
  /** How a `COMPLETED` deployment ended. */
  readonly status?: "SUCCESSFUL" | "FAILED" | "STOPPED"
  readonly deployer?: UserRef
  readonly start_date?: string
  readonly completion_date?: string
}

/**
 * A repository's deployment environments and deployments. A repository without an entry has what
 * Bitbucket gives every repository: the environments `Test`, `Staging` and `Production`, without
 * variables, and no deployments.
 *
 * @example
 * ```ts
 * const setup: FakeBitbucket.SeedRepositoryDeployments = {
 *   repository: "acme/api",
 *   environments: [{ name: "Production", environment_type: "Production" }],
 *   deployments: [{ environment: "Production", release: "v2.1.0", commit: "v2.1.0", state: "COMPLETED", status: "SUCCESSFUL" }]
 * }
 * ```
 */
export interface SeedRepositoryDeployments {
  /** `full_name` of the repository. */
  readonly repository: string
  /** Instead of the defaults (`[]`: none at all); absent: `Test`, `Staging` and `Production`. */
  readonly environments?: ReadonlyArray<SeedEnvironment>
  readonly deployments?: ReadonlyArray<SeedDeployment>
}

/**
 * A comment on a seeded issue (`user`: uuid, account_id or email).
 */
export interface SeedIssueComment {
  readonly id: number
  readonly user: UserRef
  readonly raw: string
  readonly created_on: string
  readonly updated_on?: string | null
}

/**
 * An entry of a seeded issue's log: the fields it changed, each `{ old, new }` as strings (an
 * assignee as `assignee_account_id`), and the message recorded with it.
 */
export interface SeedIssueChange {
  readonly id: number
  readonly user: UserRef
  readonly created_on: string
  readonly changes: Readonly<Record<string, { readonly old: string | null; readonly new: string | null }>>
  readonly message?: string | null
}

/**
 * An issue of a seeded tracker. `kind`, `priority` and `state` default to Bitbucket's (bug, major,
 * new); `component`, `milestone` and `version` are names of the tracker's; `assignee`, `votes` and
 * `watchers` are user references. Attachments map a file name to its base64 content.
 */
export interface SeedIssue {
  readonly id: number
  readonly title: string
  readonly reporter: UserRef
  readonly content?: string
  readonly kind?: string
  readonly priority?: string
  readonly state?: string
  readonly assignee?: UserRef | null
  readonly component?: string | null
  readonly milestone?: string | null
  readonly version?: string | null
  readonly created_on: string
  readonly updated_on?: string
  readonly edited_on?: string | null
  readonly votes?: ReadonlyArray<UserRef>
  readonly watchers?: ReadonlyArray<UserRef>
  readonly comments?: ReadonlyArray<SeedIssueComment>
  readonly changes?: ReadonlyArray<SeedIssueChange>
  readonly attachments?: Readonly<Record<string, string>>
}

/**
 * The issue tracker of a repository whose `has_issues` is true: the names of its components,
 * milestones and versions (numbered from 1 in this order), and its issues (none unless given).
 * `lastIssue` and `lastComment` are the last numbers given, deleted issues and comments included
 * (by default the highest seeded), so that a fake seeded from a snapshot never gives one again.
 *
 * @example
 * ```ts
 * const tracker: FakeBitbucket.SeedIssueTracker = {
 *   repository: "acme/api",
 *   components: ["backend"],
 *   milestones: ["M1"],
 *   versions: ["2.0"]
 * }
 * ```
 */
export interface SeedIssueTracker {
  /** `full_name` of the repository. */
  readonly repository: string
  readonly components?: ReadonlyArray<string>
  readonly milestones?: ReadonlyArray<string>
  readonly versions?: ReadonlyArray<string>
  readonly issues?: ReadonlyArray<SeedIssue>
  readonly lastIssue?: number
  readonly lastComment?: number
}

/**
 * The branching model configuration of a repository (`repository`, a `full_name`) or of a project
 * (`workspace`, a slug, and `project`, its key), and for a repository which project settings it
 * overrides. What is left out keeps Bitbucket's default: development tracks the main branch,
 * production is off, the four branch types are enabled with the prefixes `bugfix/`, `feature/`,
 * `hotfix/` and `release/`, and a repository inherits its project's settings.
 *
 * @example
 * ```ts
 * const model: FakeBitbucket.SeedBranchingModel = {
 *   repository: "acme/api",
 *   development: { use_mainbranch: false, name: "develop" },
 *   branch_types: [{ kind: "feature", prefix: "feat/", enabled: true }],
 *   override_settings: { branching_model: true }
 * }
 * ```
 */
export interface SeedBranchingModel {
  readonly repository?: string
  readonly workspace?: string
  readonly project?: string
  readonly development?: { readonly use_mainbranch: boolean; readonly name: string | null }
  readonly production?: { readonly use_mainbranch: boolean; readonly name: string | null; readonly enabled: boolean }
  /** By kind; kinds left out keep their defaults. */
  readonly branch_types?: ReadonlyArray<{
    readonly kind: "bugfix" | "feature" | "hotfix" | "release"
    readonly prefix: string
    readonly enabled: boolean
  }>
  /** A repository's only: `true` for a setting it overrides, `false` for one it inherits (the default). */
  readonly override_settings?: Readonly<Record<string, boolean>>
}

/**
 * An application property: the JSON object `value` an app (`app_key`) stored under
 * `property_name` against a repository (`repository`, a `full_name`), one of its commits (add
 * `commit`, each revision that resolves to it), one of its pull requests (add `pull_request_id`),
 * or a user (`user`: uuid, account_id or email).
 *
 * @example
 * ```ts
 * const property: FakeBitbucket.SeedProperty = {
 *   repository: "demo/effect-playground",
 *   pull_request_id: 1,
 *   app_key: "ci-bot",
 *   property_name: "review",
 *   value: { checked: true, _attributes: ["public"] }
 * }
 * ```
 */
export interface SeedProperty {
  readonly repository?: string
  readonly commit?: string
  readonly pull_request_id?: number
  readonly user?: UserRef
  readonly app_key: string
  readonly property_name: string
  readonly value: Readonly<Record<string, unknown>>
}

/**
 * Everything the fake Bitbucket starts with. Plain JSON-able data: copy `defaultSeed` and change
 * what a test needs.
 *
 * @example
 * ```ts
 * const seed: FakeBitbucket.Seed = {
 *   ...FakeBitbucket.defaultSeed,
 *   oauthTokenTtlSeconds: 5
 * }
 * const fake = yield* FakeBitbucket.make({ seed })
 * ```
 */
export interface Seed {
  readonly users: ReadonlyArray<SeedUser>
  readonly workspaces: ReadonlyArray<SeedWorkspace>
  readonly repositories: ReadonlyArray<SeedRepository>
  readonly accessTokens?: ReadonlyArray<SeedAccessToken>
  readonly oauthConsumers?: ReadonlyArray<SeedOAuthConsumer>
  /** Default lifetime in seconds of OAuth access tokens (Bitbucket: 7200). */
  readonly oauthTokenTtlSeconds?: number
  /** Commits, refs, pull requests, comments and build statuses, per repository. */
  readonly git?: ReadonlyArray<SeedGitRepository>
  /**
   * How many times the task-status of an asynchronous merge (`POST …/merge?async=true`) answers
   * `PENDING` before `SUCCESS`. The merge itself happens when it is queued. Default 1.
   */
  readonly mergeTaskPendingPolls?: number
  /** Snippets (`/snippets/{workspace}/{encoded_id}`). */
  readonly snippets?: ReadonlyArray<SeedSnippet>
  /** Webhook subscriptions of repositories and workspaces. */
  readonly webhooks?: ReadonlyArray<SeedWebhook>
  /** Deploy keys of repositories and projects. */
  readonly deployKeys?: ReadonlyArray<SeedDeployKey>
  /** SSH keys of user accounts. */
  readonly sshKeys?: ReadonlyArray<SeedSshKey>
  /** Branch restrictions of repositories. */
  readonly branchRestrictions?: ReadonlyArray<SeedBranchRestriction>
  /** Pipelines variables of repositories and workspaces. */
  readonly pipelineVariables?: ReadonlyArray<SeedPipelineVariable>
  /**
   * Pipelines settings of repositories: enabled, build number, schedules, known hosts, SSH key
   * pair, and which runs fail (`results`).
   */
  readonly pipelineSettings?: ReadonlyArray<SeedPipelineSettings>
  /** Deployment environments (with their variables) and deployments, per repository. */
  readonly deployments?: ReadonlyArray<SeedRepositoryDeployments>
  /** Components, milestones and versions of issue trackers. */
  readonly issueTrackers?: ReadonlyArray<SeedIssueTracker>
  /** Branching model settings of repositories and projects, and repositories' inheritance state. */
  readonly branchingModels?: ReadonlyArray<SeedBranchingModel>
  /** Application properties of repositories, commits, pull requests and users. */
  readonly properties?: ReadonlyArray<SeedProperty>
}

const ALICE = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const BOB = "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}"
const CAROL = "{b3a4c5d6-e7f8-4a9b-8c0d-2e3f4a5b6c73}"

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64")

const demoRepo = (
  slug: string,
  language: string,
  index: number,
  rest: Partial<SeedRepository> = {}
): SeedRepository => {
  const day = String(1 + index).padStart(2, "0")
  const hex = (0x10 + index).toString(16).padStart(12, "0")
  return {
    workspace: "demo",
    slug,
    name: slug,
    uuid: `{d3e0a000-0000-4000-8000-${hex}}`,
    is_private: false,
    description: `The ${slug} demo repository.`,
    language,
    fork_policy: "allow_forks",
    has_issues: index % 3 === 0,
    has_wiki: index % 4 === 0,
    size: 1000 * (index + 1) + 37 * index,
    website: null,
    created_on: `2023-03-${day}T09:${day}:00.000000+00:00`,
    updated_on: `2024-${String(1 + (index * 7) % 12).padStart(2, "0")}-${day}T12:00:00.000000+00:00`,
    mainbranch: index % 5 === 4 ? "master" : "main",
    project: index % 2 === 0 ? "DEMO" : "LAB",
    ...rest
  }
}

/**
 * The default seed.
 *
 * Users:
 * - Alice `{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}`, account_id `557058:alice`, email
 *   `alice@example.com`, API token `alice-api-token`, app password `alice` / `alice-app-password`
 *   (refused with 401, as Bitbucket has refused app passwords since 2026-07-28);
 *   owner of `demo` and of `acme`.
 * - Bob `{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}`, account_id `557058:bob`, email `bob@example.com`,
 *   API token `bob-api-token`; collaborator of `demo`, member (read) of `acme`.
 * - Carol `{b3a4c5d6-e7f8-4a9b-8c0d-2e3f4a5b6c73}`, account_id `557058:carol`, email
 *   `carol@example.com`, API token `carol-api-token`; member of no workspace.
 *
 * Workspaces: `demo` (public; 12 public repositories in typescript, python, go, java, rust, kotlin,
 * shell and "" plus one private `internal-notes`; projects `DEMO`, `LAB`) and `acme` (private;
 * private repositories `api`, `website`, `infra`, and `fast-parser`, a fork of `demo/fast-parser`;
 * projects `ACME`, `OPS`).
 *
 * Static access tokens (Bearer), each limited by its scopes as on Bitbucket (403 for a request that
 * needs another): `demo-access-token` (acts as Alice; `repository`, `repository:write`,
 * `account`), `acme-workspace-token` (workspace `acme`; `repository`, `repository:admin`,
 * `pullrequest`, `webhook`, `account`), `acme-api-repo-token` (repository `acme/api`;
 * `repository`). OAuth tokens carry their consumer's scopes; API tokens are not limited.
 *
 * OAuth consumers: `fake-client-id` / `fake-client-secret` owned by Alice (authorization code
 * `fake-auth-code`), `carol-client-id` / `carol-client-secret` owned by Carol. Access tokens live
 * 7200 seconds.
 *
 * Git data (`git`):
 * - `demo/effect-playground` (public): 28 commits on `main` (one by an unmapped author,
 *   `Renovate Bot`), branches `main`, `feature/streams`, `bugfix/typo`, `feature/old-api`,
 *   `docs/guide`, `release/1.x`; tags `v1.0.0`, `v1.1.0` (annotated) and `release/2024.1`; pull
 *   requests #1 OPEN (Bob, approved by Alice, with inline, reply, resolved and deleted comments
 *   2001-2004), #2 MERGED (merge commit), #3 DECLINED, #4 SUPERSEDED, #5 OPEN (Alice, Bob requested
 *   changes, comment 2010); commit comments 3001-3003; build statuses in every state; watchers
 *   Alice, Bob and Carol.
 * - `demo/fast-parser` (5 commits, tag `v0.1.0`) and its fork `acme/fast-parser` (one more commit,
 *   branches `main` and `upstream`).
 * - `acme/api` (private): branches `main`, `develop`, `feature/rate-limit`,
 *   `feature/rate-limit-v1`, `experiment/graphql`; tags `v2.0.0`, `v2.1.0`; pull requests #1 OPEN
 *   (Alice, reviewer Bob), #2 MERGED (squash), #3 DECLINED, #4 SUPERSEDED; build statuses.
 * - Every other repository with a main branch has a single "Initial commit" on it.
 *
 * Asynchronous merges happen when queued; their task status answers `PENDING` once
 * (`mergeTaskPendingPolls: 1`), then `SUCCESS`, to the user who queued it or one who may write.
 *
 * Emails: Alice also has `alice.anderson@personal.example` (confirmed) and
 * `a.anderson@old-company.example` (unconfirmed); Bob has `bob.builds@example.org`.
 *
 * Snippets (`/snippets/{workspace}/{encoded_id}`): `demo/k3Rp9` (id 1001, public, Alice, files
 * `retry.ts` and `README.md`, watched by Alice and Bob, comments 4001 by Bob and 4002 replying);
 * `acme/Zt4mW` (1002, private, Alice, `deploy.sh`); `demo/bN8vL` (1003, public, Bob,
 * `latin1.txt` in ISO-8859-1 and `dot.png`, both not UTF-8); `demo/qW2sD` (1004, private, Bob,
 * `notes.md`).
 *
 * Webhooks: `{5e0b7c1d-1a2b-4c3d-8e4f-00000000b001}` on `demo/effect-playground` (active, with a
 * secret) and `{5e0b7c1d-1a2b-4c3d-8e4f-00000000b002}` on workspace `acme` (inactive).
 *
 * Branch restrictions on `demo/effect-playground`: 7001 `push` on `main` (Alice exempt), 7002
 * `require_approvals_to_merge` on `main` (value 1), 7003 `force` on the `production` branch type,
 * 7004 `delete` on `release/*`.
 *
 * Pipelines variables: `NODE_VERSION` (`20`) and the secured `NPM_TOKEN` on
 * `demo/effect-playground`; `ARTIFACT_BUCKET` on workspace `acme`.
 *
 * Deployments: every repository has the environments `Test`, `Staging` and `Production`;
 * `demo/effect-playground` has three deployments: `v1.0.0` to Test (successful, Alice), `v1.1.0`
 * to Staging (successful, Alice) and to Production (failed, Bob).
 *
 * Issue trackers (repositories with `has_issues`, such as `demo/effect-playground` and
 * `acme/api`) start without issues; `demo/effect-playground` has components 1 `api` and 2 `docs`,
 * milestones 1 `1.x` and 2 `2.0`, versions 1 `1.0.0` and 2 `1.1.0`; `acme/api` has component 1
 * `backend`.
 *
 * @example
 * ```ts
 * const seed = { ...FakeBitbucket.defaultSeed, oauthTokenTtlSeconds: 10 }
 * ```
 */
export const defaultSeed: Seed = {
  users: [
    {
      uuid: ALICE,
      account_id: "557058:alice",
      display_name: "Alice Anderson",
      nickname: "alice",
      email: "alice@example.com",
      username: "alice",
      created_on: "2019-04-01T10:00:00.000000+00:00",
      apiTokens: ["alice-api-token"],
      appPasswords: ["alice-app-password"],
      emails: [
        { email: "alice.anderson@personal.example", is_confirmed: true },
        { email: "a.anderson@old-company.example", is_confirmed: false }
      ]
    },
    {
      uuid: BOB,
      account_id: "557058:bob",
      display_name: "Bob Brown",
      nickname: "bob",
      email: "bob@example.com",
      username: "bob",
      created_on: "2020-06-15T08:30:00.000000+00:00",
      apiTokens: ["bob-api-token"],
      emails: [{ email: "bob.builds@example.org", is_confirmed: true }]
    },
    {
      uuid: CAROL,
      account_id: "557058:carol",
      display_name: "Carol Clark",
      nickname: "carol",
      email: "carol@example.com",
      username: "carol",
      created_on: "2021-09-09T16:45:00.000000+00:00",
      apiTokens: ["carol-api-token"]
    }
  ],
  workspaces: [
    {
      uuid: "{a0d1e2f3-0001-4000-8000-00000000de70}",
      slug: "demo",
      name: "Demo",
      is_private: false,
      created_on: "2023-01-10T10:00:00.000000+00:00",
      members: [
        { user: ALICE, permission: "owner" },
        { user: BOB, permission: "collaborator" }
      ],
      projects: [
        { key: "DEMO", name: "Demo", uuid: "{a0d1e2f3-0002-4000-8000-00000000de71}", is_private: false },
        { key: "LAB", name: "Labs", uuid: "{a0d1e2f3-0003-4000-8000-00000000de72}", is_private: false }
      ],
      groups: [{ slug: "contributors", name: "Contributors", members: [BOB] }]
    },
    {
      uuid: "{ac0e0000-0001-4000-8000-00000000ac01}",
      slug: "acme",
      name: "Acme Corporation",
      is_private: true,
      created_on: "2022-05-05T10:00:00.000000+00:00",
      members: [
        { user: ALICE, permission: "owner" },
        { user: BOB, permission: "member" }
      ],
      projects: [
        { key: "ACME", name: "Acme core", uuid: "{ac0e0000-0002-4000-8000-00000000ac02}", is_private: true },
        { key: "OPS", name: "Operations", uuid: "{ac0e0000-0003-4000-8000-00000000ac03}", is_private: true }
      ],
      groups: [{ slug: "developers", name: "Developers", members: [BOB] }, { slug: "ops", name: "Operations" }]
    }
  ],
  repositories: [
    demoRepo("effect-playground", "typescript", 0, { watchers: [ALICE, BOB, CAROL] }),
    demoRepo("ts-utils", "typescript", 1),
    demoRepo("web-frontend", "typescript", 2, { description: "Frontend of the demo web shop." }),
    demoRepo("data-pipeline", "python", 3),
    demoRepo("ml-notebooks", "python", 4),
    demoRepo("api-gateway", "go", 5),
    demoRepo("cli-tools", "go", 6),
    demoRepo("billing-service", "java", 7),
    demoRepo("android-app", "kotlin", 8),
    demoRepo("fast-parser", "rust", 9, { description: "A fast parser written in Rust." }),
    demoRepo("docs", "", 10, { mainbranch: "gh-pages" }),
    demoRepo("infra-scripts", "shell", 11),
    demoRepo("internal-notes", "", 12, { is_private: true, description: "Private notes of the demo team." }),
    {
      workspace: "acme",
      slug: "api",
      name: "API",
      uuid: "{ac0e0000-0101-4000-8000-0000000000a1}",
      is_private: true,
      description: "Acme public API service.",
      language: "typescript",
      fork_policy: "no_public_forks",
      has_issues: true,
      has_wiki: false,
      size: 482113,
      created_on: "2022-06-01T10:00:00.000000+00:00",
      updated_on: "2025-02-01T10:00:00.000000+00:00",
      mainbranch: "main",
      project: "ACME",
      watchers: [ALICE, BOB]
    },
    {
      workspace: "acme",
      slug: "website",
      name: "website",
      uuid: "{ac0e0000-0102-4000-8000-0000000000a2}",
      is_private: true,
      description: "acme.example",
      language: "javascript",
      fork_policy: "no_public_forks",
      has_issues: false,
      has_wiki: true,
      size: 91234,
      created_on: "2022-07-01T10:00:00.000000+00:00",
      updated_on: "2025-01-15T10:00:00.000000+00:00",
      mainbranch: "master",
      project: "ACME"
    },
    {
      workspace: "acme",
      slug: "infra",
      name: "infra",
      uuid: "{ac0e0000-0103-4000-8000-0000000000a3}",
      is_private: true,
      description: "Terraform and deployment scripts.",
      language: "python",
      fork_policy: "no_forks",
      has_issues: false,
      has_wiki: false,
      size: 20480,
      created_on: "2022-08-01T10:00:00.000000+00:00",
      updated_on: "2024-12-24T10:00:00.000000+00:00",
      mainbranch: "main",
      project: "OPS",
      permissions: [{ user: CAROL, permission: "write" }]
    },
    {
      workspace: "acme",
      slug: "fast-parser",
      name: "fast-parser",
      uuid: "{ac0e0000-0104-4000-8000-0000000000a4}",
      is_private: true,
      description: "Acme's fork of demo/fast-parser.",
      language: "rust",
      fork_policy: "no_public_forks",
      has_issues: false,
      has_wiki: false,
      size: 15000,
      created_on: "2024-03-01T10:00:00.000000+00:00",
      updated_on: "2024-03-02T10:00:00.000000+00:00",
      mainbranch: "main",
      project: "ACME",
      parent: "demo/fast-parser"
    }
  ],
  accessTokens: [
    { token: "demo-access-token", name: "Alice's token", user: ALICE, scopes: ["repository", "repository:write", "account"] },
    { token: "acme-workspace-token", name: "acme-ci", workspace: "acme", scopes: ["repository", "repository:admin", "pullrequest", "webhook", "account"] },
    { token: "acme-api-repo-token", name: "api-deploy", repository: "acme/api", scopes: ["repository"] }
  ],
  oauthConsumers: [
    {
      key: "fake-client-id",
      secret: "fake-client-secret",
      name: "Fake OAuth consumer",
      owner: ALICE,
      scopes: ["account", "repository", "repository:write", "repository:admin", "pullrequest:write", "snippet:write", "webhook"],
      authorizationCodes: ["fake-auth-code"]
    },
    {
      key: "carol-client-id",
      secret: "carol-client-secret",
      name: "Carol's consumer",
      owner: CAROL,
      scopes: ["account", "repository"]
    }
  ],
  oauthTokenTtlSeconds: 7200,
  git: defaultGit(),
  mergeTaskPendingPolls: 1,
  snippets: [
    {
      id: 1001,
      encoded_id: "k3Rp9",
      workspace: "demo",
      title: "Effect retry helpers",
      is_private: false,
      creator: ALICE,
      created_on: "2024-05-01T09:00:00.000000+00:00",
      updated_on: "2024-05-03T17:30:00.000000+00:00",
      files: {
        "retry.ts": b64(
          "import { Effect, Schedule } from \"effect\"\n\n" +
            "export const retrying = <A, E, R>(self: Effect.Effect<A, E, R>) =>\n" +
            "  Effect.retry(self, Schedule.exponential(\"100 millis\").pipe(Schedule.jittered, Schedule.compose(Schedule.recurs(5))))\n"
        ),
        "README.md": b64("# Retry helpers\n\nExponential backoff with jitter, five attempts.\n")
      },
      watchers: [ALICE, BOB],
      comments: [
        { id: 4001, user: BOB, raw: "Handy, **thanks**!", created_on: "2024-05-02T10:00:00.000000+00:00" },
        { id: 4002, user: ALICE, raw: "You're welcome.", created_on: "2024-05-02T11:00:00.000000+00:00", parent: 4001 }
      ]
    },
    {
      id: 1002,
      encoded_id: "Zt4mW",
      workspace: "acme",
      title: "Deploy checklist",
      is_private: true,
      creator: ALICE,
      created_on: "2024-06-10T08:00:00.000000+00:00",
      files: { "deploy.sh": b64("#!/bin/sh\nset -eu\nterraform plan -out plan.tfplan\nterraform apply plan.tfplan\n") },
      watchers: [ALICE]
    },
    {
      id: 1003,
      encoded_id: "bN8vL",
      workspace: "demo",
      title: "Latin-1 sample",
      is_private: false,
      creator: BOB,
      created_on: "2024-07-01T12:00:00.000000+00:00",
      files: {
        // "café naïve\n" in ISO-8859-1: not valid UTF-8.
        "latin1.txt": Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a]).toString("base64"),
        "dot.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]).toString("base64")
      },
      watchers: [BOB]
    },
    {
      id: 1004,
      encoded_id: "qW2sD",
      workspace: "demo",
      title: "Bob's scratch pad",
      is_private: true,
      creator: BOB,
      created_on: "2024-08-15T15:00:00.000000+00:00",
      files: { "notes.md": b64("- try the new pagination engine\n") },
      watchers: [BOB]
    }
  ],
  webhooks: [
    {
      uuid: "{5e0b7c1d-1a2b-4c3d-8e4f-00000000b001}",
      repository: "demo/effect-playground",
      url: "https://ci.example.com/hooks/bitbucket",
      description: "CI trigger",
      active: true,
      events: ["repo:push", "pullrequest:created", "pullrequest:fulfilled"],
      secret: "playground-hook-secret",
      created_at: "2024-02-01T10:00:00.000000+00:00"
    },
    {
      uuid: "{5e0b7c1d-1a2b-4c3d-8e4f-00000000b002}",
      workspace: "acme",
      url: "https://chat.example.com/acme/bitbucket",
      description: "Chat notifications",
      active: false,
      events: ["repo:push", "repo:created", "project:updated"],
      created_at: "2024-03-01T10:00:00.000000+00:00"
    }
  ],
  branchRestrictions: [
    { id: 7001, repository: "demo/effect-playground", kind: "push", branch_match_kind: "glob", pattern: "main", users: [ALICE], groups: [] },
    { id: 7002, repository: "demo/effect-playground", kind: "require_approvals_to_merge", branch_match_kind: "glob", pattern: "main", value: 1 },
    { id: 7003, repository: "demo/effect-playground", kind: "force", branch_match_kind: "branching_model", branch_type: "production" },
    { id: 7004, repository: "demo/effect-playground", kind: "delete", branch_match_kind: "glob", pattern: "release/*" }
  ],
  pipelineVariables: [
    { uuid: "{0a7b1c2d-3e4f-4a5b-8c6d-00000000c001}", repository: "demo/effect-playground", key: "NODE_VERSION", value: "20" },
    { uuid: "{0a7b1c2d-3e4f-4a5b-8c6d-00000000c002}", repository: "demo/effect-playground", key: "NPM_TOKEN", value: "npm_seeded-demo-token", secured: true },
    { uuid: "{0a7b1c2d-3e4f-4a5b-8c6d-00000000c003}", workspace: "acme", key: "ARTIFACT_BUCKET", value: "acme-artifacts" }
  ],
  deployments: [
    {
      repository: "demo/effect-playground",
      deployments: [
        {
          uuid: "{0d3e1f2a-4b5c-4d6e-8f70-00000000d001}",
          environment: "Test",
          release: "v1.0.0",
          commit: "v1.0.0",
          state: "COMPLETED",
          status: "SUCCESSFUL",
          deployer: ALICE,
          start_date: "2024-02-01T10:00:00.000000+00:00",
          completion_date: "2024-02-01T10:03:00.000000+00:00"
        },
        {
          uuid: "{0d3e1f2a-4b5c-4d6e-8f70-00000000d002}",
          environment: "Staging",
          release: "v1.1.0",
          commit: "v1.1.0",
          state: "COMPLETED",
          status: "SUCCESSFUL",
          deployer: ALICE,
          start_date: "2024-03-01T10:00:00.000000+00:00",
          completion_date: "2024-03-01T10:02:00.000000+00:00"
        },
        {
          uuid: "{0d3e1f2a-4b5c-4d6e-8f70-00000000d003}",
          environment: "Production",
          release: "v1.1.0",
          commit: "v1.1.0",
          state: "COMPLETED",
          status: "FAILED",
          deployer: BOB,
          start_date: "2024-03-02T10:00:00.000000+00:00",
          completion_date: "2024-03-02T10:05:00.000000+00:00"
        }
      ]
    }
  ],
  issueTrackers: [
    { repository: "demo/effect-playground", components: ["api", "docs"], milestones: ["1.x", "2.0"], versions: ["1.0.0", "1.1.0"] },
    {
      repository: "demo/data-pipeline",
      components: ["api", "docs"],
      milestones: ["1.x", "2.0"],
      versions: ["1.0.0", "1.1.0"],
      issues: [
        {
          id: 1,
          title: "Stream.take drops the last page's items",
          reporter: BOB,
          content: "Taking 150 items of a 100-per-page listing yields 100.",
          kind: "bug",
          priority: "major",
          state: "resolved",
          component: "api",
          milestone: "1.x",
          version: "1.0.0",
          created_on: "2024-02-01T10:00:00.000000+00:00",
          updated_on: "2024-02-03T16:20:00.000000+00:00",
          watchers: [BOB, ALICE]
        },
        {
          id: 2,
          title: "Document the retry budget",
          reporter: ALICE,
          kind: "task",
          priority: "minor",
          state: "open",
          component: "docs",
          milestone: "2.0",
          assignee: ALICE,
          created_on: "2024-03-05T09:30:00.000000+00:00",
          watchers: [ALICE]
        },
        {
          id: 3,
          title: "Support Bitbucket Data Center",
          reporter: CAROL,
          kind: "proposal",
          priority: "trivial",
          state: "new",
          created_on: "2024-04-12T14:45:00.000000+00:00",
          votes: [BOB, CAROL],
          watchers: [CAROL]
        }
      ]
    },
    { repository: "acme/api", components: ["backend"] }
  ]
}

/**
 * The core of the fake Bitbucket: the store, the request context, authentication and permission
 * helpers, JSON/error/page helpers and the representations (link builders) that every route
 * module shares.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { makeGitStore } from "./gitStore.js"
import { applyFields, filter, parseFields, sort } from "./query.js"
import type {
  Seed,
  SeedAccessToken,
  SeedMember,
  SeedOAuthConsumer,
  SeedProject,
  SeedRepository,
  SeedUser,
  SeedWorkspace,
  UserRef
} from "./seed.js"

/**
 * One request as the fake received it (see `FakeBitbucket.requests`).
 *
 * @example
 * ```ts
 * const log = yield* fake.requests
 * expect(log.filter((r) => r.headers["authorization"] !== undefined)).toHaveLength(1)
 * ```
 */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A webhook delivery the fake made (see `FakeBitbucket.deliveries`): to whom, the headers and the
 * exact body Bitbucket would POST.
 *
 * @example
 * ```ts
 * const [delivery] = yield* fake.deliveries
 * expect(delivery?.headers["X-Event-Key"]).toBe("pullrequest:created")
 * ```
 */
export interface RecordedDelivery {
  /** The subscription's `uuid`, braces included (the `X-Hook-UUID` header has it without). */
  readonly hookUuid: string
  readonly url: string
  /** The event key, as in `X-Event-Key`. */
  readonly event: string
  readonly headers: {
    readonly "X-Event-Key": string
    /** `sha256=<hex HMAC-SHA256 of the body>`, keyed with the hook's secret; absent when it has none. */
    readonly "X-Hub-Signature"?: string
    readonly "X-Request-UUID": string
    readonly "X-Hook-UUID": string
    readonly "X-Attempt-Number": string
    readonly "Content-Type": string
    readonly "User-Agent": string
  }
  /** The JSON body, exactly as signed and sent. */
  readonly body: string
  /** Served fakes only: the status the receiver answered when the delivery was POSTed to it. */
  readonly status?: number
  /** Served fakes only: why the delivery was not POSTed, or how the POST failed. */
  readonly error?: string
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] }
export type RepoPermission = "read" | "write" | "admin"

/** A branch restriction as other modules see it: its id, its kind and its value (for the numeric kinds). */
export interface BranchRule {
  readonly id: number
  readonly kind: string
  readonly value: number | null
}

export interface OAuthToken {
  readonly accessToken: string
  readonly refreshToken: string
  readonly consumer: string
  readonly owner: string
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
}

export type Principal =
  | { readonly kind: "anonymous" }
  /** `scopes`: those of the OAuth or access token the user came with; none for an API token. */
  | { readonly kind: "user"; readonly user: SeedUser; readonly scopes?: ReadonlyArray<string> | undefined }
  | { readonly kind: "token"; readonly token: SeedAccessToken }

/** The scopes that limit a principal, or undefined when none do. */
export const scopesOf = (p: Principal): ReadonlyArray<string> | undefined =>
  p.kind === "user" ? p.scopes : p.kind === "token" ? p.token.scopes : undefined

export class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly detail?: string,
    readonly fields?: Record<string, ReadonlyArray<string>>,
    readonly headers?: Record<string, string>
  ) {}
}

export const JSON_TYPE = "application/json; charset=utf-8"
export const CHANGE_2770 =
  "This API is no longer available: cross-workspace listings were removed (CHANGE-2770). Use GET /2.0/user/workspaces and then GET /2.0/repositories/{workspace}."

export const clone = <A>(a: A): A => JSON.parse(JSON.stringify(a)) as A

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": JSON_TYPE, ...headers } })

export const errorResponse = (e: HttpError): Response =>
  jsonResponse(
    e.status,
    {
      type: "error",
      error: {
        message: e.message,
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
        ...(e.fields !== undefined ? { fields: e.fields } : {})
      }
    },
    e.headers
  )

export const oauthError = (status: number, error: string, description: string): Response =>
  jsonResponse(status, { error, error_description: description })

/** A uuid without braces, lower-cased, to compare uuids however they were written. */
export const bareUuid = (uuid: string) => uuid.replace(/^\{|\}$/g, "").toLowerCase()

/** A uuid with its braces, as Bitbucket writes them. */
export const bracedUuid = (uuid: string) => `{${uuid.replace(/^\{|\}$/g, "")}}`

export const isoFromMillis = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00")

export const slugify = (name: string): string =>
  name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "")

export const decodeBase64 = (s: string): string => Buffer.from(s, "base64").toString("utf8")

export const rawQueryParam = (url: URL, name: string): string | undefined => {
  // Reads a parameter without turning "+" into a space (needed for `fields=+x`).
  for (const part of url.search.replace(/^\?/, "").split("&")) {
    const eq = part.indexOf("=")
    const key = eq < 0 ? part : part.slice(0, eq)
    if (safeDecode(key.replace(/\+/g, " ")) === name) {
      return eq < 0 ? "" : safeDecode(part.slice(eq + 1))
    }
  }
  return undefined
}

export const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export const PERMISSION_RANK: Record<RepoPermission, number> = { read: 1, write: 2, admin: 3 }
export const maxPermission = (a: RepoPermission | undefined, b: RepoPermission | undefined) =>
  a === undefined ? b : b === undefined ? a : PERMISSION_RANK[a] >= PERMISSION_RANK[b] ? a : b

/** One API request, authenticated. */
export interface Ctx {
  /** Upper-case. */
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  readonly body: string
  /** The raw request body (for multipart uploads whose files may not be UTF-8). */
  readonly bytes?: Uint8Array
  readonly principal: Principal
  /**
   * The webhook deliveries this request caused, which a served fake POSTs before answering it.
   * Each request has its own: two requests answered at once never take each other's.
   */
  readonly outbox: Array<Mutable<RecordedDelivery>>
}

/** The options the handler needs. */
export interface ServerOptions {
  readonly seed: Seed
  readonly baseUrl: string
  readonly oauthUrl: string
}

/** Builds the fake's state and the helpers every route module shares (without the git store). */
export const makeBase = (options: ServerOptions) => {
  const seed = clone(options.seed)
  const baseUrl = new URL(options.baseUrl.replace(/\/+$/, ""))
  const base = baseUrl.toString().replace(/\/+$/, "")
  const basePath = baseUrl.pathname.replace(/\/+$/, "")
  const apiOrigin = baseUrl.origin
  const oauthUrl = new URL(options.oauthUrl.replace(/\/+$/, ""))
  const oauthPath = oauthUrl.pathname.replace(/\/+$/, "")
  const webOrigin = oauthUrl.origin
  const webHost = oauthUrl.host

  const users: Array<Mutable<SeedUser>> = seed.users.map((u) => ({ ...u }))
  const workspaces: Array<Mutable<SeedWorkspace>> = seed.workspaces.map((w) => ({ ...w }))
  const repositories: Array<Mutable<SeedRepository>> = seed.repositories.map((r) => ({ ...r }))
  const accessTokens: Array<SeedAccessToken> = [...(seed.accessTokens ?? [])]
  const consumers: Array<Mutable<SeedOAuthConsumer>> = (seed.oauthConsumers ?? []).map((c) => ({ ...c }))
  const oauthTokens: Array<OAuthToken> = []
  const authCodes = new Map<string, { consumer: string; user: string }>()
  for (const c of consumers) for (const code of c.authorizationCodes ?? []) authCodes.set(code, { consumer: c.key, user: c.owner })
  const log: Array<RecordedRequest> = []
  const deliveries: Array<Mutable<RecordedDelivery>> = []
  let counter = 0

  // -------------------------------------------------------------------------------------------
  // lookups
  // -------------------------------------------------------------------------------------------

  const findUser = (ref: UserRef): SeedUser | undefined =>
    users.find((u) => u.uuid === ref || u.account_id === ref || u.email.toLowerCase() === ref.toLowerCase())

  const findWorkspace = (id: string): Mutable<SeedWorkspace> | undefined =>
    workspaces.find((w) => w.slug === id || w.uuid === id)

  const findRepository = (ws: SeedWorkspace, id: string): Mutable<SeedRepository> | undefined =>
    repositories.find((r) => r.workspace === ws.slug && (r.slug === id.toLowerCase() || r.uuid === id))

  const fullName = (r: SeedRepository) => `${r.workspace}/${r.slug}`

  /** A repository by its `full_name` (as seeds name them). */
  const repositoryNamed = (name: string): Mutable<SeedRepository> | undefined => repositories.find((r) => fullName(r) === name)

  const memberOf = (p: Principal, ws: SeedWorkspace): SeedMember | undefined => {
    if (p.kind !== "user") return undefined
    return ws.members.find((m) => findUser(m.user)?.uuid === p.user.uuid)
  }

  const canSeeWorkspace = (p: Principal, ws: SeedWorkspace): boolean => {
    if (!ws.is_private) return true
    if (p.kind === "user") return memberOf(p, ws) !== undefined ||
      repositories.some((r) => r.workspace === ws.slug && repoPermission(p, r) !== undefined)
    if (p.kind === "token") {
      return p.token.workspace === ws.slug || p.token.repository?.split("/")[0] === ws.slug
    }
    return false
  }

  /** Explicit (non-public) permission of a principal on a repository. */
  const repoPermission = (p: Principal, r: SeedRepository): RepoPermission | undefined => {
    if (p.kind === "token") {
      return p.token.workspace === r.workspace || p.token.repository === fullName(r) ? "admin" : undefined
    }
    if (p.kind !== "user") return undefined
    const ws = findWorkspace(r.workspace)
    const member = ws === undefined ? undefined : memberOf(p, ws)
    const fromWorkspace: RepoPermission | undefined = member === undefined
      ? undefined
      : member.permission === "owner"
      ? "admin"
      : member.permission === "collaborator"
      ? "write"
      : "read"
    const explicit = [
      ...(r.permissions ?? []).filter((x) => findUser(x.user)?.uuid === p.user.uuid),
      ...(r.groupPermissions ?? []).filter((x) => inGroup(p, ws, x.group))
    ].map((x) => x.permission)
      .reduce<RepoPermission | undefined>(maxPermission, undefined)
    const project = ws?.projects?.find((x) => x.key === r.project)
    const fromProject = project === undefined || ws === undefined ? undefined : projectPermission(p, ws, project)
    return maxPermission(maxPermission(fromWorkspace, explicit), fromProject === "create-repo" ? "write" : fromProject)
  }

  /** Is the user a member of the workspace's group (by slug)? */
  const inGroup = (p: Principal & { readonly kind: "user" }, ws: SeedWorkspace | undefined, slug: string): boolean =>
    (ws?.groups ?? []).some((g) => g.slug === slug && (g.members ?? []).some((m) => findUser(m)?.uuid === p.user.uuid))

  /** A user's explicit permission on a project: their own, or one of their groups'. */
  const projectPermission = (p: Principal, ws: SeedWorkspace, project: SeedProject): RepoPermission | "create-repo" | undefined => {
    if (p.kind !== "user") return undefined
    const rank = { read: 0, write: 1, "create-repo": 2, admin: 3 } as const
    let best: RepoPermission | "create-repo" | undefined
    const grants = [
      ...(project.permissions ?? []).filter((x) => findUser(x.user)?.uuid === p.user.uuid),
      ...(project.groupPermissions ?? []).filter((x) => inGroup(p, ws, x.group))
    ]
    for (const x of grants) {
      if (best === undefined || rank[x.permission] > rank[best]) best = x.permission
    }
    return best
  }

  /** Who Bitbucket adds to a new pull request of a repository: its own default reviewers, then its project's. */
  const defaultReviewersOf = (r: SeedRepository): Array<{ readonly uuid: string; readonly reviewer_type: "repository" | "project" }> => {
    const project = findWorkspace(r.workspace)?.projects?.find((x) => x.key === r.project)
    const out: Array<{ readonly uuid: string; readonly reviewer_type: "repository" | "project" }> = []
    const add = (refs: ReadonlyArray<UserRef> | undefined, reviewer_type: "repository" | "project") => {
      for (const ref of refs ?? []) {
        const uuid = findUser(ref)?.uuid
        if (uuid !== undefined && !out.some((x) => x.uuid === uuid)) out.push({ uuid, reviewer_type })
      }
    }
    add(r.defaultReviewers, "repository")
    add(project?.defaultReviewers, "project")
    return out
  }

  /** May this principal manage a project (its deploy keys, its permissions)? Owners and project admins. */
  const isProjectAdmin = (p: Principal, ws: SeedWorkspace, project: SeedProject): boolean =>
    p.kind === "user"
      ? memberOf(p, ws)?.permission === "owner" || projectPermission(p, ws, project) === "admin"
      : p.kind === "token" && p.token.workspace === ws.slug

  const canRead = (p: Principal, r: SeedRepository) => !r.is_private || repoPermission(p, r) !== undefined

  /** 404 for the anonymous, 403 for an authenticated caller without access. */
  const hidden = (p: Principal, what: string): HttpError =>
    p.kind === "anonymous"
      ? new HttpError(404, `${what} not found`)
      : new HttpError(403, "Access denied. You must have read access to access this resource.")

  // -------------------------------------------------------------------------------------------
  // representations
  // -------------------------------------------------------------------------------------------

  const href = (path: string) => ({ href: `${base}${path}` })
  const web = (path: string) => ({ href: `${webOrigin}${path}` })
  const seg = encodeURIComponent

  const userJson = (u: SeedUser, full: boolean) => ({
    type: "user",
    display_name: u.display_name,
    links: {
      self: href(`/users/${seg(u.uuid)}`),
      avatar: web(`/account/${seg(u.uuid)}/avatar`),
      html: web(`/${seg(u.uuid)}/`)
    },
    nickname: u.nickname,
    uuid: u.uuid,
    account_id: u.account_id,
    ...(full
      ? {
        created_on: u.created_on ?? "2020-01-01T00:00:00.000000+00:00",
        account_status: "active",
        is_staff: false,
        has_2fa_enabled: null,
        location: null,
        ...(u.extra ?? {})
      }
      : {})
  })

  const botJson = (t: SeedAccessToken) => ({
    type: "user",
    display_name: t.name ?? "Access token",
    nickname: t.name ?? "access-token",
    uuid: `{00000000-0000-4000-8000-${Buffer.from(t.token).toString("hex").padEnd(12, "0").slice(0, 12)}}`,
    account_status: "active",
    links: { avatar: web(`/account/bot/avatar`) }
  })

  const workspaceLinks = (w: SeedWorkspace) => ({
    avatar: web(`/workspaces/${seg(w.slug)}/avatar/?ts=1700000000`),
    html: web(`/${seg(w.slug)}/`),
    members: href(`/workspaces/${seg(w.slug)}/members`),
    owners: href(`/workspaces/${seg(w.slug)}/members?q=permission%3D%22owner%22`),
    projects: href(`/workspaces/${seg(w.slug)}/projects`),
    repositories: href(`/repositories/${seg(w.slug)}`),
    snippets: href(`/snippets/${seg(w.slug)}`),
    self: href(`/workspaces/${seg(w.slug)}`)
  })

  const workspaceJson = (w: SeedWorkspace) => ({
    type: "workspace",
    uuid: w.uuid,
    name: w.name,
    slug: w.slug,
    is_private: w.is_private,
    is_privacy_enforced: false,
    forking_mode: "allow_forks",
    created_on: w.created_on ?? "2020-01-01T00:00:00.000000+00:00",
    updated_on: w.created_on ?? "2020-01-01T00:00:00.000000+00:00",
    links: workspaceLinks(w),
    ...(w.extra ?? {})
  })

  const workspaceSummary = (w: SeedWorkspace) => ({
    type: "workspace",
    uuid: w.uuid,
    name: w.name,
    slug: w.slug,
    links: { avatar: workspaceLinks(w).avatar, html: workspaceLinks(w).html, self: workspaceLinks(w).self }
  })

  const projectJson = (w: SeedWorkspace, p: SeedProject) => ({
    type: "project",
    key: p.key,
    uuid: p.uuid,
    name: p.name,
    links: {
      self: href(`/workspaces/${seg(w.slug)}/projects/${seg(p.key)}`),
      html: web(`/${seg(w.slug)}/workspace/projects/${seg(p.key)}`),
      avatar: web(`/${seg(w.slug)}/workspace/projects/${seg(p.key)}/avatar/32?ts=1700000000`)
    }
  })

  const projectFullJson = (w: SeedWorkspace, p: SeedProject) => ({
    ...projectJson(w, p),
    description: p.description ?? "",
    is_private: p.is_private ?? w.is_private,
    created_on: p.created_on ?? w.created_on ?? "2020-01-01T00:00:00.000000+00:00",
    updated_on: p.created_on ?? w.created_on ?? "2020-01-01T00:00:00.000000+00:00",
    has_publicly_visible_repos: repositories.some((r) => r.workspace === w.slug && r.project === p.key && !r.is_private),
    owner: { type: "team", uuid: w.uuid, username: w.slug, display_name: w.name, links: workspaceSummary(w).links }
  })

  const repoSummary = (r: SeedRepository) => ({
    type: "repository",
    full_name: fullName(r),
    name: r.name,
    uuid: r.uuid,
    links: {
      self: href(`/repositories/${seg(r.workspace)}/${seg(r.slug)}`),
      html: web(`/${seg(r.workspace)}/${seg(r.slug)}`),
      avatar: web(`/${seg(r.workspace)}/${seg(r.slug)}/avatar/32?ts=${r.language || "default"}`)
    }
  })

  const repositoryJson = (r: SeedRepository, p: Principal) => {
    const ws = findWorkspace(r.workspace)!
    const project = (ws.projects ?? []).find((x) => x.key === r.project)
    const parent = r.parent === undefined
      ? undefined
      : repositories.find((x) => fullName(x) === r.parent)
    const self = `/repositories/${seg(r.workspace)}/${seg(r.slug)}`
    const userPart = p.kind === "user" ? `${p.user.nickname}@` : ""
    return {
      type: "repository",
      full_name: fullName(r),
      links: {
        self: href(self),
        html: web(`/${seg(r.workspace)}/${seg(r.slug)}`),
        avatar: web(`/${seg(r.workspace)}/${seg(r.slug)}/avatar/32?ts=${r.language || "default"}`),
        pullrequests: href(`${self}/pullrequests`),
        commits: href(`${self}/commits`),
        forks: href(`${self}/forks`),
        watchers: href(`${self}/watchers`),
        branches: href(`${self}/refs/branches`),
        tags: href(`${self}/refs/tags`),
        downloads: href(`${self}/downloads`),
        source: href(`${self}/src`),
        clone: [
          { name: "https", href: `https://${userPart}${webHost}/${r.workspace}/${r.slug}.git` },
          { name: "ssh", href: `git@${oauthUrl.hostname}:${r.workspace}/${r.slug}.git` }
        ],
        hooks: href(`${self}/hooks`)
      },
      name: r.name,
      slug: r.slug,
      description: r.description ?? "",
      scm: "git",
      website: r.website ?? null,
      owner: { type: "team", uuid: ws.uuid, username: ws.slug, display_name: ws.name, links: workspaceSummary(ws).links },
      workspace: workspaceSummary(ws),
      is_private: r.is_private,
      ...(project !== undefined ? { project: projectJson(ws, project) } : {}),
      fork_policy: r.fork_policy ?? "allow_forks",
      created_on: r.created_on,
      updated_on: r.updated_on,
      size: r.size ?? 0,
      language: r.language ?? "",
      uuid: r.uuid,
      mainbranch: r.mainbranch === null ? null : { name: r.mainbranch ?? "main", type: "branch" },
      override_settings: { default_merge_strategy: true, branching_model: true },
      ...(parent !== undefined ? { parent: repoSummary(parent) } : {}),
      enforced_signed_commits: null,
      has_issues: r.has_issues ?? false,
      has_wiki: r.has_wiki ?? false,
      ...(r.extra ?? {})
    }
  }

  // -------------------------------------------------------------------------------------------
  // request context, pagination, query features
  // -------------------------------------------------------------------------------------------


  const param = (ctx: Ctx, name: string) => ctx.url.searchParams.get(name) ?? undefined

  const fieldsOf = (ctx: Ctx) => {
    const raw = rawQueryParam(ctx.url, "fields")
    return raw === undefined ? undefined : parseFields(raw)
  }

  const ok = (ctx: Ctx, body: unknown, status = 200, headers: Record<string, string> = {}) => {
    const fields = fieldsOf(ctx)
    return jsonResponse(status, fields === undefined ? body : applyFields(body, fields), headers)
  }

  const parsePositiveInt = (raw: string | undefined, name: string, fallback: number): number => {
    if (raw === undefined || raw === "") return fallback
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new HttpError(400, `Invalid ${name}`, `'${raw}' is not a positive integer`)
    return Number(raw)
  }

  /** A list-based page; `optionalFields` are fields `q`/`sort` accept though some items omit them. */
  const page = (ctx: Ctx, all: ReadonlyArray<unknown>, optionalFields: ReadonlyArray<string> = []) => {
    let items = [...all]
    const q = param(ctx, "q")
    const s = param(ctx, "sort")
    if (q !== undefined && q.trim() !== "") items = filter(items, q, optionalFields)
    if (s !== undefined && s.trim() !== "") items = sort(items, s, optionalFields)
    const pagelen = Math.min(100, parsePositiveInt(param(ctx, "pagelen"), "pagelen", 10))
    const pageNo = parsePositiveInt(param(ctx, "page"), "page", 1)
    const start = (pageNo - 1) * pagelen
    const linkTo = (n: number) => {
      const params = new URLSearchParams(ctx.url.search)
      params.set("page", String(n))
      return `${apiOrigin}${ctx.url.pathname}?${params.toString()}`
    }
    return ok(ctx, {
      pagelen,
      size: items.length,
      values: items.slice(start, start + pagelen),
      page: pageNo,
      ...(start + pagelen < items.length ? { next: linkTo(pageNo + 1) } : {}),
      ...(pageNo > 1 ? { previous: linkTo(pageNo - 1) } : {})
    })
  }

  const now = Effect.map(Clock.currentTimeMillis, isoFromMillis)

  // -------------------------------------------------------------------------------------------
  // authentication
  // -------------------------------------------------------------------------------------------

  const unauthorized = (detail: string) =>
    new HttpError(401, "Unauthorized", detail, undefined, { "www-authenticate": "Basic realm=\"Bitbucket.org HTTP\"" })

  const authenticate = (headers: Headers, nowMs: number): Principal => {
    const header = headers.get("authorization")
    if (header === null) return { kind: "anonymous" }
    const [scheme, ...rest] = header.trim().split(/\s+/)
    const credentials = rest.join(" ")
    switch (scheme?.toLowerCase()) {
      case "basic": {
        const decoded = decodeBase64(credentials)
        const colon = decoded.indexOf(":")
        if (colon < 0) throw unauthorized("Malformed Basic credentials.")
        const name = decoded.slice(0, colon)
        const secret = decoded.slice(colon + 1)
        const byToken = users.find((u) => u.email.toLowerCase() === name.toLowerCase() && (u.apiTokens ?? []).includes(secret))
        if (byToken !== undefined) return { kind: "user", user: byToken }
        const byAppPassword = users.find((u) => u.username !== undefined && u.username === name && (u.appPasswords ?? []).includes(secret))
        // Bitbucket switched app passwords off on 2026-07-28: right credentials, still refused.
        if (byAppPassword !== undefined) {
          throw unauthorized("App passwords are no longer supported. Use an API token: your Atlassian account email and the token.")
        }
        throw unauthorized("Invalid credentials.")
      }
      case "bearer": {
        const token = accessTokens.find((t) => t.token === credentials)
        if (token !== undefined) {
          if (token.user !== undefined) {
            const user = findUser(token.user)
            if (user === undefined) throw unauthorized("Token is invalid or not supported for this endpoint.")
            return { kind: "user", user, scopes: token.scopes }
          }
          return { kind: "token", token }
        }
        const oauth = oauthTokens.find((t) => t.accessToken === credentials)
        if (oauth !== undefined) {
          if (nowMs >= oauth.expiresAt) {
            throw new HttpError(401, "Access token expired. Use your refresh token to obtain a new access token.")
          }
          const user = findUser(oauth.owner)
          if (user !== undefined) return { kind: "user", user, scopes: oauth.scopes }
        }
        throw new HttpError(401, "Token is invalid, expired, or not supported for this endpoint.")
      }
      default:
        throw unauthorized(`Unsupported authorization scheme '${scheme ?? ""}'.`)
    }
  }

  const requireAuth = (ctx: Ctx) => {
    if (ctx.principal.kind === "anonymous") throw unauthorized("This API is only accessible with the following authentication types: session, password, apppassword, api_token, repository_access_token, workspace_access_token")
  }

  // -------------------------------------------------------------------------------------------
  // endpoints
  // -------------------------------------------------------------------------------------------

  const getWorkspaceOr = (ctx: Ctx, id: string) => {
    const ws = findWorkspace(id)
    if (ws === undefined) throw new HttpError(404, `No workspace with identifier '${id}'.`)
    if (!canSeeWorkspace(ctx.principal, ws)) throw hidden(ctx.principal, `Workspace ${id}`)
    return ws
  }

  const getRepository = (ctx: Ctx, wsId: string, repoId: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    const repo = findRepository(ws, repoId)
    if (repo === undefined || !canRead(ctx.principal, repo)) {
      if (repo === undefined) throw new HttpError(404, `Repository ${ws.slug}/${repoId} not found`)
      throw hidden(ctx.principal, `Repository ${ws.slug}/${repoId}`)
    }
    return { ws, repo }
  }

  /** The request's JSON body, whatever its shape (undefined when it is empty). */
  const parseJsonBody = (ctx: Ctx): unknown => {
    if (ctx.body.trim() === "") return undefined
    try {
      return JSON.parse(ctx.body)
    } catch {
      throw new HttpError(400, "Bad request", "The request body is not valid JSON.")
    }
  }

  const parsePayload = (ctx: Ctx): Record<string, unknown> => {
    const parsed = parseJsonBody(ctx)
    if (parsed === undefined) return {}
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new HttpError(400, "Bad request", "The request body must be a JSON object.")
    }
    return parsed as Record<string, unknown>
  }

  const requireWriteWorkspace = (ctx: Ctx, ws: SeedWorkspace) => {
    requireAuth(ctx)
    const p = ctx.principal
    const allowed = p.kind === "user"
      ? memberOf(p, ws)?.permission === "owner" || memberOf(p, ws)?.permission === "collaborator"
      : p.kind === "token" && p.token.workspace === ws.slug
    if (!allowed) throw new HttpError(403, "You do not have permission to create repositories in this workspace.")
  }

  const requireAdmin = (ctx: Ctx, repo: SeedRepository) => {
    requireAuth(ctx)
    if (repoPermission(ctx.principal, repo) !== "admin") {
      throw new HttpError(403, "Access denied. You must have admin access to this repository.")
    }
  }

  const gone = () => new HttpError(410, CHANGE_2770, "See https://developer.atlassian.com/changelog/ (CHANGE-2770).")
  const notFound = () =>
    new HttpError(404, "Resource not found", "There is no API hosted at this URL.")


  /** Write (or admin) access to a repository: 401 for the anonymous, 403 without it. */
  const requirePermission = (ctx: Ctx, repo: SeedRepository, needed: RepoPermission) => {
    requireAuth(ctx)
    const perm = repoPermission(ctx.principal, repo)
    if (perm === undefined || PERMISSION_RANK[perm] < PERMISSION_RANK[needed]) {
      throw new HttpError(403, `Access denied. You must have ${needed} access to this repository.`)
    }
  }

  /** The repository a route names (`workspace`, `repo_slug`), readable, and with `needed` access when given. */
  const repositoryFor = (ctx: Ctx, params: Readonly<Record<string, string>>, needed?: RepoPermission): Mutable<SeedRepository> => {
    const { repo } = getRepository(ctx, params.workspace!, params.repo_slug!)
    if (needed !== undefined) requirePermission(ctx, repo, needed)
    return repo
  }

  /** A workspace's project by key (any case) or `{uuid}`. */
  const findProject = (ws: SeedWorkspace, key: string): SeedProject | undefined =>
    (ws.projects ?? []).find((x) => x.key.toUpperCase() === key.toUpperCase() || x.uuid === key)

  /**
   * A project the caller administers (the workspace's owner or a project admin): 404 when there is
   * no such project, 403 when the caller may not `manage` it.
   */
  const getAdministeredProject = (ctx: Ctx, wsId: string, key: string, manage: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    requireAuth(ctx)
    const project = findProject(ws, key)
    if (project === undefined) throw new HttpError(404, `Project ${key} not found`)
    if (!isProjectAdmin(ctx.principal, ws, project)) throw new HttpError(403, `You must be an administrator of this project to manage ${manage}.`)
    return { ws, project }
  }

  /**
   * A workspace the caller administers (an owner, or a workspace access token of it): 404 when
   * there is no such workspace (or the caller cannot see it), 401 for the anonymous, 403 for
   * anyone else, who may not `manage` it.
   */
  const getAdministeredWorkspace = (ctx: Ctx, wsId: string, manage: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    requireAuth(ctx)
    const p = ctx.principal
    const owner = p.kind === "user" ? memberOf(p, ws)?.permission === "owner" : p.kind === "token" && p.token.workspace === ws.slug
    if (!owner) throw new HttpError(403, `Only workspace owners can manage ${manage}.`)
    return ws
  }

  /** A user named in a path: by `account_id` or `{uuid}` (braces optional). */
  const findUserById = (id: string): SeedUser | undefined => {
    const uuid = bracedUuid(id)
    return users.find((u) => u.account_id === id || u.uuid === uuid)
  }

  // -------------------------------------------------------------------------------------------
  // more response helpers
  // -------------------------------------------------------------------------------------------

  /** Every value of a repeated query parameter. */
  const params = (ctx: Ctx, name: string): Array<string> => ctx.url.searchParams.getAll(name)

  /** The raw `fields` tokens (`+values.reviewers`, `-links`, `values.id`). */
  const fieldTokens = (ctx: Ctx): Array<string> => {
    const raw = rawQueryParam(ctx.url, "fields")
    return raw === undefined ? [] : raw.split(",").map((t) => t.replace(/^ /, "+").trim()).filter((t) => t !== "")
  }

  /** Whether the caller asked for a hidden field, with `+path` or by naming `path` in a bare list. */
  const fieldRequested = (ctx: Ctx, path: string): boolean =>
    fieldTokens(ctx).some((t) => t === `+${path}` || t === path || t.startsWith(`+${path}.`) || t.startsWith(`${path}.`))

  const created = (ctx: Ctx, body: unknown, location: string) => ok(ctx, body, 201, { location })

  const text = (body: string, status = 200, contentType = "text/plain; charset=utf-8") =>
    new Response(body, { status, headers: { "content-type": contentType } })

  const redirect = (location: string, status = 302) =>
    new Response(null, { status, headers: { location } })

  // Bitbucket (a Django app) labels even empty answers; clients such as the bitbucket npm package
  // read the content type of every answer.
  const noContent = () => new Response(null, { status: 204, headers: { "content-type": "text/html; charset=utf-8" } })

  /** 400 with `fields`: `{ title: ["This field is required."] }`. */
  const invalid = (fields: Record<string, ReadonlyArray<string>>, detail?: string) => {
    const message = Object.entries(fields).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ")
    return new HttpError(400, message === "" ? "Bad request" : message, detail, fields)
  }

  /**
   * An iterator-based page (commits): no \`page\`/\`size\`; \`next\` carries an opaque cursor naming the
   * last item served, so new items at the head never shift what comes next.
   */
  const iteratorPage = <A>(ctx: Ctx, items: ReadonlyArray<A>, key: (a: A) => string, defaultPagelen = 30) => {
    const pagelen = Math.min(100, parsePositiveInt(param(ctx, "pagelen"), "pagelen", defaultPagelen))
    const cursor = param(ctx, "page")
    let start = 0
    if (cursor !== undefined && cursor !== "") {
      let after: string | undefined
      try {
        const decoded = Buffer.from(cursor, "base64url").toString("utf8")
        after = decoded.startsWith("after:") ? decoded.slice(6) : undefined
      } catch {
        after = undefined
      }
      const index = after === undefined ? -1 : items.findIndex((a) => key(a) === after)
      if (index < 0) throw new HttpError(400, "Invalid page", `The page cursor '${cursor}' is invalid or has expired.`)
      start = index + 1
    }
    const values = items.slice(start, start + pagelen)
    const last = values[values.length - 1]
    let next: string | undefined
    if (start + pagelen < items.length && last !== undefined) {
      const q = new URLSearchParams(ctx.url.search)
      q.set("page", Buffer.from(`after:${key(last)}`, "utf8").toString("base64url"))
      next = `${apiOrigin}${ctx.url.pathname}?${q.toString()}`
    }
    return ok(ctx, { values, pagelen, ...(next !== undefined ? { next } : {}) })
  }

  /** Renders Markdown the way a client needs to see it: escaped HTML in paragraphs. */
  const renderMarkdown = (raw: string): string => {
    if (raw === "") return ""
    const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    return raw.split(/\n{2,}/).map((block) => {
      const inline = escape(block)
        .replace(/`([^`]+)`/g, "<code>$1</code>")
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
        .replace(/\*([^*\s][^*\n]*?)\*/g, "<em>$1</em>")
        .replace(/\n/g, "<br>")
      return `<p>${inline}</p>`
    }).join("\n")
  }

  const rendered = (raw: string) => ({ type: "rendered", raw, markup: "markdown", html: renderMarkdown(raw) })

  // -------------------------------------------------------------------------------------------
  // accounts
  // -------------------------------------------------------------------------------------------

  /** The uuid acting in a write (a user, or the bot account of an access token). */
  const actorUuid = (ctx: Ctx): string => {
    const p = ctx.principal
    if (p.kind === "user") return p.user.uuid
    if (p.kind === "token") return botJson(p.token).uuid
    throw unauthorized("Authentication required.")
  }

  /** An account summary for a uuid (a user, an access token's bot, or a former user). */
  const accountJson = (uuid: string) => {
    const user = users.find((u) => u.uuid === uuid)
    if (user !== undefined) return userJson(user, false)
    const token = accessTokens.find((t) => botJson(t).uuid === uuid)
    if (token !== undefined) return botJson(token)
    return { type: "user", uuid, display_name: "Former user", nickname: "former-user", links: {} }
  }

  /** Normalises a user reference to a uuid (unknown references stay as they are). */
  const userUuid = (ref: UserRef): string => findUser(ref)?.uuid ?? ref

  // -------------------------------------------------------------------------------------------
  // events (what webhooks deliver)
  // -------------------------------------------------------------------------------------------

  const listeners: Array<(ctx: Ctx, event: FakeEvent) => void> = []
  const events = {
    /**
     * Announces something that happened (e.g. \`pullrequest:created\`) while answering \`ctx\`: what
     * it delivers goes in that request's outbox.
     */
    publish: (ctx: Ctx, event: FakeEvent) => {
      for (const l of listeners) l(ctx, event)
    },
    /** Registers a listener; webhooks subscribe here. */
    subscribe: (listener: (ctx: Ctx, event: FakeEvent) => void) => void listeners.push(listener)
  }

  // A module's veto on a change to a branch: branch restrictions register here, and the branch
  // endpoints ask before they act (throwing the HttpError to answer).
  const branchGuards: Array<(repo: SeedRepository, branch: string, action: "delete") => void> = []
  // The restrictions that cover a branch (merge checks among them): the branch restrictions module
  // answers, pull request merges ask.
  let restrictionsResolver: ((repo: SeedRepository, branch: string) => ReadonlyArray<BranchRule>) | undefined
  const branches = {
    guard: (check: (repo: SeedRepository, branch: string, action: "delete") => void) => void branchGuards.push(check),
    check: (repo: SeedRepository, branch: string, action: "delete") => {
      for (const check of branchGuards) check(repo, branch, action)
    },
    restrictionsWith: (resolver: (repo: SeedRepository, branch: string) => ReadonlyArray<BranchRule>) => void (restrictionsResolver = resolver),
    restrictions: (repo: SeedRepository, branch: string): ReadonlyArray<BranchRule> => restrictionsResolver?.(repo, branch) ?? []
  }

  // Which branch types of a repository's effective branching model a branch is (production,
  // development, feature, …): the branching model module answers it, branch restrictions ask.
  let branchTypeResolver: ((repo: SeedRepository, branch: string) => ReadonlyArray<string>) | undefined
  const branchTypes = {
    resolveWith: (resolver: (repo: SeedRepository, branch: string) => ReadonlyArray<string>) => void (branchTypeResolver = resolver),
    of: (repo: SeedRepository, branch: string): ReadonlyArray<string> => branchTypeResolver?.(repo, branch) ?? []
  }

  // SSH key material in use: Bitbucket takes a key once as an account key, and an access (deploy)
  // key may not also be an account key, nor the reverse. Access keys may be on several subjects.
  const keyUses = new Map<string, { account: number; access: number }>()
  const sshKeys = {
    /** Registers a use, or throws the 400 Bitbucket answers when the key is registered elsewhere. */
    use: (key: string, kind: "account" | "access") => {
      const uses = keyUses.get(key) ?? { account: 0, access: 0 }
      if (uses.account > 0 || (kind === "account" && uses.access > 0)) {
        throw invalid({ key: ["Someone has already registered that SSH key."] })
      }
      keyUses.set(key, { ...uses, [kind]: uses[kind] + 1 })
    },
    release: (key: string, kind: "account" | "access") => {
      const uses = keyUses.get(key)
      if (uses !== undefined) keyUses.set(key, { ...uses, [kind]: Math.max(0, uses[kind] - 1) })
    }
  }

  return {
    seed,
    base,
    basePath,
    apiOrigin,
    oauthUrl,
    oauthPath,
    webOrigin,
    webHost,
    store: { users, workspaces, repositories, accessTokens, consumers, oauthTokens, authCodes, log, deliveries },
    nextId: () => ++counter,
    sshKeys,
    // lookups and permissions
    findUser,
    findWorkspace,
    findRepository,
    fullName,
    repositoryNamed,
    memberOf,
    canSeeWorkspace,
    repoPermission,
    projectPermission,
    isProjectAdmin,
    defaultReviewersOf,
    canRead,
    hidden,
    userUuid,
    // representations
    href,
    web,
    seg,
    userJson,
    botJson,
    accountJson,
    workspaceLinks,
    workspaceJson,
    workspaceSummary,
    projectJson,
    projectFullJson,
    repoSummary,
    repositoryJson,
    rendered,
    renderMarkdown,
    // request helpers
    param,
    params,
    fieldsOf,
    fieldTokens,
    fieldRequested,
    parsePositiveInt,
    parsePayload,
    now,
    // responses
    ok,
    created,
    page,
    iteratorPage,
    text,
    redirect,
    noContent,
    invalid,
    gone,
    notFound,
    // authentication and access
    unauthorized,
    authenticate,
    requireAuth,
    requireAdmin,
    requirePermission,
    requireWriteWorkspace,
    actorUuid,
    getWorkspaceOr,
    getRepository,
    parseJsonBody,
    repositoryFor,
    findProject,
    getAdministeredProject,
    getAdministeredWorkspace,
    findUserById,
    events,
    branches,
    branchTypes
  }
}

/** Everything route modules share, without the git store. */
export type BaseCore = ReturnType<typeof makeBase>

/** Builds the fake's state and the helpers every route module shares. */
export const makeCore = (options: ServerOptions) => {
  const base = makeBase(options)
  return { ...base, git: makeGitStore(base) }
}

/** Everything route modules share. */
export type Core = ReturnType<typeof makeCore>

/** Something that happened in the fake (what a webhook delivers). */
export interface FakeEvent {
  /** A Bitbucket event key, e.g. \`pullrequest:created\`, \`repo:push\`. */
  readonly key: string
  /** \`full_name\` of the repository. */
  readonly repository: string
  /** The uuid of the account that acted (a user, or an access token's bot). */
  readonly actor: string
  /**
   * The event's own part of the delivery body, in Bitbucket's shape (\`pullrequest\`, \`push\`,
   * \`comment\`, \`commit_status\`, \`approval\`, ...); the webhooks module adds \`repository\` and \`actor\`.
   */
  readonly payload: Readonly<Record<string, unknown>>
}

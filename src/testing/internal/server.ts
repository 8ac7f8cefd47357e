/**
 * The fake Bitbucket's state and its web-standard request handler.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { applyFields, filter, parseFields, QueryError, sort } from "./query.js"
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
type RepoPermission = "read" | "write" | "admin"

interface OAuthToken {
  readonly accessToken: string
  readonly refreshToken: string
  readonly consumer: string
  readonly owner: string
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
}

type Principal =
  | { readonly kind: "anonymous" }
  | { readonly kind: "user"; readonly user: SeedUser }
  | { readonly kind: "token"; readonly token: SeedAccessToken }

class HttpError {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly detail?: string,
    readonly fields?: Record<string, ReadonlyArray<string>>,
    readonly headers?: Record<string, string>
  ) {}
}

const JSON_TYPE = "application/json; charset=utf-8"
const CHANGE_2770 =
  "This API is no longer available: cross-workspace listings were removed (CHANGE-2770). Use GET /2.0/user/workspaces and then GET /2.0/repositories/{workspace}."

const clone = <A>(a: A): A => JSON.parse(JSON.stringify(a)) as A

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": JSON_TYPE, ...headers } })

const errorResponse = (e: HttpError): Response =>
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

const oauthError = (status: number, error: string, description: string): Response =>
  jsonResponse(status, { error, error_description: description })

const isoFromMillis = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00")

const slugify = (name: string): string =>
  name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "")

const decodeBase64 = (s: string): string => Buffer.from(s, "base64").toString("utf8")

const rawQueryParam = (url: URL, name: string): string | undefined => {
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

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

const PERMISSION_RANK: Record<RepoPermission, number> = { read: 1, write: 2, admin: 3 }
const maxPermission = (a: RepoPermission | undefined, b: RepoPermission | undefined) =>
  a === undefined ? b : b === undefined ? a : PERMISSION_RANK[a] >= PERMISSION_RANK[b] ? a : b

/** The options the handler needs. */
export interface ServerOptions {
  readonly seed: Seed
  readonly baseUrl: string
  readonly oauthUrl: string
}

/** Builds the fake's state and handler. */
export const makeServer = (options: ServerOptions) => {
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
    const explicit = (r.permissions ?? []).filter((x) => findUser(x.user)?.uuid === p.user.uuid)
      .map((x) => x.permission)
      .reduce<RepoPermission | undefined>(maxPermission, undefined)
    return maxPermission(fromWorkspace, explicit)
  }

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

  interface Ctx {
    readonly method: string
    readonly url: URL
    readonly headers: Headers
    readonly body: string
    readonly principal: Principal
  }

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
        if (byAppPassword !== undefined) return { kind: "user", user: byAppPassword }
        throw unauthorized("Invalid credentials.")
      }
      case "bearer": {
        const token = accessTokens.find((t) => t.token === credentials)
        if (token !== undefined) {
          if (token.user !== undefined) {
            const user = findUser(token.user)
            if (user === undefined) throw unauthorized("Token is invalid or not supported for this endpoint.")
            return { kind: "user", user }
          }
          return { kind: "token", token }
        }
        const oauth = oauthTokens.find((t) => t.accessToken === credentials)
        if (oauth !== undefined) {
          if (nowMs >= oauth.expiresAt) {
            throw new HttpError(401, "Access token expired. Use your refresh token to obtain a new access token.")
          }
          const user = findUser(oauth.owner)
          if (user !== undefined) return { kind: "user", user }
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

  const currentUser = (ctx: Ctx) => {
    requireAuth(ctx)
    const p = ctx.principal
    return ok(ctx, p.kind === "user" ? userJson(p.user, true) : p.kind === "token" ? botJson(p.token) : null)
  }

  const workspaceAccess = (ctx: Ctx) => {
    requireAuth(ctx)
    const p = ctx.principal
    const entries = workspaces.flatMap((ws) => {
      let permission: string | undefined
      let addedOn = ws.created_on ?? "2020-01-01T00:00:00.000000+00:00"
      let memberUuid = ""
      if (p.kind === "user") {
        permission = memberOf(p, ws)?.permission
        memberUuid = p.user.uuid
        if (p.user.created_on !== undefined && p.user.created_on > addedOn) addedOn = p.user.created_on
      } else if (p.kind === "token") {
        permission = p.token.workspace === ws.slug
          ? "collaborator"
          : p.token.repository?.split("/")[0] === ws.slug
          ? "member"
          : undefined
        memberUuid = botJson(p.token).uuid
      }
      if (permission === undefined) return []
      return [{
        type: "workspace_access",
        permission,
        administrator: permission === "owner",
        added_on: addedOn,
        last_accessed: null,
        workspace: workspaceSummary(ws),
        links: { self: href(`/workspaces/${seg(ws.slug)}/members/${seg(memberUuid)}`) }
      }]
    })
    return page(ctx, entries)
  }

  const REPOSITORY_OPTIONAL_FIELDS = ["parent", "project", "mainbranch", "website"]

  const ROLES: Record<string, RepoPermission | "owner"> = {
    member: "read",
    contributor: "write",
    admin: "admin",
    owner: "owner"
  }

  const listRepositories = (ctx: Ctx, wsId: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    const role = param(ctx, "role")
    const needed = role === undefined || role === "" ? undefined : ROLES[role]
    if (role !== undefined && role !== "" && needed === undefined) {
      throw new HttpError(400, `Invalid role '${role}'`, "role must be one of member, contributor, admin, owner", {
        role: ["Select a valid choice."]
      })
    }
    const p = ctx.principal
    const repos = repositories.filter((r) => {
      if (r.workspace !== ws.slug || !canRead(p, r)) return false
      if (needed === undefined) return true
      const perm = repoPermission(p, r)
      if (needed === "owner") {
        return p.kind === "user" ? memberOf(p, ws)?.permission === "owner" : perm === "admin"
      }
      return perm !== undefined && PERMISSION_RANK[perm] >= PERMISSION_RANK[needed]
    })
    return page(ctx, repos.map((r) => repositoryJson(r, p)), REPOSITORY_OPTIONAL_FIELDS)
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

  const parsePayload = (ctx: Ctx): Record<string, unknown> => {
    if (ctx.body.trim() === "") return {}
    let parsed: unknown
    try {
      parsed = JSON.parse(ctx.body)
    } catch {
      throw new HttpError(400, "Bad request", "The request body is not valid JSON.")
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new HttpError(400, "Bad request", "The request body must be a JSON object.")
    }
    return parsed as Record<string, unknown>
  }

  /** Validates a create/update payload and applies it to `target`. */
  const applyRepoPayload = (ws: SeedWorkspace, target: Mutable<SeedRepository>, body: Record<string, unknown>) => {
    const fields: Record<string, Array<string>> = {}
    const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
    if ("scm" in body && body.scm !== "git") bad("scm", `Invalid SCM: ${JSON.stringify(body.scm)}. Only git is supported.`)
    if ("name" in body) {
      if (typeof body.name !== "string" || body.name.trim() === "") bad("name", "This field may not be blank.")
      else if (body.name.length > 255) bad("name", "Ensure this field has no more than 255 characters.")
      else target.name = body.name
    }
    for (const key of ["is_private", "has_issues", "has_wiki"] as const) {
      if (key in body) {
        const v = body[key]
        if (typeof v !== "boolean") bad(key, "Must be a boolean.")
        else target[key] = v
      }
    }
    for (const key of ["description", "language"] as const) {
      if (key in body) {
        const v = body[key]
        if (typeof v !== "string") bad(key, "Must be a string.")
        else target[key] = key === "language" ? v.toLowerCase() : v
      }
    }
    if ("website" in body) {
      const v = body.website
      if (v !== null && typeof v !== "string") bad("website", "Must be a string.")
      else target.website = v
    }
    if ("fork_policy" in body) {
      const v = body.fork_policy
      if (v !== "allow_forks" && v !== "no_public_forks" && v !== "no_forks") {
        bad("fork_policy", "Must be one of allow_forks, no_public_forks, no_forks.")
      } else target.fork_policy = v
    }
    if ("project" in body) {
      const v = body.project
      const key = v !== null && typeof v === "object" ? (v as Record<string, unknown>).key : undefined
      const uuid = v !== null && typeof v === "object" ? (v as Record<string, unknown>).uuid : undefined
      const project = (ws.projects ?? []).find((p) => p.key === key || p.uuid === uuid)
      if (project === undefined) bad("project", "Project not found in this workspace.")
      else target.project = project.key
    }
    if ("mainbranch" in body) {
      const v = body.mainbranch
      const name = v !== null && typeof v === "object" ? (v as Record<string, unknown>).name : undefined
      if (typeof name !== "string" || name === "") bad("mainbranch", "Must be an object with a branch name.")
      else target.mainbranch = name
    }
    if (Object.keys(fields).length > 0) throw new HttpError(400, "Bad request", "The repository payload is invalid.", fields)
  }

  const requireWriteWorkspace = (ctx: Ctx, ws: SeedWorkspace) => {
    requireAuth(ctx)
    const p = ctx.principal
    const allowed = p.kind === "user"
      ? memberOf(p, ws)?.permission === "owner" || memberOf(p, ws)?.permission === "collaborator"
      : p.kind === "token" && p.token.workspace === ws.slug
    if (!allowed) throw new HttpError(403, "You do not have permission to create repositories in this workspace.")
  }

  const createRepository = (ctx: Ctx, ws: SeedWorkspace, slugParam: string, status: 200 | 201) =>
    Effect.gen(function*() {
      requireWriteWorkspace(ctx, ws)
      const body = parsePayload(ctx)
      const slug = slugParam.toLowerCase()
      if (!/^[a-z0-9_.-]+$/.test(slug) || slug.length > 62 || slug.startsWith("{")) {
        throw new HttpError(400, "Invalid slug", `'${slugParam}' is not a valid repository slug.`)
      }
      if (findRepository(ws, slug) !== undefined) {
        throw new HttpError(400, "Repository with this Slug and Owner already exists.")
      }
      const ts = yield* now
      counter++
      const repo: Mutable<SeedRepository> = {
        workspace: ws.slug,
        slug,
        name: slugParam,
        uuid: `{fa4e0000-0000-4000-8000-${counter.toString(16).padStart(12, "0")}}`,
        is_private: true,
        description: "",
        language: "",
        fork_policy: "allow_forks",
        has_issues: false,
        has_wiki: false,
        size: 0,
        website: null,
        created_on: ts,
        updated_on: ts,
        mainbranch: null
      }
      const firstProject = ws.projects?.[0]
      if (firstProject !== undefined) repo.project = firstProject.key
      applyRepoPayload(ws, repo, body)
      repositories.push(repo)
      const headers: Record<string, string> = status === 201
        ? { location: `${base}/repositories/${seg(ws.slug)}/${seg(slug)}` }
        : {}
      return ok(ctx, repositoryJson(repo, ctx.principal), status, headers)
    })

  const requireAdmin = (ctx: Ctx, repo: SeedRepository) => {
    requireAuth(ctx)
    if (repoPermission(ctx.principal, repo) !== "admin") {
      throw new HttpError(403, "Access denied. You must have admin access to this repository.")
    }
  }

  const repositoryRoute = (ctx: Ctx, wsId: string, repoId: string) =>
    Effect.gen(function*() {
      switch (ctx.method) {
        case "GET": {
          const { repo } = getRepository(ctx, wsId, repoId)
          return ok(ctx, repositoryJson(repo, ctx.principal))
        }
        case "POST": {
          const ws = getWorkspaceOr(ctx, wsId)
          return yield* createRepository(ctx, ws, repoId, 200)
        }
        case "PUT": {
          const ws = getWorkspaceOr(ctx, wsId)
          if (findRepository(ws, repoId) === undefined) return yield* createRepository(ctx, ws, repoId, 201)
          const { repo } = getRepository(ctx, wsId, repoId)
          requireAdmin(ctx, repo)
          const body = parsePayload(ctx)
          const draft: Mutable<SeedRepository> = { ...repo }
          applyRepoPayload(ws, draft, body)
          const headers: Record<string, string> = {}
          if (draft.name !== repo.name) {
            const newSlug = slugify(draft.name)
            const clash = findRepository(ws, newSlug)
            if (newSlug === "" || (clash !== undefined && clash !== repo)) {
              throw new HttpError(400, "Repository with this Slug and Owner already exists.")
            }
            draft.slug = newSlug
            headers["location"] = `${base}/repositories/${seg(ws.slug)}/${seg(newSlug)}`
            const oldFullName = fullName(repo)
            for (const r of repositories) if (r.parent === oldFullName) r.parent = fullName(draft)
          }
          draft.updated_on = yield* now
          Object.assign(repo, draft)
          return ok(ctx, repositoryJson(repo, ctx.principal), 200, headers)
        }
        case "DELETE": {
          const { repo } = getRepository(ctx, wsId, repoId)
          requireAdmin(ctx, repo)
          repositories.splice(repositories.indexOf(repo), 1)
          return new Response(null, { status: 204 })
        }
        default:
          throw new HttpError(405, `Method ${ctx.method} not allowed`)
      }
    })

  const getUser = (ctx: Ctx, id: string) => {
    const user = users.find((u) => u.uuid === id || u.account_id === id)
    if (user === undefined) throw new HttpError(404, `User ${id} not found`)
    return ok(ctx, userJson(user, true))
  }

  const listProjects = (ctx: Ctx, wsId: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    const visible = (ws.projects ?? []).filter((p) =>
      !(p.is_private ?? ws.is_private) || ctx.principal.kind !== "anonymous" && canSeeWorkspace(ctx.principal, ws)
    )
    return page(ctx, visible.map((p) => projectFullJson(ws, p)))
  }

  const getProject = (ctx: Ctx, wsId: string, key: string) => {
    const ws = getWorkspaceOr(ctx, wsId)
    const project = (ws.projects ?? []).find((p) => p.key === key || p.uuid === key)
    if (project === undefined) throw new HttpError(404, `Project ${key} not found`)
    return ok(ctx, projectFullJson(ws, project))
  }

  const gone = () => new HttpError(410, CHANGE_2770, "See https://developer.atlassian.com/changelog/ (CHANGE-2770).")
  const notFound = () =>
    new HttpError(404, "Resource not found", "There is no API hosted at this URL.")

  const onlyGet = (ctx: Ctx, f: () => Response): Effect.Effect<Response> =>
    Effect.sync(() => {
      if (ctx.method !== "GET") throw new HttpError(405, `Method ${ctx.method} not allowed`)
      return f()
    })

  const route = (ctx: Ctx, segments: ReadonlyArray<string>): Effect.Effect<Response> => {
    const [a, b, c, d, ...more] = segments
    if (a === "teams" || (a === "user" && b === "permissions")) return Effect.die(gone())
    if ((a === "repositories" || a === "workspaces") && b === undefined) return Effect.die(gone())
    if (a === "user" && b === undefined) return onlyGet(ctx, () => currentUser(ctx))
    if (a === "user" && b === "workspaces" && c === undefined) return onlyGet(ctx, () => workspaceAccess(ctx))
    if (a === "users" && b !== undefined && c === undefined) return onlyGet(ctx, () => getUser(ctx, b))
    if (a === "workspaces" && b !== undefined && more.length === 0) {
      if (c === undefined) return onlyGet(ctx, () => ok(ctx, workspaceJson(getWorkspaceOr(ctx, b))))
      if (c === "projects" && d === undefined) return onlyGet(ctx, () => listProjects(ctx, b))
      if (c === "projects" && d !== undefined) return onlyGet(ctx, () => getProject(ctx, b, d))
    }
    if (a === "repositories" && b !== undefined && d === undefined) {
      if (c === undefined) return onlyGet(ctx, () => listRepositories(ctx, b))
      return repositoryRoute(ctx, b, c)
    }
    return Effect.die(notFound())
  }

  // -------------------------------------------------------------------------------------------
  // OAuth token endpoint
  // -------------------------------------------------------------------------------------------

  const issueToken = (consumer: SeedOAuthConsumer, owner: string, grant: string, nowMs: number, refreshToken?: string) => {
    counter++
    const ttl = consumer.tokenTtlSeconds ?? seed.oauthTokenTtlSeconds ?? 7200
    const token: OAuthToken = {
      accessToken: `fake-oauth-access-${counter}-${nowMs.toString(36)}`,
      refreshToken: refreshToken ?? `fake-oauth-refresh-${counter}`,
      consumer: consumer.key,
      owner,
      scopes: consumer.scopes ?? [],
      expiresAt: nowMs + ttl * 1000
    }
    oauthTokens.push(token)
    return jsonResponse(200, {
      access_token: token.accessToken,
      scopes: token.scopes.join(" "),
      expires_in: ttl,
      token_type: "bearer",
      state: grant,
      refresh_token: token.refreshToken
    })
  }

  const oauth = (ctx: { method: string; url: URL; headers: Headers; body: string }, nowMs: number): Response => {
    const rest = ctx.url.pathname.slice(oauthPath.length)
    if (rest !== "/access_token") return jsonResponse(404, { error: "not_found", error_description: "Unknown OAuth endpoint." })
    if (ctx.method !== "POST") return oauthError(405, "invalid_request", "The token endpoint only accepts POST.")
    const contentType = ctx.headers.get("content-type") ?? ""
    if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "Expected an application/x-www-form-urlencoded body.")
    }
    const form = new URLSearchParams(ctx.body)
    let clientId = form.get("client_id") ?? undefined
    let clientSecret = form.get("client_secret") ?? undefined
    const header = ctx.headers.get("authorization")
    let viaHeader = false
    if (header !== null) {
      const match = /^basic\s+(.+)$/i.exec(header.trim())
      if (match === null) return oauthError(401, "invalid_client", "Client authentication must use HTTP Basic.")
      const decoded = decodeBase64(match[1]!)
      const colon = decoded.indexOf(":")
      clientId = colon < 0 ? decoded : decoded.slice(0, colon)
      clientSecret = colon < 0 ? "" : decoded.slice(colon + 1)
      viaHeader = true
    }
    const consumer = consumers.find((c) => c.key === clientId && c.secret === clientSecret)
    if (consumer === undefined) {
      return oauthError(viaHeader ? 401 : 400, "invalid_client", "Invalid OAuth client credentials")
    }
    const grant = form.get("grant_type")
    switch (grant) {
      case "client_credentials":
        return issueToken(consumer, consumer.owner, grant, nowMs)
      case "refresh_token": {
        const refresh = form.get("refresh_token")
        const previous = oauthTokens.find((t) => t.refreshToken === refresh && t.consumer === consumer.key)
        if (previous === undefined) return oauthError(400, "invalid_grant", "Invalid refresh_token")
        return issueToken(consumer, previous.owner, grant, nowMs, previous.refreshToken)
      }
      case "authorization_code": {
        const code = form.get("code") ?? ""
        const entry = authCodes.get(code)
        if (entry === undefined || entry.consumer !== consumer.key) {
          return oauthError(400, "invalid_grant", "The authorization code is invalid or has expired.")
        }
        authCodes.delete(code)
        return issueToken(consumer, entry.user, grant, nowMs)
      }
      case null:
        return oauthError(400, "invalid_request", "Missing grant_type.")
      default:
        return oauthError(400, "unsupported_grant_type", `Unsupported grant type: ${grant}`)
    }
  }

  // -------------------------------------------------------------------------------------------
  // the handler
  // -------------------------------------------------------------------------------------------

  const record = (entry: RecordedRequest) => Effect.sync(() => void log.push(entry))

  const headersRecord = (headers: Headers): Record<string, string> => {
    const out: Record<string, string> = {}
    headers.forEach((value, key) => {
      out[key] = value
    })
    return out
  }

  const handle = (request: Request): Effect.Effect<Response> =>
    Effect.gen(function*() {
      const body = yield* Effect.promise(() => request.text())
      yield* record({ method: request.method, url: request.url, headers: headersRecord(request.headers), body })
      const nowMs = yield* Clock.currentTimeMillis
      const url = new URL(request.url)
      const method = request.method.toUpperCase()
      const pathname = url.pathname
      if (pathname === oauthPath || pathname.startsWith(`${oauthPath}/`)) {
        return oauth({ method, url, headers: request.headers, body }, nowMs)
      }
      return yield* Effect.suspend(() => {
        if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) throw notFound()
        const segments = pathname.slice(basePath.length).split("/").slice(1)
        if (segments.length > 0 && segments[segments.length - 1] === "") segments.pop()
        const decoded = segments.map((s) => {
          try {
            return decodeURIComponent(s)
          } catch {
            throw new HttpError(400, "Bad request", `Malformed path segment '${s}'.`)
          }
        })
        const principal = authenticate(request.headers, nowMs)
        return route({ method, url, headers: request.headers, body, principal }, decoded)
      })
    }).pipe(
      Effect.catchAllDefect((defect) => {
        if (defect instanceof HttpError) return Effect.succeed(errorResponse(defect))
        if (defect instanceof QueryError) {
          return Effect.succeed(errorResponse(new HttpError(400, defect.message, defect.detail)))
        }
        return Effect.succeed(errorResponse(new HttpError(500, "Internal error in the fake Bitbucket", String(defect))))
      })
    )

  const snapshot = Effect.sync((): Seed => ({
    ...clone(seed),
    users: clone(users),
    workspaces: clone(workspaces),
    repositories: clone(repositories),
    accessTokens: clone(accessTokens),
    oauthConsumers: clone(consumers)
  }))

  const createAuthorizationCode = (clientId: string, user: UserRef) =>
    Effect.sync(() => {
      const u = findUser(user)
      if (u === undefined) throw new Error(`FakeBitbucket: unknown user ${user}`)
      if (!consumers.some((c) => c.key === clientId)) throw new Error(`FakeBitbucket: unknown OAuth client ${clientId}`)
      counter++
      const code = `fake-code-${counter}`
      authCodes.set(code, { consumer: clientId, user: u.uuid })
      return code
    })

  return {
    baseUrl: base,
    oauthUrl: oauthUrl.toString().replace(/\/+$/, ""),
    apiOrigin,
    oauthOrigin: oauthUrl.origin,
    handle,
    record,
    requests: Effect.sync((): ReadonlyArray<RecordedRequest> => [...log]),
    clearRequests: Effect.sync(() => void log.splice(0, log.length)),
    snapshot,
    createAuthorizationCode
  }
}

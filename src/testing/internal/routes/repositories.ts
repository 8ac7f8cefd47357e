/**
 * Repositories: `GET /repositories/{workspace}`, `GET|POST|PUT|DELETE R`, `GET|POST R/forks`,
 * `GET R/watchers`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx, Mutable, RepoPermission } from "../core.js"
import { HttpError, PERMISSION_RANK, slugify } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository, SeedWorkspace } from "../seed.js"

const REPOSITORY_OPTIONAL_FIELDS = ["parent", "project", "mainbranch", "website"]

const ROLES: Record<string, RepoPermission | "owner"> = {
  member: "read",
  contributor: "write",
  admin: "admin",
  owner: "owner"
}

export const repositories: RouteModule = {
  name: "repositories",
  make: (core) => {
    const {
      ok,
      page,
      param,
      base,
      seg,
      getWorkspaceOr,
      getRepository,
      findRepository,
      findWorkspace,
      canRead,
      repoPermission,
      memberOf,
      repositoryJson,
      parsePayload,
      requireAdmin,
      requireAuth,
      requireWriteWorkspace,
      fullName,
      now,
      userJson,
      invalid
    } = core
    const all = core.store.repositories

    /** Keeps repositories the caller has `role` on (400 on an unknown role). */
    const byRole = (ctx: Ctx, repos: ReadonlyArray<SeedRepository>) => {
      const role = param(ctx, "role")
      const needed = role === undefined || role === "" ? undefined : ROLES[role]
      if (role !== undefined && role !== "" && needed === undefined) {
        throw new HttpError(400, `Invalid role '${role}'`, "role must be one of member, contributor, admin, owner", {
          role: ["Select a valid choice."]
        })
      }
      const p = ctx.principal
      return repos.filter((r) => {
        if (!canRead(p, r)) return false
        if (needed === undefined) return true
        const perm = repoPermission(p, r)
        if (needed === "owner") {
          const ws = findWorkspace(r.workspace)
          return p.kind === "user" ? ws !== undefined && memberOf(p, ws)?.permission === "owner" : perm === "admin"
        }
        return perm !== undefined && PERMISSION_RANK[perm] >= PERMISSION_RANK[needed]
      })
    }

    const listRepositories = (ctx: Ctx, wsId: string) => {
      const ws = getWorkspaceOr(ctx, wsId)
      const repos = byRole(ctx, all.filter((r) => r.workspace === ws.slug))
      return page(ctx, repos.map((r) => repositoryJson(r, ctx.principal)), REPOSITORY_OPTIONAL_FIELDS)
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

    const newRepository = (ws: SeedWorkspace, slug: string, name: string, ts: string): Mutable<SeedRepository> => {
      const repo: Mutable<SeedRepository> = {
        workspace: ws.slug,
        slug,
        name,
        uuid: `{fa4e0000-0000-4000-8000-${core.nextId().toString(16).padStart(12, "0")}}`,
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
      return repo
    }

    const checkSlug = (ws: SeedWorkspace, slugParam: string) => {
      const slug = slugParam.toLowerCase()
      if (!/^[a-z0-9_.-]+$/.test(slug) || slug.length > 62 || slug.startsWith("{")) {
        throw new HttpError(400, "Invalid slug", `'${slugParam}' is not a valid repository slug.`)
      }
      if (findRepository(ws, slug) !== undefined) {
        throw new HttpError(400, "Repository with this Slug and Owner already exists.")
      }
      return slug
    }

    const createRepository = (ctx: Ctx, ws: SeedWorkspace, slugParam: string, status: 200 | 201) =>
      Effect.gen(function*() {
        requireWriteWorkspace(ctx, ws)
        const body = parsePayload(ctx)
        const slug = checkSlug(ws, slugParam)
        const repo = newRepository(ws, slug, slugParam, yield* now)
        applyRepoPayload(ws, repo, body)
        all.push(repo)
        const headers: Record<string, string> = status === 201
          ? { location: `${base}/repositories/${seg(ws.slug)}/${seg(slug)}` }
          : {}
        return ok(ctx, repositoryJson(repo, ctx.principal), status, headers)
      })

    const updateRepository = (ctx: Ctx, wsId: string, repoId: string) =>
      Effect.gen(function*() {
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
          for (const r of all) if (r.parent === oldFullName) r.parent = fullName(draft)
        }
        draft.updated_on = yield* now
        Object.assign(repo, draft)
        return ok(ctx, repositoryJson(repo, ctx.principal), 200, headers)
      })

    const deleteRepository = (ctx: Ctx, wsId: string, repoId: string) => {
      const { repo } = getRepository(ctx, wsId, repoId)
      requireAdmin(ctx, repo)
      all.splice(all.indexOf(repo), 1)
      core.git.forget(repo)
      return new Response(null, { status: 204 })
    }

    // ---- forks ---------------------------------------------------------------------------------

    const listForks = (ctx: Ctx, wsId: string, repoId: string) => {
      const { repo } = getRepository(ctx, wsId, repoId)
      const forks = byRole(ctx, all.filter((r) => r.parent === fullName(repo)))
      return page(ctx, forks.map((r) => repositoryJson(r, ctx.principal)), REPOSITORY_OPTIONAL_FIELDS)
    }

    const createFork = (ctx: Ctx, wsId: string, repoId: string) =>
      Effect.gen(function*() {
        requireAuth(ctx)
        const { repo: parent } = getRepository(ctx, wsId, repoId)
        const body = parsePayload(ctx)
        const wsField = body.workspace
        const targetSlug = wsField !== null && typeof wsField === "object"
          ? (wsField as Record<string, unknown>).slug ?? (wsField as Record<string, unknown>).uuid
          : undefined
        if (typeof targetSlug !== "string" || targetSlug === "") {
          throw invalid({ workspace: ["This field is required: the workspace to fork into, as { slug }."] })
        }
        const ws = findWorkspace(targetSlug)
        if (ws === undefined) throw invalid({ workspace: [`No workspace with identifier '${targetSlug}'.`] })
        requireWriteWorkspace(ctx, ws)
        if (parent.fork_policy === "no_forks") {
          throw new HttpError(400, "Forking is not allowed for this repository.", "The repository's fork_policy is no_forks.")
        }
        const name = typeof body.name === "string" && body.name.trim() !== "" ? body.name : parent.name
        const slug = checkSlug(ws, slugify(name))
        const repo = newRepository(ws, slug, name, yield* now)
        repo.description = parent.description ?? ""
        repo.language = parent.language ?? ""
        repo.is_private = parent.is_private
        repo.fork_policy = parent.fork_policy ?? "allow_forks"
        repo.has_issues = parent.has_issues ?? false
        repo.has_wiki = parent.has_wiki ?? false
        repo.size = parent.size ?? 0
        repo.mainbranch = parent.mainbranch === undefined ? "main" : parent.mainbranch
        repo.parent = fullName(parent)
        const { workspace: _ws, name: _name, ...rest } = body
        applyRepoPayload(ws, repo, rest)
        if (parent.fork_policy === "no_public_forks" && !repo.is_private) {
          throw invalid({ is_private: ["This repository can only be forked as a private repository."] })
        }
        all.push(repo)
        core.git.fork(parent, repo)
        return core.created(ctx, repositoryJson(repo, ctx.principal), `${base}/repositories/${seg(ws.slug)}/${seg(slug)}`)
      })

    const listWatchers = (ctx: Ctx, wsId: string, repoId: string) => {
      const { repo } = getRepository(ctx, wsId, repoId)
      const watchers = (repo.watchers ?? []).flatMap((ref) => {
        const u = core.findUser(ref)
        return u === undefined ? [] : [userJson(u, false)]
      })
      return page(ctx, watchers)
    }

    const R = "/repositories/:workspace/:repo_slug"
    return {
      routes: [
        { path: "/repositories/:workspace", GET: (ctx, p) => listRepositories(ctx, p.workspace!) },
        {
          path: R,
          GET: (ctx, p) => ok(ctx, repositoryJson(getRepository(ctx, p.workspace!, p.repo_slug!).repo, ctx.principal)),
          POST: (ctx, p) => createRepository(ctx, getWorkspaceOr(ctx, p.workspace!), p.repo_slug!, 200),
          PUT: (ctx, p) => updateRepository(ctx, p.workspace!, p.repo_slug!),
          DELETE: (ctx, p) => deleteRepository(ctx, p.workspace!, p.repo_slug!)
        },
        {
          path: `${R}/forks`,
          GET: (ctx, p) => listForks(ctx, p.workspace!, p.repo_slug!),
          POST: (ctx, p) => createFork(ctx, p.workspace!, p.repo_slug!)
        },
        { path: `${R}/watchers`, GET: (ctx, p) => listWatchers(ctx, p.workspace!, p.repo_slug!) }
      ]
    }
  }
}

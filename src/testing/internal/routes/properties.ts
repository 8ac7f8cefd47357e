/**
 * Application properties: `GET|PUT|DELETE …/properties/{app_key}/{property_name}` under a
 * repository (`R`), a commit (`R/commit/{commit}`), a pull request (`R/pullrequests/{id}`) and a
 * user (`/users/{selected_user}`).
 *
 * What the spec leaves open is chosen as Bitbucket most plausibly does it (guesses, marked so):
 * - A property is any JSON object (400 otherwise); `PUT` replaces it whole and answers 204, as
 *   the spec says; `GET` gives it back as stored. `_attributes`, when present, must be a list of
 *   `public` and `read_only` (400 otherwise; the spec's enum).
 * - Who may read: a property marked `public` anyone who can see its subject; any other, only an
 *   authenticated caller who can (401 for the anonymous) — on a user, only that user (403 for
 *   anyone else). The fake has no app identity (Connect JWT), so it cannot tell the app that owns
 *   a property from other callers: this is the closest it comes.
 * - Who may write (`PUT`, `DELETE`): write access to the repository (401 for the anonymous, 403
 *   for a reader); a user's properties, that user only. `read_only` is kept, not enforced: only
 *   the owning app could change such a property, and the fake knows none.
 * - Scopes (the spec names none): `repository` to read and `repository:write` to change a
 *   repository's or a commit's, `pullrequest` / `pullrequest:write` a pull request's, `account` /
 *   `account:write` a user's (see `scopes.ts`).
 * - Keys of the stored object, at any depth, must match `^[-_a-zA-Z0-9]+$` (as Atlassian's
 *   documentation says; 400 with the offending key's path in `fields`).
 * - 404 for a subject that does not exist (repository, commit, pull request, user) and for a
 *   property that was never stored or was deleted; to a caller who may not read a property that
 *   is not public, a missing one answers as such a property does (401 or 403), so its existence
 *   does not show. A commit is named by any revision that
 *   resolves to it, and its properties are kept by its full hash; a user by `account_id` or
 *   `{uuid}` (braces optional), kept by uuid.
 * - Properties are kept by repository uuid (a repository deleted and made again starts without
 *   any) and are part of `FakeBitbucket.snapshot` (`properties`).
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedProperty, SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

interface Stored {
  /** `repository {uuid}`, `commit {uuid} {hash}`, `pullrequest {uuid} {id}` or `user {uuid}`. */
  readonly subject: string
  readonly appKey: string
  readonly propertyName: string
  value: Record<string, unknown>
}

/** What a request names: its key among the stored ones, and who may read and write there. */
interface Subject {
  readonly key: string
  /** Throws unless the caller may read a property that is not `public`. */
  readonly checkRead: (ctx: Ctx) => void
  /** Throws unless the caller may store or delete a property. */
  readonly checkWrite: (ctx: Ctx) => void
}

const ATTRIBUTES: ReadonlySet<unknown> = new Set(["public", "read_only"])

export const properties: RouteModule = {
  name: "properties",
  make: (core) => {
    const { ok, parsePayload, invalid, noContent, requireAuth, requirePermission, git } = core
    const all: Array<Stored> = []

    // ---- subjects ----------------------------------------------------------------------------

    const commitOf = (repo: SeedRepository, revision: string) => git.resolve(git.data(repo), revision).hash

    const pullRequestOf = (repo: SeedRepository, id: string) => {
      const pr = git.data(repo).pullRequests.find((x) => String(x.id) === id)
      if (pr === undefined) throw new HttpError(404, `Pull request ${id} not found`)
      return pr.id
    }

    const inRepository = (ctx: Ctx, p: Params, key: (repo: SeedRepository) => string): Subject => {
      const repo = core.repositoryFor(ctx, p)
      return { key: key(repo), checkRead: requireAuth, checkWrite: (c) => requirePermission(c, repo, "write") }
    }

    const repositorySubject = (ctx: Ctx, p: Params) => inRepository(ctx, p, (repo) => `repository ${repo.uuid}`)
    const commitSubject = (ctx: Ctx, p: Params) => inRepository(ctx, p, (repo) => `commit ${repo.uuid} ${commitOf(repo, p.commit!)}`)
    const pullRequestSubject = (ctx: Ctx, p: Params) =>
      inRepository(ctx, p, (repo) => `pullrequest ${repo.uuid} ${pullRequestOf(repo, p.pull_request_id!)}`)

    const userSubject = (_ctx: Ctx, p: Params): Subject => {
      const user = core.findUserById(p.selected_user!)
      if (user === undefined) throw new HttpError(404, `User ${p.selected_user} not found`)
      const self = (ctx: Ctx) => {
        requireAuth(ctx)
        if (ctx.principal.kind !== "user" || ctx.principal.user.uuid !== user.uuid) {
          throw new HttpError(403, "You may only access your own account's properties.")
        }
      }
      return { key: `user ${user.uuid}`, checkRead: self, checkWrite: self }
    }

    // ---- seed and snapshot -------------------------------------------------------------------

    const seededSubject = (s: SeedProperty): string => {
      const where = `FakeBitbucket seed: property ${s.app_key}/${s.property_name}`
      if (s.user !== undefined) {
        const user = core.findUser(s.user)
        if (user === undefined) throw new Error(`${where} names no known user ${s.user}`)
        return `user ${user.uuid}`
      }
      const repo = core.repositoryNamed(s.repository ?? "")
      if (repo === undefined) throw new Error(`${where} names no known repository or user`)
      try {
        if (s.commit !== undefined) return `commit ${repo.uuid} ${commitOf(repo, s.commit)}`
        if (s.pull_request_id !== undefined) return `pullrequest ${repo.uuid} ${pullRequestOf(repo, String(s.pull_request_id))}`
      } catch {
        throw new Error(`${where} names no known ${s.commit !== undefined ? `commit ${s.commit}` : `pull request ${s.pull_request_id}`} of ${s.repository}`)
      }
      return `repository ${repo.uuid}`
    }

    for (const s of core.seed.properties ?? []) {
      all.push({ subject: seededSubject(s), appKey: s.app_key, propertyName: s.property_name, value: { ...s.value } })
    }

    const toSeed = (x: Stored): SeedProperty | undefined => {
      const [kind, owner, which] = x.subject.split(" ")
      const property = { app_key: x.appKey, property_name: x.propertyName, value: x.value }
      if (kind === "user") return { user: owner!, ...property }
      const repo = core.store.repositories.find((r) => r.uuid === owner)
      if (repo === undefined) return undefined
      const repository = core.fullName(repo)
      return kind === "commit"
        ? { repository, commit: which!, ...property }
        : kind === "pullrequest"
        ? { repository, pull_request_id: Number(which), ...property }
        : { repository, ...property }
    }

    const snapshot = () => ({ properties: all.flatMap((x) => toSeed(x) ?? []) })

    // ---- handlers ------------------------------------------------------------------------------

    const stored = (subject: Subject, p: Params) =>
      all.find((x) => x.subject === subject.key && x.appKey === p.app_key && x.propertyName === p.property_name)

    const existing = (subject: Subject, p: Params) => {
      const found = stored(subject, p)
      if (found === undefined) throw new HttpError(404, `Property ${p.property_name} of app ${p.app_key} not found`)
      return found
    }

    const isPublic = (value: Record<string, unknown>) => Array.isArray(value._attributes) && value._attributes.includes("public")

    /** The path of the first object key, at any depth, that is not letters, digits, `-` and `_` (as Bitbucket requires). */
    const badKey = (value: unknown, path: string): string | undefined => {
      if (value === null || typeof value !== "object") return undefined
      for (const [key, item] of Object.entries(value)) {
        const at = path === "" ? key : `${path}.${key}`
        if (!Array.isArray(value) && !/^[-_a-zA-Z0-9]+$/.test(key)) return at
        const inner = badKey(item, at)
        if (inner !== undefined) return inner
      }
      return undefined
    }

    const valueOf = (ctx: Ctx): Record<string, unknown> => {
      if (ctx.body.trim() === "") throw new HttpError(400, "Bad request", "The request body must be a JSON object.")
      const value = parsePayload(ctx)
      const bad = badKey(value, "")
      if (bad !== undefined) throw invalid({ [bad]: ["Keys must match ^[-_a-zA-Z0-9]+$."] })
      const attributes = value._attributes
      if (attributes !== undefined && (!Array.isArray(attributes) || !attributes.every((a) => ATTRIBUTES.has(a)))) {
        throw invalid({ _attributes: ["Must be a list of \"public\" and \"read_only\"."] })
      }
      return value
    }

    const handlers = (subjectOf: (ctx: Ctx, p: Params) => Subject) => ({
      get: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        // A caller who may not read what is not public learns nothing more of a missing property.
        const found = stored(subject, p)
        if (found === undefined || !isPublic(found.value)) subject.checkRead(ctx)
        return ok(ctx, existing(subject, p).value)
      },
      put: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        subject.checkWrite(ctx)
        const value = valueOf(ctx)
        const found = stored(subject, p)
        if (found !== undefined) found.value = value
        else all.push({ subject: subject.key, appKey: p.app_key!, propertyName: p.property_name!, value })
        return noContent()
      },
      remove: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        subject.checkWrite(ctx)
        all.splice(all.indexOf(existing(subject, p)), 1)
        return noContent()
      }
    })

    const routesFor = (path: string, subjectOf: (ctx: Ctx, p: Params) => Subject) => {
      const h = handlers(subjectOf)
      return { path: `${path}/properties/:app_key/:property_name`, GET: h.get, PUT: h.put, DELETE: h.remove }
    }

    const R = "/repositories/:workspace/:repo_slug"
    return {
      snapshot,
      routes: [
        routesFor(R, repositorySubject),
        routesFor(`${R}/commit/:commit`, commitSubject),
        routesFor(`${R}/pullrequests/:pull_request_id`, pullRequestSubject),
        routesFor("/users/:selected_user", userSubject)
      ]
    }
  }
}

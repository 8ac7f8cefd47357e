/**
 * Issue trackers: `R/issues` (with `changes`, `comments`, `attachments`, `vote`, `watch`) and
 * `R/components`, `R/milestones`, `R/versions`; an attachment's file on the web origin
 * (`/issue-attachments/{name}?token=…`, standing for Bitbucket's file host).
 *
 * - A repository whose `has_issues` is false answers 404 on all of them (after the read check).
 * - Reading needs read access. Reporting an issue, commenting, voting and watching need only a
 *   signed-in caller who can read the repository (Bitbucket's trackers take reports from
 *   non-members); editing an issue and attaching or removing files need write access or being
 *   its reporter; state changes (`POST changes`) and deleting an issue need write access; a
 *   comment is edited or deleted by its author or a writer. These splits are our reading of
 *   Bitbucket's "issue" / "issue:write" scopes, not documented rules.
 * - Ids count up per repository and are never given again, deleted issues included; the
 *   reporter is the caller, and watches the issue from the start (as Bitbucket's UI does; a guess
 *   for the API).
 * - `PUT` on an issue records a change (without a message) for each field whose value changes,
 *   as `POST changes` does with its message (a guess: Bitbucket's log shows edits too). The log
 *   holds strings: an assignee as `assignee_account_id`, which is also how `POST changes` names a
 *   new one (its deprecated `changes.assignee`, a username, is refused with 400).
 * - `GET …/attachments/{name}` answers 302 to the web origin with an unguessable token in the query
 *   (where Bitbucket's signed links carry their signature); the file host needs no credentials.
 * - Trackers are part of `FakeBitbucket.snapshot` (`issueTrackers`): issues with their comments,
 *   changes, votes, watchers and attachments, and the last issue and comment numbers given.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import { readParts } from "../multipartParts.js"
import type { RouteModule } from "../router.js"
import type { SeedIssue, SeedIssueTracker, SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

const KINDS = ["bug", "enhancement", "proposal", "task"]
const PRIORITIES = ["trivial", "minor", "major", "critical", "blocker"]
const STATES = ["new", "open", "submitted", "resolved", "on hold", "invalid", "duplicate", "wontfix", "closed"]

/** The fields an issue change names: enumerations, free text, and references by name or account. */
type Field = "state" | "kind" | "priority" | "title" | "content" | "assignee" | "component" | "milestone" | "version"
const FIELDS: ReadonlyArray<Field> = ["state", "kind", "priority", "title", "content", "assignee", "component", "milestone", "version"]
type Area = "components" | "milestones" | "versions"
const AREA_OF = { component: "components", milestone: "milestones", version: "versions" } as const

interface Named {
  readonly id: number
  readonly name: string
}

interface IssueComment {
  readonly id: number
  readonly user: string
  raw: string
  readonly created_on: string
  updated_on: string | null
}

interface IssueChange {
  readonly id: number
  readonly user: string
  readonly created_on: string
  readonly changes: Readonly<Record<string, { readonly old: string | null; readonly new: string | null }>>
  readonly message: string | null
}

interface Attachment {
  readonly name: string
  readonly bytes: Uint8Array
  readonly token: string
}

/** An issue; `fields` holds what changes record: each field's current value, or null. */
interface IssueState {
  readonly id: number
  readonly reporter: string
  readonly created_on: string
  updated_on: string
  edited_on: string | null
  readonly fields: Record<Field, string | null>
  readonly votes: Set<string>
  readonly watchers: Set<string>
  readonly comments: Array<IssueComment>
  readonly changes: Array<IssueChange>
  readonly attachments: Map<string, Attachment>
}

interface Tracker {
  lastIssue: number
  lastComment: number
  readonly issues: Array<IssueState>
  readonly named: Readonly<Record<Area, ReadonlyArray<Named>>>
}

export const issues: RouteModule = {
  name: "issues",
  make: (core) => {
    const { page, ok, href, web, seg, now, invalid, parsePayload, requireAuth, noContent } = core
    const trackers = new Map<string, Tracker>()
    const files = new Map<string, { readonly repo: string; readonly issue: number; readonly name: string }>()

    const numbered = (names: ReadonlyArray<string> | undefined) => (names ?? []).map((name, i) => ({ id: i + 1, name }))
    const newToken = () => randomBytes(24).toString("hex")

    const issueFromSeed = (repo: SeedRepository, i: SeedIssue): IssueState => {
      const user = (ref: string) => core.userUuid(ref)
      const issue: IssueState = {
        id: i.id,
        reporter: user(i.reporter),
        created_on: i.created_on,
        updated_on: i.updated_on ?? i.created_on,
        edited_on: i.edited_on ?? null,
        fields: {
          title: i.title,
          content: i.content ?? "",
          kind: i.kind ?? "bug",
          priority: i.priority ?? "major",
          state: i.state ?? "new",
          assignee: i.assignee === undefined || i.assignee === null ? null : user(i.assignee),
          component: i.component ?? null,
          milestone: i.milestone ?? null,
          version: i.version ?? null
        },
        votes: new Set((i.votes ?? []).map(user)),
        watchers: new Set((i.watchers ?? []).map(user)),
        comments: (i.comments ?? []).map((c) => ({ id: c.id, user: user(c.user), raw: c.raw, created_on: c.created_on, updated_on: c.updated_on ?? null })),
        changes: (i.changes ?? []).map((c) => ({ id: c.id, user: user(c.user), created_on: c.created_on, changes: c.changes, message: c.message ?? null })),
        attachments: new Map()
      }
      for (const [name, base64] of Object.entries(i.attachments ?? {})) {
        const token = newToken()
        files.set(token, { repo: repo.uuid, issue: issue.id, name })
        issue.attachments.set(name, { name, bytes: new Uint8Array(Buffer.from(base64, "base64")), token })
      }
      return issue
    }

    const trackerFromSeed = (repo: SeedRepository, seeded: SeedIssueTracker | undefined): Tracker => {
      const issues = (seeded?.issues ?? []).map((i) => issueFromSeed(repo, i))
      const highest = (ids: ReadonlyArray<number>) => ids.reduce((a, b) => Math.max(a, b), 0)
      return {
        lastIssue: Math.max(seeded?.lastIssue ?? 0, highest(issues.map((i) => i.id))),
        lastComment: Math.max(seeded?.lastComment ?? 0, highest(issues.flatMap((i) => i.comments.map((c) => c.id)))),
        issues,
        named: { components: numbered(seeded?.components), milestones: numbered(seeded?.milestones), versions: numbered(seeded?.versions) }
      }
    }

    // By repository uuid: a repository deleted and made again under the same name starts without one.
    for (const seeded of core.seed.issueTrackers ?? []) {
      const repo = core.repositoryNamed(seeded.repository)
      if (repo === undefined) throw new Error(`FakeBitbucket seed: an issue tracker of ${seeded.repository}, which is not a seeded repository`)
      trackers.set(repo.uuid, trackerFromSeed(repo, seeded))
    }

    const trackerOf = (repo: SeedRepository): Tracker => {
      let tracker = trackers.get(repo.uuid)
      if (tracker === undefined) trackers.set(repo.uuid, tracker = trackerFromSeed(repo, undefined))
      return tracker
    }

    /** Every tracker, issues included, in seed form (for `FakeBitbucket.snapshot`). */
    const snapshot = () => ({
      issueTrackers: core.store.repositories.flatMap((repo): Array<SeedIssueTracker> => {
        const tracker = trackers.get(repo.uuid)
        if (tracker === undefined) return []
        const names = (area: Area) => tracker.named[area].map((x) => x.name)
        return [{
          repository: core.fullName(repo),
          components: names("components"),
          milestones: names("milestones"),
          versions: names("versions"),
          lastIssue: tracker.lastIssue,
          lastComment: tracker.lastComment,
          issues: tracker.issues.map((i): SeedIssue => ({
            id: i.id,
            title: i.fields.title ?? "",
            reporter: i.reporter,
            content: i.fields.content ?? "",
            kind: i.fields.kind ?? "bug",
            priority: i.fields.priority ?? "major",
            state: i.fields.state ?? "new",
            assignee: i.fields.assignee,
            component: i.fields.component,
            milestone: i.fields.milestone,
            version: i.fields.version,
            created_on: i.created_on,
            updated_on: i.updated_on,
            edited_on: i.edited_on,
            votes: [...i.votes],
            watchers: [...i.watchers],
            comments: i.comments.map((c) => ({ id: c.id, user: c.user, raw: c.raw, created_on: c.created_on, updated_on: c.updated_on })),
            changes: i.changes.map((c) => ({ id: c.id, user: c.user, created_on: c.created_on, changes: c.changes, message: c.message })),
            attachments: Object.fromEntries([...i.attachments.values()].map((a) => [a.name, Buffer.from(a.bytes).toString("base64")]))
          }))
        }]
      })
    })

    /** The tracker a route names: readable, enabled, and with `needed` access when given. */
    const trackerFor = (ctx: Ctx, p: Params, needed?: "write") => {
      const repo = core.repositoryFor(ctx, p)
      if (repo.has_issues !== true) throw new HttpError(404, "Repository has no issue tracker.")
      if (needed !== undefined) core.requirePermission(ctx, repo, needed)
      return { repo, tracker: trackerOf(repo) }
    }

    const byId = <A extends { readonly id: number }>(items: ReadonlyArray<A>, raw: string | undefined, what: string): A => {
      const found = /^\d+$/.test(raw ?? "") ? items.find((x) => x.id === Number(raw)) : undefined
      if (found === undefined) throw new HttpError(404, `No ${what} with id ${raw}`)
      return found
    }

    /** The issue a route names (404 first, as for pull requests), then `needed` access when given. */
    const issueFor = (ctx: Ctx, p: Params, needed?: "write") => {
      const { repo, tracker } = trackerFor(ctx, p)
      const issue = byId(tracker.issues, p.issue_id, "issue")
      if (needed !== undefined) core.requirePermission(ctx, repo, needed)
      return { repo, tracker, issue }
    }

    /** Write access, or the issue's reporter (signed in). */
    const requireWriterOr = (ctx: Ctx, repo: SeedRepository, owner: string) => {
      requireAuth(ctx)
      if (core.actorUuid(ctx) !== owner) core.requirePermission(ctx, repo, "write")
    }

    // ---- representations --------------------------------------------------------------------

    const repoPath = (repo: SeedRepository) => `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}`
    const issuePath = (repo: SeedRepository, issue: IssueState) => `${repoPath(repo)}/issues/${issue.id}`

    const namedJson = (repo: SeedRepository, area: Area, x: Named) => ({
      type: area.slice(0, -1),
      id: x.id,
      name: x.name,
      links: { self: href(`${repoPath(repo)}/${area}/${x.id}`) }
    })

    const issueSummary = (repo: SeedRepository, issue: IssueState) => ({
      type: "issue",
      id: issue.id,
      title: issue.fields.title,
      repository: core.repoSummary(repo),
      links: { self: href(issuePath(repo, issue)), html: web(`/${seg(repo.workspace)}/${seg(repo.slug)}/issues/${issue.id}`) }
    })

    const issueJson = (repo: SeedRepository, issue: IssueState) => {
      const { fields } = issue
      const named = (field: "component" | "milestone" | "version") => {
        const x = trackerOf(repo).named[AREA_OF[field]].find((n) => n.name === fields[field])
        return x === undefined ? null : namedJson(repo, AREA_OF[field], x)
      }
      const self = issuePath(repo, issue)
      return {
        ...issueSummary(repo, issue),
        links: {
          ...issueSummary(repo, issue).links,
          comments: href(`${self}/comments`),
          attachments: href(`${self}/attachments`),
          watch: href(`${self}/watch`),
          vote: href(`${self}/vote`)
        },
        content: core.rendered(fields.content ?? ""),
        reporter: core.accountJson(issue.reporter),
        assignee: fields.assignee === null ? null : core.accountJson(fields.assignee),
        kind: fields.kind,
        priority: fields.priority,
        state: fields.state,
        component: named("component"),
        milestone: named("milestone"),
        version: named("version"),
        votes: issue.votes.size,
        watches: issue.watchers.size,
        created_on: issue.created_on,
        updated_on: issue.updated_on,
        edited_on: issue.edited_on
      }
    }

    const commentJson = (repo: SeedRepository, issue: IssueState, c: IssueComment) => ({
      type: "issue_comment",
      id: c.id,
      content: core.rendered(c.raw),
      user: core.accountJson(c.user),
      created_on: c.created_on,
      updated_on: c.updated_on,
      issue: issueSummary(repo, issue),
      links: { self: href(`${issuePath(repo, issue)}/comments/${c.id}`) }
    })

    const changeJson = (repo: SeedRepository, issue: IssueState, c: IssueChange) => ({
      type: "issue_change",
      id: c.id,
      created_on: c.created_on,
      user: core.accountJson(c.user),
      issue: issueSummary(repo, issue),
      changes: c.changes,
      message: c.message === null ? null : core.rendered(c.message),
      links: { self: href(`${issuePath(repo, issue)}/changes/${c.id}`), issue: href(issuePath(repo, issue)) }
    })

    // ---- payloads -----------------------------------------------------------------------------

    /**
     * Reads one field's new value, as an issue body (`{ kind: "bug" }`, `{ component: { name } }`,
     * `{ assignee: { account_id } }`) or a change (`{ new: "bug" }`) gives it; `undefined` when
     * absent, a problem in `problems` when invalid.
     */
    const valueOf = (repo: SeedRepository, field: Field, raw: unknown, problems: Record<string, Array<string>>): string | null | undefined => {
      if (raw === undefined) return undefined
      const problem = (message: string) => void (problems[field] = [message])
      switch (field) {
        case "state":
        case "kind":
        case "priority": {
          const allowed = field === "state" ? STATES : field === "kind" ? KINDS : PRIORITIES
          if (typeof raw === "string" && allowed.includes(raw)) return raw
          return problem(`${JSON.stringify(raw)} is not a valid choice. Valid choices: ${allowed.join(", ")}.`)
        }
        case "title":
          if (typeof raw === "string" && raw.trim() !== "") return raw
          return problem("This field may not be blank.")
        case "content":
          if (typeof raw === "string") return raw
          return problem("Must be a string.")
        case "assignee": {
          if (raw === null) return null
          const user = typeof raw === "string" ? core.findUserById(raw) : undefined
          if (user !== undefined) return user.uuid
          return problem(`No user ${JSON.stringify(raw)}.`)
        }
        default: {
          if (raw === null) return null
          if (typeof raw === "string" && trackerOf(repo).named[AREA_OF[field]].some((x) => x.name === raw)) return raw
          return problem(`${JSON.stringify(raw)} is not a ${field} of this issue tracker.`)
        }
      }
    }

    /** What an issue body (`POST`, `PUT`) gives for `field`, unwrapped to a plain value. */
    const bodyValue = (body: Record<string, unknown>, field: Field): unknown => {
      const raw = body[field]
      if (raw === null || typeof raw !== "object") return raw
      const o = raw as Record<string, unknown>
      return field === "content" ? o.raw : field === "assignee" ? o.account_id ?? o.uuid : o.name
    }

    /** The fields an issue body sets (`title` required when `create`s); 400 naming every invalid one. */
    const readValues = (ctx: Ctx, repo: SeedRepository, creates: boolean) => {
      const body = parsePayload(ctx)
      const problems: Record<string, Array<string>> = {}
      const values: Partial<Record<Field, string | null>> = {}
      for (const field of FIELDS) values[field] = valueOf(repo, field, bodyValue(body, field), problems)
      if (creates && values.title === undefined && problems.title === undefined) problems.title = ["This field is required."]
      if (Object.keys(problems).length > 0) throw invalid(problems)
      return values
    }

    /** An assignee (a uuid) as the log records it: the account's `account_id`. */
    const accountIdOf = (uuid: string | null) => (uuid === null ? null : core.findUser(uuid)?.account_id ?? uuid)

    /**
     * Applies new values, recording each that changes; returns the changes made. The log keeps
     * strings, not objects: an assignee is recorded as `assignee_account_id` (the spec's name; its
     * deprecated `assignee` held a username, which accounts no longer have).
     */
    const apply = (issue: IssueState, values: Partial<Record<Field, string | null>>) => {
      const changes: Record<string, { old: string | null; new: string | null }> = {}
      for (const field of FIELDS) {
        const value = values[field]
        if (value === undefined || value === issue.fields[field]) continue
        if (field === "assignee") changes.assignee_account_id = { old: accountIdOf(issue.fields.assignee), new: accountIdOf(value) }
        else changes[field] = { old: issue.fields[field], new: value }
        issue.fields[field] = value
      }
      return changes
    }

    /** The field a key of a change's `changes` names: the issue's own, with the assignee by account id. */
    const changeField = (key: string): Field | undefined =>
      key === "assignee_account_id" ? "assignee" : key === "assignee" ? undefined : FIELDS.find((f) => f === key)

    const record = (ctx: Ctx, issue: IssueState, changes: IssueChange["changes"], message: string | null, ts: string) => {
      const change: IssueChange = { id: issue.changes.reduce((last, c) => Math.max(last, c.id), 0) + 1, user: core.actorUuid(ctx), created_on: ts, changes, message }
      issue.changes.push(change)
      issue.updated_on = ts
      return change
    }

    // ---- issues -------------------------------------------------------------------------------

    const createIssue = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, tracker } = trackerFor(ctx, p)
        requireAuth(ctx)
        const values = readValues(ctx, repo, true)
        const ts = yield* now
        const reporter = core.actorUuid(ctx)
        const issue: IssueState = {
          id: ++tracker.lastIssue,
          reporter,
          created_on: ts,
          updated_on: ts,
          edited_on: null,
          fields: {
            title: values.title!,
            content: values.content ?? "",
            kind: values.kind ?? "bug",
            priority: values.priority ?? "major",
            state: values.state ?? "new",
            assignee: values.assignee ?? null,
            component: values.component ?? null,
            milestone: values.milestone ?? null,
            version: values.version ?? null
          },
          votes: new Set(),
          watchers: new Set([reporter]),
          comments: [],
          changes: [],
          attachments: new Map()
        }
        tracker.issues.push(issue)
        return core.created(ctx, issueJson(repo, issue), href(issuePath(repo, issue)).href)
      })

    const updateIssue = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, issue } = issueFor(ctx, p)
        requireWriterOr(ctx, repo, issue.reporter)
        const values = readValues(ctx, repo, false)
        const ts = yield* now
        const changes = apply(issue, values)
        if (Object.keys(changes).length > 0) {
          if (changes.title !== undefined || changes.content !== undefined) issue.edited_on = ts
          record(ctx, issue, changes, null, ts)
        }
        return ok(ctx, issueJson(repo, issue))
      })

    const deleteIssue = (ctx: Ctx, p: Params) => {
      const { repo, tracker, issue } = issueFor(ctx, p, "write")
      tracker.issues.splice(tracker.issues.indexOf(issue), 1)
      for (const a of issue.attachments.values()) files.delete(a.token)
      // The spec has Bitbucket answer 200 with the deleted issue.
      return ok(ctx, issueJson(repo, issue))
    }

    // ---- changes ------------------------------------------------------------------------------

    const createChange = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, issue } = issueFor(ctx, p, "write")
        const body = parsePayload(ctx)
        const problems: Record<string, Array<string>> = {}
        const requested = body.changes
        const values: Partial<Record<Field, string | null>> = {}
        if (requested === null || typeof requested !== "object" || Array.isArray(requested)) {
          problems.changes = ["This field is required."]
        } else {
          for (const [field, change] of Object.entries(requested as Record<string, unknown>)) {
            const known = changeField(field)
            const next = change !== null && typeof change === "object" ? (change as Record<string, unknown>).new : undefined
            if (field === "assignee") problems["changes.assignee"] = ["Deprecated: name the new assignee by account id, in changes.assignee_account_id."]
            else if (known === undefined || next === undefined) problems[`changes.${field}`] = ["Name a field of the issue and its new value."]
            else values[known] = valueOf(repo, known, next, problems)
          }
          if (Object.keys(requested).length === 0) problems.changes = ["Name at least one change."]
        }
        const message = body.message
        const raw = message !== null && typeof message === "object" ? (message as Record<string, unknown>).raw : undefined
        if (message !== undefined && typeof raw !== "string") problems.message = ["Expected { raw }."]
        if (Object.keys(problems).length > 0) throw invalid(problems)
        const ts = yield* now
        const change = record(ctx, issue, apply(issue, values), typeof raw === "string" ? raw : null, ts)
        return core.created(ctx, changeJson(repo, issue, change), href(`${issuePath(repo, issue)}/changes/${change.id}`).href)
      })

    // ---- comments -----------------------------------------------------------------------------

    const commentRaw = (ctx: Ctx) => {
      const content = parsePayload(ctx).content
      const raw = content !== null && typeof content === "object" ? (content as Record<string, unknown>).raw : undefined
      if (typeof raw !== "string" || raw.trim() === "") throw invalid({ content: ["This field is required."] })
      return raw
    }

    const createComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, tracker, issue } = issueFor(ctx, p)
        requireAuth(ctx)
        const raw = commentRaw(ctx)
        const ts = yield* now
        const comment: IssueComment = { id: ++tracker.lastComment, user: core.actorUuid(ctx), raw, created_on: ts, updated_on: null }
        issue.comments.push(comment)
        return core.created(ctx, commentJson(repo, issue, comment), href(`${issuePath(repo, issue)}/comments/${comment.id}`).href)
      })

    const updateComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, issue } = issueFor(ctx, p)
        const comment = byId(issue.comments, p.comment_id, "comment")
        requireWriterOr(ctx, repo, comment.user)
        comment.raw = commentRaw(ctx)
        comment.updated_on = yield* now
        return ok(ctx, commentJson(repo, issue, comment))
      })

    const deleteComment = (ctx: Ctx, p: Params) => {
      const { repo, issue } = issueFor(ctx, p)
      const comment = byId(issue.comments, p.comment_id, "comment")
      requireWriterOr(ctx, repo, comment.user)
      issue.comments.splice(issue.comments.indexOf(comment), 1)
      return noContent()
    }

    // ---- attachments --------------------------------------------------------------------------

    const attachmentFor = (issue: IssueState, name: string | undefined) => {
      const found = issue.attachments.get(name ?? "")
      if (found === undefined) throw new HttpError(404, `No attachment ${name}`)
      return found
    }

    const upload = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { repo, issue } = issueFor(ctx, p)
        requireWriterOr(ctx, repo, issue.reporter)
        if (!(ctx.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
          throw new HttpError(400, "Unsupported Content-Type. Use multipart/form-data.")
        }
        // Any field name is taken, as Bitbucket documents "one or more file fields".
        const uploads = readParts(ctx).flatMap((part) => part.filename === undefined ? [] : [{ name: part.filename, bytes: part.content }])
        if (uploads.length === 0) throw invalid({ files: ["Attach one or more files, each with a file name."] })
        for (const u of uploads) {
          const old = issue.attachments.get(u.name)
          if (old !== undefined) files.delete(old.token)
          const token = newToken()
          files.set(token, { repo: repo.uuid, issue: issue.id, name: u.name })
          issue.attachments.set(u.name, { name: u.name, bytes: u.bytes, token })
        }
        issue.updated_on = yield* now
        return new Response(null, {
          status: 201,
          headers: { location: href(`${issuePath(repo, issue)}/attachments/${seg(uploads[0]!.name)}`).href, "content-type": "text/html; charset=utf-8" }
        })
      })

    const attachmentFile = (ctx: Ctx, p: Params) => {
      // The file host knows no users: the token is the permission. It is in the query, as the
      // signature of Bitbucket's signed links is, which clients keep out of errors and spans.
      const token = ctx.url.searchParams.get("token") ?? ""
      const file = files.get(token)
      const tracker = file === undefined ? undefined : trackers.get(file.repo)
      const stored = file !== undefined && file.name === p.name
        ? tracker?.issues.find((i) => i.id === file.issue)?.attachments.get(file.name)
        : undefined
      if (stored === undefined || stored.token !== token) throw new HttpError(403, "AccessDenied", "Request has expired or its signature does not match.")
      return new Response(new Uint8Array(stored.bytes), {
        status: 200,
        headers: { "content-type": "application/octet-stream", "content-length": String(stored.bytes.length) }
      })
    }

    // ---- votes and watches ----------------------------------------------------------------------

    /** `GET` (204 or 404), `PUT` and `DELETE` on the caller's membership of `set`. */
    const toggle = (set: (issue: IssueState) => Set<string>, what: string) => ({
      GET: (ctx: Ctx, p: Params) => {
        const { issue } = issueFor(ctx, p)
        requireAuth(ctx)
        if (!set(issue).has(core.actorUuid(ctx))) throw new HttpError(404, `You have not ${what} this issue.`)
        return noContent()
      },
      PUT: (ctx: Ctx, p: Params) => {
        const { issue } = issueFor(ctx, p)
        requireAuth(ctx)
        set(issue).add(core.actorUuid(ctx))
        return noContent()
      },
      DELETE: (ctx: Ctx, p: Params) => {
        const { issue } = issueFor(ctx, p)
        requireAuth(ctx)
        set(issue).delete(core.actorUuid(ctx))
        return noContent()
      }
    })

    const namedRoutes = (area: Area) => [
      { path: `/repositories/:workspace/:repo_slug/${area}`, GET: (ctx: Ctx, p: Params) => {
        const { repo, tracker } = trackerFor(ctx, p)
        return page(ctx, tracker.named[area].map((x) => namedJson(repo, area, x)))
      } },
      { path: `/repositories/:workspace/:repo_slug/${area}/:id`, GET: (ctx: Ctx, p: Params) => {
        const { repo, tracker } = trackerFor(ctx, p)
        return ok(ctx, namedJson(repo, area, byId(tracker.named[area], p.id, area.slice(0, -1))))
      } }
    ]

    const R = "/repositories/:workspace/:repo_slug/issues"
    const I = `${R}/:issue_id`
    const optional = ["assignee", "component", "milestone", "version", "edited_on"]
    return {
      snapshot,
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const { repo, tracker } = trackerFor(ctx, p)
            return page(ctx, tracker.issues.map((i) => issueJson(repo, i)), optional)
          },
          POST: createIssue
        },
        {
          path: I,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return ok(ctx, issueJson(repo, issue))
          },
          PUT: updateIssue,
          DELETE: deleteIssue
        },
        {
          path: `${I}/changes`,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return page(ctx, issue.changes.map((c) => changeJson(repo, issue, c)), ["message"])
          },
          POST: createChange
        },
        {
          path: `${I}/changes/:change_id`,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return ok(ctx, changeJson(repo, issue, byId(issue.changes, p.change_id, "change")))
          }
        },
        {
          path: `${I}/comments`,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return page(ctx, issue.comments.map((c) => commentJson(repo, issue, c)))
          },
          POST: createComment
        },
        {
          path: `${I}/comments/:comment_id`,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return ok(ctx, commentJson(repo, issue, byId(issue.comments, p.comment_id, "comment")))
          },
          PUT: updateComment,
          DELETE: deleteComment
        },
        {
          path: `${I}/attachments`,
          GET: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            return page(
              ctx,
              [...issue.attachments.values()].map((a) => ({
                type: "issue_attachment",
                name: a.name,
                links: { self: href(`${issuePath(repo, issue)}/attachments/${seg(a.name)}`) }
              }))
            )
          },
          POST: upload
        },
        {
          path: `${I}/attachments/:name`,
          GET: (ctx, p) => {
            const { issue } = issueFor(ctx, p)
            const stored = attachmentFor(issue, p.name)
            return core.redirect(`${core.webOrigin}/issue-attachments/${seg(stored.name)}?token=${stored.token}`)
          },
          DELETE: (ctx, p) => {
            const { repo, issue } = issueFor(ctx, p)
            requireWriterOr(ctx, repo, issue.reporter)
            files.delete(attachmentFor(issue, p.name).token)
            issue.attachments.delete(p.name!)
            return noContent()
          }
        },
        { path: `${I}/vote`, ...toggle((i) => i.votes, "voted for") },
        { path: `${I}/watch`, ...toggle((i) => i.watchers, "watched") },
        ...namedRoutes("components"),
        ...namedRoutes("milestones"),
        ...namedRoutes("versions")
      ],
      web: [{ path: "/issue-attachments/:name", GET: attachmentFile }]
    }
  }
}

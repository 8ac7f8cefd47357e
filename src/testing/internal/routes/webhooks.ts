/**
 * Webhooks: `GET|POST R/hooks`, `GET|PUT|DELETE R/hooks/{uid}`, `GET|POST /workspaces/{workspace}/hooks`,
 * `GET|PUT|DELETE /workspaces/{workspace}/hooks/{uid}`, `GET /hook_events`,
 * `GET /hook_events/{subject_type}`.
 *
 * Subscriptions use `created_at` and never return `secret`, only `secret_set`. A `null` or empty
 * `secret` leaves (on create) or makes (on update) the subscription without a secret; an update
 * without `secret` keeps it.
 *
 * Decisions where Bitbucket's documentation is silent:
 * - Every hook endpoint, reads included, needs admin access to the repository or ownership of the
 *   workspace (401 for the anonymous, 403 otherwise, after the usual 404 of a hidden repository).
 * - `url` must be an absolute http(s) URL and not a loopback address ("cannot be an internal,
 *   non-routed address"); `events` must be a non-empty list without duplicates of the event keys
 *   of the subject type (`project:updated` is a workspace event only). Both 400 with `fields`.
 * - `uid` matches the subscription's uuid with or without braces.
 *
 * Deliveries: every event the other modules publish (pull requests, pushes through the refs and
 * src endpoints, build statuses, commit comments) is delivered to each active subscription of the
 * repository, or of its workspace, that lists the event: the body is built in Bitbucket's shape
 * (the event's entities, plus `repository` and `actor`), signed with the subscription's secret
 * (`X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`) and recorded in `store.deliveries`
 * (and in the outbox of the request that caused it, which a served fake POSTs to loopback URLs
 * before answering that request). Header values
 * follow deliveries seen in public samples (bare uuids in `X-Hook-UUID` and `X-Request-UUID`,
 * `User-Agent: Bitbucket-Webhooks/2.0`, `X-Attempt-Number: 1`); the documentation does not
 * spell them out. A delivery is made once (no retries) and never for an event nobody published.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { createHmac } from "node:crypto"
import type { Ctx, FakeEvent, Mutable, RecordedDelivery } from "../core.js"
import { bareUuid, HttpError } from "../core.js"
import { uuidOf } from "../gitStore.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository, SeedWebhook, SeedWorkspace } from "../seed.js"

type Params = Readonly<Record<string, string>>
type SubjectType = "repository" | "workspace"

/** The 27 event keys of the spec's `hook_event`, with a category, a label and a description. */
export const HOOK_EVENTS: ReadonlyArray<{ event: string; category: string; label: string; description: string }> = [
  { event: "repo:push", category: "Repository", label: "Push", description: "Commits or refs were pushed to the repository." },
  { event: "repo:fork", category: "Repository", label: "Fork", description: "The repository was forked." },
  { event: "repo:updated", category: "Repository", label: "Updated", description: "The repository's settings changed." },
  { event: "repo:created", category: "Repository", label: "Created", description: "A repository was created." },
  { event: "repo:deleted", category: "Repository", label: "Deleted", description: "The repository was deleted." },
  { event: "repo:imported", category: "Repository", label: "Imported", description: "The repository was imported." },
  { event: "repo:transfer", category: "Repository", label: "Transfer accepted", description: "The repository moved to another workspace." },
  { event: "repo:commit_comment_created", category: "Repository", label: "Commit comment created", description: "Someone commented on a commit." },
  { event: "repo:commit_status_created", category: "Repository", label: "Build status created", description: "A build status was added to a commit." },
  { event: "repo:commit_status_updated", category: "Repository", label: "Build status updated", description: "A build status of a commit changed." },
  { event: "issue:created", category: "Issue", label: "Created", description: "An issue was created." },
  { event: "issue:updated", category: "Issue", label: "Updated", description: "An issue changed." },
  { event: "issue:comment_created", category: "Issue", label: "Comment created", description: "Someone commented on an issue." },
  { event: "pullrequest:created", category: "Pull Request", label: "Created", description: "A pull request was opened." },
  { event: "pullrequest:updated", category: "Pull Request", label: "Updated", description: "A pull request changed." },
  { event: "pullrequest:approved", category: "Pull Request", label: "Approved", description: "A pull request was approved." },
  { event: "pullrequest:unapproved", category: "Pull Request", label: "Approval removed", description: "An approval was withdrawn." },
  { event: "pullrequest:changes_request_created", category: "Pull Request", label: "Changes request created", description: "A reviewer requested changes." },
  { event: "pullrequest:changes_request_removed", category: "Pull Request", label: "Changes request removed", description: "A request for changes was withdrawn." },
  { event: "pullrequest:fulfilled", category: "Pull Request", label: "Merged", description: "A pull request was merged." },
  { event: "pullrequest:rejected", category: "Pull Request", label: "Declined", description: "A pull request was declined." },
  { event: "pullrequest:comment_created", category: "Pull Request", label: "Comment created", description: "Someone commented on a pull request." },
  { event: "pullrequest:comment_updated", category: "Pull Request", label: "Comment updated", description: "A pull request comment changed." },
  { event: "pullrequest:comment_deleted", category: "Pull Request", label: "Comment deleted", description: "A pull request comment was deleted." },
  { event: "pullrequest:comment_resolved", category: "Pull Request", label: "Comment resolved", description: "A pull request comment thread was resolved." },
  { event: "pullrequest:comment_reopened", category: "Pull Request", label: "Comment reopened", description: "A resolved comment thread was reopened." },
  { event: "project:updated", category: "Project", label: "Updated", description: "A project of the workspace changed." }
]

const WORKSPACE_ONLY = new Set(["project:updated"])
const eventsFor = (subject: SubjectType) => HOOK_EVENTS.filter((e) => subject === "workspace" || !WORKSPACE_ONLY.has(e.event))

interface HookState {
  readonly uuid: string
  readonly subject_type: SubjectType
  /** A repository `full_name` or a workspace slug. */
  readonly subject: string
  url: string
  description: string
  active: boolean
  events: Array<string>
  secret: string | null
  skip_cert_verification: boolean
  readonly created_at: string
}


const isLoopback = (host: string) =>
  host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "[::1]" || host === "0.0.0.0"

export const webhooks: RouteModule = {
  name: "webhooks",
  make: (core) => {
    const { ok, page, href, seg, base, now, invalid, parsePayload } = core

    const all: Array<HookState> = (core.seed.webhooks ?? []).map((h) => ({
      uuid: h.uuid,
      subject_type: h.repository !== undefined ? "repository" : "workspace",
      subject: h.repository ?? h.workspace ?? "",
      url: h.url,
      description: h.description ?? "",
      active: h.active ?? true,
      events: [...h.events],
      secret: h.secret ?? null,
      skip_cert_verification: false,
      created_at: h.created_at
    }))

    // ---- subjects --------------------------------------------------------------------------------

    interface Subject {
      readonly type: SubjectType
      readonly key: string
      readonly path: string
      readonly json: unknown
    }

    const repositorySubject = (ctx: Ctx, p: Params): Subject => {
      const { repo } = core.getRepository(ctx, p.workspace!, p.repo_slug!)
      core.requireAdmin(ctx, repo)
      return subjectOfRepo(repo)
    }

    const subjectOfRepo = (repo: SeedRepository): Subject => ({
      type: "repository",
      key: core.fullName(repo),
      path: `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/hooks`,
      json: core.repoSummary(repo)
    })

    const workspaceSubject = (ctx: Ctx, p: Params): Subject =>
      subjectOfWorkspace(core.getAdministeredWorkspace(ctx, p.workspace!, "the workspace's webhooks"))

    const subjectOfWorkspace = (ws: SeedWorkspace): Subject => ({
      type: "workspace",
      key: ws.slug,
      path: `/workspaces/${seg(ws.slug)}/hooks`,
      json: core.workspaceSummary(ws)
    })

    const hookJson = (subject: Subject, h: HookState) => ({
      type: "webhook_subscription",
      uuid: h.uuid,
      url: h.url,
      description: h.description,
      subject_type: h.subject_type,
      subject: subject.json,
      active: h.active,
      created_at: h.created_at,
      events: [...h.events],
      secret_set: h.secret !== null,
      skip_cert_verification: h.skip_cert_verification,
      links: { self: href(`${subject.path}/${seg(h.uuid)}`) }
    })

    const hooksOf = (subject: Subject) => all.filter((h) => h.subject_type === subject.type && h.subject === subject.key)

    const findHook = (subject: Subject, uid: string) => {
      const h = hooksOf(subject).find((x) => bareUuid(x.uuid) === bareUuid(uid))
      if (h === undefined) throw new HttpError(404, `Webhook ${uid} not found`)
      return h
    }

    // ---- validation --------------------------------------------------------------------------------

    const apply = (subject: Subject, target: HookState, body: Record<string, unknown>, mode: "create" | "update") => {
      const fields: Record<string, Array<string>> = {}
      const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
      if (mode === "create" || "url" in body) {
        const url = body.url
        let parsed: URL | undefined
        try {
          parsed = typeof url === "string" ? new URL(url) : undefined
        } catch {
          parsed = undefined
        }
        if (url === undefined || url === null || url === "") bad("url", "This field is required.")
        else if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) bad("url", "Enter a valid URL.")
        else if (isLoopback(parsed.hostname)) bad("url", "The URL must resolve to a public address, not an internal one.")
        else target.url = url as string
      }
      if (mode === "create" || "events" in body) {
        const events = body.events
        const known = new Set(eventsFor(subject.type).map((e) => e.event))
        if (!Array.isArray(events) || events.length === 0) bad("events", "Subscribe to at least one event.")
        else {
          const unknown = events.filter((e) => typeof e !== "string" || !known.has(e))
          const duplicates = events.filter((e, i) => events.indexOf(e) !== i)
          for (const e of unknown) bad("events", `"${String(e)}" is not a valid ${subject.type} event.`)
          if (duplicates.length > 0) bad("events", `Duplicate events: ${duplicates.join(", ")}.`)
          if (unknown.length === 0 && duplicates.length === 0) target.events = [...events as Array<string>]
        }
      }
      if ("description" in body) {
        if (typeof body.description !== "string") bad("description", "Must be a string.")
        else if (body.description.length > 255) bad("description", "Ensure this field has no more than 255 characters.")
        else target.description = body.description
      }
      if ("active" in body) {
        if (typeof body.active !== "boolean") bad("active", "Must be a boolean.")
        else target.active = body.active
      }
      if ("skip_cert_verification" in body) {
        if (typeof body.skip_cert_verification !== "boolean") bad("skip_cert_verification", "Must be a boolean.")
        else target.skip_cert_verification = body.skip_cert_verification
      }
      if ("secret" in body) {
        const secret = body.secret
        if (secret !== null && typeof secret !== "string") bad("secret", "Must be a string or null.")
        else if (typeof secret === "string" && secret.length > 128) bad("secret", "Ensure this field has no more than 128 characters.")
        else target.secret = secret === "" ? null : secret
      }
      if (Object.keys(fields).length > 0) throw invalid(fields, "The webhook payload is invalid.")
    }

    // ---- handlers ----------------------------------------------------------------------------------

    const handlers = (subjectOf: (ctx: Ctx, p: Params) => Subject) => ({
      list: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        return page(ctx, hooksOf(subject).map((h) => hookJson(subject, h)))
      },
      create: (ctx: Ctx, p: Params) =>
        Effect.gen(function*() {
          const subject = subjectOf(ctx, p)
          const body = parsePayload(ctx)
          const hook: HookState = {
            uuid: uuidOf(`webhook ${subject.type} ${subject.key} ${core.nextId()}`),
            subject_type: subject.type,
            subject: subject.key,
            url: "",
            description: "",
            active: true,
            events: [],
            secret: null,
            skip_cert_verification: false,
            created_at: yield* now
          }
          apply(subject, hook, body, "create")
          all.push(hook)
          return core.created(ctx, hookJson(subject, hook), `${base}${subject.path}/${seg(hook.uuid)}`)
        }),
      get: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        return ok(ctx, hookJson(subject, findHook(subject, p.uid!)))
      },
      update: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        const hook = findHook(subject, p.uid!)
        const draft: HookState = { ...hook, events: [...hook.events] }
        apply(subject, draft, parsePayload(ctx), "update")
        Object.assign(hook, draft)
        return ok(ctx, hookJson(subject, hook))
      },
      remove: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        const hook = findHook(subject, p.uid!)
        all.splice(all.indexOf(hook), 1)
        return core.noContent()
      }
    })

    const repo = handlers(repositorySubject)
    const ws = handlers(workspaceSubject)

    const subjectTypes = (ctx: Ctx) =>
      ok(ctx, {
        repository: { events: href("/hook_events/repository") },
        workspace: { events: href("/hook_events/workspace") }
      })

    const eventsOf = (ctx: Ctx, p: Params) => {
      const type = p.subject_type
      if (type !== "repository" && type !== "workspace") throw new HttpError(404, `Unknown subject type '${type}'`, "Valid subject types: repository, workspace.")
      return page(ctx, eventsFor(type))
    }

    // ---- deliveries ---------------------------------------------------------------------------------

    /** The repository as deliveries embed it: the summary, with its owner, workspace and project. */
    const deliveredRepository = (repo: SeedRepository) => {
      const full = core.repositoryJson(repo, { kind: "anonymous" })
      const { links } = full
      return {
        type: full.type,
        full_name: full.full_name,
        name: full.name,
        uuid: full.uuid,
        links: { self: links.self, html: links.html, avatar: links.avatar },
        scm: full.scm,
        website: full.website,
        is_private: full.is_private,
        owner: full.owner,
        workspace: full.workspace,
        ...("project" in full ? { project: full.project } : {}),
        ...("parent" in full ? { parent: full.parent } : {})
      }
    }

    const deliver = (ctx: Ctx, event: FakeEvent) => {
      const repo = core.repositoryNamed(event.repository)
      if (repo === undefined) return
      const targets = all.filter((h) =>
        h.active && h.events.includes(event.key) &&
        (h.subject_type === "repository" ? h.subject === event.repository : h.subject === repo.workspace)
      )
      if (targets.length === 0) return
      const body = JSON.stringify({ ...event.payload, repository: deliveredRepository(repo), actor: core.accountJson(event.actor) })
      for (const h of targets) {
        const delivery: Mutable<RecordedDelivery> = {
          hookUuid: h.uuid,
          url: h.url,
          event: event.key,
          headers: {
            "X-Event-Key": event.key,
            ...(h.secret !== null ? { "X-Hub-Signature": `sha256=${createHmac("sha256", h.secret).update(body).digest("hex")}` } : {}),
            "X-Request-UUID": bareUuid(uuidOf(`delivery ${core.nextId()}`)),
            "X-Hook-UUID": bareUuid(h.uuid),
            "X-Attempt-Number": "1",
            "Content-Type": "application/json",
            "User-Agent": "Bitbucket-Webhooks/2.0"
          },
          body
        }
        core.store.deliveries.push(delivery)
        ctx.outbox.push(delivery)
      }
    }
    core.events.subscribe(deliver)

    const snapshot = () => ({
      webhooks: all.map((h): SeedWebhook => ({
        uuid: h.uuid,
        ...(h.subject_type === "repository" ? { repository: h.subject } : { workspace: h.subject }),
        url: h.url,
        description: h.description,
        active: h.active,
        events: [...h.events],
        secret: h.secret,
        created_at: h.created_at
      }))
    })

    const R = "/repositories/:workspace/:repo_slug"
    return {
      snapshot,
      routes: [
        { path: `${R}/hooks`, GET: repo.list, POST: repo.create },
        { path: `${R}/hooks/:uid`, GET: repo.get, PUT: repo.update, DELETE: repo.remove },
        { path: "/workspaces/:workspace/hooks", GET: ws.list, POST: ws.create },
        { path: "/workspaces/:workspace/hooks/:uid", GET: ws.get, PUT: ws.update, DELETE: ws.remove },
        { path: "/hook_events", GET: subjectTypes },
        { path: "/hook_events/:subject_type", GET: eventsOf }
      ]
    }
  }
}

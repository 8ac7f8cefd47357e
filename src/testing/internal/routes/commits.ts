/**
 * Commits: `GET R/commit/{commit}`, `GET|POST R/commits[/{revision}]` (iterator-based pages),
 * `POST|DELETE R/commit/{commit}/approve`, `GET R/diff/{spec}`, `GET R/patch/{spec}`,
 * `GET R/diffstat/{spec}`, `GET R/merge-base/{revspec}` and commit comments
 * (`GET|POST R/commit/{commit}/comments`, `GET|PUT|DELETE R/commit/{commit}/comments/{comment_id}`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import { formatPatch, unifiedDiff } from "../git.js"
import type { FileChange } from "../git.js"
import type { RepoData } from "../gitStore.js"
import { parseCommentPayload } from "../gitStore.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>

export const commits: RouteModule = {
  name: "commits",
  make: (core) => {
    const { getRepository, page, ok, param, params, parsePayload, requireAuth, requirePermission, noContent, git, base, now } = core

    const repoData = (ctx: Ctx, p: Params) => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      return git.data(repo)
    }

    const bool = (ctx: Ctx, name: string, fallback: boolean) => {
      const v = param(ctx, name)
      return v === undefined || v === "" ? fallback : v.toLowerCase() === "true" || v === "1"
    }

    // ---- listing ----------------------------------------------------------------------------

    /** include/exclude from the query, and for POST also from a form or JSON body. */
    const revisions = (ctx: Ctx, revision: string | undefined) => {
      const include = [...(revision === undefined ? [] : [revision]), ...params(ctx, "include")]
      const exclude = [...params(ctx, "exclude")]
      if (ctx.method === "POST" && ctx.body.trim() !== "") {
        const type = ctx.headers.get("content-type") ?? ""
        if (type.includes("application/json")) {
          const body = parsePayload(ctx)
          const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [])
          include.push(...list(body.include))
          exclude.push(...list(body.exclude))
        } else {
          const form = new URLSearchParams(ctx.body)
          include.push(...form.getAll("include"))
          exclude.push(...form.getAll("exclude"))
        }
      }
      return { include, exclude }
    }

    const listCommits = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const { include, exclude } = revisions(ctx, p.revision)
      const resolveAll = (revs: ReadonlyArray<string>) => revs.map((r) => git.resolve(d, r, "Revision").hash)
      const heads = include.length === 0
        ? [...d.git.branches.values(), ...[...d.git.tags.values()].map((t) => t.target)]
        : resolveAll(include)
      let log = d.git.log(heads, resolveAll(exclude))
      const path = param(ctx, "path")
      if (path !== undefined && path !== "") log = log.filter((c) => d.git.touches(c, path))
      return core.iteratorPage(ctx, log.map((c) => git.commitJson(d, c)), (c) => c.hash, 30)
    }

    // ---- diffs ------------------------------------------------------------------------------

    /** The changes a diff spec names, and the two commits it compares (`older` absent for a root commit). */
    const changesFor = (ctx: Ctx, d: RepoData, spec: string) => {
      const topic = ctx.url.searchParams.has("topic") ? bool(ctx, "topic", true) : bool(ctx, "merge", true)
      // Any number of context lines, none included (git's -U0).
      const rawContext = param(ctx, "context")
      const context = rawContext === "0" ? 0 : core.parsePositiveInt(rawContext, "context", 3)
      const { newer, older } = git.specTrees(d, spec, topic)
      const paths = params(ctx, "path").filter((x) => x !== "")
      const all = git.changes(d, newer, older, context)
      const changes: Array<FileChange> = paths.length === 0
        ? all
        : all.filter((c) => paths.some((x) => c.path === x || c.path.startsWith(`${x.replace(/\/+$/, "")}/`)))
      return { changes, newer, older }
    }

    const diff = (ctx: Ctx, p: Params) => core.text(unifiedDiff(changesFor(ctx, repoData(ctx, p), p.spec!).changes))

    const patch = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const [left, right] = p.spec!.split("..")
      if (left === undefined || left === "" || right === "") throw new HttpError(400, "Invalid spec", `'${p.spec}' is not a valid patch spec.`)
      const newer = git.resolve(d, left)
      const series = right === undefined
        ? [newer]
        : d.git.log([newer.hash], [git.resolve(d, right).hash]).reverse()
      const out = series.map((c, i) => {
        const parent = c.parents[0] === undefined ? undefined : d.git.commits.get(c.parents[0])
        return formatPatch(c, git.changes(d, c, parent), i + 1, series.length)
      })
      return core.text(out.join(""))
    }

    const diffstat = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const { changes, newer, older } = changesFor(ctx, d, p.spec!)
      // Each side links to the file as it is at its own commit.
      const file = (path: string, at: string) => ({
        path,
        escaped_path: path,
        type: "commit_file",
        links: { self: core.href(`${git.repoPath(d.repo)}/src/${at}/${path.split("/").map(core.seg).join("/")}`) }
      })
      const stats = changes.map((c) => ({
        type: "diffstat",
        status: c.status,
        lines_added: c.linesAdded,
        lines_removed: c.linesRemoved,
        old: c.oldContent === null || older === undefined ? null : file(c.path, older.hash),
        new: c.newContent === null ? null : file(c.path, newer.hash)
      }))
      return page(ctx, stats, ["old", "new"])
    }

    const mergeBase = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const [a, b, ...rest] = p.revspec!.split("..")
      if (a === undefined || b === undefined || a === "" || b === "" || rest.length > 0) {
        throw new HttpError(400, "Invalid revspec", `'${p.revspec}' is not of the form <commit>..<commit>.`)
      }
      const base = d.git.mergeBase(git.resolve(d, a).hash, git.resolve(d, b).hash)
      if (base === undefined) throw new HttpError(404, "No merge base", `${a} and ${b} have no common ancestor.`)
      return ok(ctx, git.commitJson(d, base))
    }

    // ---- approvals --------------------------------------------------------------------------

    const approve = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        requirePermission(ctx, d.repo, "read")
        const c = git.resolve(d, p.commit!)
        const user = core.actorUuid(ctx)
        const list = d.approvals.get(c.hash) ?? []
        let entry = list.find((a) => a.user === user)
        if (entry === undefined) {
          entry = { user, date: yield* now }
          d.approvals.set(c.hash, [...list, entry])
        }
        return ok(ctx, git.participantJson({ user, role: "PARTICIPANT", approved: true, state: "approved", participated_on: entry.date }))
      })

    const unapprove = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      requirePermission(ctx, d.repo, "read")
      const c = git.resolve(d, p.commit!)
      const user = core.actorUuid(ctx)
      const list = d.approvals.get(c.hash) ?? []
      if (!list.some((a) => a.user === user)) throw new HttpError(404, "You have not approved this commit.")
      d.approvals.set(c.hash, list.filter((a) => a.user !== user))
      return noContent()
    }

    // ---- comments ---------------------------------------------------------------------------

    const commentsOf = (d: RepoData, hash: string) => d.commitComments.filter((c) => c.commit === hash)

    const findComment = (d: RepoData, hash: string, id: string) => {
      const c = commentsOf(d, hash).find((x) => String(x.id) === id)
      if (c === undefined) throw new HttpError(404, `Comment ${id} not found`)
      return c
    }

    const requireCommentAuthor = (ctx: Ctx, d: RepoData, userUuid: string, allowAdmin: boolean) => {
      requireAuth(ctx)
      const isAuthor = core.actorUuid(ctx) === userUuid
      const isAdmin = core.repoPermission(ctx.principal, d.repo) === "admin"
      if (!isAuthor && !(allowAdmin && isAdmin)) throw new HttpError(403, "You can only change your own comments.")
    }

    const createComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        requireAuth(ctx)
        const c = git.resolve(d, p.commit!)
        const payload = parseCommentPayload(parsePayload(ctx), "create", (id) => commentsOf(d, c.hash).some((x) => x.id === id))
        const ts = yield* now
        const comment = {
          id: git.nextCommentId(),
          commit: c.hash,
          user: core.actorUuid(ctx),
          raw: payload.raw ?? "",
          created_on: ts,
          updated_on: ts,
          ...(payload.inline !== undefined ? { inline: payload.inline } : {}),
          ...(payload.parent !== undefined ? { parent: payload.parent } : {})
        }
        d.commitComments.push(comment)
        core.events.publish(ctx, {
          key: "repo:commit_comment_created",
          repository: core.fullName(d.repo),
          actor: comment.user,
          payload: { comment: git.commitCommentJson(d, comment), commit: git.commitRef(d.repo, c.hash) }
        })
        return core.created(ctx, git.commitCommentJson(d, comment), `${base}${git.repoPath(d.repo)}/commit/${c.hash}/comments/${comment.id}`)
      })

    const updateComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        const c = git.resolve(d, p.commit!)
        const comment = findComment(d, c.hash, p.comment_id!)
        requireCommentAuthor(ctx, d, comment.user, false)
        if (comment.deleted === true) throw new HttpError(404, `Comment ${comment.id} not found`)
        const payload = parseCommentPayload(parsePayload(ctx), "update", () => false)
        if (payload.raw !== undefined) comment.raw = payload.raw
        if (payload.inline !== undefined) comment.inline = payload.inline
        comment.updated_on = yield* now
        // The spec documents 201 for this update.
        return ok(ctx, git.commitCommentJson(d, comment), 201)
      })

    const deleteComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        const c = git.resolve(d, p.commit!)
        const comment = findComment(d, c.hash, p.comment_id!)
        requireCommentAuthor(ctx, d, comment.user, true)
        // As on Bitbucket: a comment with visible replies stays, blanked and marked deleted, to
        // keep the tree whole; any other is really deleted.
        if (d.commitComments.some((x) => x.parent === comment.id && x.deleted !== true)) {
          comment.deleted = true
          comment.updated_on = yield* now
        } else {
          d.commitComments.splice(d.commitComments.indexOf(comment), 1)
        }
        return noContent()
      })

    const R = "/repositories/:workspace/:repo_slug"
    return {
      routes: [
        {
          path: `${R}/commit/:commit`,
          GET: (ctx, p) => {
            const d = repoData(ctx, p)
            return ok(ctx, git.commitJson(d, git.resolve(d, p.commit!), true))
          }
        },
        { path: `${R}/commits`, GET: listCommits, POST: listCommits },
        { path: `${R}/commits/:revision`, GET: listCommits, POST: listCommits },
        { path: `${R}/commit/:commit/approve`, POST: approve, DELETE: unapprove },
        { path: `${R}/diff/:spec`, GET: diff },
        { path: `${R}/patch/:spec`, GET: patch },
        { path: `${R}/diffstat/:spec`, GET: diffstat },
        { path: `${R}/merge-base/:revspec`, GET: mergeBase },
        {
          path: `${R}/commit/:commit/comments`,
          GET: (ctx, p) => {
            const d = repoData(ctx, p)
            const c = git.resolve(d, p.commit!)
            return page(ctx, commentsOf(d, c.hash).map((x) => git.commitCommentJson(d, x)), ["inline", "parent"])
          },
          POST: createComment
        },
        {
          path: `${R}/commit/:commit/comments/:comment_id`,
          GET: (ctx, p) => {
            const d = repoData(ctx, p)
            const c = git.resolve(d, p.commit!)
            return ok(ctx, git.commitCommentJson(d, findComment(d, c.hash, p.comment_id!)))
          },
          PUT: updateComment,
          DELETE: deleteComment
        }
      ]
    }
  }
}

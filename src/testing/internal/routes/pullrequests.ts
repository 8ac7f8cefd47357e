/**
 * Pull requests: listing (state filter, q, sort, fields), create, get, update, approve,
 * request-changes, decline, merge (sync and `?async=true` with task-status polling), diff /
 * diffstat / patch redirects, activity, commits, statuses, comments (with resolve) and tasks.
 *
 * Decisions where Bitbucket's documentation is silent:
 * - Merging, declining or approving a pull request that is not `OPEN` answers **400** (the spec
 *   documents no 409 on these endpoints; 409 is only documented for resolving a resolved comment).
 * - Merge strategies: the six Bitbucket documents today (the spec snapshot lists three), done as
 *   git does them (see `performMerge`); `fast_forward` and `squash_fast_forward` answer 400 when
 *   the destination has commits the source lacks. A strategy the repository does not allow (seed
 *   `mergeStrategies`; all six by default) is 400 under `merge_strategy`; a merge that names none
 *   uses the repository's default (`merge_commit` unless seeded; a guess beyond the spec's default).
 *   Conflicts are not modelled: a file both sides changed ends as the source has it.
 * - Merge checks: with an `enforce_merge_checks` branch restriction on the destination, a merge
 *   that fails the branch's other merge checks (approvals, default reviewers' approvals, no changes
 *   requested, tasks resolved, passing builds on the source's head, commits behind) is refused
 *   with a 400 naming them (the form is a guess); without it they only advise (see
 *   `unmetMergeChecks` for what each counts).
 * - A `q` mentioning `state` lifts the default `state=OPEN` filter; explicit `state=` params always apply.
 * - `diffstat` redirects (302) like `diff` and `patch`, as the spec says.
 * - Only same-repository pull requests can be created.
 * - Tasks: a `comment.id` that names no live comment of the pull request is **400** with a
 *   `comment` field error (it is a field of the body; the spec keeps 404 for a missing pull
 *   request or task). Whoever may read the pull request, signed in, adds tasks and resolves or
 *   reopens any of them (as reviewers tick tasks off on Bitbucket); editing a task's text takes
 *   its creator or a repository admin (the same text sent back is no edit); deleting it, also the
 *   pull request's author (Bitbucket declined to limit deleting to the creator: BCLOUD-16192).
 *   These rules are a guess beyond that. Resolving a resolved task keeps who resolved it first.
 *   `task_count` counts the unresolved tasks.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { FileAttribute, GitCommit, TreeFile } from "../git.js"
import { sameFile, setBy, sha1 } from "../git.js"
import type { MergeStrategy, MergeTask, ParticipantState, PullRequestState, RepoData, TaskState } from "../gitStore.js"
import { contentRaw, MERGE_STRATEGIES, mergeSettings, parseCommentPayload } from "../gitStore.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>

const PR_STATES = ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"] as const
/** Status of a state-changing action on a pull request that is not open (see the module notes). */
const CLOSED_STATUS = 400

export const pullRequests: RouteModule = {
  name: "pullrequests",
  make: (core) => {
    const { getRepository, page, ok, param, params, parsePayload, requireAuth, requirePermission, noContent, git, base, now, invalid } =
      core

    const repoData = (ctx: Ctx, p: Params) => git.data(getRepository(ctx, p.workspace!, p.repo_slug!).repo)

    const findPr = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const pr = d.pullRequests.find((x) => String(x.id) === p.pull_request_id)
      if (pr === undefined) throw new HttpError(404, `Pull request ${p.pull_request_id} not found`)
      return { d, pr }
    }

    const full = { reviewers: true, participants: true }
    const prUrl = (d: RepoData, pr: PullRequestState) => `${base}${git.prPath(d, pr)}`

    const requireOpen = (pr: PullRequestState, action: string) => {
      if (pr.state !== "OPEN") {
        throw new HttpError(CLOSED_STATUS, `You can't ${action} a pull request that is ${pr.state.toLowerCase()}.`, `Pull request #${pr.id} is ${pr.state}.`)
      }
    }

    const actorLine = (ctx: Ctx) => {
      const p = ctx.principal
      if (p.kind === "user") return `${p.user.display_name} <${p.user.email}>`
      return `${p.kind === "token" ? p.token.name ?? "Access token" : "Bitbucket"} <noreply@bitbucket.org>`
    }

    /** Announces a change to a pull request (what its webhooks deliver), with the event's extras (`comment`, `approval`, ...). */
    const publish = (ctx: Ctx, key: string, d: RepoData, pr: PullRequestState, actor: string, extra: Record<string, unknown> = {}) =>
      core.events.publish(ctx, { key, repository: core.fullName(d.repo), actor, payload: { pullrequest: git.prJson(d, pr, full), ...extra } })

    // ---- listing ----------------------------------------------------------------------------

    /** The states a listing asks for: `state` (repeated), else all when `q` names the state, else OPEN. */
    const statesOf = (ctx: Ctx): ReadonlyArray<string> => {
      const requested = params(ctx, "state").map((s) => s.toUpperCase())
      const bad = requested.filter((s) => !(PR_STATES as ReadonlyArray<string>).includes(s))
      if (bad.length > 0) throw invalid({ state: [`"${bad[0]}" is not a valid state. Valid states: ${PR_STATES.join(", ")}.`] })
      const q = param(ctx, "q") ?? ""
      return requested.length > 0 ? requested : /\bstate\b/.test(q) ? [...PR_STATES] : ["OPEN"]
    }

    /** A page of pull requests (each `[repository data, pull request]`), with reviewers and participants when asked for. */
    const listing = (ctx: Ctx, prs: ReadonlyArray<readonly [RepoData, PullRequestState]>) => {
      const options = {
        reviewers: core.fieldRequested(ctx, "values.reviewers"),
        participants: core.fieldRequested(ctx, "values.participants")
      }
      return page(ctx, prs.map(([d, pr]) => git.prJson(d, pr, options)), ["reviewers", "participants", "merge_commit", "closed_by"])
    }

    /**
     * `GET .../commit/{commit}/pullrequests`: the pull requests whose commits include this one,
     * the newest first. The fake behaves as if the "Pull Request Commit Links" app were installed
     * and its index complete (no 404 for a missing app, no 202 while indexing).
     */
    const forCommit = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const hash = git.resolve(d, p.commit!).hash
      const prs = d.pullRequests.filter((pr) => prCommits(d, pr).some((c) => c.hash === hash)).sort((a, b) => b.id - a.id)
      return listing(ctx, prs.map((pr) => [d, pr] as const))
    }

    const list = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const states = statesOf(ctx)
      return listing(ctx, d.pullRequests.filter((pr) => states.includes(pr.state)).sort((a, b) => b.id - a.id).map((pr) => [d, pr] as const))
    }

    /**
     * `GET /workspaces/{workspace}/pullrequests/{selected_user}`: the pull requests a user
     * authored in the workspace's repositories the caller can read, the newest first. The user is
     * named by account_id or `{uuid}` (usernames are gone). The cross-workspace
     * `/pullrequests/{selected_user}` that came before it is gone, so the fake does not serve it.
     */
    const forUser = (ctx: Ctx, p: Params) => {
      const ws = core.getWorkspaceOr(ctx, p.workspace!)
      const id = p.selected_user!
      const user = core.findUserById(id)
      if (user === undefined) throw new HttpError(404, `User ${id} not found`)
      const states = statesOf(ctx)
      const prs = core.store.repositories
        .filter((repo) => repo.workspace === ws.slug && core.canRead(ctx.principal, repo))
        .flatMap((repo) => {
          const d = git.data(repo)
          return d.pullRequests.filter((pr) => pr.author === user.uuid && states.includes(pr.state)).map((pr) => [d, pr] as const)
        })
        .sort(([, a], [, b]) => b.created_on.localeCompare(a.created_on))
      return listing(ctx, prs)
    }

    // ---- create and update ------------------------------------------------------------------

    const branchOf = (v: unknown): string | undefined => {
      if (v === null || typeof v !== "object") return undefined
      const b = (v as Record<string, unknown>).branch
      const name = b !== null && typeof b === "object" ? (b as Record<string, unknown>).name : undefined
      return typeof name === "string" && name !== "" ? name : undefined
    }

    /** Resolves `[{ uuid } | { account_id }]` to uuids, reporting unknown users and the author. */
    const reviewersOf = (v: unknown, author: string, fields: Record<string, Array<string>>): Array<string> => {
      if (!Array.isArray(v)) {
        fields.reviewers = ["Must be a list of users ({ uuid } or { account_id })."]
        return []
      }
      const out: Array<string> = []
      for (const r of v) {
        const ref = r !== null && typeof r === "object"
          ? (r as Record<string, unknown>).uuid ?? (r as Record<string, unknown>).account_id
          : undefined
        const user = typeof ref === "string" ? core.findUser(ref) : undefined
        if (user === undefined) (fields.reviewers ??= []).push(`User ${JSON.stringify(ref ?? r)} not found.`)
        else if (user.uuid === author) (fields.reviewers ??= []).push(`${user.display_name} is the author and cannot be included as a reviewer.`)
        else if (!out.includes(user.uuid)) out.push(user.uuid)
      }
      return out
    }

    const setReviewers = (pr: PullRequestState, reviewers: Array<string>) => {
      pr.reviewers = reviewers
      pr.participants = pr.participants.flatMap((x): Array<ParticipantState> => {
        if (reviewers.includes(x.user)) return [{ ...x, role: "REVIEWER" }]
        if (x.role === "REVIEWER") return x.approved || x.state !== null || x.participated_on ? [{ ...x, role: "PARTICIPANT" }] : []
        return [x]
      })
      for (const r of reviewers) {
        if (!pr.participants.some((x) => x.user === r)) {
          pr.participants.push({ user: r, role: "REVIEWER", approved: false, state: null, participated_on: null })
        }
      }
    }

    const create = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        requireAuth(ctx)
        const body = parsePayload(ctx)
        const author = core.actorUuid(ctx)
        const fields: Record<string, Array<string>> = {}
        if (typeof body.title !== "string" || body.title.trim() === "") fields.title = ["This field is required."]
        const source = branchOf(body.source)
        if (source === undefined) fields.source = ["This field is required: { branch: { name } }."]
        else if (!d.git.branches.has(source)) fields.source = [`Branch not found: ${source}`]
        const sourceRepo = body.source !== null && typeof body.source === "object"
          ? (body.source as Record<string, unknown>).repository
          : undefined
        const sourceRepoName = sourceRepo !== null && typeof sourceRepo === "object"
          ? (sourceRepo as Record<string, unknown>).full_name
          : undefined
        if (typeof sourceRepoName === "string" && sourceRepoName !== core.fullName(d.repo)) {
          fields.source = ["The fake Bitbucket only supports pull requests within one repository."]
        }
        const mainbranch = d.repo.mainbranch === undefined ? "main" : d.repo.mainbranch
        const destination = "destination" in body && body.destination !== undefined ? branchOf(body.destination) : mainbranch ?? undefined
        if (destination === undefined) fields.destination = ["This field is required: { branch: { name } }."]
        else if (!d.git.branches.has(destination)) fields.destination = [`Branch not found: ${destination}`]
        const reviewers = "reviewers" in body ? reviewersOf(body.reviewers, author, fields) : []
        for (const k of ["close_source_branch", "draft"]) if (k in body && typeof body[k] !== "boolean") fields[k] = ["Must be a boolean."]
        if ("description" in body && typeof body.description !== "string") fields.description = ["Must be a string."]
        if (Object.keys(fields).length > 0) throw invalid(fields)
        const src = d.git.branches.get(source!)!
        const dst = d.git.branches.get(destination!)!
        if (source === destination || d.git.isAncestor(src, dst)) throw new HttpError(400, "There are no changes to be pulled")
        const ts = yield* now
        const pr: PullRequestState = {
          id: d.pullRequests.reduce((n, x) => Math.max(n, x.id), 0) + 1,
          title: body.title as string,
          description: (body.description as string | undefined) ?? "",
          state: "OPEN",
          author,
          source: { branch: source!, commit: src },
          destination: { branch: destination!, commit: dst },
          reviewers: [],
          participants: [],
          created_on: ts,
          updated_on: ts,
          close_source_branch: (body.close_source_branch as boolean | undefined) ?? false,
          draft: (body.draft as boolean | undefined) ?? false,
          comments: [],
          tasks: []
        }
        // A pull request created through the API gets only the reviewers it names: Bitbucket's UI
        // adds the default reviewers, the API does not.
        setReviewers(pr, reviewers)
        d.pullRequests.push(pr)
        publish(ctx, "pullrequest:created", d, pr, author)
        return core.created(ctx, git.prJson(d, pr, full), prUrl(d, pr))
      })

    const update = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        if (core.actorUuid(ctx) !== pr.author) requirePermission(ctx, d.repo, "write")
        requireOpen(pr, "update")
        const body = parsePayload(ctx)
        const fields: Record<string, Array<string>> = {}
        if ("title" in body && (typeof body.title !== "string" || body.title.trim() === "")) fields.title = ["This field may not be blank."]
        if ("description" in body && typeof body.description !== "string") fields.description = ["Must be a string."]
        let destination: string | undefined
        if ("destination" in body) {
          destination = branchOf(body.destination)
          if (destination === undefined || !d.git.branches.has(destination)) fields.destination = [`Branch not found: ${destination ?? ""}`]
        }
        const reviewers = "reviewers" in body ? reviewersOf(body.reviewers, pr.author, fields) : undefined
        for (const k of ["close_source_branch", "draft"]) if (k in body && typeof body[k] !== "boolean") fields[k] = ["Must be a boolean."]
        if (Object.keys(fields).length > 0) throw invalid(fields)
        if (typeof body.title === "string") pr.title = body.title
        if (typeof body.description === "string") pr.description = body.description
        if (destination !== undefined) pr.destination = { branch: destination, commit: d.git.branches.get(destination)! }
        if (reviewers !== undefined) setReviewers(pr, reviewers)
        if (typeof body.close_source_branch === "boolean") pr.close_source_branch = body.close_source_branch
        if (typeof body.draft === "boolean") pr.draft = body.draft
        pr.updated_on = yield* now
        publish(ctx, "pullrequest:updated", d, pr, core.actorUuid(ctx))
        return ok(ctx, git.prJson(d, pr, full))
      })

    // ---- reviews ----------------------------------------------------------------------------

    const participant = (pr: PullRequestState, user: string): ParticipantState => {
      let x = pr.participants.find((y) => y.user === user)
      if (x === undefined) {
        x = { user, role: pr.reviewers.includes(user) ? "REVIEWER" : "PARTICIPANT", approved: false, state: null, participated_on: null }
        pr.participants.push(x)
      }
      return x
    }

    const review = (state: "approved" | "changes_requested") => (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        requireOpen(pr, state === "approved" ? "approve" : "request changes on")
        const x = participant(pr, core.actorUuid(ctx))
        x.approved = state === "approved"
        x.state = state
        x.participated_on = yield* now
        // Approvals carry `approval: { date, user }`; a request for changes the same under
        // `changes_request` (the name of that field is a guess: the documentation does not show it).
        publish(ctx, state === "approved" ? "pullrequest:approved" : "pullrequest:changes_request_created", d, pr, x.user, {
          [state === "approved" ? "approval" : "changes_request"]: { date: x.participated_on, user: core.accountJson(x.user) }
        })
        return ok(ctx, git.participantJson(x))
      })

    const unreview = (state: "approved" | "changes_requested") => (ctx: Ctx, p: Params) => {
      const { d, pr } = findPr(ctx, p)
      requireAuth(ctx)
      requireOpen(pr, state === "approved" ? "unapprove" : "remove a change request from")
      const x = pr.participants.find((y) => y.user === core.actorUuid(ctx))
      if (x === undefined || x.state !== state) {
        throw new HttpError(400, state === "approved" ? "You haven't approved this pull request." : "You haven't requested changes on this pull request.")
      }
      x.approved = false
      x.state = null
      publish(ctx, state === "approved" ? "pullrequest:unapproved" : "pullrequest:changes_request_removed", d, pr, x.user, {
        [state === "approved" ? "approval" : "changes_request"]: { date: x.participated_on, user: core.accountJson(x.user) }
      })
      return noContent()
    }

    // ---- decline and merge ------------------------------------------------------------------

    const decline = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        if (core.actorUuid(ctx) !== pr.author) requirePermission(ctx, d.repo, "write")
        requireOpen(pr, "decline")
        const h = git.heads(d, pr)
        const body = parsePayload(ctx)
        pr.source.commit = h.source
        pr.destination.commit = h.destination
        pr.state = "DECLINED"
        pr.closed_by = core.actorUuid(ctx)
        if (typeof body.reason === "string") pr.reason = body.reason
        pr.updated_on = yield* now
        publish(ctx, "pullrequest:rejected", d, pr, core.actorUuid(ctx))
        return ok(ctx, git.prJson(d, pr, full))
      })

    interface MergeOptions {
      readonly strategy: MergeStrategy
      readonly message: string | undefined
      readonly closeSourceBranch: boolean | undefined
    }

    /**
     * The merge's body, checked: a strategy the destination branch does not allow is a 400 under
     * `merge_strategy` (its wording is the fake's). A body without one merges with the branch's
     * default: the spec says `merge_commit`, which is every branch's unless the seed says otherwise;
     * that Bitbucket uses a repository's own default then is a guess.
     */
    const mergeOptions = (ctx: Ctx, d: RepoData, pr: PullRequestState): MergeOptions => {
      const body = parsePayload(ctx)
      const fields: Record<string, Array<string>> = {}
      const settings = mergeSettings(d.repo)
      const strategy = body.merge_strategy ?? settings.default
      if (!(typeof strategy === "string" && (MERGE_STRATEGIES as ReadonlyArray<string>).includes(strategy))) {
        fields.merge_strategy = [`"${String(strategy)}" is not a valid merge strategy. Valid strategies: ${MERGE_STRATEGIES.join(", ")}.`]
      } else if (!(settings.allowed as ReadonlyArray<string>).includes(strategy)) {
        fields.merge_strategy = [
          `The merge strategy "${strategy}" is not allowed for pull requests into ${pr.destination.branch}. Allowed: ${settings.allowed.join(", ")}.`
        ]
      }
      if ("message" in body && typeof body.message !== "string") fields.message = ["Must be a string."]
      if ("close_source_branch" in body && typeof body.close_source_branch !== "boolean") fields.close_source_branch = ["Must be a boolean."]
      if (Object.keys(fields).length > 0) throw invalid(fields)
      return {
        strategy: strategy as MergeStrategy,
        message: body.message as string | undefined,
        closeSourceBranch: body.close_source_branch as boolean | undefined
      }
    }

    /** Merges: moves the destination branch and closes the pull request. */
    const performMerge = (ctx: Ctx, d: RepoData, pr: PullRequestState, actor: string, actorAuthor: string, options: MergeOptions, ts: string) => {
      requireOpen(pr, "merge")
      const h = git.heads(d, pr)
      const src = d.git.commits.get(h.source)
      const dst = d.git.commits.get(h.destination)
      if (src === undefined || dst === undefined) throw new HttpError(400, "The source or destination branch no longer exists.")
      let merged: string
      const approvers = pr.participants.filter((x) => x.approved).map((x) => core.accountJson(x.user).display_name)
      const trailer = approvers.length > 0 ? `\n\n${approvers.map((n) => `Approved-by: ${n}`).join("\n")}` : ""
      const newCommit = (
        parents: Array<string>,
        message: string,
        files: Record<string, string | null>,
        bytes: Record<string, Uint8Array> = {},
        attributes: Record<string, FileAttribute> = {}
      ) => {
        const hash = sha1(JSON.stringify([core.fullName(d.repo), parents, message, ts, pr.id]))
        d.git.addCommit({
          hash,
          message,
          author: actorAuthor,
          authorUser: actor,
          date: ts,
          parents,
          files,
          ...(Object.keys(bytes).length > 0 ? { bytes } : {}),
          ...(Object.keys(attributes).length > 0 ? { attributes } : {})
        })
        return hash
      }
      /**
       * One commit on top of the destination with every file that differs between the merge base
       * and the source, in its text, its bytes or its attribute (a change of attribute alone is a
       * change too), as it is on the source branch: a file that is not UTF-8 text keeps its bytes,
       * an executable or a link its attribute.
       */
      const squash = () => {
        const mb = d.git.mergeBase(src.hash, dst.hash)
        const before = mb === undefined ? new Map<string, TreeFile>() : d.git.treeFiles(mb.hash)
        const after = d.git.treeFiles(src.hash)
        const files: Record<string, string | null> = {}
        const bytes: Record<string, Uint8Array> = {}
        const attributes: Record<string, FileAttribute> = {}
        for (const path of new Set([...before.keys(), ...after.keys()])) {
          const file = after.get(path)
          if (sameFile(before.get(path), file)) continue
          files[path] = file?.text ?? null
          if (file?.bytes !== undefined) bytes[path] = file.bytes
          if (file?.attribute !== undefined) attributes[path] = file.attribute
        }
        const titles = d.git.log([src.hash], [dst.hash]).reverse().map((c) => `* ${c.message.split("\n")[0]}`).join("\n")
        return newCommit([dst.hash], options.message ?? `${pr.title} (pull request #${pr.id})\n\n${titles}${trailer}\n`, files, bytes, attributes)
      }
      /**
       * `git rebase`: the source's commits that the destination lacks, replayed parents first on
       * top of the destination, each keeping its author, message and files (its date becomes the
       * merge's, as a rebase's commit date does: the fake keeps one date per commit). As git does by
       * default, merge commits are dropped and so is a commit whose changes the destination already
       * has; a source already on top of the destination is kept as it is. The fake models no
       * conflicts (for any strategy): a file both sides changed ends as the source has it. The
       * source branch itself is left alone (a guess: Bitbucket does not say it moves it).
       */
      const rebase = (): string => {
        if (d.git.isAncestor(dst.hash, src.hash)) return src.hash
        const range = new Set(d.git.log([src.hash], [dst.hash]).map((c) => c.hash))
        const order: Array<GitCommit> = []
        const visit = (hash: string) => {
          if (!range.delete(hash)) return
          const c = d.git.commits.get(hash)!
          for (const parent of c.parents) visit(parent)
          order.push(c)
        }
        visit(src.hash)
        let head = dst.hash
        for (const c of order) {
          if (c.parents.length > 1) continue
          const tree = d.git.treeFiles(head)
          if (Object.keys(c.files).every((path) => sameFile(tree.get(path), setBy(c, path) ?? undefined))) continue
          const hash = sha1(JSON.stringify([core.fullName(d.repo), head, c.hash, ts, pr.id]))
          d.git.addCommit({ ...c, hash, parents: [head], date: ts })
          head = hash
        }
        return head
      }
      const mergeCommit = (source: string) =>
        newCommit([dst.hash, source], options.message ?? `Merged in ${pr.source.branch} (pull request #${pr.id})\n\n${pr.title}${trailer}\n`, {})
      /** The fast-forward strategies need a destination that has not moved past the merge base. */
      const requireFastForward = (what: string) => {
        if (!d.git.isAncestor(dst.hash, src.hash)) {
          throw new HttpError(400, `${what} is not possible`, `${pr.destination.branch} has commits that ${pr.source.branch} does not have.`)
        }
      }
      // What each strategy does follows git and Bitbucket Data Center's documentation of the same
      // names (Bitbucket Cloud's does not say more than the names).
      switch (options.strategy) {
        case "fast_forward":
          requireFastForward("Fast-forward merge")
          merged = src.hash
          break
        case "merge_commit":
          merged = mergeCommit(src.hash)
          break
        case "squash":
          merged = squash()
          break
        case "squash_fast_forward":
          // `--squash --ff-only`: a squash, only when it needs no merge.
          requireFastForward("Squash fast-forward merge")
          merged = squash()
          break
        case "rebase_fast_forward":
          // `rebase` then `merge --ff-only`: always possible after the rebase (the fake has no conflicts); the message is unused.
          merged = rebase()
          break
        case "rebase_merge":
          // `rebase` then `merge --no-ff`: the rebased commits and a merge commit on top.
          merged = mergeCommit(rebase())
          break
      }
      d.git.branches.set(pr.destination.branch, merged)
      pr.source.commit = src.hash
      pr.destination.commit = dst.hash
      pr.state = "MERGED"
      pr.merge_commit = merged
      pr.closed_by = actor
      pr.updated_on = ts
      const mainbranch = d.repo.mainbranch === undefined ? "main" : d.repo.mainbranch
      if ((options.closeSourceBranch ?? pr.close_source_branch) && pr.source.branch !== mainbranch) {
        d.git.branches.delete(pr.source.branch)
      }
      publish(ctx, "pullrequest:fulfilled", d, pr, actor)
    }

    /**
     * The merge checks (branch restrictions of the destination branch) that the pull request does
     * not meet, each said as a short phrase. What each counts is the fake's reading of Bitbucket's
     * help: builds are the statuses of the source's head commit (enough SUCCESSFUL ones, none
     * FAILED, none INPROGRESS; STOPPED ones count for nothing), approvals anyone's (the author's
     * too), tasks the unresolved ones. `require_commits_behind` allows the source to lack at most
     * `value` of the destination's commits; `require_all_dependencies_merged` is not modelled.
     */
    const unmetMergeChecks = (d: RepoData, pr: PullRequestState): ReadonlyArray<string> => {
      const h = git.heads(d, pr)
      const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
      const names = (uuids: ReadonlyArray<string>) => uuids.map((u) => core.accountJson(u).display_name).join(", ")
      const approvers = pr.participants.filter((x) => x.approved).map((x) => x.user)
      const unmet: Array<string> = []
      for (const rule of core.branches.restrictions(d.repo, pr.destination.branch)) {
        const value = rule.value ?? 0
        switch (rule.kind) {
          case "require_approvals_to_merge":
            if (approvers.length < value) unmet.push(`${approvers.length} of ${plural(value, "required approval")}`)
            break
          case "require_default_reviewer_approvals_to_merge": {
            const defaults = core.defaultReviewersOf(d.repo).map((x) => x.uuid)
            const approved = approvers.filter((u) => defaults.includes(u)).length
            if (approved < value) unmet.push(`${approved} of ${plural(value, "required approval")} from default reviewers`)
            break
          }
          case "require_no_changes_requested": {
            const requested = pr.participants.filter((x) => x.state === "changes_requested").map((x) => x.user)
            if (requested.length > 0) unmet.push(`changes requested by ${names(requested)}`)
            break
          }
          case "require_tasks_to_be_completed": {
            const open = pr.tasks.filter((t) => t.resolution === undefined && t.deleted !== true).length
            if (open > 0) unmet.push(plural(open, "unresolved task"))
            break
          }
          case "require_passing_builds_to_merge": {
            const builds = d.statuses.filter((s) => s.commit === h.source)
            const count = (state: string) => builds.filter((s) => s.state === state).length
            if (count("SUCCESSFUL") < value) unmet.push(`${count("SUCCESSFUL")} of ${plural(value, "required successful build")}`)
            if (count("FAILED") > 0) unmet.push(plural(count("FAILED"), "failed build"))
            if (count("INPROGRESS") > 0) unmet.push(`${plural(count("INPROGRESS"), "build")} in progress`)
            break
          }
          case "require_commits_behind": {
            const behind = d.git.log([h.destination], [h.source]).length
            if (behind > value) unmet.push(`${plural(behind, "commit")} behind ${pr.destination.branch} (at most ${value})`)
            break
          }
        }
      }
      return [...new Set(unmet)]
    }

    /**
     * With an `enforce_merge_checks` restriction on the destination branch (a Premium feature), a
     * merge that does not meet the branch's other merge checks is refused; without one they only
     * advise, and the merge goes through, as on Bitbucket. The refusal is a guess in its form: a
     * 400 naming the unmet checks, answered before anything is queued (`?async=true` included).
     */
    const requireMergeChecks = (d: RepoData, pr: PullRequestState) => {
      const enforced = core.branches.restrictions(d.repo, pr.destination.branch).find((r) => r.kind === "enforce_merge_checks")
      if (enforced === undefined) return
      const unmet = unmetMergeChecks(d, pr)
      if (unmet.length > 0) {
        throw new HttpError(
          400,
          `You can't merge this pull request until its merge checks pass: ${unmet.join("; ")}.`,
          `Branch restriction ${enforced.id} enforces the merge checks of ${pr.destination.branch}.`
        )
      }
    }

    const merge = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requirePermission(ctx, d.repo, "write")
        const options = mergeOptions(ctx, d, pr)
        requireOpen(pr, "merge")
        requireMergeChecks(d, pr)
        const actor = core.actorUuid(ctx)
        const asyncParam = param(ctx, "async")
        if (asyncParam !== undefined && asyncParam.toLowerCase() === "true") {
          const id = sha1(`${core.fullName(d.repo)}#${pr.id}#${core.nextId()}`).slice(0, 32)
          const task: MergeTask = {
            id,
            pullRequest: pr.id,
            actor,
            actorAuthor: actorLine(ctx),
            strategy: options.strategy,
            message: options.message,
            closeSourceBranch: options.closeSourceBranch,
            pendingPolls: Math.max(0, core.seed.mergeTaskPendingPolls ?? 1)
          }
          // The merge happens now, as Bitbucket's runs in the background at once: the pull request
          // is MERGED for everyone (a second merge is refused); only its status takes a few polls.
          try {
            performMerge(ctx, d, pr, actor, actorLine(ctx), options, yield* now)
            task.result = { ok: true }
          } catch (e) {
            task.result = { ok: false, message: e instanceof HttpError ? e.message : String(e) }
          }
          d.mergeTasks.set(id, task)
          const location = `${prUrl(d, pr)}/merge/task-status/${id}`
          return ok(ctx, { type: "task", task_status: "PENDING", links: { self: { href: location } } }, 202, { location })
        }
        performMerge(ctx, d, pr, actor, actorLine(ctx), options, yield* now)
        return ok(ctx, git.prJson(d, pr, full))
      })

    const taskStatus = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        const task = d.mergeTasks.get(p.task_id!)
        if (task === undefined || task.pullRequest !== pr.id) {
          throw new HttpError(400, "Invalid task ID", `Task ${p.task_id} does not belong to pull request #${pr.id}.`)
        }
        // Who queued the task, or someone who may write to the repository.
        if (core.actorUuid(ctx) !== task.actor && core.repoPermission(ctx.principal, d.repo) !== "write" && core.repoPermission(ctx.principal, d.repo) !== "admin") {
          requireAuth(ctx)
          throw new HttpError(403, "You don't have access to this merge task.")
        }
        const self = { self: { href: `${prUrl(d, pr)}/merge/task-status/${task.id}` } }
        if (task.pendingPolls > 0) {
          task.pendingPolls--
          return ok(ctx, { task_status: "PENDING", links: self })
        }
        if (task.result === undefined || !task.result.ok) throw new HttpError(400, task.result?.message ?? "The merge failed.")
        return ok(ctx, { task_status: "SUCCESS", links: self, merge_result: git.prJson(d, pr, full) })
      })

    // ---- diff redirects, activity, commits, statuses ----------------------------------------

    const redirectTo = (kind: "diff" | "diffstat" | "patch") => (ctx: Ctx, p: Params) => {
      const { d, pr } = findPr(ctx, p)
      const h = git.heads(d, pr)
      return core.redirect(
        `${base}${git.repoPath(d.repo)}/${kind}/${h.source.slice(0, 12)}..${h.destination.slice(0, 12)}?from_pullrequest_id=${pr.id}&topic=true`
      )
    }

    const activityOf = (d: RepoData, pr: PullRequestState) => {
      const ref = git.prRef(d, pr)
      const h = git.heads(d, pr)
      const endpoint = (branch: string, commit: string) => ({
        branch: { name: branch },
        commit: git.commitRef(d.repo, commit, true),
        repository: core.repoSummary(d.repo)
      })
      const update = (state: string, date: string, author: string) => ({
        update: {
          state,
          title: pr.title,
          description: pr.description,
          reason: state === "DECLINED" ? pr.reason ?? "" : "",
          author: core.accountJson(author),
          date,
          source: endpoint(pr.source.branch, h.source),
          destination: endpoint(pr.destination.branch, h.destination),
          changes: {}
        },
        pull_request: ref
      })
      const entries: Array<{ date: string; entry: unknown }> = [{ date: pr.created_on, entry: update("OPEN", pr.created_on, pr.author) }]
      if (pr.state !== "OPEN") entries.push({ date: pr.updated_on, entry: update(pr.state, pr.updated_on, pr.closed_by ?? pr.author) })
      for (const x of pr.participants) {
        if (x.participated_on === null || x.participated_on === undefined) continue
        if (x.state === "approved") {
          entries.push({ date: x.participated_on, entry: { approval: { date: x.participated_on, pullrequest: ref, user: core.accountJson(x.user) }, pull_request: ref } })
        } else if (x.state === "changes_requested") {
          entries.push({
            date: x.participated_on,
            entry: { changes_requested: { date: x.participated_on, pullrequest: ref, user: core.accountJson(x.user) }, pull_request: ref }
          })
        }
      }
      for (const c of pr.comments) {
        if (c.deleted !== true) entries.push({ date: c.created_on, entry: { comment: git.prCommentJson(d, pr, c), pull_request: ref } })
      }
      return entries
    }

    const byDateDesc = (entries: Array<{ date: string; entry: unknown }>) =>
      entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0)).map((e) => e.entry)

    const prCommits = (d: RepoData, pr: PullRequestState) => {
      const h = git.heads(d, pr)
      return d.git.log([h.source], [h.destination])
    }

    // ---- comments ---------------------------------------------------------------------------

    const findComment = (pr: PullRequestState, id: string) => {
      const c = pr.comments.find((x) => String(x.id) === id)
      if (c === undefined) throw new HttpError(404, `Comment ${id} not found`)
      return c
    }

    /**
     * The caller is one of `users` (a comment's author; a task's creator or its pull request's
     * author), or with `allowAdmin` an admin of the repository.
     */
    const requireCreator = (ctx: Ctx, d: RepoData, users: string | ReadonlyArray<string>, allowAdmin: boolean, things = "comments") => {
      requireAuth(ctx)
      const isAdmin = core.repoPermission(ctx.principal, d.repo) === "admin"
      if (!([] as Array<string>).concat(users).includes(core.actorUuid(ctx)) && !(allowAdmin && isAdmin)) {
        throw new HttpError(403, `You can only change your own ${things}.`)
      }
    }

    const createComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        const body = parsePayload(ctx)
        // A draft: recorded and shown as `pending`. Who else sees a draft, and how it is published,
        // the spec does not say: the fake lists it to everyone, like any comment.
        if ("pending" in body && typeof body.pending !== "boolean") throw invalid({ pending: ["Must be a boolean."] })
        const payload = parseCommentPayload(body, "create", (id) => pr.comments.some((x) => x.id === id))
        const ts = yield* now
        const user = core.actorUuid(ctx)
        const comment = {
          id: git.nextCommentId(),
          user,
          raw: payload.raw ?? "",
          created_on: ts,
          updated_on: ts,
          ...(payload.inline !== undefined ? { inline: payload.inline } : {}),
          ...(payload.parent !== undefined ? { parent: payload.parent } : {}),
          ...(body.pending === true ? { pending: true } : {})
        }
        pr.comments.push(comment)
        if (user !== pr.author) {
          const x = participant(pr, user)
          x.participated_on = ts
        }
        publish(ctx, "pullrequest:comment_created", d, pr, user, { comment: git.prCommentJson(d, pr, comment) })
        return core.created(ctx, git.prCommentJson(d, pr, comment), `${prUrl(d, pr)}/comments/${comment.id}`)
      })

    const updateComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        const c = findComment(pr, p.comment_id!)
        requireCreator(ctx, d, c.user, false)
        if (c.deleted === true) throw new HttpError(404, `Comment ${c.id} not found`)
        const payload = parseCommentPayload(parsePayload(ctx), "update", () => false)
        if (payload.raw !== undefined) c.raw = payload.raw
        if (payload.inline !== undefined) c.inline = payload.inline
        c.updated_on = yield* now
        publish(ctx, "pullrequest:comment_updated", d, pr, core.actorUuid(ctx), { comment: git.prCommentJson(d, pr, c) })
        return ok(ctx, git.prCommentJson(d, pr, c))
      })

    const deleteComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        const c = findComment(pr, p.comment_id!)
        requireCreator(ctx, d, c.user, true)
        c.deleted = true
        c.updated_on = yield* now
        publish(ctx, "pullrequest:comment_deleted", d, pr, core.actorUuid(ctx), { comment: git.prCommentJson(d, pr, c) })
        return noContent()
      })

    const resolve = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        const c = findComment(pr, p.comment_id!)
        if (c.parent !== undefined || c.inline === undefined || c.deleted === true) {
          throw new HttpError(403, "Only top-level comments on the diff can be resolved.")
        }
        if (c.resolution !== undefined) throw new HttpError(409, "This comment thread is already resolved.")
        c.resolution = { user: core.actorUuid(ctx), created_on: yield* now }
        publish(ctx, "pullrequest:comment_resolved", d, pr, core.actorUuid(ctx), { comment: git.prCommentJson(d, pr, c) })
        return ok(ctx, { type: "comment_resolution", user: core.accountJson(c.resolution.user), created_on: c.resolution.created_on })
      })

    const unresolve = (ctx: Ctx, p: Params) => {
      const { d, pr } = findPr(ctx, p)
      requireAuth(ctx)
      const c = findComment(pr, p.comment_id!)
      if (c.resolution === undefined) throw new HttpError(404, "This comment thread is not resolved.")
      delete c.resolution
      publish(ctx, "pullrequest:comment_reopened", d, pr, core.actorUuid(ctx), { comment: git.prCommentJson(d, pr, c) })
      return noContent()
    }

    // ---- tasks ------------------------------------------------------------------------------

    const findTask = (pr: PullRequestState, id: string) => {
      const t = pr.tasks.find((x) => String(x.id) === id && x.deleted !== true)
      if (t === undefined) throw new HttpError(404, `Task ${id} not found`, `Pull request #${pr.id} has no task ${id}.`)
      return t
    }

    const createTask = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        requireAuth(ctx)
        const body = parsePayload(ctx)
        const fields: Record<string, Array<string>> = {}
        const raw = contentRaw(body, true, fields)
        let comment: number | undefined
        if (body.comment !== undefined && body.comment !== null) {
          const id = typeof body.comment === "object" ? (body.comment as Record<string, unknown>).id : undefined
          if (typeof id !== "number" || !pr.comments.some((c) => c.id === id && c.deleted !== true)) {
            fields.comment = [`Comment ${JSON.stringify(id)} does not exist on pull request #${pr.id}.`]
          } else comment = id
        }
        if ("pending" in body && typeof body.pending !== "boolean") fields.pending = ["Must be a boolean."]
        if (Object.keys(fields).length > 0) throw invalid(fields)
        const ts = yield* now
        const task: TaskState = {
          id: git.nextTaskId(),
          creator: core.actorUuid(ctx),
          raw: raw!,
          created_on: ts,
          updated_on: ts,
          ...(comment !== undefined ? { comment } : {}),
          ...(body.pending === true ? { pending: true } : {})
        }
        pr.tasks.push(task)
        return core.created(ctx, git.taskJson(d, pr, task), `${prUrl(d, pr)}/tasks/${task.id}`)
      })

    const updateTask = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { d, pr } = findPr(ctx, p)
        const t = findTask(pr, p.task_id!)
        requireAuth(ctx)
        const body = parsePayload(ctx)
        const fields: Record<string, Array<string>> = {}
        const raw = contentRaw(body, false, fields)
        // The same text sent back (as a resolve that repeats the content) is not an edit.
        if (raw !== undefined && raw !== t.raw) requireCreator(ctx, d, t.creator, true, "tasks")
        const state = body.state
        if ("state" in body && state !== "RESOLVED" && state !== "UNRESOLVED") {
          fields.state = [`${JSON.stringify(state)} is not a valid state. Valid states: RESOLVED, UNRESOLVED.`]
        }
        if (Object.keys(fields).length > 0) throw invalid(fields)
        const ts = yield* now
        if (raw !== undefined) t.raw = raw
        if (state === "RESOLVED" && t.resolution === undefined) t.resolution = { user: core.actorUuid(ctx), created_on: ts }
        if (state === "UNRESOLVED") delete t.resolution
        t.updated_on = ts
        return ok(ctx, git.taskJson(d, pr, t))
      })

    const deleteTask = (ctx: Ctx, p: Params) => {
      const { pr, d } = findPr(ctx, p)
      const t = findTask(pr, p.task_id!)
      requireCreator(ctx, d, [t.creator, pr.author], true, "tasks")
      // Kept, hidden, so that its id is never given again (snapshots included).
      t.deleted = true
      return noContent()
    }

    const R = "/repositories/:workspace/:repo_slug/pullrequests"
    const PR = `${R}/:pull_request_id`
    return {
      routes: [
        { path: R, GET: list, POST: create },
        { path: "/workspaces/:workspace/pullrequests/:selected_user", GET: forUser },
        { path: "/repositories/:workspace/:repo_slug/commit/:commit/pullrequests", GET: forCommit },
        {
          path: `${R}/activity`,
          GET: (ctx, p) => {
            const d = repoData(ctx, p)
            return page(ctx, byDateDesc(d.pullRequests.flatMap((pr) => activityOf(d, pr))))
          }
        },
        {
          path: PR,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return ok(ctx, git.prJson(d, pr, full))
          },
          PUT: update
        },
        { path: `${PR}/approve`, POST: review("approved"), DELETE: unreview("approved") },
        { path: `${PR}/request-changes`, POST: review("changes_requested"), DELETE: unreview("changes_requested") },
        { path: `${PR}/decline`, POST: decline },
        { path: `${PR}/merge`, POST: merge },
        { path: `${PR}/merge/task-status/:task_id`, GET: taskStatus },
        { path: `${PR}/diff`, GET: redirectTo("diff") },
        { path: `${PR}/diffstat`, GET: redirectTo("diffstat") },
        { path: `${PR}/patch`, GET: redirectTo("patch") },
        {
          path: `${PR}/activity`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return page(ctx, byDateDesc(activityOf(d, pr)))
          }
        },
        {
          path: `${PR}/commits`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return page(ctx, prCommits(d, pr).map((c) => git.commitJson(d, c)))
          }
        },
        {
          path: `${PR}/statuses`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            const hashes = new Set(prCommits(d, pr).map((c) => c.hash))
            return page(ctx, d.statuses.filter((s) => hashes.has(s.commit)).map((s) => git.statusJson(d, s)))
          }
        },
        {
          path: `${PR}/comments`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return page(ctx, pr.comments.map((c) => git.prCommentJson(d, pr, c)), ["inline", "parent", "resolution"])
          },
          POST: createComment
        },
        {
          path: `${PR}/comments/:comment_id`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return ok(ctx, git.prCommentJson(d, pr, findComment(pr, p.comment_id!)))
          },
          PUT: updateComment,
          DELETE: deleteComment
        },
        { path: `${PR}/comments/:comment_id/resolve`, POST: resolve, DELETE: unresolve },
        {
          path: `${PR}/tasks`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return page(ctx, pr.tasks.filter((t) => t.deleted !== true).map((t) => git.taskJson(d, pr, t)), ["comment"])
          },
          POST: createTask
        },
        {
          path: `${PR}/tasks/:task_id`,
          GET: (ctx, p) => {
            const { d, pr } = findPr(ctx, p)
            return ok(ctx, git.taskJson(d, pr, findTask(pr, p.task_id!)))
          },
          PUT: updateTask,
          DELETE: deleteTask
        }
      ]
    }
  }
}

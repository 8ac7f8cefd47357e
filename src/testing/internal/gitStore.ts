/**
 * The fake's per-repository git data (commits, refs, pull requests, comments, build statuses,
 * reports) and its JSON representations, shared by the refs, commits, statuses, reports and pull
 * request routes.
 *
 * @internal
 */
import type { BaseCore } from "./core.js"
import { HttpError } from "./core.js"
import type { GitCommit } from "./git.js"
import { diffTrees, FILE_ATTRIBUTES, GitRepo, isFileAttribute, sha1 } from "./git.js"
import type {
  SeedAnnotation,
  SeedAuthor,
  SeedBuildStatus,
  SeedComment,
  SeedCommitComment,
  SeedGitRepository,
  SeedMergeStrategy,
  SeedParticipant,
  SeedPullRequest,
  SeedReport,
  SeedRepository,
  SeedTask
} from "./seed.js"

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A comment as stored (user references are uuids). */
export type CommentState = Mutable<SeedComment>
/** A commit comment as stored. */
export type CommitCommentState = Mutable<SeedCommitComment>
/** A pull request task as stored (user references are uuids). */
export type TaskState = Mutable<SeedTask>
/** A participant as stored. */
export type ParticipantState = Mutable<SeedParticipant>

/** A pull request as stored (user references are uuids). */
export interface PullRequestState {
  id: number
  title: string
  description: string
  state: SeedPullRequest["state"]
  author: string
  source: { branch: string; commit: string }
  destination: { branch: string; commit: string }
  reviewers: Array<string>
  participants: Array<ParticipantState>
  created_on: string
  updated_on: string
  close_source_branch: boolean
  draft: boolean
  merge_commit?: string
  closed_by?: string
  reason?: string
  comments: Array<CommentState>
  tasks: Array<TaskState>
}

/** A build status as stored. */
export type StatusState = Mutable<SeedBuildStatus> & { uuid: string; updated_on: string }

/** A report annotation as stored. */
export type AnnotationState = Mutable<Omit<SeedAnnotation, "uuid" | "updated_on">> & { uuid: string; updated_on: string }

/** A Code Insights report as stored, with its annotations. */
export type ReportState = Mutable<Omit<SeedReport, "uuid" | "updated_on" | "annotations">> & {
  uuid: string
  updated_on: string
  annotations: Array<AnnotationState>
}

/** An asynchronous merge in progress. */
export interface MergeTask {
  readonly id: string
  readonly pullRequest: number
  readonly actor: string
  /** The actor's git author line (`Name <email>`), for the merge commit. */
  readonly actorAuthor: string
  readonly strategy: MergeStrategy
  readonly message: string | undefined
  readonly closeSourceBranch: boolean | undefined
  pendingPolls: number
  result?: { readonly ok: true } | { readonly ok: false; readonly message: string }
}

export type MergeStrategy = SeedMergeStrategy
export const MERGE_STRATEGIES: ReadonlyArray<MergeStrategy> = [
  "merge_commit",
  "squash",
  "fast_forward",
  "squash_fast_forward",
  "rebase_fast_forward",
  "rebase_merge"
]

/**
 * The merge strategies of a repository's branches: the seed's `mergeStrategies`, else all of them
 * with `merge_commit` the default. Bitbucket configures them per repository (or inherits them from
 * the project or workspace, which the fake does not model); every branch of the repository gets
 * the same (a guess for branches Bitbucket treats apart).
 */
export const mergeSettings = (repo: SeedRepository): { readonly allowed: ReadonlyArray<MergeStrategy>; readonly default: MergeStrategy } => ({
  allowed: repo.mergeStrategies?.allowed ?? MERGE_STRATEGIES,
  default: repo.mergeStrategies?.default ?? "merge_commit"
})

/** Everything the fake knows about one repository's git side. */
export interface RepoData {
  readonly repo: SeedRepository
  readonly git: GitRepo
  readonly pullRequests: Array<PullRequestState>
  readonly commitComments: Array<CommitCommentState>
  readonly statuses: Array<StatusState>
  readonly reports: Array<ReportState>
  /** Commit hash to the users who approved it (uuid, date). */
  readonly approvals: Map<string, Array<{ readonly user: string; readonly date: string }>>
  readonly mergeTasks: Map<string, MergeTask>
}

const short = (hash: string) => hash.slice(0, 12)

/** A stable `{uuid}` derived from a key (the same key, the same uuid). */
export const uuidOf = (key: string) => {
  const h = sha1(key)
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}}`
}

/** Builds the git store over the core. */
export const makeGitStore = (core: BaseCore) => {
  const { href, web, seg, fullName, accountJson, rendered, userUuid } = core
  const byRepo = new Map<string, RepoData>()
  let commentCounter = 0
  let taskCounter = 0

  const nextCommentId = () => ++commentCounter
  const nextTaskId = () => ++taskCounter

  const empty = (repo: SeedRepository): RepoData => ({
    repo,
    git: new GitRepo(),
    pullRequests: [],
    commitComments: [],
    statuses: [],
    reports: [],
    approvals: new Map(),
    mergeTasks: new Map()
  })

  const toCommit = (repository: string, c: SeedGitRepository["commits"][number]): GitCommit => {
    const bytes = Object.fromEntries(Object.entries(c.binaryFiles ?? {}).map(([path, b64]) => [path, new Uint8Array(Buffer.from(b64, "base64"))]))
    const decoder = new TextDecoder()
    const files = { ...(c.files ?? {}), ...Object.fromEntries(Object.entries(bytes).map(([path, b]) => [path, decoder.decode(b)])) }
    // An attribute belongs to a file the commit sets; a value the fake does not know, or one for
    // a file the commit does not set, would otherwise be kept or ignored without a word.
    for (const [path, attribute] of Object.entries(c.attributes ?? {})) {
      const where = `FakeBitbucket seed: commit ${c.hash} of ${repository}`
      if (!isFileAttribute(attribute)) {
        throw new Error(`${where} gives ${JSON.stringify(path)} the attribute ${JSON.stringify(attribute)}; use ${FILE_ATTRIBUTES.map((a) => JSON.stringify(a)).join(" or ")}`)
      }
      const content = Object.hasOwn(files, path) ? files[path] : undefined
      if (content === undefined || content === null) {
        throw new Error(`${where} gives an attribute to ${JSON.stringify(path)}, which it does not set (name it in files or binaryFiles)`)
      }
      if (attribute === "link" && content === "") throw new Error(`${where} makes ${JSON.stringify(path)} a link with no target (its content)`)
    }
    return {
      hash: c.hash,
      message: c.message,
      author: c.author.raw,
      ...(c.author.user !== undefined ? { authorUser: userUuid(c.author.user) } : {}),
      date: c.date,
      parents: [...c.parents],
      files,
      ...(c.binaryFiles !== undefined ? { bytes } : {}),
      ...(c.attributes !== undefined ? { attributes: { ...c.attributes } } : {})
    }
  }

  const normalizeComment = (c: SeedComment): CommentState => ({
    ...c,
    user: userUuid(c.user),
    ...(c.inline !== undefined ? { inline: { ...c.inline } } : {}),
    ...(c.resolution !== undefined ? { resolution: { ...c.resolution, user: userUuid(c.resolution.user) } } : {})
  })

  const normalizeTask = (t: SeedTask): TaskState => ({
    ...t,
    creator: userUuid(t.creator),
    ...(t.resolution !== undefined ? { resolution: { ...t.resolution, user: userUuid(t.resolution.user) } } : {})
  })

  // ---- seeding ---------------------------------------------------------------------------------

  for (const repo of core.store.repositories) {
    if (repo.mergeStrategies === undefined) continue
    const where = `FakeBitbucket seed: mergeStrategies of ${fullName(repo)}`
    const { allowed, default: chosen } = mergeSettings(repo)
    const unknown = [...allowed, chosen].find((s) => !MERGE_STRATEGIES.includes(s))
    if (unknown !== undefined) throw new Error(`${where} names ${JSON.stringify(unknown)}; the strategies are ${MERGE_STRATEGIES.join(", ")}`)
    if (!allowed.includes(chosen)) throw new Error(`${where}: the default ${chosen} is not among the allowed ${allowed.join(", ") || "(none)"}`)
  }

  for (const entry of core.seed.git ?? []) {
    const repo = core.store.repositories.find((r) => fullName(r) === entry.repository)
    if (repo === undefined) throw new Error(`FakeBitbucket seed: git data for unknown repository ${entry.repository}`)
    const data = empty(repo)
    for (const c of entry.commits) {
      data.git.addCommit(toCommit(entry.repository, c))
      if (c.approvedBy !== undefined && c.approvedBy.length > 0) {
        data.approvals.set(c.hash, c.approvedBy.map((u) => ({ user: userUuid(u), date: c.date })))
      }
    }
    for (const b of entry.branches) data.git.branches.set(b.name, b.target)
    for (const t of entry.tags ?? []) {
      data.git.tags.set(t.name, {
        name: t.name,
        target: t.target,
        ...(t.message !== undefined ? { message: t.message } : {}),
        ...(t.date !== undefined ? { date: t.date } : {}),
        ...(t.tagger !== undefined ? { tagger: t.tagger.raw } : {}),
        ...(t.tagger?.user !== undefined ? { taggerUser: userUuid(t.tagger.user) } : {})
      })
    }
    for (const pr of entry.pullRequests ?? []) {
      data.pullRequests.push({
        id: pr.id,
        title: pr.title,
        description: pr.description ?? "",
        state: pr.state,
        author: userUuid(pr.author),
        source: { ...pr.source },
        destination: { ...pr.destination },
        reviewers: (pr.reviewers ?? []).map(userUuid),
        participants: (pr.participants ?? []).map((p) => ({ ...p, user: userUuid(p.user) })),
        created_on: pr.created_on,
        updated_on: pr.updated_on,
        close_source_branch: pr.close_source_branch ?? false,
        draft: pr.draft ?? false,
        ...(pr.merge_commit !== undefined ? { merge_commit: pr.merge_commit } : {}),
        ...(pr.closed_by !== undefined ? { closed_by: userUuid(pr.closed_by) } : {}),
        ...(pr.reason !== undefined ? { reason: pr.reason } : {}),
        comments: (pr.comments ?? []).map(normalizeComment),
        tasks: (pr.tasks ?? []).map(normalizeTask)
      })
      for (const c of pr.comments ?? []) commentCounter = Math.max(commentCounter, c.id)
      for (const t of pr.tasks ?? []) taskCounter = Math.max(taskCounter, t.id)
    }
    for (const c of entry.commitComments ?? []) {
      data.commitComments.push({ ...normalizeComment(c), commit: c.commit })
      commentCounter = Math.max(commentCounter, c.id)
    }
    for (const s of entry.statuses ?? []) {
      data.statuses.push({
        ...s,
        uuid: s.uuid ?? `{${sha1(`${s.commit}/${s.key}`).slice(0, 8)}-0000-4000-8000-${sha1(s.key).slice(0, 12)}}`,
        updated_on: s.updated_on ?? s.created_on
      })
    }
    entry.reports?.forEach((r, i) => {
      const { annotations = [], ...report } = r
      const commit = data.git.commits.get(r.commit)
      if (commit === undefined) throw new Error(`FakeBitbucket seed: report on ${entry.repository} names unknown commit ${r.commit} (give its full hash)`)
      const uuid = r.uuid ?? uuidOf(`report:${entry.repository}/${i}`)
      data.reports.push({
        ...report,
        uuid,
        updated_on: r.updated_on ?? r.created_on,
        annotations: annotations.map((a, k) => ({ ...a, uuid: a.uuid ?? uuidOf(`annotation:${uuid}/${k}`), updated_on: a.updated_on ?? a.created_on }))
      })
    })
    byRepo.set(repo.uuid, data)
  }

  /** An empty repository gets no commits; one with a main branch gets an initial commit. */
  const initial = (repo: SeedRepository): RepoData => {
    const data = empty(repo)
    const main = repo.mainbranch === undefined ? "main" : repo.mainbranch
    if (main !== null) {
      const hash = sha1(`initial:${repo.uuid}`)
      const owner = core.findWorkspace(repo.workspace)?.members.find((m) => m.permission === "owner")
      const user = owner === undefined ? undefined : core.findUser(owner.user)
      data.git.addCommit({
        hash,
        message: "Initial commit\n",
        author: user === undefined ? "Bitbucket <noreply@bitbucket.org>" : `${user.display_name} <${user.email}>`,
        ...(user !== undefined ? { authorUser: user.uuid } : {}),
        date: repo.created_on,
        parents: [],
        files: { "README.md": `# ${repo.name}\n\n${repo.description ?? ""}\n` }
      })
      data.git.branches.set(main, hash)
    }
    return data
  }

  const data = (repo: SeedRepository): RepoData => {
    let d = byRepo.get(repo.uuid)
    if (d === undefined) {
      d = initial(repo)
      byRepo.set(repo.uuid, d)
    }
    return d
  }

  /** A fork starts with a copy of the parent's commits, branches and tags. */
  const fork = (parent: SeedRepository, child: SeedRepository) => {
    const d = { ...empty(child), git: data(parent).git.copy() }
    byRepo.set(child.uuid, d)
    return d
  }

  const forget = (repo: SeedRepository) => byRepo.delete(repo.uuid)

  // ---- representations ------------------------------------------------------------------------

  const repoPath = (r: SeedRepository) => `/repositories/${seg(r.workspace)}/${seg(r.slug)}`
  const repoWeb = (r: SeedRepository) => `/${seg(r.workspace)}/${seg(r.slug)}`

  const authorJson = (raw: string, user: string | undefined) => ({
    type: "author",
    raw,
    ...(user !== undefined ? { user: accountJson(user) } : {})
  })

  const commitRef = (r: SeedRepository, hash: string, shortHash = false) => ({
    type: "commit",
    hash: shortHash ? short(hash) : hash,
    links: {
      self: href(`${repoPath(r)}/commit/${hash}`),
      html: web(`${repoWeb(r)}/commits/${hash}`)
    }
  })

  const participantJson = (p: ParticipantState) => ({
    type: "participant",
    user: accountJson(p.user),
    role: p.role,
    approved: p.approved,
    state: p.state,
    participated_on: p.participated_on ?? null
  })

  const commitJson = (d: RepoData, c: GitCommit, withParticipants = false) => {
    const self = `${repoPath(d.repo)}/commit/${c.hash}`
    return {
      type: "commit",
      hash: c.hash,
      date: c.date,
      author: authorJson(c.author, c.authorUser),
      message: c.message,
      summary: rendered(c.message),
      rendered: { message: rendered(c.message) },
      parents: c.parents.map((p) => commitRef(d.repo, p)),
      repository: core.repoSummary(d.repo),
      links: {
        self: href(self),
        html: web(`${repoWeb(d.repo)}/commits/${c.hash}`),
        diff: href(`${repoPath(d.repo)}/diff/${c.hash}`),
        patch: href(`${repoPath(d.repo)}/patch/${c.hash}`),
        comments: href(`${self}/comments`),
        approve: href(`${self}/approve`),
        statuses: href(`${self}/statuses`)
      },
      ...(withParticipants
        ? {
          participants: (d.approvals.get(c.hash) ?? []).map((a) =>
            participantJson({ user: a.user, role: "PARTICIPANT", approved: true, state: "approved", participated_on: a.date })
          )
        }
        : {})
    }
  }

  const branchJson = (d: RepoData, name: string, target: string) => {
    const c = d.git.commits.get(target)
    return {
      type: "branch",
      name,
      target: c === undefined ? commitRef(d.repo, target) : commitJson(d, c),
      links: {
        self: href(`${repoPath(d.repo)}/refs/branches/${seg(name)}`),
        commits: href(`${repoPath(d.repo)}/commits/${seg(name)}`),
        html: web(`${repoWeb(d.repo)}/branch/${seg(name)}`)
      },
      merge_strategies: [...mergeSettings(d.repo).allowed],
      default_merge_strategy: mergeSettings(d.repo).default
    }
  }

  /**
   * One change of a `repo:push` delivery: a branch or tag moved from `before` to `after` (either
   * undefined when the ref was created or deleted). `commits` are the newest commits the push
   * brought, following first parents down to `before`, at most five (`truncated` when there were
   * more; Bitbucket's own limit is not documented, five is the fake's choice).
   */
  const pushChange = (d: RepoData, kind: "branch" | "tag", name: string, before: string | undefined, after: string | undefined) => {
    const refJson = (hash: string) => kind === "branch" ? branchJson(d, name, hash) : { ...tagJson(d, name), target: commitJson(d, d.git.commits.get(hash)!) }
    const commits: Array<ReturnType<typeof commitJson>> = []
    let truncated = false
    for (let hash = after; hash !== undefined && hash !== before;) {
      const c = d.git.commits.get(hash)
      if (c === undefined) break
      if (before !== undefined && d.git.isAncestor(hash, before)) break
      if (commits.length === 5) {
        truncated = true
        break
      }
      commits.push(commitJson(d, c))
      hash = c.parents[0]
    }
    const html = after === undefined || before === undefined
      ? web(`${repoWeb(d.repo)}/branches/`)
      : web(`${repoWeb(d.repo)}/branches/compare/${after}..${before}`)
    return {
      new: after === undefined ? null : refJson(after),
      old: before === undefined ? null : refJson(before),
      created: before === undefined,
      closed: after === undefined,
      forced: before !== undefined && after !== undefined && !d.git.isAncestor(before, after),
      commits,
      truncated,
      links: {
        html,
        ...(after !== undefined ? { commits: href(`${repoPath(d.repo)}/commits?include=${after}${before !== undefined ? `&exclude=${before}` : ""}`) } : {}),
        ...(after !== undefined && before !== undefined ? { diff: href(`${repoPath(d.repo)}/diff/${after}..${before}`) } : {})
      }
    }
  }

  const tagJson = (d: RepoData, name: string) => {
    const t = d.git.tags.get(name)!
    const c = d.git.commits.get(t.target)
    return {
      type: "tag",
      name,
      target: c === undefined ? commitRef(d.repo, t.target) : commitJson(d, c),
      message: t.message ?? null,
      date: t.date ?? c?.date ?? null,
      tagger: t.tagger === undefined ? null : authorJson(t.tagger, t.taggerUser),
      links: {
        self: href(`${repoPath(d.repo)}/refs/tags/${seg(name)}`),
        commits: href(`${repoPath(d.repo)}/commits/${seg(name)}`),
        html: web(`${repoWeb(d.repo)}/commits/tag/${seg(name)}`)
      }
    }
  }

  const reportJson = (r: ReportState) => ({
    type: "report",
    uuid: r.uuid,
    ...(r.external_id !== undefined ? { external_id: r.external_id } : {}),
    title: r.title,
    details: r.details,
    report_type: r.report_type,
    ...(r.reporter !== undefined ? { reporter: r.reporter } : {}),
    ...(r.link !== undefined ? { link: r.link } : {}),
    ...(r.logo_url !== undefined ? { logo_url: r.logo_url } : {}),
    remote_link_enabled: r.remote_link_enabled ?? false,
    ...(r.result !== undefined ? { result: r.result } : {}),
    data: r.data ?? [],
    commit_hash: r.commit,
    created_on: r.created_on,
    updated_on: r.updated_on
  })

  const annotationJson = (a: AnnotationState) => ({
    type: "report_annotation",
    uuid: a.uuid,
    ...(a.external_id !== undefined ? { external_id: a.external_id } : {}),
    annotation_type: a.annotation_type,
    summary: a.summary,
    ...(a.title !== undefined ? { title: a.title } : {}),
    ...(a.details !== undefined ? { details: a.details } : {}),
    ...(a.path !== undefined ? { path: a.path } : {}),
    ...(a.line !== undefined ? { line: a.line } : {}),
    ...(a.severity !== undefined ? { severity: a.severity } : {}),
    ...(a.result !== undefined ? { result: a.result } : {}),
    ...(a.link !== undefined ? { link: a.link } : {}),
    created_on: a.created_on,
    updated_on: a.updated_on
  })

  const statusJson = (d: RepoData, s: StatusState) => ({
    type: "commitstatus",
    uuid: s.uuid,
    key: s.key,
    refname: s.refname ?? null,
    url: s.url,
    state: s.state,
    name: s.name ?? s.key,
    description: s.description ?? "",
    created_on: s.created_on,
    updated_on: s.updated_on,
    links: {
      self: href(`${repoPath(d.repo)}/commit/${s.commit}/statuses/build/${seg(s.key)}`),
      commit: href(`${repoPath(d.repo)}/commit/${s.commit}`)
    }
  })

  /** Live source and destination commits of an open pull request; frozen ones otherwise. */
  const heads = (d: RepoData, pr: PullRequestState) => {
    if (pr.state !== "OPEN") return { source: pr.source.commit, destination: pr.destination.commit }
    return {
      source: d.git.branches.get(pr.source.branch) ?? pr.source.commit,
      destination: d.git.branches.get(pr.destination.branch) ?? pr.destination.commit
    }
  }

  const prPath = (d: RepoData, pr: PullRequestState) => `${repoPath(d.repo)}/pullrequests/${pr.id}`

  const prRef = (d: RepoData, pr: PullRequestState) => ({
    type: "pullrequest",
    id: pr.id,
    title: pr.title,
    draft: pr.draft,
    links: { self: href(prPath(d, pr)), html: web(`${repoWeb(d.repo)}/pull-requests/${pr.id}`) }
  })

  const prJson = (d: RepoData, pr: PullRequestState, options: { readonly reviewers: boolean; readonly participants: boolean }) => {
    const h = heads(d, pr)
    const self = prPath(d, pr)
    const endpoint = (branch: string, commit: string) => ({
      branch: { name: branch },
      commit: commitRef(d.repo, commit, true),
      repository: core.repoSummary(d.repo)
    })
    return {
      type: "pullrequest",
      id: pr.id,
      title: pr.title,
      description: pr.description,
      rendered: { title: rendered(pr.title), description: rendered(pr.description) },
      summary: rendered(pr.description),
      state: pr.state,
      draft: pr.draft,
      queued: false,
      author: accountJson(pr.author),
      source: endpoint(pr.source.branch, h.source),
      destination: endpoint(pr.destination.branch, h.destination),
      merge_commit: pr.merge_commit === undefined ? null : commitRef(d.repo, pr.merge_commit, true),
      comment_count: pr.comments.filter((c) => !c.deleted).length,
      task_count: pr.tasks.filter((t) => t.resolution === undefined && t.deleted !== true).length,
      close_source_branch: pr.close_source_branch,
      closed_by: pr.closed_by === undefined ? null : accountJson(pr.closed_by),
      reason: pr.reason ?? "",
      created_on: pr.created_on,
      updated_on: pr.updated_on,
      ...(options.reviewers ? { reviewers: pr.reviewers.map(accountJson) } : {}),
      ...(options.participants ? { participants: pr.participants.map(participantJson) } : {}),
      links: {
        self: href(self),
        html: web(`${repoWeb(d.repo)}/pull-requests/${pr.id}`),
        commits: href(`${self}/commits`),
        approve: href(`${self}/approve`),
        "request-changes": href(`${self}/request-changes`),
        diff: href(`${self}/diff`),
        diffstat: href(`${self}/diffstat`),
        comments: href(`${self}/comments`),
        activity: href(`${self}/activity`),
        merge: href(`${self}/merge`),
        decline: href(`${self}/decline`),
        statuses: href(`${self}/statuses`)
      }
    }
  }

  const commentBase = (c: CommentState, self: string, htmlPath: string, commentsPath: string) => ({
    id: c.id,
    created_on: c.created_on,
    updated_on: c.updated_on ?? c.created_on,
    content: rendered(c.deleted === true ? "" : c.raw),
    user: accountJson(c.user),
    deleted: c.deleted ?? false,
    ...(c.inline !== undefined
      ? { inline: { path: c.inline.path, from: c.inline.from ?? null, to: c.inline.to ?? null } }
      : {}),
    ...(c.parent !== undefined ? { parent: { id: c.parent, links: { self: href(`${commentsPath}/${c.parent}`) } } } : {}),
    links: { self: href(self), html: web(htmlPath) }
  })

  const prCommentJson = (d: RepoData, pr: PullRequestState, c: CommentState) => ({
    type: "pullrequest_comment",
    ...commentBase(
      c,
      `${prPath(d, pr)}/comments/${c.id}`,
      `${repoWeb(d.repo)}/pull-requests/${pr.id}/_/diff#comment-${c.id}`,
      `${prPath(d, pr)}/comments`
    ),
    pending: c.pending ?? false,
    pullrequest: prRef(d, pr),
    ...(c.resolution !== undefined
      ? { resolution: { type: "comment_resolution", user: accountJson(c.resolution.user), created_on: c.resolution.created_on } }
      : {})
  })

  const taskJson = (d: RepoData, pr: PullRequestState, t: TaskState) => {
    const comment = t.comment === undefined ? undefined : pr.comments.find((c) => c.id === t.comment)
    return {
      id: t.id,
      created_on: t.created_on,
      updated_on: t.updated_on ?? t.created_on,
      state: t.resolution === undefined ? "UNRESOLVED" : "RESOLVED",
      content: rendered(t.raw),
      creator: accountJson(t.creator),
      pending: t.pending ?? false,
      resolved_on: t.resolution?.created_on ?? null,
      resolved_by: t.resolution === undefined ? null : accountJson(t.resolution.user),
      ...(comment !== undefined ? { comment: prCommentJson(d, pr, comment) } : {}),
      links: {
        self: href(`${prPath(d, pr)}/tasks/${t.id}`),
        html: web(`${repoWeb(d.repo)}/pull-requests/${pr.id}`)
      }
    }
  }

  const commitCommentJson = (d: RepoData, c: CommitCommentState) => ({
    type: "commit_comment",
    ...commentBase(
      c,
      `${repoPath(d.repo)}/commit/${c.commit}/comments/${c.id}`,
      `${repoWeb(d.repo)}/commits/${c.commit}#comment-${c.id}`,
      `${repoPath(d.repo)}/commit/${c.commit}/comments`
    ),
    commit: commitRef(d.repo, c.commit)
  })

  // ---- revisions and diffs ------------------------------------------------------------------

  /** Resolves a revision or dies with 404. */
  const resolve = (d: RepoData, revision: string, what = "Commit"): GitCommit => {
    const c = d.git.resolve(revision)
    if (c === undefined) throw new HttpError(404, `${what} not found`, `Commit or ref '${revision}' does not exist.`)
    return c
  }

  /**
   * The trees a diff spec compares: `a` (against its first parent) or `a..b` (the changes of `a`
   * against `b`; with `topic`, the default, against the merge base of `a` and `b`).
   */
  const specTrees = (d: RepoData, spec: string, topic: boolean) => {
    const [left, right, ...rest] = spec.split("..")
    if (left === undefined || left === "" || rest.length > 0 || right === "") {
      throw new HttpError(400, "Invalid spec", `'${spec}' is not a valid diff spec.`)
    }
    const newer = resolve(d, left)
    if (right === undefined) {
      const parent = newer.parents[0]
      return { newer, older: parent === undefined ? undefined : d.git.commits.get(parent) }
    }
    const other = resolve(d, right)
    const older = topic ? d.git.mergeBase(newer.hash, other.hash) ?? other : other
    return { newer, older }
  }

  const changes = (d: RepoData, newer: GitCommit, older: GitCommit | undefined, context = 3) =>
    diffTrees(older === undefined ? new Map() : d.git.treeFiles(older.hash), d.git.treeFiles(newer.hash), context)

  // ---- snapshot --------------------------------------------------------------------------------

  const snapshot = (): Array<SeedGitRepository> =>
    [...byRepo.values()].filter((d) => core.store.repositories.includes(d.repo as never)).map((d) => ({
      repository: fullName(d.repo),
      commits: [...d.git.commits.values()].map((c) => ({
        hash: c.hash,
        message: c.message,
        author: { raw: c.author, ...(c.authorUser !== undefined ? { user: c.authorUser } : {}) } satisfies SeedAuthor,
        date: c.date,
        parents: [...c.parents],
        files: { ...c.files },
        ...(c.bytes !== undefined
          ? { binaryFiles: Object.fromEntries(Object.entries(c.bytes).map(([path, bytes]) => [path, Buffer.from(bytes).toString("base64")])) }
          : {}),
        ...(c.attributes !== undefined ? { attributes: { ...c.attributes } } : {}),
        ...(d.approvals.has(c.hash) ? { approvedBy: d.approvals.get(c.hash)!.map((a) => a.user) } : {})
      })),
      branches: [...d.git.branches].map(([name, target]) => ({ name, target })),
      tags: [...d.git.tags.values()].map((t) => ({
        name: t.name,
        target: t.target,
        ...(t.message !== undefined ? { message: t.message } : {}),
        ...(t.date !== undefined ? { date: t.date } : {}),
        ...(t.tagger !== undefined ? { tagger: { raw: t.tagger, ...(t.taggerUser !== undefined ? { user: t.taggerUser } : {}) } } : {})
      })),
      pullRequests: d.pullRequests.map((pr) => {
        const h = heads(d, pr)
        return JSON.parse(JSON.stringify({
          ...pr,
          source: { branch: pr.source.branch, commit: h.source },
          destination: { branch: pr.destination.branch, commit: h.destination }
        })) as SeedPullRequest
      }),
      commitComments: JSON.parse(JSON.stringify(d.commitComments)) as Array<SeedCommitComment>,
      statuses: JSON.parse(JSON.stringify(d.statuses)) as Array<SeedBuildStatus>,
      reports: JSON.parse(JSON.stringify(d.reports)) as Array<SeedReport>
    }))

  return {
    data,
    fork,
    forget,
    nextCommentId,
    nextTaskId,
    repoPath,
    repoWeb,
    prPath,
    heads,
    resolve,
    specTrees,
    changes,
    authorJson,
    commitRef,
    commitJson,
    branchJson,
    tagJson,
    pushChange,
    statusJson,
    reportJson,
    annotationJson,
    participantJson,
    prRef,
    prJson,
    prCommentJson,
    taskJson,
    commitCommentJson,
    snapshot
  }
}

/** The git store. */
export type GitStore = ReturnType<typeof makeGitStore>

/** A validated comment payload. */
export interface CommentPayload {
  readonly raw?: string
  readonly inline?: { readonly path: string; readonly from?: number | null; readonly to?: number | null }
  readonly parent?: number
}

/**
 * The `content.raw` of a comment or task payload: checked when `required` or present (a missing or
 * blank one is reported in `fields.content`), returned when it is a string.
 */
export const contentRaw = (body: Record<string, unknown>, required: boolean, fields: Record<string, Array<string>>): string | undefined => {
  const content = body.content
  const raw = content !== null && typeof content === "object" ? (content as Record<string, unknown>).raw : undefined
  if (required || "content" in body) {
    if (typeof raw !== "string" || raw.trim() === "") fields.content = ["This field is required: { raw }."]
  }
  return typeof raw === "string" ? raw : undefined
}

/**
 * Validates `{ content: { raw }, inline?: { path, from?, to? }, parent?: { id } }`; on create
 * `content.raw` is required and `parent` must name an existing comment (`exists`). Throws a 400
 * with `fields`.
 */
export const parseCommentPayload = (
  body: Record<string, unknown>,
  mode: "create" | "update",
  exists: (id: number) => boolean
): CommentPayload => {
  const fields: Record<string, Array<string>> = {}
  const raw = contentRaw(body, mode === "create", fields)
  let inline: CommentPayload["inline"]
  if ("inline" in body && body.inline !== null && body.inline !== undefined) {
    const i = body.inline as Record<string, unknown>
    const line = (v: unknown) => v === undefined || v === null || (typeof v === "number" && Number.isInteger(v) && v > 0)
    if (typeof i !== "object" || typeof i.path !== "string" || i.path === "") fields.inline = ["inline.path is required."]
    else if (!line(i.from) || !line(i.to)) fields.inline = ["inline.from and inline.to must be positive line numbers or null."]
    else {
      inline = {
        path: i.path,
        ...(i.from !== undefined ? { from: i.from as number | null } : {}),
        ...(i.to !== undefined ? { to: i.to as number | null } : {})
      }
    }
  }
  let parent: number | undefined
  if (mode === "create" && "parent" in body && body.parent !== null && body.parent !== undefined) {
    const id = typeof body.parent === "object" ? (body.parent as Record<string, unknown>).id : undefined
    if (typeof id !== "number" || !exists(id)) fields.parent = [`Parent comment ${JSON.stringify(id)} does not exist.`]
    else parent = id
  }
  if (Object.keys(fields).length > 0) {
    const message = Object.entries(fields).map(([k, v]) => `${k}: ${v.join(" ")}`).join("; ")
    throw new HttpError(400, message, undefined, fields)
  }
  return {
    ...(typeof raw === "string" ? { raw } : {}),
    ...(inline !== undefined ? { inline } : {}),
    ...(parent !== undefined ? { parent } : {})
  }
}

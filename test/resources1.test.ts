/**
 * Resources I (repositories, pull requests, commits, comments, build statuses, refs): each operation
 * sends the right method, path, query and body, and decodes a realistic answer whose unknown
 * fields survive.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream, TestClock } from "effect"
import { Authenticator, BranchRestriction, BuildStatus, Comment, Commit, PullRequest, Ref, Repository, Resource } from "../src/index.js"
import { fullRepository } from "./fixtures/repositories.js"
import type { Requirements } from "../src/internal/http.js"
import { json, mockHttp, text } from "./support/mockHttp.js"

const repo = { workspace: "demo", repo_slug: "hello-effect" }
const pr = { ...repo, pull_request_id: 7 }
const R = "/2.0/repositories/demo/hello-effect"

const account = { type: "user", uuid: "{u1}", account_id: "557058:bob", display_name: "Bob", nickname: "bob", is_staff: false }
const commit = {
  type: "commit",
  hash: "a1b2c3d4e5f6",
  date: "2026-10-01T10:00:00+00:00",
  message: "Add login\n",
  author: { type: "author", raw: "Bob <bob@example.com>", user: account },
  parents: [{ type: "commit", hash: "0f0f0f0f", links: { self: { href: `https://api.bitbucket.org${R}/commit/0f0f0f0f` } } }],
  summary: { raw: "Add login", markup: "markdown", html: "<p>Add login</p>", type: "rendered" },
  rendered: { message: { raw: "Add login" } },
  links: { self: { href: `https://api.bitbucket.org${R}/commit/a1b2c3d4e5f6` } }
}
const pullrequest = {
  type: "pullrequest",
  id: 7,
  title: "Add login",
  description: "",
  state: "OPEN",
  draft: false,
  author: account,
  source: { branch: { name: "feature/login", sync_strategies: ["merge_commit"] }, commit: { type: "commit", hash: "a1b2c3d4e5f6" }, repository: { type: "repository", full_name: "demo/hello-effect" } },
  destination: { branch: { name: "main" }, commit: { type: "commit", hash: "0f0f0f0f" }, repository: { type: "repository", full_name: "demo/hello-effect" } },
  merge_commit: null,
  close_source_branch: false,
  closed_by: null,
  reason: "",
  reviewers: [account],
  participants: [{ type: "participant", user: account, role: "REVIEWER", approved: false, state: null, participated_on: null }],
  comment_count: 1,
  task_count: 0,
  queued: false,
  created_on: "2026-10-01T10:00:00+00:00",
  updated_on: "2026-10-02T10:00:00+00:00",
  links: { self: { href: `https://api.bitbucket.org${R}/pullrequests/7` } }
}
const comment = {
  type: "pullrequest_comment",
  id: 3,
  content: { raw: "Looks good", markup: "markdown", html: "<p>Looks good</p>", type: "rendered" },
  user: account,
  created_on: "2026-10-01T10:00:00+00:00",
  updated_on: "2026-10-01T10:00:00+00:00",
  deleted: false,
  inline: { path: "src/index.ts", from: null, to: 12, context_lines: "" },
  pending: false,
  links: { self: { href: `https://api.bitbucket.org${R}/pullrequests/7/comments/3` } }
}
const status = {
  type: "commitstatus",
  key: "ci",
  state: "SUCCESSFUL",
  name: "CI #42",
  description: "All green",
  url: "https://ci.example.com/builds/42",
  refname: "feature/login",
  uuid: "{s1}",
  created_on: "2026-10-01T10:00:00+00:00",
  updated_on: "2026-10-01T10:00:00+00:00",
  commit_link_extra: true,
  links: { self: { href: `https://api.bitbucket.org${R}/commit/a1b2c3d4e5f6/statuses/build/ci` } }
}
const branch = {
  type: "branch",
  name: "feature/login",
  target: commit,
  merge_strategies: ["merge_commit", "squash", "fast_forward"],
  default_merge_strategy: "merge_commit",
  links: { self: { href: `https://api.bitbucket.org${R}/refs/branches/feature/login` } }
}
const participant = { type: "participant", user: account, role: "PARTICIPANT", approved: true, state: "approved", participated_on: "2026-10-01T10:00:00+00:00" }
const page = (values: ReadonlyArray<unknown>) => ({ values, pagelen: 50, page: 1, size: values.length })

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

const cases: ReadonlyArray<{
  readonly name: string
  readonly run: Effect.Effect<unknown, unknown, Requirements>
  readonly method: string
  readonly path: string
  readonly query?: Record<string, string | ReadonlyArray<string>>
  readonly body?: unknown
  readonly reply: unknown
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checks read into the decoded JSON
  readonly check?: (result: any) => void
}> = [
  // Repository
  {
    name: "Repository.create",
    run: Repository.create(repo, { scm: "git", is_private: true, fork_policy: "no_public_forks", project: { key: "EX" } }),
    method: "POST",
    path: R,
    body: { scm: "git", is_private: true, fork_policy: "no_public_forks", project: { key: "EX" } },
    reply: fullRepository,
    check: (r) => expect(r["some_future_field"]).toEqual({ nested: [1, 2, 3], flag: true })
  },
  { name: "Repository.update", run: Repository.update(repo, { description: "new" }), method: "PUT", path: R, body: { description: "new" }, reply: fullRepository },
  { name: "Repository.delete", run: Repository.delete({ ...repo, redirect_to: "https://x.example" }), method: "DELETE", path: R, query: { redirect_to: "https://x.example" }, reply: null },
  { name: "Repository.fork", run: Repository.fork(repo, { name: "mine", workspace: { slug: "acme" } }), method: "POST", path: `${R}/forks`, body: { name: "mine", workspace: { slug: "acme" } }, reply: fullRepository },
  { name: "Repository.findForks", run: collect(Repository.findForks(repo)), method: "GET", path: `${R}/forks`, reply: page([fullRepository]), check: (r) => expect(r).toHaveLength(1) },
  { name: "Repository.findWatchers", run: collect(Repository.findWatchers(repo)), method: "GET", path: `${R}/watchers`, reply: page([account]), check: (r) => expect(r[0].is_staff).toBe(false) },
  // Pull requests
  { name: "PullRequest.find", run: PullRequest.find(pr), method: "GET", path: `${R}/pullrequests/7`, reply: pullrequest, check: (r) => { expect(r.queued).toBe(false); expect(r.source.branch.sync_strategies).toEqual(["merge_commit"]) } },
  {
    name: "PullRequest.findForRepository with several states",
    run: collect(PullRequest.findForRepository(repo, { state: ["OPEN", "MERGED"], q: 'title ~ "login"', sort: "-updated_on" })),
    method: "GET",
    path: `${R}/pullrequests`,
    query: { state: ["OPEN", "MERGED"], q: 'title ~ "login"', sort: "-updated_on", pagelen: "50" },
    reply: page([pullrequest]),
    check: (r) => expect(r[0].id).toBe(7)
  },
  {
    name: "PullRequest.create",
    run: PullRequest.create(repo, PullRequest.addReviewers(PullRequest.fromBranches({ name: "feature/login", target: { hash: "a1b2c3d4e5f6" } }, "main", { title: "Add login", close_source_branch: true }), [{ account_id: "557058:bob" }, { uuid: "{u2}" }, { account_id: "557058:bob" }])),
    method: "POST",
    path: `${R}/pullrequests`,
    body: {
      title: "Add login",
      close_source_branch: true,
      source: { branch: { name: "feature/login" }, commit: { hash: "a1b2c3d4e5f6" } },
      destination: { branch: { name: "main" } },
      reviewers: [{ account_id: "557058:bob" }, { uuid: "{u2}" }]
    },
    reply: pullrequest
  },
  { name: "PullRequest.update", run: PullRequest.update(pr, { title: "Better" }), method: "PUT", path: `${R}/pullrequests/7`, body: { title: "Better" }, reply: pullrequest },
  { name: "PullRequest.approve", run: PullRequest.approve(pr), method: "POST", path: `${R}/pullrequests/7/approve`, body: "", reply: participant, check: (r) => expect(r.approved).toBe(true) },
  { name: "PullRequest.unapprove", run: PullRequest.unapprove(pr), method: "DELETE", path: `${R}/pullrequests/7/approve`, reply: null },
  { name: "PullRequest.requestChanges", run: PullRequest.requestChanges(pr), method: "POST", path: `${R}/pullrequests/7/request-changes`, reply: participant },
  { name: "PullRequest.unrequestChanges", run: PullRequest.unrequestChanges(pr), method: "DELETE", path: `${R}/pullrequests/7/request-changes`, reply: null },
  { name: "PullRequest.decline", run: PullRequest.decline(pr), method: "POST", path: `${R}/pullrequests/7/decline`, reply: { ...pullrequest, state: "DECLINED" }, check: (r) => expect(r.state).toBe("DECLINED") },
  { name: "PullRequest.merge", run: PullRequest.merge(pr, { merge_strategy: "squash", message: "Squashed" }), method: "POST", path: `${R}/pullrequests/7/merge`, body: { merge_strategy: "squash", message: "Squashed" }, reply: { ...pullrequest, state: "MERGED" }, check: (r) => expect(r.state).toBe("MERGED") },
  { name: "PullRequest.diffstat", run: collect(PullRequest.diffstat(pr)), method: "GET", path: `${R}/pullrequests/7/diffstat`, reply: page([{ type: "diffstat", status: "modified", lines_added: 3, lines_removed: 1, old: { path: "a" }, new: { path: "a" } }]), check: (r) => expect(r[0].lines_added).toBe(3) },
  { name: "PullRequest.activity", run: collect(PullRequest.activity(pr)), method: "GET", path: `${R}/pullrequests/7/activity`, reply: { values: [{ approval: { date: "x", user: account } }], pagelen: 50 }, check: (r) => expect(r[0].approval.user.nickname).toBe("bob") },
  { name: "PullRequest.commits", run: collect(PullRequest.commits(pr)), method: "GET", path: `${R}/pullrequests/7/commits`, reply: { values: [commit], pagelen: 50 }, check: (r) => expect(r[0].rendered).toEqual({ message: { raw: "Add login" } }) },
  { name: "PullRequest.statuses", run: collect(PullRequest.statuses(pr)), method: "GET", path: `${R}/pullrequests/7/statuses`, reply: page([status]), check: (r) => expect(r[0].commit_link_extra).toBe(true) },
  // Commits
  { name: "Commit.find", run: Commit.find({ ...repo, commit: "a1b2c3d4e5f6" }), method: "GET", path: `${R}/commit/a1b2c3d4e5f6`, reply: commit, check: (r) => expect(r.author.user.is_staff).toBe(false) },
  {
    name: "Commit.findForRepository on a branch with include/exclude/path",
    run: collect(Commit.findForRepository(repo, { branch: "feature/login", exclude: ["main", "release"], path: "src/index.ts" })),
    method: "GET",
    path: `${R}/commits/feature%2Flogin`,
    query: { exclude: ["main", "release"], path: "src/index.ts", pagelen: "50" },
    reply: { values: [commit], pagelen: 50 }
  },
  { name: "Commit.findForRepository over all branches", run: collect(Commit.findForRepository(repo)), method: "GET", path: `${R}/commits`, reply: { values: [commit], pagelen: 50 } },
  { name: "Commit.approve", run: Commit.approve({ ...repo, commit: "a1b2c3d4e5f6" }), method: "POST", path: `${R}/commit/a1b2c3d4e5f6/approve`, reply: participant },
  { name: "Commit.unapprove", run: Commit.unapprove({ ...repo, commit: "a1b2c3d4e5f6" }), method: "DELETE", path: `${R}/commit/a1b2c3d4e5f6/approve`, reply: null },
  { name: "Commit.diffstat", run: collect(Commit.diffstat({ ...repo, spec: "main..feature" })), method: "GET", path: `${R}/diffstat/main..feature`, reply: page([{ type: "diffstat", status: "added" }]) },
  { name: "Commit.mergeBase", run: Commit.mergeBase({ ...repo, revspec: "main..feature" }), method: "GET", path: `${R}/merge-base/main..feature`, reply: commit, check: (r) => expect(r.hash).toBe("a1b2c3d4e5f6") },
  // Comments
  { name: "Comment.findForPullRequest", run: collect(Comment.findForPullRequest(pr)), method: "GET", path: `${R}/pullrequests/7/comments`, reply: page([comment]), check: (r) => expect(r[0].inline.context_lines).toBe("") },
  { name: "Comment.findForCommit", run: collect(Comment.findForCommit({ ...repo, commit: "abc" })), method: "GET", path: `${R}/commit/abc/comments`, reply: page([comment]) },
  { name: "Comment.findForSnippet", run: collect(Comment.findForSnippet({ workspace: "demo", encoded_id: "kypj" })), method: "GET", path: "/2.0/snippets/demo/kypj/comments", reply: page([comment]) },
  { name: "Comment.find", run: Comment.find({ ...pr, comment_id: 3 }), method: "GET", path: `${R}/pullrequests/7/comments/3`, reply: comment, check: (r) => expect(r.content.html).toBe("<p>Looks good</p>") },
  {
    name: "Comment.create inline on a pull request",
    run: Comment.create(pr, { content: { raw: "Looks good" }, inline: { path: "src/index.ts", to: 12 } }),
    method: "POST",
    path: `${R}/pullrequests/7/comments`,
    body: { content: { raw: "Looks good" }, inline: { path: "src/index.ts", to: 12 } },
    reply: comment
  },
  { name: "Comment.create a reply on a commit", run: Comment.create({ ...repo, commit: "abc" }, { content: { raw: "Yes" }, parent: { id: 3 } }), method: "POST", path: `${R}/commit/abc/comments`, body: { content: { raw: "Yes" }, parent: { id: 3 } }, reply: comment },
  { name: "Comment.update", run: Comment.update({ workspace: "demo", encoded_id: "kypj", comment_id: 3 }, { content: { raw: "Edited" } }), method: "PUT", path: "/2.0/snippets/demo/kypj/comments/3", body: { content: { raw: "Edited" } }, reply: comment },
  { name: "Comment.delete", run: Comment.delete({ ...pr, comment_id: 3 }), method: "DELETE", path: `${R}/pullrequests/7/comments/3`, reply: null },
  { name: "Comment.resolve", run: Comment.resolve({ ...pr, comment_id: 3 }), method: "POST", path: `${R}/pullrequests/7/comments/3/resolve`, reply: { type: "comment_resolution", user: account, created_on: "x" }, check: (r) => expect(r.type).toBe("comment_resolution") },
  { name: "Comment.reopen", run: Comment.reopen({ ...pr, comment_id: 3 }), method: "DELETE", path: `${R}/pullrequests/7/comments/3/resolve`, reply: null },
  // Build statuses
  { name: "BuildStatus.findForCommit", run: collect(BuildStatus.findForCommit({ ...repo, commit: "abc" }, { q: 'state = "FAILED"' })), method: "GET", path: `${R}/commit/abc/statuses`, query: { q: 'state = "FAILED"', pagelen: "50" }, reply: page([status]) },
  { name: "BuildStatus.find", run: BuildStatus.find({ ...repo, commit: "abc", key: "ci" }), method: "GET", path: `${R}/commit/abc/statuses/build/ci`, reply: status },
  {
    name: "BuildStatus.create",
    run: BuildStatus.create({ ...repo, commit: "abc" }, { key: "ci", state: "INPROGRESS", url: "https://ci.example.com/42", name: "CI" }),
    method: "POST",
    path: `${R}/commit/abc/statuses/build`,
    body: { key: "ci", state: "INPROGRESS", url: "https://ci.example.com/42", name: "CI" },
    reply: status
  },
  { name: "BuildStatus.update", run: BuildStatus.update({ ...repo, commit: "abc", key: "ci" }, { state: "FAILED" }), method: "PUT", path: `${R}/commit/abc/statuses/build/ci`, body: { state: "FAILED" }, reply: status },
  // Refs
  { name: "Ref.findForRepository", run: collect(Ref.findForRepository(repo, { q: 'name ~ "v"', sort: "-name" })), method: "GET", path: `${R}/refs`, query: { q: 'name ~ "v"', sort: "-name", pagelen: "50" }, reply: page([branch, { type: "tag", name: "v1", target: commit, message: "Release", tagger: { raw: "Bob" } }]), check: (r) => expect(r.map((x: { type: string }) => x.type)).toEqual(["branch", "tag"]) },
  { name: "Ref.findBranches", run: collect(Ref.findBranches(repo)), method: "GET", path: `${R}/refs/branches`, reply: page([branch]) },
  { name: "Ref.findTags", run: collect(Ref.findTags(repo)), method: "GET", path: `${R}/refs/tags`, reply: page([]) },
  { name: "Ref.findBranch with a slash in its name", run: Ref.findBranch({ ...repo, name: "feature/login" }), method: "GET", path: `${R}/refs/branches/feature%2Flogin`, reply: branch, check: (r) => expect(r.target.hash).toBe("a1b2c3d4e5f6") },
  { name: "Ref.findTag", run: Ref.findTag({ ...repo, name: "v1" }), method: "GET", path: `${R}/refs/tags/v1`, reply: { type: "tag", name: "v1" } },
  { name: "Ref.createBranch", run: Ref.createBranch(repo, { name: "feature/x", target: { hash: "abc" } }), method: "POST", path: `${R}/refs/branches`, body: { name: "feature/x", target: { hash: "abc" } }, reply: branch },
  { name: "Ref.createTag", run: Ref.createTag(repo, { name: "v2", target: { hash: "abc" }, message: "Two" }), method: "POST", path: `${R}/refs/tags`, body: { name: "v2", target: { hash: "abc" }, message: "Two" }, reply: { type: "tag", name: "v2" } },
  { name: "Ref.deleteBranch", run: Ref.deleteBranch({ ...repo, name: "feature/x" }), method: "DELETE", path: `${R}/refs/branches/feature%2Fx`, reply: null },
  { name: "Ref.deleteTag", run: Ref.deleteTag({ ...repo, name: "v2" }), method: "DELETE", path: `${R}/refs/tags/v2`, reply: null }
]

describe("Resources I operations", () => {
  for (const c of cases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => (c.reply === null ? new Response(null, { status: 204 }) : json(c.reply)))
        const result = yield* c.run.pipe(Effect.provide(mock.anonymous))
        expect(mock.requests).toHaveLength(1)
        const request = mock.requests[0]!
        expect(request.method).toBe(c.method)
        expect(request.url.pathname).toBe(c.path)
        if (c.query !== undefined) {
          for (const [key, value] of Object.entries(c.query)) {
            expect(request.url.searchParams.getAll(key)).toEqual(Array.isArray(value) ? value : [value])
          }
        }
        if (c.body !== undefined && c.body !== "") expect(JSON.parse(request.body)).toEqual(c.body)
        if (c.body === "") expect(request.body).toBe("")
        c.check?.(result)
      }))
  }
})

describe("Resources I: text answers, redirects and long merges", () => {
  it.effect("PullRequest.diff follows Bitbucket's 302 to the diff, with credentials on the same origin", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/pullrequests/7/diff")
          ? new Response(null, { status: 302, headers: { location: `https://api.bitbucket.org${R}/diff/demo/hello-effect:a1b2c3d%0D0f0f0f0f?from_pullrequest_id=7` } })
          : text("diff --git a/x b/x\n+added\n", 200)
      )
      const diff = yield* PullRequest.diff(pr).pipe(
        Effect.provide(Layer.merge(mock.layer, Authenticator.accessToken({ token: "t0ken" })))
      )
      expect(diff).toBe("diff --git a/x b/x\n+added\n")
      expect(mock.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer t0ken", "Bearer t0ken"])
      expect(mock.requests.map((r) => r.url.pathname)).toEqual([`${R}/pullrequests/7/diff`, `${R}/diff/demo/hello-effect:a1b2c3d%0D0f0f0f0f`])
    }))

  it.effect("the bytes variants of diff and patch keep a file's own encoding; the text ones decode UTF-8", () =>
    Effect.gen(function*() {
      // `café` in Latin-1: E9 is not UTF-8.
      const latin1 = new Uint8Array([...new TextEncoder().encode("+caf"), 0xe9, 0x0a])
      const mock = mockHttp(() => new Response(latin1, { status: 200, headers: { "content-type": "text/plain" } }))
      const results = yield* Effect.all([
        Commit.diffBytes({ ...repo, spec: "abc" }, { path: "README" }),
        Commit.patchBytes({ ...repo, spec: "abc" }),
        PullRequest.diffBytes(pr),
        PullRequest.patchBytes(pr)
      ].map(Resource.collectBytes)).pipe(Effect.provide(mock.anonymous))
      for (const bytes of results) expect(Array.from(bytes)).toEqual(Array.from(latin1))
      expect(yield* Commit.diff({ ...repo, spec: "abc" }).pipe(Effect.provide(mock.anonymous))).toBe("+caf\uFFFD\n")
      expect(mock.requests.map((r) => r.url.pathname)).toEqual([
        `${R}/diff/abc`,
        `${R}/patch/abc`,
        `${R}/pullrequests/7/diff`,
        `${R}/pullrequests/7/patch`,
        `${R}/diff/abc`
      ])
      expect(mock.requests[0]!.url.search).toBe("?path=README")
    }))

  it.effect("Commit.diff and Commit.patch return text", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) => text(request.url.pathname.includes("/patch/") ? "From abc\n" : "diff --git\n", 200))
      const diff = yield* Commit.diff({ ...repo, spec: "abc" }, { context: 5, path: "src" }).pipe(Effect.provide(mock.anonymous))
      const patch = yield* Commit.patch({ ...repo, spec: "abc" }).pipe(Effect.provide(mock.anonymous))
      expect([diff, patch]).toEqual(["diff --git\n", "From abc\n"])
      expect(mock.requests[0]!.url.search).toBe("?path=src&context=5")
      expect(mock.requests[0]!.headers["accept"]).toBe("text/plain")
    }))

  it.effect("PullRequest.merge polls the task status after a 202 until it succeeds", () =>
    Effect.gen(function*() {
      let polls = 0
      const task = `https://api.bitbucket.org${R}/pullrequests/7/merge/task-status/t-1`
      const mock = mockHttp((request) => {
        if (request.method === "POST") return new Response(null, { status: 202, headers: { location: task } })
        polls++
        return json(
          polls < 3
            ? { task_status: "PENDING", links: { self: { href: task } } }
            : { task_status: "SUCCESS", links: { self: { href: task } }, merge_result: { ...pullrequest, state: "MERGED" } }
        )
      })
      const fiber = yield* Effect.fork(PullRequest.merge(pr, {}, { async: true }).pipe(Effect.provide(mock.anonymous)))
      yield* TestClock.adjust("1 second")
      expect(polls).toBe(1)
      yield* TestClock.adjust("5 seconds")
      const merged = yield* Fiber.join(fiber)
      expect(merged.state).toBe("MERGED")
      expect(polls).toBe(3)
      expect(mock.requests[0]!.url.searchParams.get("async")).toBe("true")
    }))
})

describe("Resources I: invalid payloads fail before any request", () => {
  const invalid: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Requirements>, string]> = [
    ["a pull request without a title", PullRequest.create(repo, { title: "", source: { branch: { name: "x" } } }), "payload.title"],
    ["a pull request with a blank source branch", PullRequest.create(repo, { title: "t", source: { branch: { name: " " } } }), "payload.source.branch.name"],
    ["a fork into a blank workspace", Repository.fork(repo, { workspace: { slug: " " } }), "payload.workspace.slug"],
    ["an unknown merge strategy", PullRequest.merge(pr, { merge_strategy: "rebase" as never }), "payload.merge_strategy"],
    ["a bad build state", BuildStatus.create({ ...repo, commit: "abc" }, { key: "ci", state: "PASSED" as never, url: "https://x" }), "payload.state"],
    ["an empty comment", Comment.create(pr, { content: { raw: "" } }), "payload.content.raw"],
    ["a bad fork policy", Repository.create(repo, { fork_policy: "sometimes" as never }), "payload.fork_policy"],
    ["a branch without target", Ref.createBranch(repo, { name: "x", target: { hash: "" } }), "payload.target.hash"],
    ["a negative pull request id", PullRequest.find({ ...repo, pull_request_id: -1 }), "pull_request_id"],
    // A context object naming a pull request and a commit: which comments it meant is a guess.
    ["a comment subject naming two subjects", Comment.create({ ...pr, commit: "abc" } as Comment.CommitSubject, { content: { raw: "x" } }), "subject"],
    ["a comment listing of two subjects", Stream.runDrain(Comment.findFor({ ...pr, issue_id: 3 } as Comment.IssueSubject)), "subject"],
    // pybitbucket named users by username, which Bitbucket removed.
    ["a branch restriction exempting a user by username", BranchRestriction.create(repo, { kind: "push", pattern: "x", users: [{ username: "alice" }] }), "payload.users.0"],
    ["a branch restriction exempting a group without a slug", BranchRestriction.create(repo, { kind: "push", pattern: "x", groups: [{ name: "Leads" }] }), "payload.groups.0"],
    // A held endpoint is cut down to what a payload carries, but nothing is dropped that would change its meaning.
    ["a source repository named without its full name", PullRequest.create(repo, PullRequest.fromBranches({ branch: { name: "f" }, repository: { uuid: "{r}" } } as PullRequest.Endpoint, "main", { title: "t" })), "payload.source.repository.uuid"],
    ["an account given as a reviewer as it is", PullRequest.create(repo, { title: "t", source: { branch: { name: "x" } }, reviewers: [{ uuid: "{b0b}", display_name: "Bob" } as never] }), "payload.reviewers.0.display_name"],
    ["a reviewer by username", PullRequest.create(repo, { title: "t", source: { branch: { name: "x" } }, reviewers: [{ username: "bob" } as never] }), "payload.reviewers.0"],
    ["a comment ref naming no subject", Comment.delete({ workspace: "demo", comment_id: 1 } as unknown as Comment.CommentRef), "subject"]
  ]
  for (const [name, run, parameter] of invalid) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json({}))
        const error = yield* Effect.flip(run).pipe(Effect.provide(mock.anonymous))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter })
        expect(mock.requests).toHaveLength(0)
      }))
  }
})

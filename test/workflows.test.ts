/**
 * Scripted workflows through the library against the in-memory FakeBitbucket: what a user's
 * automation does end to end, then read back through Streams with BBQL filters.
 */
import { expect, layer } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import {
  Authenticator,
  BuildStatus,
  Comment,
  Commit,
  PullRequest,
  Ref,
  Repository,
  Resource,
  Snippet,
  Webhook
} from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("Resources I workflow", (it) => {
  it.effect("repository, branch, pull request, comment, build status, approve, merge; listed back with q", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "workflow-repo" }
      const created = yield* Repository.create(repo, { scm: "git", is_private: false, description: "made by a test", language: "typescript" })
      expect(created.full_name).toBe("demo/workflow-repo")

      // A new repository is empty, as on Bitbucket: the rest happens in one with history. Branch
      // off a commit that main does not have, and open a pull request from the new branch.
      const playground = { workspace: "demo", repo_slug: "effect-playground" }
      const typo = yield* Ref.findBranch({ ...playground, name: "bugfix/typo" })
      const branch = yield* Ref.createBranch(playground, { name: "feature/workflow", target: { hash: typo.target!.hash! } })
      expect(branch.target?.hash).toBe(typo.target?.hash)
      const source = branch
      const pr = yield* PullRequest.create(
        playground,
        PullRequest.addReviewers(PullRequest.fromBranches(source, "main", { title: "Workflow: fix the typo" }), [
          { account_id: "557058:bob" }
        ])
      )
      expect(pr.reviewers?.map((r) => r.account_id)).toEqual(["557058:bob"])
      const ref = { ...playground, pull_request_id: pr.id! }
      const comment = yield* Comment.create(ref, { content: { raw: "Ship it" } })
      expect(comment.content?.raw).toBe("Ship it")
      const status = yield* BuildStatus.create(
        { ...playground, commit: source.target!.hash! },
        { key: "workflow-ci", state: "SUCCESSFUL", url: "https://ci.example.com/1", name: "Workflow CI" }
      )
      expect(status.state).toBe("SUCCESSFUL")
      const approval = yield* PullRequest.approve(ref)
      expect(approval.approved).toBe(true)
      const merged = yield* PullRequest.merge(ref, { merge_strategy: "merge_commit" })
      expect(merged.state).toBe("MERGED")

      // Read everything back through Streams with BBQL filters.
      const repos = yield* collect(Repository.findForWorkspace({ workspace: "demo" }, { q: 'description ~ "made by a test"' }))
      expect(repos.map((r) => r.full_name)).toEqual(["demo/workflow-repo"])
      const branches = yield* collect(Ref.findBranches(playground, { q: 'name ~ "workflow"' }))
      expect(branches.map((b) => b.name)).toEqual(["feature/workflow"])
      const mergedPrs = yield* collect(PullRequest.findForRepository(playground, { state: "MERGED", q: 'title ~ "Workflow"' }))
      expect(mergedPrs.map((p) => p.id)).toEqual([pr.id])
      const comments = yield* collect(Comment.findForPullRequest(ref, { q: 'content.raw ~ "Ship"' }))
      expect(comments.map((c) => c.id)).toEqual([comment.id])
      const statuses = yield* collect(BuildStatus.findForCommit({ ...playground, commit: source.target!.hash! }, { q: 'key = "workflow-ci"' }))
      expect(statuses.map((s) => s.state)).toEqual(["SUCCESSFUL"])
      const history = yield* collect(Commit.findForRepository(playground, { branch: "main" }).pipe(Stream.take(40)))
      // Bitbucket abbreviates merge_commit.hash to 12 characters; the history has full hashes.
      const mergeHash = merged.merge_commit?.hash ?? "none"
      expect(history.filter((c) => c.hash?.startsWith(mergeHash))).toHaveLength(1)
    }))
})

layer(AsAlice)("Resources II workflow", (it) => {
  it.effect("a snippet with two files: read both back, comment on it, delete it", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array([0x00, 0xff, 0x80, 0x7f, 0xc3])
      const snippet = yield* Snippet.create({ workspace: "demo" }, {
        title: "Workflow snippet",
        files: [{ name: "notes.md", content: "# Notes\n" }, { name: "blob.bin", content: bytes }]
      })
      const ref = yield* Snippet.refOf(snippet)
      expect(Snippet.filenames(snippet).slice().sort()).toEqual(["blob.bin", "notes.md"])
      expect(yield* Snippet.contentText(ref, "notes.md")).toBe("# Notes\n")
      expect(Array.from(yield* Resource.collectBytes(Snippet.content(ref, "blob.bin")))).toEqual(Array.from(bytes))
      const comment = yield* Comment.create(ref, { content: { raw: "Nice snippet" } })
      const comments = yield* collect(Comment.findForSnippet(ref))
      expect(comments.map((c) => c.id)).toContain(comment.id)
      yield* Snippet.delete(ref)
      const gone = yield* Effect.flip(Snippet.find(ref))
      expect(gone._tag).toBe("NotFound")
    }))

  it.effect("a webhook: create, list, delete", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const hook = yield* Webhook.create(repo, {
        url: "https://ci.example.com/hooks/workflow",
        description: "Workflow hook",
        active: true,
        events: ["repo:push", "pullrequest:created"],
        secret: "workflow-secret"
      })
      expect(hook["secret"]).toBeUndefined()
      expect(hook["secret_set"]).toBe(true)
      const listed = yield* collect(Webhook.findForRepository(repo))
      expect(listed.map((h) => h.uuid)).toContain(hook.uuid)
      yield* Webhook.delete({ ...repo, uid: hook.uuid! })
      const after = yield* collect(Webhook.findForRepository(repo))
      expect(after.map((h) => h.uuid)).not.toContain(hook.uuid)
    }))
})

layer(AsAlice)("redirected reads", (it) => {
  it.effect("a pull request's diffstat and diff follow Bitbucket's redirect, and keep their options", () =>
    Effect.gen(function*() {
      const pr = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
      const fake = yield* FakeBitbucket.FakeBitbucket
      const before = (yield* fake.requests).length
      // The diffstat endpoint only ever answers 302; pages of one file show `pagelen` went along.
      const stats = yield* collect(PullRequest.diffstat(pr, { pagelen: 1 }))
      const paths = stats.map((s) => String(s.new?.path ?? s.old?.path))
      expect(paths.length).toBeGreaterThan(0)
      const sent = (yield* fake.requests).slice(before).map((r) => r.url)
      expect(sent[0]).toContain("/pullrequests/1/diffstat?pagelen=1")
      expect(sent[1]).toMatch(/\/diffstat\/[0-9a-f]+\.\.[0-9a-f]+\?.*pagelen=1/)
      expect(sent).toHaveLength(1 + paths.length)
      // The diff's options are the target's parameters: only the file asked for, or nothing.
      const whole = yield* PullRequest.diff(pr)
      const first = yield* PullRequest.diff(pr, { path: paths[0]! })
      expect(whole).toContain(`+++ b/${paths[0]}`)
      expect(first).toContain(`+++ b/${paths[0]}`)
      if (paths.length > 1) expect(first.length).toBeLessThan(whole.length)
      expect(yield* PullRequest.diff(pr, { path: "does/not/exist.ts" })).toBe("")
    }))
})

layer(AsAlice)("repository-wide pull request activity", (it) => {
  it.effect("activityForRepository streams the activity of every pull request, each naming its pull request", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const all = yield* collect(PullRequest.activityForRepository(repo, { pagelen: 5 }))
      const ids = new Set(all.map((entry) => (entry["pull_request"] as { id: number }).id))
      expect(ids.size).toBeGreaterThan(1)
      // It holds each pull request's own activity.
      const one = yield* collect(PullRequest.activity({ ...repo, pull_request_id: 1 }))
      expect(all.filter((entry) => (entry["pull_request"] as { id: number }).id === 1)).toHaveLength(one.length)
    }))
})


layer(AsAlice)("changing what a listing selects", (it) => {
  // Bitbucket pages by number: a listing whose items leave its filter while it is read skips some.
  // The README and the TSDoc examples collect first; this shows why, and that the way they show works.
  const repo = { workspace: "demo", repo_slug: "effect-playground" }
  const stale = (commit: Commit.CommitRef, prefix: string) => BuildStatus.findForCommit(commit, { q: `state = "INPROGRESS" AND key ~ "${prefix}"`, pagelen: 10 })
  const stop = (status: BuildStatus.BuildStatus) =>
    Effect.flatMap(BuildStatus.refOf(status), (ref) => BuildStatus.update(ref, { state: "STOPPED" }))
  const start = (commit: Commit.CommitRef, prefix: string) =>
    Effect.forEach(Array.from({ length: 30 }, (_, i) => i), (i) =>
      BuildStatus.create(commit, { key: `${prefix}-${i}`, state: "INPROGRESS", url: `https://ci.example.com/${prefix}/${i}` }), { discard: true })

  it.effect("updating while streaming skips items; collecting first (the documented way) stops every one", () =>
    Effect.gen(function*() {
      const main = yield* Ref.findBranch({ ...repo, name: "main" })
      const commit = { ...repo, commit: main.target!.hash! }
      yield* start(commit, "streamed")
      yield* stale(commit, "streamed").pipe(Stream.mapEffect(stop), Stream.runDrain)
      expect((yield* collect(stale(commit, "streamed"))).length).toBeGreaterThan(0)

      yield* start(commit, "collected")
      yield* stale(commit, "collected").pipe(Stream.runCollect, Effect.flatMap(Effect.forEach(stop, { discard: true })))
      expect(yield* collect(stale(commit, "collected"))).toEqual([])
    }))
})

/**
 * `refOf` on every module whose resources carry a `links.self`: a resource found or listed on the
 * fake gives back the ref its own operations take (update, delete, approve, ... act on it), and
 * one without a link (trimmed by `fields`) or with a link of another kind fails with InvalidInput.
 * Each test runs on a fresh fake, as Alice.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import {
  Authenticator,
  BranchRestriction,
  BuildStatus,
  Comment,
  Commit,
  DeployKey,
  Download,
  Issue,
  Pipeline,
  Project,
  PullRequest,
  Ref,
  Repository,
  Resource,
  Snippet,
  SshKey,
  Task
} from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const withFake = <A, E, R>(effect: Effect.Effect<A, E, R>) => effect.pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer())))
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const first = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(collect(Stream.take(stream, 1)), (all) => all[0]!)

const playground = { workspace: "demo", repo_slug: "effect-playground" }
const pr1 = { ...playground, pull_request_id: 1 }
const CI = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com"
const DEPLOY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc deploy@example.com"

/** The resource without its links, as a `fields` selection that leaves them out returns it. */
const unlinked = <A extends { readonly links?: unknown }>(resource: A): A => ({ ...resource, links: undefined })
/** The resource with `links.self` pointing at `path` under the API's base URL. */
const linkedTo = <A extends object>(resource: A, path: string): A => ({
  ...resource,
  links: { self: { href: `https://api.bitbucket.org/2.0${path}` } }
})
const invalid = (parameter: string) => ({ _tag: "InvalidInput", parameter })

describe("Comment.refOf", () => {
  it.effect("a pull request, commit, issue or snippet comment gives back its own subject, and acts on it", () =>
    withFake(Effect.gen(function*() {
      // Pull request: listed, then edited and resolved through the ref (narrowed by its key).
      yield* Comment.create(pr1, { content: { raw: "on the pull request" }, inline: { path: "src/streams.ts", to: 6 } })
      const onPr = (yield* collect(Comment.findForPullRequest(pr1))).find((c) => c.content?.raw === "on the pull request")!
      const prRef = yield* Comment.refOf(onPr)
      expect(prRef).toEqual({ ...pr1, comment_id: onPr.id })
      expect((yield* Comment.update(prRef, { content: { raw: "edited" } })).content?.raw).toBe("edited")
      if (!("pull_request_id" in prRef)) return expect.fail("a pull request comment's ref names its pull request")
      yield* Comment.resolve(prRef)
      expect((yield* Comment.find(prRef)).resolution).toBeTruthy()

      // Commit: deleted through the ref.
      const main = yield* Commit.find({ ...playground, commit: "main" })
      const commit = { ...playground, commit: main.hash! }
      const onCommit = yield* Comment.create(commit, { content: { raw: "on the commit" } })
      const commitRef = yield* Comment.refOf(onCommit)
      expect(commitRef).toEqual({ ...commit, comment_id: onCommit.id })
      yield* Comment.delete(commitRef)
      expect((yield* collect(Comment.findForCommit(commit))).map((c) => c.id)).not.toContain(onCommit.id)

      // Issue: its id comes back a number.
      const issue = yield* Issue.create(playground, { title: "refOf" })
      const issueSubject = { ...playground, issue_id: issue.id! }
      yield* Comment.create(issueSubject, { content: { raw: "on the issue" } })
      const [onIssue] = yield* collect(Comment.findForIssue(issueSubject))
      const issueRef = yield* Comment.refOf(onIssue!)
      expect(issueRef).toEqual({ ...issueSubject, comment_id: onIssue!.id })
      expect((yield* Comment.update(issueRef, { content: { raw: "issue, edited" } })).content?.raw).toBe("issue, edited")

      // Snippet.
      const snippet = yield* Snippet.create({ workspace: "demo" }, { files: [{ name: "a.txt", content: "a" }] })
      const snippetSubject = yield* Snippet.refOf(snippet)
      yield* Comment.create(snippetSubject, { content: { raw: "on the snippet" } })
      const [onSnippet] = yield* collect(Comment.findForSnippet(snippetSubject))
      const snippetRef = yield* Comment.refOf(onSnippet!)
      expect(snippetRef).toEqual({ ...snippetSubject, comment_id: onSnippet!.id })
      yield* Comment.delete(snippetRef)
      expect(yield* collect(Comment.findForSnippet(snippetSubject))).toEqual([])
    })))

  it.effect("a comment trimmed of its link, or with a link that is not a comment's, is InvalidInput", () =>
    withFake(Effect.gen(function*() {
      const trimmed = yield* first(Comment.findForPullRequest(pr1, { fields: "values.id" }))
      expect(trimmed.links).toBeUndefined()
      expect(yield* Effect.flip(Comment.refOf(trimmed))).toMatchObject(invalid("comment"))
      // A pull request's own link, or a comment's on an unknown kind of subject, names no comment.
      expect(yield* Effect.flip(Comment.refOf(linkedTo(trimmed, "/repositories/demo/x/pullrequests/1")))).toMatchObject(invalid("comment"))
      expect(yield* Effect.flip(Comment.refOf(linkedTo(trimmed, "/repositories/demo/x/wiki/1/comments/2")))).toMatchObject(invalid("comment"))
    })))
})

describe("Commit.refOf", () => {
  it.effect("a listed commit, or one a pull request embeds, is approved through its ref", () =>
    withFake(Effect.gen(function*() {
      const commit = yield* first(Commit.findForRepository(playground, { branch: "main" }))
      const ref = yield* Commit.refOf(commit)
      expect(ref).toEqual({ ...playground, commit: commit.hash })
      expect((yield* Commit.approve(ref)).approved).toBe(true)
      yield* Commit.unapprove(ref)

      // A pull request's source commit is embedded with its link.
      const pr = yield* PullRequest.find(pr1)
      const source = yield* Commit.refOf(pr.source!.commit!)
      // Bitbucket abbreviates an embedded commit's hash, in its link too (the fake's link has the
      // whole of it): either names the commit.
      expect(source.commit.startsWith(pr.source!.commit!.hash!)).toBe(true)
      expect((yield* Commit.find(source)).hash).toBe(source.commit)
      expect(yield* Effect.flip(Commit.refOf(unlinked(commit)))).toMatchObject(invalid("commit"))
      expect(yield* Effect.flip(Commit.refOf(linkedTo(commit, "/repositories/demo/x/commit/abc/statuses")))).toMatchObject(invalid("commit"))
    })))
})

describe("BuildStatus.refOf", () => {
  it.effect("a listed status (its key with a slash) is updated through its ref", () =>
    withFake(Effect.gen(function*() {
      const main = yield* Commit.find({ ...playground, commit: "main" })
      const commit = { ...playground, commit: main.hash! }
      yield* BuildStatus.create(commit, { key: "ci/unit", state: "INPROGRESS", url: "https://ci.example.com/builds/1" })
      const status = (yield* collect(BuildStatus.findForCommit(commit))).find((s) => s.key === "ci/unit")!
      const ref = yield* BuildStatus.refOf(status)
      expect(ref).toEqual({ ...commit, key: "ci/unit" })
      expect((yield* BuildStatus.update(ref, { state: "SUCCESSFUL" })).state).toBe("SUCCESSFUL")
      expect((yield* BuildStatus.find(ref)).state).toBe("SUCCESSFUL")

      const trimmed = yield* first(BuildStatus.findForCommit(commit, { fields: "values.key" }))
      expect(yield* Effect.flip(BuildStatus.refOf(trimmed))).toMatchObject(invalid("build status"))
    })))
})

describe("BranchRestriction.refOf", () => {
  it.effect("a listed restriction is modified and deleted through its ref (pybitbucket's restriction.modify())", () =>
    withFake(Effect.gen(function*() {
      const created = yield* BranchRestriction.create(playground, {
        kind: "require_approvals_to_merge",
        branch_match_kind: "glob",
        pattern: "hotfix/*",
        value: 1
      })
      const listed = (yield* collect(BranchRestriction.findForRepository(playground, { pattern: "hotfix/*" })))[0]!
      const ref = yield* BranchRestriction.refOf(listed)
      expect(ref).toEqual({ ...playground, id: created.id })
      expect((yield* BranchRestriction.update(ref, { value: 2 })).value).toBe(2)
      yield* BranchRestriction.delete(ref)
      expect(yield* collect(BranchRestriction.findForRepository(playground, { pattern: "hotfix/*" }))).toEqual([])
      expect(yield* Effect.flip(BranchRestriction.refOf(unlinked(listed)))).toMatchObject(invalid("branch restriction"))
    })))
})

describe("Task.refOf", () => {
  it.effect("a listed task is resolved and deleted through its ref", () =>
    withFake(Effect.gen(function*() {
      const created = yield* Task.create(pr1, { content: { raw: "Add a test" } })
      const listed = (yield* collect(Task.findForPullRequest(pr1))).find((t) => t.id === created.id)!
      const ref = yield* Task.refOf(listed)
      expect(ref).toEqual({ ...pr1, task_id: created.id })
      expect((yield* Task.resolve(ref)).state).toBe("RESOLVED")
      const trimmed = yield* first(Task.findForPullRequest(pr1, { fields: "values.id" }))
      expect(yield* Effect.flip(Task.refOf(trimmed))).toMatchObject(invalid("task"))
      yield* Task.delete(ref)
      expect((yield* collect(Task.findForPullRequest(pr1))).map((t) => t.id)).not.toContain(created.id)
    })))
})

describe("Pipeline.refOf", () => {
  it.effect("a listed run is found and stopped through its ref", () =>
    withFake(Effect.gen(function*() {
      const started = yield* Pipeline.trigger(playground, { target: Pipeline.onBranch("main") })
      const listed = yield* first(Pipeline.findForRepository(playground))
      const ref = yield* Pipeline.refOf(listed)
      expect(ref).toEqual({ ...playground, pipeline_uuid: started.uuid })
      yield* Pipeline.stop(ref)
      expect((yield* Pipeline.find(ref)).state?.result?.name).toBe("STOPPED")

      const trimmed = yield* first(Pipeline.findForRepository(playground, { fields: "values.uuid" }))
      expect(yield* Effect.flip(Pipeline.refOf(trimmed))).toMatchObject(invalid("pipeline run"))
    })))
})

describe("Ref.branchRefOf and Ref.tagRefOf", () => {
  it.effect("a listed branch (named with a slash) or tag is deleted through its ref; a tag is not a branch", () =>
    withFake(Effect.gen(function*() {
      const main = yield* Ref.findBranch({ ...playground, name: "main" })
      yield* Ref.createBranch(playground, { name: "scratch/refof", target: { hash: main.target!.hash! } })
      yield* Ref.createTag(playground, { name: "v9.9.9-rc", target: { hash: main.target!.hash! } })

      const branch = yield* first(Ref.findBranches(playground, { q: 'name = "scratch/refof"' }))
      const branchRef = yield* Ref.branchRefOf(branch)
      expect(branchRef).toEqual({ ...playground, name: "scratch/refof" })
      const tag = yield* first(Ref.findTags(playground, { q: 'name = "v9.9.9-rc"' }))
      const tagRef = yield* Ref.tagRefOf(tag)
      expect(tagRef).toEqual({ ...playground, name: "v9.9.9-rc" })

      // Each reads only its own kind's link, so deleteBranch never gets a tag's name.
      expect(yield* Effect.flip(Ref.branchRefOf(tag))).toMatchObject(invalid("branch"))
      expect(yield* Effect.flip(Ref.tagRefOf(branch))).toMatchObject(invalid("tag"))
      // Bitbucket may write the name's slash as is: the rest of the path is the name.
      expect(yield* Ref.branchRefOf(linkedTo(branch, "/repositories/demo/effect-playground/refs/branches/scratch/refof"))).toEqual(branchRef)
      expect(yield* Ref.branchRefOf(linkedTo(branch, "/repositories/demo/effect-playground/refs/branches/scratch/refof/?x=1")))
        .toEqual(branchRef)
      expect(yield* Effect.flip(Ref.branchRefOf(linkedTo(branch, "/repositories/demo/effect-playground/refs/branches/")))).toMatchObject(
        invalid("branch")
      )

      yield* Ref.deleteBranch(branchRef)
      yield* Ref.deleteTag(tagRef)
      expect(yield* collect(Ref.findBranches(playground, { q: 'name = "scratch/refof"' }))).toEqual([])
      expect(yield* collect(Ref.findTags(playground, { q: 'name = "v9.9.9-rc"' }))).toEqual([])
      expect(yield* Effect.flip(Ref.branchRefOf(unlinked(main)))).toMatchObject(invalid("branch"))
    })))
})

describe("Project.refOf", () => {
  it.effect("a listed project, or a repository's, is updated through its ref", () =>
    withFake(Effect.gen(function*() {
      const listed = (yield* collect(Project.findForWorkspace({ workspace: "acme" }))).find((p) => p.key === "ACME")!
      const ref = yield* Project.refOf(listed)
      expect(ref).toEqual({ workspace: "acme", project_key: "ACME" })
      expect((yield* Project.update(ref, { description: "Red planet" })).description).toBe("Red planet")

      const repo = yield* Repository.find({ workspace: "acme", repo_slug: "api" })
      expect(yield* Project.refOf(repo.project!)).toEqual({ workspace: "acme", project_key: repo.project!.key })
      expect(yield* Effect.flip(Project.refOf(unlinked(listed)))).toMatchObject(invalid("project"))
    })))
})

describe("DeployKey.refOf and DeployKey.projectKeyRefOf", () => {
  it.effect("a listed repository or project key is changed and removed through its ref; each reads only its own kind", () =>
    withFake(Effect.gen(function*() {
      yield* DeployKey.create(playground, { key: CI, label: "CI" })
      const key = (yield* collect(DeployKey.findForRepository(playground))).find((k) => k.label === "CI")!
      const ref = yield* DeployKey.refOf(key)
      expect(ref).toEqual({ ...playground, key_id: key.id })
      expect((yield* DeployKey.update(ref, { key: CI, label: "CI runners" })).label).toBe("CI runners")
      yield* DeployKey.delete(ref)
      expect((yield* collect(DeployKey.findForRepository(playground))).map((k) => k.id)).not.toContain(key.id)

      const ops = { workspace: "acme", project_key: "OPS" }
      yield* DeployKey.createProjectKey(ops, { key: DEPLOY, label: "Deploys" })
      const projectKey = (yield* collect(DeployKey.findForProject(ops))).find((k) => k.label === "Deploys")!
      const projectRef = yield* DeployKey.projectKeyRefOf(projectKey)
      expect(projectRef).toEqual({ ...ops, key_id: projectKey.id })
      expect(yield* Effect.flip(DeployKey.refOf(projectKey))).toMatchObject(invalid("deploy key"))
      expect(yield* Effect.flip(DeployKey.projectKeyRefOf(key))).toMatchObject(invalid("project deploy key"))
      yield* DeployKey.deleteProjectKey(projectRef)
      expect((yield* collect(DeployKey.findForProject(ops))).map((k) => k.id)).not.toContain(projectKey.id)
    })))
})

describe("SshKey.refOf", () => {
  it.effect("a listed key is relabelled and removed through its ref", () =>
    withFake(Effect.gen(function*() {
      const me = { selected_user: "557058:alice" }
      const added = yield* SshKey.create(me, { key: CI, label: "Laptop" })
      const [listed] = yield* collect(SshKey.findForUser(me))
      const ref = yield* SshKey.refOf(listed!)
      expect(ref.key_id).toBe(added.uuid)
      expect((yield* SshKey.update(ref, { label: "Old laptop" })).label).toBe("Old laptop")
      yield* SshKey.delete(ref)
      expect(yield* collect(SshKey.findForUser(me))).toEqual([])
      expect(yield* Effect.flip(SshKey.refOf(unlinked(listed!)))).toMatchObject(invalid("SSH key"))
    })))
})

describe("Issue.attachmentRefOf", () => {
  it.effect("a listed attachment is read and removed through its ref", () =>
    withFake(Effect.gen(function*() {
      const issue = yield* Issue.create(playground, { title: "attachments" })
      const issueRef = yield* Issue.refOf(issue)
      yield* Issue.uploadAttachments(issueRef, [{ name: "trace.log", content: "retry 1\n" }])
      const [file] = yield* collect(Issue.findAttachments(issueRef))
      const ref = yield* Issue.attachmentRefOf(file!)
      expect(ref).toEqual({ ...issueRef, path: "trace.log" })
      expect(new TextDecoder().decode(yield* Resource.collectBytes(Issue.attachmentContent(ref)))).toBe("retry 1\n")
      yield* Issue.deleteAttachment(ref)
      expect(yield* collect(Issue.findAttachments(issueRef))).toEqual([])
      expect(yield* Effect.flip(Issue.attachmentRefOf(unlinked(file!)))).toMatchObject(invalid("issue attachment"))
    })))
})

describe("Download.refOf", () => {
  it.effect("a listed download is read and deleted through its ref", () =>
    withFake(Effect.gen(function*() {
      const api = { workspace: "acme", repo_slug: "api" }
      yield* Download.upload(api, [{ name: "notes 1.0.txt", content: "hello\n" }])
      const file = (yield* collect(Download.findForRepository(api))).find((d) => d.name === "notes 1.0.txt")!
      const ref = yield* Download.refOf(file)
      expect(ref).toEqual({ ...api, filename: "notes 1.0.txt" })
      expect(new TextDecoder().decode(yield* Resource.collectBytes(Download.content(ref)))).toBe("hello\n")
      yield* Download.delete(ref)
      expect((yield* collect(Download.findForRepository(api))).map((d) => d.name)).not.toContain("notes 1.0.txt")
      expect(yield* Effect.flip(Download.refOf(unlinked(file)))).toMatchObject(invalid("download"))
    })))
})

describe("refOf reads the resource's own path, nothing deeper", () => {
  const api = "https://api.bitbucket.org/2.0"
  it.effect("a link whose template fits only deep inside another resource's path is InvalidInput", () =>
    Effect.gen(function*() {
      // A file under a repository's src, whose path happens to read like a repository's.
      const file = { links: { self: { href: `${api}/repositories/ws/r/src/abc/repositories/x/y` } } }
      expect(yield* Effect.flip(Repository.refOf(file))).toMatchObject({ _tag: "InvalidInput" })
      // Behind a proxy's prefix, the resource's own path still reads.
      const proxied = { links: { self: { href: "https://proxy.example/bitbucket/2.0/repositories/ws/r" } } }
      expect(yield* Repository.refOf(proxied)).toEqual({ workspace: "ws", repo_slug: "r" })
    }))
})

/**
 * Issue trackers: the Issue module (and Comment with an issue subject) against the in-memory
 * FakeBitbucket (each test on a fresh fake, as Alice unless it says otherwise), and the requests
 * it sends against a scripted client.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, Comment, Issue, Repository, Resource } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
const asCarol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })

/** The default seed plus demo workspace tokens with issue scopes, or repository scopes only. */
const scoped = FakeBitbucket.layer({
  seed: {
    ...FakeBitbucket.defaultSeed,
    accessTokens: [
      ...FakeBitbucket.defaultSeed.accessTokens ?? [],
      { token: "issue-reader", workspace: "demo", scopes: ["issue"] },
      { token: "issue-voter", user: "alice@example.com", scopes: ["issue", "account:write"] },
      { token: "issue-account-writer", user: "alice@example.com", scopes: ["issue:write", "account:write"] },
      { token: "issue-writer", workspace: "demo", scopes: ["issue:write"] },
      { token: "repo-only", workspace: "demo", scopes: ["repository", "repository:write"] }
    ]
  }
})
/** Public, with an issue tracker; Alice owns it, Bob writes, Carol only reads. */
const playground = { workspace: "demo", repo_slug: "effect-playground" }
/** Public, without an issue tracker. */
const noTracker = { workspace: "demo", repo_slug: "ts-utils" }
/** Private (acme), with a tracker: Carol cannot see it. */
const acmeApi = { workspace: "acme", repo_slug: "api" }

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
/** The error an effect fails with; a success fails the test. */
const failure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flatMap(
    Effect.either(effect),
    Either.match({ onLeft: Effect.succeed, onRight: () => Effect.die(new Error("expected a failure, but it succeeded")) })
  )

/** Reports an issue on the playground; its ref. */
const reported = (title: string) => Effect.map(Issue.create(playground, { title }), (issue) => ({ ...playground, issue_id: issue.id! }))

describe("Issue against the fake", () => {
  it.effect("create, find, list, update, delete: a round trip; ids count up and are never reused", () =>
    Effect.gen(function*() {
      const created = yield* Issue.create(playground, {
        title: "Retries never stop",
        content: { raw: "The schedule has **no** cap." },
        kind: "bug",
        priority: "critical",
        component: { name: "api" },
        milestone: { name: "1.x" },
        version: { name: "1.1.0" }
      })
      expect(created).toMatchObject({
        type: "issue",
        id: 1,
        title: "Retries never stop",
        kind: "bug",
        priority: "critical",
        state: "new",
        reporter: { account_id: "557058:alice" },
        assignee: null,
        component: { id: 1, name: "api" },
        milestone: { id: 1, name: "1.x" },
        version: { id: 2, name: "1.1.0" },
        votes: 0
      })
      expect(created.content?.html).toContain("<strong>no</strong>")
      // Unknown fields survive decoding.
      expect(Resource.relationships(created)).toEqual(expect.arrayContaining(["comments", "attachments", "vote", "watch"]))
      const ref = { ...playground, issue_id: created.id! }

      // Bob (a writer) reports one too, with defaults.
      const second = yield* Issue.create(playground, { title: "Document pagination" }).pipe(Effect.provide(asBob))
      expect(second).toMatchObject({ id: 2, kind: "bug", priority: "major", state: "new", reporter: { account_id: "557058:bob" } })

      expect((yield* Issue.find(ref)).title).toBe("Retries never stop")
      const updated = yield* Issue.update(ref, { priority: "blocker", assignee: { account_id: "557058:bob" }, milestone: null })
      expect(updated).toMatchObject({ priority: "blocker", assignee: { account_id: "557058:bob" }, milestone: null, title: "Retries never stop" })
      // An assignee by uuid, as every account has one (bots and access tokens included).
      const byUuid = yield* Issue.update(ref, { assignee: { uuid: "{b3a4c5d6-e7f8-4a9b-8c0d-2e3f4a5b6c73}" } })
      expect(byUuid.assignee?.account_id).toBe("557058:carol")
      expect((yield* collect(Issue.findForRepository(playground))).map((i) => i.id)).toEqual([1, 2])

      yield* Issue.delete({ ...playground, issue_id: 2 })
      expect(yield* failure(Issue.find({ ...playground, issue_id: 2 }))).toBeInstanceOf(BitbucketError.NotFound)
      const third = yield* Issue.create(playground, { title: "After the delete" })
      expect(third.id).toBe(3)
      // Each repository counts its own issues.
      expect((yield* Issue.create(acmeApi, { title: "First in acme" })).id).toBe(1)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("BBQL filters and sorts issues", () =>
    Effect.gen(function*() {
      yield* Issue.create(playground, { title: "Crash on empty page", kind: "bug", priority: "critical" })
      yield* Issue.create(playground, { title: "Add a streaming API", kind: "enhancement", priority: "minor" })
      yield* Issue.create(playground, { title: "Crash on 555", kind: "bug", priority: "major", state: "open" })
      yield* Issue.create(playground, { title: "Write docs", kind: "task" }).pipe(Effect.provide(asBob))
      const titles = (q: string, sort?: string) =>
        Effect.map(collect(Issue.findForRepository(playground, { q, sort, pagelen: 2 })), (issues) => issues.map((i) => i.title))
      expect(yield* titles('kind = "bug"')).toEqual(["Crash on empty page", "Crash on 555"])
      expect(yield* titles('kind = "bug" AND state = "open"')).toEqual(["Crash on 555"])
      expect(yield* titles('title ~ "crash" OR reporter.account_id = "557058:bob"', "-id")).toEqual([
        "Write docs",
        "Crash on 555",
        "Crash on empty page"
      ])
      expect(yield* titles('kind = "proposal"')).toEqual([])
      expect(yield* failure(collect(Issue.findForRepository(playground, { q: "nonsense = 1" })))).toBeInstanceOf(BitbucketError.BadRequest)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a change sets the state with a message and records who and when; changes list and filter", () =>
    Effect.gen(function*() {
      const issue = yield* Issue.create(playground, { title: "Flaky test", kind: "bug" })
      const ref = { ...playground, issue_id: issue.id! }
      const change = yield* Issue.createChange(ref, { changes: { state: { new: "resolved" } }, message: { raw: "Fixed in *1.2*" } }).pipe(
        Effect.provide(asBob)
      )
      expect(change).toMatchObject({
        type: "issue_change",
        user: { account_id: "557058:bob" },
        changes: { state: { old: "new", new: "resolved" } },
        message: { raw: "Fixed in *1.2*" }
      })
      expect(typeof change.created_on).toBe("string")
      expect(change.message?.html).toContain("<em>1.2</em>")
      expect((yield* Issue.find(ref)).state).toBe("resolved")

      // An edit with PUT is logged too, without a message.
      yield* Issue.update(ref, { kind: "task" })
      yield* Issue.createChange(ref, { changes: { state: { new: "open" }, priority: { new: "blocker" } } })
      const all = yield* collect(Issue.findChanges(ref))
      expect(all.map((c) => Object.keys(c.changes ?? {}))).toEqual([["state"], ["kind"], ["state", "priority"]])
      const reopened = yield* collect(Issue.findChanges(ref, { q: 'changes.state.new = "open"' }))
      expect(reopened.map((c) => c.id)).toEqual([all[2]!.id])
      expect(yield* Issue.findChange({ ...ref, change_id: all[0]!.id! })).toMatchObject({ message: { raw: "Fixed in *1.2*" } })
      expect(yield* Issue.find(ref)).toMatchObject({ state: "open", priority: "blocker", kind: "task" })
      expect(yield* failure(Issue.findChange({ ...ref, change_id: 99 }))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("the assignee changes by account id, as assignee_account_id (the spec's field), in changes and in the log", () =>
    Effect.gen(function*() {
      const ref = yield* reported("Who takes it?")
      const change = yield* Issue.createChange(ref, { changes: { assignee_account_id: { new: "557058:bob" } }, message: { raw: "Bob's" } })
      expect(change.changes).toEqual({ assignee_account_id: { old: null, new: "557058:bob" } })
      expect((yield* Issue.find(ref)).assignee?.account_id).toBe("557058:bob")
      // An edit of the assignee is logged the same way: account ids, not uuids.
      yield* Issue.update(ref, { assignee: { account_id: "557058:carol" } })
      const logged = yield* collect(Issue.findChanges(ref, { q: 'changes.assignee_account_id.new = "557058:carol"' }))
      expect(logged.map((c) => c.changes)).toEqual([{ assignee_account_id: { old: "557058:bob", new: "557058:carol" } }])
    }).pipe(Effect.provide(AsAlice)))

  it.effect("comments on an issue through Comment: create, find, list, update, delete", () =>
    Effect.gen(function*() {
      const subject = yield* reported("Needs discussion")
      const first = yield* Comment.create(subject, { content: { raw: "I can reproduce it." } }).pipe(Effect.provide(asCarol))
      expect(first).toMatchObject({ type: "issue_comment", content: { raw: "I can reproduce it." }, user: { account_id: "557058:carol" } })
      expect(first.issue).toMatchObject({ id: subject.issue_id })
      const second = yield* Comment.create(subject, { content: { raw: "Me too." } })
      const ref = { ...subject, comment_id: first.id! }
      expect((yield* Comment.find(ref)).content?.raw).toBe("I can reproduce it.")
      expect((yield* Comment.update(ref, { content: { raw: "Reproduced on 1.1." } }).pipe(Effect.provide(asCarol))).content?.raw).toBe(
        "Reproduced on 1.1."
      )
      // Carol, who only reads, may not edit Alice's comment.
      expect(yield* failure(Comment.update({ ...subject, comment_id: second.id! }, { content: { raw: "x" } }).pipe(Effect.provide(asCarol))))
        .toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* collect(Comment.findForIssue(subject))).map((c) => c.id)).toEqual([first.id, second.id])
      expect((yield* collect(Comment.findFor(subject))).map((c) => c.content?.raw)).toEqual(["Reproduced on 1.1.", "Me too."])
      yield* Comment.delete(ref)
      expect(yield* failure(Comment.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("attachments: upload (multipart), list, bytes exact through the redirect, replace, delete", () =>
    Effect.gen(function*() {
      const ref = yield* reported("Corrupt archive")
      const binary = new Uint8Array([0x00, 0xff, 0x0d, 0x0a, 0x1f, 0x8b, 0x80, 0x0d])
      yield* Issue.uploadAttachments(ref, [{ name: "dump.bin", content: binary }, { name: "trace.log", content: "retry 1\r\nretry 2\n" }])
      expect((yield* collect(Issue.findAttachments(ref))).map((a) => a.name)).toEqual(["dump.bin", "trace.log"])
      const bytes = yield* Resource.collectBytes(Issue.attachmentContent({ ...ref, path: "dump.bin" }))
      expect(Array.from(bytes)).toEqual(Array.from(binary))
      const text = new TextDecoder().decode(yield* Resource.collectBytes(Issue.attachmentContent({ ...ref, path: "trace.log" })))
      expect(text).toBe("retry 1\r\nretry 2\n")

      yield* Issue.uploadAttachments(ref, [{ name: "trace.log", content: "replaced" }])
      const replaced = yield* Resource.collectBytes(Issue.attachmentContent({ ...ref, path: "trace.log" }))
      expect(new TextDecoder().decode(replaced)).toBe("replaced")

      // Carol reads the public tracker, but may not attach to Alice's issue.
      expect(yield* failure(Issue.uploadAttachments(ref, [{ name: "x.txt", content: "x" }]).pipe(Effect.provide(asCarol))))
        .toBeInstanceOf(BitbucketError.Forbidden)
      yield* Issue.deleteAttachment({ ...ref, path: "trace.log" })
      expect((yield* collect(Issue.findAttachments(ref))).map((a) => a.name)).toEqual(["dump.bin"])
      expect(yield* failure(Stream.runDrain(Issue.attachmentContent({ ...ref, path: "trace.log" })))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("an attachment's signed link is never shown: not in an error of the file host, and forged or bare links get nothing", () =>
    Effect.gen(function*() {
      const ref = yield* reported("Signed links")
      yield* Issue.uploadAttachments(ref, [{ name: "secret.txt", content: "s3cr3t" }])
      const fake = yield* FakeBitbucket.FakeBitbucket
      yield* fake.setFaults({ rules: [{ route: /issue-attachments/, fault: { kind: "status", status: 404 } }] })
      const error = yield* failure(Stream.runDrain(Issue.attachmentContent({ ...ref, path: "secret.txt" })))
      yield* fake.setFaults(undefined)
      const link = (yield* fake.requests).map((r) => new URL(r.url)).find((url) => url.pathname.startsWith("/issue-attachments/"))!
      const token = link.searchParams.get("token") ?? link.pathname.split("/").pop()!
      expect(token.length).toBeGreaterThan(20)
      expect(error).toBeInstanceOf(BitbucketError.NotFound)
      expect(`${JSON.stringify(error)} ${String(error)}`).not.toContain(token)
      // The file host answers only the link it signed.
      const status = (url: string) => Effect.map(fake.handle(new Request(url)), (r) => r.status)
      expect(yield* status(`${link.origin}${link.pathname}`)).toBe(403)
      expect(yield* status(`${link.origin}${link.pathname}?token=forged`)).toBe(403)
      expect(yield* status(`${link.origin}/issue-attachments/other.txt?token=${token}`)).toBe(403)
      expect(yield* status(link.toString())).toBe(200)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("vote and watch: 204 or 404 read as a boolean, counted on the issue", () =>
    Effect.gen(function*() {
      const ref = yield* reported("Popular request")
      // The reporter watches from the start.
      expect(yield* Issue.isWatching(ref)).toBe(true)
      expect(yield* Issue.hasVoted(ref)).toBe(false)
      yield* Issue.vote(ref)
      yield* Issue.vote(ref)
      yield* Issue.vote(ref).pipe(Effect.provide(asCarol))
      expect(yield* Issue.hasVoted(ref)).toBe(true)
      expect(yield* Issue.hasVoted(ref).pipe(Effect.provide(asBob))).toBe(false)
      expect((yield* Issue.find(ref)).votes).toBe(2)
      yield* Issue.unvote(ref)
      expect(yield* Issue.hasVoted(ref)).toBe(false)
      expect((yield* Issue.find(ref)).votes).toBe(1)

      yield* Issue.watch(ref).pipe(Effect.provide(asBob))
      expect(yield* Issue.isWatching(ref).pipe(Effect.provide(asBob))).toBe(true)
      yield* Issue.unwatch(ref)
      expect(yield* Issue.isWatching(ref)).toBe(false)
      expect((yield* Issue.find(ref)).watches).toBe(1)
      // Voting needs a signed-in caller.
      expect(yield* failure(Issue.vote(ref).pipe(Effect.provide(Authenticator.anonymous)))).toBeInstanceOf(BitbucketError.Unauthorized)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("components, milestones and versions are listed and found", () =>
    Effect.gen(function*() {
      expect((yield* collect(Issue.findComponents(playground))).map((c) => [c.id, c.name])).toEqual([[1, "api"], [2, "docs"]])
      expect((yield* collect(Issue.findMilestones(playground))).map((c) => c.name)).toEqual(["1.x", "2.0"])
      expect((yield* collect(Issue.findVersions(playground))).map((c) => c.name)).toEqual(["1.0.0", "1.1.0"])
      expect(yield* Issue.findComponent({ ...playground, component_id: 2 })).toMatchObject({ type: "component", name: "docs" })
      expect(yield* Issue.findMilestone({ ...playground, milestone_id: 2 })).toMatchObject({ type: "milestone", name: "2.0" })
      expect(yield* Issue.findVersion({ ...playground, version_id: 1 })).toMatchObject({ type: "version", name: "1.0.0" })
      expect(yield* failure(Issue.findVersion({ ...playground, version_id: 3 }))).toBeInstanceOf(BitbucketError.NotFound)
      expect((yield* collect(Issue.findComponents(acmeApi))).map((c) => c.name)).toEqual(["backend"])
      // An unknown component is refused by the tracker.
      expect(yield* failure(Issue.create(playground, { title: "x", component: { name: "nope" } }))).toBeInstanceOf(BitbucketError.BadRequest)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a repository without an issue tracker answers 404 everywhere, until has_issues is turned on", () =>
    Effect.gen(function*() {
      const notFound = [
        failure(collect(Issue.findForRepository(noTracker))),
        failure(Issue.create(noTracker, { title: "x" })),
        failure(Issue.find({ ...noTracker, issue_id: 1 })),
        failure(collect(Issue.findComponents(noTracker))),
        failure(Issue.findMilestone({ ...noTracker, milestone_id: 1 }))
      ]
      for (const error of yield* Effect.all(notFound)) expect(error).toBeInstanceOf(BitbucketError.NotFound)
      yield* Repository.update(noTracker, { has_issues: true })
      expect((yield* Issue.create(noTracker, { title: "Now it works" })).id).toBe(1)
      yield* Repository.update(noTracker, { has_issues: false })
      expect(yield* failure(Issue.find({ ...noTracker, issue_id: 1 }))).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("permissions: readers report and comment, only writers change state or delete; private trackers hide", () =>
    Effect.gen(function*() {
      const ref = yield* reported("Alice's issue")
      // Carol only reads demo: she may report, but not change state, edit, or delete others' issues.
      const carols = yield* Issue.create(playground, { title: "Carol's report" }).pipe(Effect.provide(asCarol))
      expect(carols.reporter?.account_id).toBe("557058:carol")
      const carolFails = [
        failure(Issue.createChange(ref, { changes: { state: { new: "closed" } } })),
        failure(Issue.update(ref, { title: "Hijacked" })),
        failure(Issue.delete(ref))
      ]
      for (const error of yield* Effect.all(carolFails).pipe(Effect.provide(asCarol))) expect(error).toBeInstanceOf(BitbucketError.Forbidden)
      // A reporter may edit her own issue.
      expect((yield* Issue.update({ ...playground, issue_id: carols.id! }, { title: "Carol's report, clearer" }).pipe(Effect.provide(asCarol))).title)
        .toBe("Carol's report, clearer")
      // The anonymous read a public tracker but write nothing.
      const anonymous = Authenticator.anonymous
      expect((yield* collect(Issue.findForRepository(playground)).pipe(Effect.provide(anonymous))).length).toBe(2)
      expect(yield* failure(Issue.create(playground, { title: "x" }).pipe(Effect.provide(anonymous)))).toBeInstanceOf(BitbucketError.Unauthorized)
      // Carol cannot see acme's private tracker at all.
      expect(yield* failure(collect(Issue.findForRepository(acmeApi)).pipe(Effect.provide(asCarol)))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* failure(Issue.find({ ...playground, issue_id: 42 }))).toBeInstanceOf(BitbucketError.NotFound)
      // An issue that does not exist is 404 to a reader whatever she tries, as for pull requests.
      const missing = { ...playground, issue_id: 42 }
      const carolMisses = [
        failure(Issue.update(missing, { title: "x" })),
        failure(Issue.createChange(missing, { changes: { state: { new: "closed" } } })),
        failure(Issue.delete(missing))
      ]
      for (const error of yield* Effect.all(carolMisses).pipe(Effect.provide(asCarol))) expect(error).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("OAuth scopes: issue reads, issue:write writes, votes and watches take account scopes too, and repository alone is not enough", () =>
    Effect.gen(function*() {
      const as = (token: string) => Authenticator.accessToken({ token })
      const issue = yield* Issue.create(playground, { title: "Scoped" }).pipe(Effect.provide(as("issue-writer")))
      const ref = { ...playground, issue_id: issue.id! }
      expect((yield* Issue.find(ref).pipe(Effect.provide(as("issue-reader")))).title).toBe("Scoped")
      // Votes and watches are the caller's own: the spec asks account scopes of them too.
      expect(yield* failure(Issue.vote(ref).pipe(Effect.provide(as("issue-reader"))))).toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* failure(Issue.watch(ref).pipe(Effect.provide(as("issue-writer"))))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Issue.vote(ref).pipe(Effect.provide(as("issue-voter")))
      expect(yield* Issue.hasVoted(ref).pipe(Effect.provide(as("issue-voter")))).toBe(true)
      // Withdrawing takes issue:write.
      expect(yield* failure(Issue.unvote(ref).pipe(Effect.provide(as("issue-voter"))))).toBeInstanceOf(BitbucketError.Forbidden)
      yield* Issue.unvote(ref).pipe(Effect.provide(as("issue-account-writer")))
      expect(yield* failure(Issue.createChange(ref, { changes: { state: { new: "open" } } }).pipe(Effect.provide(as("issue-reader")))))
        .toBeInstanceOf(BitbucketError.Forbidden)
      expect(yield* failure(Issue.find(ref).pipe(Effect.provide(as("repo-only"))))).toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* Issue.createChange(ref, { changes: { state: { new: "open" } } }).pipe(Effect.provide(as("issue-writer")))).changes)
        .toMatchObject({ state: { new: "open" } })
    }).pipe(Effect.provide(scoped)))
})

describe("Issue in the fake's snapshot", () => {
  it.effect("a fake seeded from the snapshot keeps issues, comments, changes, votes, watchers and attachments, and gives no deleted number again", () =>
    Effect.gen(function*() {
      const kept = yield* reported("Kept across the snapshot")
      const gone = yield* reported("Deleted before the snapshot")
      yield* Issue.update(kept, { assignee: { account_id: "557058:bob" }, component: { name: "docs" }, content: { raw: "Body" } })
      yield* Issue.createChange(kept, { changes: { state: { new: "open" } }, message: { raw: "Triaged" } })
      const comment = yield* Comment.create(kept, { content: { raw: "First" } })
      const doomed = yield* Comment.create(kept, { content: { raw: "Removed" } }).pipe(Effect.provide(asCarol))
      yield* Comment.delete({ ...kept, comment_id: doomed.id! })
      yield* Issue.vote(kept).pipe(Effect.provide(asCarol))
      yield* Issue.watch(kept).pipe(Effect.provide(asBob))
      yield* Issue.uploadAttachments(kept, [{ name: "dump.bin", content: new Uint8Array([0, 255, 13, 10]) }])
      yield* Issue.delete(gone)
      const before = yield* Effect.all([
        Issue.find(kept),
        collect(Issue.findForRepository(playground)),
        collect(Issue.findChanges(kept)),
        collect(Comment.findForIssue(kept)),
        collect(Issue.findAttachments(kept))
      ])

      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
        Layer.provideMerge(FakeBitbucket.layer({ seed: snapshot }))
      )
      yield* Effect.gen(function*() {
        const after = yield* Effect.all([
          Issue.find(kept),
          collect(Issue.findForRepository(playground)),
          collect(Issue.findChanges(kept)),
          collect(Comment.findForIssue(kept)),
          collect(Issue.findAttachments(kept))
        ])
        expect(after[0]).toMatchObject({ assignee: { account_id: "557058:bob" }, component: { name: "docs" }, state: "open", votes: 1, watches: 2 })
        expect(after).toEqual(before)
        expect(yield* Issue.hasVoted(kept).pipe(Effect.provide(asCarol))).toBe(true)
        expect(yield* Issue.isWatching(kept).pipe(Effect.provide(asBob))).toBe(true)
        expect(Array.from(yield* Resource.collectBytes(Issue.attachmentContent({ ...kept, path: "dump.bin" })))).toEqual([0, 255, 13, 10])
        // Numbers go on from the last given, deleted issues and comments included.
        expect((yield* Issue.create(playground, { title: "After the restore" })).id).toBe(gone.issue_id + 1)
        expect((yield* Comment.create(kept, { content: { raw: "Again" } })).id).toBe(doomed.id! + 1)
        expect((yield* Issue.createChange(kept, { changes: { state: { new: "resolved" } } })).id).toBe(after[2].length + 1)
        expect(yield* failure(Issue.find(gone))).toBeInstanceOf(BitbucketError.NotFound)
        expect(comment.id).toBeLessThan(doomed.id!)
      }).pipe(Effect.provide(restored))
    }).pipe(Effect.provide(AsAlice)))
})

describe("Issue on the wire", () => {
  const R = "https://api.bitbucket.org/2.0/repositories/demo/hello-effect/issues"
  const repo = { workspace: "demo", repo_slug: "hello-effect" }
  const ref = { ...repo, issue_id: 7 }

  it.effect("createChange sends changes and message as JSON; list, vote and watch requests have their paths", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/vote")
          ? new Response(null, { status: request.method === "GET" ? 404 : 204 })
          : request.url.pathname.endsWith("/watch")
          ? new Response(null, { status: 204 })
          : request.method === "GET"
          ? json({ values: [{ type: "issue", id: 7, state: "on hold", kind: "chore" }], page: 1, pagelen: 10, size: 1 })
          : json({ type: "issue_change", id: 3, changes: { state: { old: "new", new: "resolved" } } }, 201)
      )
      yield* Effect.gen(function*() {
        const listed = yield* collect(Issue.findForRepository(repo, { q: 'state = "on hold"', sort: "-updated_on" }))
        // A kind Bitbucket may add later still decodes.
        expect(listed.map((i) => [i.state, i.kind])).toEqual([["on hold", "chore"]])
        const change = yield* Issue.createChange(ref, { changes: { state: { new: "resolved" } }, message: { raw: "Done" } })
        expect(change.changes?.["state"]?.new).toBe("resolved")
        expect(yield* Issue.hasVoted(ref)).toBe(false)
        expect(yield* Issue.isWatching(ref)).toBe(true)
      }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.toString(), r.body])).toEqual([
        ["GET", `${R}?q=state%20%3D%20%22on%20hold%22&sort=-updated_on&pagelen=50`, ""],
        ["POST", `${R}/7/changes`, JSON.stringify({ changes: { state: { new: "resolved" } }, message: { raw: "Done" } })],
        ["GET", `${R}/7/vote`, ""],
        ["GET", `${R}/7/watch`, ""]
      ])
      expect(mock.requests[1]!.headers["content-type"]).toBe("application/json")
    }))

  it.effect("create sends the content's markup, a field of the spec's issue content", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "issue", id: 8 }, 201))
      yield* Issue.create(repo, { title: "Imported", content: { raw: "= Heading =", markup: "creole" } }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => r.body)).toEqual([JSON.stringify({ title: "Imported", content: { raw: "= Heading =", markup: "creole" } })])
    }))

  it.effect("createChange names the new assignee in changes.assignee_account_id", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "issue_change", id: 4 }, 201))
      yield* Issue.createChange(ref, { changes: { assignee_account_id: { new: "557058:bob" } } }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.toString(), r.body])).toEqual([
        ["POST", `${R}/7/changes`, JSON.stringify({ changes: { assignee_account_id: { new: "557058:bob" } } })]
      ])
    }))

  it.effect("uploadAttachments sends one multipart files part per file, bytes as given", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 201 }))
      yield* Issue.uploadAttachments(ref, [{ name: "a.txt", content: "line 1\nline 2" }, { name: "b.bin", content: new Uint8Array([0x41, 0x42]) }])
        .pipe(Effect.provide(mock.anonymous))
      const [request] = mock.requests
      expect([request!.method, request!.url.toString()]).toEqual(["POST", `${R}/7/attachments`])
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(request!.headers["content-type"] ?? "")?.[1]
      expect(boundary).toBeDefined()
      expect(request!.body).toBe(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\nContent-Type: text/plain;charset=utf-8\r\n\r\nline 1\nline 2\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.bin"\r\nContent-Type: application/octet-stream\r\n\r\nAB\r\n` +
          `--${boundary}--\r\n`
      )
    }))

  it.effect("attachmentContent follows the redirect to the file host without credentials, bytes exact; a foreign host is refused", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array([0x00, 0xff, 0x0d, 0x0a, 0x80])
      const signed = "https://bbuseruploads.s3.amazonaws.com/x/trace.bin?Signature=SIGNED-SECRET&Expires=1"
      const to = (location: string) =>
        mockHttp((request) =>
          request.url.host === "api.bitbucket.org" ? new Response(null, { status: 302, headers: { location } }) : new Response(bytes, { status: 200 })
        )
      const token = Authenticator.accessToken({ token: "tok" })
      const host = to(signed)
      const got = yield* Resource.collectBytes(Issue.attachmentContent({ ...ref, path: "trace.bin" })).pipe(
        Effect.provide(Layer.merge(token, host.layer))
      )
      expect(Array.from(got)).toEqual(Array.from(bytes))
      expect(host.requests.map((r) => [r.url.toString(), r.headers["authorization"]])).toEqual([
        [`${R}/7/attachments/trace.bin`, "Bearer tok"],
        [signed, undefined]
      ])
      const foreign = to("https://evil.example.com/trace.bin")
      const refused = yield* failure(Stream.runDrain(Issue.attachmentContent({ ...ref, path: "trace.bin" })).pipe(
        Effect.provide(Layer.merge(token, foreign.layer))
      ))
      expect(refused).toMatchObject({ _tag: "TransportError", reason: "RefusedOrigin" })
      expect(foreign.requests).toHaveLength(1)
    }))

  it.effect("bad input is InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const cases = [
        [Issue.create(repo, { title: "" }), "payload.title"],
        [Issue.create(repo, { title: "  \n" }), "payload.title"],
        [Issue.create(repo, { title: "ok", kind: "chore" as Issue.Kind }), "payload.kind"],
        [Issue.create(repo, { title: "ok", priority: "urgent" as Issue.Priority }), "payload.priority"],
        [Issue.create(repo, { title: "ok", component: { name: " " } }), "payload.component.name"],
        [Issue.update(ref, {}), "payload"],
        [Issue.update(ref, { state: "done" as Issue.State }), "payload.state"],
        [Issue.update(ref, { content: { raw: "x", markup: "html" as "markdown" } }), "payload.content.markup"],
        [Issue.createChange(ref, { changes: {} }), "payload.changes"],
        [Issue.createChange(ref, {} as unknown as Issue.ChangePayload), "payload.changes"],
        [Issue.createChange(ref, { changes: { title: { new: " " } } }), "payload.changes.title.new"],
        [Issue.uploadAttachments(ref, []), "files"],
        [Issue.uploadAttachments(ref, [{ name: 'a"b', content: "x" }]), "files.0.name"],
        [Issue.find({ ...repo, issue_id: -1 }), "issue_id"],
        [Issue.deleteAttachment({ ...ref, path: ".." }), "path"]
      ] as const
      for (const [run, parameter] of cases) {
        const error = yield* failure<unknown, BitbucketError.BitbucketError, never>(run.pipe(Effect.provide(mock.anonymous)))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter })
      }
      expect(mock.requests).toHaveLength(0)
    }))
})

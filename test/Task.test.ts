/**
 * Pull request tasks: the Task module against the in-memory FakeBitbucket (each test on a fresh
 * fake, as Alice unless it says otherwise), and its requests and decoding against a scripted client.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, Stream } from "effect"
import { Authenticator, BitbucketError, PullRequest, Task } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { json, mockHttp } from "./support/mockHttp.js"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })
const asCarol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })

const playground = { workspace: "demo", repo_slug: "effect-playground" }
/** Open, by Bob, with comments 2001-2004 (2004 deleted). */
const pr1 = { ...playground, pull_request_id: 1 }
/** Open, by Alice, with comment 2010. */
const pr5 = { ...playground, pull_request_id: 5 }
/** Private (acme): Carol cannot read it. */
const acmePr = { workspace: "acme", repo_slug: "api", pull_request_id: 1 }

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
/** The error an effect fails with; a success fails the test with a short message rather than the value. */
const failure = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flatMap(
    Effect.either(effect),
    Either.match({ onLeft: Effect.succeed, onRight: () => Effect.die(new Error("expected a failure, but it succeeded")) })
  )
const taskCount = (ref: PullRequest.PullRequestRef) => Effect.map(PullRequest.find(ref), (pr) => pr["task_count"])

describe("Task against the fake", () => {
  it.effect("create, find, list, update, resolve, reopen, delete: a round trip, with the pull request's task_count following", () =>
    Effect.gen(function*() {
      expect(yield* taskCount(pr5)).toBe(0)
      const created = yield* Task.create(pr5, { content: { raw: "Add a *test* for the empty page" } })
      expect(created).toMatchObject({
        state: "UNRESOLVED",
        content: { raw: "Add a *test* for the empty page", markup: "markdown" },
        creator: { account_id: "557058:alice" },
        pending: false,
        resolved_on: null,
        resolved_by: null
      })
      expect(created.comment).toBeUndefined()
      expect(created.content?.html).toContain("<em>test</em>")
      const ref = { ...pr5, task_id: created.id! }
      expect(yield* taskCount(pr5)).toBe(1)

      const found = yield* Task.find(ref)
      expect(found.id).toBe(created.id)
      expect(found.content?.raw).toBe("Add a *test* for the empty page")

      const edited = yield* Task.update(ref, { content: { raw: "Add tests for the empty and the last page" } })
      expect(edited.content?.raw).toBe("Add tests for the empty and the last page")
      expect(edited.state).toBe("UNRESOLVED")

      // Bob (a writer, not the creator) ticks it off: Bitbucket records him.
      const resolved = yield* Task.resolve(ref).pipe(Effect.provide(asBob))
      expect(resolved.state).toBe("RESOLVED")
      expect(resolved.resolved_by?.account_id).toBe("557058:bob")
      expect(typeof resolved.resolved_on).toBe("string")
      expect(resolved.content?.raw).toBe("Add tests for the empty and the last page")
      expect(yield* taskCount(pr5)).toBe(0)

      const reopened = yield* Task.reopen(ref)
      expect(reopened.state).toBe("UNRESOLVED")
      expect(reopened.resolved_on).toBeNull()
      expect(reopened.resolved_by).toBeNull()
      expect(yield* taskCount(pr5)).toBe(1)

      const second = yield* Task.create(pr5, { content: { raw: "Update the changelog" } })
      expect((yield* collect(Task.findForPullRequest(pr5))).map((t) => t.id)).toEqual([created.id, second.id])
      // Each pull request has its own tasks.
      expect(yield* collect(Task.findForPullRequest(pr1))).toEqual([])

      yield* Task.delete(ref)
      expect(yield* failure(Task.find(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect((yield* collect(Task.findForPullRequest(pr5))).map((t) => t.id)).toEqual([second.id])
      expect(yield* taskCount(pr5)).toBe(1)
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a task under a comment carries the comment; a comment not on the pull request is BadRequest on `comment`", () =>
    Effect.gen(function*() {
      const task = yield* Task.create(pr1, { content: { raw: "Thank Carol" }, comment: { id: 2003 } })
      expect(task.comment?.id).toBe(2003)
      expect(task.comment?.content?.raw).toBe("Great example, **thanks**!")
      const plain = yield* Task.create(pr1, { content: { raw: "Squash the commits" } })
      const underComment = yield* collect(Task.findForPullRequest(pr1, { q: "comment.id = 2003" }))
      expect(underComment.map((t) => t.id)).toEqual([task.id])
      expect((yield* Task.find({ ...pr1, task_id: plain.id! })).comment).toBeUndefined()

      // 2010 is a comment of pull request #5, 2004 is deleted, 999999 does not exist.
      for (const id of [2010, 2004, 999999]) {
        const error = yield* failure(Task.create(pr1, { content: { raw: "Orphan" }, comment: { id } }))
        expect(error).toBeInstanceOf(BitbucketError.BadRequest)
        expect(Object.keys((error as BitbucketError.BadRequest).fields ?? {})).toEqual(["comment"])
      }
      expect((yield* collect(Task.findForPullRequest(pr1))).map((t) => t.id)).toEqual([task.id, plain.id])
    }).pipe(Effect.provide(AsAlice)))

  it.effect("a missing task, or one of another pull request, is NotFound", () =>
    Effect.gen(function*() {
      const task = yield* Task.create(pr5, { content: { raw: "Mine" } })
      const elsewhere = { ...pr1, task_id: task.id! }
      for (const run of [Task.find(elsewhere), Task.resolve(elsewhere), Task.delete(elsewhere), Task.find({ ...pr5, task_id: 424242 })]) {
        const error = yield* failure(run)
        expect(error._tag).toBe("NotFound")
        expect(error).toMatchObject({ status: 404 })
      }
      // Nothing happened to it.
      expect((yield* Task.find({ ...pr5, task_id: task.id! })).state).toBe("UNRESOLVED")
      expect(yield* failure(Task.findForPullRequest({ ...playground, pull_request_id: 999 }).pipe(Stream.runDrain))).toBeInstanceOf(
        BitbucketError.NotFound
      )
    }).pipe(Effect.provide(AsAlice)))

  it.effect("q filters on state and sort orders the listing", () =>
    Effect.gen(function*() {
      const tasks = yield* Effect.forEach(["one", "two", "three"], (raw) => Task.create(pr5, { content: { raw } }))
      const ids = tasks.map((t) => t.id!)
      yield* Task.resolve({ ...pr5, task_id: ids[1]! })
      const resolved = yield* collect(Task.findForPullRequest(pr5, { q: 'state = "RESOLVED"' }))
      expect(resolved.map((t) => t.content?.raw)).toEqual(["two"])
      const open = yield* collect(Task.findForPullRequest(pr5, { q: 'state = "UNRESOLVED"', sort: "-id" }))
      expect(open.map((t) => t.id)).toEqual([ids[2], ids[0]])
      const paged = yield* collect(Task.findForPullRequest(pr5, { pagelen: 1 }))
      expect(paged.map((t) => t.id)).toEqual(ids)
      expect(yield* failure(collect(Task.findForPullRequest(pr5, { q: 'colour = "red"' })))).toBeInstanceOf(BitbucketError.BadRequest)
      // `comment` is a field of tasks even when none of these has one.
      expect(yield* collect(Task.findForPullRequest(pr5, { q: "comment.id = 2010" }))).toEqual([])
    }).pipe(Effect.provide(AsAlice)))

  it.effect("who may: readers add and tick off tasks, the creator or an admin edits, the pull request's author also deletes", () =>
    Effect.gen(function*() {
      const alices = yield* Task.create(pr1, { content: { raw: "Alice's" } })
      const ref = { ...pr1, task_id: alices.id! }
      // Carol only reads demo's public repositories: she may add a task and resolve Alice's...
      const carols = yield* Task.create(pr1, { content: { raw: "Carol's" } }).pipe(Effect.provide(asCarol))
      expect(carols.creator?.account_id).toBe("557058:carol")
      expect((yield* Task.resolve(ref).pipe(Effect.provide(asCarol))).resolved_by?.account_id).toBe("557058:carol")
      // ... but not edit it; nor may Bob, who writes to the repository but is no admin.
      for (const as of [asCarol, asBob]) {
        expect(yield* failure(Task.update(ref, { content: { raw: "Mine now" } }).pipe(Effect.provide(as)))).toBeInstanceOf(
          BitbucketError.Forbidden
        )
      }
      // Sending the same text back with a state (as some tools resolve tasks) is no edit.
      expect((yield* Task.update(ref, { state: "UNRESOLVED", content: { raw: "Alice's" } }).pipe(Effect.provide(asBob))).state).toBe("UNRESOLVED")
      // Carol may not delete it; Bob, the pull request's author, may (Bitbucket lets more than the creator delete).
      expect(yield* failure(Task.delete(ref).pipe(Effect.provide(asCarol)))).toBeInstanceOf(BitbucketError.Forbidden)
      expect((yield* Task.find(ref)).content?.raw).toBe("Alice's")
      const doomed = yield* Task.create(pr1, { content: { raw: "For Bob to drop" } })
      yield* Task.delete({ ...pr1, task_id: doomed.id! }).pipe(Effect.provide(asBob))
      expect(yield* failure(Task.find({ ...pr1, task_id: doomed.id! }))).toBeInstanceOf(BitbucketError.NotFound)
      // Alice administers the repository: she may delete Carol's task.
      yield* Task.delete({ ...pr1, task_id: carols.id! })
      expect((yield* collect(Task.findForPullRequest(pr1))).map((t) => t.id)).toEqual([alices.id])

      // Signed out: reading a public pull request's tasks works, adding one does not.
      const anonymous = Authenticator.anonymous
      expect((yield* collect(Task.findForPullRequest(pr1)).pipe(Effect.provide(anonymous))).map((t) => t.id)).toEqual([alices.id])
      expect(yield* failure(Task.create(pr1, { content: { raw: "Anyone" } }).pipe(Effect.provide(anonymous)))).toBeInstanceOf(
        BitbucketError.Unauthorized
      )
      // A private repository: 403 to Carol, who cannot read it; 404 to the anonymous.
      yield* Task.create(acmePr, { content: { raw: "Private" } })
      expect(yield* failure(collect(Task.findForPullRequest(acmePr)).pipe(Effect.provide(asCarol)))).toBeInstanceOf(
        BitbucketError.Forbidden
      )
      expect(yield* failure(Task.create(acmePr, { content: { raw: "Let me in" } }).pipe(Effect.provide(asCarol)))).toBeInstanceOf(
        BitbucketError.Forbidden
      )
      expect(yield* failure(collect(Task.findForPullRequest(acmePr)).pipe(Effect.provide(anonymous)))).toBeInstanceOf(
        BitbucketError.NotFound
      )
      // Bob reads acme: he sees the task.
      expect((yield* collect(Task.findForPullRequest(acmePr)).pipe(Effect.provide(asBob))).map((t) => t.content?.raw)).toEqual(["Private"])
    }).pipe(Effect.provide(AsAlice)))

  it.effect("the fake answers 201 with Location, and 400 with a field error for missing or blank content and a bad state", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const url = `${fake.baseUrl}/repositories/demo/effect-playground/pullrequests/5/tasks`
      const send = (method: string, target: string, body: unknown) =>
        fake.handle(
          new Request(target, {
            method,
            headers: { authorization: `Basic ${btoa("alice@example.com:alice-api-token")}`, "content-type": "application/json" },
            body: JSON.stringify(body)
          })
        )
      const created = yield* send("POST", url, { content: { raw: "Via the wire" } })
      expect(created.status).toBe(201)
      const body = yield* Effect.promise(() => created.json() as Promise<{ id: number; links: { self: { href: string } } }>)
      expect(created.headers.get("location")).toBe(`${url}/${body.id}`)
      expect(body.links.self.href).toBe(`${url}/${body.id}`)

      const fieldsOf = (response: Response) =>
        Effect.promise(async () => [response.status, Object.keys(((await response.json()) as { error: { fields: object } }).error.fields)])
      expect(yield* fieldsOf(yield* send("POST", url, { content: { raw: " \n " } }))).toEqual([400, ["content"]])
      expect(yield* fieldsOf(yield* send("POST", url, { pending: true }))).toEqual([400, ["content"]])
      expect(yield* fieldsOf(yield* send("POST", url, { content: { raw: "x" }, pending: "yes" }))).toEqual([400, ["pending"]])
      expect(yield* fieldsOf(yield* send("PUT", `${url}/${body.id}`, { content: { raw: "" } }))).toEqual([400, ["content"]])
      expect(yield* fieldsOf(yield* send("PUT", `${url}/${body.id}`, { state: "DONE" }))).toEqual([400, ["state"]])
      expect((yield* Task.find({ ...pr5, task_id: body.id })).content?.raw).toBe("Via the wire")
    }).pipe(Effect.provide(AsAlice)))

  it.effect("the snapshot keeps tasks, resolved or not, and seeds a fake that goes on numbering after them", () =>
    Effect.gen(function*() {
      const open = yield* Task.create(pr1, { content: { raw: "Still open" }, comment: { id: 2003 }, pending: true })
      const done = yield* Task.create(pr1, { content: { raw: "Done" } })
      yield* Task.resolve({ ...pr1, task_id: done.id! }).pipe(Effect.provide(asBob))
      // The newest task is deleted: its id must not come back after the restore.
      const dropped = yield* Task.create(pr1, { content: { raw: "Dropped" } })
      yield* Task.delete({ ...pr1, task_id: dropped.id! })
      const snapshot = yield* Effect.flatMap(FakeBitbucket.FakeBitbucket, (fake) => fake.snapshot)
      const again = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
        Layer.provideMerge(FakeBitbucket.layer({ seed: snapshot }))
      )
      yield* Effect.gen(function*() {
        const tasks = yield* collect(Task.findForPullRequest(pr1))
        expect(tasks.map((t) => [t.id, t.state, t.content?.raw, t.comment?.id, t.pending, t.resolved_by?.account_id ?? null])).toEqual([
          [open.id, "UNRESOLVED", "Still open", 2003, true, null],
          [done.id, "RESOLVED", "Done", undefined, false, "557058:bob"]
        ])
        expect(yield* taskCount(pr1)).toBe(1)
        const next = yield* Task.create(pr1, { content: { raw: "After the restore" } })
        expect(next.id).toBeGreaterThan(dropped.id!)
        expect(yield* failure(Task.find({ ...pr1, task_id: dropped.id! }))).toBeInstanceOf(BitbucketError.NotFound)
      }).pipe(Effect.provide(again))
    }).pipe(Effect.provide(AsAlice)))
})

const R = "https://api.bitbucket.org/2.0/repositories/demo/hello-effect/pullrequests/7/tasks"
const pr = { workspace: "demo", repo_slug: "hello-effect", pull_request_id: 7 }
const account = { type: "user", uuid: "{u1}", account_id: "557058:bob", display_name: "Bob", nickname: "bob" }
const wireTask = {
  id: 12,
  created_on: "2026-10-01T10:00:00.000000+00:00",
  updated_on: "2026-10-01T10:00:00.000000+00:00",
  state: "UNRESOLVED",
  content: { type: "rendered", raw: "Cap the retries", markup: "markdown", html: "<p>Cap the retries</p>" },
  creator: account,
  pending: false,
  resolved_on: null,
  resolved_by: null,
  comment: { type: "pullrequest_comment", id: 3, links: { self: { href: "https://api.bitbucket.org/2.0/x" } } },
  links: { self: { href: `${R}/12` }, html: { href: "https://bitbucket.org/demo/hello-effect/pull-requests/7" } },
  anchor: { line: 4, path: "src/retry.ts" },
  position: 2
}

describe("Task requests and decoding", () => {
  it.effect("find decodes a task and keeps fields the schema does not know", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(wireTask))
      const task = yield* Task.find({ ...pr, task_id: 12 }).pipe(Effect.provide(mock.anonymous))
      expect(task.creator?.display_name).toBe("Bob")
      expect(task.comment?.id).toBe(3)
      expect(task["anchor"]).toEqual({ line: 4, path: "src/retry.ts" })
      expect(task["position"]).toBe(2)
      expect(task.content?.["type"]).toBe("rendered")
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${R}/12`])
    }))

  it.effect("each operation sends its method, path, query and body", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.method === "DELETE"
          ? new Response(null, { status: 204 })
          : request.method === "GET"
          ? json({ values: [wireTask], page: 1, pagelen: 50, size: 1 })
          : json(wireTask, request.method === "POST" ? 201 : 200)
      )
      const ref = { ...pr, task_id: 12 }
      yield* Effect.gen(function*() {
        const listed = yield* collect(Task.findForPullRequest(pr, { q: 'state = "RESOLVED"', sort: "-created_on", pagelen: 50 }))
        expect(listed.map((t) => t.id)).toEqual([12])
        yield* Task.create(pr, { content: { raw: "Cap the retries" }, comment: { id: 3 }, pending: false })
        yield* Task.update(ref, { content: { raw: "Cap the retries at 5" }, state: "UNRESOLVED" })
        yield* Task.resolve(ref)
        yield* Task.reopen(ref)
        yield* Task.delete(ref)
      }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.toString(), r.body])).toEqual([
        ["GET", `${R}?q=state%20%3D%20%22RESOLVED%22&sort=-created_on&pagelen=50`, ""],
        ["POST", R, JSON.stringify({ content: { raw: "Cap the retries" }, comment: { id: 3 }, pending: false })],
        ["PUT", `${R}/12`, JSON.stringify({ content: { raw: "Cap the retries at 5" }, state: "UNRESOLVED" })],
        ["PUT", `${R}/12`, JSON.stringify({ state: "RESOLVED" })],
        ["PUT", `${R}/12`, JSON.stringify({ state: "UNRESOLVED" })],
        ["DELETE", `${R}/12`, ""]
      ])
    }))

  it.effect("blank text, a bad state or comment id, and a bad task id are InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(wireTask))
      const cases = [
        [Task.create(pr, { content: { raw: "" } }), "payload.content.raw"],
        [Task.create(pr, { content: { raw: "  \n\t" } }), "payload.content.raw"],
        [Task.create(pr, { content: { raw: "ok" }, comment: { id: 1.5 } }), "payload.comment.id"],
        [Task.update({ ...pr, task_id: 12 }, { content: { raw: " " } }), "payload.content.raw"],
        [Task.update({ ...pr, task_id: 12 }, { state: "DONE" as Task.State }), "payload.state"],
        [Task.update({ ...pr, task_id: 12 }, {}), "payload"],
        [Task.resolve({ ...pr, task_id: -1 }), "task_id"]
      ] as const
      for (const [run, parameter] of cases) {
        const error = yield* failure(run).pipe(Effect.provide(mock.anonymous))
        expect(error).toMatchObject({ _tag: "InvalidInput", parameter })
      }
      expect(mock.requests).toHaveLength(0)
    }))
})

import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, pipe, Stream } from "effect"
import { Authenticator, BitbucketError, Comment, Commit, Issue, PullRequest, Repository } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { mockHttp } from "./support/mockHttp.js"

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
const names = (prs: ReadonlyArray<PullRequest.PullRequest>) =>
  prs.map((pr) => `${(pr.destination?.repository as { full_name?: string } | undefined)?.full_name}#${pr.id}`)
const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const ALICE_UUID = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"

describe("PullRequest.findForUser", () => {
  it.effect("lists a user's pull requests in a workspace's repositories you can read, OPEN ones unless asked", () =>
    Effect.gen(function*() {
      const inAcme = yield* collect(PullRequest.findForUser({ workspace: "acme", selected_user: "557058:alice" }))
      expect(names(inAcme)).toEqual(["acme/api#1"])
      expect(inAcme.every((pr) => pr.author?.account_id === "557058:alice")).toBe(true)
      const inDemo = yield* collect(PullRequest.findForUser({ workspace: "demo", selected_user: ALICE_UUID }, { state: ["MERGED", "SUPERSEDED"] }))
      expect(names(inDemo).sort()).toEqual(["demo/effect-playground#2", "demo/effect-playground#4"])

      // Carol cannot read acme/api; the anonymous cannot see the private workspace at all.
      const carol = Authenticator.apiToken({ email: "carol@example.com", token: "carol-api-token" })
      expect(yield* collect(PullRequest.findForUser({ workspace: "acme", selected_user: "557058:alice" })).pipe(Effect.provide(carol)))
        .toEqual([])
      const anonymous = yield* collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" })).pipe(
        Effect.provide(Authenticator.anonymous)
      )
      expect(names(anonymous)).toEqual(["demo/effect-playground#5"])
      // An access token needs the pullrequest scope, as for any pull request listing.
      const noScope = yield* Effect.flip(collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" }))).pipe(
        Effect.provide(Authenticator.accessToken({ token: "demo-access-token" }))
      )
      expect(noScope).toBeInstanceOf(BitbucketError.Forbidden)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("an unknown user is NotFound; the states go as repeated parameters", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:nobody" }))).pipe(
        Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))
      )
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
      const mock = mockHttp(() => new Response(JSON.stringify({ values: [] }), { headers: { "content-type": "application/json" } }))
      yield* Stream.runDrain(PullRequest.findForUser({ workspace: "demo", selected_user: "{u1}" }, { state: ["OPEN", "MERGED"] })).pipe(
        Effect.provide(mock.anonymous)
      )
      const url = mock.requests[0]!.url
      expect(url.pathname).toBe("/2.0/workspaces/demo/pullrequests/%7Bu1%7D")
      expect(url.searchParams.getAll("state")).toEqual(["OPEN", "MERGED"])
    }))
})

describe("inputs refused before sending", () => {
  it.effect("an empty state list (it would list OPEN ones only) and a missing path parameter say what is wrong", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const before = (yield* fake.requests).length
      const empty = yield* Effect.flip(Stream.runDrain(PullRequest.findForRepository(repo, { state: [] })))
      expect(empty).toMatchObject({ _tag: "InvalidInput", parameter: "state" })
      expect(empty.message).toContain("\"state\" is an empty list")
      // A typo in a ref's key leaves the parameter missing.
      const typo = { ...repo, pullrequest_id: 1 } as unknown as PullRequest.PullRequestRef
      const missing = yield* Effect.flip(PullRequest.find(typo))
      expect(missing).toMatchObject({ _tag: "InvalidInput", parameter: "pull_request_id" })
      expect(missing.message).toContain("\"pull_request_id\" is missing")
      expect((yield* fake.requests).slice(before)).toEqual([])
      // Where an empty list means "nothing", it is fine: excluding no commits lists them all.
      const all = yield* collect(Commit.findForRepository(repo))
      expect(yield* collect(Commit.findForRepository(repo, { exclude: [] }))).toEqual(all)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))
})

describe("PullRequest.findForCommit", () => {
  it.effect("lists the pull requests, of any state, whose commits include the commit", () =>
    Effect.gen(function*() {
      const repo = { workspace: "demo", repo_slug: "effect-playground" }
      const all = yield* collect(PullRequest.findForRepository(repo, { state: ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"] }))
      expect(all.length).toBeGreaterThan(1)
      let checked = 0
      for (const pr of all) {
        const commits = yield* collect(PullRequest.commits({ ...repo, pull_request_id: pr.id! }))
        for (const commit of commits) {
          const found = yield* collect(PullRequest.findForCommit({ ...repo, commit: commit.hash! }))
          expect(found.map((p) => p.id)).toContain(pr.id)
          checked++
          // Every pull request listed really has the commit.
          for (const other of found) {
            const theirs = yield* collect(PullRequest.commits({ ...repo, pull_request_id: other.id! }))
            expect(theirs.map((c) => c.hash)).toContain(commit.hash)
          }
        }
      }
      expect(checked).toBeGreaterThan(2)
      // The root commit is on main before any pull request: none reviewed it.
      const [root] = yield* collect(Commit.findForRepository(repo, { include: ["main"] }).pipe(Stream.takeRight(1)))
      expect(yield* collect(PullRequest.findForCommit({ ...repo, commit: root!.hash! }))).toEqual([])
      const missing = yield* Effect.flip(collect(PullRequest.findForCommit({ ...repo, commit: "0".repeat(40) })))
      expect(missing).toBeInstanceOf(BitbucketError.NotFound)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("a 202 (Bitbucket still indexing) fails as UnexpectedStatus, never as an empty listing", () =>
    Effect.gen(function*() {
      for (const body of ['{"values":[],"page":1,"size":0}', ""]) {
        const mock = mockHttp(() => new Response(body, { status: 202, headers: { "content-type": "application/json" } }))
        const error = yield* Effect.flip(Stream.runCollect(PullRequest.findForCommit({ workspace: "demo", repo_slug: "r", commit: "a".repeat(40) }))).pipe(
          Effect.provide(mock.anonymous)
        )
        expect(error).toMatchObject({ _tag: "UnexpectedStatus", status: 202 })
        expect(error.message).toContain("still indexing")
      }
    }))

  it.effect("sends GET .../commit/{commit}/pullrequests", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(JSON.stringify({ values: [] }), { headers: { "content-type": "application/json" } }))
      yield* Stream.runDrain(PullRequest.findForCommit({ workspace: "demo", repo_slug: "r", commit: "abc123" })).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/repositories/demo/r/commit/abc123/pullrequests")
    }))
})

describe("pending (draft) pull request comments", () => {
  it.effect("a comment posted with pending: true is a draft; the flag is sent and comes back", () =>
    Effect.gen(function*() {
      const pr = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
      const draft = yield* Comment.create(pr, { content: { raw: "Still thinking about this" }, pending: true })
      expect(draft["pending"]).toBe(true)
      const published = yield* Comment.create(pr, { content: { raw: "Looks good" } })
      expect(published["pending"]).toBe(false)
      const listed = yield* collect(Comment.findForPullRequest(pr))
      expect(listed.filter((c) => c.id === draft.id).map((c) => c["pending"])).toEqual([true])
      // Only pull request comments are drafts, and only they and commit comments sit on a line.
      const issue = { workspace: "demo", repo_slug: "data-pipeline", issue_id: 1 }
      expect(yield* Effect.flip(Comment.create(issue, { content: { raw: "x" }, pending: true }))).toMatchObject({
        _tag: "InvalidInput",
        parameter: "payload.pending"
      })
      expect(yield* Effect.flip(Comment.create(issue, { content: { raw: "x" }, inline: { path: "a.ts", to: 1 } }))).toMatchObject({
        _tag: "InvalidInput",
        parameter: "payload.inline"
      })
      // Anything but a boolean is refused before sending.
      const bad = yield* Effect.flip(Comment.create(pr, { content: { raw: "x" }, pending: "yes" } as unknown as Comment.CreatePayload))
      expect(bad).toBeInstanceOf(BitbucketError.InvalidInput)
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))
})

describe("refOf: the ref of a resource you hold", () => {
  it.effect("pull requests, their repositories and issues give back refs that find them again", () =>
    Effect.gen(function*() {
      const prs = yield* collect(PullRequest.findForUser({ workspace: "demo", selected_user: "557058:alice" }, { state: ["OPEN", "MERGED", "SUPERSEDED"] }))
      expect(prs.length).toBeGreaterThan(1)
      for (const pr of prs) {
        const ref = yield* PullRequest.refOf(pr)
        expect(typeof ref.pull_request_id).toBe("number")
        expect((yield* PullRequest.find(ref)).id).toBe(pr.id)
        const repo = yield* Repository.refOf(pr.destination!.repository!)
        expect(repo).toEqual({ workspace: ref.workspace, repo_slug: ref.repo_slug })
      }
      const [issue] = yield* collect(Issue.findForRepository({ workspace: "demo", repo_slug: "data-pipeline" }).pipe(Stream.take(1)))
      expect(yield* Issue.refOf(issue!)).toEqual({ workspace: "demo", repo_slug: "data-pipeline", issue_id: issue!.id })

      // Trimmed by `fields`, the link is gone: InvalidInput, not a guess.
      const [trimmed] = yield* collect(
        PullRequest.findForRepository({ workspace: "demo", repo_slug: "effect-playground" }, { fields: "values.id" }).pipe(Stream.take(1))
      )
      expect(yield* Effect.flip(PullRequest.refOf(trimmed!))).toMatchObject({ _tag: "InvalidInput", parameter: "pull request" })
      // A malformed escape in the link fails the same way, never throws.
      const malformed = { ...prs[0]!, links: { self: { href: "https://api.bitbucket.org/2.0/repositories/a%ZZ/b/pullrequests/1" } } }
      expect(yield* Effect.flip(PullRequest.refOf(malformed))).toMatchObject({ _tag: "InvalidInput" })
      // A pull request's link is not a repository's.
      expect(yield* Effect.flip(Repository.refOf(prs[0]!))).toMatchObject({ _tag: "InvalidInput" })
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))
})

describe("refOf: ids that are not positive whole numbers", () => {
  // Number() reads "1e3" as 1000 and "0x10" as 16: such a link named no pull request, and a ref
  // built from it would act on another one.
  it.effect("a link whose id is not written in decimal digits is refused", () =>
    Effect.gen(function*() {
      const withSelf = (id: string) =>
        ({ type: "pullrequest", id: 1, links: { self: { href: `https://api.bitbucket.org/2.0/repositories/demo/x/pullrequests/${id}` } } }) as unknown as PullRequest.PullRequest
      expect(yield* PullRequest.refOf(withSelf("42"))).toEqual({ workspace: "demo", repo_slug: "x", pull_request_id: 42 })
      for (const id of ["1e3", "0x10", "1.0", "+5", "0b11", "99999999999999999999"]) {
        expect(yield* Effect.flip(PullRequest.refOf(withSelf(id))), id).toMatchObject({ _tag: "InvalidInput" })
      }
    }))
})

describe("payload helpers, data-first and data-last", () => {
  it("addReviewers, withSource and withDestination give the same payload either way", () => {
    const base = PullRequest.fromBranches("feature/a", "main", { title: "T" })
    const reviewers = [{ account_id: "557058:bob" }, { uuid: "{u2}" }, { account_id: "557058:bob" }]
    const first = PullRequest.withDestination(PullRequest.withSource(PullRequest.addReviewers(base, reviewers), "feature/b"), "develop")
    const last = pipe(base, PullRequest.addReviewers(reviewers), PullRequest.withSource("feature/b"), PullRequest.withDestination("develop"))
    expect(last).toEqual(first)
    expect(first).toMatchObject({
      source: { branch: { name: "feature/b" } },
      destination: { branch: { name: "develop" } },
      reviewers: [{ account_id: "557058:bob" }, { uuid: "{u2}" }]
    })
  })

  it.effect("addReviewers keeps an entry that names no one, so the update fails before sending instead of dropping it", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const ref = { workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }
      const before = (yield* fake.requests).length
      // An Account trimmed by `fields` (no uuid, no account_id), as a JS caller may hold one.
      const trimmed = { display_name: "Bob" } as { readonly display_name: string; readonly uuid?: string }
      const error = yield* Effect.flip(PullRequest.update(ref, PullRequest.addReviewers({}, [trimmed])))
      expect(error).toMatchObject({ _tag: "InvalidInput" })
      expect(error.message).toContain("a reviewer is { uuid } or { account_id }")
      expect((yield* fake.requests).slice(before)).toEqual([])
    }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer()))))

  it.effect("a pull request's own source and destination make a new one's (what a payload carries of them)", () =>
    Effect.gen(function*() {
      const held = yield* PullRequest.find({ workspace: "demo", repo_slug: "effect-playground", pull_request_id: 1 }).pipe(
        Effect.provide(Layer.merge(FakeBitbucket.layer(), Authenticator.anonymous))
      )
      const payload = PullRequest.fromBranches(held.source!, held.destination!, { title: "Again" })
      expect(payload.source).toEqual({
        branch: { name: held.source!.branch!.name },
        commit: { hash: held.source!.commit!.hash },
        repository: { full_name: "demo/effect-playground" }
      })
      expect(payload.destination?.branch.name).toBe(held.destination!.branch!.name)
      // The payload passes the check before sending: a held commit's other fields are not in it.
      const created = yield* Effect.either(PullRequest.create({ workspace: "demo", repo_slug: "effect-playground" }, payload).pipe(
        Effect.provide(Layer.merge(FakeBitbucket.layer(), Authenticator.anonymous))
      ))
      expect(Either.isLeft(created) && created.left._tag).not.toBe("InvalidInput")
    }))
})

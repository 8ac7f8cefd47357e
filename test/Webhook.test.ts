import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Redacted, Stream } from "effect"
import { createHash, createHmac } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import * as BitbucketError from "../src/BitbucketError.js"
import { hmacSha256, sha256 } from "../src/internal/hmac.js"
import * as Webhook from "../src/Webhook.js"
import { json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"
const uid = "{8d1f3a4c-5b6e-4f70-8a91-b2c3d4e5f601}"
const encodedUid = "%7B8d1f3a4c-5b6e-4f70-8a91-b2c3d4e5f601%7D"

const repoHook = {
  type: "webhook_subscription",
  uuid: uid,
  url: "https://ci.example.com/bitbucket",
  description: "CI",
  subject_type: "repository",
  subject: { type: "repository", full_name: "demo/hello", uuid: "{0a0b0c0d-1111-4222-8333-444455556666}", name: "hello" },
  active: true,
  created_at: "2026-02-03T04:05:06.789012Z",
  events: ["repo:push", "pullrequest:created", "repo:some_future_event"],
  secret_set: true,
  skip_cert_verification: false,
  links: { self: { href: `${base}/repositories/demo/hello/hooks/${encodedUid}` } }
}

const workspaceHook = {
  ...repoHook,
  subject_type: "workspace",
  subject: { type: "workspace", slug: "demo", uuid: "{a1b2c3d4-0000-4000-8000-00000000demo}", name: "Demo" },
  links: { self: { href: `${base}/workspaces/demo/hooks/${encodedUid}` } }
}

const repository = { workspace: "demo", repo_slug: "hello" }

describe("Webhook events", () => {
  it("lists the 27 event keys and the schema refuses others", () => {
    expect(Webhook.events).toHaveLength(27)
    expect(new Set(Webhook.events).size).toBe(27)
    expect(Webhook.events).toContain("repo:push")
    expect(Webhook.events).toContain("pullrequest:comment_resolved")
  })

  const specPath = new URL("../../shared/bitbucket-cloud-openapi.json", import.meta.url)
  const specPresent = existsSync(specPath)
  if (!specPresent) console.warn(`SKIPPED: the hook_event contract test needs ${specPath.pathname}, which is absent`)
  it.skipIf(!specPresent)("matches the spec's hook_event enum (contract; skipped when the spec is absent)", () => {
    const spec = JSON.parse(readFileSync(specPath, "utf8")) as {
      definitions: { hook_event: { properties: { event: { enum: Array<string> } } } }
    }
    expect([...Webhook.events].sort()).toEqual([...spec.definitions.hook_event.properties.event.enum].sort())
  })
})

describe("Repository webhooks", () => {
  it.effect("findForRepository streams GET .../hooks; created_at, secret_set, unknown events and fields survive", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ values: [repoHook], page: 1, pagelen: 10, size: 1 }))
      const hooks = yield* Stream.runCollect(Webhook.findForRepository(repository, { pagelen: 10 })).pipe(
        Effect.provide(mock.anonymous)
      )
      const hook = Chunk.unsafeHead(hooks)
      expect(hook.created_at).toBe("2026-02-03T04:05:06.789012Z")
      expect(hook.secret_set).toBe(true)
      expect(hook.events).toEqual(["repo:push", "pullrequest:created", "repo:some_future_event"])
      expect(hook["skip_cert_verification"]).toBe(false)
      expect(hook.subject?.["full_name"]).toBe("demo/hello")
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}/repositories/demo/hello/hooks?pagelen=10`
      ])
    }))

  it.effect("find sends GET .../hooks/{uid} with the uid's braces encoded", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repoHook))
      const hook = yield* Webhook.find({ ...repository, uid }).pipe(Effect.provide(mock.anonymous))
      expect(hook.uuid).toBe(uid)
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}/repositories/demo/hello/hooks/${encodedUid}`
      ])
    }))

  it.effect("create POSTs url, description, events, active and the secret", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repoHook, 201))
      const hook = yield* Webhook.create(repository, {
        url: "https://ci.example.com/bitbucket",
        description: "CI",
        events: ["repo:push", "pullrequest:created"],
        active: true,
        secret: "plain secret"
      }).pipe(Effect.provide(mock.anonymous))
      expect(hook.secret_set).toBe(true)
      expect(hook["secret"]).toBeUndefined()
      const request = mock.requests[0]!
      expect(request.method).toBe("POST")
      expect(request.url.toString()).toBe(`${base}/repositories/demo/hello/hooks`)
      expect(JSON.parse(request.body)).toEqual({
        url: "https://ci.example.com/bitbucket",
        description: "CI",
        events: ["repo:push", "pullrequest:created"],
        active: true,
        secret: "plain secret"
      })
    }))

  it.effect("a Redacted secret is sent as its value", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repoHook, 201))
      yield* Webhook.create(repository, {
        url: "https://ci.example.com/bitbucket",
        description: "CI",
        events: ["repo:push"],
        active: false,
        secret: Redacted.make("kept out of logs")
      }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({
        url: "https://ci.example.com/bitbucket",
        description: "CI",
        events: ["repo:push"],
        active: false,
        secret: "kept out of logs"
      })
    }))

  it.effect("an unknown event key (or no events, or no url) fails with InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(repoHook, 201))
      const valid = { url: "https://ci.example.com/bitbucket", description: "CI", events: ["repo:push"], active: true }
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ ...valid, events: ["repo:push", "repo:pushed"] }, "payload.events.1"],
        [{ ...valid, events: [] }, "payload.events"],
        [{ ...valid, url: "" }, "payload.url"],
        [{ description: "CI", events: ["repo:push"], active: true }, "payload.url"],
        [{ ...valid, active: "yes" }, "payload.active"],
        [{ ...valid, events: ["repo:push", "repo:push"] }, "payload.events"],
        [{ ...valid, secret: "s".repeat(129) }, "payload.secret"],
        [{ ...valid, secret: Redacted.make("r".repeat(129)) }, "payload.secret"]
      ]
      for (const [payload, parameter] of cases) {
        const error = yield* Effect.flip(Webhook.create(repository, payload as Webhook.CreatePayload)).pipe(
          Effect.provide(mock.anonymous)
        )
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error._tag === "InvalidInput" ? error.parameter : undefined).toBe(parameter)
        // A secret too long is named, never shown.
        expect(error.message).not.toMatch(/sss|rrr/)
      }
      const updateError = yield* Effect.flip(
        Webhook.update({ ...repository, uid }, { events: ["pullrequest:merged" as Webhook.Event] })
      ).pipe(Effect.provide(mock.anonymous))
      expect(updateError).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(0)
    }))

  it.effect("update PUTs only what changes; secret: null removes the secret", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ ...repoHook, active: false, secret_set: false }))
      const hook = yield* Webhook.update({ ...repository, uid }, { active: false, secret: null }).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(hook.active).toBe(false)
      const request = mock.requests[0]!
      expect(request.method).toBe("PUT")
      expect(request.url.toString()).toBe(`${base}/repositories/demo/hello/hooks/${encodedUid}`)
      expect(JSON.parse(request.body)).toEqual({ active: false, secret: null })
      // pybitbucket's disable_cert_verification.
      yield* Webhook.update({ ...repository, uid }, { skip_cert_verification: true }).pipe(Effect.provide(mock.anonymous))
      expect(JSON.parse(mock.requests[1]!.body)).toEqual({ skip_cert_verification: true })
    }))

  it.effect("delete sends DELETE .../hooks/{uid}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => new Response(null, { status: 204 }))
      yield* Webhook.delete({ ...repository, uid }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `DELETE ${base}/repositories/demo/hello/hooks/${encodedUid}`
      ])
    }))
})

describe("Workspace webhooks", () => {
  it.effect("findForWorkspace and findWorkspaceHook use /workspaces/{workspace}/hooks", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/hooks") ? json({ values: [workspaceHook], page: 1, pagelen: 10, size: 1 }) : json(workspaceHook)
      )
      const hooks = yield* Stream.runCollect(Webhook.findForWorkspace({ workspace: "demo" }, { pagelen: 10 })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(Chunk.unsafeHead(hooks).subject_type).toBe("workspace")
      const hook = yield* Webhook.findWorkspaceHook({ workspace: "demo", uid }).pipe(Effect.provide(mock.anonymous))
      expect(hook.subject?.["slug"]).toBe("demo")
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `GET ${base}/workspaces/demo/hooks?pagelen=10`,
        `GET ${base}/workspaces/demo/hooks/${encodedUid}`
      ])
    }))

  it.effect("createWorkspaceHook, updateWorkspaceHook and deleteWorkspaceHook send POST, PUT and DELETE", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.method === "DELETE" ? new Response(null, { status: 204 }) : json(workspaceHook, request.method === "POST" ? 201 : 200)
      )
      yield* Webhook.createWorkspaceHook({ workspace: "demo" }, {
        url: "https://audit.example.com/hook",
        description: "Audit",
        events: ["repo:created", "repo:deleted"],
        active: true
      }).pipe(Effect.provide(mock.anonymous))
      yield* Webhook.updateWorkspaceHook({ workspace: "demo", uid }, { description: "Audit v2", events: ["repo:created"] })
        .pipe(Effect.provide(mock.anonymous))
      yield* Webhook.deleteWorkspaceHook({ workspace: "demo", uid }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `POST ${base}/workspaces/demo/hooks`,
        `PUT ${base}/workspaces/demo/hooks/${encodedUid}`,
        `DELETE ${base}/workspaces/demo/hooks/${encodedUid}`
      ])
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({
        url: "https://audit.example.com/hook",
        description: "Audit",
        events: ["repo:created", "repo:deleted"],
        active: true
      })
      expect(JSON.parse(mock.requests[1]!.body)).toEqual({ description: "Audit v2", events: ["repo:created"] })
    }))

  it.effect("createWorkspaceHook with an unknown event fails with InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(workspaceHook, 201))
      const error = yield* Effect.flip(
        Webhook.createWorkspaceHook({ workspace: "demo" }, {
          url: "https://audit.example.com/hook",
          description: "Audit",
          events: ["workspace:exploded" as Webhook.Event],
          active: true
        })
      ).pipe(Effect.provide(mock.anonymous))
      expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(mock.requests).toHaveLength(0)
    }))
})

describe("Webhook event types", () => {
  it.effect("findEventTypes streams GET /hook_events/{subject_type}", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        json({
          page: 1,
          pagelen: 30,
          size: 2,
          values: [
            { category: "Repository", description: "Whenever a repository push occurs", event: "repo:push", label: "Push" },
            { category: "Pull Request", description: "When a pull request is created", event: "pullrequest:created", label: "Created", beta: true }
          ]
        })
      )
      const types = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Webhook.findEventTypes("repository", { pagelen: 30 })).pipe(Effect.provide(mock.anonymous))
      )
      expect(types.map((t) => [t.event, t.category, t.label])).toEqual([
        ["repo:push", "Repository", "Push"],
        ["pullrequest:created", "Pull Request", "Created"]
      ])
      expect(types[1]!["beta"]).toBe(true)
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${base}/hook_events/repository?pagelen=30`])
    }))
})

describe("verifySignature", () => {
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published test vector.
  const body = "The quick brown fox jumps over the lazy dog"
  const digest = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"

  it("accepts the right signature for a text or byte body and a plain or Redacted secret", () => {
    expect(Webhook.verifySignature({ secret: "key", body, signature: `sha256=${digest}` })).toBe(true)
    expect(Webhook.verifySignature({ secret: Redacted.make("key"), body, signature: `sha256=${digest.toUpperCase()}` }))
      .toBe(true)
    expect(Webhook.verifySignature({ secret: "key", body: new TextEncoder().encode(body), signature: `sha256=${digest}` }))
      .toBe(true)
  })

  it("rejects a wrong secret, a changed body, and malformed or missing headers", () => {
    expect(Webhook.verifySignature({ secret: "other", body, signature: `sha256=${digest}` })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body: `${body}.`, signature: `sha256=${digest}` })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: digest })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: `sha1=${digest}` })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: `sha256=${digest.slice(0, 62)}` })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: `sha256=${digest.slice(0, 63)}z` })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: undefined })).toBe(false)
  })

  it("takes Node's header type: one value is checked, a repeated header is refused", () => {
    const headers: import("node:http").IncomingHttpHeaders = { "x-hub-signature": `sha256=${digest}` }
    expect(Webhook.verifySignature({ secret: "key", body, signature: headers["x-hub-signature"] })).toBe(true)
    expect(Webhook.verifySignature({ secret: "key", body, signature: [`sha256=${digest}`] })).toBe(true)
    expect(Webhook.verifySignature({ secret: "key", body, signature: [`sha256=${digest}`, `sha256=${digest}`] })).toBe(false)
    expect(Webhook.verifySignature({ secret: "key", body, signature: [] })).toBe(false)
  })
})

describe("HMAC-SHA256 without node:crypto", () => {
  it("equals node:crypto's on generated keys and messages of every length around the block sizes", () => {
    let seed = 7
    const random = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)
    const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096]
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      for (const length of lengths) {
        const key = random(keyLength)
        const message = random(length)
        expect(Array.from(hmacSha256(key, message))).toEqual(Array.from(createHmac("sha256", key).update(message).digest()))
      }
    }
    for (const length of lengths) {
      const message = random(length)
      expect(Array.from(sha256(message))).toEqual(Array.from(createHash("sha256").update(message).digest()))
    }
  })

  it("the Webhook module does not import node:crypto (it runs outside Node)", () => {
    const source = readFileSync(new URL("../src/Webhook.ts", import.meta.url), "utf8")
    expect(source).not.toMatch(/from "node:/)
  })
})


describe("a plain-text webhook secret is as secret as a Redacted one", () => {
  it.effect("an error body that echoes the request shows it blanked, on create and update, repository and workspace", () =>
    Effect.gen(function*() {
      const secret = "plain-hook-secret-4242"
      const echo = mockHttp((request) => json({ type: "error", error: { message: `bad request: ${request.body}` } }, 400))
      const payload = { url: "https://ci.example.com/hook", description: "CI", events: ["repo:push" as const], active: true, secret }
      const attempts = [
        Webhook.create({ workspace: "demo", repo_slug: "r" }, payload),
        Webhook.update({ workspace: "demo", repo_slug: "r", uid: "{u}" }, payload),
        Webhook.createWorkspaceHook({ workspace: "demo" }, payload),
        Webhook.updateWorkspaceHook({ workspace: "demo", uid: "{u}" }, payload)
      ]
      for (const attempt of attempts) {
        const error = yield* Effect.flip(attempt).pipe(Effect.provide(echo.anonymous))
        expect(error._tag).toBe("BadRequest")
        expect(error.message).toContain("<redacted>")
        expect(JSON.stringify(error)).not.toContain(secret)
        expect(String(error)).not.toContain(secret)
      }
      expect(echo.requests.every((r) => r.body.includes(secret))).toBe(true)
    }))
})

// ---------------------------------------------------------------------------------------------
// Deliveries: bodies in Bitbucket Cloud's documented shapes, written by us.
// ---------------------------------------------------------------------------------------------

const actor = {
  type: "user",
  display_name: "Alice",
  uuid: "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}",
  account_id: "557058:alice",
  nickname: "alice",
  links: { html: { href: "https://bitbucket.org/%7B2f8e4c1a%7D/" } }
}
const deliveredRepository = {
  type: "repository",
  full_name: "demo/hello",
  name: "hello",
  uuid: "{0a0b0c0d-1111-4222-8333-444455556666}",
  scm: "git",
  is_private: false,
  website: null,
  owner: { type: "team", uuid: "{a1b2c3d4-0000-4000-8000-00000000demo}", display_name: "Demo" },
  workspace: { type: "workspace", slug: "demo", uuid: "{a1b2c3d4-0000-4000-8000-00000000demo}" },
  project: { type: "project", key: "PROJ", uuid: "{p}", name: "Project" },
  links: { self: { href: `${base}/repositories/demo/hello` }, html: { href: "https://bitbucket.org/demo/hello" } }
}
const pullrequest = {
  type: "pullrequest",
  id: 7,
  title: "Fix the typo",
  state: "OPEN",
  author: actor,
  source: { branch: { name: "bugfix/typo" }, commit: { hash: "a1b2c3d4e5f6" }, repository: deliveredRepository },
  destination: { branch: { name: "main" }, commit: { hash: "0f0e0d0c0b0a" }, repository: deliveredRepository },
  merge_commit: null,
  participants: [],
  reviewers: [],
  close_source_branch: false,
  created_on: "2026-02-03T04:05:06.789012+00:00",
  updated_on: "2026-02-03T04:05:06.789012+00:00",
  links: { self: { href: `${base}/repositories/demo/hello/pullrequests/7` } },
  queued: false // a field this version does not know
}
const commit = {
  type: "commit",
  hash: "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0",
  message: "Fix the typo\n",
  date: "2026-02-03T04:00:00+00:00",
  author: { type: "author", raw: "Alice <alice@example.com>", user: actor },
  parents: [{ type: "commit", hash: "0f0e0d0c0b0a09080706050403020100ffeeddcc" }],
  links: { self: { href: `${base}/repositories/demo/hello/commit/a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0` } }
}
const pushBody = {
  push: {
    changes: [{
      new: { type: "branch", name: "main", target: commit, links: {} },
      old: { type: "branch", name: "main", target: { type: "commit", hash: "0f0e0d0c0b0a09080706050403020100ffeeddcc" } },
      created: false,
      closed: false,
      forced: false,
      truncated: false,
      commits: [commit],
      links: { diff: { href: `${base}/repositories/demo/hello/diff/a1b2..0f0e` } }
    }]
  },
  actor,
  repository: deliveredRepository
}

describe("decodeDelivery", () => {
  it.effect("repo:push: push.changes with new, old, commits; unknown fields kept at every level", () =>
    Effect.gen(function*() {
      const body = { ...pushBody, push: { ...pushBody.push, extra: "kept" }, future_top_level: { x: 1 } }
      const delivery = yield* Webhook.decodeDelivery("repo:push", JSON.stringify(body))
      expect(delivery.event).toBe("repo:push")
      if (delivery.event !== "repo:push") return
      const change = delivery.push.changes[0]!
      expect(change.new?.name).toBe("main")
      expect(change.new?.target?.hash).toBe(commit.hash)
      expect(change.old?.target?.hash).toBe("0f0e0d0c0b0a09080706050403020100ffeeddcc")
      expect([change.created, change.closed, change.forced, change.truncated]).toEqual([false, false, false, false])
      expect(change.commits?.[0]?.author?.user?.account_id).toBe("557058:alice")
      expect(delivery.repository.full_name).toBe("demo/hello")
      expect(delivery.repository["workspace"]).toEqual(deliveredRepository.workspace)
      expect(delivery.actor.display_name).toBe("Alice")
      expect(delivery.push["extra"]).toBe("kept")
      expect(delivery["future_top_level"]).toEqual({ x: 1 })
    }))

  it.effect("pullrequest:* from text, bytes or parsed JSON; approval and comment events add theirs", () =>
    Effect.gen(function*() {
      const created = { pullrequest, repository: deliveredRepository, actor }
      for (const body of [JSON.stringify(created), new TextEncoder().encode(JSON.stringify(created)), created]) {
        const delivery = yield* Webhook.decodeDelivery("pullrequest:created", body)
        if (delivery.event !== "pullrequest:created") return expect.unreachable()
        expect(delivery.pullrequest.id).toBe(7)
        expect(delivery.pullrequest.source?.branch?.name).toBe("bugfix/typo")
        expect(delivery.pullrequest["queued"]).toBe(false)
      }
      const approved = yield* Webhook.decodeDelivery("pullrequest:approved", {
        ...created,
        approval: { date: "2026-02-03T05:00:00+00:00", user: { ...actor, display_name: "Bob" } }
      })
      expect(approved.event === "pullrequest:approved" && approved.approval?.user?.display_name).toBe("Bob")
      const commented = yield* Webhook.decodeDelivery("pullrequest:comment_created", {
        ...created,
        comment: { id: 42, content: { raw: "Ship it", markup: "markdown", html: "<p>Ship it</p>" }, inline: { path: "README.md", to: 3 }, user: actor }
      })
      if (commented.event !== "pullrequest:comment_created") return expect.unreachable()
      expect(commented.comment.content?.raw).toBe("Ship it")
      expect(commented.comment.inline?.path).toBe("README.md")
    }))

  it.effect("issue:*, repo:commit_status_* and repo:fork decode with the library's resources", () =>
    Effect.gen(function*() {
      const issue = { type: "issue", id: 3, title: "Retries never stop", state: "new", kind: "bug", priority: "critical", reporter: actor, votes: 0 }
      const updated = yield* Webhook.decodeDelivery("issue:updated", {
        issue: { ...issue, state: "resolved" },
        changes: { state: { old: "new", new: "resolved" } },
        comment: { id: 9, content: { raw: "Fixed" } },
        repository: deliveredRepository,
        actor
      })
      if (updated.event !== "issue:updated") return expect.unreachable()
      expect(updated.issue.state).toBe("resolved")
      expect(updated.changes).toEqual({ state: { old: "new", new: "resolved" } })
      expect(updated.comment?.content?.raw).toBe("Fixed")

      const status = yield* Webhook.decodeDelivery("repo:commit_status_created", {
        commit_status: {
          type: "build",
          key: "ci",
          state: "INPROGRESS",
          name: "CI #42",
          url: "https://ci.example.com/42",
          refname: "main",
          commit: { type: "commit", hash: commit.hash },
          links: { commit: { href: `${base}/repositories/demo/hello/commit/${commit.hash}` } }
        },
        repository: deliveredRepository,
        actor
      })
      if (status.event !== "repo:commit_status_created") return expect.unreachable()
      expect(status.commit_status.state).toBe("INPROGRESS")
      expect(status.commit_status["commit"]).toEqual({ type: "commit", hash: commit.hash })

      const fork = yield* Webhook.decodeDelivery("repo:fork", {
        repository: deliveredRepository,
        fork: { ...deliveredRepository, full_name: "bob/hello" },
        actor
      })
      expect(fork.event === "repo:fork" && fork.fork.full_name).toBe("bob/hello")
    }))

  it.effect("an unknown but well-formed key decodes losslessly as event \"unknown\"", () =>
    Effect.gen(function*() {
      const body = { deployment: { uuid: "{d}", state: { name: "COMPLETED" } }, repository: deliveredRepository, actor }
      const delivery = yield* Webhook.decodeDelivery("repo:deployment_completed", JSON.stringify(body))
      expect(delivery).toEqual({ event: "unknown", key: "repo:deployment_completed", payload: body })
    }))

  it.effect("refuses a malformed key, a body that is not a JSON object, and a body of another event", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, Parameters<typeof Webhook.decodeDelivery>[1], string]> = [
        ["", "{}", "X-Event-Key"],
        ["push", "{}", "X-Event-Key"],
        ["repo push", "{}", "X-Event-Key"],
        ["repo:push", "not json", "body"],
        ["repo:push", "[1, 2]", "body"],
        ["repo:push", new Uint8Array([0x6e, 0x75, 0x6c, 0x6c]), "body"],
        // A pull request body under repo:push: its defining `push` is missing.
        ["repo:push", { pullrequest, repository: deliveredRepository, actor }, "body.push"],
        ["pullrequest:created", { pullrequest: { ...pullrequest, id: "7" }, repository: deliveredRepository, actor }, "body.pullrequest.id"],
        ["pullrequest:created", { pullrequest, repository: deliveredRepository }, "body.actor"]
      ]
      for (const [key, body, parameter] of cases) {
        const error = yield* Effect.flip(Webhook.decodeDelivery(key, body))
        expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error.parameter).toBe(parameter)
      }
    }))
})

describe("receive", () => {
  const secret = "receiver-secret"
  const body = JSON.stringify({ pullrequest, repository: deliveredRepository, actor })
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`

  it.effect("verifies the signature and decodes, with Node's, web or plain headers in any case", () =>
    Effect.gen(function*() {
      const sets = [
        { "x-event-key": "pullrequest:created", "x-hub-signature": signature } satisfies import("node:http").IncomingHttpHeaders,
        new Headers({ "X-Event-Key": "pullrequest:created", "X-Hub-Signature": signature }),
        { "X-Event-Key": "pullrequest:created", "X-Hub-Signature": [signature] }
      ]
      for (const headers of sets) {
        const delivery = yield* Webhook.receive({ secret: Redacted.make(secret), headers, body: new TextEncoder().encode(body) })
        expect(delivery.event === "pullrequest:created" && delivery.pullrequest.title).toBe("Fix the typo")
      }
    }))

  it.effect("refuses a wrong, missing or repeated signature before decoding; secret: null skips the check", () =>
    Effect.gen(function*() {
      const refused = [
        { "x-event-key": "pullrequest:created", "x-hub-signature": signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")) },
        { "x-event-key": "pullrequest:created" },
        { "x-event-key": "pullrequest:created", "x-hub-signature": [signature, signature] }
      ]
      // (Effect.either, not Effect.flip: a check broken into accepting must fail the test, not hang it.)
      const left = <A>(result: Either.Either<A, BitbucketError.InvalidInput>) => {
        if (Either.isRight(result)) throw new Error("accepted a delivery it should have refused")
        return result.left
      }
      for (const headers of refused) {
        const error = left(yield* Effect.either(Webhook.receive({ secret, headers, body })))
        expect(error.parameter).toBe("X-Hub-Signature")
        expect(error.message).not.toContain(secret)
      }
      const unsigned = yield* Webhook.receive({ secret: null, headers: { "x-event-key": "pullrequest:created" }, body })
      expect(unsigned.event).toBe("pullrequest:created")
      const noKey = left(yield* Effect.either(Webhook.receive({ secret, headers: { "x-hub-signature": signature }, body })))
      expect(noKey.parameter).toBe("X-Event-Key")
      // An empty secret is public: a body signed with it is forged, whoever sent it.
      const forged = `sha256=${createHmac("sha256", "").update(body).digest("hex")}`
      for (const empty of ["", "  ", Redacted.make("")]) {
        const error = left(yield* Effect.either(Webhook.receive({ secret: empty, headers: { "x-event-key": "pullrequest:created", "x-hub-signature": forged }, body })))
        expect(error.parameter).toBe("secret")
        expect(Webhook.verifySignature({ secret: empty, body, signature: forged })).toBe(false)
      }
    }))
})

describe("refOf", () => {
  it.effect("reads { workspace, repo_slug, uid } or { workspace, uid } from links.self; the uuid is the uid", () =>
    Effect.gen(function*() {
      expect(yield* Webhook.refOf(repoHook)).toEqual({ workspace: "demo", repo_slug: "hello", uid })
      expect(yield* Webhook.refOf(workspaceHook)).toEqual({ workspace: "demo", uid })
      const trimmed = yield* Effect.flip(Webhook.refOf({ uuid: uid }))
      expect(trimmed).toBeInstanceOf(BitbucketError.InvalidInput)
      expect(trimmed.message).toContain("/hooks/{uid}")
    }))
})

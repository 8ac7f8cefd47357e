/**
 * Webhook deliveries of the fake: built in Bitbucket's shape, signed with the hook's secret,
 * recorded, and (served over HTTP) POSTed to receivers on 127.0.0.1 only.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it, layer } from "@effect/vitest"
import { Clock, Deferred, Effect, Exit, Fiber, Layer } from "effect"
import { createHmac } from "node:crypto"
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"
import { Authenticator, BitbucketConfig, BuildStatus, PullRequest, Ref, Source, Webhook } from "../../src/index.js"
import { FakeBitbucket } from "../../src/testing/index.js"

const playground = { workspace: "demo", repo_slug: "effect-playground" }
const PLAYGROUND_HOOK = "{5e0b7c1d-1a2b-4c3d-8e4f-00000000b001}"
const PLAYGROUND_SECRET = "playground-hook-secret"
const ALICE = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"

const AsAlice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)

const hmac = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`

layer(AsAlice)("deliveries of the in-memory fake", (it) => {
  it.effect("a branch push and a pull request reach the seeded repository hook, signed and decodable", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      yield* fake.clearDeliveries
      const typo = yield* Ref.findBranch({ ...playground, name: "bugfix/typo" })
      yield* Ref.createBranch(playground, { name: "feature/hooks", target: { hash: typo.target!.hash! } })
      const pr = yield* PullRequest.create(playground, PullRequest.fromBranches("feature/hooks", "main", { title: "Hooks" }))

      const deliveries = yield* fake.deliveries
      expect(deliveries.map((d) => [d.event, d.hookUuid])).toEqual([
        ["repo:push", PLAYGROUND_HOOK],
        ["pullrequest:created", PLAYGROUND_HOOK]
      ])
      for (const d of deliveries) {
        expect(d.url).toBe("https://ci.example.com/hooks/bitbucket")
        expect(d.headers["X-Hub-Signature"]).toBe(hmac(PLAYGROUND_SECRET, d.body))
        expect(d.headers["X-Event-Key"]).toBe(d.event)
        expect(d.headers["X-Hook-UUID"]).toBe("5e0b7c1d-1a2b-4c3d-8e4f-00000000b001")
        expect(d.headers["X-Request-UUID"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(d.headers["Content-Type"]).toBe("application/json")
        expect(d.headers["User-Agent"]).toBe("Bitbucket-Webhooks/2.0")
        expect(d.status).toBeUndefined() // in memory: recorded, never sent
      }
      expect(new Set(deliveries.map((d) => d.headers["X-Request-UUID"])).size).toBe(2)

      const push = yield* Webhook.receive({ secret: PLAYGROUND_SECRET, headers: deliveries[0]!.headers, body: deliveries[0]!.body })
      if (push.event !== "repo:push") return expect.unreachable()
      const change = push.push.changes[0]!
      expect([change.created, change.closed, change.forced]).toEqual([true, false, false])
      expect(change.old).toBeNull()
      expect(change.new?.name).toBe("feature/hooks")
      expect(change.new?.target?.hash).toBe(typo.target!.hash)
      expect(push.repository.full_name).toBe("demo/effect-playground")
      expect(push.actor.uuid).toBe(ALICE)

      const opened = yield* Webhook.receive({ secret: PLAYGROUND_SECRET, headers: deliveries[1]!.headers, body: deliveries[1]!.body })
      if (opened.event !== "pullrequest:created") return expect.unreachable()
      expect(opened.pullrequest.id).toBe(pr.id)
      expect(opened.pullrequest.source?.branch?.name).toBe("feature/hooks")
      expect(opened.actor.display_name).toBe("Alice Anderson")
      expect(yield* PullRequest.refOf(opened.pullrequest)).toEqual({ ...playground, pull_request_id: pr.id })

      // Deliveries are a log, not state: a snapshot has none.
      expect(JSON.stringify(yield* fake.snapshot)).not.toContain("X-Hub-Signature")
    }))

  it.effect("a commit through src is a push of the branch from its old head, with the new commits", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const main = yield* Ref.findBranch({ ...playground, name: "main" })
      yield* fake.clearDeliveries
      yield* Source.createCommit(playground, { branch: "main", message: "First\n", files: [{ path: "HOOKS.md", content: "1\n" }] })
      yield* Source.createCommit(playground, { branch: "main", message: "Second\n", files: [{ path: "HOOKS.md", content: "2\n" }] })
      const [first, second] = yield* fake.deliveries
      const decoded = yield* Webhook.receive({ secret: PLAYGROUND_SECRET, headers: second!.headers, body: second!.body })
      if (decoded.event !== "repo:push") return expect.unreachable()
      const change = decoded.push.changes[0]!
      expect([change.created, change.closed, change.forced, change.truncated]).toEqual([false, false, false, false])
      expect(change.commits?.map((c) => c.message)).toEqual(["Second\n"])
      expect(change.old?.target?.hash).toBe(JSON.parse(first!.body).push.changes[0].new.target.hash)
      expect(change.old?.target?.parents?.[0]?.hash).toBe(main.target?.hash)
      expect(change.new?.target?.hash).toBe(change.commits?.[0]?.hash)
    }))

  it.effect("build statuses: created, then updated; hooks without the event, inactive or without a secret behave", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const main = yield* Ref.findBranch({ ...playground, name: "main" })
      const statusHook = yield* Webhook.create(playground, {
        url: "https://ci.example.com/statuses",
        description: "Statuses",
        events: ["repo:commit_status_created", "repo:commit_status_updated"],
        active: true
      })
      const paused = yield* Webhook.create(playground, {
        url: "https://ci.example.com/paused",
        description: "Paused",
        events: ["repo:commit_status_created"],
        active: false,
        secret: "never-used"
      })
      // A workspace hook of demo hears its repositories too.
      const workspaceHook = yield* Webhook.createWorkspaceHook({ workspace: "demo" }, {
        url: "https://audit.example.com/bitbucket",
        description: "Audit",
        events: ["repo:commit_status_updated"],
        active: true,
        secret: "audit-secret"
      })
      yield* fake.clearDeliveries
      const commit = { ...playground, commit: main.target!.hash! }
      yield* BuildStatus.create(commit, { key: "hooks-ci", state: "INPROGRESS", url: "https://ci.example.com/1" })
      yield* BuildStatus.create(commit, { key: "hooks-ci", state: "SUCCESSFUL", url: "https://ci.example.com/1" })
      yield* BuildStatus.update({ ...commit, key: "hooks-ci" }, { state: "FAILED" })

      const deliveries = yield* fake.deliveries
      expect(deliveries.map((d) => [d.event, d.hookUuid])).toEqual([
        ["repo:commit_status_created", statusHook.uuid],
        ["repo:commit_status_updated", statusHook.uuid],
        ["repo:commit_status_updated", workspaceHook.uuid],
        ["repo:commit_status_updated", statusHook.uuid],
        ["repo:commit_status_updated", workspaceHook.uuid]
      ])
      expect(deliveries.some((d) => d.hookUuid === paused.uuid)).toBe(false)
      // No secret, no signature: receive with secret null.
      expect(deliveries[0]!.headers["X-Hub-Signature"]).toBeUndefined()
      const states: Array<string | undefined> = []
      for (const d of deliveries.filter((x) => x.hookUuid === statusHook.uuid)) {
        const delivery = yield* Webhook.receive({ secret: null, headers: d.headers, body: d.body })
        if (delivery.event !== "repo:commit_status_created" && delivery.event !== "repo:commit_status_updated") return expect.unreachable()
        expect(delivery.commit_status.key).toBe("hooks-ci")
        states.push(delivery.commit_status.state)
      }
      expect(states).toEqual(["INPROGRESS", "SUCCESSFUL", "FAILED"])
      const audit = deliveries[2]!
      expect(audit.headers["X-Hub-Signature"]).toBe(hmac("audit-secret", audit.body))
      // The wrong secret is refused.
      const refused = yield* Effect.flip(Webhook.receive({ secret: "not-the-secret", headers: audit.headers, body: audit.body }))
      expect(refused.parameter).toBe("X-Hub-Signature")

      // refOf gives back the ref each hook is managed with.
      const ref = yield* Webhook.refOf(statusHook)
      expect(ref).toEqual({ ...playground, uid: statusHook.uuid })
      expect(yield* Webhook.refOf(workspaceHook)).toEqual({ workspace: "demo", uid: workspaceHook.uuid })
      if ("repo_slug" in ref) yield* Webhook.delete(ref)
      yield* fake.clearDeliveries
      yield* BuildStatus.create(commit, { key: "hooks-ci-2", state: "SUCCESSFUL", url: "https://ci.example.com/2" })
      expect((yield* fake.deliveries).map((d) => d.hookUuid)).toEqual([])
    }))
})

/**
 * A live clock that, while `hold` is on, makes every read wait for `release`: the fake's handlers
 * read it as they start to answer, so requests that arrive while it is held start answering together.
 */
const gatedClock = Effect.gen(function*() {
  const live = Clock.make()
  const gate = yield* Deferred.make<void>()
  let held = false
  const wait = Effect.suspend(() => (held ? Deferred.await(gate) : Effect.void))
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => live.unsafeCurrentTimeMillis(),
    unsafeCurrentTimeNanos: () => live.unsafeCurrentTimeNanos(),
    currentTimeMillis: Effect.zipRight(wait, live.currentTimeMillis),
    currentTimeNanos: Effect.zipRight(wait, live.currentTimeNanos),
    sleep: (duration) => live.sleep(duration)
  }
  return {
    clock,
    hold: Effect.sync(() => void (held = true)),
    release: Effect.zipRight(Effect.sync(() => void (held = false)), Deferred.succeed(gate, undefined))
  }
})

/** What a receiver saw of one delivery: when it came, when it was answered, whether its request's answer had come first. */
interface Seen {
  readonly arrived: number
  readonly done: number
  readonly answeredFirst: boolean
}

describe("deliveries of a served fake answering two requests at once", () => {
  const branches = ["feature/concurrent-a", "feature/concurrent-b"] as const

  // Deterministic, not timed. The fake holds both requests until both have arrived, then they start
  // answering together. A `malformed` fault reads each answer's body after the route has run (one
  // step that waits), so each request makes its delivery while the other is still being answered:
  // a shared outbox gave both deliveries to whichever request was answered first, and sent the
  // other answer at once. The receiver holds each delivery until its own request's answer has come
  // (a fake that answered too early) or for 750 ms (one that waited), and notes which.
  it.live("each answer goes back after its own request's delivery, not before it nor with the other's", () =>
    Effect.gen(function*() {
      const answered = new Map<string, number>()
      const seen = new Map<string, Seen>()
      const holding = yield* Effect.acquireRelease(
        Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
          const server = createServer((req, res) => {
            const chunks: Array<Buffer> = []
            req.on("data", (chunk: Buffer) => chunks.push(chunk))
            req.on("end", () => {
              const arrived = performance.now()
              const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
                readonly push: { readonly changes: ReadonlyArray<{ readonly new: { readonly name: string } }> }
              }
              const branch = payload.push.changes[0]!.new.name
              const poll = setInterval(() => {
                if (!answered.has(branch) && performance.now() - arrived < 750) return
                clearInterval(poll)
                seen.set(branch, { arrived, done: performance.now(), answeredFirst: answered.has(branch) })
                res.writeHead(204).end()
              }, 5)
            })
          })
          server.listen(0, "127.0.0.1", () =>
            resume(Effect.succeed({
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/held`,
              close: () => {
                server.close()
                server.closeAllConnections()
              }
            })))
        }),
        (r) => Effect.sync(r.close)
      )
      const gated = yield* gatedClock
      const fake = yield* FakeBitbucket.serve({
        seed: {
          ...FakeBitbucket.defaultSeed,
          webhooks: [{
            uuid: "{00000000-0000-4000-8000-00000000f201}",
            repository: "demo/effect-playground",
            url: holding.url,
            events: ["repo:push"],
            created_at: "2026-01-01T00:00:00.000000+00:00"
          }]
        },
        faults: { rules: [{ route: "POST /2.0/repositories/demo/effect-playground/refs/branches", fault: { kind: "malformed" } }] }
      }).pipe(Effect.withClock(gated.clock))
      const client = Layer.mergeAll(
        BitbucketConfig.layer({ baseUrl: fake.baseUrl }),
        Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }),
        NodeHttpClient.layerUndici
      )
      const main = yield* Ref.findBranch({ ...playground, name: "main" }).pipe(Effect.provide(client))
      yield* fake.clearRequests
      yield* gated.hold
      const fibers = yield* Effect.forEach(branches, (name) =>
        Ref.createBranch(playground, { name, target: { hash: main.target!.hash! } }).pipe(
          Effect.provide(client),
          // The fault cut the answer's body in half: the request fails to decode, but it was answered.
          Effect.exit,
          Effect.tap(() => Effect.sync(() => answered.set(name, performance.now()))),
          Effect.fork
        ))
      // Both requests are in the fake, waiting at the clock: let them go together.
      while ((yield* fake.requests).length < 2) yield* Effect.sleep("10 millis")
      yield* gated.release
      const exits = yield* Fiber.join(Fiber.all(fibers))
      for (const exit of exits) expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag).toBe("DecodeError")

      expect([...seen.keys()].sort()).toEqual([...branches])
      for (const name of branches) {
        const delivery = seen.get(name)!
        expect({ name, answeredFirst: delivery.answeredFirst }).toEqual({ name, answeredFirst: false })
        expect(delivery.arrived).toBeLessThan(answered.get(name)!)
        expect(delivery.done).toBeLessThan(answered.get(name)!)
      }
      expect((yield* fake.deliveries).map((d) => JSON.parse(d.body).push.changes[0].new.name).sort()).toEqual([...branches])
    }).pipe(Effect.scoped), 20_000)
})

/** A receiver on 127.0.0.1 that keeps each request's headers and raw body. */
const receiver = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly received: Array<{ headers: IncomingHttpHeaders; body: Uint8Array }>; close: () => void }>(
    (resume) => {
      const received: Array<{ headers: IncomingHttpHeaders; body: Uint8Array }> = []
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          received.push({ headers: req.headers, body: new Uint8Array(Buffer.concat(chunks)) })
          res.writeHead(204).end()
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bitbucket`,
          received,
          close: () => {
            server.close()
            server.closeAllConnections()
          }
        })))
    }
  ),
  (r) => Effect.sync(r.close)
)

describe("deliveries of a served fake", () => {
  it.live("are POSTed to a 127.0.0.1 receiver before the API answers, and never to another host", () =>
    Effect.gen(function*() {
      const local = yield* receiver
      const seed: FakeBitbucket.Seed = {
        ...FakeBitbucket.defaultSeed,
        webhooks: [
          {
            uuid: "{00000000-0000-4000-8000-00000000f001}",
            repository: "demo/effect-playground",
            url: local.url,
            events: ["repo:push"],
            secret: "loopback-secret",
            created_at: "2026-01-01T00:00:00.000000+00:00"
          },
          {
            uuid: "{00000000-0000-4000-8000-00000000f002}",
            repository: "demo/effect-playground",
            url: "https://ci.example.com/must-not-be-called",
            events: ["repo:push"],
            created_at: "2026-01-01T00:00:00.000000+00:00"
          }
        ]
      }
      const fake = yield* FakeBitbucket.serve({ seed })
      const created = yield* Ref.findBranch({ ...playground, name: "main" }).pipe(
        Effect.flatMap((main) => Ref.createBranch(playground, { name: "feature/served-hook", target: { hash: main.target!.hash! } })),
        Effect.provide(Layer.mergeAll(
          BitbucketConfig.layer({ baseUrl: fake.baseUrl }),
          Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }),
          NodeHttpClient.layerUndici
        ))
      )
      // Delivered before the answer: nothing to wait for.
      expect(local.received).toHaveLength(1)
      const [request] = local.received
      expect(request!.headers["x-event-key"]).toBe("repo:push")
      expect(request!.headers["x-hook-uuid"]).toBe("00000000-0000-4000-8000-00000000f001")
      expect(request!.headers["user-agent"]).toBe("Bitbucket-Webhooks/2.0")
      const delivery = yield* Webhook.receive({ secret: "loopback-secret", headers: request!.headers, body: request!.body })
      if (delivery.event !== "repo:push") return expect.unreachable()
      expect(delivery.push.changes[0]?.new?.name).toBe("feature/served-hook")
      expect(delivery.push.changes[0]?.new?.target?.hash).toBe(created.target?.hash)

      const recorded = yield* fake.deliveries
      expect(recorded.map((d) => [d.hookUuid, d.status, d.error === undefined])).toEqual([
        ["{00000000-0000-4000-8000-00000000f001}", 204, true],
        ["{00000000-0000-4000-8000-00000000f002}", undefined, false]
      ])
      expect(recorded[1]!.error).toContain("not a loopback host")
      // The body received is the body recorded, byte for byte.
      expect(new TextDecoder().decode(request!.body)).toBe(recorded[0]!.body)
    }).pipe(Effect.scoped))

  it.live("receivers that hang delay the API's answer by one short timeout, however many hooks", () =>
    Effect.gen(function*() {
      // A receiver that reads the request and never answers.
      const hanging = yield* Effect.acquireRelease(
        Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
          const server = createServer((req) => req.resume())
          server.listen(0, "127.0.0.1", () =>
            resume(Effect.succeed({
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`,
              close: () => {
                server.close()
                server.closeAllConnections()
              }
            })))
        }),
        (r) => Effect.sync(r.close)
      )
      const hooks = [1, 2, 3].map((i) => ({
        uuid: `{00000000-0000-4000-8000-00000000f10${i}}`,
        repository: "demo/effect-playground",
        url: hanging.url,
        events: ["repo:push" as const],
        created_at: "2026-01-01T00:00:00.000000+00:00"
      }))
      const fake = yield* FakeBitbucket.serve({ seed: { ...FakeBitbucket.defaultSeed, webhooks: hooks } })
      const started = Date.now()
      yield* Ref.findBranch({ ...playground, name: "main" }).pipe(
        Effect.flatMap((main) => Ref.createBranch(playground, { name: "feature/hanging-hooks", target: { hash: main.target!.hash! } })),
        Effect.provide(Layer.mergeAll(
          BitbucketConfig.layer({ baseUrl: fake.baseUrl }),
          Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }),
          NodeHttpClient.layerUndici
        ))
      )
      expect(Date.now() - started).toBeLessThan(5_000)
      const recorded = yield* fake.deliveries
      expect(recorded).toHaveLength(3)
      for (const delivery of recorded) expect(delivery.error).toContain("delivery failed")
    }).pipe(Effect.scoped), 15_000)
})

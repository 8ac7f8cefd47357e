/**
 * A repository's Pipelines configuration: settings and build number, schedules, caches, the SSH
 * key pair and known hosts, and a step's test reports; against the fake, on the wire, and with a
 * server that echoes the private key.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Layer, Redacted, Stream, TestClock } from "effect"
import * as util from "node:util"
import { Authenticator, BitbucketError, Pipeline, type Requirements } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { capture } from "./support/capture.js"
import { errorBody, json, mockHttp, text } from "./support/mockHttp.js"
import { scopedTokens } from "./support/scopedTokens.js"

const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = alice.pipe(Layer.provideMerge(FakeBitbucket.layer()))
// A collaborator (write) of demo.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const repo = { workspace: "demo", repo_slug: "effect-playground" }
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

const CANARY = "pk-canary-9c41e7d2b8a05f36"
const PRIVATE_KEY = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  `QyNTUxOQAAACBbWygLn/HnvfTABvEnKQeJuDyQX3EoGquN3KY${CANARY}AAAAJiZ`,
  "-----END OPENSSH PRIVATE KEY-----"
].join("\n")
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8 ci@example.com"
const HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIFtbKAuf8ee99MAG8eSnB4m4PJBfcSgaq43cpjUZHDi8"
const OTHER_HOST_KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIHuLKhNch8EtbjhSxzIUqPGz1BVcfpE09ihx0h3TGQwc"
// An RSA key's blob ("ssh-rsa" inside), to give under another type.
const RSA_BLOB = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"

/** Starts a run on main and lets it complete. */
const completedRun = Effect.gen(function*() {
  const run = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
  yield* TestClock.adjust("6 seconds")
  const ref = { ...repo, pipeline_uuid: run.uuid! }
  const [step] = yield* collect(Pipeline.findSteps(ref))
  return { run, ref, stepRef: { ...ref, step_uuid: step!.uuid! } }
})

/** Every way an error may be rendered, and what the logs and spans recorded. */
const renderings = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit)
    ? [
      String(Cause.squash(exit.cause)),
      JSON.stringify(Cause.squash(exit.cause)),
      util.inspect(Cause.squash(exit.cause), { depth: 10, showHidden: true }),
      Cause.pretty(exit.cause)
    ]
    : []

layer(AsAlice)("Pipelines configuration against the fake", (it) => {
  it.effect("settings: Pipelines can be turned off, and then nothing starts; the next build number only goes up", () =>
    Effect.gen(function*() {
      const other = { workspace: "demo", repo_slug: "ts-utils" }
      expect(yield* Pipeline.findConfig(other)).toMatchObject({ type: "repository_pipelines_configuration", enabled: true })
      expect(yield* Pipeline.updateConfig(other, { enabled: false })).toMatchObject({ enabled: false })
      expect((yield* Pipeline.findConfig(other)).enabled).toBe(false)
      const refused = yield* Effect.flip(Pipeline.trigger(other, { target: Pipeline.onBranch("main") }))
      expect(refused).toBeInstanceOf(BitbucketError.BadRequest)
      expect(refused.message).toContain("not enabled")
      yield* Pipeline.updateConfig(other, { enabled: true })

      const first = yield* Pipeline.trigger(other, { target: Pipeline.onBranch("main") })
      expect(first.build_number).toBe(1)
      // Not above the latest run's number: Bitbucket refuses it.
      expect(yield* Effect.flip(Pipeline.setNextBuildNumber(other, 1))).toBeInstanceOf(BitbucketError.BadRequest)
      expect(yield* Pipeline.setNextBuildNumber(other, 100)).toMatchObject({ type: "pipeline_build_number", next: 100 })
      expect((yield* Pipeline.trigger(other, { target: Pipeline.onBranch("main") })).build_number).toBe(100)
      expect((yield* Pipeline.trigger(other, { target: Pipeline.onBranch("main") })).build_number).toBe(101)
      // Lower again is refused; 102 (above 101) is taken.
      expect(yield* Effect.flip(Pipeline.setNextBuildNumber(other, 50))).toBeInstanceOf(BitbucketError.BadRequest)
      expect((yield* Pipeline.setNextBuildNumber(other, 102)).next).toBe(102)
    }))

  it.effect("schedules: created on a branch, listed, found, paused, without executions yet, and removed", () =>
    Effect.gen(function*() {
      const nightly = yield* Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("main"), cron_pattern: "0 0 2 * * ? *" })
      expect(nightly).toMatchObject({
        type: "pipeline_schedule",
        enabled: true,
        cron_pattern: "0 0 2 * * ? *",
        target: { type: "pipeline_ref_target", ref_type: "branch", ref_name: "main", selector: { type: "branches", pattern: "main" } }
      })
      expect(nightly.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/)
      const weekly = yield* Pipeline.createSchedule(repo, {
        target: Pipeline.scheduleOnBranch("main", { custom: "deploy" }),
        cron_pattern: "0 0 9 ? * MON *",
        enabled: false
      })
      expect(weekly).toMatchObject({ enabled: false, target: { selector: { type: "custom", pattern: "deploy" } } })
      expect((yield* collect(Pipeline.findSchedules(repo))).map((s) => s.uuid)).toEqual([nightly.uuid, weekly.uuid])

      const ref = { ...repo, schedule_uuid: nightly.uuid! }
      expect(yield* Pipeline.findSchedule(ref)).toEqual(nightly)
      yield* TestClock.adjust("1 minute")
      const paused = yield* Pipeline.updateSchedule(ref, { enabled: false })
      expect(paused).toMatchObject({ enabled: false, created_on: nightly.created_on, cron_pattern: nightly.cron_pattern })
      expect(paused.updated_on).not.toBe(nightly.updated_on)
      expect(yield* collect(Pipeline.findScheduleExecutions(ref))).toEqual([])

      yield* Pipeline.deleteSchedule(ref)
      expect(yield* Effect.flip(Pipeline.findSchedule(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.deleteSchedule(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(collect(Pipeline.findScheduleExecutions(ref)))).toBeInstanceOf(BitbucketError.NotFound)
      // An unknown branch is Bitbucket's to refuse.
      const unknown = yield* Effect.flip(Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("no-such-branch"), cron_pattern: "0 0 2 * * ? *" }))
      expect(unknown).toBeInstanceOf(BitbucketError.BadRequest)
    }))

  it.effect("the fake refuses with 400 a cron pattern Bitbucket would refuse, sent past the client's check", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const post = (cron_pattern: string) =>
        Effect.flatMap(
          fake.handle(new Request(`${fake.baseUrl}/repositories/demo/effect-playground/pipelines_config/schedules`, {
            method: "POST",
            headers: { authorization: `Basic ${btoa("alice@example.com:alice-api-token")}`, "content-type": "application/json" },
            body: JSON.stringify({ target: Pipeline.scheduleOnBranch("main"), cron_pattern })
          })),
          (response) => Effect.promise(async () => ({ status: response.status, body: await response.json() as { error?: { fields?: unknown } } }))
        )
      for (const bad of ["0 2 * * *", "0 0 2 * * *", "0 0 2 * * * *", "0 61 2 * * ? *", "0 0 2 ? * ? *"]) {
        const answer = yield* post(bad)
        expect(answer.status, bad).toBe(400)
        expect(answer.body.error?.fields).toHaveProperty("cron_pattern")
      }
      expect((yield* post("0 */30 8-18 ? * MON-FRI *")).status).toBe(201)
    }))

  it.effect("caches: a completed run saves node once; its content link works; deleted by name or uuid, then NotFound", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const first = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      yield* TestClock.adjust("2 seconds")
      // Saved when the step completes, not before.
      expect(yield* collect(Pipeline.findCaches(repo))).toEqual([])
      yield* TestClock.adjust("4 seconds")
      const [saved, ...more] = yield* collect(Pipeline.findCaches(repo))
      expect(more).toEqual([])
      expect(saved).toMatchObject({ type: "pipeline_cache", name: "node", path: "node_modules", pipeline_uuid: first.uuid })
      expect(saved!.file_size_bytes).toBeGreaterThan(0)
      // A second run finds the cache there and does not save another.
      yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      yield* TestClock.adjust("6 seconds")
      expect((yield* collect(Pipeline.findCaches(repo))).map((c) => c.uuid)).toEqual([saved!.uuid])

      const ref = { ...repo, cache_uuid: saved!.uuid! }
      const url = yield* Pipeline.cacheContentUrl(ref)
      expect(url).toMatch(/\?token=[0-9a-f]{32}$/)
      const archive = yield* Effect.promise(() => Effect.runPromise(fake.handle(new Request(url))).then((r) => r.text()))
      expect(archive).toContain("fake cache archive")
      const forged = yield* Effect.promise(() => Effect.runPromise(fake.handle(new Request(url.replace(/token=.*/, "token=0")))))
      expect(forged.status).toBe(404)

      yield* Pipeline.deleteCachesByName(repo, "node")
      expect(yield* collect(Pipeline.findCaches(repo))).toEqual([])
      expect(yield* Effect.flip(Pipeline.deleteCachesByName(repo, "node"))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.deleteCache(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.cacheContentUrl(ref))).toBeInstanceOf(BitbucketError.NotFound)

      // The next run saves it anew, and that one goes by uuid.
      yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      yield* TestClock.adjust("6 seconds")
      const [again] = yield* collect(Pipeline.findCaches(repo))
      expect(again!.uuid).not.toBe(saved!.uuid)
      yield* Pipeline.deleteCache({ ...repo, cache_uuid: again!.uuid! })
      expect(yield* collect(Pipeline.findCaches(repo))).toEqual([])
    }))

  it.effect("the SSH key pair: set, shown without its private key (not even in the raw JSON), replaced and removed", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const other = { workspace: "demo", repo_slug: "docs" }
      expect(yield* Effect.flip(Pipeline.findSshKeyPair(other))).toBeInstanceOf(BitbucketError.NotFound)
      const set = yield* Pipeline.setSshKeyPair(other, { private_key: Redacted.make(PRIVATE_KEY), public_key: PUBLIC_KEY })
      expect(set).toEqual({ type: "pipeline_ssh_key_pair", public_key: PUBLIC_KEY })
      const found = yield* Pipeline.findSshKeyPair(other)
      expect(found).toEqual(set)
      const raw = yield* Effect.flatMap(
        fake.handle(new Request(`${fake.baseUrl}/repositories/demo/docs/pipelines_config/ssh/key_pair`, {
          headers: { authorization: `Basic ${btoa("alice@example.com:alice-api-token")}` }
        })),
        (response) => Effect.promise(() => response.text())
      )
      expect(raw).toContain("ssh-ed25519")
      expect(raw).not.toContain(CANARY)
      expect(raw).not.toContain("private_key")

      const replaced = yield* Pipeline.setSshKeyPair(other, { private_key: Redacted.make(PRIVATE_KEY), public_key: `ssh-ed25519 ${OTHER_HOST_KEY} deploy@example.com` })
      expect(replaced.public_key).toContain(OTHER_HOST_KEY)
      yield* Pipeline.deleteSshKeyPair(other)
      expect(yield* Effect.flip(Pipeline.findSshKeyPair(other))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.deleteSshKeyPair(other))).toBeInstanceOf(BitbucketError.NotFound)
    }))

  it.effect("known hosts: trusted from a keyscan line with fingerprints, unique by name, changed, removed", () =>
    Effect.gen(function*() {
      const host = yield* Pipeline.createKnownHost(repo, Pipeline.knownHost(`git.example.com ssh-ed25519 ${HOST_KEY}`))
      expect(host).toMatchObject({
        type: "pipeline_known_host",
        hostname: "git.example.com",
        public_key: { type: "pipeline_ssh_public_key", key_type: "ssh-ed25519", key: HOST_KEY }
      })
      expect(host.public_key?.md5_fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/)
      expect(host.public_key?.sha256_fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
      const taken = yield* Effect.flip(Pipeline.createKnownHost(repo, Pipeline.knownHost(`git.example.com ssh-ed25519 ${OTHER_HOST_KEY}`)))
      expect(taken).toBeInstanceOf(BitbucketError.Conflict)
      // A key given under another type than its blob's is Bitbucket's to refuse.
      const mismatched = yield* Effect.flip(Pipeline.createKnownHost(repo, { hostname: "rsa.example.com", public_key: { key_type: "ssh-ed25519", key: RSA_BLOB } }))
      expect(mismatched).toBeInstanceOf(BitbucketError.BadRequest)

      const ref = { ...repo, known_host_uuid: host.uuid! }
      const rotated = yield* Pipeline.updateKnownHost(ref, Pipeline.knownHost(`[git.example.com]:2222 ssh-ed25519 ${OTHER_HOST_KEY}`))
      expect(rotated).toMatchObject({ uuid: host.uuid, hostname: "[git.example.com]:2222", public_key: { key: OTHER_HOST_KEY } })
      expect(rotated.public_key?.sha256_fingerprint).not.toBe(host.public_key?.sha256_fingerprint)
      expect(yield* Pipeline.findKnownHost(ref)).toEqual(rotated)
      expect(yield* collect(Pipeline.findKnownHosts(repo))).toEqual([rotated])
      yield* Pipeline.deleteKnownHost(ref)
      expect(yield* Effect.flip(Pipeline.findKnownHost(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.updateKnownHost(ref, Pipeline.knownHost(`a.example.com ssh-ed25519 ${HOST_KEY}`)))).toBeInstanceOf(
        BitbucketError.NotFound
      )
    }))

  it.effect("test reports: a completed step's summary, its test cases and the reason one was skipped; none before it completes", () =>
    Effect.gen(function*() {
      const pending = yield* Pipeline.trigger(repo, { target: Pipeline.onBranch("main") })
      const pendingRef = { ...repo, pipeline_uuid: pending.uuid! }
      const [pendingStep] = yield* collect(Pipeline.findSteps(pendingRef))
      expect(yield* Effect.flip(Pipeline.findTestReports({ ...pendingRef, step_uuid: pendingStep!.uuid! }))).toBeInstanceOf(BitbucketError.NotFound)

      const { stepRef } = yield* completedRun
      expect(yield* Pipeline.findTestReports(stepRef)).toEqual({
        number_of_test_cases: 4,
        number_of_successful_test_cases: 3,
        number_of_failed_test_cases: 0,
        number_of_error_test_cases: 0,
        number_of_skipped_test_cases: 1
      })
      const cases = yield* collect(Pipeline.findTestCases(stepRef, { pagelen: 3 }))
      expect(cases.map((c) => [c.name, c.status])).toEqual([["test 1", "SUCCESS"], ["test 2", "SUCCESS"], ["test 3", "SUCCESS"], ["test 4", "SKIPPED"]])
      const skipped = cases[3]!
      const reasons = yield* collect(Pipeline.findTestCaseReasons({ ...stepRef, test_case_uuid: skipped.uuid! }))
      expect(reasons).toHaveLength(1)
      expect(reasons[0]!.output).toContain("skipped")
      expect(yield* collect(Pipeline.findTestCaseReasons({ ...stepRef, test_case_uuid: cases[0]!.uuid! }))).toEqual([])
      const unknown = yield* Effect.flip(collect(Pipeline.findTestCaseReasons({ ...stepRef, test_case_uuid: "{00000000-0000-4000-8000-000000000000}" })))
      expect(unknown).toBeInstanceOf(BitbucketError.NotFound)
      expect(yield* Effect.flip(Pipeline.findTestReports({ ...stepRef, step_uuid: "{00000000-0000-4000-8000-000000000000}" }))).toBeInstanceOf(
        BitbucketError.NotFound
      )
    }))

  it.effect("access: a writer schedules and clears caches but sees no settings, SSH or known hosts; the anonymous see nothing", () =>
    Effect.gen(function*() {
      const asWriter = <A>(effect: Effect.Effect<A, BitbucketError.BitbucketError, Requirements>) => effect.pipe(Effect.provide(asBob))
      const created = yield* asWriter(Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("main"), cron_pattern: "0 0 3 * * ? *" }))
      expect(created.enabled).toBe(true)
      expect((yield* asWriter(collect(Pipeline.findSchedules(repo)))).map((s) => s.uuid)).toContain(created.uuid)
      for (
        const refused of [
          Pipeline.findConfig(repo),
          Pipeline.updateConfig(repo, { enabled: false }),
          Pipeline.setNextBuildNumber(repo, 500),
          Pipeline.findSshKeyPair(repo),
          Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(PRIVATE_KEY), public_key: PUBLIC_KEY }),
          collect(Pipeline.findKnownHosts(repo)),
          Pipeline.createKnownHost(repo, Pipeline.knownHost(`bob.example.com ssh-ed25519 ${HOST_KEY}`))
        ] satisfies ReadonlyArray<Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>> as ReadonlyArray<
          Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>
        >
      ) {
        const error = yield* Effect.flip(asWriter(refused))
        expect(error).toBeInstanceOf(BitbucketError.Forbidden)
        expect(error.message).not.toContain(CANARY)
      }
      expect((yield* Pipeline.findConfig(repo)).enabled).toBe(true)
      // The anonymous may read a public repository's schedules (a guess), but change nothing and see no settings.
      const asAnonymous = <A>(effect: Effect.Effect<A, BitbucketError.BitbucketError, Requirements>) =>
        Effect.flip(effect).pipe(Effect.provide(Authenticator.anonymous))
      expect(yield* asAnonymous(Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("main"), cron_pattern: "0 0 3 * * ? *" })))
        .toBeInstanceOf(BitbucketError.Unauthorized)
      expect(yield* asAnonymous(Pipeline.findConfig(repo))).toBeInstanceOf(BitbucketError.Unauthorized)
      expect(yield* asAnonymous(collect(Pipeline.findKnownHosts(repo)))).toBeInstanceOf(BitbucketError.Unauthorized)
    }))

  it.effect("the snapshot keeps schedules, known hosts, the key pair, the enabled flag and the next build number", () =>
    Effect.gen(function*() {
      const kept = { workspace: "demo", repo_slug: "data-pipeline" }
      const schedule = yield* Pipeline.createSchedule(kept, { target: Pipeline.scheduleOnBranch("main"), cron_pattern: "0 15 4 * * ? *" })
      const host = yield* Pipeline.createKnownHost(kept, Pipeline.knownHost(`git.example.com ssh-ed25519 ${HOST_KEY}`))
      yield* Pipeline.setSshKeyPair(kept, { private_key: Redacted.make(PRIVATE_KEY), public_key: PUBLIC_KEY })
      yield* Pipeline.setNextBuildNumber(kept, 42)
      yield* Pipeline.updateConfig(kept, { enabled: false })
      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = Layer.provideMerge(alice, FakeBitbucket.layer({ seed: snapshot }))
      const [schedules, hosts, pair, config] = yield* Effect.all([
        collect(Pipeline.findSchedules(kept)),
        collect(Pipeline.findKnownHosts(kept)),
        Pipeline.findSshKeyPair(kept),
        Pipeline.findConfig(kept)
      ]).pipe(Effect.provide(restored))
      expect(schedules).toEqual([schedule])
      expect(hosts).toEqual([host])
      expect(pair.public_key).toBe(PUBLIC_KEY)
      expect(config.enabled).toBe(false)
      const run = yield* Effect.gen(function*() {
        yield* Pipeline.updateConfig(kept, { enabled: true })
        return yield* Pipeline.trigger(kept, { target: Pipeline.onBranch("main") })
      }).pipe(Effect.provide(restored))
      expect(run.build_number).toBe(42)
    }))
})

describe("Pipelines configuration and OAuth scopes in the fake", () => {
  it.effect("as the spec has them: settings repository:admin, schedules pipeline:write, SSH pipeline:variable, caches pipeline:write", () =>
    Effect.gen(function*() {
      const asToken = scopedTokens({ reader: ["pipeline"], writer: ["pipeline:write"], admin: ["repository:admin"] })
      const schedule = { target: Pipeline.scheduleOnBranch("main"), cron_pattern: "0 0 2 * * ? *" }
      const outcome = <A>(effect: Effect.Effect<A, BitbucketError.BitbucketError, Requirements>, token: string) =>
        Effect.map(Effect.either(effect.pipe(Effect.provide(asToken(token)))), (e) => (e._tag === "Right" ? "ok" : e.left._tag))
      expect(yield* outcome(collect(Pipeline.findSchedules(repo)), "reader")).toBe("ok")
      expect(yield* outcome(Pipeline.createSchedule(repo, schedule), "reader")).toBe("Forbidden")
      expect(yield* outcome(Pipeline.createSchedule(repo, schedule), "writer")).toBe("ok")
      expect(yield* outcome(Pipeline.findConfig(repo), "reader")).toBe("Forbidden")
      expect(yield* outcome(Pipeline.findConfig(repo), "admin")).toBe("ok")
      expect(yield* outcome(collect(Pipeline.findKnownHosts(repo)), "reader")).toBe("ok")
      expect(yield* outcome(Pipeline.createKnownHost(repo, Pipeline.knownHost(`x.example.com ssh-ed25519 ${HOST_KEY}`)), "writer")).toBe("Forbidden")
      expect(yield* outcome(Pipeline.setNextBuildNumber(repo, 10), "writer")).toBe("Forbidden")
      // The scope is there; no cache is: Bitbucket's NotFound, not Forbidden.
      expect(yield* outcome(Pipeline.deleteCachesByName(repo, "node"), "reader")).toBe("Forbidden")
      expect(yield* outcome(Pipeline.deleteCachesByName(repo, "node"), "writer")).toBe("NotFound")
    }))
})

describe("Pipelines configuration on the wire", () => {
  const scheduleJson = { type: "pipeline_schedule", uuid: "{s}", enabled: true, cron_pattern: "0 0 2 * * ? *" }

  it.effect("a schedule is sent as Bitbucket's target and cron pattern; enabling sends enabled only", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(scheduleJson, 201))
      yield* Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("release/1.x", { custom: "nightly" }), cron_pattern: "0 0 2 * * ? *" })
        .pipe(Effect.provide(mock.anonymous))
      yield* Pipeline.updateSchedule({ ...repo, schedule_uuid: "{a/b}" }, { enabled: false }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.pathname])).toEqual([
        ["POST", "/2.0/repositories/demo/effect-playground/pipelines_config/schedules"],
        ["PUT", "/2.0/repositories/demo/effect-playground/pipelines_config/schedules/%7Ba%2Fb%7D"]
      ])
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({
        target: { type: "pipeline_ref_target", ref_type: "branch", ref_name: "release/1.x", selector: { type: "custom", pattern: "nightly" } },
        cron_pattern: "0 0 2 * * ? *"
      })
      expect(JSON.parse(mock.requests[1]!.body)).toEqual({ enabled: false })
    }))

  it.effect("a cron pattern of another shape is InvalidInput naming it, and nothing is sent; Quartz's forms go through", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(scheduleJson, 201))
      const create = (cron_pattern: string) =>
        Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("main"), cron_pattern }).pipe(Effect.provide(mock.anonymous))
      const bad = [
        "0 2 * * *", // five fields, Unix cron
        "0 0 2 * * ?", // six: no year
        "0 0 2 * * * *", // neither day field is ?
        "0 0 2 ? * ? *", // both are
        "60 0 2 * * ? *",
        "0 0 24 * * ? *",
        "0 0 2 32 * ? *",
        "0 0 2 * 13 ? *",
        "0 0 2 ? * 8 *",
        "0 0 2 * * ? 1969",
        "0 0/0 2 * * ? *",
        "0 0 2 * FOO ? *",
        "0 0 2 * * ? * extra",
        ""
      ]
      for (const pattern of bad) {
        const error = yield* Effect.flip(create(pattern))
        expect(error, pattern).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error).toMatchObject({ parameter: "payload.cron_pattern" })
      }
      expect(mock.requests).toEqual([])
      const good = ["0 0 12 * * ? *", "0 */15 * * * ? *", "0 0 9 ? * MON-FRI *", "0 30 2 L * ? *", "0 0 6 ? * 2#1 2027", "0 0,30 8-18 1,15 JAN-JUN ? *", "0 0 9 15W * ? *"]
      for (const pattern of good) yield* create(pattern)
      expect(mock.requests).toHaveLength(good.length)
    }))

  it.effect("caches go by name in the query, by uuid as one segment; an empty name is InvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.pathname.endsWith("/content-uri") ? json({ uri: "https://bbuseruploads.s3.amazonaws.com/cache.tgz?sig=1" }) : new Response(null, { status: 204 })
      )
      for (const name of ["", "   "]) {
        expect(yield* Effect.flip(Pipeline.deleteCachesByName(repo, name)).pipe(Effect.provide(mock.anonymous))).toMatchObject({
          _tag: "InvalidInput",
          parameter: "name"
        })
      }
      expect(mock.requests).toEqual([])
      yield* Pipeline.deleteCachesByName(repo, "my cache&x=1").pipe(Effect.provide(mock.anonymous))
      yield* Pipeline.deleteCache({ ...repo, cache_uuid: "{c1}" }).pipe(Effect.provide(mock.anonymous))
      const uri = yield* Pipeline.cacheContentUrl({ ...repo, cache_uuid: "{c1}" }).pipe(Effect.provide(mock.anonymous))
      expect(uri).toBe("https://bbuseruploads.s3.amazonaws.com/cache.tgz?sig=1")
      expect(mock.requests.map((r) => [r.method, r.url.pathname, r.url.searchParams.getAll("name")])).toEqual([
        ["DELETE", "/2.0/repositories/demo/effect-playground/pipelines-config/caches", ["my cache&x=1"]],
        ["DELETE", "/2.0/repositories/demo/effect-playground/pipelines-config/caches/%7Bc1%7D", []],
        ["GET", "/2.0/repositories/demo/effect-playground/pipelines-config/caches/%7Bc1%7D/content-uri", []]
      ])
    }))

  it.effect("the key pair is sent with its private key as text, and a private key in an answer is dropped", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({ type: "pipeline_ssh_key_pair", public_key: PUBLIC_KEY, private_key: "" }))
      const set = yield* Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(PRIVATE_KEY), public_key: PUBLIC_KEY }).pipe(Effect.provide(mock.anonymous))
      const found = yield* Pipeline.findSshKeyPair(repo).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests[0]!.method).toBe("PUT")
      expect(mock.requests[0]!.url.pathname).toBe("/2.0/repositories/demo/effect-playground/pipelines_config/ssh/key_pair")
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({ private_key: PRIVATE_KEY, public_key: PUBLIC_KEY })
      for (const pair of [set, found]) {
        expect(pair).toEqual({ type: "pipeline_ssh_key_pair", public_key: PUBLIC_KEY })
        expect("private_key" in pair).toBe(false)
      }
    }))

  it.effect("bad key pairs, known hosts and build numbers are InvalidInput naming the field, never quoting the private key, and send nothing", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json({}))
      const attempts: ReadonlyArray<readonly [Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>, string]> = [
        [Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(`not a key ${CANARY}`), public_key: PUBLIC_KEY }), "payload.private_key"],
        // A public key where the private one goes.
        [Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(PUBLIC_KEY), public_key: PUBLIC_KEY }), "payload.private_key"],
        // Untyped code passing a plain string: refused without quoting it.
        [Pipeline.setSshKeyPair(repo, { private_key: PRIVATE_KEY as unknown as Redacted.Redacted<string>, public_key: PUBLIC_KEY }), "payload.private_key"],
        // The private key where the public one goes.
        [Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(PRIVATE_KEY), public_key: PRIVATE_KEY }), "payload.public_key"],
        [Pipeline.createKnownHost(repo, Pipeline.knownHost("git.example.com")), "payload.public_key.key_type"],
        [Pipeline.createKnownHost(repo, Pipeline.knownHost(`git.example.com ssh-ed25519 not-base64!`)), "payload.public_key.key"],
        [Pipeline.createKnownHost(repo, { hostname: "two words", public_key: { key_type: "ssh-ed25519", key: HOST_KEY } }), "payload.hostname"],
        [Pipeline.updateKnownHost({ ...repo, known_host_uuid: "{k}" }, Pipeline.knownHost("h.example.com ssh-ed25519")), "payload.public_key.key"],
        [Pipeline.setNextBuildNumber(repo, 0), "payload.next"],
        [Pipeline.setNextBuildNumber(repo, 2.5), "payload.next"],
        [Pipeline.updateConfig(repo, { enabled: "yes" as unknown as boolean }), "payload.enabled"]
      ]
      for (const [attempt, parameter] of attempts) {
        const exit = yield* Effect.exit(attempt.pipe(Effect.provide(mock.anonymous)))
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        expect(error, parameter).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error).toMatchObject({ parameter })
        for (const shown of renderings(exit)) {
          expect(shown).not.toContain(CANARY)
          expect(shown).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA")
        }
      }
      expect(mock.requests).toEqual([])
    }))
})

describe("the SSH private key never shows in an error", () => {
  // How a server might echo the key: as JSON (newlines escaped), as text, URL-encoded, cut short,
  // in a 2xx answer that fails to decode, and in a 5xx that is retried and then given up.
  const echoes: ReadonlyArray<readonly [string, (sent: string) => Response]> = [
    ["400 JSON quoting it in message, detail and fields", (sent) =>
      json(errorBody(`invalid key ${JSON.parse(sent).private_key}`, { detail: sent, fields: { private_key: [`bad: ${JSON.parse(sent).private_key}`] } }), 400)],
    ["400 text", (sent) => text(`rejected ${sent}`, 400)],
    ["409 URL-encoded", (sent) => text(`conflict private_key=${encodeURIComponent(JSON.parse(sent).private_key)}`, 409)],
    ["400 cut short", (sent) => json(errorBody(`key '${JSON.parse(sent).private_key.slice(40, 90)}...' rejected`), 400)],
    ["200 that fails to decode", (sent) => json({ type: "pipeline_ssh_key_pair", public_key: { echoed: JSON.parse(sent).private_key } })],
    ["502 HTML", (sent) => text(`<html><body><pre>${JSON.parse(sent).private_key}</pre></body></html>`, 502, "text/html")]
  ]

  for (const [name, reply] of echoes) {
    it.effect(`${name}: not in the error, however rendered, nor in logs or spans`, () =>
      Effect.gen(function*() {
        const mock = mockHttp((request) => reply(request.body))
        const { around, logs, spans } = capture("ssh-key-pair")
        const fiber = yield* Effect.fork(Effect.exit(around(
          Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(PRIVATE_KEY), public_key: PUBLIC_KEY }).pipe(Effect.provide(mock.anonymous))
        )))
        // Past every retry's backoff.
        for (let i = 0; i < 20; i++) yield* TestClock.adjust("30 seconds")
        const exit = yield* fiber.await.pipe(Effect.flatten)
        // The key really went out, and came back.
        expect(mock.requests[0]!.body).toContain(CANARY)
        expect(Exit.isFailure(exit)).toBe(true)
        const shown = [...renderings(exit), ...logs, ...spans]
        expect(shown.length).toBeGreaterThan(4)
        for (const text of shown) {
          expect(text).not.toContain(CANARY)
          expect(text).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA")
        }
        expect(spans.join("\n")).toContain("Bitbucket.Pipeline.setSshKeyPair")
      }))
  }
})

describe("a secret given the wrong way is refused without being shown", () => {
  // Untyped code (or a cast) may wrap the key's bytes rather than its text: a Buffer's contents
  // are the key, and a schema's "Expected string, actual …" would print them.
  const wrapped: ReadonlyArray<readonly [string, unknown]> = [
    ["a Buffer", Buffer.from(PRIVATE_KEY)],
    ["a Uint8Array", new TextEncoder().encode(PRIVATE_KEY)],
    ["an array of lines", PRIVATE_KEY.split("\n")],
    ["an object", { key: PRIVATE_KEY }]
  ]
  for (const [name, value] of wrapped) {
    it.effect(`a Redacted holding ${name}: InvalidInput naming the field, the key nowhere, nothing sent`, () =>
      Effect.gen(function*() {
        const mock = mockHttp(() => json({}))
        const attempts: ReadonlyArray<readonly [Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>, string]> = [
          [
            Pipeline.setSshKeyPair(repo, { private_key: Redacted.make(value) as unknown as Redacted.Redacted<string>, public_key: PUBLIC_KEY }),
            "payload.private_key"
          ],
          [Pipeline.createVariable(repo, { key: "DEPLOY_KEY", value: Redacted.make(value) as unknown as Redacted.Redacted<string> }), "payload.value"]
        ]
        for (const [attempt, parameter] of attempts) {
          const exit = yield* Effect.exit(attempt.pipe(Effect.provide(mock.anonymous)))
          const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
          expect(error, `${name} ${parameter}`).toBeInstanceOf(BitbucketError.InvalidInput)
          expect(error).toMatchObject({ parameter })
          for (const shown of renderings(exit)) {
            expect(shown).not.toContain(CANARY)
            expect(shown).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA")
          }
        }
        expect(mock.requests).toEqual([])
      }))
  }
})

describe("schedules' cron patterns, as Quartz (Bitbucket's scheduler) reads them", () => {
  const scheduleJson = { type: "pipeline_schedule", uuid: "{s}", enabled: true, cron_pattern: "0 0 2 * * ? *" }
  const create = (mock: ReturnType<typeof mockHttp>, cron_pattern: string) =>
    Pipeline.createSchedule(repo, { target: Pipeline.scheduleOnBranch("main"), cron_pattern }).pipe(Effect.provide(mock.anonymous))

  it.effect("a named day with L or # (FRIL, FRI#3: Quartz's own examples) goes through", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(scheduleJson, 201))
      const good = ["0 0 9 ? * FRI#3 *", "0 0 9 ? * fri#1 *", "0 30 1 ? * FRIL *", "0 30 1 ? * SUNL 2027", "0 0 9 ? * MON#2 *"]
      for (const pattern of good) {
        const exit = yield* Effect.exit(create(mock, pattern))
        expect(Exit.isSuccess(exit), pattern).toBe(true)
      }
      expect(mock.requests).toHaveLength(good.length)
    }))

  it.effect("a step larger than its field (Quartz: Increment > 60, > 24, ...), or L or # in a list, is InvalidInput, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(scheduleJson, 201))
      const bad = ["0/60 0 2 * * ? *", "0 0/75 * * * ? *", "0 0 0/24 * * ? *", "0 0 12 1/32 * ? *", "0 0 12 ? 1/13 MON *", "0 0 9 ? * 1/8 *", "0 0 9 ? * FRI#6 *", "0 0 9 ? * FRI#3/2 *",
        // Quartz: "Support for specifying 'L' [...] with other days [...] / multiple "nth" days is not implemented"
        "0 0 9 L,15 * ? *", "0 0 9 LW,1 * ? *", "0 0 9 ? * SAT,SUN,L *", "0 0 9 ? * 6L,MON *", "0 0 9 ? * MON#2,WED#2 *"]
      for (const pattern of bad) {
        const error = yield* Effect.flip(create(mock, pattern))
        expect(error, pattern).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error).toMatchObject({ parameter: "payload.cron_pattern" })
      }
      expect(mock.requests).toEqual([])
      // At the field's size a step is still taken, as Quartz takes it.
      for (const pattern of ["0/59 0 2 * * ? *", "0 0 0/23 * * ? *", "0 0 12 1/31 * ? *", "0 0 12 ? 1/12 MON *", "0 0 9 ? * 1/7 *"]) yield* create(mock, pattern)
      expect(mock.requests).toHaveLength(5)
    }))
})

describe("Pipeline.knownHost reads ssh-keyscan and known_hosts lines, and refuses clearly what a known host cannot hold", () => {
  const hostJson = { type: "pipeline_known_host", uuid: "{k}", hostname: "git.example.com" }
  const RSA_KEY = `${RSA_BLOB}x9XyPbzjJtM8W1uYQ0kS+8Xo3Ay8nKQ6I0vQz8lq7E0`

  it.effect("ssh-keyscan's comment lines, a key's comment and CRLF endings are skipped: one host, one key", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(hostJson, 201))
      const outputs = [
        `# git.example.com:22 SSH-2.0-OpenSSH_9.6\ngit.example.com ssh-ed25519 ${HOST_KEY}\n`,
        `git.example.com ssh-ed25519 ${HOST_KEY} ops@bastion`,
        `\r\n# git.example.com:22 SSH-2.0-OpenSSH_9.6\r\ngit.example.com ssh-ed25519 ${HOST_KEY}\r\n`
      ]
      for (const output of outputs) {
        expect(Pipeline.knownHost(output)).toEqual({ hostname: "git.example.com", public_key: { key_type: "ssh-ed25519", key: HOST_KEY } })
        yield* Pipeline.createKnownHost(repo, Pipeline.knownHost(output)).pipe(Effect.provide(mock.anonymous))
      }
      expect(mock.requests.map((r) => JSON.parse(r.body))).toEqual(
        outputs.map(() => ({ hostname: "git.example.com", public_key: { key_type: "ssh-ed25519", key: HOST_KEY } }))
      )
    }))

  it.effect("several keys, a hashed name, a marker line or a list of hosts: InvalidInput saying so, and nothing is sent", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(hostJson, 201))
      const cases: ReadonlyArray<readonly [string, RegExp]> = [
        // ssh-keyscan without -t: a key of each type.
        [`# git.example.com:22 SSH-2.0-OpenSSH_9.6\ngit.example.com ssh-rsa ${RSA_KEY}\ngit.example.com ssh-ed25519 ${HOST_KEY}`, /one key|several/i],
        // ssh-keyscan -H, or a known_hosts with HashKnownHosts.
        [`|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-ed25519 ${HOST_KEY}`, /hashed/i],
        [`@cert-authority *.example.com ssh-ed25519 ${HOST_KEY}`, /@cert-authority/],
        [`@revoked git.example.com ssh-ed25519 ${HOST_KEY}`, /@revoked/],
        [`git.example.com,192.0.2.10 ssh-ed25519 ${HOST_KEY}`, /several hosts|one host/i]
      ]
      for (const [line, says] of cases) {
        const error = yield* Effect.flip(Pipeline.createKnownHost(repo, Pipeline.knownHost(line)).pipe(Effect.provide(mock.anonymous)))
        expect(error, line).toBeInstanceOf(BitbucketError.InvalidInput)
        expect(error).toMatchObject({ parameter: "payload.hostname" })
        expect(error.message, line).toMatch(says)
      }
      expect(mock.requests).toEqual([])
    }))
})

describe("the fake's snapshot and the build number", () => {
  it.effect("a next build number set ahead is restored with the same floor: what the fake took before, it takes after", () =>
    Effect.gen(function*() {
      const other = { workspace: "demo", repo_slug: "ts-utils" }
      const snapshot = yield* Effect.gen(function*() {
        yield* Pipeline.trigger(other, { target: Pipeline.onBranch("main") }) // build 1
        yield* Pipeline.setNextBuildNumber(other, 100)
        const taken = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
        // Above the latest run's number (1), though below the next one set: taken.
        expect((yield* Pipeline.setNextBuildNumber(other, 50)).next).toBe(50)
        return taken
      }).pipe(Effect.provide(Layer.provideMerge(alice, FakeBitbucket.layer())))
      const restored = Layer.provideMerge(alice, FakeBitbucket.layer({ seed: snapshot }))
      // The same, after the snapshot is restored.
      expect((yield* Pipeline.setNextBuildNumber(other, 50).pipe(Effect.provide(restored))).next).toBe(50)
      // Not above the latest run's number: refused by both.
      expect(yield* Effect.flip(Pipeline.setNextBuildNumber(other, 1).pipe(Effect.provide(restored)))).toBeInstanceOf(BitbucketError.BadRequest)
    }))
})

/**
 * A repository's Pipelines settings: `GET|PUT R/pipelines_config` (enabled),
 * `PUT R/pipelines_config/build_number`, schedules (`R/pipelines_config/schedules[/{uuid}]`, and
 * `…/executions`), the SSH key pair (`R/pipelines_config/ssh/key_pair`), known hosts
 * (`R/pipelines_config/ssh/known_hosts[/{uuid}]`) and caches (`R/pipelines-config/caches`, with a
 * hyphen, as Bitbucket spells it; `…/{uuid}`, `…/{uuid}/content-uri`).
 *
 * What the spec leaves open is chosen as Bitbucket most plausibly does it (guesses, marked so):
 * - Access: the settings, the build number, the key pair and known hosts need admin access to the
 *   repository (they are on its admin pages), reads included; schedules and caches are read with
 *   read access and changed with write access (a guess: who may run pipelines may schedule them).
 * - Pipelines is enabled on every repository unless the seed or `PUT …/pipelines_config` says not.
 * - The next build number must be a whole number above the latest run's (the spec: "it should be
 *   higher than the current number"; which number is a guess); 400 otherwise.
 * - A schedule's target is a branch that exists, with a `branches` or `custom` selector; its cron
 *   pattern has the 7 Quartz fields (`0 0 12 * * ? *`), 400 with `fields.cron_pattern` otherwise.
 *   `PUT` changes `enabled` only. The fake never fires a schedule: executions are an empty list.
 * - The key pair's `GET` never shows the private key (it is write-only on Bitbucket); 404 when
 *   there is none. Both halves are required; a private key must be PEM or OpenSSH.
 * - A known host's hostname is unique in the repository (409); its key's type must be the one its
 *   base64 blob names (400); fingerprints are computed (MD5 hex pairs, `SHA256:` base64).
 * - Caches are saved by runs (see `routes/pipelines.ts`); deleting by name with no cache of that
 *   name is 404, as the spec says. Content is served on the web origin at a signed-looking URL.
 * - `{uuid}` parameters match with or without braces. Schedules, known hosts, the key pair, the
 *   enabled flag, the next build number and the seed's `results` (which runs fail) are part of
 *   `FakeBitbucket.snapshot` (`pipelineSettings`); caches, like runs, are not.
 *
 * @internal
 */
import { Schema } from "effect"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import { cronProblem } from "../../../internal/cron.js"
import { SshPublicKey } from "../../../internal/sshKey.js"
import type { Ctx } from "../core.js"
import { bareUuid, HttpError, isoFromMillis } from "../core.js"
import { uuidOf } from "../gitStore.js"
import { type CacheState, pipelineSettingsOf } from "../pipelineSettings.js"
import type { RouteModule } from "../router.js"
import type { SeedPipelineSettings, SeedRepository } from "../seed.js"
import { listIn } from "../variables.js"

type Params = Readonly<Record<string, string>>

interface ScheduleState {
  readonly uuid: string
  readonly branch: string
  readonly custom: string | undefined
  readonly cronPattern: string
  enabled: boolean
  readonly createdOn: string
  updatedOn: string
}

interface KnownHostState {
  readonly uuid: string
  hostname: string
  keyType: string
  key: string
}

interface KeyPairState {
  readonly publicKey: string
  readonly privateKey: string
}

const isPublicKey = Schema.is(SshPublicKey)
const PRIVATE_KEY = /^-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z0-9]+ )?PRIVATE KEY-----$/

/** The key type a public key's base64 blob names (its first length-prefixed string), if any. */
const blobKeyType = (key: string): string | undefined => {
  const bytes = Buffer.from(key, "base64")
  if (bytes.length < 4) return undefined
  const length = bytes.readUInt32BE(0)
  return length > 0 && length < 64 && bytes.length >= 4 + length ? bytes.subarray(4, 4 + length).toString("latin1") : undefined
}

export const pipelinesConfig: RouteModule = {
  name: "pipelinesConfig",
  make: (core) => {
    const { ok, page, seg, parsePayload, invalid } = core
    // By repository uuid: a repository deleted and made again starts without any.
    const schedulesBy = new Map<string, Array<ScheduleState>>()
    const knownHostsBy = new Map<string, Array<KnownHostState>>()
    const keyPairs = new Map<string, KeyPairState>()

    for (const s of core.seed.pipelineSettings ?? []) {
      const repo = core.repositoryNamed(s.repository)
      if (repo === undefined) throw new Error(`FakeBitbucket seed: pipelineSettings names no known repository ${s.repository}`)
      for (const x of s.schedules ?? []) {
        const at = x.created_on ?? "2024-01-01T00:00:00.000000+00:00"
        listIn(schedulesBy, repo.uuid).push({
          uuid: x.uuid ?? uuidOf(`schedule ${repo.uuid} ${x.branch} ${x.cron_pattern}`),
          branch: x.branch,
          custom: x.custom,
          cronPattern: x.cron_pattern,
          enabled: x.enabled ?? true,
          createdOn: at,
          updatedOn: x.updated_on ?? at
        })
      }
      for (const h of s.knownHosts ?? []) {
        listIn(knownHostsBy, repo.uuid).push({ uuid: h.uuid ?? uuidOf(`known host ${repo.uuid} ${h.hostname}`), hostname: h.hostname, keyType: h.key_type, key: h.key })
      }
      if (s.sshKeyPair !== undefined) keyPairs.set(repo.uuid, { publicKey: s.sshKeyPair.public_key, privateKey: s.sshKeyPair.private_key })
      for (const r of s.results ?? []) {
        // A seed is often JSON: a result the fake cannot produce is a mistake to report, not to ignore.
        if (r.result !== "FAILED" && r.result !== "ERROR") {
          throw new Error(`FakeBitbucket seed: a pipelineSettings result of ${s.repository} must be "FAILED" or "ERROR", not ${JSON.stringify(r.result)}`)
        }
      }
    }

    const admin = (ctx: Ctx, p: Params) => core.repositoryFor(ctx, p, "admin")
    const reader = (ctx: Ctx, p: Params) => core.repositoryFor(ctx, p)
    const writer = (ctx: Ctx, p: Params) => core.repositoryFor(ctx, p, "write")
    const configPath = (repo: SeedRepository) => `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/pipelines_config`

    /** The item of `list` whose uuid is `uuid` (braces optional), or 404 naming `what`. */
    const findIn = <A extends { readonly uuid: string }>(list: ReadonlyArray<A>, uuid: string, what: string): A => {
      const found = list.find((x) => bareUuid(x.uuid) === bareUuid(uuid))
      if (found === undefined) throw new HttpError(404, `${what} ${uuid} not found`)
      return found
    }

    const booleanField = (body: Record<string, unknown>, name: string): boolean => {
      const value = body[name]
      if (typeof value !== "boolean") throw invalid({ [name]: [value === undefined ? "This field is required." : "Must be a boolean."] })
      return value
    }

    // ----- settings and build number -----

    const configJson = (repo: SeedRepository) => ({
      type: "repository_pipelines_configuration",
      enabled: pipelineSettingsOf(core, repo.uuid).enabled,
      repository: core.repoSummary(repo)
    })

    const setBuildNumber = (ctx: Ctx, p: Params) => {
      const repo = admin(ctx, p)
      const settings = pipelineSettingsOf(core, repo.uuid)
      const next = parsePayload(ctx).next
      if (typeof next !== "number" || !Number.isSafeInteger(next) || next < 1) throw invalid({ next: ["Must be a positive whole number."] })
      if (next <= settings.latestBuildNumber) {
        throw new HttpError(400, "The next build number must be higher than the current one.", `The latest build number is ${settings.latestBuildNumber}.`, {
          next: [`Must be higher than ${settings.latestBuildNumber}.`]
        })
      }
      settings.nextBuildNumber = next
      return ok(ctx, { type: "pipeline_build_number", next })
    }

    // ----- schedules -----

    const scheduleJson = (s: ScheduleState) => ({
      type: "pipeline_schedule",
      uuid: s.uuid,
      enabled: s.enabled,
      target: {
        type: "pipeline_ref_target",
        ref_type: "branch",
        ref_name: s.branch,
        selector: s.custom === undefined ? { type: "branches", pattern: s.branch } : { type: "custom", pattern: s.custom }
      },
      cron_pattern: s.cronPattern,
      created_on: s.createdOn,
      updated_on: s.updatedOn
    })

    /** The branch and custom pipeline of a schedule's target, checked; 400 otherwise. */
    const scheduleTarget = (repo: SeedRepository, target: unknown) => {
      if (typeof target !== "object" || target === null) throw invalid({ target: ["This field is required."] })
      const t = target as Record<string, unknown>
      if (t.type !== "pipeline_ref_target" || t.ref_type !== "branch") {
        throw invalid({ target: ["A schedule's target is a pipeline_ref_target on a branch."] })
      }
      const selector = t.selector as Record<string, unknown> | undefined
      if (typeof selector !== "object" || selector === null || typeof selector.pattern !== "string" || selector.pattern.trim() === "") {
        throw invalid({ "target.selector": ["A selector with a pattern is required."] })
      }
      if (selector.type !== "branches" && selector.type !== "custom") throw invalid({ "target.selector.type": ["Must be branches or custom."] })
      const branch = t.ref_name
      if (typeof branch !== "string" || !core.git.data(repo).git.branches.has(branch)) {
        throw new HttpError(400, "Invalid target", `No branch named ${JSON.stringify(branch)} in ${core.fullName(repo)}.`)
      }
      return { branch, custom: selector.type === "custom" ? selector.pattern : undefined }
    }

    const createSchedule = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const repo = writer(ctx, p)
        const body = parsePayload(ctx)
        const { branch, custom } = scheduleTarget(repo, body.target)
        const pattern = body.cron_pattern
        if (typeof pattern !== "string") throw invalid({ cron_pattern: ["This field is required."] })
        const problem = cronProblem(pattern)
        if (problem !== undefined) throw invalid({ cron_pattern: [`Invalid cron expression: ${problem}.`] })
        const enabled = body.enabled === undefined ? true : booleanField(body, "enabled")
        const now = isoFromMillis(yield* Clock.currentTimeMillis)
        const s: ScheduleState = {
          uuid: uuidOf(`schedule ${repo.uuid} ${core.nextId()}`),
          branch,
          custom,
          cronPattern: pattern.trim().split(/\s+/).join(" "),
          enabled,
          createdOn: now,
          updatedOn: now
        }
        listIn(schedulesBy, repo.uuid).push(s)
        return core.created(ctx, scheduleJson(s), `${core.base}${configPath(repo)}/schedules/${seg(s.uuid)}`)
      })

    const updateSchedule = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const repo = writer(ctx, p)
        const s = findIn(listIn(schedulesBy, repo.uuid), p.schedule_uuid!, "Schedule")
        // Only `enabled` can change (the spec's PUT body has nothing else); other fields are ignored.
        s.enabled = booleanField(parsePayload(ctx), "enabled")
        s.updatedOn = isoFromMillis(yield* Clock.currentTimeMillis)
        return ok(ctx, scheduleJson(s))
      })

    // ----- SSH -----

    const keyPairOf = (repo: SeedRepository) => {
      const pair = keyPairs.get(repo.uuid)
      if (pair === undefined) throw new HttpError(404, "No SSH key pair is set for this repository.")
      return pair
    }

    // The private key is write-only: never in an answer, nor quoted by an error.
    const keyPairJson = (pair: KeyPairState) => ({ type: "pipeline_ssh_key_pair", public_key: pair.publicKey })

    const setKeyPair = (ctx: Ctx, p: Params) => {
      const repo = admin(ctx, p)
      const body = parsePayload(ctx)
      const fields: Record<string, Array<string>> = {}
      const privateKey = body.private_key
      const publicKey = body.public_key
      if (typeof privateKey !== "string" || privateKey.trim() === "") fields.private_key = ["This field is required."]
      else if (!PRIVATE_KEY.test(privateKey.trim())) fields.private_key = ["Not a valid private key."]
      if (typeof publicKey !== "string" || publicKey.trim() === "") fields.public_key = ["This field is required."]
      else if (!isPublicKey(publicKey)) fields.public_key = ["Not a valid OpenSSH public key."]
      if (Object.keys(fields).length > 0) throw invalid(fields)
      const pair = { publicKey: (publicKey as string).trim(), privateKey: privateKey as string }
      keyPairs.set(repo.uuid, pair)
      return ok(ctx, keyPairJson(pair))
    }

    const knownHostJson = (h: KnownHostState) => {
      const blob = Buffer.from(h.key, "base64")
      return {
        type: "pipeline_known_host",
        uuid: h.uuid,
        hostname: h.hostname,
        public_key: {
          type: "pipeline_ssh_public_key",
          key_type: h.keyType,
          key: h.key,
          md5_fingerprint: createHash("md5").update(blob).digest("hex").replace(/(..)(?!$)/g, "$1:"),
          sha256_fingerprint: `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`
        }
      }
    }

    /** A known host a body describes, over `current` for an update; 400 when invalid, 409 when its name is taken. */
    const readKnownHost = (hosts: ReadonlyArray<KnownHostState>, body: Record<string, unknown>, current?: KnownHostState) => {
      const fields: Record<string, Array<string>> = {}
      const hostname = body.hostname ?? current?.hostname
      if (typeof hostname !== "string" || hostname.trim() === "" || /\s/.test(hostname)) fields.hostname = ["A host name without spaces is required."]
      const given = body.public_key as Record<string, unknown> | undefined
      const keyType = given?.key_type ?? current?.keyType
      const key = given?.key ?? current?.key
      if (typeof keyType !== "string" || typeof key !== "string" || !/^AAAA[A-Za-z0-9+/]+={0,3}$/.test(key)) {
        fields.public_key = ["A key_type and a base64 key are required."]
      } else if (blobKeyType(key) !== keyType) {
        fields["public_key.key_type"] = [`The key is of type ${blobKeyType(key) ?? "unknown"}, not ${keyType}.`]
      }
      if (Object.keys(fields).length > 0) throw invalid(fields)
      if (hosts.some((h) => h !== current && h.hostname === hostname)) {
        throw new HttpError(409, "A known host with the provided hostname already exists.", `Hostname: ${String(hostname)}.`)
      }
      return { hostname: hostname as string, keyType: keyType as string, key: key as string }
    }

    // ----- caches -----

    const savedCaches = (repo: SeedRepository, nowMs: number) => pipelineSettingsOf(core, repo.uuid).caches.filter((c) => c.savedBy(nowMs))

    const removeCaches = (repo: SeedRepository, doomed: ReadonlyArray<CacheState>) => {
      const caches = pipelineSettingsOf(core, repo.uuid).caches
      for (const c of doomed) caches.splice(caches.indexOf(c), 1)
    }

    const withNow = <A>(f: (nowMs: number) => A) => Effect.map(Clock.currentTimeMillis, f)

    const contentToken = (repoUuid: string, cacheUuid: string) => createHash("sha256").update(`cache ${repoUuid} ${cacheUuid}`).digest("hex").slice(0, 32)

    // ----- snapshot -----

    const snapshot = () => {
      const out: Array<SeedPipelineSettings> = []
      for (const repo of core.store.repositories) {
        const settings = pipelineSettingsOf(core, repo.uuid)
        const schedules = schedulesBy.get(repo.uuid) ?? []
        const hosts = knownHostsBy.get(repo.uuid) ?? []
        const pair = keyPairs.get(repo.uuid)
        const entry: SeedPipelineSettings = {
          repository: core.fullName(repo),
          ...(settings.enabled ? {} : { enabled: false }),
          ...(settings.nextBuildNumber === 1 ? {} : { nextBuildNumber: settings.nextBuildNumber }),
          // Runs are not kept: the floor of the next build number is, when it is not the default.
          ...(settings.latestBuildNumber === settings.nextBuildNumber - 1 ? {} : { latestBuildNumber: settings.latestBuildNumber }),
          ...(schedules.length === 0 ? {} : {
            schedules: schedules.map((s) => ({
              uuid: s.uuid,
              branch: s.branch,
              ...(s.custom === undefined ? {} : { custom: s.custom }),
              cron_pattern: s.cronPattern,
              enabled: s.enabled,
              created_on: s.createdOn,
              updated_on: s.updatedOn
            }))
          }),
          ...(hosts.length === 0 ? {} : { knownHosts: hosts.map((h) => ({ uuid: h.uuid, hostname: h.hostname, key_type: h.keyType, key: h.key })) }),
          ...(pair === undefined ? {} : { sshKeyPair: { public_key: pair.publicKey, private_key: pair.privateKey } }),
          ...(settings.results.length === 0 ? {} : { results: settings.results.map((r) => ({ ...r })) })
        }
        if (Object.keys(entry).length > 1) out.push(entry)
      }
      return { pipelineSettings: out }
    }

    const C = "/repositories/:workspace/:repo_slug/pipelines_config"
    const K = "/repositories/:workspace/:repo_slug/pipelines-config/caches"
    return {
      snapshot,
      routes: [
        {
          path: C,
          GET: (ctx, p) => ok(ctx, configJson(admin(ctx, p))),
          PUT: (ctx, p) => {
            const repo = admin(ctx, p)
            pipelineSettingsOf(core, repo.uuid).enabled = booleanField(parsePayload(ctx), "enabled")
            return ok(ctx, configJson(repo))
          }
        },
        { path: `${C}/build_number`, PUT: setBuildNumber },
        {
          path: `${C}/schedules`,
          GET: (ctx, p) => page(ctx, listIn(schedulesBy, reader(ctx, p).uuid).map(scheduleJson)),
          POST: createSchedule
        },
        {
          path: `${C}/schedules/:schedule_uuid`,
          GET: (ctx, p) => ok(ctx, scheduleJson(findIn(listIn(schedulesBy, reader(ctx, p).uuid), p.schedule_uuid!, "Schedule"))),
          PUT: updateSchedule,
          DELETE: (ctx, p) => {
            const schedules = listIn(schedulesBy, writer(ctx, p).uuid)
            schedules.splice(schedules.indexOf(findIn(schedules, p.schedule_uuid!, "Schedule")), 1)
            return core.noContent()
          }
        },
        {
          path: `${C}/schedules/:schedule_uuid/executions`,
          GET: (ctx, p) => {
            findIn(listIn(schedulesBy, reader(ctx, p).uuid), p.schedule_uuid!, "Schedule")
            return page(ctx, [])
          }
        },
        {
          path: `${C}/ssh/key_pair`,
          GET: (ctx, p) => ok(ctx, keyPairJson(keyPairOf(admin(ctx, p)))),
          PUT: setKeyPair,
          DELETE: (ctx, p) => {
            const repo = admin(ctx, p)
            keyPairOf(repo)
            keyPairs.delete(repo.uuid)
            return core.noContent()
          }
        },
        {
          path: `${C}/ssh/known_hosts`,
          GET: (ctx, p) => page(ctx, listIn(knownHostsBy, admin(ctx, p).uuid).map(knownHostJson)),
          POST: (ctx, p) => {
            const repo = admin(ctx, p)
            const hosts = listIn(knownHostsBy, repo.uuid)
            const h: KnownHostState = { uuid: uuidOf(`known host ${repo.uuid} ${core.nextId()}`), ...readKnownHost(hosts, parsePayload(ctx)) }
            hosts.push(h)
            return core.created(ctx, knownHostJson(h), `${core.base}${configPath(repo)}/ssh/known_hosts/${seg(h.uuid)}`)
          }
        },
        {
          path: `${C}/ssh/known_hosts/:known_host_uuid`,
          GET: (ctx, p) => ok(ctx, knownHostJson(findIn(listIn(knownHostsBy, admin(ctx, p).uuid), p.known_host_uuid!, "Known host"))),
          PUT: (ctx, p) => {
            const hosts = listIn(knownHostsBy, admin(ctx, p).uuid)
            const h = findIn(hosts, p.known_host_uuid!, "Known host")
            Object.assign(h, readKnownHost(hosts, parsePayload(ctx), h))
            return ok(ctx, knownHostJson(h))
          },
          DELETE: (ctx, p) => {
            const hosts = listIn(knownHostsBy, admin(ctx, p).uuid)
            hosts.splice(hosts.indexOf(findIn(hosts, p.known_host_uuid!, "Known host")), 1)
            return core.noContent()
          }
        },
        {
          path: K,
          GET: (ctx, p) => {
            const repo = reader(ctx, p)
            return withNow((nowMs) =>
              page(ctx, savedCaches(repo, nowMs).map((c) => ({
                type: "pipeline_cache",
                uuid: c.uuid,
                pipeline_uuid: c.pipelineUuid,
                step_uuid: c.stepUuid,
                name: c.name,
                key_hash: c.keyHash,
                path: c.path,
                file_size_bytes: c.fileSizeBytes,
                created_on: isoFromMillis(c.savedAt)
              })))
            )
          },
          DELETE: (ctx, p) => {
            const repo = writer(ctx, p)
            const name = core.param(ctx, "name")
            if (name === undefined || name === "") throw invalid({ name: ["This query parameter is required."] })
            return withNow((nowMs) => {
              const named = savedCaches(repo, nowMs).filter((c) => c.name === name)
              if (named.length === 0) throw new HttpError(404, `No cache named ${JSON.stringify(name)} in ${core.fullName(repo)}.`)
              removeCaches(repo, named)
              return core.noContent()
            })
          }
        },
        {
          path: `${K}/:cache_uuid`,
          DELETE: (ctx, p) => {
            const repo = writer(ctx, p)
            return withNow((nowMs) => {
              removeCaches(repo, [findIn(savedCaches(repo, nowMs), p.cache_uuid!, "Cache")])
              return core.noContent()
            })
          }
        },
        {
          path: `${K}/:cache_uuid/content-uri`,
          GET: (ctx, p) => {
            const repo = reader(ctx, p)
            return withNow((nowMs) => {
              const c = findIn(savedCaches(repo, nowMs), p.cache_uuid!, "Cache")
              const path = `/pipelines-caches/${bareUuid(repo.uuid)}/${bareUuid(c.uuid)}.tar.gz`
              return ok(ctx, { uri: `${core.webOrigin}${path}?token=${contentToken(repo.uuid, c.uuid)}` })
            })
          }
        }
      ],
      web: [
        {
          // A cache's archive, at the signed link content-uri gives (the token must match).
          path: "/pipelines-caches/:repository/:archive",
          GET: (ctx, p) => {
            const repo = core.store.repositories.find((r) => bareUuid(r.uuid) === p.repository)
            const cacheUuid = p.archive!.replace(/\.tar\.gz$/, "")
            if (repo === undefined || core.param(ctx, "token") !== contentToken(repo.uuid, `{${cacheUuid}}`)) {
              throw new HttpError(404, "Not found")
            }
            return new Response(`fake cache archive ${cacheUuid}\n`, { status: 200, headers: { "content-type": "application/x-tar" } })
          }
        }
      ]
    }
  }
}

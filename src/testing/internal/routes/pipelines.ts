/**
 * Pipelines: `GET|POST R/pipelines`, `GET R/pipelines/{pipeline_uuid}`,
 * `POST …/{pipeline_uuid}/stopPipeline`, `GET …/steps`, `GET …/steps/{step_uuid}` and
 * `GET …/steps/{step_uuid}/log`.
 *
 * - Every repository has Pipelines enabled. A run has one step, `Build`, running `npm test`.
 * - A run's state follows the fake's clock (Effect's `Clock`: `TestClock` drives it in tests):
 *   `PENDING` for its first second, `IN_PROGRESS` until 5 seconds after it was started, then
 *   `COMPLETED` with result `SUCCESSFUL`; a run stopped before that is `COMPLETED`/`STOPPED`.
 * - The seed's `pipelineSettings[].results` make some runs end `FAILED` or `ERROR` instead (the
 *   first rule matching the run's branch or tag, custom pipeline or pull request decides, when
 *   it starts). A `FAILED` run's step fails at its third test; an `ERROR` run's step errs (out of
 *   memory) after its second, and both run and step carry the `error` in their result, as the
 *   spec's `pipeline_state_completed_error` has it (the key is the fake's own; that the run
 *   repeats its step's error is a guess).
 * - The step's state has the step's own types (`pipeline_step_state_completed`,
 *   `pipeline_step_state_completed_failed`, ...), the run's the run's.
 * - Starting one needs write access and a target that exists (a branch, tag or commit; 400
 *   otherwise); reading needs read access. Stopping a completed run is 400.
 * - A pull request's target (`pipeline_pullrequest_target`) names a pull request of the
 *   repository with its own source and destination branches (400 otherwise); the run's target
 *   carries both commits in full and the pull request summarized (see `pullRequestTargetOf`).
 * - The fake reads no `bitbucket-pipelines.yml`: a selector (`custom`, `pull-requests`, ...) is
 *   echoed in the run's target but every run has the same step.
 * - A step's log is served once the step has started (404 before); it grows as the step runs. A
 *   run stopped before its step started has a step that never ran: result `NOT_RUN`, no log.
 * - A run's JSON carries the variables it was started with (`variables`, as the spec's `pipeline`
 *   has them), a secured one without its `value`.
 * - Build numbers follow the repository's settings (`PUT …/pipelines_config/build_number` moves
 *   the next one up); starting a run while Pipelines is disabled is 400.
 * - A run that completes successfully saves the `node` cache (`node_modules`) unless the
 *   repository has one already, as Bitbucket saves a cache only when it is missing, and only from
 *   a step that succeeded (see `routes/pipelinesConfig.ts`).
 * - A step that completed successfully has test reports (`GET …/steps/{step_uuid}/test_reports`,
 *   `…/test_cases`, `…/test_cases/{test_case_uuid}/test_case_reasons`): the three tests its log
 *   shows passing and a fourth, skipped, with its reason; a step that failed has the same with
 *   its third test `FAILED` (and its reason); before that (or for a stopped or errored run) 404.
 *   The shapes are a guess: the spec leaves them open.
 * - Pipelines are not part of `FakeBitbucket.snapshot`.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { bareUuid, HttpError, isoFromMillis } from "../core.js"
import { uuidOf } from "../gitStore.js"
import { pipelineSettingsOf } from "../pipelineSettings.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

/** How a run ends unless it is stopped first. */
type Outcome = "SUCCESSFUL" | "FAILED" | "ERROR"

interface RunVariable {
  readonly key: string
  readonly value: string
  readonly secured: boolean
}

interface Run {
  readonly uuid: string
  readonly stepUuid: string
  readonly buildNumber: number
  readonly creator: string
  readonly target: Record<string, unknown>
  readonly variables: ReadonlyArray<RunVariable>
  readonly outcome: Outcome
  readonly startedAt: number
  stoppedAt: number | undefined
}

const PENDING_MS = 1_000
const DONE_MS = 5_000

/** The error of an `ERROR` run and its step: the message is Bitbucket's wording for it, the key the fake's own. */
const STEP_ERROR = { key: "fake.step.memory-limit-exceeded", message: "Container 'Build' exceeded memory limit." }
/** Why test 3 fails in a `FAILED` run. */
const TEST_FAILURE = "expected 200, got 500"

export const pipelines: RouteModule = {
  name: "pipelines",
  make: (core) => {
    const { ok, page, href, seg, git, parsePayload, invalid } = core
    const byRepo = new Map<string, Array<Run>>()
    const runsOf = (repo: SeedRepository) => {
      let runs = byRepo.get(repo.uuid)
      if (runs === undefined) byRepo.set(repo.uuid, runs = [])
      return runs
    }

    const repository = (ctx: Ctx, p: Params, write: boolean) => core.repositoryFor(ctx, p, write ? "write" : undefined)

    const findRun = (repo: SeedRepository, uuid: string) => {
      const run = runsOf(repo).find((r) => bareUuid(r.uuid) === bareUuid(uuid))
      if (run === undefined) throw new HttpError(404, `Pipeline ${uuid} not found`)
      return run
    }

    /** Was the run stopped before it completed? */
    const stoppedEarly = (run: Run) => run.stoppedAt !== undefined && run.stoppedAt < run.startedAt + DONE_MS

    /**
     * The state of a run at `nowMs`: its `name`, its `result` once completed, and when it
     * completed. `json` is the state as the run shows it (the step shows it with its own types).
     */
    const stateAt = (run: Run, nowMs: number) => {
      const stopped = stoppedEarly(run)
      const completedAt = stopped ? run.stoppedAt! : run.startedAt + DONE_MS
      if (nowMs >= completedAt) {
        const result: Outcome | "STOPPED" = stopped ? "STOPPED" : run.outcome
        return {
          name: "COMPLETED" as const,
          result,
          completedAt,
          json: {
            type: "pipeline_state_completed",
            name: "COMPLETED",
            result: {
              type: `pipeline_state_completed_${result.toLowerCase()}`,
              name: result,
              ...(result === "ERROR" ? { error: { type: "pipeline_error", ...STEP_ERROR } } : {})
            }
          }
        }
      }
      if (nowMs >= run.startedAt + PENDING_MS) {
        return { name: "IN_PROGRESS" as const, result: undefined, completedAt: undefined, json: { type: "pipeline_state_in_progress", name: "IN_PROGRESS" } }
      }
      return { name: "PENDING" as const, result: undefined, completedAt: undefined, json: { type: "pipeline_state_pending", name: "PENDING" } }
    }

    const runPath = (repo: SeedRepository, run: Run) => `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/pipelines/${seg(run.uuid)}`

    const runJson = (repo: SeedRepository, run: Run, nowMs: number) => {
      const state = stateAt(run, nowMs)
      return {
        type: "pipeline",
        uuid: run.uuid,
        build_number: run.buildNumber,
        creator: core.accountJson(run.creator),
        repository: core.repoSummary(repo),
        target: run.target,
        trigger: { type: "pipeline_trigger_manual", name: "MANUAL" },
        state: state.json,
        // The spec's `pipeline` has them; a secured value is left out, as everywhere (the spec:
        // "If the variable is secured, this will be empty").
        variables: run.variables.map((v) => ({ type: "pipeline_variable", key: v.key, secured: v.secured, ...(v.secured ? {} : { value: v.value }) })),
        created_on: isoFromMillis(run.startedAt),
        ...(state.completedAt !== undefined ? { completed_on: isoFromMillis(state.completedAt) } : {}),
        build_seconds_used: Math.floor((Math.min(nowMs, state.completedAt ?? nowMs) - run.startedAt) / 1000),
        links: { self: href(runPath(repo, run)), steps: href(`${runPath(repo, run)}/steps`) }
      }
    }

    /** Did the run's step start (by `nowMs`)? Not when the run was stopped while pending. */
    const stepStarted = (run: Run, nowMs: number) =>
      nowMs >= run.startedAt + PENDING_MS && (run.stoppedAt === undefined || run.stoppedAt >= run.startedAt + PENDING_MS)

    /** The step's state, with the spec's step types (`pipeline_step_state_…`). */
    const stepStateJson = (run: Run, nowMs: number) => {
      const state = stateAt(run, nowMs)
      if (state.name !== "COMPLETED") return { type: `pipeline_step_state_${state.name.toLowerCase()}`, name: state.name }
      const result = stepStarted(run, nowMs) ? state.result : "NOT_RUN"
      return {
        type: "pipeline_step_state_completed",
        name: "COMPLETED",
        result: {
          type: `pipeline_step_state_completed_${result.toLowerCase()}`,
          name: result,
          ...(result === "ERROR" ? { error: { type: "pipeline_step_error", ...STEP_ERROR } } : {})
        }
      }
    }

    const stepJson = (repo: SeedRepository, run: Run, nowMs: number) => {
      const state = stateAt(run, nowMs)
      const started = stepStarted(run, nowMs)
      return {
        type: "pipeline_step",
        uuid: run.stepUuid,
        name: "Build",
        pipeline: { type: "pipeline", uuid: run.uuid },
        state: stepStateJson(run, nowMs),
        ...(started ? { started_on: isoFromMillis(run.startedAt + PENDING_MS) } : {}),
        ...(state.completedAt !== undefined ? { completed_on: isoFromMillis(state.completedAt) } : {}),
        script_commands: [{ name: "npm test", command: "npm test" }],
        links: { self: href(`${runPath(repo, run)}/steps/${seg(run.stepUuid)}`) }
      }
    }

    /**
     * The log as far as the step has run: a test a second, the result at the end. A failing run's
     * third test fails; an erring run's step dies after its second.
     */
    const logAt = (run: Run, nowMs: number) => {
      const state = stateAt(run, nowMs)
      const until = state.completedAt ?? nowMs
      const seconds = Math.floor((until - run.startedAt - PENDING_MS) / 1000)
      const lines = ["+ npm test"]
      for (let s = 1; s <= Math.min(seconds, 3); s++) {
        if (s < 3 || run.outcome === "SUCCESSFUL") lines.push(`  test ${s} passed`)
        else if (run.outcome === "FAILED") lines.push(`  test ${s} failed: ${TEST_FAILURE}`)
      }
      switch (state.result) {
        case "SUCCESSFUL":
          lines.push("Build successful")
          break
        case "FAILED":
          lines.push("npm test exited with code 1", "Build failed")
          break
        case "ERROR":
          lines.push(STEP_ERROR.message, "Build errored")
          break
        case "STOPPED":
          lines.push("Build stopped")
          break
      }
      return `${lines.join("\n")}\n`
    }

    /** The target of a trigger, checked against the repository's refs and commits. */
    const targetOf = (repo: SeedRepository, body: Record<string, unknown>): Record<string, unknown> => {
      const target = body.target as Record<string, unknown> | undefined
      if (typeof target !== "object" || target === null) throw invalid({ target: ["This field is required."] })
      const d = git.data(repo)
      if (target.type === "pipeline_ref_target") {
        const name = target.ref_name
        const refType = target.ref_type
        const head = typeof name !== "string"
          ? undefined
          : refType === "branch" || refType === "named_branch"
          ? d.git.branches.get(name)
          : refType === "tag"
          ? d.git.tags.get(name)?.target
          : undefined
        if (head === undefined) throw new HttpError(400, "Invalid target", `No ${String(refType)} named ${JSON.stringify(name)} in ${core.fullName(repo)}.`)
        // A commit on the branch or tag, instead of its head.
        const wanted = (target.commit as { hash?: unknown } | undefined)?.hash
        if (wanted === undefined) return { ...target, commit: git.commitRef(repo, head) }
        const commit = typeof wanted === "string" ? d.git.commit(wanted) : undefined
        if (commit === undefined || !d.git.isAncestor(commit.hash, head)) {
          throw new HttpError(400, "Invalid target", `Commit ${JSON.stringify(wanted)} is not on ${String(refType)} ${JSON.stringify(name)}.`)
        }
        return { ...target, commit: git.commitRef(repo, commit.hash) }
      }
      if (target.type === "pipeline_commit_target") {
        const hash = (target.commit as { hash?: unknown } | undefined)?.hash
        const commit = typeof hash === "string" ? d.git.commit(hash) : undefined
        if (commit === undefined) throw new HttpError(400, "Invalid target", `No commit ${JSON.stringify(hash)} in ${core.fullName(repo)}.`)
        return { ...target, commit: git.commitRef(repo, commit.hash) }
      }
      if (target.type === "pipeline_pullrequest_target") return pullRequestTargetOf(repo, target)
      throw invalid({ target: [`Unknown target type ${JSON.stringify(target.type)}.`] })
    }

    /**
     * A pull request's target, checked against the repository's pull requests and echoed the way
     * Bitbucket shows it: the two branches, both commits in full, the pull request summarized,
     * the selector as sent. The spec gives only the request's example, so the checks are guesses:
     * the pull request must exist (400 otherwise) and the branches be its own (400 when swapped
     * or wrong); a commit left out is the branch's head (the pull request's, once it is closed);
     * a commit given must exist and, for the source, be on the pull request's source.
     */
    const pullRequestTargetOf = (repo: SeedRepository, target: Record<string, unknown>): Record<string, unknown> => {
      const d = git.data(repo)
      const rawId = (target.pullrequest as { id?: unknown } | undefined)?.id
      const id = typeof rawId === "number" ? rawId : typeof rawId === "string" && /^[0-9]+$/.test(rawId) ? Number(rawId) : undefined
      if (id === undefined) throw invalid({ "target.pullrequest.id": ["A pull request id is required."] })
      const pr = d.pullRequests.find((x) => x.id === id)
      if (pr === undefined) throw new HttpError(400, "Invalid target", `No pull request #${id} in ${core.fullName(repo)}.`)
      for (const [field, branch] of [["source", pr.source.branch], ["destination", pr.destination.branch]] as const) {
        if (target[field] !== branch) {
          throw new HttpError(400, "Invalid target", `Pull request #${id}'s ${field} is ${JSON.stringify(branch)}, not ${JSON.stringify(target[field])}.`)
        }
      }
      const heads = git.heads(d, pr)
      const commitAt = (field: "commit" | "destination_commit", head: string) => {
        const wanted = (target[field] as { hash?: unknown } | undefined)?.hash
        if (wanted === undefined) return head
        const commit = typeof wanted === "string" ? d.git.commit(wanted) : undefined
        if (commit === undefined) throw new HttpError(400, "Invalid target", `No commit ${JSON.stringify(wanted)} in ${core.fullName(repo)}.`)
        if (field === "commit" && !d.git.isAncestor(commit.hash, head)) {
          throw new HttpError(400, "Invalid target", `Commit ${JSON.stringify(wanted)} is not on pull request #${id}'s source.`)
        }
        return commit.hash
      }
      const commit = commitAt("commit", heads.source)
      const destinationCommit = commitAt("destination_commit", heads.destination)
      return {
        type: "pipeline_pullrequest_target",
        source: pr.source.branch,
        destination: pr.destination.branch,
        destination_commit: git.commitRef(repo, destinationCommit),
        commit: git.commitRef(repo, commit),
        pullrequest: git.prRef(d, pr),
        ...(target.selector === undefined ? {} : { selector: target.selector })
      }
    }

    /** The variables of a trigger: `{ key, value, secured? }` objects (400 otherwise). */
    const variablesOf = (body: Record<string, unknown>): ReadonlyArray<RunVariable> => {
      const variables = body.variables
      if (variables === undefined) return []
      if (!Array.isArray(variables)) throw invalid({ variables: ["Must be a list of variables."] })
      return variables.map((v: unknown, i) => {
        const x = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>
        if (typeof x.key !== "string" || x.key === "") throw invalid({ [`variables.${i}.key`]: ["This field is required."] })
        if (typeof x.value !== "string") throw invalid({ [`variables.${i}.value`]: ["This field is required."] })
        if (x.secured !== undefined && typeof x.secured !== "boolean") throw invalid({ [`variables.${i}.secured`]: ["Must be a boolean."] })
        return { key: x.key, value: x.value, secured: x.secured === true }
      })
    }

    /** How a run on `target` ends: as the first of the seed's rules that matches it says, or successfully. */
    const outcomeOf = (settings: ReturnType<typeof pipelineSettingsOf>, target: Record<string, unknown>): Outcome => {
      const ref = target.type === "pipeline_ref_target" ? target.ref_name : target.type === "pipeline_pullrequest_target" ? target.source : undefined
      const selector = target.selector as { type?: unknown; pattern?: unknown } | undefined
      const custom = selector?.type === "custom" ? selector.pattern : undefined
      const pullRequest = target.type === "pipeline_pullrequest_target" ? (target.pullrequest as { id?: unknown }).id : undefined
      const rule = settings.results.find((r) =>
        (r.ref === undefined || r.ref === ref) && (r.custom === undefined || r.custom === custom) &&
        (r.pullRequest === undefined || r.pullRequest === pullRequest)
      )
      return rule?.result ?? "SUCCESSFUL"
    }

    const trigger = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const repo = repository(ctx, p, true)
        const settings = pipelineSettingsOf(core, repo.uuid)
        // A guess at Bitbucket's answer: 400, as for other targets it cannot run.
        if (!settings.enabled) throw new HttpError(400, "Pipelines is not enabled for this repository.", "Enable it in the repository's settings (PUT …/pipelines_config).")
        const body = parsePayload(ctx)
        const target = targetOf(repo, body)
        const variables = variablesOf(body)
        const nowMs = yield* Clock.currentTimeMillis
        const runs = runsOf(repo)
        const buildNumber = settings.nextBuildNumber
        settings.latestBuildNumber = buildNumber
        settings.nextBuildNumber = buildNumber + 1
        const uuid = uuidOf(`pipeline ${repo.uuid} ${buildNumber}`)
        const run: Run = {
          uuid,
          stepUuid: uuidOf(`step ${uuid}`),
          buildNumber,
          creator: core.actorUuid(ctx),
          target,
          variables,
          outcome: outcomeOf(settings, target),
          startedAt: nowMs,
          stoppedAt: undefined
        }
        runs.push(run)
        saveCache(settings, run)
        return core.created(ctx, runJson(repo, run, nowMs), `${core.base}${runPath(repo, run)}`)
      })

    /**
     * Bitbucket saves a cache only when the repository has none of that name (not even one on its
     * way), and only from a step that succeeded.
     */
    const saveCache = (settings: ReturnType<typeof pipelineSettingsOf>, run: Run) => {
      if (run.outcome !== "SUCCESSFUL") return
      if (settings.caches.some((c) => c.name === "node" && !c.abandoned())) return
      const savedAt = run.startedAt + DONE_MS
      settings.caches.push({
        uuid: uuidOf(`cache ${run.uuid}`),
        name: "node",
        path: "node_modules",
        keyHash: bareUuid(uuidOf(`cache key ${run.uuid}`)).replace(/-/g, ""),
        fileSizeBytes: 48_213_504,
        pipelineUuid: run.uuid,
        stepUuid: run.stepUuid,
        savedAt,
        savedBy: (nowMs) => nowMs >= savedAt && !stoppedEarly(run),
        abandoned: () => stoppedEarly(run)
      })
    }

    /**
     * The test cases a completed step reported (a failed step's third failed); 404 before it
     * completed, or when it was stopped or erred.
     */
    const testCasesOf = (run: Run, nowMs: number) => {
      const state = stateAt(run, nowMs)
      if (state.result !== "SUCCESSFUL" && state.result !== "FAILED") {
        throw new HttpError(404, "No test reports exist for this step.")
      }
      const failed = state.result === "FAILED"
      return [1, 2, 3, 4].map((n) => ({
        type: "test_case",
        uuid: uuidOf(`test case ${run.stepUuid} ${n}`),
        suite_name: "npm test",
        package_name: "test",
        class_name: "suite",
        name: `test ${n}`,
        fully_qualified_name: `test.suite.test ${n}`,
        status: n === 4 ? "SKIPPED" : n === 3 && failed ? "FAILED" : "SUCCESS",
        duration: n === 4 ? "PT0S" : `PT0.${n}S`
      }))
    }

    const stepOf = (ctx: Ctx, p: Params) => {
      const repo = repository(ctx, p, false)
      const run = findRun(repo, p.pipeline_uuid!)
      if (bareUuid(run.stepUuid) !== bareUuid(p.step_uuid!)) throw new HttpError(404, `Step ${p.step_uuid} not found`)
      return { repo, run }
    }

    const withNow = <A>(f: (nowMs: number) => A) => Effect.map(Clock.currentTimeMillis, f)

    const R = "/repositories/:workspace/:repo_slug/pipelines"
    return {
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const repo = repository(ctx, p, false)
            return withNow((nowMs) => page(ctx, runsOf(repo).map((run) => runJson(repo, run, nowMs)), ["completed_on"]))
          },
          POST: trigger
        },
        {
          path: `${R}/:pipeline_uuid`,
          GET: (ctx, p) => {
            const repo = repository(ctx, p, false)
            const run = findRun(repo, p.pipeline_uuid!)
            return withNow((nowMs) => ok(ctx, runJson(repo, run, nowMs)))
          }
        },
        {
          path: `${R}/:pipeline_uuid/stopPipeline`,
          POST: (ctx, p) => {
            const repo = repository(ctx, p, true)
            const run = findRun(repo, p.pipeline_uuid!)
            return withNow((nowMs) => {
              if (stateAt(run, nowMs).name === "COMPLETED") throw new HttpError(400, "The pipeline has already completed.")
              run.stoppedAt = nowMs
              return core.noContent()
            })
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps`,
          GET: (ctx, p) => {
            const repo = repository(ctx, p, false)
            const run = findRun(repo, p.pipeline_uuid!)
            return withNow((nowMs) => page(ctx, [stepJson(repo, run, nowMs)]))
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps/:step_uuid`,
          GET: (ctx, p) => {
            const { repo, run } = stepOf(ctx, p)
            return withNow((nowMs) => ok(ctx, stepJson(repo, run, nowMs)))
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps/:step_uuid/log`,
          GET: (ctx, p) => {
            const { run } = stepOf(ctx, p)
            return withNow((nowMs) => {
              if (!stepStarted(run, nowMs)) throw new HttpError(404, "The step has not started: no log.")
              return new Response(logAt(run, nowMs), { status: 200, headers: { "content-type": "application/octet-stream" } })
            })
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps/:step_uuid/test_reports`,
          GET: (ctx, p) => {
            const { run } = stepOf(ctx, p)
            return withNow((nowMs) => {
              const cases = testCasesOf(run, nowMs)
              const count = (status: string) => cases.filter((c) => c.status === status).length
              return ok(ctx, {
                number_of_test_cases: cases.length,
                number_of_successful_test_cases: count("SUCCESS"),
                number_of_failed_test_cases: count("FAILED"),
                number_of_error_test_cases: count("ERROR"),
                number_of_skipped_test_cases: count("SKIPPED")
              })
            })
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps/:step_uuid/test_reports/test_cases`,
          GET: (ctx, p) => {
            const { run } = stepOf(ctx, p)
            return withNow((nowMs) => page(ctx, testCasesOf(run, nowMs)))
          }
        },
        {
          path: `${R}/:pipeline_uuid/steps/:step_uuid/test_reports/test_cases/:test_case_uuid/test_case_reasons`,
          GET: (ctx, p) => {
            const { run } = stepOf(ctx, p)
            return withNow((nowMs) => {
              const test = testCasesOf(run, nowMs).find((c) => bareUuid(c.uuid) === bareUuid(p.test_case_uuid!))
              if (test === undefined) throw new HttpError(404, `Test case ${p.test_case_uuid} not found`)
              const reasons = test.status === "SKIPPED"
                ? [{ type: "test_case_reason", message: "skipped", output: `${test.name} skipped: it needs network access, which this step does not have` }]
                : test.status === "FAILED"
                ? [{ type: "test_case_reason", message: TEST_FAILURE, output: `AssertionError: ${TEST_FAILURE}\n    at ${test.fully_qualified_name} (test/suite.test.ts:3:5)` }]
                : []
              return page(ctx, reasons)
            })
          }
        }
      ]
    }
  }
}

/**
 * Pipelines settings of a repository that both the runs (`routes/pipelines.ts`) and the
 * settings endpoints (`routes/pipelinesConfig.ts`) use: whether Pipelines is enabled, the next
 * build number, the caches runs save, and how runs end (the seed's `results`). One record per repository uuid, per fake, made on first
 * use from the seed's `pipelineSettings`.
 *
 * @internal
 */
import type { Core } from "./core.js"
import type { SeedPipelineResult } from "./seed.js"

/** A cache a run saves when its step completes. */
export interface CacheState {
  readonly uuid: string
  readonly name: string
  readonly path: string
  readonly keyHash: string
  readonly fileSizeBytes: number
  readonly pipelineUuid: string
  readonly stepUuid: string
  /** When it was (or will be) saved: at its run's successful completion. */
  readonly savedAt: number
  /** Has it been saved by `nowMs`? Not when its run was stopped first. */
  readonly savedBy: (nowMs: number) => boolean
  /** Will it never be saved (its run was stopped before completing)? */
  readonly abandoned: () => boolean
}

export interface RepositoryPipelineSettings {
  enabled: boolean
  /** The build number of the next run. */
  nextBuildNumber: number
  /** The latest run's build number (0 before the first run). */
  latestBuildNumber: number
  readonly caches: Array<CacheState>
  /** The seed's rules for runs that do not end `SUCCESSFUL` (of every entry for the repository). */
  readonly results: ReadonlyArray<SeedPipelineResult>
}

const byCore = new WeakMap<Core, Map<string, RepositoryPipelineSettings>>()

/** The settings of the repository with this uuid, from the seed the first time. */
export const pipelineSettingsOf = (core: Core, repositoryUuid: string): RepositoryPipelineSettings => {
  let all = byCore.get(core)
  if (all === undefined) byCore.set(core, all = new Map())
  let settings = all.get(repositoryUuid)
  if (settings === undefined) {
    const entries = (core.seed.pipelineSettings ?? []).filter((s) => core.repositoryNamed(s.repository)?.uuid === repositoryUuid)
    const seeded = entries[0]
    const next = seeded?.nextBuildNumber ?? 1
    settings = {
      enabled: seeded?.enabled ?? true,
      nextBuildNumber: next,
      latestBuildNumber: seeded?.latestBuildNumber ?? next - 1,
      caches: [],
      results: entries.flatMap((s) => s.results ?? [])
    }
    all.set(repositoryUuid, settings)
  }
  return settings
}

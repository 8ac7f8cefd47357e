/**
 * Branching models: `GET R/branching-model`, `GET|PUT R/branching-model/settings`,
 * `GET R/effective-branching-model`, `GET|PUT R/override-settings`, and a project's
 * `GET /workspaces/{workspace}/projects/{project_key}/branching-model` and `GET|PUT …/settings`.
 *
 * - Every repository and project starts with Bitbucket's default model: development tracks the
 *   main branch, production is disabled (no branch named), and the branch types bugfix, feature,
 *   hotfix and release are enabled with the prefixes `bugfix/`, `feature/`, `hotfix/`, `release/`.
 * - The model (`branching-model`) resolves `development.branch` and `production.branch` only when
 *   the branch exists in the repository's git state; it lists `production` only when enabled, and
 *   only the enabled branch types. A setting that tracks the main branch names it (`null` for an
 *   empty repository). A project's model names its branches without resolving them.
 * - Settings (`…/settings`) list everything, with `is_valid` (the named branch exists; always true
 *   when tracking the main branch; a project cannot tell, so true).
 * - `PUT …/settings` changes only what the body names, branch types by `kind`; it answers 400 for
 *   a body that would leave: a `name` beside `use_mainbranch: true`, no name without it, a named
 *   development branch or an enabled named production branch that does not exist (repositories
 *   only), an enabled branch type with an empty or invalid prefix or one that begins another
 *   enabled type's prefix, an unknown or repeated kind. Disabled types may keep any prefix.
 * - Inheritance (`override-settings`): `{ type: "repository_inheritance_state", override_settings:
 *   { branching_model, default_merge_strategy } }`, `true` meaning the repository has its own.
 *   Guess: a repository inherits both by default (as one created in a project with project
 *   settings does). `PUT` takes the same shape, changes only the keys it names, answers 204; an
 *   unknown key or a non-boolean is 400. The effective model is the project's when the repository
 *   inherits it, with each named branch the repository lacks replaced by its main branch (as the
 *   spec says); a repository's own settings stay stored (and changeable) meanwhile: since August
 *   2022 changing them no longer switches inheritance off.
 * - Settings and inheritance states are seeded by `branchingModels` and are part of
 *   `FakeBitbucket.snapshot` (for every repository and project whose settings were changed).
 * - Reading a repository's model or effective model needs read access; its settings and
 *   inheritance, read or written, need admin access (as the spec says). A project's model needs
 *   access to the project (a workspace member or a project permission); its settings need its admin.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedBranchingModel, SeedProject, SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

const KINDS = ["bugfix", "feature", "hotfix", "release"] as const
type Kind = typeof KINDS[number]

interface BranchSetting {
  readonly use_mainbranch: boolean
  readonly name: string | null
}
interface ProductionSetting extends BranchSetting {
  readonly enabled: boolean
}
interface TypeSetting {
  readonly kind: Kind
  readonly prefix: string
  readonly enabled: boolean
}
interface ModelSettings {
  readonly development: BranchSetting
  readonly production: ProductionSetting
  readonly branch_types: ReadonlyArray<TypeSetting>
}

const defaults = (): ModelSettings => ({
  development: { use_mainbranch: true, name: null },
  production: { use_mainbranch: false, name: null, enabled: false },
  branch_types: KINDS.map((kind) => ({ kind, prefix: `${kind}/`, enabled: true }))
})

/** What git accepts at the start of a branch name (what Bitbucket asks of a prefix). */
const validPrefix = (prefix: string) =>
  prefix.trim() !== "" && !/[\s\x00-\x1f\x7f~^:?*[\\]/.test(prefix) && !prefix.includes("..") && !prefix.includes("//") &&
  !prefix.includes("@{") && !/^[/.-]/.test(prefix) && !prefix.includes("/.") && !prefix.includes(".lock/")

const OVERRIDABLE = ["branching_model", "default_merge_strategy"] as const

export const branchingModel: RouteModule = {
  name: "branchingModel",
  make: (core) => {
    const { ok, invalid, git } = core
    const repoSettings = new Map<string, ModelSettings>()
    const projectSettings = new Map<string, ModelSettings>()
    const overrides = new Map<string, Record<string, boolean>>()

    // ---- seed and snapshot ----------------------------------------------------------------------

    /** Settings from a seed entry: what it leaves out (kinds included) keeps the default. */
    const fromSeed = (e: SeedBranchingModel): ModelSettings => {
      const d = defaults()
      const types = new Map(d.branch_types.map((t) => [t.kind, t]))
      for (const t of e.branch_types ?? []) types.set(t.kind, { kind: t.kind, prefix: t.prefix, enabled: t.enabled })
      return {
        development: e.development === undefined ? d.development : { ...e.development },
        production: e.production === undefined ? d.production : { ...e.production },
        branch_types: KINDS.map((k) => types.get(k)!)
      }
    }
    const toSeed = (s: ModelSettings) => ({
      development: { ...s.development },
      production: { ...s.production },
      branch_types: s.branch_types.map((t) => ({ ...t }))
    })
    const hasSettings = (e: SeedBranchingModel) => e.development !== undefined || e.production !== undefined || e.branch_types !== undefined

    for (const e of core.seed.branchingModels ?? []) {
      if (e.repository !== undefined) {
        const repo = core.repositoryNamed(e.repository)
        if (repo === undefined) throw new Error(`FakeBitbucket seed: branching model of unknown repository ${e.repository}`)
        if (hasSettings(e)) repoSettings.set(repo.uuid, fromSeed(e))
        if (e.override_settings !== undefined) {
          overrides.set(repo.uuid, { ...Object.fromEntries(OVERRIDABLE.map((k) => [k, false])), ...e.override_settings })
        }
      } else {
        const project = core.findWorkspace(e.workspace ?? "")?.projects?.find((x) => x.key === e.project)
        if (project === undefined) throw new Error(`FakeBitbucket seed: branching model of unknown project ${e.workspace}/${e.project}`)
        projectSettings.set(project.uuid, fromSeed(e))
      }
    }

    const snapshot = () => {
      const out: Array<SeedBranchingModel> = []
      for (const repo of core.store.repositories) {
        const s = repoSettings.get(repo.uuid)
        const o = overrides.get(repo.uuid)
        if (s === undefined && o === undefined) continue
        out.push({ repository: core.fullName(repo), ...(s === undefined ? {} : toSeed(s)), ...(o === undefined ? {} : { override_settings: { ...o } }) })
      }
      for (const ws of core.store.workspaces) {
        for (const project of ws.projects ?? []) {
          const s = projectSettings.get(project.uuid)
          if (s !== undefined) out.push({ workspace: ws.slug, project: project.key, ...toSeed(s) })
        }
      }
      return { branchingModels: out }
    }

    const settingsOf = (map: Map<string, ModelSettings>, uuid: string) => map.get(uuid) ?? defaults()
    const overridesOf = (repo: SeedRepository): Record<string, boolean> =>
      overrides.get(repo.uuid) ?? Object.fromEntries(OVERRIDABLE.map((k) => [k, false]))

    const mainbranch = (repo: SeedRepository) => (repo.mainbranch === undefined ? "main" : repo.mainbranch)
    const branchJson = (repo: SeedRepository, name: string | null) => {
      if (name === null) return undefined
      const d = git.data(repo)
      const target = d.git.branches.get(name)
      return target === undefined ? undefined : git.branchJson(d, name, target)
    }
    const exists = (repo: SeedRepository) => (name: string) => git.data(repo).git.branches.has(name)
    const projectOf = (repo: SeedRepository): SeedProject | undefined =>
      core.findWorkspace(repo.workspace)?.projects?.find((x) => x.key === repo.project)

    /** The settings that apply to a repository: its project's when it inherits them. */
    const effectiveOf = (repo: SeedRepository): { readonly settings: ModelSettings; readonly inherited: boolean } => {
      const project = projectOf(repo)
      return project !== undefined && overridesOf(repo).branching_model !== true
        ? { settings: settingsOf(projectSettings, project.uuid), inherited: true }
        : { settings: settingsOf(repoSettings, repo.uuid), inherited: false }
    }

    // Branch restrictions by branch type ask which types a branch is in the effective model: the
    // development and (enabled) production branches by name, as `effective-branching-model` resolves
    // them, and every enabled type whose prefix starts the branch's name.
    core.branchTypes.resolveWith((repo, branch) => {
      const { settings, inherited } = effectiveOf(repo)
      const model = repoModelJson(repo, settings, "effective_repo_branching_model", inherited)
      return [
        ...(model.development.name === branch ? ["development"] : []),
        ...(model.production?.name === branch ? ["production"] : []),
        ...model.branch_types.filter((t) => branch.startsWith(t.prefix)).map((t) => t.kind)
      ]
    })

    // ---- representations ---------------------------------------------------------------------

    /** A model as applied to a repository; `fallback`: a named branch it lacks is its main branch. */
    const repoModelJson = (repo: SeedRepository, s: ModelSettings, type: string, fallback: boolean) => {
      const resolve = (b: BranchSetting) => {
        const name = b.use_mainbranch || (fallback && (b.name === null || !exists(repo)(b.name))) ? mainbranch(repo) : b.name
        const branch = branchJson(repo, name)
        return { name, use_mainbranch: b.use_mainbranch, ...(branch === undefined ? {} : { branch }) }
      }
      return {
        type,
        development: resolve(s.development),
        ...(s.production.enabled ? { production: resolve(s.production) } : {}),
        branch_types: s.branch_types.filter((t) => t.enabled).map(({ kind, prefix }) => ({ kind, prefix }))
      }
    }

    const projectModelJson = (s: ModelSettings) => {
      const named = (b: BranchSetting) => ({ name: b.use_mainbranch ? null : b.name, use_mainbranch: b.use_mainbranch })
      return {
        type: "project_branching_model",
        development: named(s.development),
        ...(s.production.enabled ? { production: named(s.production) } : {}),
        branch_types: s.branch_types.filter((t) => t.enabled).map(({ kind, prefix }) => ({ kind, prefix }))
      }
    }

    const settingsJson = (s: ModelSettings, branchExists: (name: string) => boolean, self: string) => {
      const valid = (b: BranchSetting) => b.use_mainbranch || (b.name !== null && branchExists(b.name))
      return {
        type: "branching_model_settings",
        development: { ...s.development, is_valid: valid(s.development) },
        production: { ...s.production, is_valid: valid(s.production) },
        branch_types: s.branch_types.map((t) => ({ ...t })),
        links: { self: core.href(self) }
      }
    }

    // ---- the settings update -------------------------------------------------------------------

    const isObject = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u)

    /**
     * A branch setting changed by what `body` names. `branchExists` is undefined for a project
     * (which has no branches to check).
     */
    const updateBranch = <S extends BranchSetting>(
      field: "development" | "production",
      current: S,
      body: unknown,
      branchExists: ((name: string) => boolean) | undefined
    ): S => {
      if (!isObject(body)) throw invalid({ [field]: ["Must be an object."] })
      let next: S = { ...current }
      if ("use_mainbranch" in body) {
        if (typeof body.use_mainbranch !== "boolean") throw invalid({ [`${field}.use_mainbranch`]: ["Must be a boolean."] })
        next = { ...next, use_mainbranch: body.use_mainbranch, ...(body.use_mainbranch ? { name: null } : {}) }
      }
      if ("name" in body) {
        if (body.name !== null && typeof body.name !== "string") throw invalid({ [`${field}.name`]: ["Must be a string or null."] })
        next = { ...next, name: body.name === "" ? null : body.name }
        if (typeof body.name === "string" && body.name !== "" && next.use_mainbranch) {
          throw invalid({ [`${field}.name`]: ["Must be null when use_mainbranch is true."] })
        }
      }
      if ("enabled" in body) {
        if (field !== "production" || typeof body.enabled !== "boolean") throw invalid({ [`${field}.enabled`]: ["Must be a boolean (production only)."] })
        next = { ...next, enabled: body.enabled }
      }
      const enabled = field === "development" || (next as unknown as ProductionSetting).enabled
      if (!next.use_mainbranch && next.name === null && enabled) {
        throw invalid({ [`${field}.name`]: ["A branch name is required when use_mainbranch is false."] })
      }
      if (!next.use_mainbranch && next.name !== null && enabled && branchExists !== undefined && !branchExists(next.name)) {
        throw invalid({ [`${field}.name`]: [`Branch "${next.name}" does not exist.`] })
      }
      return next
    }

    const updateTypes = (current: ReadonlyArray<TypeSetting>, body: unknown): ReadonlyArray<TypeSetting> => {
      if (!Array.isArray(body)) throw invalid({ branch_types: ["Must be a list."] })
      const next = new Map(current.map((t) => [t.kind, t]))
      const seen = new Set<string>()
      for (const [i, item] of (body as Array<unknown>).entries()) {
        const at = `branch_types.${i}`
        if (!isObject(item)) throw invalid({ [at]: ["Must be an object."] })
        const kind = item.kind
        if (typeof kind !== "string" || !(KINDS as ReadonlyArray<string>).includes(kind)) {
          throw invalid({ [`${at}.kind`]: [`"${String(kind)}" is not a valid choice. Valid values: ${KINDS.join(", ")}.`] })
        }
        if (seen.has(kind)) throw invalid({ [`${at}.kind`]: [`Branch type "${kind}" is given more than once.`] })
        seen.add(kind)
        let t = next.get(kind as Kind)!
        if ("prefix" in item) {
          if (item.prefix !== null && typeof item.prefix !== "string") throw invalid({ [`${at}.prefix`]: ["Must be a string."] })
          t = { ...t, prefix: item.prefix ?? "" }
        }
        if ("enabled" in item) {
          if (typeof item.enabled !== "boolean") throw invalid({ [`${at}.enabled`]: ["Must be a boolean."] })
          t = { ...t, enabled: item.enabled }
        }
        next.set(t.kind, t)
      }
      const types = KINDS.map((k) => next.get(k)!)
      const enabled = types.filter((t) => t.enabled)
      for (const t of enabled) {
        if (!validPrefix(t.prefix)) throw invalid({ branch_types: [`"${t.prefix}" is not a valid prefix for the enabled branch type ${t.kind}.`] })
      }
      for (const a of enabled) {
        for (const b of enabled) {
          if (a !== b && b.prefix.startsWith(a.prefix)) {
            throw invalid({ branch_types: [`The ${a.kind} prefix "${a.prefix}" is a prefix of the ${b.kind} prefix "${b.prefix}".`] })
          }
        }
      }
      return types
    }

    const update = (ctx: Ctx, current: ModelSettings, branchExists: ((name: string) => boolean) | undefined): ModelSettings => {
      const body = core.parsePayload(ctx)
      // Read-only and unknown fields (`type`, `links`, `is_valid`) are ignored, so a GET's answer
      // can be sent back changed.
      return {
        development: "development" in body ? updateBranch("development", current.development, body.development, branchExists) : current.development,
        production: "production" in body ? updateBranch("production", current.production, body.production, branchExists) : current.production,
        branch_types: "branch_types" in body ? updateTypes(current.branch_types, body.branch_types) : current.branch_types
      }
    }

    // ---- repositories --------------------------------------------------------------------------

    const repoPath = (p: Params) => `/repositories/${core.seg(p.workspace!)}/${core.seg(p.repo_slug!)}/branching-model/settings`

    const repository = {
      model: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p)
        return ok(ctx, repoModelJson(repo, settingsOf(repoSettings, repo.uuid), "branching_model", false))
      },
      effective: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p)
        const { settings, inherited } = effectiveOf(repo)
        return ok(ctx, repoModelJson(repo, settings, "effective_repo_branching_model", inherited))
      },
      settings: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p, "admin")
        return ok(ctx, settingsJson(settingsOf(repoSettings, repo.uuid), exists(repo), repoPath(p)))
      },
      updateSettings: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p, "admin")
        const next = update(ctx, settingsOf(repoSettings, repo.uuid), exists(repo))
        repoSettings.set(repo.uuid, next)
        return ok(ctx, settingsJson(next, exists(repo), repoPath(p)))
      },
      overrides: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p, "admin")
        return ok(ctx, { type: "repository_inheritance_state", override_settings: overridesOf(repo) })
      },
      updateOverrides: (ctx: Ctx, p: Params) => {
        const repo = core.repositoryFor(ctx, p, "admin")
        const body = core.parsePayload(ctx)
        const given = body.override_settings
        if (!isObject(given)) throw invalid({ override_settings: ["This field is required: an object of settings to override."] })
        const next = { ...overridesOf(repo) }
        for (const [key, value] of Object.entries(given)) {
          if (!(OVERRIDABLE as ReadonlyArray<string>).includes(key)) {
            throw invalid({ [`override_settings.${key}`]: [`Unknown setting. Valid settings: ${OVERRIDABLE.join(", ")}.`] })
          }
          if (typeof value !== "boolean") throw invalid({ [`override_settings.${key}`]: ["Must be a boolean."] })
          next[key] = value
        }
        overrides.set(repo.uuid, next)
        return core.noContent()
      }
    }

    // ---- projects ------------------------------------------------------------------------------

    const readableProject = (ctx: Ctx, p: Params): SeedProject => {
      const ws = core.getWorkspaceOr(ctx, p.workspace!)
      core.requireAuth(ctx)
      const project = core.findProject(ws, p.project_key!)
      if (project === undefined) throw new HttpError(404, `Project ${p.project_key!} not found`)
      const principal = ctx.principal
      const member = core.memberOf(principal, ws) !== undefined || core.projectPermission(principal, ws, project) !== undefined
      if (!member && !core.isProjectAdmin(principal, ws, project)) {
        throw new HttpError(403, "You must have read access to this project to see its branching model.")
      }
      return project
    }
    const administeredProject = (ctx: Ctx, p: Params) =>
      core.getAdministeredProject(ctx, p.workspace!, p.project_key!, "its branching model").project
    const projectPath = (p: Params) =>
      `/workspaces/${core.seg(p.workspace!)}/projects/${core.seg(p.project_key!)}/branching-model/settings`
    const anyName = () => true

    const project = {
      model: (ctx: Ctx, p: Params) => ok(ctx, projectModelJson(settingsOf(projectSettings, readableProject(ctx, p).uuid))),
      settings: (ctx: Ctx, p: Params) =>
        ok(ctx, settingsJson(settingsOf(projectSettings, administeredProject(ctx, p).uuid), anyName, projectPath(p))),
      updateSettings: (ctx: Ctx, p: Params) => {
        const found = administeredProject(ctx, p)
        const next = update(ctx, settingsOf(projectSettings, found.uuid), undefined)
        projectSettings.set(found.uuid, next)
        return ok(ctx, settingsJson(next, anyName, projectPath(p)))
      }
    }

    const R = "/repositories/:workspace/:repo_slug"
    const P = "/workspaces/:workspace/projects/:project_key/branching-model"
    return {
      snapshot,
      routes: [
        { path: `${R}/branching-model`, GET: repository.model },
        { path: `${R}/branching-model/settings`, GET: repository.settings, PUT: repository.updateSettings },
        { path: `${R}/effective-branching-model`, GET: repository.effective },
        { path: `${R}/override-settings`, GET: repository.overrides, PUT: repository.updateOverrides },
        { path: P, GET: project.model },
        { path: `${P}/settings`, GET: project.settings, PUT: project.updateSettings }
      ]
    }
  }
}

/**
 * The branching model of a repository or a project: which branch is for development, which (if
 * any) for production, and the prefixes that make a branch a bugfix, feature, hotfix or release
 * branch. Branch restrictions of `branch_match_kind: "branching_model"` and Bitbucket's "create
 * branch" dialog follow it.
 *
 * Repository: {@link findForRepository} (the model with its branches resolved),
 * {@link findEffective} (the repository's own or, when it inherits, its project's),
 * {@link findSettings} and {@link updateSettings} (the raw configuration; changing it needs admin
 * access). Project: {@link findForProject}, {@link findProjectSettings},
 * {@link updateProjectSettings}. Whether a repository uses its own model or its project's:
 * {@link findOverrideSettings} and {@link updateOverrideSettings}. Classifying a branch name:
 * {@link branchTypeOf}.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const repo = { workspace: "acme", repo_slug: "api" }
 * const program = Effect.gen(function* () {
 *   // A repository in a project may inherit the project's model: make its own one apply.
 *   yield* BranchingModel.updateOverrideSettings(repo, { override_settings: { branching_model: true } })
 *   yield* BranchingModel.updateSettings(repo, { branch_types: [{ kind: "feature", prefix: "feat/", enabled: true }] })
 *   const model = yield* BranchingModel.findEffective(repo)
 *   return Option.getOrElse(BranchingModel.branchTypeOf(model, "feat/login"), () => "other")
 * })
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Option, Schema } from "effect"
import * as Http from "./internal/http.js"
import type { ProjectRef } from "./Project.js"
import { Ref } from "./Ref.js"
import type { RepositoryRef } from "./Repository.js"
import * as Resource from "./Resource.js"

/**
 * The kinds of branch type a branching model has, beside its development and production branches.
 *
 * @since 0.1.0
 * @category models
 */
export const kinds = ["bugfix", "feature", "hotfix", "release"] as const

/**
 * A kind of branch type (strict: payloads accept only these).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Kind = Schema.Literal(...kinds)

/**
 * A kind of branch type: `bugfix`, `feature`, `hotfix` or `release`.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = typeof Kind.Type

// Responses accept kinds Bitbucket may add later.
const AnyKind = Schema.Union(Kind, Schema.String)

// ---- the model (resolved) ----------------------------------------------------------------------

const ModelBranchSchema = Resource.Struct({
  // `null` when the setting tracks the main branch of an empty repository (or of a project).
  name: Schema.optional(Schema.NullOr(Schema.String)),
  use_mainbranch: Schema.optional(Schema.Boolean),
  branch: Schema.optional(Ref)
})

/**
 * The development or production branch of a model: its configured `name`, whether it tracks the
 * main branch, and the `branch` itself when it exists (never in a project's model).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ModelBranch: Resource.NamedStruct<typeof ModelBranchSchema, ModelBranch> = ModelBranchSchema

/**
 * The development or production branch of a model.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModelBranch extends Schema.Schema.Type<typeof ModelBranchSchema> {}

const BranchTypeSchema = Resource.Struct({
  kind: Schema.optional(AnyKind),
  prefix: Schema.optional(Schema.String)
})

/**
 * An active branch type of a model: its `kind` and `prefix`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchType: Resource.NamedStruct<typeof BranchTypeSchema, BranchType> = BranchTypeSchema

/**
 * An active branch type of a model.
 *
 * @since 0.1.0
 * @category models
 */
export interface BranchType extends Schema.Schema.Type<typeof BranchTypeSchema> {}

const BranchingModelSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  development: Schema.optional(ModelBranch),
  production: Schema.optional(ModelBranch),
  branch_types: Schema.optional(Schema.Array(BranchType)),
  links: Schema.optional(Resource.Links)
})

/**
 * A branching model as applied: `development` always, `production` only when it is enabled, and
 * the enabled `branch_types`. A repository's model carries the branches themselves; a project's
 * names them only. Every field is optional and unknown fields are kept.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchingModel: Resource.NamedStruct<typeof BranchingModelSchema, BranchingModel> = BranchingModelSchema

/**
 * A branching model as applied (a repository's, its effective one, or a project's).
 *
 * @since 0.1.0
 * @category models
 */
export interface BranchingModel extends Schema.Schema.Type<typeof BranchingModelSchema> {}

// ---- the settings (raw configuration) ----------------------------------------------------------

const settingFields = {
  name: Schema.optional(Schema.NullOr(Schema.String)),
  use_mainbranch: Schema.optional(Schema.Boolean),
  /** Read-only: whether the named branch exists (always true when tracking the main branch). */
  is_valid: Schema.optional(Schema.Boolean)
}

const DevelopmentSettingSchema = Resource.Struct(settingFields)

/**
 * The configured development branch: a `name`, or `use_mainbranch`; `is_valid` tells whether the
 * named branch exists.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DevelopmentSetting: Resource.NamedStruct<typeof DevelopmentSettingSchema, DevelopmentSetting> = DevelopmentSettingSchema

/**
 * The configured development branch.
 *
 * @since 0.1.0
 * @category models
 */
export interface DevelopmentSetting extends Schema.Schema.Type<typeof DevelopmentSettingSchema> {}

const ProductionSettingSchema = Resource.Struct({ ...settingFields, enabled: Schema.optional(Schema.Boolean) })

/**
 * The configured production branch: like the development one, and `enabled`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProductionSetting: Resource.NamedStruct<typeof ProductionSettingSchema, ProductionSetting> = ProductionSettingSchema

/**
 * The configured production branch.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProductionSetting extends Schema.Schema.Type<typeof ProductionSettingSchema> {}

const BranchTypeSettingSchema = Resource.Struct({
  kind: Schema.optional(AnyKind),
  prefix: Schema.optional(Schema.NullOr(Schema.String)),
  enabled: Schema.optional(Schema.Boolean)
})

/**
 * A configured branch type, enabled or not (a disabled one may keep an empty or invalid prefix).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BranchTypeSetting: Resource.NamedStruct<typeof BranchTypeSettingSchema, BranchTypeSetting> = BranchTypeSettingSchema

/**
 * A configured branch type.
 *
 * @since 0.1.0
 * @category models
 */
export interface BranchTypeSetting extends Schema.Schema.Type<typeof BranchTypeSettingSchema> {}

const SettingsSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  development: Schema.optional(DevelopmentSetting),
  production: Schema.optional(ProductionSetting),
  branch_types: Schema.optional(Schema.Array(BranchTypeSetting)),
  links: Schema.optional(Resource.Links)
})

/**
 * The branching model's configuration (a repository's or a project's): every branch type,
 * disabled ones included, and a `production` setting even when it is disabled.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Settings: Resource.NamedStruct<typeof SettingsSchema, Settings> = SettingsSchema

/**
 * The branching model's configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings extends Schema.Schema.Type<typeof SettingsSchema> {}

// ---- the settings update -----------------------------------------------------------------------

/**
 * Whether a string can begin a branch name, as git allows branch names (`git check-ref-format`):
 * not empty, no whitespace or control characters, none of `~ ^ : ? * [ \`, no `..`, `//` or `@{`,
 * not starting with `/`, `.` or `-`, and no part (between slashes) that starts with `.` or ends
 * with `.lock`. `feature/` is one; `*`, `feat ure/`, `/x`, `team/.x` and `a.lock/` are not.
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * BranchingModel.isValidPrefix("feature/") // true
 * BranchingModel.isValidPrefix("release/*") // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isValidPrefix = (prefix: string): boolean =>
  prefix.length > 0 && !/[\s\x00-\x1f\x7f~^:?*[\\]|\.\.|\/\/|@\{|^[/.-]|\/\.|\.lock\//.test(prefix)

const branchSettingFilter = (s: { readonly name?: string | null | undefined; readonly use_mainbranch?: boolean | undefined }) => {
  if (s.use_mainbranch === true && typeof s.name === "string") {
    return { path: ["name"], message: "must be left out (or null) when use_mainbranch is true" }
  }
  if (s.use_mainbranch === false && (s.name === undefined || s.name === null)) {
    return { path: ["name"], message: "is required when use_mainbranch is false" }
  }
  return s.name === "" ? { path: ["name"], message: "must not be empty" } : true
}

const DevelopmentUpdateSchema = Schema.Struct({
  use_mainbranch: Schema.optional(Schema.Boolean),
  name: Schema.optional(Schema.NullOr(Schema.String))
}).pipe(Schema.filter(branchSettingFilter))

const ProductionUpdateSchema = Schema.Struct({
  use_mainbranch: Schema.optional(Schema.Boolean),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  enabled: Schema.optional(Schema.Boolean)
}).pipe(Schema.filter(branchSettingFilter))

const BranchTypeUpdateSchema = Schema.Struct({
  kind: Kind,
  prefix: Schema.optional(Schema.String),
  enabled: Schema.optional(Schema.Boolean)
}).pipe(Schema.filter((t) =>
  // A disabled branch type may keep an invalid prefix (Bitbucket stores it as it is).
  t.enabled === false || t.prefix === undefined || isValidPrefix(t.prefix) ||
  { path: ["prefix"], message: `"${t.prefix}" is not a valid branch name prefix` }
))

const UpdateSettingsPayloadSchema = Schema.Struct({
  development: Schema.optional(DevelopmentUpdateSchema),
  production: Schema.optional(ProductionUpdateSchema),
  branch_types: Schema.optional(Schema.Array(BranchTypeUpdateSchema))
}).pipe(Schema.filter((p) => {
  const types = p.branch_types ?? []
  const seen = new Set<string>()
  for (const [i, t] of types.entries()) {
    if (seen.has(t.kind)) return { path: ["branch_types", i, "kind"], message: `${t.kind} is given twice` }
    seen.add(t.kind)
  }
  // An enabled prefix may not begin another one: a branch must have one type at most.
  const active = types.filter((t) => t.enabled !== false && t.prefix !== undefined)
  for (const a of active) {
    for (const b of active) {
      if (a !== b && b.prefix!.startsWith(a.prefix!)) {
        return { path: ["branch_types"], message: `the ${a.kind} prefix "${a.prefix}" begins the ${b.kind} prefix "${b.prefix}"` }
      }
    }
  }
  return true
}))

/**
 * The body of {@link updateSettings} and {@link updateProjectSettings}: only what changes, every
 * part optional (Bitbucket leaves out-of-body settings, and branch types not listed, unchanged).
 *
 * - `development` / `production`: `{ use_mainbranch: true }` tracks the main branch;
 *   `{ use_mainbranch: false, name }` names a branch, which must exist in a repository. A name
 *   beside `use_mainbranch: true` is refused. `production.enabled` switches production on or off.
 * - `branch_types`: each `{ kind, prefix?, enabled? }`, each kind once. A prefix must be a valid
 *   branch-name prefix ({@link isValidPrefix}) and no prefix may begin another, unless the type
 *   is sent with `enabled: false` (a disabled type may keep any prefix).
 *
 * An invalid body fails with `InvalidInput` and sends nothing.
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdateSettingsPayload: Schema.Schema<UpdateSettingsPayload, Schema.Schema.Encoded<typeof UpdateSettingsPayloadSchema>> =
  UpdateSettingsPayloadSchema

/**
 * The body of {@link updateSettings} and {@link updateProjectSettings}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdateSettingsPayload extends Schema.Schema.Type<typeof UpdateSettingsPayloadSchema> {}

// ---- inheritance -------------------------------------------------------------------------------

const OverridesSchema = Resource.Struct({
  branching_model: Schema.optional(Schema.Boolean),
  default_merge_strategy: Schema.optional(Schema.Boolean)
})

const OverrideSettingsSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  override_settings: Schema.optional(OverridesSchema)
})

/**
 * Which project settings a repository overrides (`true`: it has its own) rather than inherits
 * (`false`): `override_settings.branching_model`, `override_settings.default_merge_strategy`, and
 * any setting Bitbucket adds later (kept as it comes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OverrideSettings: Resource.NamedStruct<typeof OverrideSettingsSchema, OverrideSettings> = OverrideSettingsSchema

/**
 * Which project settings a repository overrides rather than inherits.
 *
 * @since 0.1.0
 * @category models
 */
export interface OverrideSettings extends Schema.Schema.Type<typeof OverrideSettingsSchema> {}

const UpdateOverrideSettingsPayloadSchema = Schema.Struct({
  override_settings: Schema.Struct({
    branching_model: Schema.optional(Schema.Boolean),
    default_merge_strategy: Schema.optional(Schema.Boolean)
  })
})

/**
 * The body of {@link updateOverrideSettings}: the settings to change, `true` to override the
 * project's, `false` to inherit it; those left out are unchanged.
 *
 * @since 0.1.0
 * @category payloads
 */
export const UpdateOverrideSettingsPayload: Resource.NamedStruct<typeof UpdateOverrideSettingsPayloadSchema, UpdateOverrideSettingsPayload> =
  UpdateOverrideSettingsPayloadSchema

/**
 * The body of {@link updateOverrideSettings}.
 *
 * @since 0.1.0
 * @category payloads
 */
export interface UpdateOverrideSettingsPayload extends Schema.Schema.Type<typeof UpdateOverrideSettingsPayloadSchema> {}

// ---- operations --------------------------------------------------------------------------------

const R = "/repositories/{workspace}/{repo_slug}"
const P = "/workspaces/{workspace}/projects/{project_key}/branching-model"

/**
 * A repository's own branching model with its branches resolved: `development.branch` and
 * `production.branch` are there when those branches exist; `production` only when enabled; only
 * enabled branch types (`GET /repositories/{workspace}/{repo_slug}/branching-model`). Needs read
 * access. When the repository inherits its project's model, {@link findEffective} is the one in
 * force.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const develop = Effect.map(
 *   BranchingModel.findForRepository({ workspace: "acme", repo_slug: "api" }),
 *   (model) => model.development?.branch?.name
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForRepository = Effect.fn("Bitbucket.BranchingModel.findForRepository")(function*(ref: RepositoryRef) {
  return yield* Http.json({ method: "GET", path: `${R}/branching-model`, params: ref }, BranchingModel)
})

/**
 * The branching model in force for a repository: its own, or its project's when it inherits
 * (`GET /repositories/{workspace}/{repo_slug}/effective-branching-model`). Needs read access.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const prefixes = Effect.map(
 *   BranchingModel.findEffective({ workspace: "acme", repo_slug: "api" }),
 *   (model) => (model.branch_types ?? []).map((t) => t.prefix)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findEffective = Effect.fn("Bitbucket.BranchingModel.findEffective")(function*(ref: RepositoryRef) {
  return yield* Http.json({ method: "GET", path: `${R}/effective-branching-model`, params: ref }, BranchingModel)
})

/**
 * A repository's branching model configuration, every branch type included
 * (`GET /repositories/{workspace}/{repo_slug}/branching-model/settings`). Needs admin access.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const disabled = Effect.map(
 *   BranchingModel.findSettings({ workspace: "acme", repo_slug: "api" }),
 *   (settings) => (settings.branch_types ?? []).filter((t) => t.enabled === false).map((t) => t.kind)
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findSettings = Effect.fn("Bitbucket.BranchingModel.findSettings")(function*(ref: RepositoryRef) {
  return yield* Http.json({ method: "GET", path: `${R}/branching-model/settings`, params: ref }, Settings)
})

/**
 * Changes a repository's branching model configuration: only what the payload names
 * ({@link UpdateSettingsPayload}); answers the whole configuration. A named branch must exist; a
 * configuration that would leave an enabled branch type with an invalid or overlapping prefix, or
 * production enabled on a missing branch, is refused (`BadRequest`). The result must hold as a
 * whole: naming a development branch while the stored setting still follows the main branch is
 * refused too, so send `{ use_mainbranch: false, name }` together. Needs admin access. It does
 * not change whether the repository inherits its project's model ({@link updateOverrideSettings}).
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const gitflow = BranchingModel.updateSettings({ workspace: "acme", repo_slug: "api" }, {
 *   development: { use_mainbranch: false, name: "develop" },
 *   production: { enabled: true, use_mainbranch: true },
 *   branch_types: [{ kind: "hotfix", enabled: false }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateSettings = Effect.fn("Bitbucket.BranchingModel.updateSettings")(function*(
  ref: RepositoryRef,
  payload: UpdateSettingsPayload
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: `${R}/branching-model/settings`, params: ref }, UpdateSettingsPayload, payload, Settings)
})

/**
 * A project's branching model, which its repositories that inherit it follow
 * (`GET /workspaces/{workspace}/projects/{project_key}/branching-model`). Branches are named, not
 * resolved: a project has none.
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const model = BranchingModel.findForProject({ workspace: "acme", project_key: "ACME" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findForProject = Effect.fn("Bitbucket.BranchingModel.findForProject")(function*(ref: ProjectRef) {
  return yield* Http.json({ method: "GET", path: P, params: ref }, BranchingModel)
})

/**
 * A project's branching model configuration
 * (`GET /workspaces/{workspace}/projects/{project_key}/branching-model/settings`). Needs admin
 * access to the project.
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const settings = BranchingModel.findProjectSettings({ workspace: "acme", project_key: "ACME" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findProjectSettings = Effect.fn("Bitbucket.BranchingModel.findProjectSettings")(function*(ref: ProjectRef) {
  return yield* Http.json({ method: "GET", path: `${P}/settings`, params: ref }, Settings)
})

/**
 * Changes a project's branching model configuration, as {@link updateSettings} does a
 * repository's (a named branch need not exist: a repository that inherits it and lacks the branch
 * uses its main branch). Needs admin access to the project.
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const releases = BranchingModel.updateProjectSettings({ workspace: "acme", project_key: "ACME" }, {
 *   branch_types: [{ kind: "release", prefix: "rel/", enabled: true }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateProjectSettings = Effect.fn("Bitbucket.BranchingModel.updateProjectSettings")(function*(
  ref: ProjectRef,
  payload: UpdateSettingsPayload
) {
  return yield* Http.jsonWithBody({ method: "PUT", path: `${P}/settings`, params: ref }, UpdateSettingsPayload, payload, Settings)
})

/**
 * Which project settings a repository overrides rather than inherits: its branching model and its
 * default merge strategy (`GET /repositories/{workspace}/{repo_slug}/override-settings`). Needs
 * admin access.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const inherits = Effect.map(
 *   BranchingModel.findOverrideSettings({ workspace: "acme", repo_slug: "api" }),
 *   (state) => state.override_settings?.branching_model === false
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const findOverrideSettings = Effect.fn("Bitbucket.BranchingModel.findOverrideSettings")(function*(ref: RepositoryRef) {
  return yield* Http.json({ method: "GET", path: `${R}/override-settings`, params: ref }, OverrideSettings)
})

/**
 * Makes a repository override (`true`) or inherit (`false`) its project's settings; settings left
 * out are unchanged (`PUT /repositories/{workspace}/{repo_slug}/override-settings`). Overriding
 * the branching model puts the repository's own configuration ({@link updateSettings}) in force.
 * Needs admin access.
 *
 * @example
 * ```ts
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const inherit = BranchingModel.updateOverrideSettings({ workspace: "acme", repo_slug: "api" }, {
 *   override_settings: { branching_model: false }
 * })
 * ```
 *
 * @since 0.1.0
 * @category mutations
 */
export const updateOverrideSettings = Effect.fn("Bitbucket.BranchingModel.updateOverrideSettings")(function*(
  ref: RepositoryRef,
  payload: UpdateOverrideSettingsPayload
) {
  const value = yield* Http.encodePayload(UpdateOverrideSettingsPayload, payload)
  return yield* Http.empty({ method: "PUT", path: `${R}/override-settings`, params: ref, body: { _tag: "Json", value } })
})

/**
 * The branch type a branch name belongs to: the kind whose prefix it starts with (and goes
 * beyond), as Bitbucket classifies branches. Takes a model (whose branch types are the enabled
 * ones) or settings (disabled types are skipped). Prefixes are compared case-sensitively, as git
 * branch names are; should two prefixes match, the longer wins. The development and production
 * branches are named, not prefixed: compare with `development.name` and `production.name`.
 *
 * @example
 * ```ts
 * import { Option } from "effect"
 * import { BranchingModel } from "effect-bitbucket"
 *
 * const model = { branch_types: [{ kind: "feature", prefix: "feature/" }, { kind: "hotfix", prefix: "hotfix/" }] }
 * BranchingModel.branchTypeOf(model, "feature/login") // Option.some("feature")
 * BranchingModel.branchTypeOf(model, "main") // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const branchTypeOf = (
  model: {
    readonly branch_types?:
      | ReadonlyArray<{ readonly kind?: string | undefined; readonly prefix?: string | null | undefined; readonly enabled?: boolean | undefined }>
      | undefined
  },
  branch: string
): Option.Option<Kind | (string & {})> => {
  let best: { readonly kind: string; readonly prefix: string } | undefined
  for (const t of model.branch_types ?? []) {
    if (t.enabled === false || t.kind === undefined || typeof t.prefix !== "string" || t.prefix === "") continue
    if (branch.length > t.prefix.length && branch.startsWith(t.prefix) && (best === undefined || t.prefix.length > best.prefix.length)) {
      best = { kind: t.kind, prefix: t.prefix }
    }
  }
  return Option.fromNullable(best?.kind)
}

/**
 * Branch restrictions: `GET|POST R/branch-restrictions` (filters `kind` and `pattern`),
 * `GET|PUT|DELETE R/branch-restrictions/{id}`. Every endpoint needs admin access to the repository
 * (401 for the anonymous, 403 otherwise), as the spec says.
 *
 * Bodies carry `kind`, `branch_match_kind` (`glob` with `pattern`, or `branching_model` with
 * `branch_type`), `users` and `groups` (exemptions, only for `push` and `restrict_merges`) and
 * `value` (for the numeric kinds). PUT ignores fields it does not carry.
 *
 * Decisions where Bitbucket's documentation is silent:
 * - Missing `branch_match_kind` means `glob`. `users` and `groups` are required when a `push` or
 *   `restrict_merges` rule is created (the spec says so; empty lists are fine), empty otherwise.
 * - A `delete` rule stops `DELETE R/refs/branches/{name}` on the branches it covers (403).
 * - Merge checks (`require_…` kinds) are enforced on pull request merges into the branches they
 *   cover only beside an `enforce_merge_checks` rule there (see the pull request routes).
 * - A `branching_model` rule covers the branches of its type in the repository's effective
 *   branching model: development and production by name (production only while enabled; it is
 *   disabled by default), the other types by prefix.
 * - The numeric kinds (`require_approvals_to_merge`, `require_default_reviewer_approvals_to_merge`,
 *   `require_passing_builds_to_merge`, `require_commits_behind`) need a non-negative integer
 *   `value`; other kinds answer `value: null`.
 * - A second rule with the same kind and match answers 400 with `fields` (no 409 in the spec).
 * - Groups are not modelled: every `{ slug }` is accepted and echoed back as a group.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedBranchRestriction, SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

export const RESTRICTION_KINDS = [
  "push",
  "force",
  "delete",
  "restrict_merges",
  "require_tasks_to_be_completed",
  "require_approvals_to_merge",
  "require_default_reviewer_approvals_to_merge",
  "require_no_changes_requested",
  "require_passing_builds_to_merge",
  "require_commits_behind",
  "reset_pullrequest_approvals_on_change",
  "smart_reset_pullrequest_approvals",
  "reset_pullrequest_changes_requested_on_change",
  "require_all_dependencies_merged",
  "enforce_merge_checks",
  "allow_auto_merge_when_builds_pass"
] as const

const NUMERIC_KINDS = new Set([
  "require_approvals_to_merge",
  "require_default_reviewer_approvals_to_merge",
  "require_passing_builds_to_merge",
  "require_commits_behind"
])
const EXEMPTION_KINDS = new Set(["push", "restrict_merges"])
const BRANCH_TYPES = ["production", "development", "bugfix", "release", "feature", "hotfix"] as const

interface RestrictionState {
  readonly id: number
  readonly repository: string
  kind: string
  branch_match_kind: "glob" | "branching_model"
  pattern: string
  branch_type: string | undefined
  users: Array<string>
  groups: Array<string>
  value: number | null
}

export const branchRestrictions: RouteModule = {
  name: "branchRestrictions",
  make: (core) => {
    const { ok, page, param, href, seg, base, invalid, parsePayload, getRepository, requireAdmin, accountJson } = core

    const all: Array<RestrictionState> = (core.seed.branchRestrictions ?? []).map((r) => ({
      id: r.id,
      repository: r.repository,
      kind: r.kind,
      branch_match_kind: r.branch_match_kind ?? "glob",
      pattern: r.pattern ?? "",
      branch_type: r.branch_type,
      users: (r.users ?? []).map(core.userUuid),
      groups: [...(r.groups ?? [])],
      value: r.value ?? null
    }))
    let counter = all.reduce((n, r) => Math.max(n, r.id), 0)

    // Which branches a rule covers: a glob (`*` matches anything, `/` included), or a branch type
    // of the repository's effective branching model (see the branching model routes).
    const covers = (r: RestrictionState, repo: SeedRepository, branch: string) => {
      if (r.repository !== core.fullName(repo)) return false
      if (r.branch_match_kind === "glob") {
        const source = r.pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")
        return new RegExp(`^${source}$`).test(branch)
      }
      return r.branch_type !== undefined && core.branchTypes.of(repo, branch).includes(r.branch_type)
    }
    core.branches.restrictionsWith((repo, branch) =>
      all.filter((r) => covers(r, repo, branch)).map((r) => ({ id: r.id, kind: r.kind, value: r.value }))
    )
    core.branches.guard((repo, branch, action) => {
      const rule = all.find((r) => r.kind === action && covers(r, repo, branch))
      if (rule !== undefined) {
        throw new HttpError(403, `You can't ${action} the branch "${branch}": branch restriction ${rule.id} forbids it.`)
      }
    })

    const target = (ctx: Ctx, p: Params) => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      requireAdmin(ctx, repo)
      return repo
    }

    const pathOf = (repo: SeedRepository) => `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/branch-restrictions`

    const json = (repo: SeedRepository, r: RestrictionState) => ({
      type: "branchrestriction",
      id: r.id,
      kind: r.kind,
      branch_match_kind: r.branch_match_kind,
      pattern: r.branch_match_kind === "glob" ? r.pattern : "",
      ...(r.branch_match_kind === "branching_model" ? { branch_type: r.branch_type } : {}),
      users: r.users.map(accountJson),
      groups: r.groups.map((slug) => ({
        type: "group",
        slug,
        name: slug,
        full_slug: `${repo.workspace}:${slug}`,
        links: { html: core.web(`/${seg(repo.workspace)}/workspace/settings/groups/${seg(slug)}`) }
      })),
      value: r.value,
      links: { self: href(`${pathOf(repo)}/${r.id}`) }
    })

    const ofRepo = (repo: SeedRepository) => all.filter((r) => r.repository === core.fullName(repo))

    const find = (repo: SeedRepository, id: string) => {
      const r = ofRepo(repo).find((x) => String(x.id) === id)
      if (r === undefined) throw new HttpError(404, `Branch restriction ${id} not found`)
      return r
    }

    /** Validates `body` over `draft` (create: everything required; update: only what it carries). */
    const apply = (repo: SeedRepository, draft: RestrictionState, body: Record<string, unknown>, mode: "create" | "update") => {
      const fields: Record<string, Array<string>> = {}
      const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
      if (mode === "create" || "kind" in body) {
        if (typeof body.kind !== "string" || !(RESTRICTION_KINDS as ReadonlyArray<string>).includes(body.kind)) {
          bad("kind", `${body.kind === undefined ? "This field is required." : `"${String(body.kind)}" is not a valid choice.`} Valid kinds: ${RESTRICTION_KINDS.join(", ")}.`)
        } else draft.kind = body.kind
      }
      if ("branch_match_kind" in body) {
        if (body.branch_match_kind !== "glob" && body.branch_match_kind !== "branching_model") {
          bad("branch_match_kind", `"${String(body.branch_match_kind)}" is not a valid choice. Valid values: glob, branching_model.`)
        } else draft.branch_match_kind = body.branch_match_kind
      }
      if ("pattern" in body) {
        if (typeof body.pattern !== "string") bad("pattern", "Must be a string.")
        else draft.pattern = body.pattern
      }
      if ("branch_type" in body) {
        if (body.branch_type !== null && typeof body.branch_type !== "string") bad("branch_type", "Must be a string.")
        else draft.branch_type = body.branch_type ?? undefined
      }
      if (draft.branch_match_kind === "glob" && draft.pattern.trim() === "" && !fields.pattern) {
        bad("pattern", "This field is required when branch_match_kind is glob.")
      }
      if (draft.branch_match_kind === "branching_model" && !(BRANCH_TYPES as ReadonlyArray<string>).includes(draft.branch_type ?? "")) {
        bad("branch_type", `Required when branch_match_kind is branching_model; one of ${BRANCH_TYPES.join(", ")}.`)
      }
      if ("users" in body) {
        if (!Array.isArray(body.users)) bad("users", "Must be a list of users ({ uuid } or { account_id }).")
        else {
          const uuids: Array<string> = []
          for (const u of body.users) {
            const ref = u !== null && typeof u === "object"
              ? (u as Record<string, unknown>).uuid ?? (u as Record<string, unknown>).account_id
              : undefined
            const user = typeof ref === "string" ? core.findUser(ref) : undefined
            if (user === undefined) bad("users", `User ${JSON.stringify(ref ?? u)} not found.`)
            else if (!uuids.includes(user.uuid)) uuids.push(user.uuid)
          }
          draft.users = uuids
        }
      }
      if ("groups" in body) {
        if (!Array.isArray(body.groups)) bad("groups", "Must be a list of groups ({ slug }).")
        else {
          const slugs: Array<string> = []
          for (const g of body.groups) {
            const slug = g !== null && typeof g === "object" ? (g as Record<string, unknown>).slug : undefined
            if (typeof slug !== "string" || slug === "") bad("groups", `Group ${JSON.stringify(g)} has no slug.`)
            else if (!slugs.includes(slug)) slugs.push(slug)
          }
          draft.groups = slugs
        }
      }
      // The spec: push and restrict_merges "require users and groups to be specified" (empty lists
      // allowed) when created.
      if (mode === "create" && EXEMPTION_KINDS.has(draft.kind)) {
        for (const field of ["users", "groups"] as const) {
          if (!(field in body)) bad(field, `This field is required for ${draft.kind} restrictions (an empty list exempts no one).`)
        }
      }
      if (draft.kind !== "" && !EXEMPTION_KINDS.has(draft.kind) && (draft.users.length > 0 || draft.groups.length > 0)) {
        bad("users", `Exempt users and groups can only be set on push and restrict_merges restrictions, not ${draft.kind}.`)
      }
      if ("value" in body) {
        const v = body.value
        if (v !== null && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) bad("value", "Must be a non-negative integer.")
        else draft.value = v
      }
      if (draft.kind === "") {
        // reported under `kind`
      } else if (NUMERIC_KINDS.has(draft.kind)) {
        if (draft.value === null && !fields.value) bad("value", `This field is required for ${draft.kind}.`)
      } else draft.value = null
      if (Object.keys(fields).length === 0) {
        const clash = ofRepo(repo).find((r) =>
          r.id !== draft.id && r.kind === draft.kind && r.branch_match_kind === draft.branch_match_kind &&
          (draft.branch_match_kind === "glob" ? r.pattern === draft.pattern : r.branch_type === draft.branch_type)
        )
        if (clash !== undefined) {
          bad(
            draft.branch_match_kind === "glob" ? "pattern" : "branch_type",
            `A ${draft.kind} restriction for this branch match already exists (id ${clash.id}).`
          )
        }
      }
      if (Object.keys(fields).length > 0) throw invalid(fields, "The branch restriction is invalid.")
    }

    const list = (ctx: Ctx, p: Params) => {
      const repo = target(ctx, p)
      const kind = param(ctx, "kind")
      const pattern = param(ctx, "pattern")
      const rules = ofRepo(repo).filter((r) =>
        (kind === undefined || kind === "" || r.kind === kind) &&
        (pattern === undefined || pattern === "" || (r.branch_match_kind === "glob" && r.pattern === pattern))
      )
      return page(ctx, rules.map((r) => json(repo, r)))
    }

    const create = (ctx: Ctx, p: Params) => {
      const repo = target(ctx, p)
      const draft: RestrictionState = {
        id: counter + 1,
        repository: core.fullName(repo),
        kind: "",
        branch_match_kind: "glob",
        pattern: "",
        branch_type: undefined,
        users: [],
        groups: [],
        value: null
      }
      apply(repo, draft, parsePayload(ctx), "create")
      counter = draft.id
      all.push(draft)
      return core.created(ctx, json(repo, draft), `${base}${pathOf(repo)}/${draft.id}`)
    }

    const update = (ctx: Ctx, p: Params) => {
      const repo = target(ctx, p)
      const rule = find(repo, p.id!)
      const draft: RestrictionState = { ...rule, users: [...rule.users], groups: [...rule.groups] }
      apply(repo, draft, parsePayload(ctx), "update")
      Object.assign(rule, draft)
      return ok(ctx, json(repo, rule))
    }

    const remove = (ctx: Ctx, p: Params) => {
      const repo = target(ctx, p)
      const rule = find(repo, p.id!)
      all.splice(all.indexOf(rule), 1)
      return core.noContent()
    }

    const snapshot = () => ({
      branchRestrictions: all.map((r): SeedBranchRestriction => ({
        id: r.id,
        repository: r.repository,
        kind: r.kind,
        branch_match_kind: r.branch_match_kind,
        ...(r.branch_match_kind === "glob" ? { pattern: r.pattern } : { branch_type: r.branch_type ?? "" }),
        users: [...r.users],
        groups: [...r.groups],
        value: r.value
      }))
    })

    const R = "/repositories/:workspace/:repo_slug/branch-restrictions"
    return {
      snapshot,
      routes: [
        { path: R, GET: list, POST: create },
        {
          path: `${R}/:id`,
          GET: (ctx, p) => {
            const repo = target(ctx, p)
            return ok(ctx, json(repo, find(repo, p.id!)))
          },
          PUT: update,
          DELETE: remove
        }
      ]
    }
  }
}

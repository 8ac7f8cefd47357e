/**
 * Deployments: `GET R/deployments`, `GET R/deployments/{deployment_uuid}`, `GET|POST R/environments`,
 * `GET|DELETE R/environments/{environment_uuid}`, and an environment's variables:
 * `GET|POST R/deployments_config/environments/{environment_uuid}/variables` and
 * `PUT|DELETE …/variables/{variable_uuid}` (what a variable may be is in `../variables.ts`).
 *
 * - Every repository starts with Bitbucket's three environments, `Test`, `Staging` and
 *   `Production` (one of each type, rank 0), unless its seed names others. Their uuids derive from
 *   the repository's and the name, so a snapshot that never touched them restores the same.
 * - An environment's name is unique in its repository, case aside (409 otherwise, as the spec
 *   says); its type is `Test`, `Staging` or `Production` (400 otherwise). A new one ranks after
 *   those of its type. Deleting one deletes its variables and deployments.
 * - Environments and deployments need read access to the repository; creating and deleting an
 *   environment, and an environment's variables (reads included), need admin access.
 * - Deployments are seeded only (nothing here deploys); `POST …/environments/{uuid}/changes` (an
 *   undocumented body) is not served.
 * - Environments, their variables (secured values included) and deployments are part of
 *   `FakeBitbucket.snapshot` (`deployments`), for every repository whose environments were read or
 *   changed.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { bareUuid, HttpError, slugify } from "../core.js"
import { uuidOf } from "../gitStore.js"
import type { RouteModule } from "../router.js"
import type { SeedDeployment, SeedEnvironment, SeedRepository, SeedRepositoryDeployments } from "../seed.js"
import { fromSeed, toSeed, variableHandlers, type VariableScope, type VariableState } from "../variables.js"

type Params = Readonly<Record<string, string>>
type EnvironmentType = "Test" | "Staging" | "Production"

const TYPES: ReadonlyArray<EnvironmentType> = ["Test", "Staging", "Production"]

/** What Bitbucket gives every repository. */
const DEFAULTS: ReadonlyArray<SeedEnvironment> = TYPES.map((type) => ({ name: type, environment_type: type }))

interface EnvironmentState {
  readonly uuid: string
  readonly name: string
  readonly type: EnvironmentType
  readonly rank: number
  readonly variables: Array<VariableState>
}

interface DeploymentState extends SeedDeployment {
  readonly uuid: string
  /** The environment's uuid. */
  readonly environment: string
}

interface Setup {
  readonly environments: Array<EnvironmentState>
  readonly deployments: Array<DeploymentState>
}

const isType = (u: unknown): u is EnvironmentType => typeof u === "string" && (TYPES as ReadonlyArray<string>).includes(u)

export const deployments: RouteModule = {
  name: "deployments",
  make: (core) => {
    const { ok, page, seg, git } = core

    const environmentOf = (repo: SeedRepository, seed: SeedEnvironment, rank: number): EnvironmentState => {
      const uuid = seed.uuid ?? uuidOf(`environment ${repo.uuid} ${seed.name}`)
      return { uuid, name: seed.name, type: seed.environment_type, rank, variables: [] }
    }

    /** After the last of its type (a deleted one's rank is not given again). */
    const rankFor = (environments: ReadonlyArray<EnvironmentState>, type: EnvironmentType) =>
      Math.max(-1, ...environments.filter((e) => e.type === type).map((e) => e.rank)) + 1

    const setupFrom = (repo: SeedRepository, seed: SeedRepositoryDeployments | undefined): Setup => {
      const environments: Array<EnvironmentState> = []
      for (const e of seed?.environments ?? DEFAULTS) {
        const state = environmentOf(repo, e, e.rank ?? rankFor(environments, e.environment_type))
        for (const v of e.variables ?? []) state.variables.push(fromSeed(state.uuid, v))
        environments.push(state)
      }
      const deployments = (seed?.deployments ?? []).map((d, i): DeploymentState => {
        const env = environments.find((e) => e.name === d.environment || bareUuid(e.uuid) === bareUuid(d.environment))
        if (env === undefined) throw new Error(`FakeBitbucket seed: a deployment of ${core.fullName(repo)} names no environment of it (${d.environment})`)
        // Its commit by hash: a deployment does not move with the branch or tag that named it.
        const commit = d.commit === undefined ? undefined : git.data(repo).git.resolve(d.commit)?.hash
        if (d.commit !== undefined && commit === undefined) {
          throw new Error(`FakeBitbucket seed: a deployment of ${core.fullName(repo)} names an unknown commit (${d.commit})`)
        }
        return { ...d, uuid: d.uuid ?? uuidOf(`deployment ${repo.uuid} ${i}`), environment: env.uuid, ...(commit !== undefined ? { commit } : {}) }
      })
      return { environments, deployments }
    }

    // By repository uuid, made the first time a repository's environments are asked for.
    const byRepository = new Map<string, Setup>()
    for (const s of core.seed.deployments ?? []) {
      const repo = core.repositoryNamed(s.repository)
      if (repo === undefined) throw new Error(`FakeBitbucket seed: deployments of ${s.repository}, which is not a seeded repository`)
      byRepository.set(repo.uuid, setupFrom(repo, s))
    }

    const setupOf = (repo: SeedRepository): Setup => {
      let setup = byRepository.get(repo.uuid)
      if (setup === undefined) byRepository.set(repo.uuid, setup = setupFrom(repo, undefined))
      return setup
    }

    const repoPath = (repo: SeedRepository) => `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}`

    const findEnvironment = (setup: Setup, uuid: string) => {
      const env = setup.environments.find((e) => bareUuid(e.uuid) === bareUuid(uuid))
      if (env === undefined) throw new HttpError(404, `Environment ${uuid} not found`)
      return env
    }

    // ---- representations -------------------------------------------------------------------------

    const environmentJson = (e: EnvironmentState) => ({
      type: "deployment_environment",
      uuid: e.uuid,
      name: e.name,
      slug: slugify(e.name),
      rank: e.rank,
      hidden: false,
      environment_type: { type: "deployment_environment_type", name: e.type, rank: TYPES.indexOf(e.type) },
      restrictions: { type: "deployment_restrictions_configuration", admin_only: false },
      lock: { type: "deployment_environment_lock_open", name: "OPEN" }
    })

    const byTypeAndRank = (a: EnvironmentState, b: EnvironmentState) => TYPES.indexOf(a.type) - TYPES.indexOf(b.type) || a.rank - b.rank

    const stateJson = (d: DeploymentState) => {
      const deployer = d.deployer === undefined ? {} : { deployer: core.accountJson(core.userUuid(d.deployer)) }
      const dates = {
        ...(d.start_date !== undefined ? { start_date: d.start_date } : {}),
        ...(d.completion_date !== undefined ? { completion_date: d.completion_date } : {})
      }
      switch (d.state) {
        case "UNDEPLOYED":
          return { type: "deployment_state_undeployed", name: "UNDEPLOYED" }
        case "IN_PROGRESS":
          return { type: "deployment_state_in_progress", name: "IN_PROGRESS", ...deployer, ...dates }
        case "COMPLETED": {
          const status = d.status ?? "SUCCESSFUL"
          return {
            type: "deployment_state_completed",
            name: "COMPLETED",
            status: { type: `deployment_state_completed_status_${status.toLowerCase()}`, name: status },
            ...deployer,
            ...dates
          }
        }
      }
    }

    const deploymentJson = (repo: SeedRepository, d: DeploymentState) => {
      const commit = d.commit === undefined ? undefined : git.data(repo).git.resolve(d.commit)
      return {
        type: "deployment",
        uuid: d.uuid,
        environment: { type: "deployment_environment", uuid: d.environment },
        release: {
          type: "deployment_release",
          uuid: uuidOf(`release ${d.uuid}`),
          name: d.release ?? commit?.hash.slice(0, 7) ?? "",
          ...(commit !== undefined ? { commit: git.commitRef(repo, commit.hash) } : {}),
          ...(d.start_date !== undefined ? { created_on: d.start_date } : {})
        },
        state: stateJson(d),
        ...(d.completion_date ?? d.start_date) !== undefined ? { last_update_time: d.completion_date ?? d.start_date } : {}
      }
    }

    // ---- handlers ----------------------------------------------------------------------------------

    const createEnvironment = (ctx: Ctx, p: Params) => {
      const repo = core.repositoryFor(ctx, p, "admin")
      const setup = setupOf(repo)
      const body = core.parsePayload(ctx)
      const fields: Record<string, Array<string>> = {}
      const name = typeof body.name === "string" ? body.name.trim() : ""
      if (name === "") fields.name = ["This field is required."]
      const type = (body.environment_type as { name?: unknown } | undefined)?.name
      if (!isType(type)) fields.environment_type = [`Must be one of ${TYPES.join(", ")}.`]
      if (Object.keys(fields).length > 0) throw core.invalid(fields)
      if (setup.environments.some((e) => e.name.toLowerCase() === name.toLowerCase())) {
        throw new HttpError(409, "An environment with the provided name already exists.", `Name: ${name}.`)
      }
      const environmentType = type as EnvironmentType
      const uuid = uuidOf(`environment ${repo.uuid} ${name} ${core.nextId()}`)
      const env = environmentOf(repo, { uuid, name, environment_type: environmentType }, rankFor(setup.environments, environmentType))
      setup.environments.push(env)
      return core.created(ctx, environmentJson(env), `${core.base}${repoPath(repo)}/environments/${seg(env.uuid)}`)
    }

    const deleteEnvironment = (ctx: Ctx, p: Params) => {
      const setup = setupOf(core.repositoryFor(ctx, p, "admin"))
      const env = findEnvironment(setup, p.environment_uuid!)
      setup.environments.splice(setup.environments.indexOf(env), 1)
      for (let i = setup.deployments.length - 1; i >= 0; i--) {
        if (setup.deployments[i]!.environment === env.uuid) setup.deployments.splice(i, 1)
      }
      return core.noContent()
    }

    const variableScope = (ctx: Ctx, p: Params): VariableScope => {
      const repo = core.repositoryFor(ctx, p, "admin")
      const env = findEnvironment(setupOf(repo), p.environment_uuid!)
      return { variables: env.variables, path: `${repoPath(repo)}/deployments_config/environments/${seg(env.uuid)}/variables`, type: "pipeline_variable" }
    }
    const variables = variableHandlers(core, variableScope)

    const snapshot = () => ({
      deployments: core.store.repositories.flatMap((repo): Array<SeedRepositoryDeployments> => {
        const setup = byRepository.get(repo.uuid)
        if (setup === undefined) return []
        return [{
          repository: core.fullName(repo),
          environments: setup.environments.map((e) => ({ uuid: e.uuid, name: e.name, environment_type: e.type, rank: e.rank, variables: e.variables.map(toSeed) })),
          deployments: setup.deployments.map((d) => ({ ...d }))
        }]
      })
    })

    const R = "/repositories/:workspace/:repo_slug"
    return {
      snapshot,
      routes: [
        {
          path: `${R}/deployments`,
          GET: (ctx, p) => {
            const repo = core.repositoryFor(ctx, p)
            return page(ctx, setupOf(repo).deployments.map((d) => deploymentJson(repo, d)))
          }
        },
        {
          path: `${R}/deployments/:deployment_uuid`,
          GET: (ctx, p) => {
            const repo = core.repositoryFor(ctx, p)
            const d = setupOf(repo).deployments.find((x) => bareUuid(x.uuid) === bareUuid(p.deployment_uuid!))
            if (d === undefined) throw new HttpError(404, `Deployment ${p.deployment_uuid} not found`)
            return ok(ctx, deploymentJson(repo, d))
          }
        },
        {
          path: `${R}/environments`,
          GET: (ctx, p) => page(ctx, [...setupOf(core.repositoryFor(ctx, p)).environments].sort(byTypeAndRank).map(environmentJson)),
          POST: createEnvironment
        },
        {
          path: `${R}/environments/:environment_uuid`,
          GET: (ctx, p) => ok(ctx, environmentJson(findEnvironment(setupOf(core.repositoryFor(ctx, p)), p.environment_uuid!))),
          DELETE: deleteEnvironment
        },
        { path: `${R}/deployments_config/environments/:environment_uuid/variables`, GET: variables.list, POST: variables.create },
        { path: `${R}/deployments_config/environments/:environment_uuid/variables/:variable_uuid`, PUT: variables.update, DELETE: variables.remove }
      ]
    }
  }
}

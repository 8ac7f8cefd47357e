/**
 * Pipelines variables of repositories and workspaces: `GET|POST R/pipelines_config/variables`,
 * `GET|PUT|DELETE R/pipelines_config/variables/{variable_uuid}`, and the same under
 * `/workspaces/{workspace}/pipelines-config/variables` (the deprecated `/teams` and `/users` paths
 * are not served). What a variable may be is in `../variables.ts`.
 *
 * - A repository's variables, reads included, need admin access to it (401 for the anonymous, 403
 *   otherwise, after the usual 404 of a hidden repository); a workspace's need its ownership.
 * - Variables are part of `FakeBitbucket.snapshot` (`pipelineVariables`), secured values included.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedPipelineVariable } from "../seed.js"
import { fromSeed, listIn, toSeed, variableHandlers, type VariableScope, type VariableState } from "../variables.js"

type Params = Readonly<Record<string, string>>

export const pipelineVariables: RouteModule = {
  name: "pipelineVariables",
  make: (core) => {
    const { seg } = core
    // By repository uuid and workspace uuid: a repository deleted and made again starts without any.
    const byRepository = new Map<string, Array<VariableState>>()
    const byWorkspace = new Map<string, Array<VariableState>>()
    for (const v of core.seed.pipelineVariables ?? []) {
      const repo = v.repository === undefined ? undefined : core.repositoryNamed(v.repository)
      const ws = v.repository === undefined ? core.findWorkspace(v.workspace ?? "") : undefined
      const owner = repo?.uuid ?? ws?.uuid
      if (owner === undefined) throw new Error(`FakeBitbucket seed: variable ${v.key} names no known repository or workspace`)
      listIn(repo !== undefined ? byRepository : byWorkspace, owner).push(fromSeed(owner, v))
    }

    const repositoryScope = (ctx: Ctx, p: Params): VariableScope => {
      const repo = core.repositoryFor(ctx, p, "admin")
      return {
        variables: listIn(byRepository, repo.uuid),
        path: `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/pipelines_config/variables`,
        type: "pipeline_variable"
      }
    }

    const workspaceScope = (ctx: Ctx, p: Params): VariableScope => {
      const ws = core.getAdministeredWorkspace(ctx, p.workspace!, "the workspace's Pipelines variables")
      return { variables: listIn(byWorkspace, ws.uuid), path: `/workspaces/${seg(ws.slug)}/pipelines-config/variables`, type: "pipeline_variable" }
    }

    const snapshot = () => {
      const out: Array<SeedPipelineVariable> = []
      for (const repo of core.store.repositories) {
        for (const v of byRepository.get(repo.uuid) ?? []) out.push({ repository: core.fullName(repo), ...toSeed(v) })
      }
      for (const ws of core.store.workspaces) {
        for (const v of byWorkspace.get(ws.uuid) ?? []) out.push({ workspace: ws.slug, ...toSeed(v) })
      }
      return { pipelineVariables: out }
    }

    const repository = variableHandlers(core, repositoryScope)
    const workspace = variableHandlers(core, workspaceScope)
    const R = "/repositories/:workspace/:repo_slug/pipelines_config/variables"
    const W = "/workspaces/:workspace/pipelines-config/variables"
    return {
      snapshot,
      routes: [
        { path: R, GET: repository.list, POST: repository.create },
        { path: `${R}/:variable_uuid`, GET: repository.get, PUT: repository.update, DELETE: repository.remove },
        { path: W, GET: workspace.list, POST: workspace.create },
        { path: `${W}/:variable_uuid`, GET: workspace.get, PUT: workspace.update, DELETE: workspace.remove }
      ]
    }
  }
}

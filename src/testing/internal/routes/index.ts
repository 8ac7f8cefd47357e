/**
 * Every route module of the fake. To add endpoints, write `routes/<area>.ts` exporting a
 * `RouteModule` and add it to this list (one line); nothing else needs to change.
 *
 * @internal
 */
import type { RouteModule } from "../router.js"
import { branchingModel } from "./branchingModel.js"
import { branchRestrictions } from "./branchRestrictions.js"
import { commits } from "./commits.js"
import { defaultReviewers } from "./defaultReviewers.js"
import { deployKeys } from "./deployKeys.js"
import { deployments } from "./deployments.js"
import { downloads } from "./downloads.js"
import { issues } from "./issues.js"
import { permissions } from "./permissions.js"
import { pipelineVariables } from "./pipelineVariables.js"
import { pipelines } from "./pipelines.js"
import { pipelinesConfig } from "./pipelinesConfig.js"
import { pipelinesOidc } from "./pipelinesOidc.js"
import { properties } from "./properties.js"
import { pullRequests } from "./pullrequests.js"
import { refs } from "./refs.js"
import { removed } from "./removed.js"
import { reports } from "./reports.js"
import { repositories } from "./repositories.js"
import { search } from "./search.js"
import { snippets } from "./snippets.js"
import { source } from "./source.js"
import { sshKeys } from "./sshKeys.js"
import { statuses } from "./statuses.js"
import { users } from "./users.js"
import { webhooks } from "./webhooks.js"
import { workspaces } from "./workspaces.js"

export const routeModules: ReadonlyArray<RouteModule> = [
  removed,
  users,
  workspaces,
  repositories,
  refs,
  commits,
  source,
  statuses,
  reports,
  pullRequests,
  snippets,
  search,
  webhooks,
  deployKeys,
  sshKeys,
  defaultReviewers,
  downloads,
  permissions,
  pipelines,
  pipelinesConfig,
  pipelinesOidc,
  branchRestrictions,
  pipelineVariables,
  deployments,
  branchingModel,
  issues,
  properties
]

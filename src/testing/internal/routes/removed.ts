/**
 * Endpoints Bitbucket removed: they answer 410 Gone naming the change notice (CHANGE-2770), or,
 * for the teams endpoints, pointing at workspaces.
 *
 * @internal
 */
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"

export const removed: RouteModule = {
  name: "removed",
  make: (core) => {
    const gone = () => {
      throw core.gone()
    }
    const all = { GET: gone, POST: gone, PUT: gone, DELETE: gone, PATCH: gone }
    // Teams went earlier, under their own deprecation (teams became workspaces), not CHANGE-2770.
    const teamsGone = () => {
      throw new HttpError(410, "The /2.0/teams endpoints were removed: teams are workspaces now.", "Use /2.0/workspaces/{workspace} instead.")
    }
    const teams = { GET: teamsGone, POST: teamsGone, PUT: teamsGone, DELETE: teamsGone, PATCH: teamsGone }
    return {
      routes: [
        { path: "/teams/*rest", ...teams },
        { path: "/user/permissions/*rest", ...all },
        { path: "/repositories", ...all },
        { path: "/workspaces", ...all }
      ]
    }
  }
}

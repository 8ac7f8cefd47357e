/**
 * Endpoints Bitbucket removed: they answer 410 Gone naming the change notice (CHANGE-2770).
 *
 * @internal
 */
import type { RouteModule } from "../router.js"

export const removed: RouteModule = {
  name: "removed",
  make: (core) => {
    const gone = () => {
      throw core.gone()
    }
    const all = { GET: gone, POST: gone, PUT: gone, DELETE: gone, PATCH: gone }
    return {
      routes: [
        { path: "/teams/*rest", ...all },
        { path: "/user/permissions/*rest", ...all },
        { path: "/repositories", ...all },
        { path: "/workspaces", ...all }
      ]
    }
  }
}

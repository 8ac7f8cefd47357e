/**
 * OAuth and access-token scopes: which scope each endpoint the fake serves needs (as the API's
 * specification lists them), and which scopes a granted one implies. A principal with scopes
 * (an access token, an OAuth token) that lacks the one a request needs gets 403, as on
 * Bitbucket; credentials without scopes (API tokens) are not limited by them.
 *
 * @internal
 */

/**
 * The scopes a request needs, all of them (most need one; deploy keys need `repository` and
 * `repository:admin`, which does not imply it; an issue's vote and watch an account scope too), or none when none applies (or the fake does not
 * know the path).
 */
export const requiredScopes = (method: string, segments: ReadonlyArray<string>): ReadonlyArray<string> => {
  // Votes and watches are the caller's own, so the spec asks an account scope of them as well:
  // `account` and `issue` to read, `account:write` and `issue` to vote or watch, and
  // `account:write` and `issue:write` to withdraw.
  if (segments[0] === "repositories" && segments[3] === "issues" && (segments[5] === "vote" || segments[5] === "watch") && segments.length === 6) {
    return method === "GET" || method === "HEAD" ? ["account", "issue"] : method === "PUT" ? ["account:write", "issue"] : ["account:write", "issue:write"]
  }
  const scope = requiredScope(method, segments)
  if (scope === undefined) return []
  return scope === "repository:admin" && segments[3] === "deploy-keys" ? ["repository", "repository:admin"] : [scope]
}

const requiredScope = (method: string, segments: ReadonlyArray<string>): string | undefined => {
  const read = method === "GET" || method === "HEAD"
  const [top, a, b, area, , sub] = segments
  if (top === "snippets") {
    // Comments on a snippet need only the read scope, whatever the method.
    return read || segments.includes("comments") ? "snippet" : "snippet:write"
  }
  if (top === "workspaces" && b === "hooks") return "webhook"
  if (top === "workspaces" && b === "search") return "repository"
  if (top === "workspaces" && b === "pullrequests") return "pullrequest"
  if (top === "workspaces" && b === "projects" && (segments[4] === "deploy-keys" || segments[4] === "permissions-config" || segments[4] === "default-reviewers")) {
    return "project:admin"
  }
  // A project's branching model, settings or not, takes `project:admin`, as the spec has it.
  if (top === "workspaces" && b === "projects" && segments[4] === "branching-model") return "project:admin"
  // The OIDC discovery documents are public (a cloud provider reads them without credentials): no
  // scope, and the spec names none (a guess; see routes/pipelinesOidc.ts).
  if (top === "workspaces" && b === "pipelines-config" && area === "identity") return undefined
  // Pipelines variables, as the spec has them: reading takes `pipeline`, changing `pipeline:variable`.
  if (top === "workspaces" && b === "pipelines-config") return read ? "pipeline" : "pipeline:variable"
  if (top === "user") return a === "emails" ? "email" : "account"
  if (top === "users" && b === "ssh-keys") return read ? "account" : "account:write"
  // Application properties: the spec names no scope; the subject's read and write scopes (a guess).
  if (top === "users" && b === "properties") return read ? "account" : "account:write"
  // One repository's permissions take `repository`, as the spec has it; the rest `account`.
  if (top === "workspaces" && b === "permissions" && segments[3] === "repositories" && segments[4] !== undefined) return "repository"
  if (top === "workspaces" && (b === "members" || b === "permissions")) return "account"
  if (top !== "repositories" || a === undefined) return top === "repositories" ? "repository" : undefined
  if (b === undefined) return "repository"
  switch (area) {
    case undefined:
      return read ? "repository" : method === "DELETE" ? "repository:delete" : "repository:admin"
    case "hooks":
      return "webhook"
    case "branching-model":
      return segments[4] === "settings" ? "repository:admin" : "repository"
    case "override-settings":
      return "repository:admin"
    case "properties":
      return read ? "repository" : "repository:write"
    case "branch-restrictions":
    case "deploy-keys":
    case "permissions-config":
      return "repository:admin"
    case "pullrequests":
      // A pull request's properties (named by the app: `comments` may be one) read and write.
      if (segments[5] === "properties") return read ? "pullrequest" : "pullrequest:write"
      // Comments and tasks need only the read scope; creating, updating and the state changes write.
      return read || segments.includes("comments") || segments.includes("tasks") ? "pullrequest" : "pullrequest:write"
    case "default-reviewers":
      return read ? "pullrequest" : "repository:admin"
    case "effective-default-reviewers":
      return "pullrequest"
    case "pipelines":
      // As the spec has it: starting a pipeline needs only `pipeline`, stopping one `pipeline:write`.
      return segments.includes("stopPipeline") ? "pipeline:write" : "pipeline"
    case "pipelines_config":
      // As the spec has them: the settings themselves take `repository:admin`, schedules
      // `pipeline:write` to change, the build number, SSH and variables `pipeline:variable`.
      if (segments[4] === undefined) return "repository:admin"
      if (segments[4] === "schedules") return read ? "pipeline" : "pipeline:write"
      return read ? "pipeline" : "pipeline:variable"
    case "pipelines-config":
      // Caches: `pipeline` to read, `pipeline:write` to delete.
      return read ? "pipeline" : "pipeline:write"
    case "deployments_config":
      return read ? "pipeline" : "pipeline:variable"
    case "environments":
    case "deployments":
      // The spec asks only `pipeline` of environments, creating and deleting them included.
      return "pipeline"
    case "issues":
      // As the spec has it: reads take `issue`, every write `issue:write` (votes and watches above).
      return read ? "issue" : "issue:write"
    case "components":
    case "milestones":
    case "versions":
      return "issue"
    case "refs":
    case "src":
    case "downloads":
      return read ? "repository" : "repository:write"
    case "forks":
      return read ? "repository" : "repository:write"
    case "commit":
      // Approving a commit writes; its comments, statuses and reports need only the read scope.
      if (sub === "properties") return read ? "repository" : "repository:write"
      return sub === "approve" ? "repository:write" : segments[5] === "pullrequests" ? "pullrequest" : "repository"
    default:
      return "repository"
  }
}

/** What a granted scope brings with it (Bitbucket's scopes are not a plain hierarchy). */
const implied: Readonly<Record<string, ReadonlyArray<string>>> = {
  "repository:write": ["repository"],
  "pullrequest": ["repository"],
  "pullrequest:write": ["pullrequest", "repository", "repository:write"],
  "snippet:write": ["snippet"],
  "account:write": ["account"],
  "issue:write": ["issue"],
  "pipeline:write": ["pipeline"],
  "pipeline:variable": ["pipeline", "pipeline:write"],
  "project:admin": ["project"],
  "wiki:write": ["wiki"]
}

/** Does a set of granted scopes cover the required one? */
export const grants = (granted: ReadonlyArray<string>, required: string): boolean =>
  granted.some((scope) => scope === required || (implied[scope] ?? []).includes(required))

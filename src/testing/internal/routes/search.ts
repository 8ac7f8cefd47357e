/**
 * Code search: `GET /workspaces/{workspace}/search/code?search_query=...`, over the main branch of
 * every repository of the workspace the caller can read.
 *
 * The query: words and `"quoted phrases"`, all of which must occur (case-insensitively) in a
 * file's text or path; `NOT word` excludes files with it; `repo:`, `path:` (a path prefix or a
 * segment), `ext:` and `lang:` (the repository's language) filter. `AND` is implied; `OR` and
 * parentheses are not understood (they are searched as words). Each result has the file
 * (`commit` and its `repository` when `fields` asks for them: `+values.file.commit.repository`),
 * its path in segments, and its matching lines with one line of context on each side.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository } from "../seed.js"
import { isBinary } from "./source.js"

type Params = Readonly<Record<string, string>>

interface Query {
  readonly terms: ReadonlyArray<string>
  readonly excluded: ReadonlyArray<string>
  readonly filters: ReadonlyArray<readonly [string, string]>
}

const FILTERS = new Set(["repo", "path", "ext", "lang"])

const parseQuery = (text: string): Query => {
  const terms: Array<string> = []
  const excluded: Array<string> = []
  const filters: Array<readonly [string, string]> = []
  let negate = false
  for (const [, quoted, word] of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const token = quoted ?? word!
    if (quoted === undefined && token === "AND") continue
    if (quoted === undefined && token === "NOT") {
      negate = true
      continue
    }
    const filter = quoted === undefined ? /^([a-z]+):(.+)$/.exec(token) : null
    if (filter !== null && FILTERS.has(filter[1]!)) filters.push([filter[1]!, filter[2]!.toLowerCase()])
    else if (token !== "") (negate ? excluded : terms).push(token.toLowerCase())
    negate = false
  }
  return { terms, excluded, filters }
}

interface Segment {
  readonly text: string
  readonly match?: true
}

/** `text` cut into segments at every occurrence of a term (case-insensitive), matches marked. */
const segments = (text: string, terms: ReadonlyArray<string>): Array<Segment> => {
  const lower = text.toLowerCase()
  const marked = new Array<boolean>(text.length).fill(false)
  for (const term of terms) {
    for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + 1)) marked.fill(true, at, at + term.length)
  }
  const out: Array<Segment> = []
  let start = 0
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      out.push(marked[start] ? { text: text.slice(start, i), match: true } : { text: text.slice(start, i) })
      start = i
    }
  }
  return out
}

const occurrences = (text: string, term: string) => {
  let count = 0
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) count++
  return count
}

/** Blocks of consecutive lines: each line holding a term, with one line on each side. */
const contentMatches = (content: string, terms: ReadonlyArray<string>) => {
  const lines = content.split("\n")
  if (lines[lines.length - 1] === "") lines.pop()
  const shown = new Set<number>()
  lines.forEach((line, i) => {
    const lower = line.toLowerCase()
    if (terms.some((term) => lower.includes(term))) for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < lines.length) shown.add(j)
  })
  const blocks: Array<{ lines: Array<{ line: number; segments: Array<Segment> }> }> = []
  let previous = -2
  for (const i of [...shown].sort((a, b) => a - b)) {
    if (i !== previous + 1) blocks.push({ lines: [] })
    blocks[blocks.length - 1]!.lines.push({ line: i + 1, segments: lines[i] === "" ? [] : segments(lines[i]!, terms) })
    previous = i
  }
  return blocks
}

const extensionOf = (path: string) => {
  const name = path.slice(path.lastIndexOf("/") + 1)
  const dot = name.lastIndexOf(".")
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase()
}

const passes = (query: Query, repo: SeedRepository, path: string): boolean =>
  query.filters.every(([name, value]) => {
    switch (name) {
      case "repo":
        return repo.slug.toLowerCase() === value || repo.name.toLowerCase() === value
      case "path":
        return path.toLowerCase().startsWith(value.replace(/^\/+/, "")) || path.toLowerCase().split("/").includes(value)
      case "ext":
        return extensionOf(path) === value.replace(/^\./, "")
      default:
        return (repo.language ?? "").toLowerCase() === value
    }
  })

export const search: RouteModule = {
  name: "search",
  make: (core) => {
    const { page, param, git, href } = core

    const searchCode = (ctx: Ctx, p: Params) => {
      core.requireAuth(ctx)
      const ws = core.findWorkspace(p.workspace!)
      if (ws === undefined) throw new HttpError(404, `Workspace ${p.workspace} not found`)
      const query = parseQuery(param(ctx, "search_query") ?? "")
      if (query.terms.length === 0) {
        throw new HttpError(400, "Search query is empty", "Give at least one word to search for.")
      }
      const withCommit = core.fieldRequested(ctx, "values.file.commit")
      const withRepository = core.fieldRequested(ctx, "values.file.commit.repository")
      const results: Array<unknown> = []
      const repositories = core.store.repositories
        .filter((repo) => repo.workspace === ws.slug && core.canRead(ctx.principal, repo))
        .sort((a, b) => a.slug.localeCompare(b.slug))
      for (const repo of repositories) {
        const d = git.data(repo)
        const head = d.git.branches.get(repo.mainbranch === undefined ? "main" : repo.mainbranch ?? "")
        if (head === undefined) continue
        for (const [path, content] of [...d.git.tree(head)].sort(([a], [b]) => a.localeCompare(b))) {
          if (!passes(query, repo, path) || isBinary(d.git.fileBytes(head, path) ?? new Uint8Array(0))) continue
          const text = content.toLowerCase()
          const where = path.toLowerCase()
          if (!query.terms.every((term) => text.includes(term) || where.includes(term))) continue
          if (query.excluded.some((term) => text.includes(term) || where.includes(term))) continue
          const commit = withCommit ? { commit: { ...git.commitRef(repo, head), ...(withRepository ? { repository: core.repoSummary(repo) } : {}) } } : {}
          results.push({
            type: "code_search_result",
            content_match_count: query.terms.reduce((sum, term) => sum + occurrences(text, term), 0),
            content_matches: contentMatches(content, query.terms),
            path_matches: segments(path, query.terms),
            file: {
              type: "commit_file",
              path,
              links: { self: href(`${git.repoPath(repo)}/src/${head}/${path.split("/").map(core.seg).join("/")}`) },
              ...commit
            }
          })
        }
      }
      return page(ctx, results)
    }

    return { routes: [{ path: "/workspaces/:workspace/search/code", GET: searchCode }] }
  }
}

/**
 * Code search: `GET /workspaces/{workspace}/search/code?search_query=...`, over the main branch of
 * every repository of the workspace the caller can read (a workspace it cannot see is hidden as
 * everywhere else).
 *
 * The query, as Bitbucket's search box reads it: words and `"quoted phrases"`, matched as whole
 * words, case-insensitively, in a file's text or path (a phrase's words may be separated by any
 * punctuation or whitespace); terms side by side (or with `AND`) must all match; `OR` between
 * groups of terms matches either; `NOT` excludes the term or filter after it. Filters: `repo:`
 * (slug or name), `path:` (a directory or file path, by whole segments), `ext:` and `lang:` (by
 * the file's extension). Parentheses are not understood: such a query is 400, so a test cannot
 * silently rely on them. Each result has the file (`commit` and its `repository` when `fields`
 * asks for them: `+values.file.commit.repository`), its path in segments, and its matching lines
 * with one line of context on each side.
 *
 * @internal
 */
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository } from "../seed.js"
import { isBinary } from "./source.js"

type Params = Readonly<Record<string, string>>

/** A term as a whole-word, case-insensitive pattern; a phrase's words may be apart by any non-word text. */
const termPattern = (term: string) =>
  `(?<![\\p{L}\\p{N}_])${term.split(/[^\p{L}\p{N}_]+/u).filter((w) => w !== "").join("[^\\p{L}\\p{N}_]+")}(?![\\p{L}\\p{N}_])`

interface Filter {
  readonly name: string
  readonly value: string
  readonly negated: boolean
}

/** Terms that must all match, as patterns (one group of an `OR`). */
interface Group {
  readonly terms: ReadonlyArray<RegExp>
}

interface Query {
  readonly groups: ReadonlyArray<Group>
  readonly excluded: ReadonlyArray<RegExp>
  readonly filters: ReadonlyArray<Filter>
}

const FILTERS = new Set(["repo", "path", "ext", "lang"])

const parseQuery = (text: string): Query => {
  if (/[()]/.test(text.replace(/"[^"]*"/g, ""))) {
    throw new HttpError(400, "Unsupported search query", "The fake's search does not understand parentheses.")
  }
  const groups: Array<Array<RegExp>> = [[]]
  const excluded: Array<RegExp> = []
  const filters: Array<Filter> = []
  let negated = false
  for (const [, quoted, word] of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const token = quoted ?? word!
    if (quoted === undefined && token === "AND") continue
    if (quoted === undefined && token === "OR") {
      groups.push([])
      continue
    }
    if (quoted === undefined && token === "NOT") {
      negated = true
      continue
    }
    const filter = quoted === undefined ? /^([a-z]+):(.+)$/.exec(token) : null
    if (filter !== null && FILTERS.has(filter[1]!)) filters.push({ name: filter[1]!, value: filter[2]!.toLowerCase(), negated })
    else if (/[\p{L}\p{N}_]/u.test(token)) (negated ? excluded : groups[groups.length - 1]!).push(new RegExp(termPattern(token), "giu"))
    negated = false
  }
  return { groups: groups.filter((g) => g.length > 0).map((terms) => ({ terms })), excluded, filters }
}

interface Segment {
  readonly text: string
  readonly match?: true
}

/** Where the terms match in `text`: [start, end) ranges. */
const ranges = (text: string, terms: ReadonlyArray<RegExp>): Array<readonly [number, number]> => {
  const out: Array<readonly [number, number]> = []
  for (const term of terms) {
    for (const m of text.matchAll(term)) out.push([m.index, m.index + m[0].length])
  }
  return out
}

/** `text` cut into segments at every match of a term, matches marked. */
const segments = (text: string, terms: ReadonlyArray<RegExp>): Array<Segment> => {
  const marked = new Array<boolean>(text.length).fill(false)
  for (const [from, to] of ranges(text, terms)) marked.fill(true, from, to)
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

/** Blocks of consecutive lines: each line holding a term, with one line on each side. */
const contentMatches = (content: string, terms: ReadonlyArray<RegExp>) => {
  const lines = content.split(/\r?\n/)
  if (lines[lines.length - 1] === "") lines.pop()
  const shown = new Set<number>()
  lines.forEach((line, i) => {
    if (ranges(line, terms).length > 0) for (const j of [i - 1, i, i + 1]) if (j >= 0 && j < lines.length) shown.add(j)
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

/** `lang:` by the file's extension, for the languages the fake knows. */
const LANGUAGES: Readonly<Record<string, ReadonlyArray<string>>> = {
  typescript: ["ts", "tsx", "mts", "cts"],
  javascript: ["js", "jsx", "mjs", "cjs"],
  python: ["py"],
  java: ["java"],
  kotlin: ["kt", "kts"],
  go: ["go"],
  rust: ["rs"],
  ruby: ["rb"],
  c: ["c", "h"],
  "c++": ["cpp", "cc", "hpp"],
  "c#": ["cs"],
  shell: ["sh", "bash"],
  markdown: ["md"],
  json: ["json"],
  yaml: ["yml", "yaml"],
  html: ["html", "htm"],
  css: ["css"],
  sql: ["sql"]
}

const passesFilter = ({ name, value }: Filter, repo: SeedRepository, path: string): boolean => {
  switch (name) {
    case "repo":
      return repo.slug.toLowerCase() === value || repo.name.toLowerCase() === value
    case "path": {
      const wanted = value.replace(/^\/+|\/+$/g, "")
      return `/${path.toLowerCase()}/`.includes(`/${wanted}/`)
    }
    case "ext":
      return extensionOf(path) === value.replace(/^\./, "")
    default:
      return (LANGUAGES[value] ?? []).includes(extensionOf(path))
  }
}

const passes = (query: Query, repo: SeedRepository, path: string): boolean =>
  query.filters.every((filter) => passesFilter(filter, repo, path) !== filter.negated)

const found = (term: RegExp, ...texts: ReadonlyArray<string>) => texts.some((text) => ranges(text, [term]).length > 0)

export const search: RouteModule = {
  name: "search",
  make: (core) => {
    const { page, param, git, href } = core

    const searchCode = (ctx: Ctx, p: Params) => {
      core.requireAuth(ctx)
      const ws = core.getWorkspaceOr(ctx, p.workspace!)
      const query = parseQuery(param(ctx, "search_query") ?? "")
      if (query.groups.length === 0) throw new HttpError(400, "Search query is empty", "Give at least one word to search for.")
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
          const group = query.groups.find((g) => g.terms.every((term) => found(term, content, path)))
          if (group === undefined || query.excluded.some((term) => found(term, content, path))) continue
          const terms = query.groups.flatMap((g) => g.terms)
          const commit = withCommit ? { commit: { ...git.commitRef(repo, head), ...(withRepository ? { repository: core.repoSummary(repo) } : {}) } } : {}
          results.push({
            type: "code_search_result",
            content_match_count: ranges(content, terms).length,
            content_matches: contentMatches(content, terms),
            path_matches: segments(path, terms),
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

/**
 * A tiny model of a git repository for the fake Bitbucket: a commit graph whose commits set or
 * delete whole files, branches, tags, revision resolution, `git log`-style walks, merge bases,
 * trees, unified diffs, diffstats and patches.
 *
 * @internal
 */
import { createHash } from "node:crypto"

/**
 * What a file can be besides a regular file: an executable, or a symbolic link (its content is the
 * target). The fake's one list of them (POST src, seeds, squash merges); the client's is
 * `Source.FileToCommit`'s `attributes`.
 */
export const FILE_ATTRIBUTES = ["executable", "link"] as const

export type FileAttribute = (typeof FILE_ATTRIBUTES)[number]

export const isFileAttribute = (value: string): value is FileAttribute => (FILE_ATTRIBUTES as ReadonlyArray<string>).includes(value)

/** A commit of the model. `files` maps a path to its new content, or `null` when deleted. */
export interface GitCommit {
  readonly hash: string
  readonly message: string
  /** `Name <email>`, git's author line. */
  readonly author: string
  /** uuid of the Bitbucket user the author line maps to, if any. */
  readonly authorUser?: string
  readonly date: string
  readonly parents: ReadonlyArray<string>
  readonly files: Readonly<Record<string, string | null>>
  /** The exact bytes of files in `files` that are not UTF-8 text (there as the bytes decoded). */
  readonly bytes?: Readonly<Record<string, Uint8Array>>
  /** The attribute of files in `files` that are not regular files; a file set without one is regular. */
  readonly attributes?: Readonly<Record<string, FileAttribute>>
}

/** An annotated (or lightweight) tag. */
export interface GitTag {
  readonly name: string
  readonly target: string
  readonly message?: string
  readonly date?: string
  readonly tagger?: string
  readonly taggerUser?: string
}

/** A file of a tree: its text, its exact bytes when they are not UTF-8 text, and its attribute. */
export interface TreeFile {
  readonly text: string
  readonly bytes?: Uint8Array
  readonly attribute?: FileAttribute
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]))

/** Whether two tree files are the same file: text, bytes and attribute. */
export const sameFile = (a: TreeFile | undefined, b: TreeFile | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.text === b.text && a.attribute === b.attribute && sameBytes(a.bytes, b.bytes))

/** A file's mode as git writes it: a regular file, an executable, a symbolic link. */
export type FileMode = "100644" | "100755" | "120000"

export const fileMode = (attribute: FileAttribute | undefined): FileMode =>
  attribute === "executable" ? "100755" : attribute === "link" ? "120000" : "100644"

/**
 * What a commit sets a path to: the file (with its bytes when they are not UTF-8 text, and its
 * attribute), `null` when the commit deletes it, `undefined` when the commit leaves it alone.
 */
export const setBy = (c: GitCommit, path: string): TreeFile | null | undefined => {
  if (!Object.hasOwn(c.files, path)) return undefined
  const text = c.files[path]
  if (text === null || text === undefined) return null
  const bytes = c.bytes !== undefined && Object.hasOwn(c.bytes, path) ? c.bytes[path] : undefined
  const attribute = c.attributes !== undefined && Object.hasOwn(c.attributes, path) ? c.attributes[path] : undefined
  return { text, ...(bytes !== undefined ? { bytes } : {}), ...(attribute !== undefined ? { attribute } : {}) }
}

/**
 * One changed file between two trees. A change of mode alone (a file made executable) is a
 * `modified` change with no lines added or removed, as git lists it.
 */
export interface FileChange {
  readonly status: "added" | "removed" | "modified"
  readonly path: string
  readonly oldContent: string | null
  readonly newContent: string | null
  /** The file's mode on each side (`null` where the side has no file). */
  readonly oldMode: FileMode | null
  readonly newMode: FileMode | null
  readonly linesAdded: number
  readonly linesRemoved: number
  readonly hunks: string
}

export const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex")

/** A mutable git repository. */
export class GitRepo {
  readonly commits = new Map<string, GitCommit>()
  readonly branches = new Map<string, string>()
  readonly tags = new Map<string, GitTag>()

  addCommit(commit: GitCommit): GitCommit {
    this.commits.set(commit.hash, commit)
    return commit
  }

  /** Copies everything (for forks). */
  copy(): GitRepo {
    const out = new GitRepo()
    for (const [k, v] of this.commits) out.commits.set(k, v)
    for (const [k, v] of this.branches) out.branches.set(k, v)
    for (const [k, v] of this.tags) out.tags.set(k, v)
    return out
  }

  /** A commit by full hash or unique prefix (4+ characters). */
  commit(hashOrPrefix: string): GitCommit | undefined {
    const exact = this.commits.get(hashOrPrefix)
    if (exact !== undefined) return exact
    if (!/^[0-9a-f]{4,39}$/.test(hashOrPrefix)) return undefined
    const matches = [...this.commits.values()].filter((c) => c.hash.startsWith(hashOrPrefix))
    return matches.length === 1 ? matches[0] : undefined
  }

  /** A branch name, a tag name, a full hash or a unique hash prefix. */
  resolve(revision: string): GitCommit | undefined {
    const branch = this.branches.get(revision)
    if (branch !== undefined) return this.commits.get(branch)
    const tag = this.tags.get(revision)
    if (tag !== undefined) return this.commits.get(tag.target)
    return this.commit(revision)
  }

  /** Every commit reachable from `hashes` (inclusive). */
  reachable(hashes: Iterable<string>): Set<string> {
    const seen = new Set<string>()
    const stack = [...hashes]
    while (stack.length > 0) {
      const h = stack.pop()!
      if (seen.has(h)) continue
      const c = this.commits.get(h)
      if (c === undefined) continue
      seen.add(h)
      stack.push(...c.parents)
    }
    return seen
  }

  /** `git log include ^exclude`, newest first (by date, then topologically). */
  log(include: ReadonlyArray<string>, exclude: ReadonlyArray<string>): Array<GitCommit> {
    const excluded = this.reachable(exclude)
    const included = [...this.reachable(include)].filter((h) => !excluded.has(h))
    const order = this.topoIndex()
    return included
      .map((h) => this.commits.get(h)!)
      .sort((a, b) => a.date < b.date ? 1 : a.date > b.date ? -1 : (order.get(b.hash) ?? 0) - (order.get(a.hash) ?? 0))
  }

  /** Position of every commit in a parents-first order. */
  private topoIndex(): Map<string, number> {
    const index = new Map<string, number>()
    const visit = (h: string) => {
      if (index.has(h)) return
      const c = this.commits.get(h)
      if (c === undefined) return
      index.set(h, -1)
      for (const p of c.parents) visit(p)
      index.set(h, index.size)
    }
    for (const h of this.commits.keys()) visit(h)
    return index
  }

  /** The best common ancestor of two commits (the newest common one). */
  mergeBase(a: string, b: string): GitCommit | undefined {
    const ra = this.reachable([a])
    const common = [...this.reachable([b])].filter((h) => ra.has(h)).map((h) => this.commits.get(h)!)
    // Drop common ancestors that are ancestors of another common ancestor.
    const best = common.filter((c) => !common.some((o) => o !== c && this.reachable(o.parents).has(c.hash)))
    return best.sort((x, y) => (x.date < y.date ? 1 : x.date > y.date ? -1 : 0))[0]
  }

  isAncestor(ancestor: string, of: string): boolean {
    return this.reachable([of]).has(ancestor)
  }

  /** The commits whose changes make up a commit's tree, parents first. */
  private ancestry(hash: string): Array<GitCommit> {
    const order: Array<GitCommit> = []
    const seen = new Set<string>()
    const visit = (h: string) => {
      if (seen.has(h)) return
      seen.add(h)
      const c = this.commits.get(h)
      if (c === undefined) return
      for (const p of c.parents) visit(p)
      order.push(c)
    }
    visit(hash)
    return order
  }

  /** The file tree at a commit: every ancestor's changes applied parents first. */
  tree(hash: string): Map<string, string> {
    const tree = new Map<string, string>()
    for (const c of this.ancestry(hash)) {
      for (const [path, content] of Object.entries(c.files)) {
        if (content === null) tree.delete(path)
        else tree.set(path, content)
      }
    }
    return tree
  }

  /** The files of the tree at a commit, each with its bytes (when not UTF-8 text) and attribute, in one walk. */
  treeFiles(hash: string): Map<string, TreeFile> {
    const tree = new Map<string, TreeFile>()
    for (const c of this.ancestry(hash)) {
      for (const path of Object.keys(c.files)) {
        const file = setBy(c, path)
        if (file === null || file === undefined) tree.delete(path)
        else tree.set(path, file)
      }
    }
    return tree
  }

  /** A file's bytes at a commit: as committed when they were bytes, else its text as UTF-8. */
  fileBytes(hash: string, path: string): Uint8Array | undefined {
    let bytes: Uint8Array | undefined
    for (const c of this.ancestry(hash)) {
      if (!Object.hasOwn(c.files, path)) continue
      const content = c.files[path]
      bytes = content === null || content === undefined
        ? undefined
        : (c.bytes !== undefined && Object.hasOwn(c.bytes, path) ? c.bytes[path] : undefined) ?? new TextEncoder().encode(content)
    }
    return bytes
  }

  /** A file's attribute at a commit (`undefined` for a regular file): the one of the commit that last set it. */
  fileAttribute(hash: string, path: string): FileAttribute | undefined {
    let attribute: FileAttribute | undefined
    for (const c of this.ancestry(hash)) {
      if (!Object.hasOwn(c.files, path)) continue
      attribute = c.files[path] === null || c.attributes === undefined || !Object.hasOwn(c.attributes, path) ? undefined : c.attributes[path]
    }
    return attribute
  }

  /** Paths a commit touches. */
  touches(c: GitCommit, path: string): boolean {
    const prefix = path.replace(/\/+$/, "")
    return Object.keys(c.files).some((p) => p === prefix || p.startsWith(`${prefix}/`))
  }
}

// ---------------------------------------------------------------------------------------------
// diffs
// ---------------------------------------------------------------------------------------------

const splitLines = (s: string | null): Array<string> => {
  if (s === null || s === "") return []
  const lines = s.split("\n")
  if (lines[lines.length - 1] === "") lines.pop()
  return lines
}

type Op = { readonly kind: " " | "-" | "+"; readonly line: string }

const lineOps = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): Array<Op> => {
  const n = a.length
  const m = b.length
  const lcs: Array<Array<number>> = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const ops: Array<Op> = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i]! })
      i++
      j++
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: "-", line: a[i]! })
      i++
    } else {
      ops.push({ kind: "+", line: b[j]! })
      j++
    }
  }
  return ops
}

const hunksOf = (ops: ReadonlyArray<Op>, context: number): string => {
  const changed = ops.map((op, i) => (op.kind !== " " ? i : -1)).filter((i) => i >= 0)
  if (changed.length === 0) return ""
  // One hunk for changes at most 2 * context unchanged lines apart (as git does; with no context,
  // a line replaced is one hunk of its removal and its addition).
  const groups: Array<[number, number]> = []
  for (const i of changed) {
    const last = groups[groups.length - 1]
    if (last !== undefined && i - last[1] - 1 <= 2 * context) last[1] = i
    else groups.push([i, i])
  }
  const out: Array<string> = []
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context)
    const end = Math.min(ops.length - 1, last + context)
    let oldStart = 1
    let newStart = 1
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== "+") oldStart++
      if (ops[k]!.kind !== "-") newStart++
    }
    const slice = ops.slice(start, end + 1)
    const oldLen = slice.filter((o) => o.kind !== "+").length
    const newLen = slice.filter((o) => o.kind !== "-").length
    const range = (s: number, len: number) => `${len === 0 ? s - 1 : s}${len === 1 ? "" : `,${len}`}`
    out.push(`@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`)
    for (const o of slice) out.push(`${o.kind}${o.line}`)
  }
  return out.join("\n") + "\n"
}

/**
 * The changes from `oldTree` to `newTree`, sorted by path. A tree maps a path to its text (a
 * regular file) or to a {@link TreeFile}, whose attribute gives its mode.
 */
export const diffTrees = (
  oldTree: ReadonlyMap<string, string | TreeFile>,
  newTree: ReadonlyMap<string, string | TreeFile>,
  context = 3
): Array<FileChange> => {
  const paths = [...new Set([...oldTree.keys(), ...newTree.keys()])].sort()
  const textOf = (file: string | TreeFile | undefined) => (file === undefined ? null : typeof file === "string" ? file : file.text)
  const modeOf = (file: string | TreeFile | undefined) =>
    file === undefined ? null : fileMode(typeof file === "string" ? undefined : file.attribute)
  const out: Array<FileChange> = []
  for (const path of paths) {
    const oldContent = textOf(oldTree.get(path))
    const newContent = textOf(newTree.get(path))
    const oldMode = modeOf(oldTree.get(path))
    const newMode = modeOf(newTree.get(path))
    if (oldContent === newContent && oldMode === newMode) continue
    const ops = lineOps(splitLines(oldContent), splitLines(newContent))
    out.push({
      status: oldContent === null ? "added" : newContent === null ? "removed" : "modified",
      path,
      oldContent,
      newContent,
      oldMode,
      newMode,
      linesAdded: ops.filter((o) => o.kind === "+").length,
      linesRemoved: ops.filter((o) => o.kind === "-").length,
      hunks: hunksOf(ops, context)
    })
  }
  return out
}

const blob = (content: string | null) => (content === null ? "0000000" : sha1(`blob ${content}`).slice(0, 7))

/**
 * A `git diff`-style text for changes. As git prints them: a change of mode is `old mode` and
 * `new mode` lines (and nothing else when the content is the same); a link that becomes a file,
 * or the reverse, is the old one deleted and the new one added.
 */
export const unifiedDiff = (changes: ReadonlyArray<FileChange>): string =>
  changes.flatMap((c) => {
    const typeChange = c.oldMode !== null && c.newMode !== null && (c.oldMode === "120000") !== (c.newMode === "120000")
    if (!typeChange) return [c]
    const whole = (from: string | null, to: string | null) => hunksOf(lineOps(splitLines(from), splitLines(to)), 0)
    return [
      { ...c, status: "removed" as const, newContent: null, newMode: null, hunks: whole(c.oldContent, null) },
      { ...c, status: "added" as const, oldContent: null, oldMode: null, hunks: whole(null, c.newContent) }
    ]
  }).map((c) => {
    const lines = [`diff --git a/${c.path} b/${c.path}`]
    if (c.status === "added") lines.push(`new file mode ${c.newMode}`)
    if (c.status === "removed") lines.push(`deleted file mode ${c.oldMode}`)
    const modeChanged = c.status === "modified" && c.oldMode !== c.newMode
    if (modeChanged) lines.push(`old mode ${c.oldMode}`, `new mode ${c.newMode}`)
    if (c.oldContent !== c.newContent) {
      lines.push(`index ${blob(c.oldContent)}..${blob(c.newContent)}${c.status === "modified" && !modeChanged ? ` ${c.newMode}` : ""}`)
      lines.push(c.oldContent === null ? "--- /dev/null" : `--- a/${c.path}`)
      lines.push(c.newContent === null ? "+++ /dev/null" : `+++ b/${c.path}`)
    }
    return lines.join("\n") + "\n" + c.hunks
  }).join("")

const rfc2822 = (iso: string): string => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toUTCString().replace("GMT", "+0000")
}

/** A `git format-patch`-style text for one commit and its changes. */
export const formatPatch = (commit: GitCommit, changes: ReadonlyArray<FileChange>, index: number, total: number): string => {
  const [subject, ...body] = commit.message.replace(/\n+$/, "").split("\n")
  const stat = changes.map((c) => {
    const bar = `${"+".repeat(c.linesAdded)}${"-".repeat(c.linesRemoved)}`
    return ` ${c.path} | ${c.linesAdded + c.linesRemoved}${bar === "" ? "" : ` ${bar}`}`
  })
  const modeChanges = changes.filter((c) => c.status === "modified" && c.oldMode !== c.newMode)
    .map((c) => ` mode change ${c.oldMode} => ${c.newMode} ${c.path}`)
  const prefix = total > 1 ? `[PATCH ${index}/${total}]` : "[PATCH]"
  return [
    `From ${commit.hash} Mon Sep 17 00:00:00 2001`,
    `From: ${commit.author}`,
    `Date: ${rfc2822(commit.date)}`,
    `Subject: ${prefix} ${subject ?? ""}`,
    "",
    ...(body.length > 0 ? [...body.filter((_, i) => i > 0 || body[0] !== ""), ""] : []),
    "---",
    ...stat,
    ` ${changes.length} file${changes.length === 1 ? "" : "s"} changed, ${changes.reduce((n, c) => n + c.linesAdded, 0)} insertions(+), ${
      changes.reduce((n, c) => n + c.linesRemoved, 0)
    } deletions(-)`,
    ...modeChanges,
    "",
    unifiedDiff(changes) + "--",
    "2.43.0",
    "",
    ""
  ].join("\n")
}

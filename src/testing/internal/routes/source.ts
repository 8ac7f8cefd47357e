/**
 * A repository's files: `GET R/src` (a redirect to the root listing on the main branch),
 * `GET R/src/{commit}/{path}` (a file's bytes, its metadata with `format=meta`, or a directory's
 * listing, recursive with `max_depth`) and `POST R/src` (a commit of uploaded files, from
 * `multipart/form-data` or `application/x-www-form-urlencoded`), as the spec describes them.
 *
 * - The root's listing needs the trailing slash (`src/{commit}/`), as on Bitbucket.
 * - Entries carry the commit that was asked for (by hash, whatever named it), not the last commit
 *   to change them.
 * - A commit's `branch` and `parents` follow the spec: a new branch starts from `parents` or the
 *   main branch; an existing branch (or the main branch, without `branch`) must have `parents[0]`
 *   as its head when `parents` is given, else 409.
 * - A file part's `x-attributes` (`executable` or `link`) is kept with the file: its metadata lists
 *   it in `attributes`, and a file written without it becomes a regular file again, as the spec
 *   says. A link is stored as a file whose content is its target. Our guesses: every other value is
 *   400, as is a link with no target. Our reading of the parameter: it is `x-attributes="…"` (or
 *   unquoted), as the spec's prose writes it; the colon form of the spec's example
 *   (`x-attributes:"executable"`) is not read, and the file is a regular one, since Django, which
 *   Bitbucket parses the header with, drops a parameter without `=`. A change of attribute alone is a change of the file's mode,
 *   as in git: diffs show `old mode`/`new mode`, diffstats a `modified` file with no lines, and
 *   the file's history lists the commit.
 * - `format=rendered` is not modelled (400 for other formats).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RepoData } from "../gitStore.js"
import type { FileAttribute, TreeFile } from "../git.js"
import { FILE_ATTRIBUTES, isFileAttribute, sameFile, setBy, sha1 } from "../git.js"
import { readParts } from "../multipartParts.js"
import type { RouteModule } from "../router.js"

type Params = Readonly<Record<string, string>>

const mimetypes: Readonly<Record<string, string>> = {
  md: "text/markdown",
  txt: "text/plain",
  json: "application/json",
  yml: "application/x-yaml",
  yaml: "application/x-yaml",
  html: "text/html",
  css: "text/css",
  js: "application/javascript",
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  sh: "application/x-sh"
}

const mimetypeOf = (path: string): string | null => {
  const dot = path.lastIndexOf(".")
  return dot > path.lastIndexOf("/") ? mimetypes[path.slice(dot + 1).toLowerCase()] ?? null : null
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

export const isBinary = (bytes: Uint8Array): boolean => {
  if (bytes.includes(0)) return true
  try {
    strictUtf8.decode(bytes)
    return false
  } catch {
    return true
  }
}

/** How alike two texts are, by lines (as git's rename detection, roughly): shared lines over the longer count. */
const similarity = (a: string, b: string): number => {
  const left = a.split("\n")
  const right = b.split("\n")
  const counts = new Map<string, number>()
  for (const line of left) counts.set(line, (counts.get(line) ?? 0) + 1)
  let shared = 0
  for (const line of right) {
    const n = counts.get(line) ?? 0
    if (n > 0) {
      shared++
      counts.set(line, n - 1)
    }
  }
  return shared / Math.max(left.length, right.length)
}

/** Field names of `POST src` that are metadata, unless written with a leading `/`. */
const META = new Set(["message", "author", "parents", "files", "branch"])

interface Upload {
  readonly message?: string
  readonly author?: string
  readonly parents: Array<string>
  readonly branch?: string
  readonly files: Map<string, Uint8Array>
  /** The `x-attributes` of files in `files` that have one. */
  readonly attributes: Map<string, FileAttribute>
  readonly listed: Array<string>
}

export const source: RouteModule = {
  name: "source",
  make: (core) => {
    const { getRepository, page, ok, param, requirePermission, git, base, now, href } = core

    const repoData = (ctx: Ctx, p: Params): RepoData => {
      const { repo } = getRepository(ctx, p.workspace!, p.repo_slug!)
      return git.data(repo)
    }

    const srcPath = (d: RepoData, hash: string, path: string, directory: boolean) =>
      `${git.repoPath(d.repo)}/src/${hash}/${path === "" ? "" : path.split("/").map(core.seg).join("/")}${directory && path !== "" ? "/" : ""}`

    const fileJson = (d: RepoData, hash: string, path: string, bytes: Uint8Array) => {
      const self = srcPath(d, hash, path, false)
      const attribute = d.git.fileAttribute(hash, path)
      return {
        type: "commit_file",
        path,
        escaped_path: path,
        size: bytes.length,
        mimetype: mimetypeOf(path),
        // Where an executable's (or a link's) attribute stands beside `binary` is a guess.
        attributes: [...(attribute !== undefined ? [attribute] : []), ...(isBinary(bytes) ? ["binary"] : [])],
        commit: git.commitRef(d.repo, hash),
        links: {
          self: href(self),
          meta: href(`${self}?format=meta`),
          history: href(`${git.repoPath(d.repo)}/filehistory/${hash}/${path.split("/").map(core.seg).join("/")}`)
        }
      }
    }

    const directoryJson = (d: RepoData, hash: string, path: string) => {
      const self = srcPath(d, hash, path, true)
      return { type: "commit_directory", path, commit: git.commitRef(d.repo, hash), links: { self: href(self), meta: href(`${self}?format=meta`) } }
    }

    /** The entries of a directory (breadth first, `depth` levels), each level in git's name order. */
    const listing = (d: RepoData, hash: string, tree: ReadonlyMap<string, string>, directory: string, depth: number) => {
      const out: Array<unknown> = []
      let level = [directory]
      for (let i = 0; i < depth && level.length > 0; i++) {
        const next: Array<string> = []
        for (const dir of level) {
          const prefix = dir === "" ? "" : `${dir}/`
          const children = new Map<string, boolean>()
          for (const path of tree.keys()) {
            if (!path.startsWith(prefix)) continue
            const rest = path.slice(prefix.length)
            const slash = rest.indexOf("/")
            children.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0 || children.get(rest) === true)
          }
          // git's tree order: by name, a directory compared as `name/`.
          const key = (name: string) => (children.get(name) === true ? `${name}/` : name)
          for (const name of [...children.keys()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))) {
            const path = `${prefix}${name}`
            if (children.get(name) === true) {
              out.push(directoryJson(d, hash, path))
              next.push(path)
            } else {
              out.push(fileJson(d, hash, path, d.git.fileBytes(hash, path) ?? new Uint8Array(0)))
            }
          }
        }
        level = next
      }
      return out
    }

    const read = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const commit = git.resolve(d, p.commit!)
      const path = p.path ?? ""
      const format = param(ctx, "format")
      if (format !== undefined && format !== "" && format !== "meta") {
        throw new HttpError(400, `Unsupported format: ${format}`, "The fake serves file contents and format=meta.")
      }
      const tree = d.git.tree(commit.hash)
      if (path === "" && !ctx.url.pathname.endsWith("/")) {
        throw new HttpError(404, "No such file or directory", "Listing the root directory needs a trailing slash.")
      }
      if (path !== "" && tree.has(path)) {
        const bytes = d.git.fileBytes(commit.hash, path) ?? new Uint8Array(0)
        if (format === "meta") return ok(ctx, fileJson(d, commit.hash, path, bytes))
        return new Response(new Uint8Array(bytes), {
          status: 200,
          headers: {
            "content-type": mimetypeOf(path) ?? "application/octet-stream",
            "content-disposition": "attachment",
            "content-length": String(bytes.length)
          }
        })
      }
      const isDirectory = path === "" || [...tree.keys()].some((f) => f.startsWith(`${path}/`))
      if (!isDirectory) throw new HttpError(404, `No such file or directory: ${path}`)
      if (format === "meta") return ok(ctx, directoryJson(d, commit.hash, path))
      const depth = core.parsePositiveInt(param(ctx, "max_depth"), "max_depth", 1)
      return page(ctx, listing(d, commit.hash, tree, path, depth), ["size", "mimetype"])
    }

    /**
     * `GET R/filehistory/{commit}/{path}`: the commits that changed a file, newest first, as `git
     * log --follow` lists them: a commit counts when the file's contents or mode differ from its
     * first parent's (a deletion counts too: its entry has no size). Each entry carries its commit
     * abbreviated, as Bitbucket's do (`q` on `commit.date` still works). With `renames` (the
     * default), a file added by a commit that removed another whose lines are at least half the
     * same continues as that one.
     */
    const history = (ctx: Ctx, p: Params) => {
      const d = repoData(ctx, p)
      const start = git.resolve(d, p.commit!)
      let path = p.path ?? ""
      if (!d.git.tree(start.hash).has(path)) throw new HttpError(404, `No such file: ${path}`)
      const renames = param(ctx, "renames") !== "false"
      const namesCommit = (name: string) => /\bcommit\./.test(param(ctx, name) ?? "")
      const whole = core.fieldRequested(ctx, "values.commit") || namesCommit("q") || namesCommit("sort")
      const out: Array<unknown> = []
      for (const c of d.git.log([start.hash], [])) {
        const file = setBy(c, path)
        if (file === undefined) continue
        const before = c.parents[0] === undefined ? new Map<string, TreeFile>() : d.git.treeFiles(c.parents[0])
        // A change of mode alone (a file made executable) counts, as in `git log -- path`.
        if (file === null ? !before.has(path) : sameFile(before.get(path), file)) continue
        // Bitbucket embeds the commit abbreviated (hash and links); its fields when asked for, by
        // `fields` or a BBQL `q` on them (which the fake filters the entries by).
        const commit = whole ? git.commitJson(d, c) : git.commitRef(d.repo, c.hash)
        if (file === null) {
          out.push({ type: "commit_file", path, escaped_path: path, commit })
          continue
        }
        out.push({ ...fileJson(d, c.hash, path, d.git.fileBytes(c.hash, path) ?? new Uint8Array(0)), commit })
        if (renames && !before.has(path)) {
          const from = Object.entries(c.files)
            .filter(([old, removed]) => removed === null && before.has(old))
            .map(([old]) => [old, similarity(before.get(old)!.text, file.text)] as const)
            .filter(([, score]) => score >= 0.5)
            .sort((a, b) => b[1] - a[1])[0]
          if (from !== undefined) path = from[0]
        }
      }
      return page(ctx, out, ["size", "mimetype"])
    }

    const readUpload = (ctx: Ctx): Effect.Effect<Upload> =>
      Effect.sync(() => {
        const upload: { -readonly [K in keyof Upload]: Upload[K] } = { parents: [], files: new Map(), attributes: new Map(), listed: [] }
        const contentType = (ctx.headers.get("content-type") ?? "").toLowerCase()
        const bytes = ctx.bytes ?? new TextEncoder().encode(ctx.body)
        const entries: Array<[name: string, value: string | Uint8Array, isFile: boolean, attributes: string | undefined]> = []
        if (contentType.startsWith("multipart/form-data")) {
          for (const part of readParts(ctx)) {
            entries.push(
              part.filename === undefined
                ? [part.name, new TextDecoder().decode(part.content), false, part.params.get("x-attributes")]
                : [part.name, part.content, true, part.params.get("x-attributes")]
            )
          }
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
          for (const [name, value] of new URLSearchParams(ctx.body)) entries.push([name, value, false, undefined])
        } else if (bytes.length > 0) {
          throw new HttpError(415, "Unsupported Media Type", "Commits take multipart/form-data or application/x-www-form-urlencoded.")
        }
        for (const [name, value, isFile, attributes] of entries) {
          if (!isFile && !name.startsWith("/") && META.has(name)) {
            const text = value as string
            if (name === "message") upload.message = text
            else if (name === "author") upload.author = text
            else if (name === "branch") {
              if (upload.branch !== undefined) throw core.invalid({ branch: ["The branch field cannot be repeated."] })
              upload.branch = text
            } else if (name === "parents") upload.parents.push(...text.split(",").map((s) => s.trim()).filter((s) => s !== ""))
            else if (text.trim() !== "") upload.listed.push(text.replace(/^\/+/, ""))
            continue
          }
          const path = name.replace(/^\/+/, "")
          if (path === "" || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
            throw core.invalid({ [name]: ["Not a valid file path."] })
          }
          const content = typeof value === "string" ? new TextEncoder().encode(value) : value
          upload.files.set(path, content)
          upload.attributes.delete(path)
          if (attributes !== undefined) {
            // Bitbucket's answers to other values and to an empty link are not documented: 400 is a guess.
            if (!isFileAttribute(attributes)) {
              const known = FILE_ATTRIBUTES.map((a) => JSON.stringify(a)).join(" or ")
              throw core.invalid({ [name]: [`Unsupported x-attributes value ${JSON.stringify(attributes)}: use ${known}.`] })
            }
            if (attributes === "link" && content.length === 0) throw core.invalid({ [name]: ["A link needs its target path as content."] })
            upload.attributes.set(path, attributes)
          }
        }
        return upload
      })

    const actorLine = (ctx: Ctx) => {
      const p = ctx.principal
      if (p.kind === "user") return { raw: `${p.user.display_name} <${p.user.email}>`, user: p.user.uuid }
      return { raw: `${p.kind === "token" ? p.token.name ?? "Access token" : "Bitbucket"} <noreply@bitbucket.org>`, user: undefined }
    }

    let commitCounter = 0

    const commit = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const d = repoData(ctx, p)
        requirePermission(ctx, d.repo, "write")
        const upload = yield* readUpload(ctx)
        for (const hash of upload.parents) {
          if (d.git.commit(hash) === undefined) throw core.invalid({ parents: [`Commit ${hash} not found.`] })
        }
        const parents = upload.parents.map((h) => d.git.commit(h)!.hash)
        const main = d.repo.mainbranch ?? "main"
        const branch = upload.branch ?? main
        const head = d.git.branches.get(branch)
        if (head !== undefined && parents.length > 0 && parents[0] !== head) {
          throw new HttpError(409, "Conflict", `${parents[0]} is not the head of ${branch} (${head}).`)
        }
        if (parents.length === 0) {
          const from = head ?? d.git.branches.get(main)
          if (from !== undefined) parents.push(from)
        }
        const decoder = new TextDecoder()
        const encoder = new TextEncoder()
        const files: Record<string, string | null> = {}
        const binary: Record<string, Uint8Array> = {}
        const attributes: Record<string, FileAttribute> = {}
        const before = parents.length === 0 ? new Map<string, string>() : d.git.tree(parents[0]!)
        for (const path of upload.listed) if (!upload.files.has(path)) files[path] = null
        for (const [path, bytes] of upload.files) {
          // A git tree cannot hold a file and a directory of one name: the file written replaces
          // what was there, a directory's files or files where its directories go.
          for (const existing of before.keys()) {
            if (existing.startsWith(`${path}/`) || path.startsWith(`${existing}/`)) files[existing] = null
          }
          const text = decoder.decode(bytes)
          files[path] = text
          // Bytes that do not come back the same from their text (not UTF-8, a BOM) are kept as they are.
          const again = encoder.encode(text)
          if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) binary[path] = bytes
          // A file written without an attribute is a regular file, whatever it was before.
          const attribute = upload.attributes.get(path)
          if (attribute !== undefined) attributes[path] = attribute
        }
        const actor = actorLine(ctx)
        const authorRaw = upload.author !== undefined && upload.author.trim() !== "" ? upload.author : actor.raw
        const email = /<([^>]+)>/.exec(authorRaw)?.[1]
        const authorUser = upload.author === undefined ? actor.user : email === undefined ? undefined : core.findUser(email)?.uuid
        const ts = yield* now
        const message = upload.message ?? "Committed with the Bitbucket API\n"
        const hash = sha1(JSON.stringify([core.fullName(d.repo), parents, message, authorRaw, ts, files, ++commitCounter]))
        d.git.addCommit({
          hash,
          message,
          author: authorRaw,
          ...(authorUser !== undefined ? { authorUser } : {}),
          date: ts,
          parents,
          files,
          ...(Object.keys(binary).length > 0 ? { bytes: binary } : {}),
          ...(Object.keys(attributes).length > 0 ? { attributes } : {})
        })
        d.git.branches.set(branch, hash)
        if (d.repo.mainbranch === null || d.repo.mainbranch === undefined) (d.repo as { mainbranch?: string | null }).mainbranch = branch
        core.events.publish(ctx, {
          key: "repo:push",
          repository: core.fullName(d.repo),
          actor: core.actorUuid(ctx),
          payload: { push: { changes: [git.pushChange(d, "branch", branch, head, hash)] } }
        })
        return new Response(null, {
          status: 201,
          headers: { location: `${base}${git.repoPath(d.repo)}/commit/${hash}`, "content-type": "text/html; charset=utf-8" }
        })
      })

    const R = "/repositories/:workspace/:repo_slug"
    return {
      routes: [
        {
          path: `${R}/src`,
          GET: (ctx, p) => {
            const d = repoData(ctx, p)
            const head = d.git.branches.get(d.repo.mainbranch ?? "main")
            if (head === undefined) throw new HttpError(404, "This repository is empty.")
            return core.redirect(`${base}${srcPath(d, head, "", true)}`)
          },
          POST: commit
        },
        { path: `${R}/src/:commit/*path`, GET: read },
        { path: `${R}/filehistory/:commit/*path`, GET: history }
      ]
    }
  }
}

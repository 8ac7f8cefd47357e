/**
 * Snippets: `GET|POST /snippets`, `GET|POST /snippets/{workspace}`,
 * `GET|PUT|DELETE /snippets/{workspace}/{encoded_id}`, `GET …/{node_id}`,
 * `GET …/files/{path}` (302 to `…/{node_id}/files/{path}`, which answers the file's bytes),
 * `GET|PUT|DELETE …/watch`, `GET …/watchers`, `GET …/commits`, `GET …/commits/{revision}`,
 * `GET …/{revision}/diff` (with `path`), `GET …/{revision}/patch`,
 * `GET|POST …/comments`, `GET|PUT|DELETE …/comments/{comment_id}`.
 *
 * Create and update take `multipart/form-data` (fields `title`, `is_private`, `scm`, one `file`
 * part per file, named by its filename as Django reads it, e.g. `%22` kept; on update a `files`
 * field naming a file without a part deletes it) or `application/json` (metadata only; `files: { "name": null }` deletes a file).
 * Every change of the files makes a new revision (`node_id`); older revisions stay readable.
 *
 * Decisions where Bitbucket's documentation is silent:
 * - `GET /snippets` without `role` lists what the caller can see: every public snippet, plus the
 *   private snippets of the caller's workspaces and those they watch or commented on. `role=owner`
 *   keeps the snippets the caller created, `contributor` adds those they watch, `member` keeps those
 *   of the caller's workspaces and those they watch. An unknown role is 400 with `fields.role`.
 * - A private snippet answers 401 to the anonymous (as the spec says) and 403 to an authenticated
 *   caller outside its workspace. A snippet's workspace members (and its workspace access token)
 *   see it; its creator and the workspace's owners and collaborators may change or delete it.
 * - `POST /snippets` creates the snippet in the first workspace the caller belongs to (Bitbucket
 *   uses the caller's personal workspace, which the fake does not model); 403 if there is none.
 * - New snippets are public unless `is_private` is given, except in a private workspace.
 *   The creator watches a new snippet.
 * - `multipart/related` bodies are not supported (415).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import { diffTrees, formatPatch, sha1, unifiedDiff } from "../git.js"
import { parseCommentPayload } from "../gitStore.js"
import { readParts } from "../multipartParts.js"
import type { RouteModule } from "../router.js"
import type { SeedSnippet, SeedSnippetComment, SeedWorkspace } from "../seed.js"

const utf8 = new TextDecoder()

type Params = Readonly<Record<string, string>>

interface Revision {
  readonly node: string
  readonly files: ReadonlyMap<string, Uint8Array>
  readonly date: string
  /** Uuid of the author. */
  readonly author: string
  readonly message: string
  readonly parent?: string
}

interface CommentState {
  readonly id: number
  readonly user: string
  raw: string
  readonly created_on: string
  updated_on: string
  readonly parent?: number
}

interface SnippetState {
  readonly id: number
  readonly encoded_id: string
  readonly workspace: string
  title: string
  is_private: boolean
  readonly creator: string
  readonly created_on: string
  updated_on: string
  readonly revisions: Array<Revision>
  watchers: Array<string>
  readonly comments: Array<CommentState>
  readonly extra?: Readonly<Record<string, unknown>>
}

interface SnippetInput {
  title?: string
  is_private?: boolean
  readonly files: Map<string, Uint8Array>
  readonly deletes: Set<string>
}

const ROLES = ["owner", "contributor", "member"] as const

const MIME: Readonly<Record<string, string>> = {
  txt: "text/plain",
  text: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  csv: "text/csv",
  js: "application/javascript",
  mjs: "application/javascript",
  ts: "application/typescript",
  json: "application/json",
  xml: "application/xml",
  yaml: "application/x-yaml",
  yml: "application/x-yaml",
  sh: "application/x-sh",
  py: "text/x-python",
  java: "text/x-java",
  c: "text/x-c",
  go: "text/x-go",
  rs: "text/x-rust",
  sql: "application/sql",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  webp: "image/webp",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip"
}

/** The MIME type of a file name (no charset, as Bitbucket answers), else `application/octet-stream`. */
export const mimeType = (name: string): string => {
  const dot = name.lastIndexOf(".")
  return (dot < 0 ? undefined : MIME[name.slice(dot + 1).toLowerCase()]) ?? "application/octet-stream"
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])

const ENCODED_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

export const snippets: RouteModule = {
  name: "snippets",
  make: (core) => {
    const { ok, page, param, href, web, seg, base, now, invalid, requireAuth, memberOf, findWorkspace, accountJson, git } = core

    // ---- state ---------------------------------------------------------------------------------

    const nodeOf = (encodedId: string, files: ReadonlyMap<string, Uint8Array>, salt: string) =>
      sha1(
        `snippet ${encodedId}\n${salt}\n${
          [...files].map(([name, bytes]) => `${name}:${sha1(Buffer.from(bytes).toString("binary"))}`).join("\n")
        }`
      )

    const fromSeed = (s: SeedSnippet): SnippetState => {
      const creator = core.userUuid(s.creator)
      const files = new Map(Object.entries(s.files).map(([name, b64]) => [name, new Uint8Array(Buffer.from(b64, "base64"))]))
      return {
        id: s.id,
        encoded_id: s.encoded_id,
        workspace: s.workspace,
        title: s.title,
        is_private: s.is_private,
        creator,
        created_on: s.created_on,
        updated_on: s.updated_on ?? s.created_on,
        revisions: [{ node: nodeOf(s.encoded_id, files, "seed"), files, date: s.updated_on ?? s.created_on, author: creator, message: "Initial commit" }],
        watchers: (s.watchers ?? []).map(core.userUuid),
        comments: (s.comments ?? []).map((c) => ({
          id: c.id,
          user: core.userUuid(c.user),
          raw: c.raw,
          created_on: c.created_on,
          updated_on: c.updated_on ?? c.created_on,
          ...(c.parent !== undefined ? { parent: c.parent } : {})
        })),
        ...(s.extra !== undefined ? { extra: s.extra } : {})
      }
    }

    const all: Array<SnippetState> = (core.seed.snippets ?? []).map(fromSeed)
    let idCounter = all.reduce((n, s) => Math.max(n, s.id), 1000)

    const newEncodedId = (): string => {
      for (let salt = 0;; salt++) {
        const digest = sha1(`encoded-id ${core.nextId()} ${salt}`)
        let out = ""
        for (let i = 0; i < 5; i++) out += ENCODED_ALPHABET[parseInt(digest.slice(i * 4, i * 4 + 4), 16) % ENCODED_ALPHABET.length]
        if (!all.some((s) => s.encoded_id === out)) return out
      }
    }

    const newCommentId = (): number => {
      for (;;) {
        const id = git.nextCommentId()
        if (!all.some((s) => s.comments.some((c) => c.id === id))) return id
      }
    }

    const latest = (s: SnippetState) => s.revisions[s.revisions.length - 1]!

    // ---- access --------------------------------------------------------------------------------

    const insider = (ctx: Ctx, ws: SeedWorkspace) => {
      const p = ctx.principal
      return p.kind === "user" ? memberOf(p, ws) !== undefined : p.kind === "token" && p.token.workspace === ws.slug
    }

    const involved = (ctx: Ctx, s: SnippetState) => {
      if (ctx.principal.kind === "anonymous") return false
      const me = core.actorUuid(ctx)
      return s.creator === me || s.watchers.includes(me) || s.comments.some((c) => c.user === me)
    }

    const canSee = (ctx: Ctx, s: SnippetState) => {
      if (!s.is_private) return true
      const ws = findWorkspace(s.workspace)
      return ws !== undefined && insider(ctx, ws)
    }

    const canWrite = (ctx: Ctx, s: SnippetState) => {
      const p = ctx.principal
      const ws = findWorkspace(s.workspace)
      if (ws === undefined) return false
      if (p.kind === "token") return p.token.workspace === ws.slug
      if (p.kind !== "user") return false
      const perm = memberOf(p, ws)?.permission
      return (s.creator === p.user.uuid && perm !== undefined) || perm === "owner" || perm === "collaborator"
    }

    const findSnippet = (ctx: Ctx, p: Params) => {
      const ws = findWorkspace(p.workspace!)
      if (ws === undefined) throw new HttpError(404, `No workspace with identifier '${p.workspace}'.`)
      const s = all.find((x) => x.workspace === ws.slug && x.encoded_id === p.encoded_id)
      if (s === undefined) throw new HttpError(404, `Snippet ${ws.slug}/${p.encoded_id} not found`)
      if (!canSee(ctx, s)) {
        if (ctx.principal.kind === "anonymous") throw core.unauthorized("This snippet is private. Authenticate to see it.")
        throw new HttpError(403, "Access denied. You do not have access to this private snippet.")
      }
      return { ws, s }
    }

    const requireWrite = (ctx: Ctx, s: SnippetState) => {
      requireAuth(ctx)
      if (!canWrite(ctx, s)) throw new HttpError(403, "You do not have permission to change this snippet.")
    }

    // ---- representations -------------------------------------------------------------------------

    const pathOf = (s: SnippetState) => `/snippets/${seg(s.workspace)}/${seg(s.encoded_id)}`
    const filePath = (name: string) => name.split("/").map(seg).join("/")

    const summary = (s: SnippetState) => ({
      type: "snippet",
      id: s.id,
      title: s.title,
      links: { self: href(pathOf(s)), html: web(pathOf(s)) }
    })

    const snippetJson = (ctx: Ctx, s: SnippetState, rev: Revision = latest(s)) => {
      const ws = findWorkspace(s.workspace)!
      const self = pathOf(s)
      const userPart = ctx.principal.kind === "user" ? `${ctx.principal.user.nickname}@` : ""
      return {
        type: "snippet",
        id: s.id,
        title: s.title,
        scm: "git",
        created_on: s.created_on,
        updated_on: s.updated_on,
        owner: { type: "team", uuid: ws.uuid, username: ws.slug, display_name: ws.name, links: core.workspaceSummary(ws).links },
        creator: accountJson(s.creator),
        is_private: s.is_private,
        workspace: core.workspaceSummary(ws),
        files: Object.fromEntries([...rev.files.keys()].map((name) => [name, {
          links: {
            self: href(`${self}/${rev.node}/files/${filePath(name)}`),
            html: web(`${self}#file-${seg(name)}`)
          }
        }])),
        links: {
          self: href(self),
          html: web(self),
          comments: href(`${self}/comments`),
          watchers: href(`${self}/watchers`),
          commits: href(`${self}/commits`),
          clone: [
            { name: "https", href: `https://${userPart}${core.webHost}/snippets/${s.workspace}/${s.encoded_id}.git` },
            { name: "ssh", href: `git@${core.oauthUrl.hostname}:snippets/${s.workspace}/${s.encoded_id}.git` }
          ]
        },
        ...(s.extra ?? {})
      }
    }

    const commitJson = (s: SnippetState, rev: Revision) => {
      const self = pathOf(s)
      const author = core.store.users.find((u) => u.uuid === rev.author)
      return {
        type: "snippet_commit",
        hash: rev.node,
        date: rev.date,
        message: rev.message,
        author: {
          type: "author",
          raw: author === undefined ? "Bitbucket <noreply@bitbucket.org>" : `${author.display_name} <${author.email}>`,
          user: accountJson(rev.author)
        },
        parents: rev.parent === undefined
          ? []
          : [{ type: "snippet_commit", hash: rev.parent, links: { self: href(`${self}/commits/${rev.parent}`) } }],
        links: { self: href(`${self}/commits/${rev.node}`), html: web(`${self}/revisions/${rev.node}`) },
        snippet: summary(s)
      }
    }

    const commentJson = (s: SnippetState, c: CommentState) => {
      const self = pathOf(s)
      return {
        type: "snippet_comment",
        id: c.id,
        created_on: c.created_on,
        updated_on: c.updated_on,
        content: core.rendered(c.raw),
        user: accountJson(c.user),
        deleted: false,
        ...(c.parent !== undefined ? { parent: { id: c.parent, links: { self: href(`${self}/comments/${c.parent}`) } } } : {}),
        links: { self: href(`${self}/comments/${c.id}`), html: web(`${self}#comment-${c.id}`) },
        snippet: summary(s)
      }
    }

    // ---- request bodies ---------------------------------------------------------------------------

    const parseBoolean = (raw: string): boolean | undefined => {
      const v = raw.trim().toLowerCase()
      return v === "true" || v === "1" || v === "on" ? true : v === "false" || v === "0" || v === "off" ? false : undefined
    }

    /** Reads a create/update body: `multipart/form-data`, `application/json` or nothing. */
    const readInput = (ctx: Ctx): Effect.Effect<SnippetInput> =>
      Effect.sync(() => {
        const input: SnippetInput = { files: new Map(), deletes: new Set() }
        const fields: Record<string, Array<string>> = {}
        const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
        const contentType = (ctx.headers.get("content-type") ?? "").toLowerCase()
        const bytes = ctx.bytes ?? new TextEncoder().encode(ctx.body)
        if (contentType.startsWith("multipart/form-data")) {
          const listed: Array<string> = []
          for (const part of readParts(ctx)) {
            if (part.filename !== undefined) {
              input.files.set(part.filename, part.content)
              continue
            }
            const name = part.name
            const value = utf8.decode(part.content)
            switch (name) {
              case "title":
                input.title = value
                break
              case "is_private": {
                const b = parseBoolean(value)
                if (b === undefined) bad("is_private", `"${value}" is not a valid boolean.`)
                else input.is_private = b
                break
              }
              case "scm":
                if (value !== "git") bad("scm", `Invalid SCM: "${value}". Only git is supported.`)
                break
              case "files":
                // One field per file (a name may hold a comma).
                if (value !== "") listed.push(value)
                break
              case "file":
                bad("file", "The file field must be a file upload with a file name.")
                break
              default:
                break
            }
          }
          for (const name of listed) if (!input.files.has(name)) input.deletes.add(name)
        } else if (contentType.startsWith("application/json") || (contentType === "" && ctx.body.trim() !== "")) {
          const body = core.parsePayload(ctx)
          if ("title" in body) {
            if (body.title === null) input.title = ""
            else if (typeof body.title !== "string") bad("title", "Must be a string.")
            else input.title = body.title
          }
          if ("is_private" in body) {
            if (typeof body.is_private !== "boolean") bad("is_private", "Must be a boolean.")
            else input.is_private = body.is_private
          }
          if ("scm" in body && body.scm !== "git") bad("scm", `Invalid SCM: ${JSON.stringify(body.scm)}. Only git is supported.`)
          if ("files" in body && body.files !== null && body.files !== undefined) {
            if (typeof body.files !== "object" || Array.isArray(body.files)) bad("files", "Must be an object keyed by file name.")
            else {
              for (const [name, v] of Object.entries(body.files as Record<string, unknown>)) if (v === null) input.deletes.add(name)
            }
          }
        } else if (ctx.body.trim() !== "" || bytes.length > 0) {
          throw new HttpError(
            415,
            "Unsupported Media Type",
            `Snippets accept multipart/form-data or application/json, not '${contentType}'.`
          )
        }
        if (input.title !== undefined && input.title.length > 255) bad("title", "Ensure this field has no more than 255 characters.")
        if (Object.keys(fields).length > 0) throw invalid(fields, "The snippet payload is invalid.")
        return input
      })

    // ---- snippets --------------------------------------------------------------------------------

    const list = (ctx: Ctx, wsId?: string) => {
      const ws = wsId === undefined ? undefined : core.getWorkspaceOr(ctx, wsId)
      const role = param(ctx, "role")
      if (role !== undefined && role !== "" && !(ROLES as ReadonlyArray<string>).includes(role)) {
        throw invalid({ role: [`"${role}" is not a valid choice. Valid roles: ${ROLES.join(", ")}.`] })
      }
      const me = ctx.principal.kind === "anonymous" ? undefined : core.actorUuid(ctx)
      const inMyWorkspace = (s: SnippetState) => {
        const w = findWorkspace(s.workspace)
        return w !== undefined && insider(ctx, w)
      }
      const selected = all.filter((s) => {
        if (ws !== undefined && s.workspace !== ws.slug) return false
        if (!canSee(ctx, s)) return false
        switch (role) {
          case "owner":
            return me !== undefined && s.creator === me
          case "contributor":
            return me !== undefined && (s.creator === me || s.watchers.includes(me))
          case "member":
            return me !== undefined && (inMyWorkspace(s) || s.watchers.includes(me))
          default:
            return !s.is_private || inMyWorkspace(s) || involved(ctx, s)
        }
      })
      return page(ctx, selected.map((s) => snippetJson(ctx, s)))
    }

    const create = (ctx: Ctx, wsId?: string) =>
      Effect.gen(function*() {
        requireAuth(ctx)
        let ws: SeedWorkspace | undefined
        if (wsId !== undefined) {
          ws = core.getWorkspaceOr(ctx, wsId)
          if (!insider(ctx, ws)) throw new HttpError(403, `You do not have permission to create snippets in workspace ${ws.slug}.`)
        } else {
          ws = core.store.workspaces.find((w) => insider(ctx, w))
          if (ws === undefined) throw new HttpError(403, "You are not a member of any workspace that could own the snippet.")
        }
        const input = yield* readInput(ctx)
        const ts = yield* now
        const me = core.actorUuid(ctx)
        const encoded_id = newEncodedId()
        const s: SnippetState = {
          id: ++idCounter,
          encoded_id,
          workspace: ws.slug,
          title: input.title ?? "",
          is_private: input.is_private ?? ws.is_private,
          creator: me,
          created_on: ts,
          updated_on: ts,
          revisions: [{ node: nodeOf(encoded_id, input.files, ts), files: input.files, date: ts, author: me, message: "Initial commit" }],
          watchers: [me],
          comments: []
        }
        all.push(s)
        return core.created(ctx, snippetJson(ctx, s), `${base}${pathOf(s)}`)
      })

    const update = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const { s } = findSnippet(ctx, p)
        requireWrite(ctx, s)
        const input = yield* readInput(ctx)
        const ts = yield* now
        const previous = latest(s)
        const files = new Map(previous.files)
        for (const name of input.deletes) files.delete(name)
        for (const [name, bytes] of input.files) files.set(name, bytes)
        const changed = files.size !== previous.files.size ||
          [...files].some(([name, bytes]) => !sameBytes(previous.files.get(name), bytes))
        if (changed) {
          s.revisions.push({
            node: nodeOf(s.encoded_id, files, `${previous.node} ${ts} ${core.nextId()}`),
            files,
            date: ts,
            author: core.actorUuid(ctx),
            message: "Edited online with Bitbucket",
            parent: previous.node
          })
        }
        if (input.title !== undefined) s.title = input.title
        if (input.is_private !== undefined) s.is_private = input.is_private
        s.updated_on = ts
        return ok(ctx, snippetJson(ctx, s))
      })

    const remove = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      requireWrite(ctx, s)
      all.splice(all.indexOf(s), 1)
      return core.noContent()
    }

    /**
     * `PUT`/`DELETE` at a revision: a compare-and-swap on the snippet. At its latest revision it
     * updates or deletes the snippet; at an older one the spec answers 405 (someone changed it since).
     */
    const atLatest = (action: (ctx: Ctx, p: Params) => Effect.Effect<Response> | Response) => (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      if (findRevision(s, p.node_id!) !== latest(s)) {
        throw new HttpError(405, "This is not the latest revision of the snippet.", `The latest revision is ${latest(s).node}.`)
      }
      return action(ctx, p)
    }

    const findRevision = (s: SnippetState, node: string) => {
      const rev = node.length >= 7 ? s.revisions.find((r) => r.node.startsWith(node.toLowerCase())) : undefined
      if (rev === undefined) throw new HttpError(404, `Revision ${node} not found`)
      return rev
    }

    // ---- diffs -------------------------------------------------------------------------------------

    /**
     * A revision's files as text, for diffs. A file that is not UTF-8 text shows as one line naming
     * its content's hash (git would print "Binary files differ"; the fake keeps it simple).
     */
    const textTree = (files: ReadonlyMap<string, Uint8Array>, only: string | undefined) => {
      const tree = new Map<string, string>()
      for (const [name, bytes] of files) {
        if (only !== undefined && name !== only) continue
        let text: string | undefined
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(bytes)
        } catch {
          text = undefined
        }
        tree.set(name, text === undefined || text.includes("\0") ? `Binary file ${sha1(Buffer.from(bytes).toString("base64"))}\n` : text)
      }
      return tree
    }

    /** A revision against its first parent (a first revision against nothing), as Bitbucket diffs it. */
    const revisionChanges = (s: SnippetState, rev: Revision, only?: string) => {
      const parent = rev.parent === undefined ? undefined : findRevision(s, rev.parent)
      return diffTrees(textTree(parent?.files ?? new Map(), only), textTree(rev.files, only))
    }

    const diff = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      const path = ctx.url.searchParams.get("path") ?? undefined
      return core.text(unifiedDiff(revisionChanges(s, findRevision(s, p.revision!), path)))
    }

    const patch = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      const rev = findRevision(s, p.revision!)
      const author = core.store.users.find((u) => u.uuid === rev.author)
      const commit = {
        hash: rev.node,
        message: rev.message,
        author: author === undefined ? "Bitbucket <noreply@bitbucket.org>" : `${author.display_name} <${author.email}>`,
        date: rev.date,
        parents: rev.parent === undefined ? [] : [rev.parent],
        files: {}
      }
      return core.text(formatPatch(commit, revisionChanges(s, rev), 1, 1))
    }

    // ---- files -------------------------------------------------------------------------------------

    const fileRedirect = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      const rev = latest(s)
      if (!rev.files.has(p.path!)) throw new HttpError(404, `File ${p.path} not found in snippet ${s.encoded_id}`)
      return core.redirect(`${base}${pathOf(s)}/${rev.node}/files/${filePath(p.path!)}`)
    }

    const fileContent = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      const rev = findRevision(s, p.node_id!)
      const bytes = rev.files.get(p.path!)
      if (bytes === undefined) throw new HttpError(404, `File ${p.path} not found in revision ${rev.node.slice(0, 12)}`)
      const fileName = p.path!.split("/").pop()!
      return new Response(bytes.slice(), {
        status: 200,
        headers: {
          "content-type": mimeType(fileName),
          "content-disposition": `attachment; filename="${fileName.replace(/["\\\r\n]/g, "_")}"; filename*=UTF-8''${seg(fileName)}`
        }
      })
    }

    // ---- watching ----------------------------------------------------------------------------------

    const isWatching = (ctx: Ctx, p: Params) => {
      if (ctx.principal.kind === "anonymous") throw new HttpError(404, "You are not watching this snippet.")
      const { s } = findSnippet(ctx, p)
      if (!s.watchers.includes(core.actorUuid(ctx))) throw new HttpError(404, "You are not watching this snippet.")
      return core.noContent()
    }

    const watch = (watching: boolean) => (ctx: Ctx, p: Params) => {
      requireAuth(ctx)
      const { s } = findSnippet(ctx, p)
      const me = core.actorUuid(ctx)
      s.watchers = s.watchers.filter((w) => w !== me)
      if (watching) s.watchers.push(me)
      return core.noContent()
    }

    const watchers = (ctx: Ctx, p: Params) => {
      const { s } = findSnippet(ctx, p)
      return page(ctx, s.watchers.map(accountJson))
    }

    // ---- comments ----------------------------------------------------------------------------------

    const findComment = (s: SnippetState, id: string) => {
      const c = s.comments.find((x) => String(x.id) === id)
      if (c === undefined) throw new HttpError(404, `Comment ${id} not found`)
      return c
    }

    const createComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        requireAuth(ctx)
        const { s } = findSnippet(ctx, p)
        const { inline: _inline, ...body } = core.parsePayload(ctx)
        const payload = parseCommentPayload(body, "create", (id) => s.comments.some((c) => c.id === id))
        const ts = yield* now
        const c: CommentState = {
          id: newCommentId(),
          user: core.actorUuid(ctx),
          raw: payload.raw ?? "",
          created_on: ts,
          updated_on: ts,
          ...(payload.parent !== undefined ? { parent: payload.parent } : {})
        }
        s.comments.push(c)
        return core.created(ctx, commentJson(s, c), `${base}${pathOf(s)}/comments/${c.id}`)
      })

    const updateComment = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        requireAuth(ctx)
        const { s } = findSnippet(ctx, p)
        const c = findComment(s, p.comment_id!)
        if (c.user !== core.actorUuid(ctx)) throw new HttpError(403, "You can only change your own comments.")
        const { inline: _inline, ...body } = core.parsePayload(ctx)
        const payload = parseCommentPayload(body, "update", () => false)
        if (payload.raw !== undefined) c.raw = payload.raw
        c.updated_on = yield* now
        return ok(ctx, commentJson(s, c))
      })

    const deleteComment = (ctx: Ctx, p: Params) => {
      requireAuth(ctx)
      const { s } = findSnippet(ctx, p)
      const c = findComment(s, p.comment_id!)
      // The comment's author, the snippet's creator or a workspace admin (owner) may delete it.
      const me = core.actorUuid(ctx)
      const who = ctx.principal
      const ws = findWorkspace(s.workspace)
      const owner = who.kind === "user" && ws !== undefined && memberOf(who, ws)?.permission === "owner"
      if (c.user !== me && s.creator !== me && !owner) throw new HttpError(403, "You can only delete your own comments.")
      s.comments.splice(s.comments.indexOf(c), 1)
      return core.noContent()
    }

    // ---- snapshot ----------------------------------------------------------------------------------

    const snapshot = () => ({
      snippets: all.map((s): SeedSnippet => ({
        id: s.id,
        encoded_id: s.encoded_id,
        workspace: s.workspace,
        title: s.title,
        is_private: s.is_private,
        creator: s.creator,
        created_on: s.created_on,
        updated_on: s.updated_on,
        files: Object.fromEntries([...latest(s).files].map(([name, bytes]) => [name, Buffer.from(bytes).toString("base64")])),
        watchers: [...s.watchers],
        comments: s.comments.map((c): SeedSnippetComment => ({
          id: c.id,
          user: c.user,
          raw: c.raw,
          created_on: c.created_on,
          updated_on: c.updated_on,
          ...(c.parent !== undefined ? { parent: c.parent } : {})
        })),
        ...(s.extra !== undefined ? { extra: s.extra } : {})
      }))
    })

    const S = "/snippets/:workspace/:encoded_id"
    return {
      snapshot,
      routes: [
        { path: "/snippets", GET: (ctx) => list(ctx), POST: (ctx) => create(ctx) },
        { path: "/snippets/:workspace", GET: (ctx, p) => list(ctx, p.workspace!), POST: (ctx, p) => create(ctx, p.workspace!) },
        {
          path: S,
          GET: (ctx, p) => ok(ctx, snippetJson(ctx, findSnippet(ctx, p).s)),
          PUT: update,
          DELETE: remove
        },
        {
          path: `${S}/:node_id`,
          GET: (ctx, p) => {
            const { s } = findSnippet(ctx, p)
            return ok(ctx, snippetJson(ctx, s, findRevision(s, p.node_id!)))
          },
          PUT: atLatest(update),
          DELETE: atLatest(remove)
        },
        { path: `${S}/files/*path`, GET: fileRedirect },
        { path: `${S}/:node_id/files/*path`, GET: fileContent },
        { path: `${S}/:revision/diff`, GET: diff },
        { path: `${S}/:revision/patch`, GET: patch },
        { path: `${S}/watch`, GET: isWatching, PUT: watch(true), DELETE: watch(false) },
        { path: `${S}/watchers`, GET: watchers },
        {
          path: `${S}/commits`,
          GET: (ctx, p) => {
            const { s } = findSnippet(ctx, p)
            return page(ctx, [...s.revisions].reverse().map((r) => commitJson(s, r)))
          }
        },
        {
          path: `${S}/commits/:revision`,
          GET: (ctx, p) => {
            const { s } = findSnippet(ctx, p)
            return ok(ctx, commitJson(s, findRevision(s, p.revision!)))
          }
        },
        {
          path: `${S}/comments`,
          GET: (ctx, p) => {
            const { s } = findSnippet(ctx, p)
            return page(ctx, s.comments.map((c) => commentJson(s, c)))
          },
          POST: createComment
        },
        {
          path: `${S}/comments/:comment_id`,
          GET: (ctx, p) => {
            const { s } = findSnippet(ctx, p)
            return ok(ctx, commentJson(s, findComment(s, p.comment_id!)))
          },
          PUT: updateComment,
          DELETE: deleteComment
        }
      ]
    }
  }
}

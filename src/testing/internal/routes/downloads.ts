/**
 * Downloads: `GET|POST R/downloads`, `GET|DELETE R/downloads/{filename}`, and the file itself on
 * the web origin (`/{workspace}/{repo_slug}/downloads/{filename}?token=…`, Bitbucket's file host).
 *
 * - Reading needs read access, uploading and deleting write access.
 * - `POST` takes `multipart/form-data` with one or more `files` parts (406 otherwise, 400 without
 *   a file); a file with an existing name replaces it. It answers 201.
 * - `GET R/downloads/{filename}` answers 302 to the file on the web origin, with a token standing
 *   for the signature of a real file host's link: no credentials are needed there, and a link
 *   without its token is 403. Each fetch of the file counts in `downloads`.
 * - Downloads are not part of `FakeBitbucket.snapshot`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import type { Ctx } from "../core.js"
import { HttpError } from "../core.js"
import { readParts } from "../multipartParts.js"
import type { RouteModule } from "../router.js"
import type { SeedRepository } from "../seed.js"

type Params = Readonly<Record<string, string>>

interface Stored {
  readonly name: string
  readonly bytes: Uint8Array
  readonly created_on: string
  readonly user: string
  downloads: number
}

export const downloads: RouteModule = {
  name: "downloads",
  make: (core) => {
    const { page, href, seg, now } = core
    const byRepo = new Map<string, Map<string, Stored>>()
    // The file host's signing key: random, so that a link cannot be made without the API.
    const secret = randomBytes(32)

    const filesOf = (repo: SeedRepository) => {
      let files = byRepo.get(repo.uuid)
      if (files === undefined) byRepo.set(repo.uuid, files = new Map())
      return files
    }

    const repository = (ctx: Ctx, p: Params, write: boolean) => core.repositoryFor(ctx, p, write ? "write" : undefined)

    const filePath = (repo: SeedRepository, name: string) => `/${seg(repo.workspace)}/${seg(repo.slug)}/downloads/${seg(name)}`
    /** The signature of a file's link: an HMAC of its path, as the path is requested. */
    const sign = (workspace: string, slug: string, name: string) =>
      createHmac("sha256", secret).update(`${workspace}\n${slug}\n${name}`).digest("hex")
    const tokenOf = (repo: SeedRepository, name: string) => sign(repo.workspace, repo.slug, name)
    const signed = (token: string | null, p: Params) => {
      if (token === null) return false
      const expected = Buffer.from(sign(p.workspace!, p.repo_slug!, p.filename!))
      const given = Buffer.from(token)
      return given.length === expected.length && timingSafeEqual(given, expected)
    }

    const downloadJson = (repo: SeedRepository, file: Stored) => ({
      type: "download",
      name: file.name,
      size: file.bytes.length,
      downloads: file.downloads,
      created_on: file.created_on,
      user: core.accountJson(file.user),
      links: { self: href(`/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/downloads/${seg(file.name)}`) }
    })

    const find = (repo: SeedRepository, name: string) => {
      const file = filesOf(repo).get(name)
      if (file === undefined) throw new HttpError(404, `Download ${name} not found`)
      return file
    }

    const upload = (ctx: Ctx, p: Params) =>
      Effect.gen(function*() {
        const repo = repository(ctx, p, true)
        if (!(ctx.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
          throw new HttpError(406, "Unsupported Content-Type. Use multipart/form-data.")
        }
        const uploads = readParts(ctx).flatMap((part) =>
          part.name !== "files" || part.filename === undefined ? [] : [{ name: part.filename, bytes: part.content }]
        )
        if (uploads.length === 0) throw core.invalid({ files: ["Upload one or more files, each with a file name."] })
        const ts = yield* now
        for (const u of uploads) {
          filesOf(repo).set(u.name, { name: u.name, bytes: u.bytes, created_on: ts, user: core.actorUuid(ctx), downloads: 0 })
        }
        return new Response(null, { status: 201, headers: { "content-type": "text/html; charset=utf-8" } })
      })

    const file = (ctx: Ctx, p: Params) => {
      // The file host knows no users: the signature is the permission, and it is checked before
      // anything else, so that nothing about a repository shows without it.
      if (!signed(ctx.url.searchParams.get("token"), p)) {
        throw new HttpError(403, "AccessDenied", "Request has expired or its signature does not match.")
      }
      const ws = core.findWorkspace(p.workspace!)
      const repo = ws === undefined ? undefined : core.findRepository(ws, p.repo_slug!)
      const stored = repo === undefined ? undefined : filesOf(repo).get(p.filename!)
      if (stored === undefined) throw new HttpError(404, "NoSuchKey", "The file is gone.")
      stored.downloads++
      return new Response(new Uint8Array(stored.bytes), {
        status: 200,
        headers: { "content-type": "application/octet-stream", "content-length": String(stored.bytes.length) }
      })
    }

    const R = "/repositories/:workspace/:repo_slug/downloads"
    return {
      routes: [
        {
          path: R,
          GET: (ctx, p) => {
            const repo = repository(ctx, p, false)
            return page(ctx, [...filesOf(repo).values()].map((f) => downloadJson(repo, f)))
          },
          POST: upload
        },
        {
          path: `${R}/:filename`,
          GET: (ctx, p) => {
            const repo = repository(ctx, p, false)
            const stored = find(repo, p.filename!)
            return core.redirect(`${core.webOrigin}${filePath(repo, stored.name)}?token=${tokenOf(repo, stored.name)}`)
          },
          DELETE: (ctx, p) => {
            const repo = repository(ctx, p, true)
            find(repo, p.filename!)
            filesOf(repo).delete(p.filename!)
            return core.noContent()
          }
        }
      ],
      web: [{ path: "/:workspace/:repo_slug/downloads/:filename", GET: file }]
    }
  }
}

/**
 * Deploy keys: `GET|POST R/deploy-keys`, `GET|PUT|DELETE R/deploy-keys/{key_id}`,
 * `GET|POST /workspaces/{workspace}/projects/{project_key}/deploy-keys` and
 * `GET|DELETE …/deploy-keys/{key_id}`.
 *
 * - Every endpoint needs admin access to the repository, or to the project (its workspace's owner
 *   or a project admin); 401 for the anonymous, 403 otherwise, after the usual 404 of a hidden
 *   repository.
 * - `key` must be an OpenSSH public key whose encoded type matches its name; its comment becomes
 *   `comment` and is not kept in `key`. The same key twice on one repository or project is 400,
 *   and so is a key that is an account's SSH key (see `core.sshKeys`).
 *   A private key is 400.
 * - Creating answers 200, as the spec says. `PUT` changes the label (and the comment) and must
 *   carry the same key.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { Core, Ctx } from "../core.js"
import { HttpError } from "../core.js"
import type { RouteModule } from "../router.js"
import type { SeedDeployKey } from "../seed.js"

type Params = Readonly<Record<string, string>>

interface KeyState {
  readonly id: number
  /** A repository `full_name`, or `workspace/PROJECT_KEY` for a project key. */
  readonly subject: string
  readonly kind: "repository" | "project"
  /** `<type> <base64>`. */
  readonly key: string
  comment: string
  label: string
  readonly added_on: string
  readonly addedBy: string | undefined
}

const KEY_TYPES = new Set([
  "ssh-rsa",
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com"
])

/** Splits an OpenSSH public key into its key material and comment, or undefined when it is not one. */
export const parseKey = (raw: unknown): { readonly key: string; readonly comment: string } | undefined => {
  if (typeof raw !== "string") return undefined
  const match = /^(\S+) ([A-Za-z0-9+/]+={0,3})(?: (.*))?$/.exec(raw.trim())
  if (match === null || !KEY_TYPES.has(match[1]!)) return undefined
  const blob = Buffer.from(match[2]!, "base64")
  if (blob.length < 4) return undefined
  const length = blob.readUInt32BE(0)
  if (blob.length < 4 + length || blob.subarray(4, 4 + length).toString("latin1") !== match[1]) return undefined
  return { key: `${match[1]} ${match[2]}`, comment: (match[3] ?? "").trim() }
}

/** The key and label of a body that adds a key (400 for a private key or anything not a public key). */
export const keyOf = (body: Record<string, unknown>, invalid: Core["invalid"]) => {
  if (typeof body.key === "string" && /PRIVATE KEY/.test(body.key)) throw invalid({ key: ["This is a private key. Add the public key."] })
  const parsed = parseKey(body.key)
  if (parsed === undefined) throw invalid({ key: ["Invalid SSH key."] })
  if (body.label !== undefined && typeof body.label !== "string") throw invalid({ label: ["Must be a string."] })
  return { ...parsed, label: body.label as string | undefined }
}

export const deployKeys: RouteModule = {
  name: "deployKeys",
  make: (core) => {
    const { ok, page, href, seg, now, invalid, parsePayload, findProject } = core

    let counter = 0
    const all: Array<KeyState> = (core.seed.deployKeys ?? []).map((k: SeedDeployKey) => {
      const parsed = parseKey(k.key)
      if (parsed === undefined) throw new Error(`FakeBitbucket seed: deploy key ${k.id} is not an OpenSSH public key`)
      counter = Math.max(counter, k.id)
      core.sshKeys.use(parsed.key, "access")
      const ws = k.repository === undefined ? core.findWorkspace(k.workspace ?? "") : undefined
      const project = ws === undefined ? undefined : findProject(ws, k.project ?? "")
      if (k.repository === undefined && (ws === undefined || project === undefined)) {
        throw new Error(`FakeBitbucket seed: deploy key ${k.id} names no repository and no known project`)
      }
      return {
        id: k.id,
        subject: k.repository ?? `${ws!.slug}/${project!.key}`,
        kind: k.repository !== undefined ? "repository" : "project",
        key: parsed.key,
        comment: parsed.comment,
        label: k.label ?? "",
        added_on: k.added_on,
        addedBy: k.addedBy === undefined ? undefined : core.userUuid(k.addedBy)
      }
    })

    // ---- subjects --------------------------------------------------------------------------------

    interface Subject {
      readonly kind: KeyState["kind"]
      readonly key: string
      readonly path: string
      readonly json: Record<string, unknown>
    }

    const repositorySubject = (ctx: Ctx, p: Params): Subject => {
      const repo = core.repositoryFor(ctx, p, "admin")
      return {
        kind: "repository",
        key: core.fullName(repo),
        path: `/repositories/${seg(repo.workspace)}/${seg(repo.slug)}/deploy-keys`,
        json: { repository: core.repoSummary(repo) }
      }
    }

    const projectSubject = (ctx: Ctx, p: Params): Subject => {
      const { ws, project } = core.getAdministeredProject(ctx, p.workspace!, p.project_key!, "its deploy keys")
      return {
        kind: "project",
        key: `${ws.slug}/${project.key}`,
        path: `/workspaces/${seg(ws.slug)}/projects/${seg(project.key)}/deploy-keys`,
        json: { project: core.projectJson(ws, project) }
      }
    }

    const keyJson = (subject: Subject, k: KeyState) => ({
      id: k.id,
      type: subject.kind === "repository" ? "deploy_key" : "project_deploy_key",
      key: k.key,
      label: k.label,
      comment: k.comment,
      added_on: k.added_on,
      last_used: null,
      ...(k.addedBy === undefined ? {} : { [subject.kind === "repository" ? "owner" : "created_by"]: core.accountJson(k.addedBy) }),
      ...subject.json,
      links: { self: href(`${subject.path}/${k.id}`) }
    })

    const keysOf = (subject: Subject) => all.filter((k) => k.kind === subject.kind && k.subject === subject.key)

    const findKey = (subject: Subject, id: string) => {
      const k = keysOf(subject).find((x) => String(x.id) === id)
      if (k === undefined) throw new HttpError(404, `Deploy key ${id} not found`)
      return k
    }

    // ---- handlers ----------------------------------------------------------------------------------

    const handlers = (subjectOf: (ctx: Ctx, p: Params) => Subject) => ({
      list: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        return page(ctx, keysOf(subject).map((k) => keyJson(subject, k)))
      },
      create: (ctx: Ctx, p: Params) =>
        Effect.gen(function*() {
          const subject = subjectOf(ctx, p)
          const input = keyOf(parsePayload(ctx), invalid)
          if (keysOf(subject).some((k) => k.key === input.key)) {
            throw invalid({ key: [`Someone has already added that access key to this ${subject.kind}.`] })
          }
          core.sshKeys.use(input.key, "access")
          const state: KeyState = {
            id: ++counter,
            subject: subject.key,
            kind: subject.kind,
            key: input.key,
            comment: input.comment,
            label: input.label ?? "",
            added_on: yield* now,
            addedBy: core.actorUuid(ctx)
          }
          all.push(state)
          return ok(ctx, keyJson(subject, state))
        }),
      get: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        return ok(ctx, keyJson(subject, findKey(subject, p.key_id!)))
      },
      update: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        const state = findKey(subject, p.key_id!)
        const input = keyOf(parsePayload(ctx), invalid)
        if (input.key !== state.key) throw invalid({ key: ["The key cannot be changed: add a new deploy key instead."] })
        state.comment = input.comment
        if (input.label !== undefined) state.label = input.label
        return ok(ctx, keyJson(subject, state))
      },
      remove: (ctx: Ctx, p: Params) => {
        const subject = subjectOf(ctx, p)
        const k = findKey(subject, p.key_id!)
        all.splice(all.indexOf(k), 1)
        core.sshKeys.release(k.key, "access")
        return core.noContent()
      }
    })

    const repo = handlers(repositorySubject)
    const project = handlers(projectSubject)

    const snapshot = () => ({
      deployKeys: all.map((k): SeedDeployKey => {
        const [workspace, projectKey] = k.subject.split("/")
        return {
          id: k.id,
          ...(k.kind === "repository" ? { repository: k.subject } : { workspace: workspace!, project: projectKey! }),
          key: k.comment === "" ? k.key : `${k.key} ${k.comment}`,
          label: k.label,
          added_on: k.added_on,
          ...(k.addedBy !== undefined ? { addedBy: k.addedBy } : {})
        }
      })
    })

    const P = "/workspaces/:workspace/projects/:project_key/deploy-keys"
    return {
      snapshot,
      routes: [
        { path: "/repositories/:workspace/:repo_slug/deploy-keys", GET: repo.list, POST: repo.create },
        { path: "/repositories/:workspace/:repo_slug/deploy-keys/:key_id", GET: repo.get, PUT: repo.update, DELETE: repo.remove },
        { path: P, GET: project.list, POST: project.create },
        { path: `${P}/:key_id`, GET: project.get, DELETE: project.remove }
      ]
    }
  }
}

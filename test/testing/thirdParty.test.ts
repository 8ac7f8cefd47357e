/**
 * A third-party client, the `bitbucket` npm package (node-fetch underneath), pointed at the fake
 * served on 127.0.0.1: proof that the fake speaks Bitbucket's wire format, not just ours.
 */
import { describe, expect, it } from "@effect/vitest"
import bitbucketPackage from "bitbucket"
import * as Effect from "effect/Effect"
import { FakeBitbucket } from "../../src/testing/index.js"

type Client = InstanceType<typeof bitbucketPackage.Bitbucket>

const connect = (server: FakeBitbucket.FakeBitbucket, auth?: { username: string; password: string }): Client =>
  new bitbucketPackage.Bitbucket({
    baseUrl: server.baseUrl,
    notice: false,
    ...(auth !== undefined ? { auth } : {})
  })

const alice = { username: "alice@example.com", password: "alice-api-token" }

/** Follows `next` with the package's own getNextPage. */
const allPages = (client: Client, first: { data: any }) =>
  Effect.promise(async () => {
    const pages: Array<any> = [first.data]
    let data = first.data
    while (client.hasNextPage(data)) {
      data = (await client.getNextPage(data)).data
      pages.push(data)
      if (pages.length > 50) throw new Error("too many pages")
    }
    return pages
  })

describe("the bitbucket npm package against the served fake", () => {
  it.scoped("lists repositories, following pages with getNextPage", () =>
    Effect.gen(function*() {
      const server = yield* FakeBitbucket.serve({ port: 0 })
      const client = connect(server, alice)
      const first = yield* Effect.promise(() =>
        client.repositories.list({ workspace: "demo", pagelen: 4, sort: "slug" } as Parameters<Client["repositories"]["list"]>[0])
      )
      expect(first.status).toBe(200)
      expect(first.url).toBe(`${server.baseUrl}/repositories/demo?pagelen=4&sort=slug`)
      const pages = yield* allPages(client, first)
      expect(pages).toHaveLength(4)
      const slugs = pages.flatMap((p) => p.values.map((r: { slug: string }) => r.slug))
      expect(slugs).toHaveLength(13)
      expect(slugs).toEqual([...slugs].sort())
      expect(new Set(slugs).size).toBe(13)
      expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4])
      expect(pages.every((p) => p.size === 13 && p.pagelen === 4)).toBe(true)
      expect(pages.at(-1).next).toBeUndefined()
      // Every next link is on the server's own origin.
      for (const page of pages.slice(0, -1)) expect(page.next.startsWith(`${server.baseUrl}/repositories/demo?`)).toBe(true)
      // Every request carried Basic auth with the API token.
      const log = yield* server.requests
      expect(log).toHaveLength(4)
      expect(log.every((r) => r.headers["authorization"] === `Basic ${Buffer.from("alice@example.com:alice-api-token").toString("base64")}`))
        .toBe(true)
      expect(log[0]!.headers["user-agent"]).toMatch(/^bitbucket\.js\//)
    }))

  it.scoped("filters with q (spaces sent as +) and reads one repository", () =>
    Effect.gen(function*() {
      const server = yield* FakeBitbucket.serve({ port: 0 })
      const client = connect(server, alice)
      const ts = yield* Effect.promise(() =>
        client.repositories.list({ workspace: "demo", q: "language = \"typescript\"", pagelen: 100 } as any)
      )
      expect(ts.url).toContain("q=language+%3D+%22typescript%22")
      expect(ts.data.values!.length).toBeGreaterThan(0)
      expect(ts.data.values!.every((r) => r.language === "typescript")).toBe(true)

      const repo = yield* Effect.promise(() => client.repositories.get({ workspace: "demo", repo_slug: "effect-playground" }))
      expect(repo.status).toBe(200)
      expect(repo.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(repo.data).toMatchObject({
        type: "repository",
        full_name: "demo/effect-playground",
        is_private: false,
        mainbranch: { type: "branch", name: "main" },
        links: { self: { href: `${server.baseUrl}/repositories/demo/effect-playground` } }
      })

      const missing = yield* Effect.promise(() =>
        client.repositories.get({ workspace: "demo", repo_slug: "no-such-repo" }).then(
          () => undefined,
          (error: { status: number; error: unknown }) => error
        )
      )
      expect(missing?.status).toBe(404)
      expect(missing?.error).toMatchObject({ type: "error", error: { message: expect.any(String) } })
    }))

  it.scoped("lists pull requests and creates one", () =>
    Effect.gen(function*() {
      const server = yield* FakeBitbucket.serve({ port: 0 })
      const client = connect(server, alice)
      const ref = { workspace: "demo", repo_slug: "effect-playground" }
      const open = yield* Effect.promise(() => client.pullrequests.list({ ...ref, state: "OPEN" }))
      const before = open.data.values!.map((pr) => pr.id)
      expect(before.length).toBeGreaterThan(0)
      expect(open.data.values!.every((pr) => pr.state === "OPEN")).toBe(true)
      const merged = yield* Effect.promise(() => client.pullrequests.list({ ...ref, state: "MERGED" }))
      expect(merged.data.values!.every((pr) => pr.state === "MERGED")).toBe(true)

      const created = yield* Effect.promise(() =>
        client.pullrequests.create({
          ...ref,
          _body: {
            type: "pullrequest",
            title: "From the bitbucket npm package",
            description: "Created over real HTTP.",
            source: { branch: { name: "docs/guide" } },
            destination: { branch: { name: "main" } },
            reviewers: [{ type: "user", uuid: "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}" }]
          } as any
        })
      )
      expect(created.status).toBe(201)
      expect(created.headers["location"]).toBe(`${server.baseUrl}/repositories/demo/effect-playground/pullrequests/${created.data.id}`)
      expect(created.data).toMatchObject({
        type: "pullrequest",
        title: "From the bitbucket npm package",
        state: "OPEN",
        author: { display_name: "Alice Anderson" },
        source: { branch: { name: "docs/guide" } },
        destination: { branch: { name: "main" } }
      })
      expect(created.data.reviewers!.map((u: { uuid?: string }) => u.uuid)).toEqual(["{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}"])
      const after = yield* Effect.promise(() => client.pullrequests.list({ ...ref, state: "OPEN" }))
      expect(after.data.values!.map((pr) => pr.id)).toEqual([created.data.id, ...before])
      // The package sent JSON with its own content type.
      const post = (yield* server.requests).find((r) => r.method === "POST")!
      expect(post.headers["content-type"]).toBe("application/json; charset=utf-8")
      expect(JSON.parse(post.body).title).toBe("From the bitbucket npm package")
    }))

  it.scoped("Bearer access tokens and anonymous access work too", () =>
    Effect.gen(function*() {
      const server = yield* FakeBitbucket.serve({ port: 0 })
      const bearer = new bitbucketPackage.Bitbucket({ baseUrl: server.baseUrl, notice: false, auth: { token: "acme-workspace-token" } })
      const acme = yield* Effect.promise(() => bearer.repositories.list({ workspace: "acme" }))
      expect(acme.data.values!.length).toBeGreaterThan(0)
      const anonymous = connect(server)
      const hidden = yield* Effect.promise(() =>
        anonymous.repositories.list({ workspace: "acme" }).then(() => 200, (e: { status: number }) => e.status)
      )
      expect(hidden).toBe(404)
    }))
})

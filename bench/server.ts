/**
 * Bench server: a list-based repository listing over loopback HTTP, in its own process so that its
 * CPU and memory do not count against the client being measured.
 *
 * Usage: tsx bench/server.ts <items> <latencyMs>   (prints the port on stdout)
 */
import { createServer } from "node:http"

const items = Number(process.argv[2] ?? "1000")
const latencyMs = Number(process.argv[3] ?? "0")

/** One repository as Bitbucket returns it (about 2.3 KB of JSON), varied by index. */
const repository = (i: number, origin: string) => {
  const slug = `repo-${i}`
  const api = `${origin}/2.0/repositories/bench/${slug}`
  return {
    type: "repository",
    full_name: `bench/${slug}`,
    links: {
      self: { href: api },
      html: { href: `https://bitbucket.org/bench/${slug}` },
      avatar: { href: `https://bytebucket.org/ravatar/%7B${i}%7D?ts=default` },
      pullrequests: { href: `${api}/pullrequests` },
      commits: { href: `${api}/commits` },
      forks: { href: `${api}/forks` },
      watchers: { href: `${api}/watchers` },
      branches: { href: `${api}/refs/branches` },
      tags: { href: `${api}/refs/tags` },
      downloads: { href: `${api}/downloads` },
      source: { href: `${api}/src` },
      clone: [
        { name: "https", href: `https://bitbucket.org/bench/${slug}.git` },
        { name: "ssh", href: `git@bitbucket.org:bench/${slug}.git` }
      ],
      hooks: { href: `${api}/hooks` }
    },
    name: slug,
    slug,
    description: `Benchmark repository number ${i}, with a description of realistic length.`,
    scm: "git",
    website: null,
    owner: {
      display_name: "Bench",
      links: { self: { href: `${origin}/2.0/workspaces/%7B0c4f%7D` }, avatar: { href: "https://bitbucket.org/account/bench/avatar/" } },
      type: "team",
      uuid: "{0c4f9b1e-4c8f-4f4a-9d8e-1a2b3c4d5e6f}",
      username: "bench"
    },
    workspace: {
      type: "workspace",
      uuid: "{0c4f9b1e-4c8f-4f4a-9d8e-1a2b3c4d5e6f}",
      name: "Bench",
      slug: "bench",
      links: { self: { href: `${origin}/2.0/workspaces/bench` } }
    },
    is_private: false,
    project: {
      type: "project",
      key: "BENCH",
      uuid: "{5a6b7c8d-0000-4000-8000-000000000001}",
      name: "Bench",
      links: { self: { href: `${origin}/2.0/workspaces/bench/projects/BENCH` } }
    },
    fork_policy: "allow_forks",
    created_on: "2024-03-01T10:11:12.123456+00:00",
    updated_on: "2026-10-30T08:00:00.654321+00:00",
    size: 100000 + i,
    language: "typescript",
    uuid: `{8f2c1d3e-aaaa-4bbb-8ccc-${String(i).padStart(12, "0")}}`,
    mainbranch: { name: "main", type: "branch" },
    override_settings: { default_merge_strategy: true, branching_model: true },
    parent: null,
    enforced_signed_commits: null,
    has_issues: false,
    has_wiki: false
  }
}

/**
 * Pages are built from a pre-serialized item split at the index, so that serving costs almost no
 * CPU: the server shares the machine with the client being measured.
 */
const marker = 987654321
const templates = new Map<string, ReadonlyArray<string>>()
const itemJson = (i: number, origin: string) => {
  let parts = templates.get(origin)
  if (parts === undefined) {
    parts = JSON.stringify(repository(marker, origin)).split(String(marker))
    templates.set(origin, parts)
  }
  return parts.join(String(i))
}

/**
 * Encoded pages, kept so that the clients measured one after the other get the same bytes without
 * the server rebuilding them (up to about 500 MB; larger listings are built on each request).
 */
const pageCache = new Map<string, Buffer>()
const pageCacheLimit = 2000

const server = createServer((request, response) => {
  const origin = `http://${request.headers.host}`
  const cached = pageCache.get(`${origin}${request.url}`)
  const send = (body: Buffer) => {
    const write = () => {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length })
      response.end(body)
    }
    if (latencyMs > 0) setTimeout(write, latencyMs)
    else write()
  }
  if (cached !== undefined) return send(cached)
  const url = new URL(request.url ?? "/", origin)
  if (url.pathname !== "/2.0/repositories/bench") {
    response.writeHead(404, { "content-type": "application/json" })
    response.end(JSON.stringify({ type: "error", error: { message: "Not found" } }))
    return
  }
  const pagelen = Math.min(100, Math.max(1, Number(url.searchParams.get("pagelen") ?? "10")))
  const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"))
  const start = (page - 1) * pagelen
  const values: Array<string> = []
  for (let i = start; i < Math.min(items, start + pagelen); i++) values.push(itemJson(i, origin))
  const next = new URL(url)
  next.searchParams.set("page", String(page + 1))
  const links = {
    ...(start + pagelen < items ? { next: next.toString() } : {}),
    ...(page > 1 ? { previous: `${url.origin}${url.pathname}?page=${page - 1}&pagelen=${pagelen}` } : {})
  }
  const body = `{"pagelen":${pagelen},"size":${items},"page":${page},"values":[${values.join(",")}]${
    Object.entries(links).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join("")
  }}`
  const encoded = Buffer.from(body, "utf8")
  if (pageCache.size < pageCacheLimit) pageCache.set(`${origin}${request.url}`, encoded)
  send(encoded)
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address !== null && typeof address === "object") console.log(String(address.port))
})

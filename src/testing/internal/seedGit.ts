/**
 * The git part of the default seed: commit histories, refs, pull requests, comments and build
 * statuses of `demo/effect-playground`, `demo/fast-parser`, `acme/api` and `acme/fast-parser`.
 * Hashes are SHA-1s of the commit contents, so they are stable.
 *
 * @internal
 */
import { createHash } from "node:crypto"
import type { SeedAuthor, SeedCommit, SeedGitRepository, SeedTag } from "./seed.js"

const ALICE = "{2f8e4c1a-9b3d-4e6f-8a1b-0c2d3e4f5a61}"
const BOB = "{7c1d2e3f-4a5b-4c6d-9e8f-1a2b3c4d5e62}"
const CAROL = "{b3a4c5d6-e7f8-4a9b-8c0d-2e3f4a5b6c73}"

const alice: SeedAuthor = { raw: "Alice Anderson <alice@example.com>", user: ALICE }
const bob: SeedAuthor = { raw: "Bob Brown <bob@example.com>", user: BOB }
const carol: SeedAuthor = { raw: "Carol Clark <carol@example.com>", user: CAROL }
const bot: SeedAuthor = { raw: "Renovate Bot <bot@renovateapp.com>" }

/** Builds a history with stable hashes and dates one `stepHours` apart. */
class History {
  readonly commits: Array<SeedCommit> = []
  private readonly tree = new Map<string, Map<string, string>>()
  private n = 0
  constructor(readonly name: string, readonly start: string, readonly stepHours = 9) {}

  date(offset = this.n): string {
    return new Date(Date.parse(this.start) + offset * this.stepHours * 3_600_000).toISOString().replace(".000Z", "+00:00")
  }

  /** Content of `path` as of `hash` (following first parents only: enough for the seed). */
  content(hash: string, path: string): string | undefined {
    return this.tree.get(hash)?.get(path)
  }

  commit(
    parents: ReadonlyArray<string>,
    message: string,
    author: SeedAuthor,
    files: Record<string, string | null>,
    extra: Partial<SeedCommit> = {}
  ): string {
    const date = this.date()
    this.n++
    const hash = createHash("sha1").update(JSON.stringify([this.name, parents, message, author.raw, date, files])).digest("hex")
    const tree = new Map(parents.length > 0 ? this.tree.get(parents[0]!) : [])
    for (const p of parents.slice(1)) for (const [k, v] of this.tree.get(p) ?? []) if (!tree.has(k)) tree.set(k, v)
    for (const [k, v] of Object.entries(files)) v === null ? tree.delete(k) : tree.set(k, v)
    this.tree.set(hash, tree)
    this.commits.push({ hash, message, author, date, parents: [...parents], files, ...extra })
    return hash
  }

  /** Appends a line to a file (as of `parent`). */
  append(parent: string, path: string, line: string): Record<string, string> {
    return { [path]: `${this.content(parent, path) ?? ""}${line}\n` }
  }
}

const TOPICS = [
  "Effect.gen",
  "error handling",
  "retries",
  "timeouts",
  "layers",
  "services",
  "config",
  "logging",
  "metrics",
  "tracing",
  "fibers",
  "queues",
  "pubsub",
  "schedules",
  "resources",
  "caching",
  "batching",
  "testing with TestClock",
  "HTTP clients",
  "HTTP servers",
  "SQL",
  "CLI"
]

const effectPlayground = (): SeedGitRepository => {
  const h = new History("demo/effect-playground", "2023-03-01T09:00:00Z")
  const readme = "# effect-playground\n\nSmall Effect examples.\n\n## Examples\n"
  const m1 = h.commit([], "Initial commit\n", alice, {
    "README.md": readme,
    "package.json": "{\n  \"name\": \"effect-playground\",\n  \"version\": \"0.0.1\",\n  \"type\": \"module\"\n}\n",
    ".gitignore": "node_modules\ndist\n"
  })
  const m2 = h.commit([m1], "Add hello world program\n", alice, {
    "src/main.ts": "import { Effect } from \"effect\"\n\nconst program = Effect.log(\"Hello\")\n\nEffect.runFork(program)\n"
  })
  const m3 = h.commit([m2], "Add tests for the hello world program\n", bob, {
    "test/main.test.ts": "import { it } from \"@effect/vitest\"\n\nit(\"runs\", () => {})\n"
  }, { approvedBy: [ALICE] })
  const main: Array<string> = [m1, m2, m3]
  let tip = m3
  for (let i = 0; i < TOPICS.length; i++) {
    const topic = TOPICS[i]!
    const file = `src/examples/${String(i + 1).padStart(2, "0")}-${topic.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.ts`
    const author = i % 3 === 0 ? alice : i % 3 === 1 ? bob : i === 5 ? bot : alice
    tip = h.commit([tip], `Add example: ${topic}\n\nShows ${topic} in a few lines.\n`, author, {
      [file]: `// ${topic}\nimport { Effect } from "effect"\n\nexport const example = Effect.succeed(${i + 1})\n`,
      ...h.append(tip, "README.md", `- ${topic}`)
    })
    main.push(tip)
  }
  // main has 25 commits so far (m1..m25).
  const v100 = main[11]!
  // feature/schema: merged with a merge commit (pull request #2).
  const s1 = h.commit([main[19]!], "Add a Schema example\n", alice, {
    "src/schema.ts": "import { Schema } from \"effect\"\n\nexport const Person = Schema.Struct({ name: Schema.String })\n"
  })
  const mergeBase2 = tip
  const merge2 = h.commit(
    [tip, s1],
    "Merged in feature/schema (pull request #2)\n\nAdd a Schema example\n\nApproved-by: Bob Brown\n",
    alice,
    {}
  )
  tip = merge2
  const v110 = merge2
  const m26 = h.commit([tip], "Bump version to 1.1.0\n", alice, {
    "package.json": "{\n  \"name\": \"effect-playground\",\n  \"version\": \"1.1.0\",\n  \"type\": \"module\"\n}\n"
  })
  tip = m26
  // feature/streams: open pull request #1 by Bob.
  const st1 = h.commit([tip], "Add a Stream example\n", bob, {
    "src/streams.ts": "import { Stream } from \"effect\"\n\nconst numbers = Stream.make(1, 2, 3)\n\nexport const doubled = numbers.pipe(Stream.map((n) => n * 2))\n"
  })
  const st2 = h.commit([st1], "Use Stream.fromIterable in the stream example\n", bob, {
    "src/streams.ts":
      "import { Stream } from \"effect\"\n\nconst numbers = Stream.fromIterable([1, 2, 3])\n\nexport const doubled = numbers.pipe(Stream.map((n) => n * 2))\nexport const total = Stream.runFold(doubled, 0, (a, b) => a + b)\n"
  })
  // bugfix/typo: declined pull request #3.
  const t1 = h.commit([main[9]!], "Fix typo in README\n", bob, {
    "README.md": "# effect-playground\n\nSmall Effect exemples.\n\n## Examples\n"
  })
  // feature/old-api: superseded pull request #4.
  const o1 = h.commit([main[14]!], "Rewrite examples with the old runtime API\n", alice, {
    "src/main.ts": "import * as T from \"@effect-ts/core/Effect\"\n\nT.run(T.succeed(\"Hello\"))\n"
  })
  // main moves on after the branches were cut.
  const m27 = h.commit([tip], "Document how to run the examples\n", carol, h.append(tip, "README.md", "\nRun `npx tsx src/main.ts`."))
  tip = m27
  // docs/guide: open pull request #5 by Alice, Bob requested changes.
  const g1 = h.commit([tip], "Add a getting-started guide\n", alice, {
    "docs/guide.md": "# Getting started\n\nInstall effect, then run the examples.\n"
  })
  const g2 = h.commit([g1], "Guide: explain Effect.gen\n", alice, {
    "docs/guide.md": "# Getting started\n\nInstall effect, then run the examples.\n\n## Effect.gen\n\nWrite effects like async functions.\n"
  })
  const tags: Array<SeedTag> = [
    { name: "v1.0.0", target: v100, message: "Release 1.0.0\n", tagger: alice, date: h.date(12) },
    { name: "v1.1.0", target: v110, message: "Release 1.1.0\n", tagger: alice, date: h.date(28) },
    { name: "release/2024.1", target: m26 }
  ]
  const at = (i: number) => h.date(i)
  return {
    repository: "demo/effect-playground",
    commits: h.commits,
    branches: [
      { name: "main", target: tip },
      { name: "feature/streams", target: st2 },
      { name: "bugfix/typo", target: t1 },
      { name: "feature/old-api", target: o1 },
      { name: "docs/guide", target: g2 },
      { name: "release/1.x", target: v110 }
    ],
    tags,
    pullRequests: [
      {
        id: 1,
        title: "Add a Stream example",
        description: "Adds `src/streams.ts`.\n\n* maps\n* folds",
        state: "OPEN",
        author: BOB,
        source: { branch: "feature/streams", commit: st2 },
        destination: { branch: "main", commit: m26 },
        reviewers: [ALICE],
        participants: [
          { user: ALICE, role: "REVIEWER", approved: true, state: "approved", participated_on: at(33) },
          { user: CAROL, role: "PARTICIPANT", approved: false, state: null, participated_on: at(32) }
        ],
        created_on: at(29),
        updated_on: at(33),
        close_source_branch: true,
        comments: [
          {
            id: 2001,
            user: ALICE,
            raw: "Could we use `Stream.fromIterable` here?",
            created_on: at(30),
            inline: { path: "src/streams.ts", from: null, to: 3 },
            resolution: { user: BOB, created_on: at(31) }
          },
          { id: 2002, user: BOB, raw: "Done in the next commit.", created_on: at(31), parent: 2001, inline: { path: "src/streams.ts", from: null, to: 3 } },
          { id: 2003, user: CAROL, raw: "Great example, **thanks**!", created_on: at(32) },
          { id: 2004, user: BOB, raw: "", created_on: at(32), updated_on: at(32), deleted: true }
        ]
      },
      {
        id: 2,
        title: "Add a Schema example",
        description: "",
        state: "MERGED",
        author: ALICE,
        source: { branch: "feature/schema", commit: s1 },
        destination: { branch: "main", commit: mergeBase2 },
        reviewers: [BOB],
        participants: [{ user: BOB, role: "REVIEWER", approved: true, state: "approved", participated_on: at(26) }],
        created_on: at(25),
        updated_on: at(26),
        close_source_branch: true,
        merge_commit: merge2,
        closed_by: ALICE
      },
      {
        id: 3,
        title: "Fix typo in README",
        state: "DECLINED",
        author: BOB,
        source: { branch: "bugfix/typo", commit: t1 },
        destination: { branch: "main", commit: main[9]! },
        reviewers: [ALICE],
        participants: [{ user: ALICE, role: "REVIEWER", approved: false, state: null, participated_on: at(14) }],
        created_on: at(13),
        updated_on: at(14),
        closed_by: ALICE,
        reason: "This makes it a typo.",
        comments: [{ id: 2005, user: ALICE, raw: "\"exemples\" is not English.", created_on: at(14) }]
      },
      {
        id: 4,
        title: "Rewrite examples with the old runtime API",
        state: "SUPERSEDED",
        author: ALICE,
        source: { branch: "feature/old-api", commit: o1 },
        destination: { branch: "main", commit: main[14]! },
        reviewers: [],
        participants: [],
        created_on: at(16),
        updated_on: at(18),
        closed_by: ALICE
      },
      {
        id: 5,
        title: "Add a getting-started guide",
        description: "First draft of the guide.",
        state: "OPEN",
        author: ALICE,
        source: { branch: "docs/guide", commit: g2 },
        destination: { branch: "main", commit: m27 },
        reviewers: [BOB],
        participants: [
          { user: BOB, role: "REVIEWER", approved: false, state: "changes_requested", participated_on: at(35) }
        ],
        created_on: at(34),
        updated_on: at(35),
        comments: [{ id: 2010, user: BOB, raw: "Please add a section on layers.", created_on: at(35), inline: { path: "docs/guide.md", from: null, to: 7 } }]
      }
    ],
    commitComments: [
      { id: 3001, commit: m2, user: BOB, raw: "Nice start!", created_on: at(2) },
      { id: 3002, commit: m2, user: ALICE, raw: "Thanks :)", created_on: at(3), parent: 3001 },
      { id: 3003, commit: m2, user: BOB, raw: "Typo: `Hello` should say *world* too", created_on: at(3), inline: { path: "src/main.ts", from: null, to: 3 } }
    ],
    statuses: [
      { commit: st2, key: "ci-build", state: "SUCCESSFUL", name: "CI build #41", url: "https://ci.example.com/effect-playground/41", description: "22 tests passed", refname: "feature/streams", created_on: at(31) },
      { commit: st2, key: "lint", state: "FAILED", name: "Lint", url: "https://ci.example.com/effect-playground/41/lint", description: "2 problems", refname: "feature/streams", created_on: at(31) },
      { commit: tip, key: "ci-build", state: "SUCCESSFUL", name: "CI build #40", url: "https://ci.example.com/effect-playground/40", description: "22 tests passed", refname: "main", created_on: at(30) },
      { commit: g2, key: "ci-build", state: "INPROGRESS", name: "CI build #42", url: "https://ci.example.com/effect-playground/42", refname: "docs/guide", created_on: at(36) },
      { commit: o1, key: "ci-build", state: "STOPPED", name: "CI build #17", url: "https://ci.example.com/effect-playground/17", refname: "feature/old-api", created_on: at(17) }
    ]
  }
}

const fastParser = (): { demo: SeedGitRepository; acme: SeedGitRepository } => {
  const h = new History("demo/fast-parser", "2023-04-01T08:00:00Z", 30)
  const p1 = h.commit([], "Initial commit\n", alice, {
    "Cargo.toml": "[package]\nname = \"fast-parser\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    "src/lib.rs": "pub fn parse(input: &str) -> usize {\n    input.len()\n}\n"
  })
  const p2 = h.commit([p1], "Parse tokens\n", bob, {
    "src/lib.rs": "pub fn parse(input: &str) -> usize {\n    input.split_whitespace().count()\n}\n"
  })
  const p3 = h.commit([p2], "Add benchmarks\n", bob, {
    "benches/parse.rs": "fn main() {\n    println!(\"{}\", fast_parser::parse(\"a b c\"));\n}\n"
  })
  const p4 = h.commit([p3], "Release 0.1.0\n", alice, { "CHANGELOG.md": "# 0.1.0\n\nFirst release.\n" })
  const p5 = h.commit([p4], "Handle empty input\n", alice, {
    "src/lib.rs": "pub fn parse(input: &str) -> usize {\n    if input.is_empty() {\n        return 0;\n    }\n    input.split_whitespace().count()\n}\n"
  })
  const demo: SeedGitRepository = {
    repository: "demo/fast-parser",
    commits: [...h.commits],
    branches: [{ name: "main", target: p5 }],
    tags: [{ name: "v0.1.0", target: p4, message: "fast-parser 0.1.0\n", tagger: alice, date: h.date(4) }]
  }
  const f1 = h.commit([p5], "Acme: faster tokenizer\n", alice, {
    "src/lib.rs": "pub fn parse(input: &str) -> usize {\n    input.split_ascii_whitespace().count()\n}\n"
  })
  const acme: SeedGitRepository = {
    repository: "acme/fast-parser",
    commits: h.commits,
    branches: [{ name: "main", target: f1 }, { name: "upstream", target: p5 }],
    tags: demo.tags ?? []
  }
  return { demo, acme }
}

const acmeApi = (): SeedGitRepository => {
  const h = new History("acme/api", "2024-06-01T10:00:00Z", 20)
  const a1 = h.commit([], "Initial commit\n", alice, {
    "package.json": "{\n  \"name\": \"@acme/api\",\n  \"version\": \"2.0.0\"\n}\n",
    "src/server.ts": "export const routes = [\"/\"]\n"
  })
  const a2 = h.commit([a1], "Add health endpoint\n", bob, { "src/server.ts": "export const routes = [\"/\", \"/health\"]\n" })
  const a3 = h.commit([a2], "Add rate limiter configuration\n", alice, {
    "src/config.ts": "export const rateLimit = { perMinute: 60 }\n"
  })
  const a4 = h.commit([a3], "Bump dependencies\n", bot, { "package-lock.json": "{ \"lockfileVersion\": 3 }\n" })
  // feature/auth: squash-merged as pull request #2.
  const au1 = h.commit([a4], "Add token authentication\n", bob, { "src/auth.ts": "export const verify = (token: string) => token.length > 0\n" })
  const au2 = h.commit([au1], "Reject empty tokens\n", bob, {
    "src/auth.ts": "export const verify = (token: string) => token.trim().length > 0\n"
  })
  const a5 = h.commit([a4], "Add token authentication (pull request #2)\n\n* Add token authentication\n* Reject empty tokens\n", alice, {
    "src/auth.ts": "export const verify = (token: string) => token.trim().length > 0\n"
  })
  const a6 = h.commit([a5], "Log requests\n", alice, { "src/log.ts": "export const log = console.log\n" })
  // experiment/graphql: declined pull request #3.
  const gq = h.commit([a6], "Try GraphQL\n", carol, { "src/graphql.ts": "export const schema = \"type Query { hello: String }\"\n" })
  // feature/rate-limit-v1: superseded by pull request #1.
  const r1 = h.commit([a6], "Rate limit per IP\n", alice, { "src/config.ts": "export const rateLimit = { perMinute: 60, by: \"ip\" }\n" })
  const a7 = h.commit([a6], "Release 2.1.0\n", alice, { "package.json": "{\n  \"name\": \"@acme/api\",\n  \"version\": \"2.1.0\"\n}\n" })
  // feature/rate-limit: open pull request #1.
  const r2 = h.commit([a7], "Rate limit per API key\n", alice, {
    "src/config.ts": "export const rateLimit = { perMinute: 120, by: \"api-key\" }\n"
  })
  const r3 = h.commit([r2], "Document rate limits\n", alice, { "docs/rate-limits.md": "# Rate limits\n\n120 requests per minute per API key.\n" })
  const d1 = h.commit([a7], "Start 2.2.0 development\n", bob, { "CHANGELOG.md": "# 2.2.0 (unreleased)\n" })
  const at = (i: number) => h.date(i)
  return {
    repository: "acme/api",
    commits: h.commits,
    branches: [
      { name: "main", target: a7 },
      { name: "develop", target: d1 },
      { name: "feature/rate-limit", target: r3 },
      { name: "feature/rate-limit-v1", target: r1 },
      { name: "experiment/graphql", target: gq }
    ],
    tags: [
      { name: "v2.0.0", target: a1, message: "2.0.0\n", tagger: alice, date: at(0) },
      { name: "v2.1.0", target: a7, message: "2.1.0\n", tagger: alice, date: at(10) }
    ],
    pullRequests: [
      {
        id: 1,
        title: "Rate limit per API key",
        description: "Replaces #4.",
        state: "OPEN",
        author: ALICE,
        source: { branch: "feature/rate-limit", commit: r3 },
        destination: { branch: "main", commit: a7 },
        reviewers: [BOB],
        participants: [{ user: BOB, role: "REVIEWER", approved: false, state: null, participated_on: null }],
        created_on: at(12),
        updated_on: at(12),
        close_source_branch: false,
        comments: [{ id: 2101, user: ALICE, raw: "Ready for review.", created_on: at(12) }]
      },
      {
        id: 2,
        title: "Token authentication",
        state: "MERGED",
        author: BOB,
        source: { branch: "feature/auth", commit: au2 },
        destination: { branch: "main", commit: a4 },
        reviewers: [ALICE],
        participants: [{ user: ALICE, role: "REVIEWER", approved: true, state: "approved", participated_on: at(6) }],
        created_on: at(5),
        updated_on: at(6),
        close_source_branch: true,
        merge_commit: a5,
        closed_by: ALICE
      },
      {
        id: 3,
        title: "Try GraphQL",
        state: "DECLINED",
        author: CAROL,
        source: { branch: "experiment/graphql", commit: gq },
        destination: { branch: "main", commit: a6 },
        reviewers: [ALICE],
        participants: [],
        created_on: at(8),
        updated_on: at(9),
        closed_by: ALICE,
        reason: "Not now."
      },
      {
        id: 4,
        title: "Rate limit per IP",
        state: "SUPERSEDED",
        author: ALICE,
        source: { branch: "feature/rate-limit-v1", commit: r1 },
        destination: { branch: "main", commit: a6 },
        reviewers: [],
        participants: [],
        created_on: at(9),
        updated_on: at(12),
        closed_by: ALICE
      }
    ],
    statuses: [
      { commit: r3, key: "build", state: "SUCCESSFUL", name: "Pipeline #88", url: "https://ci.acme.example/api/88", refname: "feature/rate-limit", created_on: at(13) },
      { commit: a7, key: "build", state: "SUCCESSFUL", name: "Pipeline #87", url: "https://ci.acme.example/api/87", refname: "main", created_on: at(11) },
      { commit: a7, key: "deploy-prod", state: "FAILED", name: "Deploy to production", url: "https://ci.acme.example/api/87/deploy", description: "Health check failed", refname: "main", created_on: at(11) }
    ]
  }
}

/** The git seed of {@link defaultSeed}. */
export const defaultGit = (): Array<SeedGitRepository> => {
  const parser = fastParser()
  return [effectPlayground(), parser.demo, parser.acme, acmeApi()]
}

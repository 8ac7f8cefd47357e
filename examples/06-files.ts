/**
 * Example 6: walk a repository's files at a branch, read one, and commit a change on a branch of
 * its own, on top of the head that was read (a compare-and-swap: if the branch moved meanwhile,
 * Bitbucket answers 409 and nothing is written).
 *
 * Against the fake: demo/effect-playground at main, committing to docs/example. Against the real
 * API it reads BITBUCKET_REPO (workspace/slug), and writes only when BITBUCKET_FILES_BRANCH names
 * the branch to commit to (created from the main branch when it does not exist).
 *
 * Run: npx tsx examples/06-files.ts
 */
import { Console, Effect, Option, Stream } from "effect"
import { Commit, Ref, Repository, Source } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

/** The files of a repository's main branch, three levels deep, and the length of its README. */
export const survey = (fullName: string) =>
  Effect.gen(function*() {
    const repo = yield* Repository.parseFullName(fullName)
    const main = (yield* Repository.find(repo)).mainbranch?.name ?? "main"
    const head = (yield* Commit.find({ ...repo, commit: main })).hash!
    const files = yield* Source.findForDirectory({ ...repo, commit: head }, { max_depth: 3, pagelen: 100 }).pipe(
      Stream.filter(Source.isFile),
      Stream.map((entry) => entry.path ?? ""),
      Stream.runCollect
    )
    const readme = [...files].find((path) => /^readme(\.md)?$/i.test(path))
    const readmeText = readme === undefined ? "" : yield* Source.contentText({ ...repo, commit: head, path: readme })
    return { repo, head, files: files.length, readme, readmeLines: readmeText.split("\n").length }
  })

/** Writes `path` on `branch`, starting from the branch's head (or main's, for a new branch). */
export const commitNote = (repo: Repository.RepositoryRef, mainHead: string, branch: string, path: string, text: string) =>
  Effect.gen(function*() {
    const tip = yield* Ref.findBranch({ ...repo, name: branch }).pipe(
      Effect.map((b) => b.target?.hash ?? mainHead),
      Effect.catchTag("NotFound", () => Effect.succeed(mainHead))
    )
    const hash = yield* Source.createCommit(repo, {
      message: `Add ${path}\n\nWritten by the effect-bitbucket files example.\n`,
      branch,
      parents: [tip],
      files: [{ path, content: text }]
    })
    return { parent: tip, hash: Option.getOrElse(hash, () => "(not named)") }
  })

export const main = Effect.gen(function*() {
  const fullName = live ? process.env["BITBUCKET_REPO"] ?? "" : "demo/effect-playground"
  if (fullName === "") return yield* Console.log("skipped: set BITBUCKET_REPO to the repository to read")
  const found = yield* survey(fullName)
  yield* Console.log(
    `${fullName} at ${found.head.slice(0, 7)}: ${found.files} files (3 levels deep); ${found.readme ?? "no README"}${
      found.readme === undefined ? "" : `, ${found.readmeLines} lines`
    }`
  )
  const branch = live ? process.env["BITBUCKET_FILES_BRANCH"] : "docs/example"
  if (branch === undefined || branch === "") return yield* Console.log("not committing: set BITBUCKET_FILES_BRANCH to let this example write")
  const written = yield* commitNote(found.repo, found.head, branch, "docs/effect-bitbucket-example.md", `# Example\n\n${found.files} files at ${found.head}.\n`)
  const content = yield* Source.contentText({ ...found.repo, commit: written.hash, path: "docs/effect-bitbucket-example.md" })
  yield* Console.log(`Committed ${written.hash.slice(0, 7)} on ${branch} (parent ${written.parent.slice(0, 7)}); the file reads back: ${JSON.stringify(content.split("\n")[0])}`)
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

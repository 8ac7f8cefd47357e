/**
 * Example 6: walk a repository's files at a branch, read one, and commit a change on a branch of
 * its own, on top of the head that was read (a compare-and-swap: if the branch moved meanwhile,
 * Bitbucket answers 409 and nothing is written).
 *
 * Against the fake: demo/effect-playground at main, committing to docs/example. Against the real
 * API it reads BITBUCKET_REPO (workspace/slug), and writes only when BITBUCKET_FILES_BRANCH names
 * the branch to commit to: a new branch (made from the main branch), or one this example made.
 * It never writes to the main branch, to a branch with other work, or to an empty repository.
 *
 * Run: npx tsx examples/06-files.ts
 */
import { Console, Effect, Option, Stream } from "effect"
import { Commit, Ref, Repository, Source } from "../src/index.js"
import { ExampleLayer, live } from "./runtime.js"

const notePath = "docs/effect-bitbucket-example.md"
const noteMessage = `Add ${notePath}\n\nWritten by the effect-bitbucket files example.\n`

/**
 * The files of a repository's main branch, three levels deep, and the length of its README; none
 * for an empty repository (no main branch).
 */
export const survey = (fullName: string) =>
  Effect.gen(function*() {
    const repo = yield* Repository.parseFullName(fullName)
    const main = (yield* Repository.find(repo)).mainbranch?.name
    if (main === undefined) return Option.none()
    const head = (yield* Commit.find({ ...repo, commit: main })).hash!
    const files = yield* Source.findForDirectory({ ...repo, commit: head }, { max_depth: 3, pagelen: 100 }).pipe(
      Stream.filter(Source.isFile),
      Stream.map((entry) => entry.path ?? ""),
      Stream.runCollect
    )
    const readme = [...files].find((path) => /^readme(\.md)?$/i.test(path))
    const readmeText = readme === undefined ? "" : yield* Source.contentText({ ...repo, commit: head, path: readme })
    return Option.some({ repo, main, head, files: files.length, readme, readmeLines: readmeText.split("\n").length })
  })

/**
 * Writes the note on `branch`: a new branch from the main branch's head, or one whose head this
 * example wrote; any other branch (the main one included) is left alone (`Option.none()`).
 */
export const commitNote = (repo: Repository.RepositoryRef, mainHead: string, branch: string, text: string) =>
  Effect.gen(function*() {
    const existing = yield* Ref.findBranch({ ...repo, name: branch }).pipe(
      Effect.map((b) => Option.fromNullable(b.target?.hash)),
      Effect.catchTag("NotFound", () => Effect.succeed(Option.none<string>()))
    )
    if (Option.isSome(existing) && (yield* Commit.find({ ...repo, commit: existing.value })).message !== noteMessage) {
      return Option.none()
    }
    const parent = Option.getOrElse(existing, () => mainHead)
    const hash = yield* Source.createCommit(repo, { message: noteMessage, branch, parents: [parent], files: [{ path: notePath, content: text }] })
    return Option.some({ parent, hash: Option.getOrElse(hash, () => "(not named)") })
  })

export const main = Effect.gen(function*() {
  const fullName = live ? process.env["BITBUCKET_REPO"] ?? "" : "demo/effect-playground"
  if (fullName === "") return yield* Console.log("skipped: set BITBUCKET_REPO to the repository to read")
  const surveyed = yield* survey(fullName)
  if (Option.isNone(surveyed)) return yield* Console.log(`${fullName} is empty: nothing to read, and nothing written`)
  const found = surveyed.value
  yield* Console.log(
    `${fullName} at ${found.head.slice(0, 7)}: ${found.files} files (3 levels deep); ${found.readme ?? "no README"}${
      found.readme === undefined ? "" : `, ${found.readmeLines} lines`
    }`
  )
  const branch = live ? process.env["BITBUCKET_FILES_BRANCH"] : "docs/example"
  if (branch === undefined || branch === "") return yield* Console.log("not committing: set BITBUCKET_FILES_BRANCH to let this example write")
  if (branch === found.main) return yield* Console.log(`not committing: ${branch} is the main branch; name a branch of the example's own`)
  const written = yield* commitNote(found.repo, found.head, branch, `# Example\n\n${found.files} files at ${found.head}.\n`)
  if (Option.isNone(written)) return yield* Console.log(`not committing: ${branch} has work that is not this example's`)
  const { hash, parent } = written.value
  const content = yield* Source.contentText({ ...found.repo, commit: hash, path: notePath })
  yield* Console.log(`Committed ${hash.slice(0, 7)} on ${branch} (parent ${parent.slice(0, 7)}); the file reads back: ${JSON.stringify(content.split("\n")[0])}`)
})

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(main.pipe(Effect.provide(ExampleLayer))).catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

/**
 * What an editor shows: the types of operations print with the resources' names
 * (`Effect<Repository, ...>`), not every field of them. Asked of the TypeScript checker itself,
 * so a resource whose type turns back into an anonymous structure fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import * as path from "node:path"
import ts from "typescript"

const probe = path.resolve("test/.types-probe.ts")
const source = `
import { Comment, Commit, Deployment, Pipeline, PullRequest, Repository, Snippet, User, Webhook, Workspace } from "../src/index.js"
export const find = Repository.find({ workspace: "w", repo_slug: "r" })
export const listing = Repository.findForWorkspace({ workspace: "w" })
export const create = PullRequest.create
export const comments = Commit.findForRepository({ workspace: "w", repo_slug: "r" })
export const me = User.current()
export const hooks = Webhook.findForRepository({ workspace: "w", repo_slug: "r" })
export const workspace = Workspace.find({ workspace: "w" })
export const content = Snippet.content({ workspace: "w", encoded_id: "e" }, "f")
export const source = (pr: PullRequest.PullRequest) => pr.source
export const inline = (comment: Comment.Comment) => comment.inline
export const author = (commit: Commit.Commit) => commit.author
export const parent = (repo: Repository.Repository) => repo.parent
export const annotated = Repository.Repository.annotations({ identifier: "Repo" }).fields.full_name
export const variables = Pipeline.findVariables({ workspace: "w", repo_slug: "r" })
export const createVariable = Deployment.createVariable
export const deployment = Deployment.find({ workspace: "w", repo_slug: "r", deployment_uuid: "{d}" })
export const environmentOf = (deployment: Deployment.Deployment) => deployment.environment
`

let cached: Record<string, string> | undefined

/** Each probe's type as the checker prints it (one program for the file: it takes seconds). */
const printed = (): Record<string, string> => (cached ??= print())

const print = (): Record<string, string> => {
  const host = ts.createCompilerHost({})
  const readFile = host.readFile
  host.readFile = (file) => (path.resolve(file) === probe ? source : readFile.call(host, file))
  const fileExists = host.fileExists
  host.fileExists = (file) => path.resolve(file) === probe || fileExists.call(host, file)
  const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  const program = ts.createProgram([probe], { ...config!.options, noEmit: true }, host)
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(probe)!
  const problems = ts.getPreEmitDiagnostics(program, file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))
  expect(problems).toEqual([])
  const out: Record<string, string> = {}
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue
    for (const declaration of statement.declarationList.declarations) {
      out[declaration.name.getText(file)] = checker.typeToString(
        checker.getTypeAtLocation(declaration.name),
        undefined,
        ts.TypeFormatFlags.NoTruncation
      )
    }
  }
  return out
}

describe("types as an editor prints them", () => {
  it("operations name their resources and payloads", { timeout: 60_000 }, () => {
    const types = printed()
    expect(types["find"]).toBe("Effect<Repository, BitbucketError, Requirements>")
    expect(types["listing"]).toBe("Stream<Repository, BitbucketError, Requirements>")
    expect(types["create"]).toBe(
      "(ref: RepositoryRef, payload: CreatePayload) => Effect<PullRequest, BitbucketError, Requirements>"
    )
    expect(types["comments"]).toBe("Stream<Commit, BitbucketError, Requirements>")
    expect(types["me"]).toBe("Effect<Account, BitbucketError, Requirements>")
    expect(types["hooks"]).toBe("Stream<Webhook, BitbucketError, Requirements>")
    expect(types["workspace"]).toBe("Effect<Workspace, BitbucketError, Requirements>")
    expect(types["content"]).toBe("Stream<Uint8Array<ArrayBufferLike>, BitbucketError, Requirements>")
    expect(types["variables"]).toBe("Stream<Variable, BitbucketError, Requirements>")
    expect(types["createVariable"]).toBe("(ref: EnvironmentRef, payload: VariablePayload) => Effect<Variable, BitbucketError, Requirements>")
    expect(types["deployment"]).toBe("Effect<Deployment, BitbucketError, Requirements>")
  })

  it("nested resources have names too, and a schema keeps its fields through annotations", { timeout: 60_000 }, () => {
    const types = printed()
    expect(types["source"]).toBe("(pr: PullRequest) => Endpoint | undefined")
    expect(types["inline"]).toBe("(comment: Comment) => Inline | undefined")
    expect(types["author"]).toBe("(commit: Commit) => Author | undefined")
    expect(types["parent"]).toBe("(repo: Repository) => ParentRepository | null | undefined")
    expect(types["annotated"]).toBe("optional<typeof String$>")
    expect(types["environmentOf"]).toBe("(deployment: Deployment) => Environment | undefined")
  })
})

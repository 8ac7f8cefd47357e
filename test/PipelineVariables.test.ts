import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Layer, Redacted, Stream } from "effect"
import * as util from "node:util"
import { Authenticator, BitbucketError, Deployment, Pipeline, type Requirements } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"
import { capture } from "./support/capture.js"
import { errorBody, json, mockHttp } from "./support/mockHttp.js"
import { scopedTokens } from "./support/scopedTokens.js"

const fake = FakeBitbucket.layer()
const alice = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" })
const AsAlice = alice.pipe(Layer.provideMerge(fake))
// Bob on the same fake: a collaborator (write) of demo, a member (read) of acme.
const asBob = Authenticator.apiToken({ email: "bob@example.com", token: "bob-api-token" })

const repo = { workspace: "demo", repo_slug: "effect-playground" }
const acme = { workspace: "acme" }
const SECRET = "s3cr3t-variable-canary-81d2"
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

layer(AsAlice)("Pipeline variables against the fake", (it) => {
  it.effect("a repository's variables: created, listed, found, changed and removed; a secured value never comes back", () =>
    Effect.gen(function*() {
      const plain = yield* Pipeline.createVariable(repo, { key: "DEPLOY_REGION", value: "eu-west-1" })
      expect(plain).toMatchObject({ type: "pipeline_variable", key: "DEPLOY_REGION", value: "eu-west-1", secured: false })
      expect(plain.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/)
      const secured = yield* Pipeline.createVariable(repo, { key: "DEPLOY_TOKEN", value: Redacted.make(SECRET), secured: true })
      expect(secured).toMatchObject({ key: "DEPLOY_TOKEN", secured: true })
      expect("value" in secured).toBe(false)

      const listed = yield* collect(Pipeline.findVariables(repo))
      // The seed's two, then ours.
      expect(listed.map((v) => v.key)).toEqual(["NODE_VERSION", "NPM_TOKEN", "DEPLOY_REGION", "DEPLOY_TOKEN"])
      expect(listed.filter((v) => v.secured).every((v) => v.value === undefined)).toBe(true)
      expect(JSON.stringify(listed)).not.toContain(SECRET)
      expect(JSON.stringify(listed)).not.toContain("npm_seeded-demo-token")

      const ref = { ...repo, variable_uuid: secured.uuid! }
      expect(yield* Pipeline.findVariable(ref)).toEqual(secured)
      const rotated = yield* Pipeline.updateVariable(ref, { key: "DEPLOY_TOKEN", value: Redacted.make(`${SECRET}-2`), secured: true })
      expect(rotated).toEqual(secured)
      const renamed = yield* Pipeline.updateVariable({ ...repo, variable_uuid: plain.uuid! }, { key: "REGION", value: "us-east-1" })
      expect(renamed).toMatchObject({ uuid: plain.uuid, key: "REGION", value: "us-east-1" })

      yield* Pipeline.deleteVariable(ref)
      expect(yield* Effect.flip(Pipeline.findVariable(ref))).toBeInstanceOf(BitbucketError.NotFound)
      expect((yield* collect(Pipeline.findVariables(repo))).map((v) => v.key)).toEqual(["NODE_VERSION", "NPM_TOKEN", "REGION"])
    }))

  it.effect("a key taken in the same place is Conflict, and its error does not show the value sent", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.flip(Pipeline.createVariable(repo, { key: "NPM_TOKEN", value: Redacted.make(SECRET), secured: true }))
      expect(taken).toBeInstanceOf(BitbucketError.Conflict)
      for (const shown of [taken.message, String(taken), JSON.stringify(taken), util.inspect(taken, { depth: 10 })]) {
        expect(shown).not.toContain(SECRET)
      }
      // Keys are case-sensitive; another repository's NPM_TOKEN is another variable.
      const lower = yield* Pipeline.createVariable(repo, { key: "npm_token", value: "x" })
      const elsewhere = yield* Pipeline.createVariable({ workspace: "demo", repo_slug: "ts-utils" }, { key: "NPM_TOKEN", value: "y" })
      expect([lower.key, elsewhere.key]).toEqual(["npm_token", "NPM_TOKEN"])
      // Renaming onto a taken key is refused too.
      const renamed = yield* Effect.flip(Pipeline.updateVariable({ ...repo, variable_uuid: lower.uuid! }, { key: "NODE_VERSION", value: "x" }))
      expect(renamed).toBeInstanceOf(BitbucketError.Conflict)
    }))

  it.effect("a workspace's variables: the same round trip, under the workspace", () =>
    Effect.gen(function*() {
      expect((yield* collect(Pipeline.findWorkspaceVariables(acme))).map((v) => [v.key, v.value])).toEqual([["ARTIFACT_BUCKET", "acme-artifacts"]])
      const created = yield* Pipeline.createWorkspaceVariable(acme, { key: "SONAR_TOKEN", value: Redacted.make(SECRET), secured: true })
      const ref = { ...acme, variable_uuid: created.uuid! }
      expect(yield* Pipeline.findWorkspaceVariable(ref)).toMatchObject({ key: "SONAR_TOKEN", secured: true })
      expect(JSON.stringify(yield* collect(Pipeline.findWorkspaceVariables(acme)))).not.toContain(SECRET)
      const plain = yield* Pipeline.updateWorkspaceVariable(ref, { key: "SONAR_HOST", value: "https://sonar.example.com", secured: false })
      expect(plain).toMatchObject({ key: "SONAR_HOST", value: "https://sonar.example.com", secured: false })
      const taken = yield* Effect.flip(Pipeline.createWorkspaceVariable(acme, { key: "ARTIFACT_BUCKET", value: "again" }))
      expect(taken).toBeInstanceOf(BitbucketError.Conflict)
      yield* Pipeline.deleteWorkspaceVariable(ref)
      expect(yield* Effect.flip(Pipeline.findWorkspaceVariable(ref))).toBeInstanceOf(BitbucketError.NotFound)
      // A workspace's variables are not a repository's.
      expect((yield* collect(Pipeline.findVariables({ workspace: "acme", repo_slug: "api" }))).map((v) => v.key)).toEqual([])
    }))

  it.effect("variables need admin access: a writer, a workspace member and the anonymous are refused", () =>
    Effect.gen(function*() {
      const writer = yield* Effect.flip(collect(Pipeline.findVariables(repo))).pipe(Effect.provide(asBob))
      expect(writer).toBeInstanceOf(BitbucketError.Forbidden)
      const creating = yield* Effect.flip(Pipeline.createVariable(repo, { key: "BOBS", value: Redacted.make(SECRET), secured: true })).pipe(
        Effect.provide(asBob)
      )
      expect(creating).toBeInstanceOf(BitbucketError.Forbidden)
      expect(creating.message).not.toContain(SECRET)
      const member = yield* Effect.flip(collect(Pipeline.findWorkspaceVariables(acme))).pipe(Effect.provide(asBob))
      expect(member).toBeInstanceOf(BitbucketError.Forbidden)
      const anonymous = yield* Effect.flip(collect(Pipeline.findVariables(repo))).pipe(Effect.provide(Authenticator.anonymous))
      expect(anonymous).toBeInstanceOf(BitbucketError.Unauthorized)
      // Nothing was added by the refused create.
      expect((yield* collect(Pipeline.findVariables(repo))).map((v) => v.key)).not.toContain("BOBS")
    }))

  it.effect("the fake never shows a secured value: not in its JSON, not when the variable is made unsecured without a new one", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBitbucket.FakeBitbucket
      const created = yield* Pipeline.createVariable(repo, { key: "RAW_SECRET", value: Redacted.make(SECRET), secured: true })
      const url = `${fake.baseUrl}/repositories/demo/effect-playground/pipelines_config/variables/${encodeURIComponent(created.uuid!)}`
      const send = (method: string, body?: unknown) =>
        Effect.flatMap(
          fake.handle(new Request(url, {
            method,
            headers: { authorization: `Basic ${btoa("alice@example.com:alice-api-token")}`, "content-type": "application/json" },
            ...(body === undefined ? {} : { body: JSON.stringify(body) })
          })),
          (response) => Effect.promise(async () => ({ status: response.status, text: await response.text() }))
        )
      const read = yield* send("GET")
      expect(read.status).toBe(200)
      expect(Object.keys(JSON.parse(read.text))).not.toContain("value")
      const unsecured = yield* send("PUT", { secured: false })
      expect(unsecured.status).toBe(400)
      expect(unsecured.text).not.toContain(SECRET)
      expect(JSON.parse((yield* send("GET")).text)).toMatchObject({ secured: true })
      const replaced = yield* send("PUT", { secured: false, value: "public now" })
      expect(JSON.parse(replaced.text)).toMatchObject({ key: "RAW_SECRET", secured: false, value: "public now" })
    }))

  it.effect("the snapshot keeps variables, secured ones still secured, with the same uuids", () =>
    Effect.gen(function*() {
      const created = yield* Pipeline.createVariable({ workspace: "demo", repo_slug: "docs" }, { key: "KEPT", value: Redacted.make(SECRET), secured: true })
      const shared = yield* Pipeline.createWorkspaceVariable({ workspace: "demo" }, { key: "SHARED", value: "yes" })
      const snapshot = yield* (yield* FakeBitbucket.FakeBitbucket).snapshot
      const restored = Layer.provideMerge(alice, FakeBitbucket.layer({ seed: snapshot }))
      const [kept, workspace] = yield* Effect.all([
        collect(Pipeline.findVariables({ workspace: "demo", repo_slug: "docs" })),
        collect(Pipeline.findWorkspaceVariables({ workspace: "demo" }))
      ]).pipe(Effect.provide(restored))
      expect(kept).toEqual([created])
      expect(workspace).toEqual([shared])
    }))
})

describe("Pipeline variables and OAuth scopes in the fake", () => {
  it.effect("reading takes pipeline, changing pipeline:variable, as the spec has them", () =>
    Effect.gen(function*() {
      const asToken = scopedTokens({ reader: ["pipeline"], configurer: ["pipeline:variable"] })
      const read = yield* collect(Pipeline.findVariables(repo)).pipe(Effect.provide(asToken("reader")))
      expect(read.map((v) => v.key)).toEqual(["NODE_VERSION", "NPM_TOKEN"])
      const denied = yield* Effect.flip(Pipeline.createVariable(repo, { key: "X", value: "1" })).pipe(Effect.provide(asToken("reader")))
      expect(denied).toBeInstanceOf(BitbucketError.Forbidden)
      expect(denied.message).toContain("scope")
      const created = yield* Pipeline.createVariable(repo, { key: "X", value: "1" }).pipe(Effect.provide(asToken("configurer")))
      expect(created.key).toBe("X")
    }))
})

describe("Pipeline variables on the wire", () => {
  const variable = { type: "pipeline_variable", uuid: "{ab12}", key: "TOKEN", secured: true }

  it.effect("a bad key is InvalidInput naming the field, and nothing is sent, wherever the variable goes", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(variable, 201))
      const environment = { ...repo, environment_uuid: "{e}" }
      for (const key of ["1ST", "WITH-DASH", "has space", "", "ÜBER", "A.B", "$HOME"]) {
        const payload = { key, value: Redacted.make(SECRET), secured: true }
        const attempts: ReadonlyArray<readonly [Effect.Effect<unknown, BitbucketError.BitbucketError, Requirements>, string]> = [
          [Pipeline.createVariable(repo, payload), "payload.key"],
          [Pipeline.updateVariable({ ...repo, variable_uuid: "{v}" }, payload), "payload.key"],
          [Pipeline.createWorkspaceVariable(acme, payload), "payload.key"],
          [Pipeline.updateWorkspaceVariable({ ...acme, variable_uuid: "{v}" }, payload), "payload.key"],
          [Deployment.createVariable(environment, payload), "payload.key"],
          [Deployment.updateVariable({ ...environment, variable_uuid: "{v}" }, payload), "payload.key"],
          [Pipeline.trigger(repo, { target: Pipeline.onBranch("main"), variables: [{ key: "OK", value: "1" }, payload] }), "payload.variables.1.key"]
        ]
        for (const [attempt, parameter] of attempts) {
          const error = yield* Effect.flip(attempt).pipe(Effect.provide(mock.anonymous))
          expect(error).toBeInstanceOf(BitbucketError.InvalidInput)
          expect(error).toMatchObject({ parameter })
          expect(error.message).not.toContain(SECRET)
        }
      }
      expect(mock.requests).toEqual([])
      // What Bitbucket accepts goes through: letters, digits (not first) and underscores.
      for (const key of ["_PRIVATE", "a1", "MY_VAR_2"]) yield* Pipeline.createVariable(repo, { key, value: "v" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests).toHaveLength(3)
    }))

  it.effect("a secured value is sent as text; a uuid with braces is one path segment", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(variable))
      yield* Pipeline.updateVariable({ ...repo, variable_uuid: "{ab12/..}" }, { key: "TOKEN", value: Redacted.make(SECRET), secured: true }).pipe(
        Effect.provide(mock.anonymous)
      )
      yield* Pipeline.findWorkspaceVariable({ ...acme, variable_uuid: "{ab12}" }).pipe(Effect.provide(mock.anonymous))
      expect(mock.requests.map((r) => [r.method, r.url.pathname])).toEqual([
        ["PUT", "/2.0/repositories/demo/effect-playground/pipelines_config/variables/%7Bab12%2F..%7D"],
        ["GET", "/2.0/workspaces/acme/pipelines-config/variables/%7Bab12%7D"]
      ])
      expect(JSON.parse(mock.requests[0]!.body)).toEqual({ key: "TOKEN", value: SECRET, secured: true })
    }))

  it.effect("an error body that quotes the secured value does not carry it into the error, its logs or its spans", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() =>
        json(errorBody(`value ${SECRET} is too long`, { detail: `got ${SECRET}`, fields: { value: [`not "${SECRET}"`] } }), 400)
      )
      const { around, logs, spans } = capture("variables")
      const exit = yield* Effect.exit(around(
        Pipeline.createVariable(repo, { key: "TOKEN", value: Redacted.make(SECRET), secured: true }).pipe(Effect.provide(mock.anonymous))
      ))
      // It really was sent, and refused.
      expect(mock.requests[0]!.body).toContain(SECRET)
      expect(Exit.isFailure(exit)).toBe(true)
      if (!Exit.isFailure(exit)) return
      const error = Cause.squash(exit.cause) as BitbucketError.BadRequest
      expect(error).toBeInstanceOf(BitbucketError.BadRequest)
      expect(error.message).toContain("is too long")
      expect(error.fields).toEqual({ value: ['not "<redacted>"'] })
      for (const shown of [error.message, JSON.stringify(error), util.inspect(error, { depth: 10 }), Cause.pretty(exit.cause), ...logs, ...spans]) {
        expect(shown).not.toContain(SECRET)
      }
      expect(spans.join("\n")).toContain("Bitbucket.Pipeline.createVariable")
    }))

  it.effect("a secret echoed in any spelling (escaped, \\u, URL-encoded), inside a longer one, or short, stays out of the error", () =>
    Effect.gen(function*() {
      const pem = "-----BEGIN KEY-----\nMIIBOgIBAAJBAK\"quoted\"\\path\nZ\u00e4hler-\u00fc\n-----END KEY-----"
      // Bitbucket's JSON escapes the newlines, quotes and backslashes, and may write non-ASCII as \u escapes.
      const escaped = JSON.stringify(pem).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      const body = `{"type":"error","error":{"message":"bad value","detail":"got ${escaped.slice(1, -1)}","fields":{"value":["${escaped.slice(1, -1)}"]}}}`
      const shownBy = (reply: Response, variable: Pipeline.VariablePayload) =>
        Effect.gen(function*() {
          const mock = mockHttp(() => reply)
          const exit = yield* Effect.exit(Pipeline.createVariable(repo, variable).pipe(Effect.provide(mock.anonymous)))
          expect(Exit.isFailure(exit)).toBe(true)
          return Exit.isFailure(exit) ? [util.inspect(Cause.squash(exit.cause), { depth: 10 }), Cause.pretty(exit.cause)].join("\n") : ""
        })
      const json400 = new Response(body, { status: 400, headers: { "content-type": "application/json" } })
      const shown = yield* shownBy(json400, { key: "KEY", value: Redacted.make(pem) })
      expect(shown).toContain("bad value")
      for (const part of ["MIIBOgIBAAJBAK", "quoted", "Z\u00e4hler", "Z\\u00e4hler"]) expect(shown).not.toContain(part)
      // A text answer quoting it URL-encoded.
      const text = new Response(`rejected value=${encodeURIComponent(pem)}`, { status: 400, headers: { "content-type": "text/plain" } })
      expect(yield* shownBy(text, { key: "KEY", value: Redacted.make(pem) })).not.toContain("MIIBOgIBAAJBAK")
      // A plain value marked secured is a secret too.
      const plain = new Response(JSON.stringify(errorBody("bad", { detail: "got plain-secret-value" })), { status: 400, headers: { "content-type": "application/json" } })
      expect(yield* shownBy(plain, { key: "KEY", value: "plain-secret-value", secured: true })).not.toContain("plain-secret-value")
      // A short secret cannot be blanked out of text: what holds it is withheld.
      const pin = new Response(JSON.stringify(errorBody("bad", { detail: "PIN 4711 rejected" })), { status: 400, headers: { "content-type": "application/json" } })
      expect(yield* shownBy(pin, { key: "PIN", value: Redacted.make("471") })).not.toContain("471")
    }))

  it.effect("overlapping secrets leave nothing of the longer one; a Redacted value is sent secured; a plain update keeps secured as it was", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.method === "POST" && request.url.pathname.endsWith("/pipelines/")
          ? json(errorBody("bad", { detail: "got abcd and abcdSECRETTAIL" }), 400)
          : json({ type: "pipeline_variable", uuid: "{v}", key: "K", secured: true })
      )
      const exit = yield* Effect.exit(Pipeline.trigger(repo, {
        target: Pipeline.onBranch("main"),
        variables: [{ key: "A", value: Redacted.make("abcd") }, { key: "B", value: Redacted.make("abcdSECRETTAIL") }]
      }).pipe(Effect.provide(mock.anonymous)))
      expect(Exit.isFailure(exit) && Cause.pretty(exit.cause)).not.toContain("SECRETTAIL")
      expect(JSON.parse(mock.requests[0]!.body).variables.map((v: { secured: boolean }) => v.secured)).toEqual([true, true])
      yield* Pipeline.createVariable(repo, { key: "K", value: Redacted.make("x-secret") }).pipe(Effect.provide(mock.anonymous))
      yield* Pipeline.updateVariable({ ...repo, variable_uuid: "{v}" }, { key: "K", value: "shown" }).pipe(Effect.provide(mock.anonymous))
      yield* Deployment.updateVariable({ ...repo, environment_uuid: "{e}", variable_uuid: "{v}" }, { key: "K", value: Redacted.make("y-secret") })
        .pipe(Effect.provide(mock.anonymous))
      // A plain value's update leaves `secured` as it was: a secret rotated as plain text stays secured.
      expect(mock.requests.slice(1).map((r) => JSON.parse(r.body).secured)).toEqual([true, undefined, true])
    }))

  it.effect("other echoes: HTML across lines or with markup inside, a quote cut short, another case, Python's repr, JSON twice, a decode error", () =>
    Effect.gen(function*() {
      const secret = "ghp_Abc<def>Ghij\nKlmnOpqrStuv\u00e4Wxyz0123"
      const echoes: ReadonlyArray<Response> = [
        new Response(`<html><body><pre>${secret}</pre></body></html>`, { status: 400, headers: { "content-type": "text/html" } }),
        json(errorBody(`value '${secret.slice(0, 14)}...' rejected`), 400),
        json(errorBody(`value ${secret.toUpperCase()} rejected`), 400),
        json(errorBody(`value ${"'" + secret.replace(/\n/g, "\\n").replace(/\u00e4/g, "\\xe4") + "'"} rejected`), 400),
        json(errorBody(`value ${JSON.stringify(JSON.stringify(secret))} rejected`), 400),
        json(errorBody(`value ${secret.replace(/[<>]/g, (c) => `&#${c.charCodeAt(0)};`)} rejected`), 400),
        // A 2xx answer that fails to decode, quoting what was sent.
        json({ type: "pipeline_variable", key: "K", value: { echoed: secret } }, 201)
      ]
      for (const reply of echoes) {
        const mock = mockHttp(() => reply.clone())
        const exit = yield* Effect.exit(Pipeline.createVariable(repo, { key: "K", value: Redacted.make(secret) }).pipe(Effect.provide(mock.anonymous)))
        expect(Exit.isFailure(exit)).toBe(true)
        const shown = Exit.isFailure(exit) ? [util.inspect(Cause.squash(exit.cause), { depth: 10 }), Cause.pretty(exit.cause), JSON.stringify(Cause.squash(exit.cause))].join("\n") : ""
        for (const part of ["Abc", "Ghij", "KlmnOpqr", "klmnopqr", "Wxyz0123", "WXYZ0123"]) expect(shown, shown).not.toContain(part)
      }
    }))

  it.effect("errors still show their fields in util.inspect: status, url, Bitbucket's words, the support id", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(errorBody("No such variable", { detail: "the detail", id: "support-id-42" }), 404))
      const error = yield* Effect.flip(Pipeline.findVariable({ ...repo, variable_uuid: "{v}" })).pipe(Effect.provide(mock.anonymous))
      const shown = util.inspect(error)
      for (const part of ["NotFound: GET", "status: 404", "the detail", "support-id-42", "url:"]) expect(shown).toContain(part)
    }))
})

describe("Pipeline variables: redaction keeps ordinary errors readable", () => {
  it.effect("a clone URL with a token does not withhold an unrelated error; a secret used as a field name is blanked", () =>
    Effect.gen(function*() {
      const cloneUrl = "https://x-token-auth:ATCTT3xFfGN0qW8zL5mR2pK9vB7nH4jD@bitbucket.org/acme/api.git"
      const mock = mockHttp(() =>
        json(errorBody("Key already in use", { fields: { key: ["taken"], ATCTT3xFfGN0qW8zL5mR2pK9vB7nH4jD: ["unknown field"] } }), 409)
      )
      const error = yield* Effect.flip(Pipeline.createVariable(repo, { key: "CLONE_URL", value: Redacted.make(cloneUrl) })).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(error.message).toContain("Key already in use")
      expect(error.message).toContain("/repositories/demo/effect-playground/pipelines_config/variables")
      expect(error).toMatchObject({ url: "https://api.bitbucket.org/2.0/repositories/demo/effect-playground/pipelines_config/variables" })
      const shown = util.inspect(error, { depth: 10 })
      expect(shown).not.toContain("ATCTT3xFfGN0qW8zL5mR2pK9vB7nH4jD")
      expect((error as BitbucketError.Conflict).fields?.["key"]).toEqual(["taken"])
    }))
})

layer(AsAlice)("Pipeline variables against the fake: rotation", (it) => {
  it.effect("a secured variable updated with a plain value stays secured", () =>
    Effect.gen(function*() {
      const created = yield* Pipeline.createVariable(repo, { key: "ROTATED", value: Redacted.make("first-secret-value") })
      expect(created.secured).toBe(true)
      const ref = { ...repo, variable_uuid: created.uuid! }
      const rotated = yield* Pipeline.updateVariable(ref, { key: "ROTATED", value: "second-secret-value" })
      expect(rotated.secured).toBe(true)
      expect(rotated.value).toBeUndefined()
      expect((yield* Pipeline.findVariable(ref)).value).toBeUndefined()
    }))
})

describe("an update's plain value with secured left out", () => {
  it.effect("may be a secured variable's new value: an error that echoes it shows it blanked", () =>
    Effect.gen(function*() {
      const value = "rotated-plain-value-999"
      const echo = mockHttp((request) => json(errorBody(`cannot save ${request.body}`), 400))
      const repo = { workspace: "demo", repo_slug: "r" }
      const updates = [
        Pipeline.updateVariable({ ...repo, variable_uuid: "{v}" }, { key: "TOKEN", value }),
        Pipeline.updateWorkspaceVariable({ workspace: "demo", variable_uuid: "{v}" }, { key: "TOKEN", value }),
        Deployment.updateVariable({ ...repo, environment_uuid: "{e}", variable_uuid: "{v}" }, { key: "TOKEN", value })
      ]
      for (const update of updates) {
        const error = yield* Effect.flip(update).pipe(Effect.provide(echo.anonymous))
        expect(error.message).toContain("<redacted>")
        expect(JSON.stringify(error)).not.toContain(value)
      }
      // Marked not secured, the value is no secret: the error shows it.
      const open = yield* Effect.flip(Pipeline.updateVariable({ ...repo, variable_uuid: "{v}" }, { key: "URL", value, secured: false })).pipe(
        Effect.provide(echo.anonymous)
      )
      expect(open.message).toContain(value)
    }))
})

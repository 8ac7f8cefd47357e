/**
 * Runs the fake Bitbucket as a real HTTP server on 127.0.0.1 until Ctrl-C.
 *
 *   npm run fake-server -- [--port 7990] [--seed seed.json] [--faults faults.json]
 *
 * - `--port` (default 7990; 0 picks a free port)
 * - `--seed`: a whole seed as JSON, in the shape of `FakeBitbucket.Seed` (for instance
 *   `JSON.stringify(yield* fake.snapshot)`); default `FakeBitbucket.defaultSeed`.
 * - `--faults`: a fault configuration as JSON, e.g.
 *   `{ "seed": 42, "rules": [{ "route": "GET /2.0/repositories", "rate": 0.2, "fault": { "kind": "status", "status": 503 } }] }`
 *   (a RegExp route is written `{ "regex": "^POST ", "flags": "i" }`).
 *
 * Prints the base URL, the OAuth token URL and the seeded credentials (users' emails and API
 * tokens, app passwords, access tokens, OAuth clients).
 */
import { NodeRuntime } from "@effect/platform-node"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { FakeBitbucket } from "../src/testing/index.js"

const usage = `Usage: npm run fake-server -- [--port 7990] [--seed seed.json] [--faults faults.json]

Serves the fake Bitbucket Cloud API on http://127.0.0.1:<port>/2.0 until Ctrl-C.
  --port    TCP port on 127.0.0.1 (default 7990; 0 picks a free one)
  --seed    JSON file with a whole FakeBitbucket.Seed (default: the built-in demo seed)
  --faults  JSON file with a fault configuration: { "seed": 42, "rules": [ ... ] }
  --help    this text`

const readJson = (what: string, file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, "utf8"))
  } catch (cause) {
    throw new Error(`Cannot read ${what} file ${file}: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

const describeCredentials = (seed: FakeBitbucket.Seed): Array<string> => {
  const lines: Array<string> = []
  const who = (ref: string) =>
    seed.users.find((u) => u.uuid === ref || u.account_id === ref || u.email.toLowerCase() === ref.toLowerCase())?.email ?? ref
  lines.push("Users (HTTP Basic: email + API token; legacy: username + app password):")
  for (const u of seed.users) {
    const tokens = u.apiTokens ?? []
    lines.push(`  ${u.display_name.padEnd(18)} ${u.email.padEnd(22)} API token${tokens.length === 1 ? "" : "s"}: ${tokens.length === 0 ? "(none)" : tokens.join(", ")}`)
    if (u.username !== undefined && (u.appPasswords ?? []).length > 0) {
      lines.push(`  ${"".padEnd(18)} app password: ${u.username} / ${(u.appPasswords ?? []).join(", ")}`)
    }
  }
  const tokens = seed.accessTokens ?? []
  if (tokens.length > 0) {
    lines.push("Access tokens (Authorization: Bearer <token>):")
    for (const t of tokens) {
      const bound = t.user !== undefined
        ? `user ${who(t.user)}`
        : t.workspace !== undefined
        ? `workspace ${t.workspace}`
        : t.repository !== undefined
        ? `repository ${t.repository}`
        : "unbound"
      lines.push(`  ${t.token.padEnd(24)} ${bound}${t.name !== undefined ? ` (${t.name})` : ""}`)
    }
  }
  const consumers = seed.oauthConsumers ?? []
  if (consumers.length > 0) {
    lines.push("OAuth clients (client id / secret; owner):")
    for (const c of consumers) {
      const codes = (c.authorizationCodes ?? []).length > 0 ? `; authorization codes: ${(c.authorizationCodes ?? []).join(", ")}` : ""
      lines.push(`  ${c.key} / ${c.secret}; owner ${who(c.owner)}${codes}`)
    }
  }
  return lines
}

const main = Effect.gen(function*() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "7990" },
      seed: { type: "string" },
      faults: { type: "string" },
      help: { type: "boolean", short: "h", default: false }
    },
    strict: true
  })
  if (values.help === true) return yield* Console.log(usage)
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return yield* Effect.fail(new Error(`--port must be 0..65535, not ${values.port}`))
  const seed = values.seed === undefined ? FakeBitbucket.defaultSeed : readJson("seed", values.seed) as FakeBitbucket.Seed
  const faults = values.faults === undefined ? undefined : FakeBitbucket.faultConfigFromJson(readJson("faults", values.faults))

  const server = yield* FakeBitbucket.serve({ port, seed, ...(faults !== undefined ? { faults } : {}) })
  const lines = [
    `Fake Bitbucket listening on ${server.origin}`,
    `  API base URL:    ${server.baseUrl}`,
    `  OAuth token URL: ${server.oauthUrl}/access_token`,
    ...(faults === undefined ? [] : [`  Faults:          ${faults.rules.length} rule(s), seed ${faults.seed ?? 0}`]),
    "",
    ...describeCredentials(seed),
    "",
    `Try: curl -u alice@example.com:alice-api-token ${server.baseUrl}/repositories/demo`,
    "Press Ctrl-C to stop."
  ]
  yield* Console.log(lines.join("\n"))
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchAllDefect((defect) => Effect.fail(defect instanceof Error ? defect : new Error(String(defect)))),
  Effect.tapError((error) => Console.error(error.message)),
  Effect.catchAll(() => Effect.sync(() => {
    process.exitCode = 1
  }))
)

NodeRuntime.runMain(main, { disableErrorReporting: true })

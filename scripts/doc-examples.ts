/**
 * Type-checks every TSDoc example of the library's modules (src/*.ts) against the real API: each
 * ```ts block becomes a module (imports of "effect-bitbucket" pointed at src/), and tsc checks them
 * all. Part of `npm run typecheck`, so an example that drifts from the code fails the tests.
 * An example without imports is a fragment: it gets the usual imports and, when it uses `yield*`,
 * runs inside an `Effect.gen` (with a `fake` in scope when it uses one without making it).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { basename, join } from "node:path"

const prelude = [
  `import { HttpClient } from "@effect/platform"`,
  `import { expect } from "@effect/vitest"`,
  `import { Effect, Layer, Stream } from "effect"`,
  `import { Authenticator, BitbucketConfig, Repository } from "../src/index.js"`,
  `import { FakeBitbucket } from "../src/testing/index.js"`
].join("\n")

const asModule = (code: string): string => {
  if (/^import /m.test(code)) return code
  const needsFake = /\bfake\./.test(code) && !/const fake\b/.test(code)
  const body = `${needsFake ? "const fake = yield* FakeBitbucket.FakeBitbucket\n" : ""}${code}`
  return /\byield\*/.test(body)
    ? `${prelude}\nexport const example = Effect.gen(function*() {\n${body}\n})`
    : `${prelude}\n${code}`
}

const out = ".doc-examples"
rmSync(out, { recursive: true, force: true })
mkdirSync(out)
let count = 0
for (const dir of ["src", "src/testing"]) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const source = readFileSync(join(dir, file), "utf8")
    for (const match of source.matchAll(/\* ```ts\n([\s\S]*?)\* ```/g)) {
      const code = match[1]!
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, ""))
        .join("\n")
        .replace(/from "effect-bitbucket\/testing"/g, `from "../src/testing/index.js"`)
        .replace(/from "effect-bitbucket"/g, `from "../src/index.js"`)
      writeFileSync(join(out, `${basename(dir)}-${basename(file, ".ts")}-${count++}.ts`), `${asModule(code)}\nexport {}\n`)
    }
  }
}
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { noEmit: true }, include: ["./*.ts"] })
)
try {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", join(out, "tsconfig.json")], { stdio: "inherit" })
  console.log(`${count} documentation examples type-check`)
  rmSync(out, { recursive: true, force: true })
} catch {
  console.error(`documentation examples do not type-check (files kept in ${out}/)`)
  process.exitCode = 1
}

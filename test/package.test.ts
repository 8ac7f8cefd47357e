/**
 * The published package, from a consumer's side: scripts/check-package.ts's rules run on the
 * sources here (cheap: no build, no install), and on the built dist/ by `npm pack` (prepack).
 * The fixtures below show that each rule catches what it is for.
 */
import { describe, expect, it } from "@effect/vitest"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { buildConfig, checkBuilt, entryPoints, graphProblems, type Manifest, manifestProblems, sourceOf } from "../scripts/check-package.js"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest
const config = buildConfig(root)
const outDir = relative(root, config.options.outDir ?? "")
const rootDir = relative(root, config.options.rootDir ?? "")

describe("the published package", () => {
  it("package.json: exports list types first, main/types/typesVersions agree with them, files ship dist and src", () => {
    expect(outDir).toBe("dist")
    expect(rootDir).toBe("src")
    expect(manifestProblems(manifest, outDir, rootDir, config.options.declarationMap === true)).toEqual([])
    expect(entryPoints(manifest).map((entry) => entry.subpath)).toEqual([".", "./testing"])
  })

  it("every exports target is built from a file the build compiles", () => {
    const compiled = new Set(config.fileNames.map((file) => relative(root, file).split("\\").join("/")))
    for (const entry of entryPoints(manifest)) {
      for (const target of [entry.js, entry.types]) expect(compiled).toContain(sourceOf(target, outDir, rootDir))
    }
  })

  it("the main entry point loads no fake and needs only the peers; no module runs code when loaded", () => {
    const problems = graphProblems(manifest, (target) => join(root, sourceOf(target, outDir, rootDir)), ["source"])
    expect(problems).toEqual([])
  })

  it("the peer dependencies are the Effect 3 line the code is developed against", () => {
    const dev = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(["@effect/platform", "effect"])
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      expect(range.startsWith(name === "effect" ? "^3." : "^0.")).toBe(true)
      expect(dev.devDependencies[name]).toBe(range)
    }
  })
})

describe("the package rules catch", () => {
  const fixture = (files: Record<string, string>, pkg: Partial<Manifest> = {}): string => {
    const dir = mkdtempSync(join(tmpdir(), "bb-package-"))
    const all: Record<string, string> = {
      "package.json": JSON.stringify({
        type: "module",
        sideEffects: false,
        main: "./dist/index.js",
        types: "./dist/index.d.ts",
        files: ["dist", "src"],
        exports: {
          ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
          "./testing": { types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" }
        },
        typesVersions: { "*": { testing: ["./dist/testing/index.d.ts"] } },
        peerDependencies: { effect: "^3.22.3" },
        ...pkg
      }),
      "tsconfig.build.json": JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "src" } }),
      "dist/index.js": `export * as A from "./A.js"\n`,
      "dist/index.d.ts": `export * as A from "./A.js"\n`,
      "dist/A.js": `import { Effect } from "effect"\nexport const a = Effect.void\n`,
      "dist/A.d.ts": `export declare const a: import("effect/Effect").Effect<void>\n`,
      "dist/testing/index.js": `import { createHash } from "node:crypto"\nexport const fake = createHash\n`,
      "dist/testing/index.d.ts": `export declare const fake: unknown\n`,
      ...files
    }
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    return dir
  }
  const check = (files: Record<string, string>, pkg: Partial<Manifest> = {}): Array<string> => {
    const dir = fixture(files, pkg)
    try {
      return checkBuilt(dir).map((problem) => problem.split(dir).join(""))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it("nothing in a well-formed package", () => {
    expect(check({})).toEqual([])
  })

  it("the main entry point reaching the fake, at run time or in its types", () => {
    expect(check({ "dist/A.js": `import "./testing/index.js"\nexport const a = 1\n` })).toEqual([
      ". (js) loads the fake: 1 module(s) of testing/, /dist/testing/index.js first",
      ". (js) needs Node: /dist/testing/index.js imports node:crypto"
    ])
    expect(check({ "dist/A.d.ts": `export declare const a: typeof import("./testing/index.js").fake\n` })).toEqual([
      ". (dts) loads the fake: 1 module(s) of testing/, /dist/testing/index.d.ts first"
    ])
  })

  it("imports that are not peers, Node built-ins in the main entry point, the platform barrel", () => {
    expect(check({ "dist/A.js": `import "@effect/platform-node"\nimport "node:fs"\nimport { HttpClient } from "@effect/platform"\nexport const a = HttpClient\n` })).toEqual([
      "/dist/A.js imports @effect/platform-node, which is neither a dependency nor a peer dependency",
      ". (js) needs Node: /dist/A.js imports node:fs",
      "/dist/A.js imports the @effect/platform barrel; import the module by path (@effect/platform/HttpClient)"
    ])
  })

  it("code that runs when a module loads", () => {
    expect(check({ "dist/A.js": `export const a = 1\nglobalThis.registered = a\n` })).toEqual([
      "top-level code: /dist/A.js:2: globalThis.registered = a"
    ])
  })

  it("missing targets and relative imports, and an exports entry without types first", () => {
    expect(check({ "dist/index.js": `export * as A from "./A.js"\nexport * as B from "./B.js"\n` })).toEqual([
      "/dist/index.js imports ./B.js, which does not exist"
    ])
    expect(check({}, { exports: { ".": { default: "./dist/index.js", types: "./dist/index.d.ts" } } })).toEqual([
      `exports["."]: "types" must come first`
    ])
    expect(check({}, { main: "./dist/main.js" })).toEqual([
      `"main" (./dist/main.js) differs from exports["."] (./dist/index.js)`,
      "./dist/main.js does not exist"
    ])
    expect(check({}, { typesVersions: {} })).toEqual([`typesVersions["*"]["testing"] must be ["./dist/testing/index.d.ts"]`])
  })

  it("source maps pointing at files that are missing or not shipped", () => {
    expect(check({ "dist/A.js.map": JSON.stringify({ version: 3, sources: ["../src/A.ts"] }) })).toEqual([
      "/dist/A.js.map: source ../src/A.ts does not exist"
    ])
    expect(check({ "dist/A.js.map": JSON.stringify({ version: 3, sources: ["../lib/A.ts"] }), "lib/A.ts": "export const a = 1\n" })).toEqual([
      `/dist/A.js.map: source ../lib/A.ts is not shipped ("files" lacks lib)`
    ])
  })
})

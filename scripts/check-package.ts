/**
 * What the published package must look like from a consumer's side.
 *
 * The same rules run on two trees: the sources (test/package.test.ts, cheap, part of `npm test`)
 * and the built `dist/` (this file run as a script, by `npm pack` and `npm publish` through
 * `prepack`, right after the build):
 * - every `exports`, `main`, `types` and `typesVersions` target exists (or, on the sources, is
 *   built from a file the build compiles), and `types` comes first in each export;
 * - `import "effect-bitbucket"` never loads the fake (`testing/`) and needs nothing but its peer
 *   dependencies: no Node built-ins, no `@effect/platform-node`;
 * - the testing entry point needs only the peers and Node built-ins;
 * - no module imports the `@effect/platform` barrel (on Node it loads every platform module);
 * - no module runs code at the top level (`"sideEffects": false` says so to bundlers);
 * - every relative import resolves, and source maps point at shipped files.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, posix, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

/** One `import`/`export ... from`/`import()`/`import("...")` type found in a module. */
export interface ModuleReference {
  readonly specifier: string
  readonly dynamic: boolean
}

/** Every module a file refers to, type-only references included (a `.d.ts` keeps them). */
export const moduleReferences = (file: string): Array<ModuleReference> => {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false)
  const found: Array<ModuleReference> = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, dynamic: false })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const first = node.arguments[0]
      if (first !== undefined && ts.isStringLiteralLike(first)) found.push({ specifier: first.text, dynamic: true })
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, dynamic: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const declarationKinds = new Set([
  ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ImportEqualsDeclaration,
  ts.SyntaxKind.ExportDeclaration,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.EmptyStatement
])

/**
 * Top-level statements that are not declarations: code that runs when the module loads. A limit: a
 * variable's initializer counts as a declaration, so `const registry = install()` passes; only bare
 * statements (`globalThis.x = 1`, a call) are caught.
 */
export const topLevelCode = (file: string): Array<string> => {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
  return source.statements
    .filter((statement) => !declarationKinds.has(statement.kind))
    .map((statement) => {
      const { line } = source.getLineAndCharacterOfPosition(statement.getStart(source))
      return `${file}:${line + 1}: ${statement.getText(source).split("\n")[0]}`
    })
}

/** How a tree maps a relative specifier to a file: sources (`./X.js` is `./X.ts`) or output. */
export type Flavour = "source" | "js" | "dts"

const resolveRelative = (from: string, specifier: string, flavour: Flavour): string => {
  const target = resolve(dirname(from), specifier)
  return flavour === "js" ? target : target.replace(/\.js$/, flavour === "dts" ? ".d.ts" : ".ts")
}

/** The files an entry point loads and the packages they import (with one importer each). */
export interface Closure {
  readonly files: ReadonlySet<string>
  readonly packages: ReadonlyMap<string, string>
  readonly unresolved: ReadonlyArray<string>
}

export const closure = (entry: string, flavour: Flavour): Closure => {
  const files = new Set<string>()
  const packages = new Map<string, string>()
  const unresolved: Array<string> = []
  const visit = (file: string): void => {
    if (files.has(file)) return
    files.add(file)
    for (const { specifier } of moduleReferences(file)) {
      if (specifier.startsWith(".")) {
        const target = resolveRelative(file, specifier, flavour)
        if (existsSync(target)) visit(target)
        else unresolved.push(`${file} imports ${specifier}, which does not exist`)
      } else if (!packages.has(specifier)) {
        packages.set(specifier, file)
      }
    }
  }
  visit(resolve(entry))
  return { files, packages, unresolved }
}

/** `@scope/name/sub` is `@scope/name`; `name/sub` is `name`. */
export const packageName = (specifier: string): string =>
  specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

/** The fields of package.json these rules read. */
export interface Manifest {
  readonly type?: string
  readonly main?: string
  readonly types?: string
  readonly sideEffects?: boolean
  readonly files?: ReadonlyArray<string>
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>
  readonly typesVersions?: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<string>>>>>
  readonly dependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

/** The package's entry points: its `exports` subpaths with their `types` and `default` targets. */
export const entryPoints = (manifest: Manifest): Array<{ subpath: string; types: string; js: string }> =>
  Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) =>
    typeof target === "string" ? [] : [{ subpath, types: target["types"] ?? "", js: target["default"] ?? "" }]
  )

/**
 * Checks the module graphs of the entry points. `locate` turns a package.json target
 * (`./dist/index.js`) into the file to read in this tree, per flavour.
 */
export const graphProblems = (
  manifest: Manifest,
  locate: (target: string, flavour: Flavour) => string,
  flavours: ReadonlyArray<Flavour>
): Array<string> => {
  const problems: Array<string> = []
  const allowed = new Set([...Object.keys(manifest.peerDependencies ?? {}), ...Object.keys(manifest.dependencies ?? {})])
  const allFiles = new Set<string>()
  for (const entry of entryPoints(manifest)) {
    const isTesting = entry.subpath.startsWith("./testing")
    for (const flavour of flavours) {
      const file = locate(flavour === "dts" ? entry.types : entry.js, flavour)
      if (!existsSync(file)) {
        problems.push(`${entry.subpath}: ${file} does not exist`)
        continue
      }
      const graph = closure(file, flavour)
      problems.push(...graph.unresolved)
      for (const loaded of graph.files) allFiles.add(loaded)
      const fake = [...graph.files].filter((loaded) => /[\\/]testing[\\/]/.test(loaded))
      if (!isTesting && fake.length > 0) {
        problems.push(`${entry.subpath} (${flavour}) loads the fake: ${fake.length} module(s) of testing/, ${fake[0]} first`)
      }
      for (const [specifier, importer] of graph.packages) {
        const name = packageName(specifier)
        if (specifier === "@effect/platform") {
          problems.push(`${importer} imports the @effect/platform barrel; import the module by path (@effect/platform/HttpClient)`)
        } else if (specifier.startsWith("node:")) {
          if (!isTesting) problems.push(`${entry.subpath} (${flavour}) needs Node: ${importer} imports ${specifier}`)
        } else if (!allowed.has(name)) {
          problems.push(`${importer} imports ${specifier}, which is neither a dependency nor a peer dependency`)
        }
      }
    }
  }
  for (const file of allFiles) if (!file.endsWith(".d.ts")) problems.push(...topLevelCode(file).map((code) => `top-level code: ${code}`))
  return problems
}

/** Checks package.json's own shape: `exports` order, `main`/`types`, `typesVersions`, `files`. */
export const manifestProblems = (manifest: Manifest, outDir: string, rootDir: string, maps: boolean): Array<string> => {
  const problems: Array<string> = []
  if (manifest.type !== "module") problems.push(`"type" must be "module" (the build emits ES modules)`)
  if (manifest.sideEffects !== false) problems.push(`"sideEffects" must be false`)
  const files = manifest.files ?? []
  if (!files.includes(outDir)) problems.push(`"files" must include ${outDir}`)
  if (maps && !files.includes(rootDir)) problems.push(`"files" must include ${rootDir}: the source maps point into it`)
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === "string") continue
    if (Object.keys(target)[0] !== "types") problems.push(`exports["${subpath}"]: "types" must come first`)
    if (target["default"] === undefined) problems.push(`exports["${subpath}"] has no "default"`)
  }
  const root = entryPoints(manifest).find((entry) => entry.subpath === ".")
  if (root === undefined) problems.push(`exports has no "."`)
  else {
    if (manifest.main !== root.js) problems.push(`"main" (${manifest.main}) differs from exports["."] (${root.js})`)
    if (manifest.types !== root.types) problems.push(`"types" (${manifest.types}) differs from exports["."] (${root.types})`)
  }
  // moduleResolution "node10" ignores exports: typesVersions gives it the subpaths' types.
  const versions = manifest.typesVersions?.["*"] ?? {}
  for (const entry of entryPoints(manifest)) {
    if (entry.subpath === "." || entry.subpath.endsWith(".json")) continue
    const mapped = versions[entry.subpath.slice(2)]
    if (mapped?.[0] !== entry.types) problems.push(`typesVersions["*"]["${entry.subpath.slice(2)}"] must be ["${entry.types}"]`)
  }
  return problems
}

const walk = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]
  )

/** Source maps whose sources are missing or outside the shipped `files`. */
export const sourceMapProblems = (outDir: string, files: ReadonlyArray<string>, packageRoot: string): Array<string> => {
  const problems: Array<string> = []
  for (const map of walk(outDir).filter((file) => file.endsWith(".map"))) {
    const parsed = JSON.parse(readFileSync(map, "utf8")) as { readonly sources?: ReadonlyArray<string> }
    for (const source of parsed.sources ?? []) {
      const target = resolve(dirname(map), source)
      const top = relative(packageRoot, target).split(/[\\/]/)[0] ?? ""
      if (!existsSync(target)) problems.push(`${map}: source ${source} does not exist`)
      else if (!files.includes(top)) problems.push(`${map}: source ${source} is not shipped ("files" lacks ${top})`)
    }
  }
  return problems
}

/** Reads tsconfig.build.json the way tsc does (with `extends`). */
export const buildConfig = (packageRoot: string): ts.ParsedCommandLine => {
  const path = join(packageRoot, "tsconfig.build.json")
  const read = ts.readConfigFile(path, ts.sys.readFile)
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"))
  return ts.parseJsonConfigFileContent(read.config, ts.sys, packageRoot, undefined, path)
}

/** Runs every rule on the built tree (after `npm run build`). */
export const checkBuilt = (packageRoot: string): Array<string> => {
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as Manifest
  const config = buildConfig(packageRoot)
  const outDir = relative(packageRoot, config.options.outDir ?? "dist")
  const rootDir = relative(packageRoot, config.options.rootDir ?? "src")
  const maps = config.options.sourceMap === true || config.options.declarationMap === true
  const at = (target: string): string => resolve(packageRoot, target)
  const problems = [
    ...manifestProblems(manifest, outDir, rootDir, maps),
    ...graphProblems(manifest, (target) => at(target), ["js", "dts"]),
    ...sourceMapProblems(at(outDir), manifest.files ?? [], packageRoot)
  ]
  for (const target of [manifest.main, manifest.types, ...Object.values(manifest.typesVersions?.["*"] ?? {}).flat()]) {
    if (target !== undefined && !existsSync(at(target))) problems.push(`${target} does not exist`)
  }
  return problems
}

/** `./dist/testing/index.js` built from `src/testing/index.ts`: the source a target comes from. */
export const sourceOf = (target: string, outDir: string, rootDir: string): string =>
  posix.join(rootDir, posix.relative(outDir, posix.normalize(target))).replace(/(\.d)?\.ts$|\.js$/, ".ts")

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
  const problems = checkBuilt(root)
  for (const problem of problems) console.error(problem)
  if (problems.length > 0) {
    console.error(`the built package has ${problems.length} problem(s); see scripts/check-package.ts`)
    process.exitCode = 1
  } else {
    console.log("the built package checks out: entry points, imports, source maps")
  }
}

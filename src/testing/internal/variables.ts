/**
 * Pipelines variables, for every place that has them (a repository, a workspace, a deployment
 * environment): one set of handlers over a list of variables that a route module finds (and
 * checks access to) for each request.
 *
 * - A key is ASCII letters, digits and underscores, not starting with a digit (400 with `fields`
 *   otherwise); keys are case-sensitive. A key taken in the same place is 409, as the spec says.
 * - A secured variable's JSON has no `value`, ever; no error message quotes a value either.
 * - Creating answers 201 with a `Location`. `PUT` changes what the body names and keeps the rest;
 *   a secured variable made unsecured needs a new `value` (its old one is never shown).
 * - `{variable_uuid}` matches with or without braces.
 *
 * @internal
 */
import type { Core, Ctx } from "./core.js"
import { bareUuid, HttpError } from "./core.js"
import { uuidOf } from "./gitStore.js"
import type { SeedVariable } from "./seed.js"

type Params = Readonly<Record<string, string>>

/** A variable as the fake keeps it. */
export interface VariableState {
  readonly uuid: string
  key: string
  value: string
  secured: boolean
}

/** The variables of one place, and what the API calls them there. */
export interface VariableScope {
  readonly variables: Array<VariableState>
  /** The collection's path under the API base, e.g. `/workspaces/acme/pipelines-config/variables`. */
  readonly path: string
  /** Bitbucket calls every variable `pipeline_variable`, a deployment environment's too. */
  readonly type: "pipeline_variable"
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/


/** The list kept under `key` in `map`, made empty the first time. */
export const listIn = <K, A>(map: Map<K, Array<A>>, key: K): Array<A> => {
  let list = map.get(key)
  if (list === undefined) map.set(key, list = [])
  return list
}

/** A seeded variable, its uuid derived from `where` when the seed has none. */
export const fromSeed = (where: string, v: SeedVariable): VariableState => ({
  uuid: v.uuid ?? uuidOf(`variable ${where} ${v.key}`),
  key: v.key,
  value: v.value,
  secured: v.secured ?? false
})

/** A variable in seed form (for `FakeBitbucket.snapshot`), its value included. */
export const toSeed = (v: VariableState): SeedVariable => ({ uuid: v.uuid, key: v.key, value: v.value, secured: v.secured })

/** The handlers of a place's variables; `scopeOf` finds the place and checks the caller's access. */
export const variableHandlers = (core: Core, scopeOf: (ctx: Ctx, p: Params) => VariableScope) => {
  const json = (scope: VariableScope, v: VariableState) => ({
    type: scope.type,
    uuid: v.uuid,
    key: v.key,
    secured: v.secured,
    ...(v.secured ? {} : { value: v.value })
  })

  const find = (scope: VariableScope, uuid: string) => {
    const v = scope.variables.find((x) => bareUuid(x.uuid) === bareUuid(uuid))
    if (v === undefined) throw new HttpError(404, `Variable ${uuid} not found`)
    return v
  }

  /** The variable a body describes, over `current` for an update; 400 with `fields` when invalid. */
  const read = (body: Record<string, unknown>, current: VariableState | undefined) => {
    const fields: Record<string, Array<string>> = {}
    const bad = (field: string, message: string) => (fields[field] ??= []).push(message)
    const key = "key" in body ? body.key : current?.key
    if (key === undefined || key === null || key === "") bad("key", "This field is required.")
    else if (typeof key !== "string" || !KEY.test(key)) {
      bad("key", "Variable names can only contain ASCII letters, digits and underscores, and cannot start with a digit.")
    }
    const secured = "secured" in body ? body.secured : current?.secured ?? false
    if (typeof secured !== "boolean") bad("secured", "Must be a boolean.")
    let value = body.value
    if (value === undefined || value === null) {
      if (current === undefined) bad("value", "This field is required.")
      else if (current.secured && secured === false) bad("value", "A secured variable made unsecured needs a new value: its value cannot be shown.")
      else value = current.value
    } else if (typeof value !== "string") bad("value", "Must be a string.")
    if (Object.keys(fields).length > 0) throw core.invalid(fields)
    return { key: key as string, value: value as string, secured: secured as boolean }
  }

  const refuseTaken = (scope: VariableScope, key: string, current?: VariableState) => {
    if (scope.variables.some((v) => v.key === key && v !== current)) {
      throw new HttpError(409, "A variable with the provided key already exists.", `Key: ${key}.`)
    }
  }

  return {
    list: (ctx: Ctx, p: Params) => {
      const scope = scopeOf(ctx, p)
      return core.page(ctx, scope.variables.map((v) => json(scope, v)))
    },
    get: (ctx: Ctx, p: Params) => {
      const scope = scopeOf(ctx, p)
      return core.ok(ctx, json(scope, find(scope, p.variable_uuid!)))
    },
    create: (ctx: Ctx, p: Params) => {
      const scope = scopeOf(ctx, p)
      const input = read(core.parsePayload(ctx), undefined)
      refuseTaken(scope, input.key)
      const v: VariableState = { uuid: uuidOf(`variable ${scope.path} ${input.key} ${core.nextId()}`), ...input }
      scope.variables.push(v)
      return core.created(ctx, json(scope, v), `${core.base}${scope.path}/${core.seg(v.uuid)}`)
    },
    update: (ctx: Ctx, p: Params) => {
      const scope = scopeOf(ctx, p)
      const v = find(scope, p.variable_uuid!)
      const input = read(core.parsePayload(ctx), v)
      refuseTaken(scope, input.key, v)
      Object.assign(v, input)
      return core.ok(ctx, json(scope, v))
    },
    remove: (ctx: Ctx, p: Params) => {
      const scope = scopeOf(ctx, p)
      scope.variables.splice(scope.variables.indexOf(find(scope, p.variable_uuid!)), 1)
      return core.noContent()
    }
  }
}

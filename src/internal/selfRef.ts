/**
 * The ref of a resource you hold, read from its `links.self`: the path parameters of the resource's
 * own endpoint, so that `PullRequest.approve(yield* PullRequest.refOf(pr))` needs no hand-built ref.
 *
 * @internal
 */
import { Effect } from "effect"
import * as BitbucketError from "../BitbucketError.js"
import { href } from "../Resource.js"

/**
 * Reads the `{name}` placeholders of `template` (a path such as
 * `/repositories/{workspace}/{repo_slug}`) from the resource's `links.self`, decoded; the names in
 * `numeric` must be whole numbers and come back as numbers. A `{name+}` placeholder, last in its
 * template, takes the rest of the path, slashes included (a branch named `feature/x`, whether the
 * link writes the slash as is or as `%2F`). Given several templates (a comment's link depends on
 * what it is on), the first that fits wins. Fails with `InvalidInput` (naming `what`) when the link
 * is missing or of no such form (trimmed by `fields`, say).
 */
export const refFromSelf = <A>(
  resource: { readonly [key: string]: unknown },
  templates: string | ReadonlyArray<string>,
  what: string,
  numeric: ReadonlyArray<string> = []
): Effect.Effect<A, BitbucketError.InvalidInput> => {
  const forms = typeof templates === "string" ? [templates] : templates
  const self = href(resource, "self") ?? ""
  for (const template of forms) {
    const ref = read(self, template, numeric)
    if (ref !== undefined) return Effect.succeed(ref as A)
  }
  return Effect.fail(
    new BitbucketError.InvalidInput({
      message: `the ${what} has no links.self of the form ${forms.map((form) => `...${form}`).join(" or ")}`,
      parameter: what
    })
  )
}

/** The placeholders of `template` read from `self`, or undefined when it is not of that form. */
interface Compiled {
  readonly pattern: RegExp
  readonly names: ReadonlyArray<string>
  /** The template's first segment (`/repositories/`): it must not come before the match. */
  readonly head: string
}

/** Templates compiled once (refOf may run for every item of a listing). */
const compiled = new Map<string, Compiled>()

const compile = (template: string): Compiled => {
  let found = compiled.get(template)
  if (found === undefined) {
    const names: Array<string> = []
    const source = template.split(/(\{[A-Za-z_]+\+?\})/).map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      const rest = part.endsWith("+}")
      names.push(part.slice(1, rest ? -2 : -1))
      return rest ? "([^?#]+?)" : "([^/?#]+)"
    }).join("")
    found = { pattern: new RegExp(`${source}/?(?:[?#]|$)`), names, head: template.slice(0, template.indexOf("/", 1) + 1) }
    compiled.set(template, found)
  }
  return found
}

const read = (self: string, template: string, numeric: ReadonlyArray<string>): Record<string, string | number> | undefined => {
  const { head, names, pattern } = compile(template)
  const match = pattern.exec(self)
  if (match === null) return undefined
  // The template's path starts the resource's own path, after the API's base (`/2.0`, a proxy's
  // prefix): one that starts deeper (a file under `/src/…/repositories/x/y`) is another resource.
  if (head !== "" && self.slice(0, match.index).includes(head)) return undefined
  const ref: Record<string, string | number> = {}
  for (const [i, name] of names.entries()) {
    const value = decoded(match[i + 1]!)
    // Decimal digits only: Number() also reads "1e3", "0x10" and "1.0", which name no resource.
    const number = numeric.includes(name) ? (value !== undefined && /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN) : undefined
    if (value === undefined || value === "" || (number !== undefined && !Number.isSafeInteger(number))) return undefined
    ref[name] = number ?? value
  }
  return ref
}

/** A path segment decoded, or undefined when its escapes are malformed (`%ZZ`). */
const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

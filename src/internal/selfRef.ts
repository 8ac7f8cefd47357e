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
 * `numeric` must be whole numbers and come back as numbers. Fails with `InvalidInput` (naming
 * `what`) when the link is missing or not of that form (trimmed by `fields`, say).
 */
export const refFromSelf = <A>(
  resource: { readonly [key: string]: unknown },
  template: string,
  what: string,
  numeric: ReadonlyArray<string> = []
): Effect.Effect<A, BitbucketError.InvalidInput> => {
  const names: Array<string> = []
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => {
    names.push(name)
    return "([^/?#]+)"
  })
  const match = new RegExp(`${pattern}/?(?:[?#]|$)`).exec(href(resource, "self") ?? "")
  const ref: Record<string, string | number> = {}
  for (const [i, name] of names.entries()) {
    const value = match === null ? undefined : decoded(match[i + 1]!)
    // Decimal digits only: Number() also reads "1e3", "0x10" and "1.0", which name no resource.
    const number = numeric.includes(name) ? (value !== undefined && /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN) : undefined
    if (value === undefined || (number !== undefined && !Number.isSafeInteger(number))) {
      return Effect.fail(
        new BitbucketError.InvalidInput({ message: `the ${what} has no links.self of the form ...${template}`, parameter: what })
      )
    }
    ref[name] = number ?? value
  }
  return Effect.succeed(ref as A)
}

/** A path segment decoded, or undefined when its escapes are malformed (`%ZZ`). */
const decoded = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

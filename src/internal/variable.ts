/**
 * Pipelines variables, as every endpoint that takes them sends them.
 * @internal
 */
import { Redacted } from "effect"

/**
 * The variable with `secured` said outright: as given, else true for a `Redacted` value (a value
 * kept secret here is meant to stay secret there) and false for a plain one. Sent every time, so
 * that an update never leaves it to the server's default.
 */
export const securedByDefault = <V extends { readonly value: string | Redacted.Redacted<string>; readonly secured?: boolean | undefined }>(
  variable: V
): V & { readonly secured: boolean } => ({ ...variable, secured: variable.secured ?? Redacted.isRedacted(variable.value) })

/**
 * Pipelines variables, as every endpoint that takes them sends them.
 * @internal
 */
import { Redacted } from "effect"

/**
 * The variable with `secured: true` added when its value is `Redacted` and `secured` is left out
 * (a value kept secret here is meant to stay secret there). A plain value with `secured` left out
 * is sent without it: Bitbucket creates it unsecured, and an update leaves it as it was, so a
 * secret rotated as plain text is never made readable by accident.
 */
export const securedByDefault = <V extends { readonly value: string | Redacted.Redacted<string>; readonly secured?: boolean | undefined }>(
  variable: V
): V => (variable.secured === undefined && Redacted.isRedacted(variable.value) ? { ...variable, secured: true } : variable)

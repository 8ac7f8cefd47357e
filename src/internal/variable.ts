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

/**
 * What the errors of an update must not show: a plain value with `secured` left out may be the new
 * value of a secured variable (the update keeps it secured), so it is kept out like a `Redacted` one.
 */
export const updateSecrets = (variable: { readonly value: string | Redacted.Redacted<string>; readonly secured?: boolean | undefined }) =>
  variable.secured === undefined && typeof variable.value === "string" ? [variable.value] : []

/**
 * The one guard for "a JSON object" (not null, not an array), shared by the pipeline.
 * @internal
 */
export const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

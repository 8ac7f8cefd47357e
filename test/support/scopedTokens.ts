/**
 * A fake with the default seed plus workspace access tokens limited to the scopes a test names,
 * and the layer that calls it with one of them.
 */
import { Layer } from "effect"
import { Authenticator } from "../../src/index.js"
import { FakeBitbucket } from "../../src/testing/index.js"

/** `tokens`: token to its scopes; each acts on `workspace` (admin there, as workspace tokens do). */
export const scopedTokens = (tokens: Readonly<Record<string, ReadonlyArray<string>>>, workspace = "demo") => {
  const fake = FakeBitbucket.layer({
    seed: {
      ...FakeBitbucket.defaultSeed,
      accessTokens: [
        ...FakeBitbucket.defaultSeed.accessTokens ?? [],
        ...Object.entries(tokens).map(([token, scopes]) => ({ token, workspace, scopes }))
      ]
    }
  })
  return (token: string) => Layer.provideMerge(Authenticator.accessToken({ token }), fake)
}

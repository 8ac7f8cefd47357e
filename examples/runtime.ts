/**
 * Where the examples run: against the in-memory fake Bitbucket (the default, offline), or against
 * the real API when Bitbucket credentials are in the environment (`BITBUCKET_ACCESS_TOKEN`,
 * `BITBUCKET_EMAIL` + `BITBUCKET_API_TOKEN`, `BITBUCKET_CLIENT_ID` + `BITBUCKET_CLIENT_SECRET`, or
 * the legacy `BITBUCKET_USERNAME` + `BITBUCKET_APP_PASSWORD`).
 *
 * The examples import the library from ../src; in your project, import from "effect-bitbucket".
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { type ConfigError, Layer } from "effect"
import { Authenticator, BitbucketConfig } from "../src/index.js"
import { FakeBitbucket } from "../src/testing/index.js"

const credentialVariables = [
  "BITBUCKET_ACCESS_TOKEN",
  "BITBUCKET_API_TOKEN",
  "BITBUCKET_APP_PASSWORD",
  "BITBUCKET_CLIENT_SECRET"
]

/** True when the examples talk to the real Bitbucket. */
export const live = credentialVariables.some((name) => (process.env[name] ?? "") !== "")

/**
 * The workspace the examples read: against the real API `BITBUCKET_WORKSPACE` (or `demo`), and
 * against the fake always its public `demo` (a variable meant for the real API does not apply).
 */
export const workspace = live ? process.env["BITBUCKET_WORKSPACE"] ?? "demo" : "demo"

/** The fake, with Alice's API token (one of the seeded credentials). */
const FakeLayer = Authenticator.apiToken({ email: "alice@example.com", token: "alice-api-token" }).pipe(
  Layer.provideMerge(FakeBitbucket.layer())
)

/** The real API: credentials from the environment, fetch as the HTTP client. */
const LiveLayer = Authenticator.layerConfig.pipe(
  Layer.provideMerge(FetchHttpClient.layer),
  Layer.merge(BitbucketConfig.layerConfig)
)

/** Everything an example needs: an Authenticator and an HttpClient. */
export const ExampleLayer: Layer.Layer<Authenticator.Authenticator | HttpClient.HttpClient, ConfigError.ConfigError> = live
  ? LiveLayer
  : FakeLayer

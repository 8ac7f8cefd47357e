/**
 * Bitbucket accounts: users (and, in embedded form, the owners of repositories and workspaces).
 *
 * @example
 * ```ts
 * import { User } from "effect-bitbucket"
 *
 * const me = User.current()
 * const addresses = User.emails()
 * ```
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import type * as BitbucketError from "./BitbucketError.js"
import * as Http from "./internal/http.js"
import * as Pagination from "./Pagination.js"
import * as Resource from "./Resource.js"

const AccountSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  uuid: Schema.optional(Schema.String),
  account_id: Schema.optional(Schema.String),
  display_name: Schema.optional(Schema.String),
  nickname: Schema.optional(Schema.String),
  account_status: Schema.optional(Schema.String),
  created_on: Schema.optional(Schema.String),
  links: Schema.optional(Resource.Links)
})

/**
 * An account as Bitbucket embeds it (`owner`, `author.user`, `reviewers`...) or returns it from
 * `/user`: `user`, `team` or `app_user`. Users are identified by `uuid` or `account_id`; Bitbucket
 * has no usernames any more.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Account: Resource.NamedStruct<typeof AccountSchema, Account> = AccountSchema

/**
 * An account.
 *
 * @since 0.1.0
 * @category models
 */
export interface Account extends Schema.Schema.Type<typeof AccountSchema> {}

/**
 * The authenticated account (`GET /user`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { User } from "effect-bitbucket"
 *
 * const name = Effect.map(User.current(), (me) => me.display_name)
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const current = Effect.fn("Bitbucket.User.current")(function*() {
  return yield* Http.json({ method: "GET", path: "/user" }, Account)
})

/**
 * An account by `account_id` or `{uuid}` (`GET /users/{selected_user}`).
 *
 * @example
 * ```ts
 * import { User } from "effect-bitbucket"
 *
 * const user = User.find({ selected_user: "{d301aafa-d676-4ee0-88be-962be7417567}" })
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const find = Effect.fn("Bitbucket.User.find")(function*(ref: { readonly selected_user: string }) {
  return yield* Http.json({ method: "GET", path: "/users/{selected_user}", params: ref }, Account)
})

const EmailSchema = Resource.Struct({
  type: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  is_primary: Schema.optional(Schema.Boolean),
  is_confirmed: Schema.optional(Schema.Boolean),
  links: Schema.optional(Resource.Links)
})

/**
 * An email address of the authenticated user, confirmed or not.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Email: Resource.NamedStruct<typeof EmailSchema, Email> = EmailSchema

/**
 * An email address of the authenticated user.
 *
 * @since 0.1.0
 * @category models
 */
export interface Email extends Schema.Schema.Type<typeof EmailSchema> {}

/**
 * The authenticated user's email addresses, confirmed and unconfirmed (`GET /user/emails`).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { User } from "effect-bitbucket"
 *
 * const primary = User.emails().pipe(
 *   Stream.filter((e) => e.is_primary === true),
 *   Stream.map((e) => e.email),
 *   Stream.runHead
 * )
 * ```
 *
 * @since 0.1.0
 * @category finders
 */
export const emails = (
  options: Pagination.ListOptions = {}
): Stream.Stream<Email, BitbucketError.BitbucketError, Http.Requirements> =>
  Pagination.stream({ path: "/user/emails" }, Email, options).pipe(Stream.withSpan("Bitbucket.User.emails"))

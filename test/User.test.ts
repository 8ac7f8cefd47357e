import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as User from "../src/User.js"
import { json, mockHttp } from "./support/mockHttp.js"

const base = "https://api.bitbucket.org/2.0"

const me = {
  type: "user",
  uuid: "{d301aafa-d676-4ee0-88be-962be7417567}",
  account_id: "557058:1b5e7a3c-2e2b-4f8a-9d9e-0c1a2b3c4d5e",
  display_name: "Ada Lovelace",
  nickname: "ada",
  account_status: "active",
  created_on: "2019-03-01T10:00:00.000000+00:00",
  has_2fa_enabled: true,
  is_staff: false,
  links: {
    self: { href: `${base}/users/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D` },
    avatar: { href: "https://secure.gravatar.com/avatar/ada" }
  }
}

const email = (address: string, primary: boolean) => ({
  type: "email",
  email: address,
  is_primary: primary,
  is_confirmed: true,
  links: { self: { href: `${base}/user/emails/${encodeURIComponent(address)}` } },
  added_on: "2020-01-01T00:00:00+00:00"
})

describe("User", () => {
  it.effect("current sends GET /user and keeps fields the schema does not know", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(me))
      const user = yield* User.current().pipe(Effect.provide(mock.anonymous))
      expect(user.display_name).toBe("Ada Lovelace")
      expect(user["has_2fa_enabled"]).toBe(true)
      expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${base}/user`])
    }))

  it.effect("find encodes a {uuid} as one path segment", () =>
    Effect.gen(function*() {
      const mock = mockHttp(() => json(me))
      const user = yield* User.find({ selected_user: "{d301aafa-d676-4ee0-88be-962be7417567}" }).pipe(
        Effect.provide(mock.anonymous)
      )
      expect(user.account_id).toBe("557058:1b5e7a3c-2e2b-4f8a-9d9e-0c1a2b3c4d5e")
      expect(mock.requests[0]!.url.toString()).toBe(`${base}/users/%7Bd301aafa-d676-4ee0-88be-962be7417567%7D`)
    }))

  it.effect("emails streams GET /user/emails across pages, unknown fields kept", () =>
    Effect.gen(function*() {
      const mock = mockHttp((request) =>
        request.url.searchParams.get("page") === "2"
          ? json({ values: [email("ada@work.example", false)], page: 2, pagelen: 1, size: 2 })
          : json({
            values: [email("ada@example.com", true)],
            page: 1,
            pagelen: 1,
            size: 2,
            next: `${base}/user/emails?pagelen=1&page=2`
          })
      )
      const all = Chunk.toReadonlyArray(yield* Stream.runCollect(User.emails({ pagelen: 1 })).pipe(Effect.provide(mock.anonymous)))
      expect(all.map((e) => [e.email, e.is_primary])).toEqual([["ada@example.com", true], ["ada@work.example", false]])
      expect(all[0]!["added_on"]).toBe("2020-01-01T00:00:00+00:00")
      expect(mock.requests.map((r) => r.method)).toEqual(["GET", "GET"])
      expect(mock.requests[0]!.url.toString()).toBe(`${base}/user/emails?pagelen=1`)
      expect(mock.requests[1]!.url.toString()).toBe(`${base}/user/emails?pagelen=1&page=2`)
    }))
})

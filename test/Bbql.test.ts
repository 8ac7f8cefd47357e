/**
 * Bbql, the `q` builder: the strings it makes, that any value survives a round trip through the
 * fake's BBQL parser (and through a real listing against the fake: URL encoding, the fake's
 * filter), that and/or nesting means what the same JS predicate means, datetimes, and that bad
 * field paths and values are refused with a clear error.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, FastCheck as fc, Layer, Stream } from "effect"
import { Authenticator, Bbql, Issue, type Pagination } from "../src/index.js"
import { filter, parseQuery } from "../src/testing/internal/query.js"
import { FakeBitbucket } from "../src/testing/index.js"

const playground = { workspace: "demo", repo_slug: "effect-playground" }

/** Strings made to break out of a quoted value: quotes, backslashes, keywords, parentheses, unicode. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom(...Array.from("\"\\()ANDOR =!~<> x'é日🙂\n\t%+&#")), maxLength: 16 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(
    "",
    "\"",
    "\\",
    "\\\"",
    "x\" OR title != \"",
    "a\\\" OR id > 0 OR title = \"",
    ") OR (id > 0",
    "AND",
    "null",
    "日本語 🙂 naïve",
    "100% + 1 & 2 # 3"
  )
)

/** What the fake's parser makes of a single comparison. */
const parsed = (q: string) => parseQuery(q)

describe("Bbql: the strings it makes", () => {
  it("comparisons: one operator each, values quoted or bare as BBQL reads them", () => {
    expect(Bbql.eq("state", "OPEN")).toBe("state = \"OPEN\"")
    expect(Bbql.ne("project.key", "API")).toBe("project.key != \"API\"")
    expect(Bbql.contains("title", "fix")).toBe("title ~ \"fix\"")
    expect(Bbql.notContains("source.branch.name", "wip")).toBe("source.branch.name !~ \"wip\"")
    expect(Bbql.gt("votes", 3)).toBe("votes > 3")
    expect(Bbql.gte("votes", -1.5)).toBe("votes >= -1.5")
    expect(Bbql.lt("name", "m")).toBe("name < \"m\"")
    expect(Bbql.lte("size", 0)).toBe("size <= 0")
    expect(Bbql.eq("is_private", true)).toBe("is_private = true")
    expect(Bbql.ne("is_private", false)).toBe("is_private != false")
    expect(Bbql.eq("assignee", null)).toBe("assignee = null")
  })

  it("strings: only backslash and double quote are escaped, with a backslash", () => {
    expect(Bbql.eq("title", "say \"hi\" \\o/")).toBe(String.raw`title = "say \"hi\" \\o/"`)
    expect(Bbql.eq("title", "a) OR (b")).toBe("title = \"a) OR (b\"")
    expect(Bbql.eq("title", "日本 🙂\n")).toBe("title = \"日本 🙂\n\"")
  })

  it("numbers: plain decimals, never an exponent (the grammar has none), -0 as 0", () => {
    expect(Bbql.eq("n", 1e21)).toBe("n = 1000000000000000000000")
    expect(Bbql.eq("n", 1.5e-7)).toBe("n = 0.00000015")
    expect(Bbql.eq("n", -2.5e-10)).toBe("n = -0.00000000025")
    expect(Bbql.eq("n", 1.2345e22)).toBe("n = 12345000000000000000000")
    expect(Bbql.eq("n", -0)).toBe("n = 0")
  })

  it("datetimes: bare ISO-8601 in UTC as Bitbucket writes it (+00:00), milliseconds only when there are some", () => {
    expect(Bbql.gt("created_on", new Date("2024-03-05T09:30:00Z"))).toBe("created_on > 2024-03-05T09:30:00+00:00")
    expect(Bbql.gt("created_on", new Date("2024-03-05T09:30:00.250Z"))).toBe("created_on > 2024-03-05T09:30:00.250+00:00")
    expect(Bbql.lt("updated_on", DateTime.unsafeMake("2024-01-01T00:00:00Z"))).toBe("updated_on < 2024-01-01T00:00:00+00:00")
    // A zoned DateTime is its instant, in UTC.
    const paris = DateTime.unsafeMakeZoned("2024-07-01T12:00:00Z", { timeZone: "Europe/Paris" })
    expect(Bbql.eq("created_on", paris)).toBe("created_on = 2024-07-01T12:00:00+00:00")
    // Bbql.datetime keeps a timestamp Bitbucket gave as it is, microseconds and offset included.
    expect(Bbql.gt("updated_on", Bbql.datetime("2024-03-05T09:30:00.000500+02:00"))).toBe("updated_on > 2024-03-05T09:30:00.000500+02:00")
    expect(Bbql.oneOf("d", [Bbql.datetime("2024-03-05")])).toBe("d = 2024-03-05")
  })

  it("Bbql.datetime refuses what is not a datetime Bitbucket reads", () => {
    for (const text of ["", "yesterday", "2024-3-5", "2024-13-01", "2024-02-30T00:00:00Z", "2024-03-05T09:30:00", "2024-03-05T09:30:00.1234567Z", "0000-01-01", "2024-03-05T24:00:00Z", "2024-03-05 09:30:00Z", "2024-03-05T09:30:00Z OR a = 1"]) {
      expect(() => Bbql.datetime(text), text).toThrow(TypeError)
    }
    expect(() => Bbql.datetime("nope")).toThrow("Bbql.datetime: \"nope\" is not an ISO-8601 datetime")
  })

  it("and/or: flat lists stay flat, an or inside an and is parenthesized, and an and inside an or", () => {
    const a = Bbql.eq("a", 1)
    const b = Bbql.eq("b", 2)
    const c = Bbql.eq("c", 3)
    expect(Bbql.and(a)).toBe(a)
    expect(Bbql.or(a)).toBe(a)
    expect(Bbql.and(Bbql.and(a, b), c)).toBe("a = 1 AND b = 2 AND c = 3")
    expect(Bbql.or(a, Bbql.or(b, c))).toBe("a = 1 OR b = 2 OR c = 3")
    expect(Bbql.and(a, Bbql.or(b, c))).toBe("a = 1 AND (b = 2 OR c = 3)")
    // Bitbucket does not document which connective binds tighter: the query never depends on it.
    expect(Bbql.or(Bbql.and(a, b), c)).toBe("(a = 1 AND b = 2) OR c = 3")
    expect(Bbql.or(c, Bbql.and(a, b))).toBe("c = 3 OR (a = 1 AND b = 2)")
    expect(Bbql.and(Bbql.or(Bbql.and(a, b), c), a)).toBe("((a = 1 AND b = 2) OR c = 3) AND a = 1")
    // A keyword inside a string value, or a field path that contains one, is not a connective.
    expect(Bbql.and(Bbql.eq("title", "x OR y"), a)).toBe("title = \"x OR y\" AND a = 1")
    expect(Bbql.or(Bbql.eq("title", "x AND y"), a)).toBe("title = \"x AND y\" OR a = 1")
    expect(Bbql.and(Bbql.or(Bbql.eq("x.or", 1), Bbql.eq("OR.y", 2)), a)).toBe("(x.or = 1 OR OR.y = 2) AND a = 1")
    // An oneOf or a raw fragment is already one group.
    expect(Bbql.or(Bbql.raw("a = 1 AND b = 2"), c)).toBe("(a = 1 AND b = 2) OR c = 3")
  })

  it("oneOf: a parenthesized OR of equalities; one value is a plain equality", () => {
    expect(Bbql.oneOf("state", ["OPEN", "MERGED"])).toBe("(state = \"OPEN\" OR state = \"MERGED\")")
    expect(Bbql.oneOf("id", [1, null])).toBe("(id = 1 OR id = null)")
    expect(Bbql.oneOf("state", ["OPEN"])).toBe("state = \"OPEN\"")
    expect(Bbql.and(Bbql.oneOf("state", ["OPEN", "MERGED"]), Bbql.eq("a", 1))).toBe("(state = \"OPEN\" OR state = \"MERGED\") AND a = 1")
  })

  it("raw: wrapped in parentheses, so it combines safely", () => {
    expect(Bbql.raw(" a = 1 OR b = 2 ")).toBe("(a = 1 OR b = 2)")
    expect(Bbql.and(Bbql.raw("a = 1 OR b = 2"), Bbql.eq("c", 3))).toBe("(a = 1 OR b = 2) AND c = 3")
    expect(Bbql.raw("title = \"(\" AND x = \"\\\")\"")).toBe("(title = \"(\" AND x = \"\\\")\")")
  })

  it("a Query is a string: it is the q of any listing as it is, and a plain string is not a Query", () => {
    const q: string = Bbql.eq("state", "OPEN")
    const options: Pagination.ListOptions = { q: Bbql.and(Bbql.eq("a", 1), Bbql.eq("b", 2)) }
    // @ts-expect-error a hand-written string must come in through Bbql.raw
    const notAQuery: Bbql.Query = "a = 1"
    // @ts-expect-error and/or take Queries only
    Bbql.and("a = 1")
    expect([q, options.q, notAQuery]).toHaveLength(3)
  })
})

describe("Bbql: refused inputs", () => {
  it("field paths that are not dotted identifiers are a TypeError naming the function and the path", () => {
    for (const field of ["", " ", ".", "a.", ".a", "a..b", "1a", "a.1", "a-b", "a b", "a=1", "a = 1 OR b", "title\"", "a.b(c)", "é"]) {
      expect(() => Bbql.eq(field, 1), field).toThrow(TypeError)
      expect(() => Bbql.oneOf(field, [1]), field).toThrow(TypeError)
    }
    expect(() => Bbql.contains("a..b", "x")).toThrow("Bbql.contains: \"a..b\" is not a field path")
    for (const field of ["a", "_", "A_b9", "project.key", "source.branch.name", "a._b.C1"]) {
      expect(() => Bbql.eq(field, 1), field).not.toThrow()
    }
  })

  it.prop("any string is either refused as a field path, or a query that compares exactly that path", [
    fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: fc.constantFrom(..."aAoOrRnNdD_.1 "), maxLength: 8 }))
  ], ([field]) => {
    for (const make of [Bbql.eq, Bbql.ne, Bbql.gt, Bbql.gte, Bbql.lt, Bbql.lte, Bbql.contains, Bbql.notContains]) {
      let query: string
      try {
        query = make(field, "x")
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError)
        continue
      }
      expect(parsed(query)).toMatchObject({ kind: "cmp", path: field.split(".") })
    }
  })

  it("keywords are refused as field paths: the query would read them as a connective or a value", () => {
    for (const field of ["and", "OR", "True", "false", "null", "NONE"]) {
      expect(() => Bbql.eq(field, 1), field).toThrow(`Bbql.eq: "${field}" is a BBQL keyword, not a field path`)
    }
    expect(Bbql.eq("a.and", 1)).toBe("a.and = 1")
  })

  it("and/or refuse an operand that would not stay one group (a cast string, from an untyped caller)", () => {
    const cast = (text: string) => text as Bbql.Query
    expect(() => Bbql.and(cast("a = 1) OR (b = 2"), Bbql.eq("c", 3))).toThrow("Bbql.and: unbalanced parentheses")
    expect(() => Bbql.or(cast("title = \"x"), Bbql.eq("c", 3))).toThrow("Bbql.or: a string is not closed")
  })

  it("non-finite numbers, invalid dates and dates BBQL cannot write are a RangeError", () => {
    for (const n of [Number.NaN, Infinity, -Infinity]) {
      expect(() => Bbql.eq("votes", n)).toThrow(RangeError)
      expect(() => Bbql.gt("votes", n)).toThrow(RangeError)
      expect(() => Bbql.oneOf("votes", [1, n])).toThrow(RangeError)
    }
    expect(() => Bbql.eq("votes", Number.NaN)).toThrow("Bbql.eq: NaN is not a finite number")
    expect(() => Bbql.gt("created_on", new Date(Number.NaN))).toThrow(RangeError)
    expect(() => Bbql.gt("created_on", new Date("+012024-01-01T00:00:00Z"))).toThrow(RangeError)
    // Python, Bitbucket's language, has no year 0.
    expect(() => Bbql.gt("created_on", new Date("0000-06-01T00:00:00Z"))).toThrow("outside 0001-9999")
  })

  it("values of the wrong kind (from untyped callers) are a TypeError", () => {
    const loose = (value: unknown) => value as never
    for (const value of [undefined, {}, [], 1n, Symbol("s"), () => 1]) {
      expect(() => Bbql.eq("a", loose(value))).toThrow(TypeError)
    }
    expect(() => Bbql.contains("a", loose(1))).toThrow(TypeError)
    expect(() => Bbql.gt("a", loose(true))).toThrow("Bbql.gt: true has no order")
    expect(() => Bbql.lte("a", loose(null))).toThrow(TypeError)
  })

  it("empty and, or, oneOf are a RangeError: BBQL cannot say 'always' or 'never'", () => {
    expect(() => Bbql.and()).toThrow(RangeError)
    expect(() => Bbql.or()).toThrow(RangeError)
    expect(() => Bbql.oneOf("state", [])).toThrow(RangeError)
  })

  it("raw refuses an empty fragment, unbalanced parentheses and an unclosed string", () => {
    for (const fragment of ["", "  ", "a = 1) OR (b = 2", "(a = 1", "a = 1)", ")(", "title = \"x", "title = \"x\\\"", "a = \"(\" AND (b = 1"]) {
      expect(() => Bbql.raw(fragment), fragment).toThrow(TypeError)
    }
  })
})

describe("Bbql: round trips through the fake's parser (property)", () => {
  it.prop("any string value parses back to itself, whatever the operator", [fc.oneof(tricky, fc.string({ unit: "binary", maxLength: 16 })), fc.integer({ min: 0, max: 3 })], ([value, pick]) => {
    const make = [Bbql.eq, Bbql.ne, Bbql.contains, Bbql.notContains][pick]!
    const expr = parsed(make("source.branch.name", value))
    expect(expr).toEqual({ kind: "cmp", path: ["source", "branch", "name"], op: ["=", "!=", "~", "!~"][pick], value: { kind: "string", value } })
  }, { fastCheck: { numRuns: 500 } })

  it.prop("any finite number parses back to exactly itself", [fc.double({ noNaN: true, noDefaultInfinity: true })], ([n]) => {
    const expr = parsed(Bbql.gte("votes", n))
    expect(expr).toMatchObject({ kind: "cmp", op: ">=", value: { kind: "number" } })
    expect(expr.kind === "cmp" && expr.value.kind === "number" ? expr.value.value : undefined).toBe(Object.is(n, -0) ? 0 : n)
  }, { fastCheck: { numRuns: 500 } })

  it.prop("any date of years 0001-9999 parses back as a datetime of the same instant", [
    fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
  ], ([date]) => {
    const expr = parsed(Bbql.lt("created_on", date))
    expect(expr).toMatchObject({ kind: "cmp", op: "<", value: { kind: "datetime", value: date.getTime() * 1000 } })
    expect(parsed(Bbql.lt("created_on", DateTime.unsafeMake(date)))).toEqual(expr)
  }, { fastCheck: { numRuns: 300 } })

  it.prop("a raw fragment that parses stays one group: combining it never changes its meaning", [tricky, tricky], ([x, y]) => {
    const fragment = Bbql.or(Bbql.eq("a", x), Bbql.eq("b", y))
    const items = [{ a: x, b: "", c: 1 }, { a: "", b: y, c: 2 }, { a: x, b: y, c: 2 }, { a: `${x}!`, b: `${y}!`, c: 1 }]
    const q = Bbql.and(Bbql.raw(fragment), Bbql.eq("c", 2))
    expect(filter(items, q)).toEqual(items.filter((i) => (i.a === x || i.b === y) && i.c === 2))
  }, { fastCheck: { numRuns: 200 } })
})

/** A random query over `Item`s and the JS predicate that means the same. */
interface Item {
  readonly n: number
  readonly s: string
  readonly b: boolean
}
interface Built {
  readonly query: Bbql.Query
  readonly test: (item: Item) => boolean
}

const words = ["ant", "Bee", "cat", "a\"b", "x OR y", "(z)"]
const leaf: fc.Arbitrary<Built> = fc.oneof(
  fc.tuple(fc.constantFrom("eq", "ne", "gt", "gte", "lt", "lte"), fc.integer({ min: 0, max: 4 })).map(([op, v]): Built => ({
    query: Bbql[op as "eq"]("n", v),
    test: (i) => ({ eq: i.n === v, ne: i.n !== v, gt: i.n > v, gte: i.n >= v, lt: i.n < v, lte: i.n <= v })[op]!
  })),
  fc.tuple(fc.constantFrom("eq", "ne", "contains", "notContains"), fc.constantFrom(...words, "a", "E", "\"")).map(([op, v]): Built => ({
    query: Bbql[op as "eq"]("s", v),
    test: (i) => {
      const has = i.s.toLowerCase().includes(v.toLowerCase())
      return ({ eq: i.s === v, ne: i.s !== v, contains: has, notContains: !has })[op]!
    }
  })),
  fc.boolean().map((v): Built => ({ query: Bbql.eq("b", v), test: (i) => i.b === v })),
  fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }).map((vs): Built => ({
    query: Bbql.oneOf("n", vs),
    test: (i) => vs.includes(i.n)
  })),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.boolean()).map(([v, b]): Built => ({
    query: Bbql.raw(`n = ${v} OR b = ${b}`),
    test: (i) => i.n === v || i.b === b
  }))
)
const { tree } = fc.letrec<{ tree: Built }>((rec) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(fc.boolean(), fc.array(rec("tree"), { minLength: 1, maxLength: 3 })).map(([isAnd, parts]): Built => ({
      query: isAnd ? Bbql.and(...parts.map((p) => p.query)) : Bbql.or(...parts.map((p) => p.query)),
      test: isAnd ? (i) => parts.every((p) => p.test(i)) : (i) => parts.some((p) => p.test(i))
    }))
  )
}))
const item: fc.Arbitrary<Item> = fc.record({ n: fc.integer({ min: 0, max: 4 }), s: fc.constantFrom(...words), b: fc.boolean() })

describe("Bbql: precedence (property)", () => {
  it.prop("any and/or nesting filters the fake's items as the same JS predicate does", [tree, fc.array(item, { minLength: 1, maxLength: 12 })], ([built, items]) => {
    expect(filter(items, built.query)).toEqual(items.filter(built.test))
  }, { fastCheck: { numRuns: 500 } })
})

// ---------------------------------------------------------------------------------------------
// Against the fake, through a real listing
// ---------------------------------------------------------------------------------------------

const ALICE = "alice@example.com"

/** The fake with the playground's tracker holding these issues (ids from 1), listed as Alice. */
const withIssues = (issues: ReadonlyArray<{ readonly title: string; readonly created_on?: string; readonly state?: string }>) =>
  Authenticator.apiToken({ email: ALICE, token: "alice-api-token" }).pipe(
    Layer.provideMerge(
      FakeBitbucket.layer({
        seed: {
          ...FakeBitbucket.defaultSeed,
          issueTrackers: [{
            repository: "demo/effect-playground",
            issues: issues.map((issue, i) => ({
              id: i + 1,
              reporter: ALICE,
              created_on: "2024-01-01T00:00:00.000000+00:00",
              ...issue
            }))
          }]
        }
      })
    )
  )

const ids = (q: string) =>
  Issue.findForRepository(playground, { q, pagelen: 100 }).pipe(
    Stream.map((issue) => issue.id),
    Stream.runCollect,
    Effect.map((chunk) => [...Chunk.toReadonlyArray(chunk)].sort((a, b) => (a ?? 0) - (b ?? 0)))
  )

const trickyTitles = [
  "plain",
  "say \"hi\"",
  "back\\slash",
  "ends with \\",
  "\\\"",
  "x\" OR title != \"",
  "a AND b",
  ") OR (id > 0",
  "(parens)",
  "日本語 🙂 naïve",
  "100% + 1 & 2 # 3 ?x=y"
]

describe("Bbql against the fake (a real listing: URL encoding, the fake's parser and filter)", () => {
  it.effect("eq on a tricky title finds exactly the issues with that title, and nothing else", () =>
    Effect.gen(function*() {
      for (const [i, title] of trickyTitles.entries()) {
        expect(yield* ids(Bbql.eq("title", title)), title).toEqual([i + 1])
        expect(yield* ids(Bbql.ne("title", title)), title).toHaveLength(trickyTitles.length - 1)
      }
      // Written by hand, the same value breaks the query or changes its meaning.
      const handWritten = yield* Effect.either(ids(`title = "${"x\" OR title != \""}"`))
      expect(handWritten._tag === "Left" || handWritten.right.length !== 1).toBe(true)
    }).pipe(Effect.provide(withIssues(trickyTitles.map((title) => ({ title }))))))

  it.effect.prop(
    "any set of titles: eq finds exactly the equal ones, contains exactly those containing the value",
    [fc.uniqueArray(tricky, { minLength: 1, maxLength: 5 }), fc.nat(), tricky],
    ([titles, pick, needle]) =>
      Effect.gen(function*() {
        const target = titles[pick % titles.length]!
        expect(yield* ids(Bbql.eq("title", target))).toEqual([1 + (pick % titles.length)])
        const containing = titles.flatMap((t, i) => (t.toLowerCase().includes(needle.toLowerCase()) ? [i + 1] : []))
        expect(yield* ids(Bbql.contains("title", needle))).toEqual(containing)
        expect(yield* ids(Bbql.and(Bbql.contains("title", needle), Bbql.eq("title", target)))).toEqual(
          containing.filter((id) => id === 1 + (pick % titles.length))
        )
      }).pipe(Effect.provide(withIssues(titles.map((title) => ({ title }))))),
    { fastCheck: { numRuns: 40 } }
  )

  it.effect("a string that is not well-formed text (a lone surrogate) fails the listing with InvalidInput", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ids(Bbql.eq("title", "broken \uD800")))
      expect(error).toMatchObject({ _tag: "InvalidInput", parameter: "q" })
    }).pipe(Effect.provide(withIssues([{ title: "plain" }]))))

  it.effect("datetimes: Date and DateTime bounds select by created_on, offsets and fractions included", () =>
    Effect.gen(function*() {
      expect(yield* ids(Bbql.gte("created_on", new Date("2024-03-01T00:00:00Z")))).toEqual([2, 3])
      expect(yield* ids(Bbql.lt("created_on", DateTime.unsafeMake("2024-03-05T09:30:00Z")))).toEqual([1])
      expect(yield* ids(Bbql.lte("created_on", DateTime.unsafeMake("2024-03-05T09:30:00Z")))).toEqual([1, 2])
      // A zoned DateTime compares as its instant: issue 2 was created at 11:30+02:00, 09:30 UTC.
      const paris = DateTime.unsafeMakeZoned(new Date("2024-03-05T09:30:00Z"), { timeZone: "Europe/Paris" })
      expect(yield* ids(Bbql.eq("created_on", paris))).toEqual([2])
      expect(yield* ids(Bbql.and(
        Bbql.gt("created_on", new Date("2024-02-15T00:00:00Z")),
        Bbql.or(Bbql.eq("state", "new"), Bbql.lt("created_on", new Date("2024-04-01T00:00:00Z")))
      ))).toEqual([2, 3])
      // Microseconds count: polling for what changed after the last item seen does not find it again.
      expect(yield* ids(Bbql.gt("created_on", Bbql.datetime("2024-04-12T14:45:00.500000+00:00")))).toEqual([])
      expect(yield* ids(Bbql.gt("created_on", Bbql.datetime("2024-04-12T14:45:00.499999+00:00")))).toEqual([3])
      expect(yield* ids(Bbql.eq("created_on", new Date("2024-04-12T14:45:00.500Z")))).toEqual([3])
      expect(yield* ids(Bbql.eq("created_on", Bbql.datetime("2024-02-01T10:00:00.000001+00:00")))).toEqual([])
      // A quoted datetime compares as a datetime, across offsets (the fake's reading; see query.ts).
      expect(yield* ids(Bbql.gt("created_on", "2024-03-05T10:00:00Z"))).toEqual([3])
    }).pipe(Effect.provide(withIssues([
      { title: "first", created_on: "2024-02-01T10:00:00.000000+00:00", state: "open" },
      { title: "second", created_on: "2024-03-05T11:30:00.000000+02:00", state: "open" },
      { title: "third", created_on: "2024-04-12T14:45:00.500000+00:00", state: "new" }
    ]))))
})

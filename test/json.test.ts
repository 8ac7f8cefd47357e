/**
 * Large pages are parsed in pieces (src/internal/json.ts). These tests hold the piecewise parse
 * equal to `JSON.parse` of the whole text: on pages of any JSON, on any bytes derived from them by
 * mutation (both parse to the same value or both fail), and on the cases written to fool it.
 */
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { parseJsonBytes, parseJsonStaged, parseJsonText, quickParse, splitParse, splitThreshold } from "../src/internal/json.js"

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)

/** What the whole-text parse gives: a value, or "throws". */
const wholeParse = (input: Uint8Array): unknown => {
  try {
    return { value: parseJsonText(new TextDecoder().decode(input)) }
  } catch {
    return "throws"
  }
}
/** The same through parseJsonBytes with splitting forced on (threshold 0), the fast way first or not at all. */
const piecewise = (input: Uint8Array, fast = true): unknown => {
  try {
    return { value: parseJsonBytes(input, 0, fast) }
  } catch {
    return "throws"
  }
}

const whitespace = fc.constantFrom("", " ", "\n", "\t ", "\r\n  ")
const item = fc.jsonValue({ maxDepth: 3 })
/** A page as Bitbucket writes it, with any JSON around and in it, and arbitrary whitespace. */
const page = fc
  .record({
    before: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "values"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    values: fc.array(item, { maxLength: 8 }),
    after: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "values"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    ws: fc.array(whitespace, { minLength: 6, maxLength: 6 })
  })
  .map(({ after, before, values, ws }) => {
    const members = (o: object) => Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}${ws[0]}:${ws[1]}${JSON.stringify(v)}`)
    const array = `[${ws[2]}${values.map((v) => JSON.stringify(v, null, ws[3]!.length > 0 ? 1 : undefined)).join(`${ws[3]},${ws[4]}`)}${ws[2]}]`
    return `${ws[5]}{${[...members(before), `"values"${ws[0]}:${ws[1]}${array}`, ...members(after)].join(",")}}${ws[5]}`
  })

const structural = fc.constantFrom(..."\"\\{}[],: x0\u00e9".split(""))
/** Edits of a text: characters that matter to the splitter inserted, replaced or removed. */
const mutated = fc.tuple(page, fc.array(fc.tuple(fc.nat(), fc.nat(2), structural), { minLength: 1, maxLength: 4 })).map(
  ([text, edits]) => {
    let out = text
    for (const [at, kind, char] of edits) {
      const i = at % (out.length + 1)
      out = kind === 0 ? out.slice(0, i) + char + out.slice(i) : kind === 1 ? out.slice(0, i) + char + out.slice(i + 1) : out.slice(0, i) + out.slice(i + 1)
    }
    return out
  }
)

describe("piecewise JSON parsing of pages", () => {
  it.prop("any page parses to what JSON.parse gives, through the splitter", [page], ([text]) => {
    const input = bytes(text)
    // The exact scan takes it (it does not hand every page to the fallback)...
    expect(splitParse(input, false)).toEqual(parseJsonText(text))
    // ...and the public entry agrees with the whole-text parse, with or without the fast way.
    expect(piecewise(input)).toEqual(wholeParse(input))
    expect(piecewise(input, false)).toEqual(wholeParse(input))
    // In two steps, the top level comes first with the same fields (`values` still empty): always
    // from the exact scan, and from the fast way when it proves the page (else it was a guess).
    const whole = parseJsonText(text) as Record<string, unknown>
    const exact = parseJsonStaged(input, 0, false)
    expect(exact.head).toEqual({ ...whole, values: [] })
    expect(exact.whole()).toEqual(whole)
    const staged = parseJsonStaged(input, 0)
    if (quickParse(input) !== undefined) expect(staged.head).toEqual({ ...whole, values: [] })
    expect(staged.whole()).toEqual(whole)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("any mutation of a page: same value or both fail", [mutated, fc.nat(3)], ([text, offset]) => {
    const input = bytes(text)
    expect(piecewise(input)).toEqual(wholeParse(input))
    expect(piecewise(input, false)).toEqual(wholeParse(input))
    // Also at an unaligned offset (the word-at-a-time skip in strings is off there).
    const shifted = new Uint8Array(input.length + offset).subarray(offset)
    shifted.set(input)
    expect(piecewise(shifted, false)).toEqual(wholeParse(input))
  }, { fastCheck: { numRuns: 3000 } })

  const cases: ReadonlyArray<readonly [string, string]> = [
    ["empty values", `{"values":[ ],"size":0}`],
    ["trailing comma (invalid)", `{"values":[1,],"size":0}`],
    ["missing comma (invalid)", `{"values":[1 2]}`],
    ["values closed by a brace (invalid)", `{"values":[1}`],
    ["two values keys: the last wins", `{"values":[1,2],"values":[3]}`],
    ["escaped key equal to values", `{"values":[1,2],"valu\\u0065s":[]}`],
    ["values is an object", `{"values":{"a":[1,2]}}`],
    ["values is a string, then an array elsewhere", `{"values":"[1,2]","other":[3,4]}`],
    ["values is null", `{"values":null}`],
    ["brackets and quotes inside strings", `{"values":["a]b","c\\"],[d","\\\\",{"k":"}{"}],"next":"x,y"}`],
    ["nested values key", `{"page":{"values":[9]},"values":[{"values":[1]}]}`],
    ["top-level array", `[{"values":[1]}]`],
    ["leading BOM", `\ufeff{"values":[1]}`],
    ["BOM inside the array (invalid)", `{"values":[\ufeff1]}`],
    ["__proto__ in an item", `{"values":[{"__proto__":{"x":1},"a":1}]}`],
    ["__proto__ at the top", `{"__proto__":{"x":1},"values":[1]}`],
    ["__proto__ written with escapes, in an item", `{"values":[{"a":{"\\u005f_proto\\u005F_":{"x":1}}}]}`],
    ["__proto__ as a string value, not a key", `{"values":["__proto__",{"k":"__proto__"}]}`],
    ["unterminated string (invalid)", `{"values":["abc]}`],
    ["garbage after (invalid)", `{"values":[1]} x`],
    ["extra closing (invalid)", `{"values":[1]}]`],
    ["deeply nested items", `{"values":[[[[[{"a":[[]]}]]]]],"next":null}`]
  ]
  for (const [name, text] of cases) {
    it(name, () => {
      const input = bytes(text)
      expect(piecewise(input)).toEqual(wholeParse(input))
      expect(piecewise(input, false)).toEqual(wholeParse(input))
    })
  }

  it("invalid UTF-8 is replaced as the whole-text decode replaces it", () => {
    const input = new Uint8Array([...bytes(`{"values":["a`), 0xc3, ...bytes(`","b`), 0xff, 0xfe, ...bytes(`"],"x":"`), 0xe2, 0x82, ...bytes(`"}`)])
    expect(piecewise(input)).toEqual(wholeParse(input))
    expect(piecewise(input, false)).toEqual(wholeParse(input))
    expect((piecewise(input) as { value: { values: Array<string> } }).value.values).toEqual(["a\ufffd", "b\ufffd\ufffd"])
  })

  const ways = [[0, true, "in pieces, the fast way"], [0, false, "in pieces, exact scan"], [splitThreshold, true, "whole"]] as const
  for (const key of ["__proto__", "\\u005f_proto__", "__pr\\u006fto__"]) {
    for (const [threshold, fast, way] of ways) {
      it(`a ${key} key is dropped, at any depth (${way})`, () => {
        // Items that open alike, so that the fast way takes the page.
        const text = `{"${key}":{"polluted":1},"values":[{"t":1,"a":{"${key}":{"polluted":2}}},{"t":1,"${key}":{"polluted":3}}]}`
        if (fast) expect(quickParse(bytes(text))).toBeDefined()
        const value = parseJsonBytes(bytes(text), threshold, fast) as { values: Array<Record<string, object>> }
        for (const object of [value, value.values[0]!["a"]!, value.values[1]!]) {
          expect(Object.keys(object)).not.toContain("__proto__")
          expect(Object.getPrototypeOf(object)).toBe(Object.prototype)
          expect((object as Record<string, unknown>)["polluted"]).toBeUndefined()
        }
      })
    }
  }

  it("a real-sized page (over the threshold) is parsed in pieces to the same value, the fast way", () => {
    const values = Array.from({ length: 100 }, (_, i) => ({
      type: "repository",
      full_name: `bench/repo-${i}`,
      description: "x".repeat(1200) + "é",
      links: { clone: [{ name: "https", href: `https://bitbucket.org/bench/repo-${i}.git` }] }
    }))
    const text = JSON.stringify({ pagelen: 100, size: 100, page: 1, values, next: "https://api.bitbucket.org/2.0/x?page=2" })
    const input = bytes(text)
    expect(input.length).toBeGreaterThan(splitThreshold)
    expect(quickParse(input)).toEqual(JSON.parse(text))
    expect(splitParse(input)).toEqual(JSON.parse(text))
    expect(parseJsonBytes(input)).toEqual(JSON.parse(text))
  })
})

describe("the fast way through a page (items found by their common opening, proven by parsing)", () => {
  // Items of one listing open alike; nested objects mostly do not open like them, sometimes they do.
  const nestedKinds = fc.oneof({ weight: 6, arbitrary: fc.constant("participant") }, { weight: 1, arbitrary: fc.constant("repository") })
  /** An item that opens like the others, with anything in it, and now and then something to trip the fast way. */
  const similar = fc.record({
    rest: fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "type"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    nested: fc.array(fc.record({ type: nestedKinds, n: fc.nat(9) }), { maxLength: 3 }),
    trap: fc.oneof(
      { weight: 6, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom(`},{"type":"repository"`, "]", "[", "}", "__proto__", "\\u005f", "\\") }
    )
  }).map(({ nested, rest, trap }) => ({ type: "repository", ...rest, nested, trap }))
  const similarPage = fc.record({
    values: fc.array(similar, { minLength: 1, maxLength: 8 }),
    after: fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== "values"), fc.oneof(fc.string(), fc.integer(), fc.jsonValue({ maxDepth: 1 }))),
    pretty: fc.boolean()
  }).map(({ after, pretty, values }) =>
    JSON.stringify({ pagelen: 100, values, ...after, next: "https://x/?page=2" }, null, pretty ? 1 : undefined)
  )

  it("takes pages of similar items, and always gives what JSON.parse gives (or leaves them to the exact scan)", () => {
    let taken = 0
    let runs = 0
    fc.assert(
      fc.property(similarPage, (text) => {
        runs++
        const input = bytes(text)
        const quick = quickParse(input)
        if (quick !== undefined) {
          taken++
          expect(quick).toEqual(parseJsonText(text))
        }
        const staged = parseJsonStaged(input, 0)
        const whole = parseJsonText(text) as Record<string, unknown>
        if (quick !== undefined) expect(staged.head).toEqual({ ...whole, values: [] })
        expect(staged.whole()).toEqual(whole)
      }),
      { numRuns: 1000 }
    )
    // Most of these pages are for the fast way (the rest hold a trap it leaves to the exact scan).
    expect(taken / runs).toBeGreaterThan(0.3)
  })

  it("a guessed top level that the items do not prove is not the one whole gives", () => {
    // The last `]` closes `x`, not `values`: the guess misses `next`, and the items put it right.
    const text = `{"values":[{"t":"a"},{"t":"a"}],"next":"n","x":[{"t":"a"},{"t":"a"}]}`
    const staged = parseJsonStaged(bytes(text), 0)
    expect(staged.head).toEqual({ values: [] })
    expect(staged.whole()).toEqual(JSON.parse(text))
    expect(quickParse(bytes(text))).toBeUndefined()
  })

  const cases: ReadonlyArray<readonly [string, string]> = [
    ["an array after values whose objects open like the items", `{"values":[{"t":"a"},{"t":"a"}],"next":"n","x":[{"t":"a"},{"t":"a"}]}`],
    ["a bracket in a string after values", `{"values":[{"t":"a"},{"t":"a"}],"next":"n]"}`],
    ["the opening inside a string", `{"values":[{"t":"a","d":"},{\"t\":\"a\""},{"t":"a"}]}`],
    ["nested objects opening like the items", `{"values":[{"t":"a","c":[{"t":"a"},{"t":"a"}]},{"t":"a"}]}`],
    ["values first as a string value", `{"kind":"values","values":[{"t":"a"},{"t":"a"}]}`],
    ["values again after the array: the last wins", `{"values":[{"t":"a"},{"t":"a"}],"values":[{"t":"b"}]}`],
    ["values nested before the top-level one", `{"meta":{"values":[{"t":"a"}]},"values":[{"t":"a"},{"t":"a"}]}`],
    ["an item that is not an object", `{"values":[{"t":"a"},1,{"t":"a"}]}`],
    ["a missing comma (invalid)", `{"values":[{"t":"a"} {"t":"a"}]}`],
    ["an unterminated item (invalid)", `{"values":[{"t":"a"},{"t":"a}]}`],
    ["values again after the array, not an array: the last wins", `{"values":[{"t":"a"},{"t":"a"}],"values":null}`],
    ["values again after the array, escaped: the last wins", `{"values":[{"t":"a"},{"t":"a"}],"valu\\u0065s":7}`],
    ["escaped __proto__ in one item", `{"values":[{"t":"a"},{"t":"a","\u005f_proto__":{"p":1}}]}`]
  ]
  for (const [name, text] of cases) {
    it(name, () => {
      const input = bytes(text)
      expect(piecewise(input)).toEqual(wholeParse(input))
      const quick = quickParse(input)
      if (quick !== undefined) expect({ value: quick }).toEqual(wholeParse(input))
      const staged = (() => {
        try {
          return parseJsonStaged(input, 0)
        } catch {
          return undefined
        }
      })()
      const whole = wholeParse(input)
      // The top level comes first with the same fields (`values` empty, or whole when not split)
      // when the fast way proves the page; else the whole value still comes out right.
      if (staged !== undefined && typeof whole === "object") {
        if (quick !== undefined) {
          expect({ ...(staged.head as object), values: [] }).toEqual({ ...(whole as { value: object }).value, values: [] })
        }
        expect(staged.whole()).toEqual((whole as { value: object }).value)
      }
    })
  }
})

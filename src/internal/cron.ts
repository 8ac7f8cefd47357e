/**
 * Bitbucket Pipelines schedules' cron patterns: Quartz-style, seven fields with seconds first
 * (`seconds minutes hours day-of-month month day-of-week year`), e.g. `0 0 12 * * ? *`. Shared by
 * the client (checked before sending) and the fake (refused with 400, as Bitbucket does).
 * @internal
 */

interface Field {
  readonly name: string
  readonly min: number
  readonly max: number
  /** Names accepted for values (`JAN`, `MON`), from `min` on. */
  readonly names?: ReadonlyArray<string>
  /** Whole items this field accepts besides numbers and ranges (Quartz's `?`, `L`, `W`, `#`). */
  readonly special?: RegExp
  /** The largest step (`/n`) Quartz takes here ("Increment > 60"); none for the year. */
  readonly maxStep?: number
}

const FIELDS: ReadonlyArray<Field> = [
  { name: "seconds", min: 0, max: 59, maxStep: 59 },
  { name: "minutes", min: 0, max: 59, maxStep: 59 },
  { name: "hours", min: 0, max: 23, maxStep: 23 },
  { name: "day-of-month", min: 1, max: 31, maxStep: 31, special: /^(\?|L|LW|L-([1-9]|[12]\d|30)|([1-9]|[12]\d|3[01])W)$/ },
  { name: "month", min: 1, max: 12, maxStep: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  // A day by number or by name, then `L` (the month's last such day) or `#n` (its nth): `6L`, `FRIL`, `FRI#3`.
  {
    name: "day-of-week",
    min: 1,
    max: 7,
    maxStep: 7,
    names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    special: /^(\?|L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/
  },
  { name: "year", min: 1970, max: 2099 }
]

/** A field's value, by number or name; undefined when it is neither or out of range. */
const valueOf = (field: Field, text: string): number | undefined => {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1
  if (named >= 0) return field.min + named
  if (!/^\d{1,4}$/.test(text)) return undefined
  const n = Number(text)
  return n >= field.min && n <= field.max ? n : undefined
}

/** Is `item` (one entry of a comma list) valid in `field`? */
const validItem = (field: Field, item: string): boolean => {
  if (field.special?.test(item.toUpperCase()) === true) return true
  const [range, step, ...rest] = item.split("/")
  if (rest.length > 0 || range === undefined || range === "") return false
  if (step !== undefined && !(/^\d{1,4}$/.test(step) && Number(step) >= 1 && Number(step) <= (field.maxStep ?? Infinity))) return false
  if (range === "*") return true
  const [from, to, ...more] = range.split("-")
  if (more.length > 0 || from === undefined) return false
  const start = valueOf(field, from)
  if (start === undefined) return false
  return to === undefined || valueOf(field, to) !== undefined
}

/**
 * What is wrong with a cron pattern (one sentence naming the field), or undefined when Bitbucket
 * would take it. Quartz needs exactly one of day-of-month and day-of-week to be `?`.
 */
export const cronProblem = (pattern: string): string | undefined => {
  const parts = pattern.trim().split(/\s+/)
  if (parts.length !== FIELDS.length) {
    return `a schedule's cron pattern has 7 fields (seconds minutes hours day-of-month month day-of-week year), e.g. "0 0 12 * * ? *"; got ${parts.length}`
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i]!
    const part = parts[i]!
    const items = part.split(",")
    // Quartz takes `?`, and `L` of a day field, alone only, and one `#` at most ("Support for
    // specifying 'L' with other days [...] / multiple "nth" days is not implemented").
    const alone = items.length > 1 && (items.includes("?") || (field.special !== undefined && /L/i.test(part)))
    if (alone || (part.match(/#/g)?.length ?? 0) > 1 || !items.every((item) => validItem(field, item))) {
      return `the cron pattern's ${field.name} field ${JSON.stringify(part)} is not valid (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}, lists, ranges, steps${field.special ? " or Quartz's ? L W #" : ""})`
    }
  }
  const [dayOfMonth, dayOfWeek] = [parts[3]!, parts[5]!]
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return `the cron pattern needs "?" in exactly one of day-of-month and day-of-week (Quartz), e.g. "0 30 2 * * ? *" or "0 0 9 ? * MON *"`
  }
  return undefined
}

/**
 * The time limit on each attempt (src/internal/timeout.ts): on the live clock a forked effect and
 * a timer, on any other clock `Effect.timeoutFail`. Either way: the value or failure of the effect
 * within the limit, "timeout" after it with the effect interrupted first, and nothing left behind.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Option, Ref, Supervisor, TestClock } from "effect"
import { within } from "../src/internal/timeout.js"

/** Timers the process holds right now. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length

/** An effect that never ends, and a flag set when it is interrupted. */
const hanging = Effect.map(Ref.make(false), (interrupted) => ({
  interrupted,
  effect: Effect.onInterrupt(Effect.never, () => Ref.set(interrupted, true))
}))

/** Counts the fibers started under it. */
class Forks extends Supervisor.AbstractSupervisor<number> {
  count = 0
  value = Effect.sync(() => this.count)
  override onStart() {
    this.count++
  }
}

describe("within, on the live clock", () => {
  it.live("forks one fiber where Effect.timeoutFail forks two", () =>
    Effect.gen(function*() {
      const ours = new Forks()
      yield* Effect.supervised(within(Effect.succeed(1), 60_000), ours)
      const theirs = new Forks()
      yield* Effect.supervised(Effect.timeoutFail(Effect.succeed(1), { duration: "60 seconds", onTimeout: () => "timeout" }), theirs)
      expect([ours.count, theirs.count]).toEqual([1, 2])
    }))

  it.live("gives the value of an effect that ends in time, and leaves no timer behind", () =>
    Effect.gen(function*() {
      const before = timers()
      const value = yield* within(Effect.delay(Effect.succeed(42), "5 millis"), 60_000)
      expect(value).toBe(42)
      expect(timers()).toBeLessThanOrEqual(before) // another test's timer may end meanwhile; ours must not stay
    }))

  it.live("passes a failure and a defect of the effect through", () =>
    Effect.gen(function*() {
      expect(yield* Effect.flip(within(Effect.fail("boom" as const), 60_000))).toBe("boom")
      const exit = yield* Effect.exit(within(Effect.die("broken"), 60_000))
      expect(Exit.isFailure(exit) && Option.getOrUndefined(Cause.dieOption(exit.cause))).toBe("broken")
    }))

  it.live("fails with \"timeout\" after the limit, once the effect has been interrupted", () =>
    Effect.gen(function*() {
      const { effect, interrupted } = yield* hanging
      const started = Date.now()
      expect(yield* Effect.flip(within(effect, 30))).toBe("timeout")
      expect(Date.now() - started).toBeGreaterThanOrEqual(25)
      expect(yield* Ref.get(interrupted)).toBe(true)
    }))

  it.live("interrupted while it waits: interrupts the effect at once and drops its timer", () =>
    Effect.gen(function*() {
      const before = timers()
      const { effect, interrupted } = yield* hanging
      // The caller's own finalizer runs before the caller ends: the effect must be stopped by then,
      // not only when the caller's fiber ends.
      const seenByFinalizer = yield* Ref.make(false)
      const fiber = yield* Effect.fork(
        Effect.ensuring(within(effect, 60_000), Effect.flatMap(Ref.get(interrupted), (seen) => Ref.set(seenByFinalizer, seen)))
      )
      yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      expect(yield* Ref.get(seenByFinalizer)).toBe(true)
      expect(timers()).toBeLessThanOrEqual(before) // another test's timer may end meanwhile; ours must not stay
    }))
})

describe("within, on a TestClock", () => {
  it.effect("the limit follows the test's clock", () =>
    Effect.gen(function*() {
      const { effect, interrupted } = yield* hanging
      // An hour: a real timer would outlast the test.
      const fiber = yield* Effect.fork(Effect.flip(within(effect, 3_600_000)))
      yield* TestClock.adjust("3599999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(yield* Fiber.join(fiber)).toBe("timeout")
      expect(yield* Ref.get(interrupted)).toBe(true)
    }))
})

/**
 * Time limits: what is left until a deadline, and a limit on one effect, as cheap as the clock
 * allows (every request of a listing runs under one, so its cost is paid per page).
 * @internal
 */
import { Clock, Context, DefaultServices, Duration, Effect, type Exit, Fiber, FiberRef } from "effect"

/**
 * The clock of every runtime that provides none of its own (a test's `TestClock` is another), read
 * from Effect's default services: importing this module runs no effect.
 */
const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/**
 * What is left until `deadline` (epoch millis) at `now`, in whole milliseconds rounded down: a wait
 * computed from a clock with a fractional time must not end a hair after the deadline (a TestClock
 * moved to the deadline would never wake it).
 */
export const millisLeft = (deadline: number, now: number): number => Math.max(0, Math.floor(deadline - now))

/**
 * The deadline (epoch millis) of the request the current fiber works for, Infinity outside one.
 * A wait inside it that is not the pipeline's own (a token request's backoff, during a request's
 * authentication or renewal) and would end past it fails at once with its error, as the
 * pipeline's retries do, instead of sleeping into a timeout.
 */
export const currentDeadline: FiberRef.FiberRef<number> = FiberRef.unsafeMake(Number.POSITIVE_INFINITY)

/** Longer than this, a JavaScript timer fires at once; Effect's clock treats it as no limit. */
const maxTimerMillis = 2 ** 31 - 1

/**
 * `effect`, or the failure "timeout" once `millis` have passed, with `effect` interrupted (and
 * waited for) first. Like `Effect.timeoutFail`, which forks two fibers, the effect and a sleep on
 * the current clock, and waits for the loser; on the live clock this forks only the effect and
 * waits for it or a timer: per request one fiber and about three scheduler hops less. Any other
 * clock (a `TestClock`, a clock of the application's own) keeps `Effect.timeoutFail`, so tests
 * that move a clock still drive the limit.
 */
export const within = <A, E, R>(effect: Effect.Effect<A, E, R>, millis: number): Effect.Effect<A, E | "timeout", R> =>
  Effect.clockWith((clock) =>
    clock !== liveClock || millis > maxTimerMillis
      ? Effect.timeoutFail(effect, { duration: Duration.millis(millis), onTimeout: () => "timeout" as const })
      : Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.fork(restore(effect)), (fiber) =>
          restore(Effect.async<A, E | "timeout">((resume) => {
            const done = (exit: Exit.Exit<A, E>) => {
              clearTimeout(timer)
              resume(exit)
            }
            const timer = setTimeout(() => {
              fiber.removeObserver(done)
              resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail("timeout" as const)))
            }, Math.max(0, millis))
            fiber.addObserver(done)
            // Interrupted while waiting: the effect is interrupted too.
            return Effect.suspend(() => {
              clearTimeout(timer)
              fiber.removeObserver(done)
              return Fiber.interrupt(fiber)
            })
          })))
      )
  )

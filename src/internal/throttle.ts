/**
 * Client-wide state of the pipeline: the retry budget, the client-side rate limiter and the
 * near-limit slowdown. It is kept per settings object: every request made with the same settings
 * shares it, whatever `HttpClient` it goes through (an application that provides its client per
 * call still has one budget and one limiter), and a new `BitbucketConfig.layer(...)` starts
 * afresh. A client kept apart (each `FakeBitbucket`'s) has a state of its own instead, so that
 * tests in one process, on the default settings, do not spend each other's budget nor wait for a
 * slowdown seen on another clock.
 * @internal
 */
import { Clock, Duration, Effect } from "effect"
import type { Settings } from "../BitbucketConfig.js"
import { millisLeft } from "./timeout.js"

interface State {
  /** Tokens left in the retry budget. */
  budget: number
  /** Send times (epoch millis) of the requests in the current window, reserved ones included, in order. */
  sent: Array<number>
  /** Slow down until this time (epoch millis): Bitbucket said we are near the limit. */
  nearLimitUntil: number
}

const states = new WeakMap<object, State>()

const apart = new WeakSet<object>()

/** Gives an HTTP client (the service itself) a state of its own, whatever the settings. */
export const keepApart = (client: object): void => void apart.add(client)

/** The state shared by the requests made with these settings (through a client kept apart: by that client's). */
export interface Throttle {
  readonly settings: Settings
  readonly state: State
}

export const of = (settings: Settings, client: object): Throttle => {
  const key = apart.has(client) ? client : settings
  let state = states.get(key)
  if (state === undefined) {
    state = { budget: settings.retry.budget.capacity, sent: [], nearLimitUntil: 0 }
    states.set(key, state)
  }
  return { settings, state }
}

/** Tries to spend the cost of one retry; false when the budget is spent. */
export const spendRetry = ({ settings, state }: Throttle, kind: "status" | "transport"): boolean => {
  const { retryCost, timeoutCost } = settings.retry.budget
  const cost = kind === "transport" ? timeoutCost : retryCost
  if (state.budget < cost) return false
  state.budget -= cost
  return true
}

/** Gives back some budget after a success. */
export const refund = ({ settings, state }: Throttle): void => {
  const { capacity, successRefund } = settings.retry.budget
  state.budget = Math.min(capacity, state.budget + successRefund)
}

/** Remembers that Bitbucket said the caller is near its rate limit. */
export const nearLimit = ({ settings, state }: Throttle, now: number): void => {
  state.nearLimitUntil = now + Duration.toMillis(settings.rateLimit.nearLimitWindow)
}

const succeedTrue = Effect.succeed(true)

/**
 * When a request wanting to leave at `at` (epoch millis, now or later) could be sent as things
 * stand: after the near-limit slowdown and the limiter's window. Nothing is reserved; a retry
 * asks this before it waits, so that a wait the limiter would stretch past the deadline is not begun.
 */
export const sendTime = ({ settings, state }: Throttle, at: number): number => {
  let ready = at < state.nearLimitUntil ? at + Duration.toMillis(settings.rateLimit.nearLimitDelay) : at
  const maxRequests = settings.rateLimit.maxRequests
  if (maxRequests !== undefined && maxRequests > 0) {
    const interval = Duration.toMillis(settings.rateLimit.interval)
    // The sends still in the window at `at`, the reserved ones included.
    const counted = state.sent.filter((sent) => sent > at - interval)
    if (counted.length >= maxRequests) ready = Math.max(ready, counted[counted.length - maxRequests]! + interval)
  }
  return ready
}

/**
 * Waits for a slot before sending: the near-limit slowdown, then the client-side limiter (a
 * sliding window: at most `maxRequests` sends in any `interval`; slots are reserved in order, so
 * concurrent fibers queue fairly). A request that gives up while waiting (interruption) releases its
 * slot. When the slot comes after `deadline` (epoch millis: the operation timeout), nothing is
 * reserved: it waits until the deadline and gives false.
 */
export const acquire = ({ settings, state }: Throttle, deadline: number): Effect.Effect<boolean> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    let at = now < state.nearLimitUntil ? now + Duration.toMillis(settings.rateLimit.nearLimitDelay) : now
    const maxRequests = settings.rateLimit.maxRequests
    const sent = state.sent
    if (maxRequests !== undefined && maxRequests > 0) {
      const interval = Duration.toMillis(settings.rateLimit.interval)
      // Sends that left the window no longer count.
      while (sent.length > 0 && sent[0]! <= now - interval) sent.shift()
      if (sent.length >= maxRequests) at = Math.max(at, sent[sent.length - maxRequests]! + interval)
    }
    if (at > deadline) return Effect.as(Effect.sleep(Duration.millis(millisLeft(deadline, now))), false)
    if (maxRequests === undefined || maxRequests <= 0) {
      return at > now ? Effect.as(Effect.sleep(Duration.millis(at - now)), true) : succeedTrue
    }
    let index = sent.length
    while (index > 0 && sent[index - 1]! > at) index--
    sent.splice(index, 0, at)
    if (at <= now) return succeedTrue
    const release = Effect.sync(() => {
      const i = sent.indexOf(at)
      if (i >= 0) sent.splice(i, 1)
    })
    return Effect.as(Effect.onInterrupt(Effect.sleep(Duration.millis(at - now)), () => release), true)
  })

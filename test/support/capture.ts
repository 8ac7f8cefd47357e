/**
 * What an application would see of a call: every log line (in three formats, with annotations
 * and causes) and every span (names, attributes, events, exits), as text to search for secrets.
 */
import { Cause, type Context, Effect, Exit, HashMap, List, Logger, LogLevel, Option, Tracer } from "effect"
import * as util from "node:util"

const inspect = (u: unknown) => util.inspect(u, { depth: 12 })

/** A span that records everything a tracer exporter could see. */
class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  constructor(
    readonly sink: Array<string>,
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.status = { _tag: "Started", startTime }
    this.traceId = Option.isSome(parent) ? parent.value.traceId : `trace-${sink.length}`
    this.spanId = `span-${sink.length}`
    this.links = [...links]
    sink.push(`span ${name} (${kind})`)
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.sink.push(`end ${this.name}\n${[...this.attributes].map(([k, v]) => `${k}=${String(v)} ${inspect(v)}`).join("\n")}`)
    if (Exit.isFailure(exit)) {
      this.sink.push(Cause.pretty(exit.cause))
      for (const error of Cause.prettyErrors(exit.cause)) this.sink.push(`${error.name}: ${error.message}\n${error.stack}`)
    }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    this.sink.push(`attribute ${this.name} ${key}=${String(value)} ${inspect(value)}`)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.sink.push(`event ${this.name} ${name} ${inspect(attributes)}`)
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A replacing logger and a recording tracer; `around` runs an effect under both, logging its failure. */
export const capture = (label: string) => {
  const logs: Array<string> = []
  const spans: Array<string> = []
  const spanNames: Array<string> = []
  const logger = Logger.make((options) => {
    logs.push(Logger.stringLogger.log(options))
    logs.push(Logger.logfmtLogger.log(options))
    logs.push(Logger.jsonLogger.log(options))
    logs.push(inspect(options.message))
    logs.push(inspect(HashMap.toEntries(options.annotations)))
    logs.push(List.toArray(options.spans).map((s) => s.label).join(" "))
    if (!Cause.isEmpty(options.cause)) logs.push(Cause.pretty(options.cause))
  })
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      spanNames.push(name)
      return new RecordingSpan(spans, name, parent, context, links, startTime, kind)
    },
    context: (f) => f()
  })
  const around = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.tap((value) => Effect.logDebug("Bitbucket call succeeded", value)),
      Effect.tapErrorCause((cause) => Effect.logError(cause)),
      Effect.tapError((error) => Effect.logError("Bitbucket call failed", error)),
      Effect.tapError((error) => Effect.annotateLogs(Effect.logWarning("failed"), "error", error)),
      Effect.withLogSpan(label),
      Effect.withTracer(tracer),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
  return { logs, spans, spanNames, around }
}

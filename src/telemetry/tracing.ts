import type { Link, Span, SpanContext } from '@opentelemetry/api';
import { otelApi } from './otel-api.js';

/**
 * Spans for the path of a detection, through @opentelemetry/api only (no-ops until the SDK
 * registers a tracer provider, i.e. when an OTLP endpoint is configured; nothing at all until the
 * API is loaded, see otel-api.ts).
 *
 * What a trace covers:
 * - `authwatch.batch`: one source batch, from the bytes or Kafka records arriving at the
 *   pipeline to the SQLite commit of its detections and checkpoint. Attributes: source, stream,
 *   batch type, detections, new events.
 * - `authwatch.notification.send`: one delivery attempt of one outbox row to one receiver.
 *   It carries span links to the batch spans that stored this service's and kind's latest
 *   events in this process, which joins a notification to the log lines behind it.
 * The alert decision in between runs on its own timer over rows in SQLite, so it is not a
 * parent-child step; the links are held in memory and do not survive a restart.
 */
const tracer = () => otelApi()?.trace.getTracer('authwatch');

/** The batch span in progress; batches are handled synchronously, so one at a time. */
let currentBatch: Span | undefined;

export const tracing = {
  /** Runs `fn` (synchronous) inside an `authwatch.batch` span; records a thrown error on it. */
  batch<T>(attrs: { source: string; stream: string; type: string }, fn: () => T): T {
    const t = tracer();
    if (t === undefined) return fn();
    const span = t.startSpan('authwatch.batch', { attributes: { 'authwatch.source': attrs.source, 'authwatch.stream': attrs.stream, 'authwatch.batch.type': attrs.type } });
    const outer = currentBatch;
    currentBatch = span;
    try {
      return fn();
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      currentBatch = outer;
      span.end();
    }
  },
  /** Adds the commit's counts to the batch span in progress. */
  committed(counts: { detections: number; stored: number }): void {
    currentBatch?.setAttributes({ 'authwatch.detections': counts.detections, 'authwatch.events.stored': counts.stored });
  },
  /** The batch span in progress, to link later work (notifications) to it. */
  currentBatchContext(): SpanContext | undefined {
    const ctx = currentBatch?.spanContext();
    return ctx && otelApi()?.trace.isSpanContextValid(ctx) ? ctx : undefined;
  },
  /** Runs one delivery attempt inside an `authwatch.notification.send` span. */
  async send<T>(attrs: { receiver: string; channel: string; service: string; kind: string; event: string; id: string }, links: readonly Link[], fn: () => Promise<T>): Promise<T> {
    const t = tracer();
    if (t === undefined) return fn();
    const span = t.startSpan('authwatch.notification.send', {
      links: [...links],
      attributes: {
        'authwatch.receiver': attrs.receiver,
        'authwatch.channel': attrs.channel,
        'authwatch.service': attrs.service,
        'authwatch.kind': attrs.kind,
        'authwatch.notification.event': attrs.event,
        'authwatch.notification.id': attrs.id,
      },
    });
    try {
      return await fn();
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  },
};

function fail(span: Span, err: unknown): void {
  const error = otelApi()?.SpanStatusCode.ERROR;
  if (error !== undefined) span.setStatus({ code: error, message: err instanceof Error ? err.message : String(err) });
  if (err instanceof Error) span.recordException(err);
}

/** Most (service, kind) pairs whose batch spans are remembered for linking. */
const MAX_REMEMBERED = 2_000;
/** Batch spans remembered per (service, kind): the latest few. */
const LINKS_PER_KEY = 4;

/**
 * Remembers which batch spans stored events of each (service, kind), bounded, so a later
 * notification can link to them. Oldest keys are forgotten first.
 */
export class DetectionTraceIndex {
  private readonly byKey = new Map<string, SpanContext[]>();

  remember(service: string, kind: string, ctx: SpanContext): void {
    const key = `${service}\u0000${kind}`;
    const list = this.byKey.get(key) ?? [];
    this.byKey.delete(key);
    if (!list.some((c) => c.spanId === ctx.spanId)) list.push(ctx);
    this.byKey.set(key, list.slice(-LINKS_PER_KEY));
    if (this.byKey.size > MAX_REMEMBERED) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  links(service: string, kind: string): Link[] {
    return (this.byKey.get(`${service}\u0000${kind}`) ?? []).map((context) => ({ context }));
  }
}

import type { Attributes, Meter, ObservableCallback, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { ScanStats } from '../contracts.js';
import { otelApi } from './otel-api.js';

/**
 * Every metric authwatch records, behind named functions so call sites stay vendor-free and the
 * names, units and attributes live in one place. Without an SDK registered these are no-ops,
 * and until the API is loaded (otel-api.ts) they do nothing at all.
 * Attributes are bounded: source id, kind, service, channel or receiver — never a line or URL.
 */
const PREFIX = 'authwatch';

/**
 * The API hands out no-op instruments until an SDK is registered, and does not upgrade them
 * later, so instruments are created on first use and re-created after the SDK starts.
 */
function createInstruments(meter: Meter) {
  return {
    linesRead: meter.createCounter(`${PREFIX}.lines.read`, { description: 'Complete lines read from sources.', unit: '{line}' }),
    bytesRead: meter.createCounter(`${PREFIX}.bytes.read`, { description: 'Bytes read from sources.', unit: 'By' }),
    candidates: meter.createCounter(`${PREFIX}.lines.candidate`, { description: 'Lines that passed the byte prefilter and were parsed.', unit: '{line}' }),
    skipped: meter.createCounter(`${PREFIX}.lines.skipped`, { description: 'Lines skipped as too long, binary or malformed.', unit: '{line}' }),
    detections: meter.createCounter(`${PREFIX}.detections`, { description: 'Rejections detected (before de-duplication by position).', unit: '{detection}' }),
    stored: meter.createCounter(`${PREFIX}.events.stored`, { description: 'Detections newly stored in SQLite.', unit: '{event}' }),
    storeErrors: meter.createCounter(`${PREFIX}.store.errors`, { description: 'Batches the database refused; they are retried from the stored position.', unit: '{batch}' }),
    notifications: meter.createCounter(`${PREFIX}.notifications`, { description: 'Notification send attempts by receiver, channel type and outcome (sent, failed).', unit: '{notification}' }),
    deliveryLatency: meter.createHistogram(`${PREFIX}.notification.latency`, {
      description: 'Time from the alert decision to the receiver accepting the notification, retries included.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] },
    }),
    reportRuns: meter.createCounter(`${PREFIX}.report.runs`, { description: 'Scheduled report runs by schedule and outcome.', unit: '{run}' }),
  };
}

let instruments: ReturnType<typeof createInstruments> | undefined;
/** The instruments; undefined while the API is not loaded (see otel-api.ts), when there is nothing to record to. */
const i = (): ReturnType<typeof createInstruments> | undefined => {
  const api = otelApi();
  if (instruments === undefined && api !== undefined) instruments = createInstruments(api.metrics.getMeter('authwatch'));
  return instruments;
};

/** Called once the SDK's meter provider is registered. */
export function resetInstruments(): void {
  instruments = undefined;
}

export const telemetry = {
  /** Records the difference between two snapshots of a source's scanner counters. */
  scanned(source: string, before: ScanStats, after: ScanStats): void {
    const m = i();
    if (m === undefined) return;
    const a = { source };
    add(m.linesRead, after.lines - before.lines, a);
    add(m.bytesRead, after.bytes - before.bytes, a);
    add(m.candidates, after.candidates - before.candidates, a);
    add(m.skipped, after.longLines - before.longLines, { ...a, reason: 'too-long' });
    add(m.skipped, after.binaryLines - before.binaryLines, { ...a, reason: 'binary' });
    add(m.skipped, after.malformed - before.malformed, { ...a, reason: 'malformed' });
  },
  detected(kind: string, service: string, count = 1): void {
    add(i()?.detections, count, { kind, service });
  },
  stored(count: number): void {
    add(i()?.stored, count, {});
  },
  storeError(source: string): void {
    add(i()?.storeErrors, 1, { source });
  },
  /** One send attempt to a receiver; a message goes to the dead letter after failed ones (see outbox depth). */
  notification(receiver: string, channel: string, outcome: 'sent' | 'failed'): void {
    add(i()?.notifications, 1, { receiver, channel, outcome });
  },
  deliveryLatency(seconds: number, receiver: string, channel: string): void {
    if (seconds >= 0) i()?.deliveryLatency.record(seconds, { receiver, channel });
  },
  reportRun(schedule: string, outcome: 'sent' | 'skipped' | 'failed'): void {
    add(i()?.reportRuns, 1, { schedule, outcome });
  },
};

function add(counter: { add(n: number, a: Attributes): void } | undefined, n: number, attrs: Attributes): void {
  if (n > 0) counter?.add(n, attrs);
}

export type GaugeReading = ReadonlyArray<{ value: number; attributes: Attributes }>;

export interface GaugeReaders {
  /** Per source: seconds since its newest stored checkpoint. */
  readonly checkpointAgeSeconds?: () => GaugeReading;
  /** Per Kafka topic and partition: messages between the stored position and the high watermark. */
  readonly kafkaLag?: () => GaugeReading;
  /** Per outbox state (pending, sending, dead) and receiver. */
  readonly outboxDepth?: () => GaugeReading;
  /** Per source: 1 when its health state is `running`, else 0. */
  readonly sourceUp?: () => GaugeReading;
}

/**
 * Registers gauges read on each collection (a Prometheus scrape or an OTLP export). The
 * callbacks read live state and must stay cheap: one small SQLite query each. Call after the SDK
 * has started; returns a function that unregisters them (at shutdown, or before a restart in
 * the same process).
 */
export function registerGauges(read: GaugeReaders): () => void {
  const api = otelApi();
  if (api === undefined) return () => undefined;
  const meter = api.metrics.getMeter('authwatch');
  const gauges: Array<[ObservableGauge, ObservableCallback]> = [];
  const add = (name: string, description: string, unit: string, fn: (() => GaugeReading) | undefined): void => {
    if (!fn) return;
    const gauge = meter.createObservableGauge(`${PREFIX}.${name}`, { description, unit });
    const cb: ObservableCallback = (r: ObservableResult) => {
      for (const g of fn()) r.observe(g.value, g.attributes);
    };
    gauge.addCallback(cb);
    gauges.push([gauge, cb]);
  };
  add('checkpoint.age', 'Seconds since a source last stored its position.', 's', read.checkpointAgeSeconds);
  add('kafka.lag', 'Messages behind the high watermark, per partition, as of the last fetch.', '{message}', read.kafkaLag);
  add('outbox.depth', 'Notifications in the outbox by state (pending, sending, dead) and receiver.', '{notification}', read.outboxDepth);
  add('source.up', '1 when the source is running (connected, reading), else 0.', '1', read.sourceUp);
  return () => {
    for (const [g, cb] of gauges) g.removeCallback(cb);
  };
}

import { metrics, type Attributes, type ObservableResult } from '@opentelemetry/api';
import type { ScanStats } from '../contracts.js';

/**
 * Every metric authwatch records, behind named functions so call sites stay vendor-free and the
 * names, units and attributes live in one place. Without an SDK registered these are no-ops.
 * Attributes are bounded: source id, kind, service, channel or receiver — never a line or URL.
 */
const PREFIX = 'authwatch';

/**
 * The API hands out no-op instruments until an SDK is registered, and does not upgrade them
 * later, so instruments are created on first use and re-created after the SDK starts.
 */
function createInstruments() {
  const meter = metrics.getMeter('authwatch');
  return {
    linesRead: meter.createCounter(`${PREFIX}.lines.read`, { description: 'Complete lines read from sources.', unit: '{line}' }),
    bytesRead: meter.createCounter(`${PREFIX}.bytes.read`, { description: 'Bytes read from sources.', unit: 'By' }),
    candidates: meter.createCounter(`${PREFIX}.lines.candidate`, { description: 'Lines that passed the byte prefilter and were parsed.', unit: '{line}' }),
    skipped: meter.createCounter(`${PREFIX}.lines.skipped`, { description: 'Lines skipped as too long, binary or malformed.', unit: '{line}' }),
    detections: meter.createCounter(`${PREFIX}.detections`, { description: 'Rejections detected (before de-duplication by position).', unit: '{detection}' }),
    stored: meter.createCounter(`${PREFIX}.events.stored`, { description: 'Detections newly stored in SQLite.', unit: '{event}' }),
    storeErrors: meter.createCounter(`${PREFIX}.store.errors`, { description: 'Batches the database refused; they are retried from the stored position.', unit: '{batch}' }),
    notifications: meter.createCounter(`${PREFIX}.notifications`, { description: 'Notification delivery attempts by receiver type and outcome (sent, failed, dead).', unit: '{notification}' }),
    deliveryLatency: meter.createHistogram(`${PREFIX}.notification.latency`, { description: 'Time from the first rejection of an alert to its delivery.', unit: 's' }),
    reportRuns: meter.createCounter(`${PREFIX}.report.runs`, { description: 'Scheduled report runs by schedule and outcome.', unit: '{run}' }),
  };
}

let instruments: ReturnType<typeof createInstruments> | undefined;
const i = () => (instruments ??= createInstruments());

/** Called once the SDK's meter provider is registered. */
export function resetInstruments(): void {
  instruments = undefined;
}

export const telemetry = {
  /** Records the difference between two snapshots of a source's scanner counters. */
  scanned(source: string, before: ScanStats, after: ScanStats): void {
    const a = { source };
    add(i().linesRead, after.lines - before.lines, a);
    add(i().bytesRead, after.bytes - before.bytes, a);
    add(i().candidates, after.candidates - before.candidates, a);
    add(i().skipped, after.longLines - before.longLines, { ...a, reason: 'too-long' });
    add(i().skipped, after.binaryLines - before.binaryLines, { ...a, reason: 'binary' });
    add(i().skipped, after.malformed - before.malformed, { ...a, reason: 'malformed' });
  },
  detected(kind: string, service: string, count = 1): void {
    add(i().detections, count, { kind, service });
  },
  stored(count: number): void {
    add(i().stored, count, {});
  },
  storeError(source: string): void {
    i().storeErrors.add(1, { source });
  },
  notification(receiverType: string, outcome: 'sent' | 'failed' | 'dead'): void {
    i().notifications.add(1, { receiver: receiverType, outcome });
  },
  deliveryLatency(seconds: number, receiverType: string): void {
    i().deliveryLatency.record(seconds, { receiver: receiverType });
  },
  reportRun(schedule: string, outcome: 'sent' | 'skipped' | 'failed'): void {
    i().reportRuns.add(1, { schedule, outcome });
  },
};

function add(counter: { add(n: number, a: Attributes): void }, n: number, attrs: Attributes): void {
  if (n > 0) counter.add(n, attrs);
}

export type GaugeReading = ReadonlyArray<{ value: number; attributes: Attributes }>;

/**
 * Registers gauges read on each collection: checkpoint age per source, Kafka lag per
 * partition, outbox depth. The callbacks read live state; they never block.
 */
export function registerGauges(read: {
  checkpointAgeSeconds?: () => GaugeReading;
  kafkaLag?: () => GaugeReading;
  outboxDepth?: () => GaugeReading;
}): void {
  const observe = (fn: (() => GaugeReading) | undefined) => (r: ObservableResult) => {
    for (const g of fn?.() ?? []) r.observe(g.value, g.attributes);
  };
  const meter = metrics.getMeter('authwatch');
  meter.createObservableGauge(`${PREFIX}.checkpoint.age`, { description: 'Seconds since a source last stored its position.', unit: 's' }).addCallback(observe(read.checkpointAgeSeconds));
  meter.createObservableGauge(`${PREFIX}.kafka.lag`, { description: 'Messages behind the high watermark, per partition.', unit: '{message}' }).addCallback(observe(read.kafkaLag));
  meter.createObservableGauge(`${PREFIX}.outbox.depth`, { description: 'Notifications waiting in the outbox, by state.', unit: '{notification}' }).addCallback(observe(read.outboxDepth));
}

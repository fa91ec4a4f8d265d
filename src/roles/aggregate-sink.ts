import type { BatchSink, Clock, Detection, Log, RecordsBatch } from '../contracts.js';
import type { EventStore, StoredDetection } from '../store/events.js';
import { createThrottle, type Throttle } from '../sources/kafka/log-throttle.js';
import { telemetry } from '../telemetry/metrics.js';
import { decodeDetection, SKIP_REASONS, type SkipReason } from './detection-wire.js';

/** Quiet period between two warnings about skipped messages of one reason. Milliseconds. */
const SKIP_LOG_WINDOW_MS = 30_000;

export interface AggregateSinkOptions {
  readonly store: EventStore;
  readonly log: Log;
  readonly clock?: Clock;
  /** Called after each commit with the batch's detections and those that were new. */
  readonly onStored?: (all: readonly Detection[], fresh: readonly StoredDetection[]) => void;
}

/**
 * The aggregate role's sink: decodes a batch of detection messages and stores them with the
 * detections topic's position in one transaction. Events keep the position where the filter
 * found them, so a detection published twice (a filter killed between publish and offset
 * commit, or a rebalance) is stored once. Messages that are not valid v1 detections are counted,
 * logged at most once per reason per window, and skipped; they never stop the consumer.
 */
export class AggregateSink {
  readonly skipped: Record<SkipReason, number> = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  private readonly throttle: Throttle;

  constructor(private readonly opts: AggregateSinkOptions) {
    this.throttle = createThrottle(SKIP_LOG_WINDOW_MS, opts.clock);
  }

  readonly sink: BatchSink = async (batch) => {
    if (batch.type !== 'records') throw new Error(`The aggregate sink takes Kafka records; got a ${batch.type} batch from ${batch.sourceId}.`);
    const detections = this.decode(batch);
    const fresh = this.opts.store.commit(detections, [{ sourceId: batch.sourceId, stream: batch.stream, state: batch.checkpoint }]);
    telemetry.stored(fresh.length);
    if (detections.length > 0) this.opts.onStored?.(detections, fresh);
  };

  private decode(batch: RecordsBatch): Detection[] {
    const out: Detection[] = [];
    for (const r of batch.records) {
      const decoded = decodeDetection(r.value, r.headers);
      if (decoded.ok) {
        out.push(decoded.detection);
        continue;
      }
      this.skipped[decoded.reason] += 1;
      const { pass, suppressed } = this.throttle(decoded.reason);
      if (pass) {
        this.opts.log.warn(
          { stream: batch.stream, offset: r.offset, reason: decoded.reason, detail: decoded.detail, repeatsSuppressed: suppressed },
          'Skipped a message on the detections topic that is not a detection/v1 message.',
        );
      }
    }
    return out;
  }
}

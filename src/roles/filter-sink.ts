import type { BatchSink } from '../contracts.js';
import type { BatchScanner } from '../batch-scanner.js';
import { telemetry } from '../telemetry/metrics.js';
import type { DetectionPublisher } from './detection-publisher.js';

/**
 * The filter role's sink: scan the batch, publish its detections, and resolve only once the
 * broker acknowledged them. The Kafka source commits the raw topic's offsets after this
 * resolves, so a process killed in between re-reads and re-publishes the batch (at-least-once);
 * the aggregator's de-duplication by source position makes that harmless.
 */
export function filterSink(scanner: BatchScanner, publisher: DetectionPublisher): BatchSink {
  return async (batch) => {
    let scanned;
    try {
      scanned = scanner.scan(batch);
      await publisher.publish(scanned.detections);
    } catch (err) {
      // The scanner saw lines whose detections were not published: start the stream afresh
      // from the position the source goes back to.
      scanner.forget(batch);
      telemetry.storeError(batch.sourceId);
      throw err;
    }
    for (const d of scanned.detections) telemetry.detected(d.kind, d.service);
    scanned.settle();
  };
}

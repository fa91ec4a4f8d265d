import type { Detection, Evidence } from '../contracts.js';
import type { EventStore } from '../store/events.js';
import { telemetry } from '../telemetry/metrics.js';
import { tracing } from '../telemetry/tracing.js';

/**
 * Stores detections that workers found as the pipeline stores those it finds itself (see
 * Pipeline.commit): one transaction per batch, the same telemetry, then the scan's callback.
 */
export class DetectionSink {
  constructor(
    private readonly store: EventStore,
    private readonly onDetections: (all: readonly Detection[]) => void,
  ) {}

  commit(detections: readonly Detection[], evidence: readonly Evidence[]): void {
    if (detections.length === 0 && evidence.length === 0) return;
    const fresh = this.store.commit(detections, [], evidence);
    for (const d of detections) telemetry.detected(d.kind, d.service);
    telemetry.stored(fresh.length);
    tracing.committed({ detections: detections.length, stored: fresh.length });
    if (detections.length > 0) this.onDetections(detections);
  }
}

import type { BatchSink, Detection, Detector, Evidence, Log, ScanStats, SourceBatch } from './contracts.js';
import { BatchScanner } from './batch-scanner.js';
import type { EventStore, StoredDetection, CheckpointWrite } from './store/events.js';
import { telemetry } from './telemetry/metrics.js';
import { tracing } from './telemetry/tracing.js';

export interface PipelineOptions {
  readonly detector: Detector;
  readonly store: EventStore;
  readonly log?: Log;
  /** Called after each commit with every detection of the batch (new or already stored). */
  readonly onDetections?: (all: readonly Detection[], fresh: readonly StoredDetection[]) => void;
}

/**
 * Turns source batches into stored detections: the batch scanner finds them (keeping each
 * stream's partial line and correlation state), and each batch's detections commit with the
 * source's new position in one transaction.
 */
export class Pipeline {
  private readonly scanner: BatchScanner;

  constructor(private readonly opts: PipelineOptions) {
    this.scanner = new BatchScanner(opts.detector);
  }

  readonly sink: BatchSink = async (batch: SourceBatch) => {
    tracing.batch({ source: batch.sourceId, stream: batch.stream, type: batch.type }, () => {
      try {
        const scanned = this.scanner.scan(batch);
        this.commit(scanned.detections, scanned.checkpoints, scanned.evidence);
        scanned.settle();
      } catch (err) {
        telemetry.storeError(batch.sourceId);
        // The scanner consumed bytes that were not stored: forget it so the source restarts the
        // stream from its stored checkpoint, which is what keeps counts exact after a fault.
        this.scanner.forget(batch);
        throw err;
      }
    });
  };

  /** Detections, checkpoints and recovery evidence of one batch: one transaction. */
  private commit(found: Detection[], checkpoints: CheckpointWrite[], evidence: Evidence[] = []): void {
    if (found.length === 0 && checkpoints.length === 0 && evidence.length === 0) return;
    const fresh = this.opts.store.commit(found, checkpoints, evidence);
    for (const d of found) telemetry.detected(d.kind, d.service);
    telemetry.stored(fresh.length);
    tracing.committed({ detections: found.length, stored: fresh.length });
    if (found.length > 0) this.opts.onDetections?.(found, fresh);
  }

  /** Totals over every stream seen so far. */
  stats(): ScanStats {
    return this.scanner.stats();
  }
}

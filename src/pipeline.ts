import type { BatchSink, ChunkBatch, Detection, Detector, Log, RecordsBatch, ScanStats, SourceBatch, StreamScanner } from './contracts.js';
import { newScanStats } from './contracts.js';
import type { EventStore, StoredDetection, CheckpointWrite } from './store/events.js';
import { telemetry } from './telemetry/metrics.js';

export interface PipelineOptions {
  readonly detector: Detector;
  readonly store: EventStore;
  readonly log?: Log;
  /** Called after each commit with every detection of the batch (new or already stored). */
  readonly onDetections?: (all: readonly Detection[], fresh: readonly StoredDetection[]) => void;
}

/**
 * Turns source batches into stored detections: one scanner per stream keeps the partial line
 * and correlation state, and each batch's detections commit with the source's new position.
 */
export class Pipeline {
  private readonly scanners = new Map<string, StreamScanner>();
  /** Totals of the scanners that have finished, so stats survive stream ends. */
  private readonly closed: ScanStats = newScanStats();

  constructor(private readonly opts: PipelineOptions) {}

  readonly sink: BatchSink = async (batch: SourceBatch) => {
    const key = `${batch.sourceId}\u0000${batch.stream}`;
    try {
      if (batch.type === 'chunk') this.handleChunk(key, batch);
      else this.handleRecords(key, batch);
    } catch (err) {
      telemetry.storeError(batch.sourceId);
      // The scanner consumed bytes that were not stored: forget it so the source restarts the
      // stream from its stored checkpoint, which is what keeps counts exact after a fault.
      this.drop(key);
      throw err;
    }
  };

  private handleChunk(key: string, batch: ChunkBatch): void {
    let scanner = this.scanners.get(key);
    if (batch.reset || !scanner) {
      if (scanner) this.drop(key);
      const start = batch.reset ?? { startOffset: 0, startLine: 1 };
      scanner = this.opts.detector.open({ stream: batch.stream, startOffset: start.startOffset, startLine: start.startLine, meta: batch.meta });
      this.scanners.set(key, scanner);
    }
    const before = { ...scanner.stats };
    const found = batch.bytes.length > 0 ? scanner.push(batch.bytes) : [];
    if (batch.eof) found.push(...scanner.end());
    telemetry.scanned(batch.sourceId, before, scanner.stats);
    const checkpoints: CheckpointWrite[] = [];
    if (batch.checkpoint) {
      const state = batch.checkpoint({ offset: scanner.completeOffset, nextLine: scanner.nextLine });
      if (state !== undefined) checkpoints.push({ sourceId: batch.sourceId, stream: batch.stream, state });
    }
    this.commit(found, checkpoints);
    if (batch.eof) this.drop(key);
  }

  private handleRecords(key: string, batch: RecordsBatch): void {
    let scanner = this.scanners.get(key);
    const meta = { source: batch.sourceId, topic: batch.topic, partition: batch.partition };
    if (!scanner) {
      scanner = this.opts.detector.open({ stream: batch.stream, startOffset: 0, startLine: 1, meta });
      this.scanners.set(key, scanner);
    }
    const before = { ...scanner.stats };
    const found: Detection[] = [];
    for (const r of batch.records) {
      // A tombstone carries no log line; it is counted, not scanned.
      if (r.value === null) this.closed.malformed++;
      else found.push(...scanner.record(r.value, r.offset, { ...meta, key: r.key, headers: r.headers }));
    }
    telemetry.scanned(batch.sourceId, before, scanner.stats);
    this.commit(found, [{ sourceId: batch.sourceId, stream: batch.stream, state: batch.checkpoint }]);
  }

  private commit(found: Detection[], checkpoints: CheckpointWrite[]): void {
    if (found.length === 0 && checkpoints.length === 0) return;
    const fresh = this.opts.store.commit(found, checkpoints);
    for (const d of found) telemetry.detected(d.kind, d.service);
    telemetry.stored(fresh.length);
    if (found.length > 0) this.opts.onDetections?.(found, fresh);
  }

  private drop(key: string): void {
    const s = this.scanners.get(key);
    if (!s) return;
    addStats(this.closed, s.stats);
    this.scanners.delete(key);
  }

  /** Totals over every stream seen so far. */
  stats(): ScanStats {
    const total = { ...this.closed };
    for (const s of this.scanners.values()) addStats(total, s.stats);
    return total;
  }
}

function addStats(into: ScanStats, from: ScanStats): void {
  for (const k of Object.keys(into) as Array<keyof ScanStats>) into[k] += from[k];
}

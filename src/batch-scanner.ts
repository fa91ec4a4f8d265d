import type { ChunkBatch, Detection, Detector, Evidence, KafkaRecord, RecordMeta, RecordsBatch, ScanStats, SourceBatch, StreamScanner } from './contracts.js';
import { newScanStats } from './contracts.js';
import type { CheckpointWrite } from './store/events.js';
import { telemetry } from './telemetry/metrics.js';
import { hasNoKeys, NO_ENTRIES } from './util/empty.js';

/** What one source batch yields: its detections and the source position that covers them. */
export interface ScannedBatch {
  readonly detections: Detection[];
  readonly checkpoints: CheckpointWrite[];
  /** Recovery evidence the batch showed (never counted as detections); store it with them. */
  readonly evidence: Evidence[];
  /**
   * Call once the detections are safely handed on (stored or published): ends the stream's
   * scanner when the batch closed the stream. Not calling it is fine after a failure, because
   * the caller then calls `forget`.
   */
  settle(): void;
}

/**
 * The detection core applied to source batches: one scanner per stream keeps the partial line
 * and the correlation state between batches. It does not decide where detections go; the
 * single-process pipeline stores them, the filter role publishes them to Kafka.
 */
export class BatchScanner {
  private readonly scanners = new Map<string, StreamScanner>();
  /** Totals of the scanners that have finished, so stats survive stream ends. */
  private readonly closed: ScanStats = newScanStats();

  constructor(private readonly detector: Detector) {}

  scan(batch: SourceBatch): ScannedBatch {
    return batch.type === 'chunk' ? this.scanChunk(batch) : this.scanRecords(batch);
  }

  /**
   * Drops the stream's scanner after its batch could not be handed on: it consumed bytes that
   * nobody kept, so the source must restart the stream from its last checkpoint (with `reset`).
   */
  forget(batch: SourceBatch): void {
    this.drop(keyOf(batch));
  }

  /** Totals over every stream seen so far. */
  stats(): ScanStats {
    const total = { ...this.closed };
    for (const s of this.scanners.values()) addStats(total, s.stats);
    return total;
  }

  private scanChunk(batch: ChunkBatch): ScannedBatch {
    const key = keyOf(batch);
    let scanner = this.scanners.get(key);
    if (batch.reset || !scanner) {
      if (scanner) this.drop(key);
      const start = batch.reset ?? { startOffset: 0, startLine: 1 };
      scanner = this.detector.open({ stream: batch.stream, startOffset: start.startOffset, startLine: start.startLine, meta: batch.meta });
      this.scanners.set(key, scanner);
    }
    const before = { ...scanner.stats };
    const detections = batch.bytes.length > 0 ? scanner.push(batch.bytes) : [];
    if (batch.eof) detections.push(...scanner.end());
    telemetry.scanned(batch.sourceId, before, scanner.stats);
    const checkpoints: CheckpointWrite[] = [];
    if (batch.checkpoint) {
      const state = batch.checkpoint({ offset: scanner.completeOffset, nextLine: scanner.nextLine });
      if (state !== undefined) checkpoints.push({ sourceId: batch.sourceId, stream: batch.stream, state });
    }
    const evidence = scanner.drainEvidence?.() ?? [];
    return { detections, checkpoints, evidence, settle: () => (batch.eof ? this.drop(key) : undefined) };
  }

  /**
   * The loop runs once per Kafka message, so it allocates nothing for a message without key
   * and headers (they all share one frozen meta) and a plain literal for the others: Node 20
   * builds `{ ...meta, key }` through a slow path that costs about a microsecond per object,
   * more than the scan itself.
   */
  private scanRecords(batch: RecordsBatch): ScannedBatch {
    const key = keyOf(batch);
    let scanner = this.scanners.get(key);
    const { sourceId: source, topic, partition } = batch;
    if (!scanner) {
      scanner = this.detector.open({ stream: batch.stream, startOffset: 0, startLine: 1, meta: { source, topic, partition } });
      this.scanners.set(key, scanner);
    }
    const before = { ...scanner.stats };
    const detections: Detection[] = [];
    const bare: RecordMeta = Object.freeze({ source, topic, partition, key: null, headers: NO_ENTRIES });
    const metaOf = (r: KafkaRecord): RecordMeta => (r.key === null && hasNoKeys(r.headers) ? bare : { source, topic, partition, key: r.key, headers: r.headers });
    // A tombstone carries no log line; it is counted, not scanned.
    const lines = batch.records.filter((r): r is KafkaRecord & { value: Buffer } => r.value !== null);
    this.closed.malformed += batch.records.length - lines.length;
    if (scanner.recordRun) {
      scanner.recordRun(
        lines.map((r) => r.value),
        lines.map((r) => r.offset),
        (i) => metaOf(lines[i] as KafkaRecord),
        detections,
      );
    } else {
      for (const r of lines) for (const d of scanner.record(r.value, r.offset, metaOf(r))) detections.push(d);
    }
    telemetry.scanned(batch.sourceId, before, scanner.stats);
    const evidence = scanner.drainEvidence?.() ?? [];
    return { detections, checkpoints: [{ sourceId: batch.sourceId, stream: batch.stream, state: batch.checkpoint }], evidence, settle: () => undefined };
  }

  private drop(key: string): void {
    const s = this.scanners.get(key);
    if (!s) return;
    addStats(this.closed, s.stats);
    this.scanners.delete(key);
  }
}

const keyOf = (batch: SourceBatch): string => `${batch.sourceId}\u0000${batch.stream}`;

function addStats(into: ScanStats, from: ScanStats): void {
  for (const k of Object.keys(into) as Array<keyof ScanStats>) into[k] += from[k];
}

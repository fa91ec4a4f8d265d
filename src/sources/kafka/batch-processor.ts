/**
 * The heart of the Kafka source: hands each partition's messages to the sink exactly once and in
 * order, with the store as the source of truth for positions.
 *
 * - On every group join, each assigned partition is moved to the position stored with the
 *   detections (CheckpointReader), whether Kafka's committed offset is ahead of it or behind.
 *   Kafka commits only serve lag monitoring and processes that have no store yet.
 * - A batch is acknowledged to Kafka (resolve + commit) only after the sink resolved, i.e. after
 *   its detections and checkpoint are committed in SQLite.
 * - Messages below the partition's known next offset are dropped, so a batch fetched before a
 *   seek or a rebalance can never reach the sink twice.
 * - When the sink rejects, the partition is moved back to the first unstored offset and paused
 *   for a backoff; the others keep flowing and the group is not disturbed (no rebalance).
 */
import type { BatchSink, CheckpointReader, Clock, Log } from '../../contracts.js';
import { backoffDelay, type BackoffOptions } from '../../util/backoff.js';
import type { ClientMessage, KafkaConsumerClient, PartitionBatch, TopicPartition } from './kafka-client.js';
import { partitionStream, recordsBatch, storedNextOffset } from './kafka-records.js';

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to hand to the sink; undefined until known (nothing stored, nothing handled yet). */
  next: number | undefined;
  /** Last seek target since the assignment; a second seek to the same place is not attempted. */
  soughtTo: number | undefined;
  /** Consecutive sink rejections; drives the backoff and the health report. */
  failures: number;
  lastError: string | undefined;
  resumeTimer: ReturnType<typeof setTimeout> | undefined;
  highWatermark: number | undefined;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: number | undefined;
  readonly highWatermark: number | undefined;
  /** Messages not yet stored, as of the last fetch; undefined before the first batch. */
  readonly lag: number | undefined;
}

export interface BatchProcessorOptions {
  readonly sourceId: string;
  /** Most records per sink call; a larger fetch is split, with a heartbeat between parts. */
  readonly maxRecordsPerBatch: number;
  /** Delays after sink rejections. */
  readonly retry: BackoffOptions;
}

export interface BatchProcessorDeps {
  readonly client: KafkaConsumerClient;
  readonly sink: BatchSink;
  readonly checkpoints: CheckpointReader;
  readonly log: Log;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** Called after every stored batch (health: 'running'). */
  readonly onProgress: (at: number) => void;
}

export class KafkaBatchProcessor {
  private readonly partitions = new Map<string, PartitionState>();
  private closed = false;

  constructor(
    private readonly opts: BatchProcessorOptions,
    private readonly deps: BatchProcessorDeps,
  ) {}

  /** A new assignment: forget what Kafka thinks and resume every partition from the store. */
  onAssigned(assignment: readonly TopicPartition[]): void {
    const assigned = new Set(assignment.map((tp) => partitionStream(tp.topic, tp.partition)));
    for (const [stream, st] of this.partitions) {
      if (!assigned.has(stream)) {
        this.cancelRetry(st, false);
        this.partitions.delete(stream);
      }
    }
    for (const { topic, partition } of assignment) {
      const st = this.state(topic, partition);
      this.cancelRetry(st, true);
      st.next = this.readStored(topic, partition);
      st.soughtTo = undefined;
      if (st.next !== undefined) this.seek(st, st.next, 'assigned; resuming from the stored checkpoint');
    }
  }

  async handle(batch: PartitionBatch): Promise<void> {
    if (!batch.isActive() || this.deps.signal.aborted) return;
    const st = this.state(batch.topic, batch.partition);
    st.highWatermark = batch.highWatermark;
    st.next ??= this.readStored(batch.topic, batch.partition);

    if (st.next !== undefined && batch.fetchedOffset !== st.next) {
      if (st.soughtTo !== st.next) {
        // Kafka's position differs from the store's (e.g. no group-join seek happened yet).
        this.seek(st, st.next, 'fetch position differs from the stored checkpoint');
        return;
      }
      if (batch.fetchedOffset > st.next) {
        // We already went back once and Kafka still starts later: those offsets are gone
        // (retention or compaction), so there is nothing left to read below fetchedOffset.
        this.deps.log.warn(
          { topic: batch.topic, partition: batch.partition, storedNext: st.next, fetchedOffset: batch.fetchedOffset },
          'Kafka has no messages between the stored position and its fetch position (retention, compaction or transaction markers); continuing from the fetch position.',
        );
        st.next = batch.fetchedOffset;
      }
    }

    const fresh = unstored(batch.messages, st.next);
    const lastFetched = batch.messages[batch.messages.length - 1];
    if (fresh.length === 0) {
      // All already stored (a batch fetched before a seek took effect): just move past them.
      if (lastFetched) batch.resolveOffset(lastFetched.offset);
      return;
    }

    for (let i = 0; i < fresh.length; i += this.opts.maxRecordsPerBatch) {
      if (!batch.isActive() || this.deps.signal.aborted) return;
      const part = fresh.length <= this.opts.maxRecordsPerBatch ? fresh : fresh.slice(i, i + this.opts.maxRecordsPerBatch);
      const last = part[part.length - 1];
      if (!last) return;
      // The final part also covers records the client filtered out after it (transaction
      // markers), so the stored position never points at a record that is never delivered.
      const next = last === lastFetched ? Math.max(last.offset, batch.lastOffset) + 1 : last.offset + 1;
      if (!(await this.store(st, batch, part, next))) return;
      await batch.heartbeat();
    }
  }

  /** Per-partition lag as of the last fetch, for health and metrics. */
  lag(): PartitionLag[] {
    return [...this.partitions.values()].map((st) => ({
      topic: st.topic,
      partition: st.partition,
      nextOffset: st.next,
      highWatermark: st.highWatermark,
      lag: st.next !== undefined && st.highWatermark !== undefined ? Math.max(0, st.highWatermark - st.next) : undefined,
    }));
  }

  /** The most recent sink rejection still being retried, if any. */
  failing(): { stream: string; error: string; failures: number } | undefined {
    for (const st of this.partitions.values()) {
      if (st.failures > 0) return { stream: partitionStream(st.topic, st.partition), error: st.lastError ?? 'unknown', failures: st.failures };
    }
    return undefined;
  }

  /** Stops pending resume timers and schedules no more; the client is going away. */
  close(): void {
    this.closed = true;
    for (const st of this.partitions.values()) this.cancelRetry(st, false);
  }

  /** Sinks one part of a batch, then acknowledges it to Kafka. False when the sink rejected it. */
  private async store(st: PartitionState, batch: PartitionBatch, part: readonly ClientMessage[], next: number): Promise<boolean> {
    const first = part[0];
    if (!first) return true;
    try {
      await this.deps.sink(recordsBatch(this.opts.sourceId, batch.topic, batch.partition, part, next));
    } catch (err) {
      this.sinkFailed(st, first.offset, err);
      return false;
    }
    st.next = next;
    st.failures = 0;
    st.lastError = undefined;
    batch.resolveOffset(next - 1);
    this.deps.onProgress(this.deps.clock());
    await this.commit(st, st.next);
    return true;
  }

  private async commit(st: PartitionState, next: number): Promise<void> {
    try {
      await this.deps.client.commitOffsets([{ topic: st.topic, partition: st.partition, offset: next }]);
    } catch (err) {
      // A rebalance must reach the client so it re-joins; anything else only delays lag
      // reporting, since the store already holds the position.
      if (this.deps.client.isRebalanceError(err)) throw err;
      this.deps.log.warn(
        { topic: st.topic, partition: st.partition, offset: next, err: message(err) },
        'Kafka offset commit failed; the stored checkpoint remains the resume point.',
      );
    }
  }

  private sinkFailed(st: PartitionState, firstUnstored: number, err: unknown): void {
    st.failures += 1;
    st.lastError = message(err);
    const delay = backoffDelay(st.failures, this.opts.retry);
    this.deps.log.warn(
      { topic: st.topic, partition: st.partition, offset: firstUnstored, failures: st.failures, retryInMs: delay, err: st.lastError },
      'Store rejected a Kafka batch; nothing acknowledged, retrying from the first unstored offset.',
    );
    const tp = { topic: st.topic, partition: st.partition };
    this.seek(st, firstUnstored, 'sink rejected the batch');
    if (this.closed) return;
    this.safely('pause', () => this.deps.client.pause([tp]));
    this.cancelRetry(st, false);
    st.resumeTimer = setTimeout(() => {
      st.resumeTimer = undefined;
      this.safely('resume', () => this.deps.client.resume([tp]));
    }, delay);
    // A pending retry must not keep a stopping process alive.
    st.resumeTimer.unref();
  }

  private cancelRetry(st: PartitionState, resume: boolean): void {
    if (st.resumeTimer === undefined) return;
    clearTimeout(st.resumeTimer);
    st.resumeTimer = undefined;
    if (resume) this.safely('resume', () => this.deps.client.resume([{ topic: st.topic, partition: st.partition }]));
  }

  private seek(st: PartitionState, offset: number, why: string): void {
    st.soughtTo = offset;
    this.deps.log.debug({ topic: st.topic, partition: st.partition, offset }, `Kafka seek: ${why}.`);
    this.safely('seek', () => this.deps.client.seek({ topic: st.topic, partition: st.partition, offset }));
  }

  /**
   * Runs a client call that may throw when the client is between lives (kafkajs refuses seek,
   * pause and resume while it restarts). These run from timers and event listeners, where an
   * exception would escape; the next group join re-seeks from the store anyway.
   */
  private safely(what: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.deps.log.debug({ err: message(err) }, `Kafka ${what} skipped: the client is not running.`);
    }
  }

  private readStored(topic: string, partition: number): number | undefined {
    const stream = partitionStream(topic, partition);
    const state = this.deps.checkpoints.get(this.opts.sourceId, stream);
    const next = storedNextOffset(state);
    if (state !== undefined && state !== null && next === undefined) {
      this.deps.log.warn({ stream, state }, 'Stored Kafka checkpoint is not { nextOffset }; ignoring it.');
    }
    return next;
  }

  private state(topic: string, partition: number): PartitionState {
    const key = partitionStream(topic, partition);
    let st = this.partitions.get(key);
    if (!st) {
      st = { topic, partition, next: undefined, soughtTo: undefined, failures: 0, lastError: undefined, resumeTimer: undefined, highWatermark: undefined };
      this.partitions.set(key, st);
    }
    return st;
  }
}

/**
 * The messages at or after `next`. Offsets ascend, so usually the whole batch qualifies and is
 * returned as it is, without copying thousands of references.
 */
function unstored(messages: readonly ClientMessage[], next: number | undefined): readonly ClientMessage[] {
  if (next === undefined || (messages[0]?.offset ?? next) >= next) return messages;
  return messages.filter((m) => m.offset >= next);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

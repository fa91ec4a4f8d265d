/**
 * A stand-in for the SQLite store in source tests: checkpoints in a Map, the batches a sink
 * accepted in an array. Like the real store, a batch's records and its checkpoint land together,
 * or (when `failWith` is set) not at all.
 */
import type { BatchSink, CheckpointReader, KafkaRecord, Log, SourceBatch } from '../../src/contracts.js';

export interface StoredRecord extends KafkaRecord {
  readonly stream: string;
}

export class MemoryStore {
  readonly checkpoints = new Map<string, unknown>();
  readonly records: StoredRecord[] = [];
  /** When set, the sink rejects with this error and stores nothing. */
  failWith: Error | undefined;
  /** Sink calls that were rejected. */
  rejected = 0;

  readonly reader: CheckpointReader = {
    get: (sourceId, stream) => this.checkpoints.get(key(sourceId, stream)),
    list: (sourceId) =>
      [...this.checkpoints]
        .filter(([k]) => k.startsWith(`${sourceId}\u0000`))
        .map(([k, state]) => ({ stream: k.slice(sourceId.length + 1), state })),
  };

  readonly sink: BatchSink = async (batch: SourceBatch) => {
    if (this.failWith) {
      this.rejected += 1;
      throw this.failWith;
    }
    if (batch.type !== 'records') throw new Error(`Kafka source sent a ${batch.type} batch.`);
    for (const r of batch.records) this.records.push({ ...r, stream: batch.stream });
    this.checkpoints.set(key(batch.sourceId, batch.stream), batch.checkpoint);
  };

  setNextOffset(sourceId: string, stream: string, nextOffset: number): void {
    this.checkpoints.set(key(sourceId, stream), { nextOffset });
  }

  nextOffset(sourceId: string, stream: string): number | undefined {
    const state = this.checkpoints.get(key(sourceId, stream));
    return typeof state === 'object' && state !== null && 'nextOffset' in state && typeof state.nextOffset === 'number' ? state.nextOffset : undefined;
  }

  /** Offsets stored per stream, in arrival order. */
  offsets(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const r of this.records) out.set(r.stream, [...(out.get(r.stream) ?? []), r.offset]);
    return out;
  }
}

const key = (sourceId: string, stream: string): string => `${sourceId}\u0000${stream}`;

/** A Log that keeps its lines for a failing test to print; AUTHWATCH_TEST_LOG=1 also echoes them. */
export function memoryLog(lines: string[] = [], bindings: Record<string, unknown> = {}): Log & { lines: string[] } {
  const write = (level: string) => (obj: object, msg: string) => {
    const line = `${level} ${msg} ${JSON.stringify({ ...bindings, ...obj })}`;
    lines.push(line);
    if (process.env.AUTHWATCH_TEST_LOG) process.stderr.write(`${line}\n`);
  };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => memoryLog(lines, { ...bindings, ...more }),
  };
}

/** Polls `check` every 50 ms until it is true; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

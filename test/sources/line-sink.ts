/**
 * A small stand-in for the pipeline and store in file and stdin source tests. Like the pipeline it
 * keeps one scanner state per stream (partial line, offset, line number), starts it over on
 * `reset`, flushes on `eof` and forgets it after a rejection; like the store it keeps checkpoints
 * in a Map and lands a batch's lines and checkpoint together or not at all. Every complete line is
 * recorded with its stream, offset and line number. Contract breaches are collected, not thrown.
 */
import type { BatchSink, CheckpointReader, ChunkBatch, SourceBatch } from '../../src/contracts.js';

export interface LineRecord {
  readonly stream: string;
  readonly offset: number;
  readonly line: number;
  readonly text: string;
  readonly path: string | undefined;
}

interface ScanState {
  offset: number;
  nextLine: number;
  partial: Buffer;
}

export class LineSink implements CheckpointReader {
  readonly checkpoints = new Map<string, unknown>();
  readonly records: LineRecord[] = [];
  /** Source contract breaches (a chunk with no reset for a stream the sink does not know). */
  readonly violations: string[] = [];
  /** Streams that received eof, in order. */
  readonly ended: string[] = [];
  batches = 0;
  rejected = 0;
  /** Decides per batch whether to fail it, as a store that cannot write would. */
  rejectWhen: ((batch: ChunkBatch, n: number) => boolean) | undefined;
  private readonly states = new Map<string, ScanState>();

  get(sourceId: string, stream: string): unknown {
    return this.checkpoints.get(key(sourceId, stream));
  }

  list(sourceId: string): Array<{ stream: string; state: unknown }> {
    return [...this.checkpoints].filter(([k]) => k.startsWith(`${sourceId}\u0000`)).map(([k, state]) => ({ stream: k.slice(sourceId.length + 1), state }));
  }

  /** A new process: every stream's scanner state is gone; checkpoints stay. */
  restart(): void {
    this.states.clear();
  }

  readonly sink: BatchSink = async (batch: SourceBatch) => {
    if (batch.type !== 'chunk') throw new Error(`unexpected ${batch.type} batch`);
    this.batches += 1;
    const k = key(batch.sourceId, batch.stream);
    const prev = this.states.get(k);
    if (!batch.reset && !prev) this.violations.push(`chunk for ${batch.stream} at batch ${this.batches} has no reset and the stream is unknown`);
    const st: ScanState = batch.reset
      ? { offset: batch.reset.startOffset, nextLine: batch.reset.startLine, partial: Buffer.alloc(0) }
      : { ...(prev ?? { offset: 0, nextLine: 1, partial: Buffer.alloc(0) }) };
    const lines: LineRecord[] = [];
    const data = Buffer.concat([st.partial, batch.bytes]);
    const take = (from: number, to: number, consumed: number): void => {
      lines.push({ stream: batch.stream, offset: st.offset, line: st.nextLine, text: data.toString('utf8', from, to), path: batch.meta.path });
      st.offset += consumed;
      st.nextLine += 1;
    };
    let pos = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, pos)) {
      take(pos, nl, nl - pos + 1);
      pos = nl + 1;
    }
    st.partial = Buffer.from(data.subarray(pos)); // the source reuses its buffer
    if (batch.eof && st.partial.length > 0) {
      take(pos, data.length, data.length - pos);
      st.partial = Buffer.alloc(0);
    }
    await new Promise((r) => setImmediate(r)); // a commit takes a turn of the loop
    if (this.rejectWhen?.(batch, this.batches)) {
      this.rejected += 1;
      this.states.delete(k);
      throw new Error('injected store failure');
    }
    this.records.push(...lines);
    const state = batch.checkpoint?.({ offset: st.offset, nextLine: st.nextLine });
    if (state !== undefined) this.checkpoints.set(k, state);
    if (batch.eof) {
      this.states.delete(k);
      this.ended.push(batch.stream);
    } else {
      this.states.set(k, st);
    }
  };

  /** Line numbers taken from `seq=<n>` in the recorded lines. */
  seqs(): number[] {
    return this.records.map((r) => Number(/^seq=(\d+) /.exec(r.text)?.[1] ?? NaN));
  }

  /** Which of 1..total are missing, and which arrived more than once. */
  tally(total: number): { missing: number[]; repeated: number[]; unexpected: number[] } {
    const counts = new Map<number, number>();
    for (const n of this.seqs()) counts.set(n, (counts.get(n) ?? 0) + 1);
    const missing: number[] = [];
    for (let n = 1; n <= total; n += 1) if (!counts.has(n)) missing.push(n);
    const repeated = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
    const unexpected = [...counts.keys()].filter((n) => !(n >= 1 && n <= total));
    return { missing: missing.slice(0, 20), repeated: repeated.slice(0, 20), unexpected: unexpected.slice(0, 20) };
  }

  /**
   * Per stream, lines sorted by offset must tile the stream: each starts where the previous one
   * ended and has the next line number. Returns the breaks found.
   */
  gaps(): string[] {
    const byStream = new Map<string, LineRecord[]>();
    for (const r of this.records) {
      const list = byStream.get(r.stream) ?? [];
      list.push(r);
      byStream.set(r.stream, list);
    }
    const out: string[] = [];
    for (const [stream, recs] of byStream) {
      recs.sort((a, b) => a.offset - b.offset);
      for (let i = 1; i < recs.length; i += 1) {
        const a = recs[i - 1] as LineRecord;
        const b = recs[i] as LineRecord;
        const end = a.offset + Buffer.byteLength(a.text) + 1;
        if (b.offset !== end || b.line !== a.line + 1) out.push(`${stream}: line ${a.line}@${a.offset} then ${b.line}@${b.offset}`);
      }
    }
    return out.slice(0, 20);
  }

  streams(): Set<string> {
    return new Set(this.records.map((r) => r.stream));
  }
}

const key = (sourceId: string, stream: string): string => `${sourceId}\u0000${stream}`;

import type { Readable } from 'node:stream';
import type { BatchSink, ChunkBatch, Clock, Log, Source, SourceHealth } from '../contracts.js';
import type { StreamStart } from './file-checkpoint.js';
import { errorCode } from './retry.js';
import { DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffOptions } from '../util/backoff.js';
import { headFingerprint } from './stream-identity.js';

export interface StdinOptions {
  /** Backoff after a sink rejection; default 500 ms doubling to 30 s. */
  readonly retry?: BackoffOptions;
  readonly now?: Clock;
}

/** Longest partial line kept for re-sending after a sink rejection. Bytes; 1 MiB. */
const MAX_CARRY_BYTES = 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * One stream of lines from a Readable (stdin), named `stdin:<head fingerprint>`. It cannot be
 * resumed after a restart, so its chunks store no checkpoint. After a sink rejection the chunk is
 * re-sent with the partial line before it, restarting the stream at that line's first byte.
 */
export class StdinSource implements Source {
  readonly type = 'stdin' as const;
  private state: SourceHealth['state'] = 'starting';
  private detail: string | undefined;
  private lastBatchAt: number | undefined;
  private readonly retry: BackoffOptions;
  private readonly now: Clock;

  constructor(
    readonly id: string,
    private readonly input: Readable,
    private readonly log: Log,
    opts: StdinOptions = {},
  ) {
    this.retry = opts.retry ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? Date.now;
  }

  health(): SourceHealth {
    return { id: this.id, type: 'stdin', state: this.state, ...(this.detail ? { detail: this.detail } : {}), ...(this.lastBatchAt ? { lastBatchAt: this.lastBatchAt } : {}) };
  }

  async run(sink: BatchSink, signal: AbortSignal): Promise<void> {
    const it = this.input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    this.state = 'running';
    try {
      await this.consume(it, new Sender(this.id, sink, this, signal), signal);
    } catch (err) {
      this.log.warn({ err }, 'Reading standard input failed; its stream ends here.');
    } finally {
      // Stops the input only when we leave early; a finished input is already closed.
      if (signal.aborted) void it.return?.();
      this.state = 'stopped';
    }
  }

  private async consume(it: AsyncIterator<Buffer | string>, out: Sender, signal: AbortSignal): Promise<void> {
    let head: Buffer = EMPTY;
    for (;;) {
      const r = await nextOrAbort(it, signal);
      if (r === undefined) return;
      if (r.done) break;
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      if (out.stream !== undefined) {
        if (!(await out.deliver(chunk, false))) return;
        continue;
      }
      // Gather the first line (at most 1 KiB) first: it names the stream.
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const fp = headFingerprint(head);
      if (fp === undefined) continue;
      out.stream = `stdin:${fp}`;
      if (!(await out.deliver(head, false))) return;
    }
    if (out.stream === undefined) {
      const fp = headFingerprint(head, true);
      if (fp === undefined) return; // empty input: no stream
      out.stream = `stdin:${fp}`;
      await out.deliver(head, true);
      return;
    }
    await out.deliver(EMPTY, true);
  }

  /** Sender reports each outcome here, for health. */
  report(err: unknown, retryInMs = 0): void {
    if (err === undefined) {
      this.lastBatchAt = this.now();
      this.detail = undefined;
      this.state = 'running';
      return;
    }
    this.state = 'retrying';
    this.detail = `sink rejected a chunk: ${errorCode(err)}; retrying`;
    this.log.warn({ err, retryInMs }, 'Sink rejected a chunk of standard input; will re-send it.');
  }

  retryDelay(attempt: number): number {
    return backoffDelay(attempt, this.retry);
  }
}

/** Sends chunks of the one stream, tracking the last line start so a rejected chunk can be re-sent whole. */
class Sender {
  stream: string | undefined;
  /** Stream offset of the next byte to send. */
  private offset = 0;
  /** Bytes after the last newline sent, and where they start: what a re-send must repeat. */
  private carry: Buffer = EMPTY;
  private carryStart: StreamStart = { startOffset: 0, startLine: 1 };
  private needsReset = true;

  constructor(
    private readonly sourceId: string,
    private readonly sink: BatchSink,
    private readonly owner: StdinSource,
    private readonly signal: AbortSignal,
  ) {}

  /** Resolves false when aborted before the chunk was accepted. */
  async deliver(bytes: Buffer, eof: boolean): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const reset = this.needsReset ? this.carryStart : undefined;
      const batch: ChunkBatch = {
        type: 'chunk',
        sourceId: this.sourceId,
        stream: this.stream ?? '',
        bytes: reset && this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes,
        meta: { source: this.sourceId },
        ...(reset ? { reset } : {}),
        ...(eof ? { eof: true } : {}),
        checkpoint: () => undefined,
      };
      try {
        await this.sink(batch);
        this.owner.report(undefined);
        this.needsReset = false;
        this.advance(bytes);
        return true;
      } catch (err) {
        const delay = this.owner.retryDelay(attempt);
        this.owner.report(err, delay);
        this.needsReset = true;
        await sleep(delay, this.signal);
        if (this.signal.aborted) return false;
      }
    }
  }

  private advance(bytes: Buffer): void {
    let lines = 0;
    let last = -1;
    for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) {
      lines += 1;
      last = i;
    }
    if (last >= 0) {
      this.carryStart = { startOffset: this.offset + last + 1, startLine: this.carryStart.startLine + lines };
      this.carry = Buffer.from(bytes.subarray(last + 1));
    } else if (this.carry.length + bytes.length <= MAX_CARRY_BYTES) {
      this.carry = Buffer.concat([this.carry, bytes]);
    } else {
      // A line longer than the carry limit: a re-send restarts inside it, keeping its line number.
      this.carry = EMPTY;
      this.carryStart = { startOffset: this.offset + bytes.length, startLine: this.carryStart.startLine };
    }
    this.offset += bytes.length;
  }
}

/** The iterator's next result, or undefined as soon as the signal aborts. */
function nextOrAbort<T>(it: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

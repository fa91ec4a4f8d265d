import { nameFromPath } from './source-name.js';
import type { ChunkBatch } from '../contracts.js';
import type { StreamStart } from './file-checkpoint.js';
import { chunkCheckpoint, parseFileCheckpoint, startOf, streamIdOf } from './file-checkpoint.js';
import { CHUNK_BYTES } from './file-chunks.js';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { backoffDelay, sleep } from '../util/backoff.js';
import { stat } from 'node:fs/promises';
import { headFingerprint } from './stream-identity.js';
import type { FileStreamContext } from './file-follower.js';

export interface GzContext extends FileStreamContext {
  /** The stream is being tailed right now (its plain file is still open): read the .gz later. */
  readonly isFollowed: (stream: string) => boolean;
}

/** Identity of the compressed file on disk, recorded in its checkpoint. */
export interface GzFile {
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
}

/**
 * - `done`: read to the end (or already read before); `busy`: the stream is still tailed;
 * - `aborted`: the signal fired; `failed`: corrupt or unreadable, logged, not retried.
 */
export type GzOutcome = 'done' | 'busy' | 'aborted' | 'failed';

const EMPTY = Buffer.alloc(0);

/**
 * Reads a rotated `.gz` file once, decompressed, as the stream its decompressed head names:
 * from the stored offset when that stream was partly read as a plain file before it was
 * compressed, not at all when it is done. `skip` (startAt 'end' on a first start) only marks it
 * done. A sink rejection restarts from the stored checkpoint after a backoff.
 */
export async function readGzOnce(file: GzFile, skip: boolean, ctx: GzContext): Promise<GzOutcome> {
  for (let attempt = 1; ; attempt += 1) {
    let outcome: GzOutcome | 'rejected';
    try {
      outcome = await readPass(file, skip, ctx);
    } catch (err) {
      ctx.log.warn({ path: file.path, err }, 'Could not read a .gz file to its end; it is skipped.');
      return 'failed';
    }
    if (outcome !== 'rejected') return outcome;
    await sleep(backoffDelay(attempt, ctx.retry), ctx.signal);
    if (ctx.signal.aborted) return 'aborted';
  }
}

async function readPass(file: GzFile, skip: boolean, ctx: GzContext): Promise<GzOutcome | 'rejected'> {
  let head: Buffer = EMPTY;
  let stream: string | undefined;
  let fingerprint = '';
  let start: StreamStart = { startOffset: 0, startLine: 1 };
  let pos = 0; // decompressed offset of the next byte
  let reset = true;

  const send = async (bytes: Buffer, eof: boolean): Promise<boolean> => {
    const end = pos + bytes.length;
    const batch: ChunkBatch = {
      type: 'chunk',
      sourceId: ctx.sourceId,
      stream: stream ?? '',
      bytes,
      meta: { source: ctx.sourceId, path: file.path, name: nameFromPath(file.path) },
      ...(reset ? { reset: start } : {}),
      ...(eof ? { eof: true } : {}),
      checkpoint: chunkCheckpoint(file, fingerprint, eof, end),
    };
    try {
      await ctx.sink(batch);
    } catch (err) {
      ctx.log.warn({ path: file.path, stream, err }, 'Sink rejected a chunk of a .gz file; will re-read it from its stored checkpoint.');
      ctx.onSink(stream ?? '', err);
      return false;
    }
    ctx.onSink(stream ?? '', undefined);
    reset = false;
    return true;
  };

  /** Sends the part of `bytes` (starting at decompressed offset `pos`) past the start offset. */
  const emit = async (bytes: Buffer): Promise<boolean> => {
    const from = Math.max(0, start.startOffset - pos);
    if (from < bytes.length && !(await send(bytes.subarray(from), false))) return false;
    pos += bytes.length;
    return true;
  };

  /** Decides from the fingerprint whether and where to read; undefined means go on. */
  const identify = (fp: string): GzOutcome | undefined => {
    fingerprint = fp;
    stream = streamIdOf(fp);
    if (ctx.isFollowed(stream)) return 'busy';
    const cp = parseFileCheckpoint(ctx.checkpoints.get(ctx.sourceId, stream));
    if (cp?.done) return 'done';
    if (cp) start = startOf(cp);
    return undefined;
  };

  // Both streams are destroyed on every way out, so an early return leaves no descriptor open.
  const raw = createReadStream(file.path, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  raw.on('error', (err) => gunzip.destroy(err));
  raw.pipe(gunzip);
  try {
    return await readDecompressed(gunzip);
  } finally {
    raw.destroy();
    gunzip.destroy();
  }

  async function readDecompressed(chunks: AsyncIterable<unknown>): Promise<GzOutcome | 'rejected'> {
    for await (const chunk of chunks) {
      if (ctx.signal.aborted) return 'aborted';
      const bytes = chunk as Buffer;
      if (stream !== undefined) {
        if (!(await emit(bytes))) return 'rejected';
        continue;
      }
      head = head.length === 0 ? bytes : Buffer.concat([head, bytes]);
      const fp = headFingerprint(head);
      if (fp === undefined) continue;
      const decided = identify(fp);
      if (decided) return decided;
      if (skip) return (await markDone()) ? 'done' : 'rejected';
      if (!(await emit(head))) return 'rejected';
    }
    if (stream === undefined) {
      const fp = headFingerprint(head, true);
      if (fp === undefined) return 'done'; // empty: nothing to read, no stream to name
      const decided = identify(fp);
      if (decided) return decided;
      if (skip) return (await markDone()) ? 'done' : 'rejected';
      if (!(await emit(head))) return 'rejected';
    }
    return (await send(EMPTY, true)) ? 'done' : 'rejected';
    }

  async function markDone(): Promise<boolean> {
    pos = 0;
    return send(EMPTY, true);
  }
}

/** `.gz` files waiting to be read, one per poll so live files keep their pace. */
export class GzQueue {
  /** Path → matched on start (skipped under startAt 'end' on a first start). */
  private readonly pending = new Map<string, boolean>();
  /** Files finished, as `dev:ino:size`, so a later glob match does not read them again. */
  private readonly done = new Set<string>();

  offer(path: string, presentAtStart: boolean): void {
    if (!this.pending.has(path)) this.pending.set(path, presentAtStart);
  }

  /** `skipPresent`: files matched on start are only marked done (first start, startAt 'end'). */
  async readOne(ctx: GzContext, skipPresent: boolean): Promise<void> {
    for (const [path, presentAtStart] of this.pending) {
      const st = await stat(path, { bigint: true }).catch(() => undefined);
      const key = st ? `${st.dev}:${st.ino}:${st.size}` : '';
      if (!st || this.done.has(key)) {
        this.pending.delete(path);
        continue;
      }
      const outcome = await readGzOnce({ path, dev: st.dev, ino: st.ino }, skipPresent && presentAtStart, ctx);
      if (outcome === 'busy') continue; // its plain file is still tailed: try again on a later poll
      if (outcome === 'done' || outcome === 'failed') this.done.add(key);
      if (outcome !== 'aborted') this.pending.delete(path);
      return;
    }
  }
}

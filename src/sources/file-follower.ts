import { nameFromPath } from './source-name.js';
import type { BatchSink, CheckpointReader, ChunkBatch, Clock, Log } from '../contracts.js';
import type { StreamStart } from './file-checkpoint.js';
import { chunkCheckpoint } from './file-checkpoint.js';
import { parseFileCheckpoint, startOf } from './file-checkpoint.js';
import type { OpenFile } from './file-probe.js';
import { readFingerprint } from './file-probe.js';
import { backoffDelay, type BackoffOptions } from '../util/backoff.js';

/**
 * - `live`: the file currently at a watched path; rotation and truncation are checked by its slot.
 * - `rotated`: renamed or deleted away; drained until it has not grown for rotatedIdleMs, then ended.
 * - `copy`: a copytruncate copy holding the rest of a truncated stream; ended at its end.
 * - `closing`: nothing left to read (truncated, no copy found); only the final eof is sent.
 */
export type FollowMode = 'live' | 'rotated' | 'copy' | 'closing';

/** Most reads per follower per turn, so one file with a backlog does not starve the others. 8 × 1 MiB. */
const MAX_READS_PER_TURN = 8;

const EMPTY = Buffer.alloc(0);

interface Place {
  readonly path: string;
  readonly dev: bigint;
  readonly ino: bigint;
}

const placeOf = (file: OpenFile): Place => ({ path: file.path, dev: file.dev, ino: file.ino });

/** One stream being read: its identity, file, read position and retry state. */
export class Follower {
  /** Next byte to read: everything before it was accepted by the sink. */
  offset: number;
  /** Sent with the next chunk: set on open and after a rejection. */
  pendingReset: StreamStart | undefined;
  mode: FollowMode = 'live';
  /** Last time bytes were read (or the stream was detached). Clock milliseconds. */
  lastGrowthAt: number;
  failures = 0;
  retryAt = 0;
  /** A sink call failed: re-read from the stored checkpoint before anything else. */
  rewind = false;
  /** Where the stream was last read from, kept after the file is closed for the final checkpoint. */
  place: Place;

  constructor(
    readonly stream: string,
    readonly fingerprint: string,
    /** Undefined only in `closing` mode. */
    public file: OpenFile | undefined,
    /** Where this follower began; the rewind target while nothing is stored yet. */
    readonly origin: StreamStart,
    now: number,
    /** Store the start even without new bytes (startAt 'end' on first start), so a restart keeps it. */
    public announce = false,
  ) {
    this.offset = origin.startOffset;
    this.pendingReset = origin;
    this.lastGrowthAt = now;
    this.place = file ? placeOf(file) : { path: '', dev: 0n, ino: 0n };
  }

  /** Continues the stream in another file (a copytruncate copy), or in none. */
  useFile(file: OpenFile | undefined, mode: FollowMode): void {
    this.file = file;
    if (file) this.place = placeOf(file);
    this.mode = mode;
  }

  async closeFile(): Promise<void> {
    const fh = this.file?.fh;
    this.file = undefined;
    await fh?.close().catch(() => undefined);
  }
}

/** What a file source hands every stream it reads, plain or gzip. */
export interface FileStreamContext {
  readonly sourceId: string;
  readonly sink: BatchSink;
  readonly checkpoints: CheckpointReader;
  readonly log: Log;
  readonly now: Clock;
  readonly signal: AbortSignal;
  readonly retry: BackoffOptions;
  /** Told about each sink outcome, for health. */
  readonly onSink: (stream: string, err: unknown) => void;
}

export interface PumpContext extends FileStreamContext {
  /** Reused read buffer, 1 MiB: a chunk is only valid until the sink call returns. */
  readonly buf: Buffer;
  /** Reused head buffer, 1 KiB. */
  readonly head: Buffer;
  /** Quiet time after which a rotated file is ended. Milliseconds; default 5000. */
  readonly rotatedIdleMs: number;
}

/**
 * - `idle`: caught up; `more`: a backlog is left (poll again without sleeping);
 * - `waiting`: backing off after a failure; `truncated`: a live file's head changed under us;
 * - `ended`: the final eof was stored; the follower is closed.
 */
export type PumpResult = 'idle' | 'more' | 'waiting' | 'truncated' | 'ended';

/** Reads what the follower's file has past its offset and hands it to the sink, chunk by chunk. */
export async function pump(f: Follower, ctx: PumpContext): Promise<PumpResult> {
  if (ctx.now() < f.retryAt) return 'waiting';
  if (f.rewind) rewind(f, ctx);
  let reads = 0;
  while (f.mode !== 'closing' && f.file) {
    if (ctx.signal.aborted) return 'idle';
    if (reads === MAX_READS_PER_TURN) return 'more';
    const fh = f.file.fh;
    const { bytesRead } = await fh.read(ctx.buf, 0, ctx.buf.length, f.offset);
    if (bytesRead === 0) break;
    // A truncation between the slot's check and this read would hand us the new file's bytes
    // at our old offset: confirm the head is still ours before sending.
    if (f.mode === 'live' && (await readFingerprint(fh, ctx.head)) !== f.fingerprint) return 'truncated';
    if (!(await send(f, ctx, ctx.buf.subarray(0, bytesRead), false))) return 'waiting';
    f.offset += bytesRead;
    f.lastGrowthAt = ctx.now();
    reads += 1;
    if (bytesRead < ctx.buf.length) break;
  }
  if (ctx.signal.aborted) return 'idle';
  if (f.announce && f.pendingReset && !(await send(f, ctx, EMPTY, false))) return 'waiting';
  const finished = f.mode === 'closing' || f.mode === 'copy' || (f.mode === 'rotated' && ctx.now() - f.lastGrowthAt >= ctx.rotatedIdleMs);
  if (!finished) return 'idle';
  if (!(await send(f, ctx, EMPTY, true))) return 'waiting';
  await f.closeFile();
  return 'ended';
}

/** Backs off after a read error that is not the sink's (EIO, a vanished NFS handle). */
export function deferAfterError(f: Follower, ctx: PumpContext): number {
  f.failures += 1;
  const delay = backoffDelay(f.failures, ctx.retry);
  f.retryAt = ctx.now() + delay;
  return delay;
}

async function send(f: Follower, ctx: PumpContext, bytes: Buffer, eof: boolean): Promise<boolean> {
  const reset = f.pendingReset;
  const place = f.place;
  const end = f.offset + bytes.length;
  const batch: ChunkBatch = {
    type: 'chunk',
    sourceId: ctx.sourceId,
    stream: f.stream,
    bytes,
    meta: { source: ctx.sourceId, path: place.path, name: nameFromPath(place.path) },
    ...(reset ? { reset } : {}),
    ...(eof ? { eof: true } : {}),
    // At eof the scanner has flushed the last partial line, so the whole stream is consumed.
    checkpoint: chunkCheckpoint(place, f.fingerprint, eof, end),
  };
  try {
    await ctx.sink(batch);
  } catch (err) {
    const delay = deferAfterError(f, ctx);
    f.rewind = true;
    ctx.log.warn({ stream: f.stream, path: place.path, err, retryInMs: delay }, 'Sink rejected a chunk; will re-read the stream from its stored checkpoint.');
    ctx.onSink(f.stream, err);
    return false;
  }
  f.pendingReset = undefined;
  f.announce = false;
  f.failures = 0;
  ctx.onSink(f.stream, undefined);
  return true;
}

/** The sink forgot the stream's state: restart it from what was stored (or from where we began). */
function rewind(f: Follower, ctx: PumpContext): void {
  const cp = parseFileCheckpoint(ctx.checkpoints.get(ctx.sourceId, f.stream));
  const start = cp && cp.fingerprint === f.fingerprint ? startOf(cp) : f.origin;
  f.offset = start.startOffset;
  f.pendingReset = start;
  f.rewind = false;
}

import type { FileHandle } from 'node:fs/promises';
import { CHUNK_BYTES } from '../sources/file-chunks.js';
import { HEAD_FINGERPRINT_BYTES, headFingerprint } from '../sources/stream-identity.js';

/** Smallest file split into ranges by default: below it the warm-up costs more than it saves. Bytes; 32 MiB. */
export const MIN_SPLIT_BYTES = 32 * 1024 * 1024;
/**
 * Warm-up beyond the lookback window: room to start on a line boundary and for the record,
 * awaited-line and SMTP exchange state to settle as the sequential scan has it. Bytes; 1 MiB.
 */
export const WARM_UP_SLACK_BYTES = 1024 * 1024;
/** Bytes read per step while looking for a newline. */
const PROBE_BYTES = 64 * 1024;

/**
 * One range of a file, scanned by one worker. Ranges meet where the single-threaded scan's
 * chunks meet (multiples of CHUNK_BYTES): the scanner fills its lookback window a chunk at a
 * time, so a worker must hand it the very same chunks to find the very same things. A line
 * across a range start belongs to the range it ends in, as it does to the chunk it ends in.
 */
export interface FileRange {
  /**
   * Where the worker's scanner starts: `overlap` bytes before `start` (on a line boundary when
   * one is near), so that by `start` it holds the lookback window and the per-line state the
   * sequential scan holds there. What it finds before `start` belongs to the previous range.
   */
  readonly warmFrom: number;
  /** A multiple of CHUNK_BYTES. */
  readonly start: number;
  /** A multiple of CHUNK_BYTES; null for the file's last range, read to the end of the file. */
  readonly end: number | null;
}

export interface PlanOptions {
  readonly threads: number;
  /** Bytes per range, a multiple of CHUNK_BYTES; unset: files of MIN_SPLIT_BYTES and more get one range per thread. */
  readonly rangeBytes?: number;
  /** Warm-up before a range start: the detector's lookbackBytes plus WARM_UP_SLACK_BYTES. */
  readonly overlapBytes: number;
}

/** How many ranges a file of `size` bytes is cut into (fewer when it has fewer chunks). */
export function rangeCount(size: number, opts: PlanOptions): number {
  const chunks = Math.ceil(size / CHUNK_BYTES);
  if (opts.rangeBytes !== undefined) return Math.min(chunks, Math.max(1, Math.ceil(size / opts.rangeBytes)));
  if (opts.threads < 2 || size < Math.max(MIN_SPLIT_BYTES, 4 * opts.overlapBytes)) return 1;
  return Math.min(chunks, opts.threads);
}

/** Cuts a plain file into ranges of about equal size, at chunk boundaries. */
export async function planRanges(fh: FileHandle, size: number, opts: PlanOptions): Promise<FileRange[]> {
  const n = rangeCount(size, opts);
  const starts = [0];
  for (let i = 1; i < n; i++) {
    const at = opts.rangeBytes !== undefined ? i * opts.rangeBytes : Math.round((size * i) / n / CHUNK_BYTES) * CHUNK_BYTES;
    if (at > (starts[starts.length - 1] as number) && at < size) starts.push(at);
  }
  const ranges: FileRange[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    ranges.push({ warmFrom: await warmUpStart(fh, start, opts.overlapBytes), start, end: starts[i + 1] ?? null });
  }
  return ranges;
}

/**
 * Where to start scanning so that `start` is reached with the state a scan from 0 has there:
 * at least `overlap` bytes earlier (the lookback window must be full), moved forward to the next
 * line start when it is within the slack. Without a newline there the scan starts mid-line:
 * the range's state check then tells whether that mattered.
 */
async function warmUpStart(fh: FileHandle, start: number, overlap: number): Promise<number> {
  const from = start - overlap;
  if (from <= 0) return 0;
  const at = await lineStartFrom(fh, from, Math.min(start, from + Math.min(WARM_UP_SLACK_BYTES, overlap)));
  return at > 0 ? at : from;
}

/**
 * The first line start at or after `from` (a position just past a newline, or `from` itself
 * when the byte before it is one), looking no further than `limit`; -1 when there is none.
 */
export async function lineStartFrom(fh: FileHandle, from: number, limit: number): Promise<number> {
  if (from === 0) return 0;
  const buf = Buffer.allocUnsafe(PROBE_BYTES);
  for (let pos = from - 1; pos < limit; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(PROBE_BYTES, limit - pos), pos);
    if (bytesRead === 0) return -1;
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl >= 0) return pos + nl + 1;
    pos += bytesRead;
  }
  return -1;
}

/**
 * The stream id a plain file gets (see scan's stream identity): from its first line, at most
 * HEAD_FINGERPRINT_BYTES. Undefined for an empty file, which is not scanned at all.
 */
export async function plainFileStream(fh: FileHandle, size: number): Promise<string | undefined> {
  const head = Buffer.alloc(Math.min(size, HEAD_FINGERPRINT_BYTES));
  const { bytesRead } = await fh.read(head, 0, head.length, 0);
  const fp = headFingerprint(head.subarray(0, bytesRead), bytesRead === size);
  return fp === undefined ? undefined : `file:${fp}`;
}

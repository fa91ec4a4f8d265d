import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { CHUNK_BYTES } from '../sources/file-chunks.js';

/** Most worker threads `scan --threads` starts. */
export const MAX_THREADS = 64;

/**
 * `--threads`: a whole number from 1 to MAX_THREADS, or `auto` for one per CPU the process may
 * use (capped the same way).
 */
export function parseThreads(value: string): number {
  const text = value.trim();
  if (text.toLowerCase() === 'auto') return Math.min(MAX_THREADS, Math.max(1, availableParallelism()));
  const n = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new UsageError(`--threads must be a whole number from 1 to ${MAX_THREADS}, or auto; got '${value}'.`);
  }
  return n;
}

/**
 * The hidden `--range-bytes`: bytes per range when splitting files, a whole number of MiB
 * (ranges meet at the single-threaded scan's chunk boundaries).
 */
export function parseRangeBytes(value: string): number {
  const m = /^(\d{1,13})([kKmMgG]?)$/.exec(value.trim());
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase()] ?? 1;
  const n = m ? Number(m[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(n) || n < CHUNK_BYTES || n % CHUNK_BYTES !== 0) {
    throw new UsageError(`--range-bytes must be a whole number of MiB, such as 4m or 4194304; got '${value}'.`);
  }
  return n;
}

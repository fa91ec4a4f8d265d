import { closeSync, openSync, readSync } from 'node:fs';
import { CHUNK_BYTES } from '../sources/file-chunks.js';

/**
 * A plain file's bytes from `from` to `to` (null: to the end of the file) in the chunks the
 * single-threaded scan reads (plainFileChunks from offset 0): every piece ends at a multiple of
 * CHUNK_BYTES or at `to`, the first one shorter when `from` is not such a multiple. A piece is
 * valid until the next iteration. Read into `into` when given (a detector's readArea, which its
 * scanners search in place), else into a buffer of its own.
 *
 * Reads are synchronous: with every core scanning, a read handed to libuv's pool only adds a
 * thread hop and a second thread's copy (about 0.15 s of CPU per GiB here) without overlapping
 * anything.
 */
export function* rangeChunks(path: string, from: number, to: number | null, into?: Buffer): Generator<Buffer> {
  if (into !== undefined && into.length < CHUNK_BYTES) throw new RangeError(`rangeChunks reads into ${into.length} bytes; a chunk takes ${CHUNK_BYTES}.`);
  const fd = openSync(path, 'r');
  const buf = into ?? Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (let pos = from; ; ) {
      const length = Math.min(CHUNK_BYTES - (pos % CHUNK_BYTES), to === null ? CHUNK_BYTES : to - pos);
      const bytesRead = length <= 0 ? 0 : readSync(fd, buf, 0, length, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

import { open } from 'node:fs/promises';
import { CHUNK_BYTES } from '../sources/file-chunks.js';

/**
 * A plain file's bytes from `from` to `to` (null: to the end of the file) in the chunks the
 * single-threaded scan reads (plainFileChunks from offset 0): every piece ends at a multiple of
 * CHUNK_BYTES or at `to`, the first one shorter when `from` is not such a multiple. The next
 * read is in flight while the caller scans; a piece is valid until the next iteration.
 */
export async function* rangeChunks(path: string, from: number, to: number | null): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const bufs: [Buffer, Buffer] = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const readAt = (at: number, buf: Buffer): Promise<{ bytesRead: number }> => {
    const length = Math.min(CHUNK_BYTES - (at % CHUNK_BYTES), to === null ? CHUNK_BYTES : to - at);
    return length <= 0 ? Promise.resolve({ bytesRead: 0 }) : fh.read(buf, 0, length, at);
  };
  let pos = from;
  let turn: 0 | 1 = 0;
  let read = readAt(pos, bufs[0]);
  try {
    for (;;) {
      const { bytesRead } = await read;
      if (bytesRead === 0) return;
      const current = bufs[turn];
      pos += bytesRead;
      turn = turn === 0 ? 1 : 0;
      read = readAt(pos, bufs[turn]);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    // A read may still be in flight when the caller stops early; let it land before closing.
    await read.catch(() => undefined);
    await fh.close();
  }
}

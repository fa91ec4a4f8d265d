import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** Bytes read per call. 1 MiB keeps syscalls rare while staying well inside the cache. */
export const CHUNK_BYTES = 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** True when the file starts with the gzip magic bytes, whatever its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

/**
 * Reads a plain file with two alternating buffers, the next read already in flight while the
 * caller scans the current chunk. A yielded chunk is valid until the next iteration.
 */
export async function* plainFileChunks(path: string, startOffset = 0, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  let pending: Promise<unknown> = Promise.resolve();
  try {
    const bufs: [Buffer, Buffer] = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let pos = startOffset;
    let turn = 0;
    let read = fh.read(bufs[0], 0, chunkBytes, pos);
    pending = read;
    for (;;) {
      const { bytesRead } = await read;
      if (bytesRead === 0) return;
      const current = bufs[turn as 0 | 1];
      pos += bytesRead;
      turn ^= 1;
      read = fh.read(bufs[turn as 0 | 1], 0, chunkBytes, pos);
      pending = read;
      yield current.subarray(0, bytesRead);
    }
  } finally {
    // A read may still be in flight when the caller stops early; let it land before closing.
    await pending.catch(() => undefined);
    await fh.close();
  }
}

/** Decompressed chunks of a gzip file; a truncated or corrupt file throws after what it could read. */
export function gzipFileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES }).pipe(createGunzip({ chunkSize: 256 * 1024 }));
}

/** Chunks of a readable stream (stdin). */
export async function* streamChunks(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

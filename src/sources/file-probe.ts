import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { StreamStart } from './file-checkpoint.js';
import { isGzPath } from './glob.js';
import { HEAD_FINGERPRINT_BYTES, headFingerprint } from './stream-identity.js';

/** An open file as a stream is read from it; replaced whole, never mutated, so a batch can keep it. */
export interface OpenFile {
  readonly path: string;
  readonly fh: FileHandle;
  readonly dev: bigint;
  readonly ino: bigint;
}

/** Scratch for head reads; one per source, as reads are sequential. */
export const newHeadBuffer = (): Buffer => Buffer.allocUnsafe(HEAD_FINGERPRINT_BYTES);

/** The file's head fingerprint, or undefined while its first line is incomplete (or it is empty). */
export async function readFingerprint(fh: FileHandle, head: Buffer): Promise<string | undefined> {
  const { bytesRead } = await fh.read(head, 0, HEAD_FINGERPRINT_BYTES, 0);
  return headFingerprint(head.subarray(0, bytesRead));
}

/**
 * Where tailing from the end of the first `end` bytes starts: just past the last newline, so a
 * line still being written is read whole, with its line number. Counts newlines chunk by chunk
 * through `buf` (no whole-file read).
 */
export async function lastLineStart(fh: FileHandle, end: number, buf: Buffer): Promise<StreamStart> {
  let pos = 0;
  let lines = 0;
  let startOffset = 0;
  while (pos < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
      lines += 1;
      startOffset = pos + i + 1;
    }
    pos += bytesRead;
  }
  return { startOffset, startLine: lines + 1 };
}

/** Plain (not `.gz`) entries of a directory, as absolute paths; empty when it cannot be listed. */
export async function plainSiblings(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && !isGzPath(e.name)).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

export interface FindOptions {
  /** Candidates shorter than this cannot hold the stream's unread part. Bytes. */
  readonly minSize: number;
  /** Skips the inode being followed (the truncated original). */
  readonly exclude?: { readonly dev: bigint; readonly ino: bigint };
}

/**
 * Opens the candidate whose head fingerprint is `fingerprint` (the newest if several): how a
 * rotated copy or a file renamed while the source was stopped is found. The caller owns the
 * returned handle.
 */
export async function openByFingerprint(candidates: readonly string[], fingerprint: string, opts: FindOptions, head: Buffer): Promise<OpenFile | undefined> {
  const stats: Array<{ path: string; st: BigIntStats }> = [];
  for (const path of new Set(candidates)) {
    const st = await stat(path, { bigint: true }).catch(() => undefined);
    if (!st?.isFile() || st.size < BigInt(opts.minSize)) continue;
    if (opts.exclude && st.dev === opts.exclude.dev && st.ino === opts.exclude.ino) continue;
    stats.push({ path, st });
  }
  stats.sort((a, b) => (a.st.mtimeNs < b.st.mtimeNs ? 1 : a.st.mtimeNs > b.st.mtimeNs ? -1 : 0));
  for (const { path } of stats) {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) continue;
    try {
      const st = await fh.stat({ bigint: true });
      const same = opts.exclude && st.dev === opts.exclude.dev && st.ino === opts.exclude.ino;
      if (!same && st.size >= BigInt(opts.minSize) && (await readFingerprint(fh, head)) === fingerprint) {
        return { path, fh, dev: st.dev, ino: st.ino };
      }
    } catch {
      // Unreadable candidate: not the copy we are after.
    }
    await fh.close();
  }
  return undefined;
}

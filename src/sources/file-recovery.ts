import { dirname } from 'node:path';
import type { Log } from '../contracts.js';
import { parseFileCheckpoint, startOf } from './file-checkpoint.js';
import { Follower } from './file-follower.js';
import { openByFingerprint, plainSiblings } from './file-probe.js';

/**
 * copytruncate: the bytes between our offset and the truncation are in the copy, a plain file
 * beside the original whose head fingerprint is the stream's (`mail.log.1`, `mail.log-20260101`).
 * The follower goes on reading that copy to its end under the same stream id; with no copy it
 * only ends the stream, and the loss is logged. `lastSize`: the size before truncation, bytes.
 */
export async function continueInCopy(f: Follower, livePath: string, lastSize: number, log: Log, head: Buffer): Promise<void> {
  const was = f.file;
  await f.closeFile();
  const siblings = await plainSiblings(dirname(livePath));
  const exclude = was ? { dev: was.dev, ino: was.ino } : undefined;
  const copy = await openByFingerprint(siblings, f.fingerprint, { minSize: f.offset, ...(exclude ? { exclude } : {}) }, head);
  if (copy) {
    f.useFile(copy, 'copy');
    log.info({ path: livePath, copy: copy.path, stream: f.stream, offset: f.offset }, 'File was truncated; reading the rest of it from its rotated copy.');
    return;
  }
  f.useFile(undefined, 'closing');
  const lostBytesAtLeast = Math.max(0, lastSize - f.offset);
  log.warn(
    { path: livePath, stream: f.stream, offset: f.offset, lostBytesAtLeast },
    'File was truncated and no file beside it holds a copy; the bytes after the last read offset could not be recovered.',
  );
}

/**
 * Streams stored unfinished but not open at any watched path were rotated while the source was
 * stopped: each is looked for by fingerprint among the files of its old directory and the glob
 * matches, and returned as a `rotated` follower resuming at its stored offset (drained, then ended).
 */
export async function findRotatedStreams(
  stored: ReadonlyArray<{ stream: string; state: unknown }>,
  isOpen: (stream: string) => boolean,
  watched: readonly string[],
  now: number,
  log: Log,
  head: Buffer,
): Promise<Follower[]> {
  const out: Follower[] = [];
  for (const { stream, state } of stored) {
    const cp = parseFileCheckpoint(state);
    if (!cp || cp.done || isOpen(stream)) continue;
    const candidates = [...(await plainSiblings(dirname(cp.path))), ...watched];
    const file = await openByFingerprint(candidates, cp.fingerprint, { minSize: cp.offset }, head);
    if (!file) {
      log.warn({ stream, path: cp.path, offset: cp.offset }, 'A stored stream is neither at its path nor beside it (deleted or compressed); its unread lines may be lost.');
      continue;
    }
    const f = new Follower(stream, cp.fingerprint, file, startOf(cp), now);
    f.mode = 'rotated';
    out.push(f);
    log.info({ stream, path: file.path, offset: cp.offset }, 'Draining a file rotated while the source was stopped.');
  }
  return out;
}

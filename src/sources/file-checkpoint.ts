/**
 * The position a file source stores per stream. Everything a restart needs to resume exactly:
 * the stream's identity (head fingerprint), where it was last seen (path, device, inode) and how
 * far it was fully processed (byte offset past the last complete line, and that line's successor).
 */
export interface FileCheckpoint {
  readonly path: string;
  /** Device and inode as decimal strings: 64-bit inode numbers do not fit a JSON number. */
  readonly dev: string;
  readonly ino: string;
  readonly fingerprint: string;
  /** Bytes; for `.gz` files an offset into the decompressed text. */
  readonly offset: number;
  /** 1-based number of the line starting at `offset`. */
  readonly nextLine: number;
  /** The stream was read to its end and closed (rotated away and idle, a copy drained, a `.gz` read). */
  readonly done?: boolean;
}

/** Where a stream (re)starts: the first chunk after it carries this as its `reset`. */
export interface StreamStart {
  readonly startOffset: number;
  readonly startLine: number;
}

/** A stored state, or undefined when it is missing or not a file checkpoint (then the stream starts over). */
export function parseFileCheckpoint(v: unknown): FileCheckpoint | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const ok =
    typeof o.path === 'string' &&
    typeof o.dev === 'string' &&
    typeof o.ino === 'string' &&
    typeof o.fingerprint === 'string' &&
    Number.isSafeInteger(o.offset) &&
    (o.offset as number) >= 0 &&
    Number.isSafeInteger(o.nextLine) &&
    (o.nextLine as number) >= 1;
  return ok ? (o as unknown as FileCheckpoint) : undefined;
}

export const startOf = (cp: FileCheckpoint): StreamStart => ({ startOffset: cp.offset, startLine: cp.nextLine });

export const streamIdOf = (fingerprint: string): string => `file:${fingerprint}`;

/**
 * The checkpoint of a chunk of a file: where the stream has been fully processed, or, at its end
 * (the scanner then flushed the last partial line), the end itself, marked done.
 */
export function chunkCheckpoint(
  file: { readonly path: string; readonly dev: bigint; readonly ino: bigint },
  fingerprint: string,
  eof: boolean,
  end: number,
): (c: { readonly offset: number; readonly nextLine: number }) => FileCheckpoint {
  return (c) => ({
    path: file.path,
    dev: String(file.dev),
    ino: String(file.ino),
    fingerprint,
    offset: eof ? end : c.offset,
    nextLine: c.nextLine,
    ...(eof ? { done: true } : {}),
  });
}

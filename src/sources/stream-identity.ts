import { createHash } from 'node:crypto';

/** Longest head used for a stream's identity. Bytes. */
export const HEAD_FINGERPRINT_BYTES = 1024;

/**
 * Identifies a byte stream by its first line (at most 1 KiB): the same log keeps its identity
 * when renamed, rotated to `.1` or compressed to `.2.gz`, so re-reading it stores nothing twice.
 * Undefined until the first line is complete (or the head limit is reached).
 */
export function headFingerprint(head: Buffer, final = false): string | undefined {
  const limit = Math.min(head.length, HEAD_FINGERPRINT_BYTES);
  const nl = head.subarray(0, limit).indexOf(0x0a);
  let end: number;
  if (nl >= 0) end = nl;
  else if (head.length >= HEAD_FINGERPRINT_BYTES || (final && head.length > 0)) end = limit;
  else return undefined;
  return createHash('sha256').update(head.subarray(0, end)).digest('hex').slice(0, 24);
}

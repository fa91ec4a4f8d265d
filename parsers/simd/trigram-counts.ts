import { FOLD } from './fold.js';

/** Slots of the count table: 2^18 keeps collisions between common trigrams rare in 1 MiB. */
const SLOT_BITS = 18;

const slotOf = (f0: number, f1: number, f2: number): number => Math.imul((f0 << 16) | (f1 << 8) | f2, 0x9e3779b1) >>> (32 - SLOT_BITS);

/**
 * How often each case-folded 3-byte sequence occurs in a sample of the input, hashed into a
 * fixed table. A collision can only make a rare trigram look common, never the reverse, so a
 * planner that avoids common trigrams stays safe with it.
 */
export class TrigramCounts {
  private readonly counts = new Uint32Array(1 << SLOT_BITS);
  /** Bytes sampled so far. */
  sampled = 0;

  add(buf: Uint8Array, from: number, to: number): void {
    if (to - from < 3) return;
    const counts = this.counts;
    let a = FOLD[buf[from] as number] as number;
    let b = FOLD[buf[from + 1] as number] as number;
    for (let i = from + 2; i < to; i++) {
      const c = FOLD[buf[i] as number] as number;
      const slot = slotOf(a, b, c);
      counts[slot] = (counts[slot] as number) + 1;
      a = b;
      b = c;
    }
    this.sampled += to - from;
  }

  /** Occurrences of the folded trigram (f0, f1, f2) in the sample. */
  get(f0: number, f1: number, f2: number): number {
    return this.counts[slotOf(f0, f1, f2)] as number;
  }
}

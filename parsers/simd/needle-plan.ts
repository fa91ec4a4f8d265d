/**
 * How the SIMD kernel looks for a set of needles, case-insensitively (ASCII letters only):
 * each distinct folded needle gets a bucket bit and a 3-byte "fingerprint" window, the rarest
 * one it has by a rough byte-frequency ranking of log text. The kernel flags positions where
 * some bucket's fingerprint matches (Teddy, Hyperscan's nibble-table method); JS then verifies
 * the whole needle there. Needles shorter than 3 bytes match any byte in the missing places.
 */

export const FINGERPRINT_BYTES = 3;
/** Bucket bits in one lane. More needles share buckets: only more positions to verify. */
const BUCKETS = 8;

/** ASCII fold: A–Z become a–z, every other byte stays. */
export const FOLD: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  return t;
})();

export interface PlannedNeedle {
  /** The needle's bytes, folded. */
  readonly folded: Uint8Array;
  /** Where its fingerprint window starts within the needle. */
  readonly window: number;
}

export interface NeedlePlan {
  readonly needles: readonly PlannedNeedle[];
  /**
   * Nibble tables, 16 bytes each, in kernel order: low-nibble then high-nibble table for
   * fingerprint byte 0, 1, 2. Byte n of a table holds the buckets whose fingerprint byte has
   * nibble n there.
   */
  readonly tables: Uint8Array;
}

/**
 * Commonness of a byte in logs, higher is more common. Letters by English frequency; digits,
 * space and the punctuation of log framings are the most common of all.
 */
const commonness = (b: number): number => {
  const f = FOLD[b] as number;
  if (f === 0x20 || (f >= 0x30 && f <= 0x39)) return 30;
  const letters = 'zqxjkvbpygfwmucldrhsnioate';
  const rank = letters.indexOf(String.fromCharCode(f));
  if (rank >= 0) return 4 + rank;
  if ('/.:=",-[]()_'.includes(String.fromCharCode(f))) return 26;
  return 2;
};

/** Start of the needle's least common window of FINGERPRINT_BYTES bytes. */
const rarestWindow = (folded: Uint8Array): number => {
  let best = 0;
  let bestScore = Infinity;
  for (let w = 0; w + FINGERPRINT_BYTES <= folded.length; w++) {
    let score = 0;
    for (let k = 0; k < FINGERPRINT_BYTES; k++) score += commonness(folded[w + k] as number);
    if (score < bestScore) {
      bestScore = score;
      best = w;
    }
  }
  return best;
};

/** The case variants of a folded byte: both cases for a letter, else itself. */
const variants = (f: number): number[] => (f >= 0x61 && f <= 0x7a ? [f, f & ~0x20] : [f]);

export const planNeedles = (needles: readonly Uint8Array[]): NeedlePlan => {
  const seen = new Set<string>();
  const planned: PlannedNeedle[] = [];
  for (const n of needles) {
    if (n.length === 0) throw new RangeError('A prefilter needle is empty; every needle needs at least one byte.');
    const folded = n.map((b) => FOLD[b] as number);
    const key = Buffer.from(folded).toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    planned.push({ folded, window: rarestWindow(folded) });
  }
  const tables = new Uint8Array(FINGERPRINT_BYTES * 32);
  planned.forEach((p, i) => {
    const bit = 1 << i % BUCKETS;
    for (let k = 0; k < FINGERPRINT_BYTES; k++) {
      const lo = k * 32;
      const hi = lo + 16;
      const at = p.window + k;
      if (at >= p.folded.length) {
        // Past a short needle's end: any byte will do.
        for (let n = 0; n < 16; n++) {
          tables[lo + n] = (tables[lo + n] as number) | bit;
          tables[hi + n] = (tables[hi + n] as number) | bit;
        }
        continue;
      }
      for (const b of variants(p.folded[at] as number)) {
        tables[lo + (b & 0x0f)] = (tables[lo + (b & 0x0f)] as number) | bit;
        tables[hi + (b >> 4)] = (tables[hi + (b >> 4)] as number) | bit;
      }
    }
  });
  return { needles: planned, tables };
};

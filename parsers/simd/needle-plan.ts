/**
 * How the SIMD kernel looks for a set of needles, case-insensitively (ASCII letters only):
 * each needle gets a 3-byte "fingerprint" window, and the kernel flags positions where some
 * bucket's fingerprint matches (Teddy, Hyperscan's nibble-table method); JS then verifies the
 * whole needle there. Every flag that fails to verify is wasted work, and in logs a careless
 * window ("log" of "auth login", "pi/" of "/api/mail.send") flags almost every line. So:
 *
 * - a window is chosen by how rare its trigram is in a sample of the input being scanned, or
 *   by a static byte-commonness ranking before there is a sample;
 * - needles whose fingerprints coincide share a bucket, and a needle that contains another
 *   needle is dropped (the shorter one finds every line the longer would);
 * - when more fingerprints remain than the kernel has buckets, the pair whose merged nibble
 *   tables would flag the fewest sampled trigrams shares a bucket, until they fit.
 *
 * Needles shorter than 3 bytes match any byte in the missing places.
 */
import { FOLD } from './fold.js';
import type { TrigramCounts } from './trigram-counts.js';

export const FINGERPRINT_BYTES = 3;
/** Bucket bits in one lane of the kernel. */
const BUCKETS = 8;
/** A merged bucket accepting more trigrams than this is not estimated, just avoided. */
const MAX_ESTIMATED_TRIGRAMS = 1 << 16;
const UNESTIMATED = 1e12;
const ANY_NIBBLE = 0xffff;

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

/** Estimated occurrences of a folded trigram; only the order between trigrams matters. */
type Frequency = (f0: number, f1: number, f2: number) => number;

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

const staticFrequency: Frequency = (a, b, c) => commonness(a) * commonness(b) * commonness(c);
/** Largest static frequency (30³), used to keep the static ranking below one sampled count. */
const STATIC_SCALE = 30 ** 3 * 2;

/** Sampled counts first; the static ranking only breaks ties between equally rare trigrams. */
const sampledFrequency =
  (counts: TrigramCounts): Frequency =>
  (a, b, c) =>
    counts.get(a, b, c) + staticFrequency(a, b, c) / STATIC_SCALE;

/** Start of the needle's rarest window of FINGERPRINT_BYTES bytes. */
const rarestWindow = (folded: Uint8Array, frequency: Frequency): number => {
  let best = 0;
  let bestScore = Infinity;
  for (let w = 0; w + FINGERPRINT_BYTES <= folded.length; w++) {
    const score = frequency(folded[w] as number, folded[w + 1] as number, folded[w + 2] as number);
    if (score < bestScore) {
      bestScore = score;
      best = w;
    }
  }
  return best;
};

/** The case variants of a folded byte: both cases for a letter, else itself. */
const variants = (f: number): number[] => (f >= 0x61 && f <= 0x7a ? [f, f & ~0x20] : [f]);

/** Allowed low and high nibbles per fingerprint byte, as 16-bit masks: one kernel bucket. */
interface Bucket {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

const bucketOf = (n: PlannedNeedle): Bucket => {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let k = 0; k < FINGERPRINT_BYTES; k++) {
    const at = n.window + k;
    if (at >= n.folded.length) {
      lo.push(ANY_NIBBLE);
      hi.push(ANY_NIBBLE);
      continue;
    }
    let l = 0;
    let h = 0;
    for (const b of variants(n.folded[at] as number)) {
      l |= 1 << (b & 0x0f);
      h |= 1 << (b >> 4);
    }
    lo.push(l);
    hi.push(h);
  }
  return { lo, hi };
};

const merge = (a: Bucket, b: Bucket): Bucket => ({
  lo: a.lo.map((m, k) => m | (b.lo[k] as number)),
  hi: a.hi.map((m, k) => m | (b.hi[k] as number)),
});

const sameBucket = (a: Bucket, b: Bucket): boolean => a.lo.every((m, k) => m === b.lo[k] && a.hi[k] === b.hi[k]);

/** The folded bytes a bucket lets through at fingerprint byte k (nibble tables cross-match). */
const acceptedBytes = (bucket: Bucket, k: number): number[] => {
  const out = new Set<number>();
  const lo = bucket.lo[k] as number;
  const hi = bucket.hi[k] as number;
  for (let b = 0; b < 256; b++) if ((lo >> (b & 0x0f)) & 1 && (hi >> (b >> 4)) & 1) out.add(FOLD[b] as number);
  return [...out];
};

/** Estimated flags of a bucket: the frequencies of every trigram its tables let through. */
const flagsOf = (bucket: Bucket, frequency: Frequency): number => {
  const [a0, a1, a2] = [0, 1, 2].map((k) => acceptedBytes(bucket, k)) as [number[], number[], number[]];
  if (a0.length * a1.length * a2.length > MAX_ESTIMATED_TRIGRAMS) return UNESTIMATED;
  let sum = 0;
  for (const x of a0) for (const y of a1) for (const z of a2) sum += frequency(x, y, z);
  return sum;
};

/** Folded, de-duplicated needles without those that contain another needle. */
const essentialNeedles = (needles: readonly Uint8Array[]): Uint8Array[] => {
  const folded = new Map<string, Uint8Array>();
  for (const n of needles) {
    if (n.length === 0) throw new RangeError('A prefilter needle is empty; every needle needs at least one byte.');
    const f = n.map((b) => FOLD[b] as number);
    folded.set(Buffer.from(f).toString('latin1'), f);
  }
  const keys = [...folded.keys()];
  return keys.filter((k) => !keys.some((other) => other !== k && k.includes(other))).map((k) => folded.get(k) as Uint8Array);
};

/** Groups buckets until at most BUCKETS remain, cheapest merge first. */
const fitBuckets = (buckets: Bucket[], frequency: Frequency): Bucket[] => {
  const groups = buckets.filter((b, i) => buckets.findIndex((o) => sameBucket(o, b)) === i);
  const cost = groups.map((g) => flagsOf(g, frequency));
  while (groups.length > BUCKETS) {
    let best = { i: 0, j: 1, added: Infinity, merged: groups[0] as Bucket, flags: 0 };
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const merged = merge(groups[i] as Bucket, groups[j] as Bucket);
        const flags = flagsOf(merged, frequency);
        const added = flags - (cost[i] as number) - (cost[j] as number);
        if (added < best.added) best = { i, j, added, merged, flags };
      }
    }
    groups.splice(best.j, 1);
    cost.splice(best.j, 1);
    groups[best.i] = best.merged;
    cost[best.i] = best.flags;
  }
  return groups;
};

/** The kernel's nibble tables for the buckets, bucket i on bit i. */
const tablesOf = (buckets: readonly Bucket[]): Uint8Array => {
  const tables = new Uint8Array(FINGERPRINT_BYTES * 32);
  buckets.forEach((bucket, i) => {
    for (let k = 0; k < FINGERPRINT_BYTES; k++) {
      for (let n = 0; n < 16; n++) {
        if (((bucket.lo[k] as number) >> n) & 1) tables[k * 32 + n] = (tables[k * 32 + n] as number) | (1 << i);
        if (((bucket.hi[k] as number) >> n) & 1) tables[k * 32 + 16 + n] = (tables[k * 32 + 16 + n] as number) | (1 << i);
      }
    }
  });
  return tables;
};

/** Plans the needles; with `sample`, for the trigrams of the input it was taken from. */
export const planNeedles = (needles: readonly Uint8Array[], sample?: TrigramCounts): NeedlePlan => {
  const frequency = sample === undefined ? staticFrequency : sampledFrequency(sample);
  const planned = essentialNeedles(needles).map((folded) => ({ folded, window: rarestWindow(folded, frequency) }));
  return { needles: planned, tables: tablesOf(fitBuckets(planned.map(bucketOf), frequency)) };
};

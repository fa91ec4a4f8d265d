/**
 * Byte-level candidate search. A WebAssembly SIMD kernel (parsers/simd/) flags the positions
 * where a needle's 3-byte fingerprint occurs, ASCII-case-insensitively, and counts newlines;
 * JS verifies the whole needle only at flagged positions. Nothing here decodes text. One scan
 * pass over a region yields the candidate lines, their line numbers, and the region's line
 * count, so lines are never walked one by one.
 *
 * The fingerprints are planned for the input itself: the first SAMPLE_BYTES seen are counted
 * by trigram and the needles re-planned from them, and when flags that fail to verify become
 * frequent later on (the logs changed), the plan is redone from a fresh sample.
 */
import { FOLD } from './simd/fold.js';
import { Kernel, SLICE_BYTES, SLICE_PAD } from './simd/kernel.js';
import type { NeedlePlan, PlannedNeedle } from './simd/needle-plan.js';
import { planNeedles } from './simd/needle-plan.js';
import { TrigramCounts } from './simd/trigram-counts.js';

const NL = 0x0a;
/** Input bytes counted before the fingerprints are planned from them. 128 KiB: about 1 ms. */
const SAMPLE_BYTES = 128 * 1024;
/** Input bytes between two checks of the wasted-flag rate. */
const CHECK_EVERY_BYTES = 16 * 1024 * 1024;
/**
 * Flags failing to verify, per KiB scanned, above which the plan is redone. A good plan on
 * ordinary logs wastes well under one per 10 KiB; a stale one, about one per line.
 */
const WASTED_FLAGS_PER_KIB = 0.5;

/** What one scan of a region of whole lines found. */
export interface RegionScan {
  /** Start offsets of the lines holding a needle, ascending and unique. */
  readonly starts: number[];
  /** Offset of each such line's newline (or the region's end when it has none). */
  readonly ends: number[];
  /** Newlines in the region before each such line: its line index within the region. */
  readonly lineIndex: number[];
  /** Newlines in the whole region. */
  newlines: number;
}

const foldEquals = (buf: Buffer, at: number, needle: Uint8Array): boolean => {
  for (let k = 0; k < needle.length; k++) if (FOLD[buf[at + k] as number] !== needle[k]) return false;
  return true;
};

export class Prefilter {
  private needles: readonly PlannedNeedle[] = [];
  /**
   * The current plan's kernel tables, loaded again whenever another Prefilter used the kernel;
   * null until the first search (a search that completes the sample plans from it directly).
   */
  private tables: Uint8Array | null = null;
  /** Trigram counts being gathered for the next plan; null while the current one serves well. */
  private sample: TrigramCounts | null = new TrigramCounts();
  /** Bytes scanned and flags that failed to verify since the last rate check. */
  private scanned = 0;
  private wasted = 0;
  /** Plans installed so far: the static ranking's when a search comes before the sample is complete, then one per sample. */
  plans = 0;

  /**
   * `kernel`: shared with other Prefilters to search the same staged bytes for different needle
   * sets (see stagingArea); by default one of its own.
   */
  constructor(
    private readonly source: readonly Uint8Array[],
    private readonly kernel: Kernel = new Kernel(),
  ) {}

  private install(plan: NeedlePlan): void {
    this.tables = plan.tables;
    this.kernel.load(plan.tables, this);
    this.needles = plan.needles;
    this.plans++;
  }

  /** The kernel, with this Prefilter's tables loaded. */
  private ready(): Kernel {
    if (this.tables === null) this.install(staticPlanFor(this.source));
    const k = this.kernel;
    if (k.loadedBy !== this) k.load(this.tables as Uint8Array, this);
    return k;
  }

  /** Counts input into the sample until there is enough of it, then plans from it. */
  private learn(buf: Uint8Array, from: number, to: number): void {
    const sample = this.sample;
    if (sample === null) return;
    sample.add(buf, from, Math.min(to, from + SAMPLE_BYTES - sample.sampled));
    if (sample.sampled < SAMPLE_BYTES) return;
    this.install(planNeedles(this.source, sample));
    this.sample = null;
  }

  /** Starts a fresh sample when too many flags failed to verify over the last stretch of input. */
  private watch(bytes: number): void {
    this.scanned += bytes;
    if (this.scanned < CHECK_EVERY_BYTES) return;
    if (this.sample === null && this.wasted * 1024 > this.scanned * WASTED_FLAGS_PER_KIB) this.sample = new TrigramCounts();
    this.scanned = 0;
    this.wasted = 0;
  }

  /**
   * Candidate lines and line counts of buf[from, to). `from` must start a line; `to` must be
   * just past a newline or the end of the data, so lines never straddle it. With `firstOnly`,
   * stops at the first candidate (newline counts are then partial).
   */
  scan(buf: Buffer, from: number, to: number, firstOnly = false): RegionScan {
    const out: RegionScan = { starts: [], ends: [], lineIndex: [], newlines: 0 };
    this.learn(buf, from, to);
    this.watch(to - from);
    const k = this.ready();
    /** Absolute position up to which newlines are counted; slices start there. */
    let counted = from;
    // Bytes already in the kernel's memory (see chunk-prefilters.ts) are searched in place.
    const inPlace = offsetIn(k.slice, buf);
    while (counted < to) {
      /** The buf position of the kernel's slice position 0; the slice ends at sliceEnd. */
      let base: number;
      let sliceEnd: number;
      if (inPlace >= 0) {
        base = -inPlace;
        sliceEnd = to;
      } else {
        base = counted;
        sliceEnd = Math.min(to, base + SLICE_BYTES);
        // The pad gives the kernel the real bytes past the slice end where there are any.
        buf.copy(k.slice, 0, base, Math.min(to, sliceEnd + SLICE_PAD));
      }
      let q = counted - base;
      const len = sliceEnd - base;
      for (;;) {
        const f = q < len ? k.find(q, len) : -1;
        if (f < 0 || f >= len) {
          out.newlines += k.count(counted - base, len);
          counted = sliceEnd;
          break;
        }
        const at = this.verify(buf, base + f, from, to);
        if (at < 0) {
          this.wasted++;
          q = f + 1;
          continue;
        }
        const nlBefore = at === from ? -1 : buf.lastIndexOf(NL, at - 1);
        const start = Math.max(from, nlBefore + 1);
        // A line that began in an earlier slice has no newline between its start and `base`.
        if (start > counted) out.newlines += k.count(counted - base, start - base);
        const nlAfter = buf.indexOf(NL, at);
        const end = nlAfter < 0 || nlAfter >= to ? to : nlAfter;
        out.starts.push(start);
        out.ends.push(end);
        out.lineIndex.push(out.newlines);
        if (firstOnly) return out;
        if (end < to) out.newlines++;
        counted = end + 1;
        if (counted >= sliceEnd) break;
        q = counted - base;
      }
    }
    return out;
  }

  /**
   * Whether `buf` holds a needle anywhere: stitched lines, Kafka messages. Called once per
   * message, so it allocates nothing and skips the newline count that `scan` keeps.
   */
  has(buf: Buffer): boolean {
    // Neither sampled nor watched: the lines and messages checked one at a time are few and
    // mostly candidates, nothing to plan or judge a plan for the whole input by.
    const k = this.ready();
    const to = buf.length;
    for (let base = 0; base < to; base += SLICE_BYTES) {
      const len = Math.min(to, base + SLICE_BYTES) - base;
      buf.copy(k.slice, 0, base, Math.min(to, base + len + SLICE_PAD));
      for (let q = 0; q < len; ) {
        const f = k.find(q, len);
        if (f < 0 || f >= len) break;
        if (this.verify(buf, base + f, 0, to) >= 0) return true;
        q = f + 1;
      }
    }
    return false;
  }

  /** Start of a needle whose fingerprint starts at `p` and lies within [from, to), or -1. */
  private verify(buf: Buffer, p: number, from: number, to: number): number {
    for (const n of this.needles) {
      const s = p - n.window;
      if (s >= from && s + n.folded.length <= to && foldEquals(buf, s, n.folded)) return s;
    }
    return -1;
  }

  /**
   * The kernel memory `hasStaged` reads, SLICE_BYTES long. A caller that owns this Prefilter
   * (nobody else scans with it, since scan and has overwrite the area) copies data here once
   * and may keep it between calls: the bytes checked can then be copied on in bulk.
   */
  stagingArea(): Buffer {
    return this.kernel.slice.subarray(0, SLICE_BYTES);
  }

  /** Newlines in stagingArea()[from, to). */
  newlinesStaged(from: number, to: number): number {
    return this.kernel.count(from, to);
  }

  /**
   * Start of the first needle lying entirely within stagingArea()[from, to), or -1. Over many
   * values staged back to back, one kernel pass checks them all (a needle holds no newline, so
   * none spans two of them).
   */
  firstStaged(from: number, to: number): number {
    this.learn(this.kernel.slice, from, to);
    this.watch(to - from);
    const k = this.ready();
    for (let q = from; q < to; ) {
      const f = k.find(q, to);
      if (f < 0 || f >= to) return -1;
      const at = this.verify(k.slice, f, from, to);
      if (at >= 0) return at;
      this.wasted++;
      q = f + 1;
    }
    return -1;
  }

  /**
   * `has` for bytes already in the staging area: whether a needle lies entirely within
   * stagingArea()[from, to). Bytes after `to` are never matched, so the area may hold anything
   * there.
   */
  hasStaged(from: number, to: number): boolean {
    return this.firstStaged(from, to) >= 0;
  }
}

/**
 * Where `buf` starts within the first SLICE_BYTES of `slice`, when it lies entirely there (in the
 * same memory), else -1.
 */
const offsetIn = (slice: Buffer, buf: Buffer): number => {
  if (buf.buffer !== slice.buffer) return -1;
  const at = buf.byteOffset - slice.byteOffset;
  return at >= 0 && at + buf.length <= SLICE_BYTES ? at : -1;
};

const staticPlans = new WeakMap<readonly Uint8Array[], NeedlePlan>();

/** The plan from the needles alone, made once per list: every Prefilter of the list starts from it. */
const staticPlanFor = (needles: readonly Uint8Array[]): NeedlePlan => {
  let plan = staticPlans.get(needles);
  if (plan === undefined) staticPlans.set(needles, (plan = planNeedles(needles)));
  return plan;
};

const cache = new WeakMap<readonly Uint8Array[], Prefilter>();

/** The prefilter for a needle list, built once per list (a detector's needles are fixed). */
export const prefilterFor = (needles: readonly Uint8Array[]): Prefilter => {
  let p = cache.get(needles);
  if (p === undefined) {
    p = new Prefilter(needles);
    cache.set(needles, p);
  }
  return p;
};

/** Whether `line` (one line's bytes) holds any needle, in any ASCII case. */
export const hasNeedle = (line: Buffer, needles: readonly Uint8Array[]): boolean => prefilterFor(needles).has(line);

/**
 * Start offsets of the lines in buf[from, to) longer than `max` bytes (newline excluded).
 * `from` starts a line and buf[to - 1] is a newline. Jumps `max` bytes at a time: the last
 * newline within max bytes of a line start proves every line up to it short, so the cost is
 * a few calls per `max` bytes, not one per line.
 */
export const longLineStarts = (buf: Buffer, from: number, to: number, max: number): number[] => {
  const out: number[] = [];
  let s = from;
  while (to - 1 - s > max) {
    const x = buf.lastIndexOf(NL, s + max);
    if (x >= s) {
      s = x + 1;
      continue;
    }
    out.push(s);
    s = buf.indexOf(NL, s + max + 1) + 1;
  }
  return out;
};

/**
 * Whether a candidate line is binary rather than text: a NUL byte, or more than 1 in 8 bytes
 * being C0 controls other than tab/CR/ESC or DEL.
 */
export const looksBinary = (line: Buffer): boolean => {
  if (line.includes(0)) return true;
  let controls = 0;
  for (let i = 0; i < line.length; i++) {
    const b = line[i] as number;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x1b && b !== 0x0c) || b === 0x7f) controls++;
  }
  return controls * 8 > line.length;
};

/**
 * The cheap path for Kafka messages that need no parsing, which is nearly all of them. Each
 * message is copied once, into a kernel memory set aside for this, back to back with the ones
 * before it and a newline after each, exactly as the stream's lookback window stores them. The
 * needle check reads it there, and the window receives the staged bytes in one copy when it is
 * about to be read (a message needs parsing), when another stream stages, or when the memory
 * is full. The per-message path copied each message three times instead (into the window, a
 * newline after it, into the kernel for the check) and walked it line by line.
 *
 * One staging serves every record stream of a detector, one stream at a time: the pipeline
 * hands over a partition's messages a batch at a time, so the owner changes once per batch.
 * One memory instead of one per stream also keeps the kernel's call sites monomorphic, which
 * is worth more than the copies saved.
 */
import type { LookbackWindow } from './lookback-window.js';
import { perNeedleLists } from './needle-lists-cache.js';
import { NeedleSets } from './needle-sets.js';

const NL = 0x0a;
/**
 * Bytes copied in before one check. A value that needs parsing makes the values copied after it
 * be copied again later, so a round stays small; 32 KiB still makes one kernel call per ~150
 * messages of a log line's size.
 */
const ROUND_BYTES = 32 * 1024;

export class RecordStaging {
  /** Its own kernel memory, where messages are staged: the scanners' searches overwrite theirs on every call. */
  private readonly needles: NeedleSets;
  private readonly area: Buffer;
  /** The window the staged bytes belong to. */
  private owner: LookbackWindow | null = null;
  /** Bytes staged and not yet in the owner's window. */
  private used = 0;

  /** `needles`: all of them; `detectionNeedles`: those of lines that may carry a detection. */
  constructor(needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]) {
    this.needles = new NeedleSets(needles, detectionNeedles);
    this.area = this.needles.area;
  }

  /**
   * Stages `value`, bound for `window`, when it needs no parsing, and returns its line count,
   * counted as `record` counts them (a last line without a newline counts; an empty value has
   * none). It needs none when it holds no needle, or, while no evidence is wanted, no
   * detection needle: the scanner would drop its evidence-only lines undecoded. Returns -1,
   * staging nothing, when it needs parsing or is too large to stage: the caller then flushes
   * its window and takes the full path. `wants.evidenceWanted` is asked only about flagged
   * values: the daemon's answer reads the clock.
   */
  add(window: LookbackWindow, value: Buffer, wants: { evidenceWanted(): boolean }): number {
    const len = value.length;
    // Room for the newline; a value that can never fit does not flush anything.
    if (len >= this.area.length) return -1;
    if (window !== this.owner || this.used + len + 1 > this.area.length) {
      this.flushStaged();
      this.owner = window;
    }
    const at = this.used;
    this.area.set(value, at);
    if (this.needles.all.hasStaged(at, at + len) && (wants.evidenceWanted() || this.needles.detectionOnly.hasStaged(at, at + len))) return -1;
    this.used = at + len;
    const newlines = countNewlines(value);
    if (len === 0 || value[len - 1] === NL) return newlines;
    this.area[this.used++] = NL;
    return newlines + 1;
  }

  /**
   * `add` over values[from], values[from + 1], … bound for `window`, with one kernel pass per
   * round of staged values (ROUND_BYTES) instead of one call per value; whether evidence is
   * wanted is asked once per round. Stops at the first value that needs parsing or is longer
   * than `maxStaged` bytes, staging nothing from it on, and returns its index (values.length
   * when every value was staged). The lines and bytes of the staged values are added to
   * `counts`, as `add` counts them.
   */
  addRun(
    window: LookbackWindow,
    values: readonly Buffer[],
    from: number,
    maxStaged: number,
    wants: { evidenceWanted(): boolean },
    counts: { lines: number; bytes: number },
  ): number {
    if (window !== this.owner) {
      this.flushStaged();
      this.owner = window;
    }
    const area = this.area;
    const limit = Math.min(maxStaged, area.length - 1);
    let i = from;
    while (i < values.length) {
      // Copy values while they fit, each followed by a newline unless it ends with one.
      const runFrom = this.used;
      let used = runFrom;
      let bytes = 0;
      let j = i;
      for (; j < values.length; j++) {
        const v = values[j] as Buffer;
        const n = v.length;
        if (n > limit || used + n + 1 > area.length || used - runFrom >= ROUND_BYTES) break;
        area.set(v, used);
        used += n;
        bytes += n;
        if (n > 0 && v[n - 1] !== NL) area[used++] = NL;
      }
      const needles = this.needles.searching(wants.evidenceWanted());
      const at = used > runFrom ? needles.firstStaged(runFrom, used) : -1;
      // The value the first needle lies in, if any: it and the ones after it are unstaged.
      let stop = j;
      let keep = used;
      if (at >= 0) {
        bytes = 0;
        for (let k = i, start = runFrom; k < j; k++) {
          const v = values[k] as Buffer;
          const end = start + v.length + (v.length > 0 && v[v.length - 1] !== NL ? 1 : 0);
          if (at < end) {
            stop = k;
            keep = start;
            break;
          }
          bytes += v.length;
          start = end;
        }
      }
      counts.lines += needles.newlinesStaged(runFrom, keep);
      counts.bytes += bytes;
      this.used = keep;
      if (stop < j || j === values.length) return stop;
      const next = values[j] as Buffer;
      if (next.length > limit) return j;
      // A full area goes into the window; after a round that only reached its size, on.
      if (this.used + next.length + 1 > area.length) this.flushStaged();
      i = j;
    }
    return i;
  }

/** Moves what is staged for `window` into it, which then holds every message recorded so far. */
  flush(window: LookbackWindow): void {
    if (window === this.owner) this.flushStaged();
  }

  private flushStaged(): void {
    if (this.used > 0) this.owner?.append(this.area.subarray(0, this.used));
    this.used = 0;
  }
}

/** memchr-fast, and most log messages hold no newline at all: one call. */
function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(NL); at >= 0; at = buf.indexOf(NL, at + 1)) n++;
  return n;
}

/** The staging of a detector's needle lists, made once (a detector's needles are fixed). */
export const recordStagingFor = perNeedleLists((needles, detectionNeedles) => new RecordStaging(needles, detectionNeedles));

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
import { Prefilter, prefilterFor } from './prefilter.js';

const NL = 0x0a;

export class RecordStaging {
  /** Its own kernel memory: the shared prefilters' scan and has overwrite theirs on every call. */
  private readonly all: Prefilter;
  private readonly area: Buffer;
  /** The detection needles' shared prefilter, for the messages `all` flags. */
  private readonly detection: Prefilter;
  /** The window the staged bytes belong to. */
  private owner: LookbackWindow | null = null;
  /** Bytes staged and not yet in the owner's window. */
  private used = 0;

  /** `needles`: all of them; `detectionNeedles`: those of lines that may carry a detection. */
  constructor(needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]) {
    this.all = new Prefilter(needles);
    this.area = this.all.stagingArea();
    this.detection = prefilterFor(detectionNeedles);
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
    if (this.all.hasStaged(at, at + len) && (wants.evidenceWanted() || this.detection.has(value))) return -1;
    this.used = at + len;
    const newlines = countNewlines(value);
    if (len === 0 || value[len - 1] === NL) return newlines;
    this.area[this.used++] = NL;
    return newlines + 1;
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

const shared = new WeakMap<readonly Uint8Array[], WeakMap<readonly Uint8Array[], RecordStaging>>();

/** The staging of a detector's needle lists, made once (a detector's needles are fixed). */
export const recordStagingFor = (needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]): RecordStaging => {
  let byDetection = shared.get(needles);
  if (byDetection === undefined) shared.set(needles, (byDetection = new WeakMap()));
  let s = byDetection.get(detectionNeedles);
  if (s === undefined) byDetection.set(detectionNeedles, (s = new RecordStaging(needles, detectionNeedles)));
  return s;
};

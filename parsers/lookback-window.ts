/**
 * The most recent raw bytes of one stream, kept in one fixed circular buffer so memory stays at
 * `capacity` bytes however long the stream runs. Addressed by stream offset. Only searched when a
 * rejection needs its context (MTA queue-id correlation, record continuation), so the bytes are
 * never decoded otherwise.
 */
export class LookbackWindow {
  private readonly ring: Buffer;
  /** Stream offset just past the newest byte. */
  private endOffset: number;
  /** Stream offset of the oldest byte still held. */
  private startOffset: number;

  /** `capacity`: bytes kept (opts.lookbackBytes; 0 disables); `offset`: where the stream starts. */
  constructor(
    readonly capacity: number,
    offset: number,
  ) {
    this.ring = Buffer.allocUnsafe(Math.max(0, capacity));
    this.endOffset = offset;
    this.startOffset = offset;
  }

  get start(): number {
    return this.startOffset;
  }

  get end(): number {
    return this.endOffset;
  }

  /** Appends bytes that follow the previous ones. Copies: the caller may reuse `chunk`. */
  append(chunk: Buffer): void {
    const cap = this.capacity;
    if (cap === 0) {
      this.endOffset += chunk.length;
      this.startOffset = this.endOffset;
      return;
    }
    const src = chunk.length > cap ? chunk.subarray(chunk.length - cap) : chunk;
    let pos = (this.endOffset + (chunk.length - src.length)) % cap;
    let done = 0;
    while (done < src.length) {
      const n = Math.min(src.length - done, cap - pos);
      src.copy(this.ring, pos, done, done + n);
      done += n;
      pos = (pos + n) % cap;
    }
    this.endOffset += chunk.length;
    this.startOffset = Math.max(this.startOffset, this.endOffset - cap);
  }

  /** Copies the held bytes of [from, to) (clamped to what is held) into a new Buffer. */
  slice(from: number, to: number): Buffer {
    const a = Math.max(from, this.startOffset);
    const b = Math.min(to, this.endOffset);
    if (b <= a) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(b - a);
    let done = 0;
    while (done < out.length) {
      const pos = (a + done) % this.capacity;
      const n = Math.min(out.length - done, this.capacity - pos);
      this.ring.copy(out, done, pos, pos + n);
      done += n;
    }
    return out;
  }

  /**
   * The stream offset of the last occurrence of `needle` that ends at or before `before` and
   * starts at or after `after`, or -1. Searches the two physical halves of the ring and the seam.
   */
  lastIndexOf(needle: Buffer, before: number, after = 0): number {
    const lo = Math.max(this.startOffset, after);
    const hi = Math.min(before, this.endOffset);
    if (hi - lo < needle.length || needle.length === 0) return -1;
    const cap = this.capacity;
    // Walk back over the held range in at most two physical runs, newest first.
    let runEnd = hi;
    while (runEnd - lo >= needle.length) {
      const physEnd = ((runEnd - 1) % cap) + 1;
      const runStart = Math.max(lo, runEnd - physEnd);
      const phys = this.ring.subarray(physEnd - (runEnd - runStart), physEnd);
      const at = phys.lastIndexOf(needle, phys.length - needle.length);
      if (at >= 0) return runStart + at;
      if (runStart === lo) return -1;
      // The seam: a match that starts in the older run and ends in the newer one.
      const seam = this.slice(Math.max(lo, runStart - needle.length + 1), Math.min(runEnd, runStart + needle.length - 1));
      const s = seam.lastIndexOf(needle);
      if (s >= 0) return Math.max(lo, runStart - needle.length + 1) + s;
      runEnd = runStart;
    }
    return -1;
  }

  /** The held line around stream offset `at`, up to `maxBytes` each side, without its newline. */
  lineAt(at: number, maxBytes: number): { start: number; bytes: Buffer } | null {
    const around = this.slice(at - maxBytes, at + maxBytes);
    const base = Math.max(at - maxBytes, this.startOffset);
    const rel = at - base;
    if (rel < 0 || rel > around.length) return null;
    const nlBefore = rel === 0 ? -1 : around.lastIndexOf(0x0a, rel - 1);
    const nlAfter = around.indexOf(0x0a, rel);
    const s = nlBefore + 1;
    const e = nlAfter < 0 ? around.length : nlAfter;
    return { start: base + s, bytes: around.subarray(s, e) };
  }
}

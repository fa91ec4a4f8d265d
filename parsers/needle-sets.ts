import { Prefilter } from './prefilter.js';
import { Kernel } from './simd/kernel.js';

/**
 * All needles and the detection needles over one kernel memory, so that either searches bytes
 * placed there where they lie (each loads its 96 bytes of tables before it searches). While
 * recovery evidence is wanted every needle counts. Otherwise a line holding only an evidence
 * needle would be dropped undecoded anyway, and searching for them stopped the search at every
 * `status=sent` (one Postfix line in twelve) for nothing.
 */
export class NeedleSets {
  readonly all: Prefilter;
  readonly detectionOnly: Prefilter;
  /** The kernel memory both search, SLICE_BYTES long. */
  readonly area: Buffer;

  /** `needles`: all of them; `detectionNeedles`: those of lines that may carry a detection. */
  constructor(needles: readonly Uint8Array[], detectionNeedles: readonly Uint8Array[]) {
    const kernel = new Kernel();
    this.all = new Prefilter(needles, kernel);
    this.detectionOnly = new Prefilter(detectionNeedles, kernel);
    this.area = this.all.stagingArea();
  }

  /** The set a search needs: every needle while evidence is wanted, else the detection needles. */
  searching(evidenceWanted: boolean): Prefilter {
    return evidenceWanted ? this.all : this.detectionOnly;
  }
}

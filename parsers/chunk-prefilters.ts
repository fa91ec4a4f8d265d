/**
 * The prefilters a scanner's push() searches chunks with: all needles and the detection needles
 * over one kernel memory, whose data area doubles as a read buffer. A chunk read straight into
 * readArea and pushed right away is searched where it lies instead of being copied into the
 * kernel first: with both cores scanning (`scan --threads 2`), that copy cost about a sixth of
 * the wall time over a GiB, as the reads, copies and searches share one memory bus.
 *
 * Only push() searches with these, and only with `scan`: anything else (`has` on a line) would
 * overwrite a chunk still being read. A thread's scanners share them, one push at a time.
 */
import { perNeedleLists } from './needle-lists-cache.js';
import { Prefilter } from './prefilter.js';
import { Kernel, SLICE_BYTES } from './simd/kernel.js';

export interface ChunkPrefilters {
  readonly all: Prefilter;
  readonly detectionOnly: Prefilter;
  /** SLICE_BYTES of kernel memory: valid until the next push of any scanner of the thread. */
  readonly readArea: Buffer;
}

export const chunkPrefiltersFor = perNeedleLists((needles, detectionNeedles): ChunkPrefilters => {
  const kernel = new Kernel();
  const all = new Prefilter(needles, kernel);
  return { all, detectionOnly: new Prefilter(detectionNeedles, kernel), readArea: kernel.slice.subarray(0, SLICE_BYTES) };
});

/**
 * The needle sets a scanner's push() searches chunks with. Their kernel memory (`area`) doubles
 * as a read buffer: a chunk read straight into it and pushed right away is searched where it
 * lies instead of being copied into the kernel first. With both cores scanning
 * (`scan --threads 2`), that copy cost about 7 % of the wall time over a GiB, as the reads,
 * copies and searches share one memory bus.
 *
 * Only push() searches with these, and only with `scan`: anything else (`has` on a line) would
 * overwrite a chunk still being read. A thread's scanners share them, one push at a time, so
 * `area` is valid until the next push of any scanner of the thread.
 */
import { NeedleSets } from './needle-sets.js';
import { perNeedleLists } from './needle-lists-cache.js';

export const chunkPrefiltersFor = perNeedleLists((needles, detectionNeedles) => new NeedleSets(needles, detectionNeedles));

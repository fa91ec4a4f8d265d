import type { CorrelationLookup, RangeScannable } from '../../parsers/index.js';
import { CorrelationCache, type CacheEntries } from './correlation-cache.js';

/**
 * A range scanner's MTA lookups, answered by a CorrelationCache attached as the scanner's
 * memory and recorded from the range start on. A kept submitter answers without a search; an
 * id not kept is searched for in the window and a submitter found is kept. The answers then
 * follow the same rules as a scan from the start of the file, and the main thread can replay
 * them (file-assembly.ts).
 */
export class LookupRecorder {
  /** Queue ids the scanner's memory keeps, as in a scan from the start of the file. */
  readonly capacity: number;
  private recording = false;
  private lookups: CorrelationLookup[] = [];
  private readonly observe = (lookup: CorrelationLookup): void => {
    if (this.recording) this.lookups.push(lookup);
  };

  constructor(private readonly scanner: RangeScannable) {
    this.capacity = scanner.correlationCapacity;
    scanner.attachCorrelation(new CorrelationCache(this.capacity), this.observe);
  }

  /**
   * Called at the range start: from here lookups are recorded, and with `seed` (what a scan
   * from the start of the file keeps there) the answers become exactly that scan's.
   */
  begin(seed?: CacheEntries): void {
    this.recording = true;
    if (seed !== undefined) this.scanner.attachCorrelation(new CorrelationCache(this.capacity, seed), this.observe);
  }

  /** The lookups recorded since the last call. */
  drain(): CorrelationLookup[] {
    const out = this.lookups;
    this.lookups = [];
    return out;
  }
}

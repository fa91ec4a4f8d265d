import type { StreamScanner } from '../contracts.js';
import { CorrelationCache, type CacheEntries, type Lookup } from './correlation-cache.js';
import { correlatorOf } from './scanner-probe.js';

/** A range scanner's MTA lookups, answered through a CorrelationCache and recorded. */
export interface CorrelationHook {
  readonly capacity: number;
  /**
   * Called at the range start: from here lookups are recorded, and with `seed` (what a scan
   * from the start of the file keeps there) the answers become exactly that scan's.
   */
  begin(seed?: CacheEntries): void;
  /** The lookups recorded since the last call. */
  drain(): Lookup[];
}

/**
 * Puts a CorrelationCache in front of the scanner's correlator: a kept submitter answers from
 * it; otherwise the correlator searches the window (its own cache is emptied after every
 * lookup, so it always searches). The answers then follow the same rules as a scan from the
 * start of the file, and the main thread can replay them. Null when the scanner has no
 * correlator the probe recognises.
 */
export function hookCorrelation(scanner: StreamScanner): CorrelationHook | null {
  const access = correlatorOf(scanner);
  if (access === null) return null;
  const { target, ownCache, capacity } = access;
  const search = target.submitter.bind(target);
  let cache = new CorrelationCache(capacity);
  let recording = false;
  let lookups: Lookup[] = [];
  target.submitter = (ref: unknown, before: number): unknown => {
    const key = JSON.stringify(ref);
    const kept = cache.get(key);
    if (kept !== undefined) {
      if (recording) lookups.push({ key, at: before, found: kept, fresh: false });
      return kept;
    }
    const found = search(ref, before);
    ownCache.clear();
    if (found !== null && found !== undefined) cache.remember(key, found);
    if (recording) lookups.push({ key, at: before, found, fresh: true });
    return found;
  };
  return {
    capacity,
    begin(seed) {
      recording = true;
      if (seed !== undefined) cache = new CorrelationCache(capacity, seed);
    },
    drain() {
      const out = lookups;
      lookups = [];
      return out;
    },
  };
}

import { BoundedSubmitterMemory, type CorrelationLookup, type Submitter } from '../../parsers/index.js';

/*
 * The MTA correlator's memory as a scan from the start of a file builds it (see
 * parsers/mta-correlation.ts): a submitter once found is kept per queue id and answers every
 * later lookup of that id, even after its lines left the lookback window; at `capacity` ids
 * the oldest kept goes first. Lookups that find nothing keep nothing that changes an answer.
 *
 * A range scanned apart from the bytes before it cannot know what was kept at its start, so a
 * worker records its range's lookups and the main thread replays them here, in file order: a
 * lookup answered differently than a scan from the start would have answered it makes the
 * range scan again, given the kept submitters (`entries`) as its starting point.
 */

export type CacheEntries = ReadonlyArray<readonly [string, Submitter]>;

/**
 * The correlator's own memory (same capacity, same eviction), plus the replay of a range's
 * lookups. Attached to a range's scanner, it is that scanner's memory.
 */
export class CorrelationCache extends BoundedSubmitterMemory {
  /**
   * Applies a lookup a range recorded, as a scan from the start would have made it. False when
   * that scan would have answered differently; the cache is then no longer meaningful.
   */
  replay(lookup: CorrelationLookup): boolean {
    const kept = this.get(lookup.key);
    if (kept !== undefined) return sameSubmitter(kept, lookup.found);
    // Not kept: a scan from the start searches the same window bytes, which is what a fresh
    // lookup did; a kept answer of the worker's own may not be what that search finds now.
    if (!lookup.fresh) return false;
    if (lookup.found !== null) this.remember(lookup.key, lookup.found);
    return true;
  }

  clone(): CorrelationCache {
    return new CorrelationCache(this.capacity, this.entries());
  }
}

/** Submitters are small plain records; two are the same when every field is. */
export function sameSubmitter(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

const canonical = (v: unknown): string =>
  v !== null && typeof v === 'object' ? JSON.stringify(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : JSON.stringify(v ?? null);

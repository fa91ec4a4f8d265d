/**
 * Keeps a retrying client from flooding the log: during a broker outage kafkajs reports every
 * failed connection attempt, several per second. The first line of a kind passes; repeats within
 * the window are counted and the count rides on the next line that passes.
 */
import type { Clock } from '../../contracts.js';

/** Distinct kinds remembered; past this the memory is reset rather than grown. */
const MAX_KINDS = 1_000;

export type Throttle = (kind: string) => { readonly pass: boolean; readonly suppressed: number };

/** `windowMs`: quiet period per kind after a line passes. Milliseconds. */
export function createThrottle(windowMs: number, clock: Clock = Date.now): Throttle {
  const kinds = new Map<string, { until: number; suppressed: number }>();
  return (kind) => {
    const now = clock();
    const seen = kinds.get(kind);
    if (seen && now < seen.until) {
      seen.suppressed += 1;
      return { pass: false, suppressed: seen.suppressed };
    }
    if (kinds.size >= MAX_KINDS) kinds.clear();
    kinds.set(kind, { until: now + windowMs, suppressed: 0 });
    return { pass: true, suppressed: seen?.suppressed ?? 0 };
  };
}

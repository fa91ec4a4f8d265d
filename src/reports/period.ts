import { parseDuration } from '../../alerts/duration.js';
import { zone } from './time-zone.js';

/** ISO-8601 with an explicit offset (`Z`, `+02:00`). */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** A local date or date-time, read in the report's zone. */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A point in time from the command line: a duration meaning "that long before now" (`7d`,
 * `36h`, `1w`), an ISO-8601 time with an offset, or a local date/date-time (`2025-03-01`,
 * `2025-03-01T08:00`) taken in `timeZone`. Returns undefined when it is none of these.
 */
export function parseInstant(text: string, now: number, timeZone: string): number | undefined {
  const s = text.trim();
  const ms = parseDuration(s);
  if (ms !== undefined) return now - ms;
  if (WITH_OFFSET.test(s)) {
    const t = Date.parse(s);
    return Number.isFinite(t) ? t : undefined;
  }
  const m = LOCAL.exec(s);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
  // Date.UTC rolls 2025-02-30 over to March; refuse it instead.
  if (new Date(wall).getUTCDate() !== d || new Date(wall).getUTCMonth() !== mo - 1) return undefined;
  return zone(timeZone).instant(wall);
}

export interface Period {
  /** Start (inclusive) and end (exclusive). Epoch ms. */
  readonly since: number;
  readonly until: number;
}

/** The expected forms, for error messages. */
export const INSTANT_FORMS = 'a duration ago such as 7d or 36h, an ISO-8601 time such as 2025-03-01T08:00:00Z, or a local date such as 2025-03-01';

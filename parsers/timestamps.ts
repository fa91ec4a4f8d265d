/**
 * Timestamps as log lines carry them, turned into ISO-8601 (UTC). A time without a zone is read
 * as UTC: log files rarely say their zone and the reader's zone is no better a guess.
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/** A BSD syslog stamp more than this far ahead of the clock is taken as last year's. Ms; 2 days. */
const FUTURE_SLACK_MS = 2 * 24 * 3600 * 1000;

const toIso = (ms: number): string | null => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : null);

const pad = (n: string, width: number): string => n.padEnd(width, '0').slice(0, width);

/** `YYYY-MM-DD[T ]hh:mm:ss[.,frac][Z|±hh[:]mm]` at the start of `text`. */
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ?(Z|[+-]\d{2}:?\d{2}))?/;

export const parseIsoPrefix = (text: string): { iso: string; length: number } | null => {
  const m = ISO_RE.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Number(pad(frac ?? '0', 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const iso = toIso(t);
  return iso === null ? null : { iso, length: m[0].length };
};

/** BSD syslog `Mmm dd hh:mm:ss` (day space-padded); the year comes from the clock. */
const BSD_RE = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;

export const parseBsdPrefix = (text: string, nowMs: number): { iso: string; length: number } | null => {
  const m = BSD_RE.exec(text);
  if (m === null) return null;
  const month = MONTHS[(m[1] ?? '').toLowerCase()];
  if (month === undefined) return null;
  const year = new Date(nowMs).getUTCFullYear();
  const at = (yr: number): number =>
    Date.UTC(yr, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(pad(m[6] ?? '0', 3)));
  let t = at(year);
  if (t - nowMs > FUTURE_SLACK_MS) t = at(year - 1);
  const iso = toIso(t);
  return iso === null ? null : { iso, length: m[0].length };
};

/** A JSON time value: epoch seconds or milliseconds (or nanoseconds, as OTel writes), or a string. */
export const parseTimeValue = (value: unknown): string | null => {
  if (typeof value === 'number') {
    if (value > 1e17) return toIso(value / 1e6); // nanoseconds
    if (value > 1e14) return toIso(value / 1e3); // microseconds
    if (value > 1e11) return toIso(value); // milliseconds
    return toIso(value * 1000); // seconds
  }
  if (typeof value === 'string') {
    if (/^\d{10,19}(?:\.\d{1,9})?$/.test(value)) return parseTimeValue(Number(value));
    const iso = parseIsoPrefix(value);
    if (iso !== null) return iso.iso;
  }
  return null;
};

/**
 * A timestamp at the start of a free-text line (after an optional `[`): ISO/RFC3339, Exim and
 * Python logging (`2024-03-04 10:00:01,123`), or BSD syslog.
 */
export const parseLeadingTimestamp = (text: string, nowMs: number): string | null => {
  const s = text.startsWith('[') ? text.slice(1) : text;
  return parseIsoPrefix(s)?.iso ?? parseBsdPrefix(s, nowMs)?.iso ?? null;
};

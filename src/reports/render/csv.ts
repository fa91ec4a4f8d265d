import type { Report } from '../model.js';
import { csvField } from './escape.js';

export const CSV_COLUMNS = [
  'service',
  'status',
  'migration',
  'kinds',
  'count',
  'previous',
  'change',
  'change_percent',
  'first_seen',
  'last_seen',
  'top_hosts',
  'guides',
  'period_start',
  'period_end',
] as const;

/**
 * One row per service (RFC 4180, CRLF line ends, header first). Lists inside a cell are
 * `;`-separated; times are ISO-8601 UTC; `change_percent` is empty when the previous period
 * had none. An empty period gives the header alone.
 */
export function renderCsv(r: Report): string {
  const iso = (t: number): string => new Date(t).toISOString();
  const rows: Array<ReadonlyArray<string | number>> = [CSV_COLUMNS];
  for (const s of r.services) {
    rows.push([
      s.service,
      s.status,
      s.migration,
      s.kinds
        .filter((k) => k.count > 0 || s.count === 0)
        .map((k) => `${k.kind}=${k.count}`)
        .join(';'),
      s.count,
      s.previous,
      s.change.absolute,
      s.change.percent === null ? '' : s.change.percent,
      iso(s.firstSeen),
      iso(s.lastSeen),
      s.topHosts.map((h) => `${h.host}=${h.count}`).join(';'),
      s.guides.map((g) => g.command).join(';'),
      iso(r.period.since),
      iso(r.period.until),
    ]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

import { MIGRATION_STATUSES, MIGRATION_TEXT } from '../../store/service-status.js';
import type { Change, Report, ServiceReport, ServiceStatus } from '../model.js';

export { MIGRATION_TEXT } from '../../store/service-status.js';

/** `Migration: 2 rejected · 1 still using Basic auth (not yet rejected) · 3 clean`. */
export const migrationText = (r: Report): string => `Migration: ${MIGRATION_STATUSES.map((m) => `${r.totals.migration[m]} ${MIGRATION_TEXT[m]}`).join(' · ')}`;
import { zone } from '../time-zone.js';

/** Words for statuses, as every renderer shows them. */
export const STATUS_TEXT: Readonly<Record<ServiceStatus, string>> = {
  new: 'new',
  ongoing: 'ongoing',
  recovered: 'recovered',
  acknowledged: 'acknowledged',
  muted: 'muted',
};

/** `+3 (+50%)`, `-2 (-40%)`, `+5 (from 0)`, `0`. */
export function changeText(c: Change): string {
  if (c.absolute === 0 && (c.percent === null || c.percent === 0)) return '0';
  const abs = `${c.absolute > 0 ? '+' : ''}${c.absolute}`;
  if (c.percent === null) return `${abs} (from 0)`;
  return `${abs} (${c.percent > 0 ? '+' : ''}${c.percent}%)`;
}

/** A time in the report's zone: `2025-03-30 08:00`. */
export const timeText = (r: Report, t: number): string => zone(r.period.timeZone).formatMinute(t);

/** `2025-03-23 08:00 – 2025-03-30 08:00 Europe/Berlin` */
export function periodText(r: Report): string {
  return `${timeText(r, r.period.since)} – ${timeText(r, r.period.until)} ${r.period.timeZone}`;
}

/** `1 service`, `3 services`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One sentence summing the report up; the empty period says so plainly. */
export function headline(r: Report): string {
  if (r.totals.count === 0) {
    const rec = r.recoveredServices.length;
    return `No rejections in this period${rec > 0 ? `; ${plural(rec, 'service')} recovered` : ''}.`;
  }
  const parts = [`${plural(r.totals.count, 'rejection')} from ${plural(r.totals.failing, 'service')}`];
  if (r.newServices.length > 0) parts.push(`${r.newServices.length} new`);
  if (r.recoveredServices.length > 0) parts.push(`${r.recoveredServices.length} recovered`);
  return `${parts.join('; ')}.`;
}

/** Title of the report, for headers and subjects (no log-derived text in it). */
export function title(r: Report): string {
  const name = r.schedule === null ? 'authwatch report' : `authwatch report "${r.schedule}"`;
  return `${name}: ${zone(r.period.timeZone).formatDate(r.period.since)} to ${zone(r.period.timeZone).formatDate(r.period.until)}`;
}

export const kindsText = (s: ServiceReport): string =>
  s.kinds
    .filter((k) => k.count > 0 || s.count === 0)
    .map((k) => k.kind)
    .join(', ');

export const hostsText = (s: ServiceReport): string => s.topHosts.map((h) => `${h.host} (${h.count})`).join(', ');

/** Chart lines: the top `max` services, the rest summed as `other services`. */
export function chartLines(r: Report, max = 8): Array<{ readonly name: string; readonly counts: readonly number[]; readonly other: boolean }> {
  const lines = r.series.services.slice(0, max).map((s) => ({ name: s.service, counts: s.counts, other: false }));
  const rest = r.series.services.slice(max);
  if (rest.length > 0) {
    const counts = r.series.buckets.map((_, i) => rest.reduce((a, s) => a + (s.counts[i] ?? 0), 0));
    lines.push({ name: `${rest.length} other services`, counts, other: true });
  }
  return lines;
}

import type { Change, GuideRef, KindCount, MigrationStatus, Report, ServiceStatus } from '../model.js';
import { headline } from './format.js';

/** The report for machines: the model with times as ISO-8601 UTC strings. */
export interface ReportJson {
  readonly version: number;
  readonly schedule: string | null;
  readonly headline: string;
  readonly period: { readonly since: string; readonly until: string; readonly previousSince: string; readonly timeZone: string };
  readonly generatedAt: string;
  /** The same as the model's: counts only, nothing to convert. */
  readonly totals: Report['totals'];
  readonly services: ReadonlyArray<{
    readonly service: string;
    readonly status: ServiceStatus;
    /** `rejected`, `basic-auth` (still using Basic auth, not yet rejected) or `clean`. */
    readonly migration: MigrationStatus;
    readonly kinds: readonly KindCount[];
    readonly count: number;
    readonly previous: number;
    readonly change: Change;
    readonly firstSeen: string;
    readonly lastSeen: string;
    readonly topHosts: ReadonlyArray<{ readonly host: string; readonly count: number }>;
    readonly guides: readonly GuideRef[];
  }>;
  readonly newServices: readonly string[];
  readonly recoveredServices: readonly string[];
  readonly series: {
    readonly granularity: string;
    readonly buckets: ReadonlyArray<{ readonly start: string; readonly end: string; readonly label: string }>;
    readonly services: ReadonlyArray<{ readonly service: string; readonly counts: readonly number[] }>;
  };
  readonly guides: readonly GuideRef[];
}

const iso = (t: number): string => new Date(t).toISOString();

export function toReportJson(r: Report): ReportJson {
  return {
    version: r.version,
    schedule: r.schedule,
    headline: headline(r),
    period: { since: iso(r.period.since), until: iso(r.period.until), previousSince: iso(r.period.previousSince), timeZone: r.period.timeZone },
    generatedAt: iso(r.generatedAt),
    totals: r.totals,
    services: r.services.map((s) => ({
      service: s.service,
      status: s.status,
      migration: s.migration,
      kinds: s.kinds,
      count: s.count,
      previous: s.previous,
      change: s.change,
      firstSeen: iso(s.firstSeen),
      lastSeen: iso(s.lastSeen),
      topHosts: s.topHosts,
      guides: s.guides,
    })),
    newServices: r.newServices,
    recoveredServices: r.recoveredServices,
    series: { granularity: r.series.granularity, buckets: r.series.buckets.map((b) => ({ start: iso(b.start), end: iso(b.end), label: b.label })), services: r.series.services },
    guides: r.guides,
  };
}

export const renderJson = (r: Report): string => `${JSON.stringify(toReportJson(r), null, 2)}\n`;

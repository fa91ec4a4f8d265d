import { KINDS, type Kind } from '../contracts.js';
import type { Db } from '../store/db.js';
import { periodKindCounts, slotCounts, topHostsInPeriod, type PeriodKindCount } from '../store/reports-store.js';
import { MIGRATION_STATUSES, migrationStatus, type MigrationStatus } from '../store/service-status.js';
import { guideRef } from './guide-ref.js';
import { REPORT_VERSION, type Change, type GuideRef, type KindCount, type KindTotal, type Lifecycle, type Report, type ServiceReport, type ServiceStatus } from './model.js';
import { buckets, compareText, foldSeries, granularityFor, slotSizeFor } from './series.js';
import { silenceOf, type SilenceProvider } from './silences.js';
import { zone } from './time-zone.js';

export interface BuildOptions {
  /** Period start (inclusive) and end (exclusive). Epoch ms. */
  readonly since: number;
  readonly until: number;
  /** IANA zone for dates and series buckets. Default `UTC`. */
  readonly timeZone?: string;
  /** When the report is made; silences are read at this time. Epoch ms; default Date.now(). */
  readonly now?: number;
  readonly silences?: SilenceProvider;
  /** Hosts listed per service. Default 3. */
  readonly topHosts?: number;
  /** The schedule's name, or absent for an on-demand report. */
  readonly schedule?: string;
}

const isKind = (k: string): k is Kind => (KINDS as readonly string[]).includes(k);

/** Change against the previous period; percent with one decimal, null from zero. */
export function change(count: number, previous: number): Change {
  return { absolute: count - previous, percent: previous === 0 ? null : Math.round(((count - previous) / previous) * 1000) / 10 };
}

/**
 * Builds the report for [since, until) from the store: aggregates over the period and the
 * previous period of equal length, statuses, top hosts and the chart series.
 */
export function buildReport(db: Db, opts: BuildOptions): Report {
  const { since, until } = opts;
  if (!(Number.isFinite(since) && Number.isFinite(until) && since < until)) {
    throw new RangeError(`The report period [${since}, ${until}) is empty or not a pair of times; the start must come before the end.`);
  }
  const timeZone = opts.timeZone ?? 'UTC';
  const z = zone(timeZone);
  const now = opts.now ?? Date.now();
  const previousSince = since - (until - since);
  const silences = opts.silences?.(now) ?? [];
  const hostLimit = opts.topHosts ?? 3;

  const rows = periodKindCounts(db, { previousSince, since, until }).filter((r) => isKind(r.kind));
  const byService = new Map<string, PeriodKindCount[]>();
  for (const r of rows) byService.set(r.service, [...(byService.get(r.service) ?? []), r]);

  const services: ServiceReport[] = [];
  for (const [service, kindRows] of byService) {
    const kinds: KindCount[] = kindRows.map((r) => ({ kind: r.kind as Kind, provider: r.provider, count: r.count, previous: r.previous }));
    const count = sum(kinds.map((k) => k.count));
    const previous = sum(kinds.map((k) => k.previous));
    const firstSeen = Math.min(...kindRows.map((r) => r.firstAt));
    const lastSeen = Math.max(...kindRows.map((r) => r.lastAt));
    const failing = kinds.filter((k) => k.count > 0);
    const lifecycle: Lifecycle = count === 0 ? 'recovered' : firstSeen >= since ? 'new' : 'ongoing';
    const silence = count === 0 ? null : silenceOf(service, failing.map((k) => k.kind), silences);
    const status: ServiceStatus = lifecycle === 'recovered' ? 'recovered' : silence === 'mute' ? 'muted' : silence === 'ack' ? 'acknowledged' : lifecycle;
    services.push({
      service,
      status,
      lifecycle,
      silence,
      migration: migrationStatus(failing.map((k) => k.kind)),
      kinds,
      count,
      previous,
      change: change(count, previous),
      firstSeen,
      lastSeen,
      topHosts: count === 0 ? [] : topHostsInPeriod(db, service, since, until, hostLimit),
      guides: failing.filter((k) => k.provider === 'sendgrid').map((k) => guideRef(k.kind)),
    });
  }
  services.sort((a, b) => Number(a.count === 0) - Number(b.count === 0) || b.count - a.count || compareText(a.service, b.service));

  const byKind: KindTotal[] = [];
  for (const kind of KINDS) {
    const of = rows.filter((r) => r.kind === kind);
    if (of.length === 0) continue;
    const count = sum(of.map((r) => r.count));
    const previous = sum(of.map((r) => r.previous));
    byKind.push({ kind, count, previous, change: change(count, previous), services: of.filter((r) => r.count > 0).length });
  }

  const count = sum(services.map((s) => s.count));
  const previous = sum(services.map((s) => s.previous));
  const granularity = granularityFor(since, until);
  const slot = slotSizeFor(z, since, until);
  const migration = Object.fromEntries(MIGRATION_STATUSES.map((m) => [m, services.filter((s) => s.migration === m).length])) as Record<MigrationStatus, number>;
  const guides = new Map<Kind, GuideRef>();
  for (const s of services) for (const g of s.guides) guides.set(g.kind, g);

  return {
    version: REPORT_VERSION,
    schedule: opts.schedule ?? null,
    period: { since, until, previousSince, timeZone },
    generatedAt: now,
    totals: { count, previous, change: change(count, previous), failing: services.filter((s) => s.count > 0).length, migration, byKind },
    services,
    newServices: services.filter((s) => s.lifecycle === 'new').map((s) => s.service).sort(compareText),
    recoveredServices: services.filter((s) => s.lifecycle === 'recovered').map((s) => s.service).sort(compareText),
    series: foldSeries(granularity, buckets(z, since, until, granularity), slotCounts(db, since, until, slot), slot),
    guides: KINDS.filter((k) => guides.has(k)).map((k) => guides.get(k) as GuideRef),
  };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

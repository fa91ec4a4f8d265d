import type { Db } from './db.js';

/**
 * The queries behind reports. Counting goes through the running totals in service_kinds and
 * the (service, kind, at) index on events, so a period over a million events is a set of
 * index range counts rather than a table scan.
 */

/** Events of one (service, kind) in the report period and in the period before it. */
export interface PeriodKindCount {
  readonly service: string;
  readonly kind: string;
  readonly provider: string;
  readonly count: number;
  readonly previous: number;
  /** All time, log time. Epoch ms. */
  readonly firstAt: number;
  readonly lastAt: number;
}

export interface PeriodBounds {
  /** Start of the previous period of equal length; inclusive. Epoch ms. */
  readonly previousSince: number;
  /** Report period start (inclusive) and end (exclusive). Epoch ms. */
  readonly since: number;
  readonly until: number;
}

/**
 * Per (service, kind): events in [since, until) and in [previousSince, since). Pairs with no
 * event in either period are left out.
 */
export function periodKindCounts(db: Db, b: PeriodBounds): PeriodKindCount[] {
  return db
    .prepare(
      `SELECT service, kind, provider, count, previous, firstAt, lastAt FROM (
        SELECT sk.service, sk.kind, sk.provider, sk.first_at AS firstAt, sk.last_at AS lastAt,
          (SELECT count(*) FROM events e WHERE e.service = sk.service AND e.kind = sk.kind AND e.at >= @since AND e.at < @until) AS count,
          (SELECT count(*) FROM events e WHERE e.service = sk.service AND e.kind = sk.kind AND e.at >= @previousSince AND e.at < @since) AS previous
        FROM service_kinds sk)
      WHERE count > 0 OR previous > 0
      ORDER BY service, kind`,
    )
    .all(b) as PeriodKindCount[];
}

export interface HostCount {
  readonly host: string;
  readonly count: number;
}

/**
 * The hosts a service's events in [since, until) came from, most events first. A line without
 * a host counts under its source, as in service_hosts.
 */
export function topHostsInPeriod(db: Db, service: string, since: number, until: number, limit: number): HostCount[] {
  return db
    .prepare(
      `SELECT coalesce(host, source) AS host, count(*) AS count FROM events
      WHERE service = @service AND kind IN (SELECT kind FROM service_kinds WHERE service = @service) AND at >= @since AND at < @until
      GROUP BY 1 ORDER BY count DESC, host LIMIT @limit`,
    )
    .all({ service, since, until, limit }) as HostCount[];
}

/**
 * Slot sizes the series is counted in: an hour, or a quarter hour for zones whose offset is
 * not a whole hour (India, Nepal, Newfoundland). Every offset in use is a multiple of 15 min.
 * Milliseconds.
 */
export const SLOT_MS = { hour: 3_600_000, quarter: 900_000 } as const;
export type SlotSize = (typeof SLOT_MS)[keyof typeof SLOT_MS];

export interface SlotCount {
  readonly service: string;
  /** Slot number: floor(at / slotMs). */
  readonly slot: number;
  readonly count: number;
}

/**
 * Event counts per service and slot in [since, until); the caller folds them into local
 * buckets. CROSS JOIN keeps service_kinds as the outer loop, so each (service, kind) is one
 * range over the covering (service, kind, at) index instead of a row lookup per event.
 */
export function slotCounts(db: Db, since: number, until: number, slotMs: SlotSize): SlotCount[] {
  return db
    .prepare(
      `SELECT sk.service AS service, e.at / ${slotMs === SLOT_MS.hour ? SLOT_MS.hour : SLOT_MS.quarter} AS slot, count(*) AS count
      FROM service_kinds sk CROSS JOIN events e ON e.service = sk.service AND e.kind = sk.kind AND e.at >= @since AND e.at < @until
      GROUP BY sk.service, slot ORDER BY sk.service, slot`,
    )
    .all({ since, until }) as SlotCount[];
}

// ---------------------------------------------------------------------------------------------
// Schedules and sent reports

/**
 * Notes the first time a daemon ran a schedule and returns that time (the stored one when it
 * was seen before). Epoch ms.
 */
export function registerReportSchedule(db: Db, name: string, now: number): number {
  db.prepare('INSERT OR IGNORE INTO report_schedules (name, registered_at) VALUES (?, ?)').run(name, now);
  return db.prepare('SELECT registered_at FROM report_schedules WHERE name = ?').pluck().get(name) as number;
}

export interface ReportRun {
  readonly schedule: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** The cron fire time the report belongs to. Epoch ms. */
  readonly fireAt: number;
  readonly createdAt: number;
  readonly receivers: readonly string[];
  /** Events in the period, for the operator's view of past reports. */
  readonly events: number;
}

export function hasReportRun(db: Db, schedule: string, periodStart: number, periodEnd: number): boolean {
  return db.prepare('SELECT 1 FROM report_runs WHERE schedule = ? AND period_start = ? AND period_end = ?').pluck().get(schedule, periodStart, periodEnd) !== undefined;
}

/**
 * Records a sent report. Returns false, writing nothing, when the schedule already has a run
 * for this exact period: the caller must then not deliver it. Call inside the transaction that
 * queues the delivery.
 */
export function insertReportRun(db: Db, run: ReportRun): boolean {
  return (
    db
      .prepare(
        `INSERT OR IGNORE INTO report_runs (schedule, period_start, period_end, fire_at, created_at, receivers, events)
        VALUES (@schedule, @periodStart, @periodEnd, @fireAt, @createdAt, @receivers, @events)`,
      )
      .run({ ...run, receivers: JSON.stringify(run.receivers) }).changes === 1
  );
}

const RUN_COLUMNS = 'schedule, period_start AS periodStart, period_end AS periodEnd, fire_at AS fireAt, created_at AS createdAt, receivers, events';

type RunRow = Omit<ReportRun, 'receivers'> & { receivers: string };
const toRun = (r: RunRow): ReportRun => ({ ...r, receivers: JSON.parse(r.receivers) as string[] });

/** The run of a schedule with the latest period end, if any. */
export function latestReportRun(db: Db, schedule: string): ReportRun | undefined {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs WHERE schedule = ? ORDER BY period_end DESC, id DESC LIMIT 1`).get(schedule) as RunRow | undefined;
  return row === undefined ? undefined : toRun(row);
}

/** Past runs, newest first; every schedule or one. */
export function listReportRuns(db: Db, opts: { schedule?: string; limit?: number } = {}): ReportRun[] {
  const where = opts.schedule === undefined ? '' : 'WHERE schedule = @schedule';
  const params = opts.schedule === undefined ? { limit: opts.limit ?? 100 } : { schedule: opts.schedule, limit: opts.limit ?? 100 };
  return (db.prepare(`SELECT ${RUN_COLUMNS} FROM report_runs ${where} ORDER BY period_end DESC, id DESC LIMIT @limit`).all(params) as RunRow[]).map(toRun);
}

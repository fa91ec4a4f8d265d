import type { Db } from '../store/db.js';
import { latestReportRun } from '../store/reports-store.js';
import type { ReportScheduleConfig } from './config-schema.js';
import { previousFire, type CronSpec, type FireTime } from './cron.js';
import type { Period } from './period.js';
import type { Zone } from './time-zone.js';

const DAY = 86_400_000;

/**
 * The period a schedule's report covers for one fire time, or undefined when there is nothing
 * to cover (a `since-last` schedule whose last report already reaches the fire time).
 * Whole-day periods count back in local days from the time the expression named, so a daily
 * report starts where yesterday's ended, also across DST changes.
 */
export function periodForFire(db: Db, s: ReportScheduleConfig, spec: CronSpec, zone: Zone, fire: FireTime): Period | undefined {
  const p = s.period;
  if (p.type === 'rolling') {
    return { since: p.days === null ? fire.at - p.ms : zone.instant(fire.wall - p.days * DAY), until: fire.at };
  }
  const last = latestReportRun(db, s.name);
  if (last !== undefined) return last.periodEnd < fire.at ? { since: last.periodEnd, until: fire.at } : undefined;
  const before = previousFire(spec, zone, fire.at - 1);
  return before === undefined ? undefined : { since: before.at, until: fire.at };
}

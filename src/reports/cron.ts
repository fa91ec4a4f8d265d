import { parse as parseCron, validate as validateCron } from 'node-cron';
import { daysInMonth, wallFields, type Zone } from './time-zone.js';

/**
 * Cron fire times in a time zone. node-cron 4 computes the next run of a task but not the
 * previous one, which catch-up needs; so the expression is expanded by node-cron's own parser
 * (same syntax: 5 or 6 fields, lists, ranges, steps, names, `L`, `W`, `#`) and matched here on
 * wall times.
 *
 * Daylight saving time, a daily `30 2 * * *` in Europe/Berlin:
 * - clocks going forward (02:00 → 03:00): 02:30 does not exist; the run happens once, at 03:00,
 *   the first local time after the gap.
 * - clocks going back (03:00 → 02:00): 02:30 happens twice; the run happens once, at the first.
 * So every scheduled local time that falls on a day fires exactly once that day.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;
/** How far back a fire time is looked for; a 29 February schedule needs up to 8 years. Days. */
const MAX_DAYS_BACK = 366 * 8;

type DayToken = number | string;

export interface CronSpec {
  readonly expression: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly DayToken[];
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: readonly DayToken[];
}

/** True when node-cron accepts the expression. */
export function isCronExpression(expression: string): boolean {
  try {
    return validateCron(expression);
  } catch {
    return false;
  }
}

/** Expands an expression; throws with node-cron's message when it is not valid. */
export function compileCron(expression: string): CronSpec {
  const f = parseCron(expression);
  const desc = (xs: readonly number[]): number[] => [...xs].sort((a, b) => b - a);
  return {
    expression,
    seconds: desc(f.second),
    minutes: desc(f.minute),
    hours: desc(f.hour),
    daysOfMonth: f.dayOfMonth,
    months: new Set(f.month),
    daysOfWeek: f.dayOfWeek,
  };
}

/** Whether a local date (year, month 1-12, day) is one the expression runs on. */
export function matchesDate(spec: CronSpec, year: number, month: number, day: number): boolean {
  if (!spec.months.has(month)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return spec.daysOfMonth.some((t) => dayOfMonthMatches(t, year, month, day)) && spec.daysOfWeek.some((t) => dayOfWeekMatches(t, year, month, day, weekday));
}

function dayOfMonthMatches(token: DayToken, year: number, month: number, day: number): boolean {
  const last = daysInMonth(year, month);
  if (typeof token === 'number') return token === day;
  if (token === 'L') return day === last;
  const offset = /^L-(\d+)$/.exec(token);
  if (offset) return day === last - Number(offset[1]);
  const weekdayOf = /^(\d+|L)W$/i.exec(token);
  if (weekdayOf) {
    const target = weekdayOf[1] === 'L' ? last : Number(weekdayOf[1]);
    return target <= last && nearestWeekday(year, month, target, last) === day;
  }
  return false;
}

/** The Monday-to-Friday day closest to `target` without leaving the month (cron's `W`). */
function nearestWeekday(year: number, month: number, target: number, last: number): number {
  const wd = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (wd === 6) return target > 1 ? target - 1 : target + 2;
  if (wd === 0) return target < last ? target + 1 : target - 2;
  return target;
}

function dayOfWeekMatches(token: DayToken, year: number, month: number, day: number, weekday: number): boolean {
  if (typeof token === 'number') return token % 7 === weekday;
  const nth = /^(\d)#(\d)$/.exec(token);
  if (nth) return Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2]);
  const lastOf = /^(\d)L$/.exec(token);
  if (lastOf) return Number(lastOf[1]) % 7 === weekday && day + 7 > daysInMonth(year, month);
  return false;
}

/**
 * A fire time: the instant, and the local wall time the expression named. They differ only
 * for a time skipped by spring-forward (named 02:30, fired at 03:00); periods count back
 * from the named time, so consecutive reports meet without a gap.
 */
export interface FireTime {
  /** Epoch ms. */
  readonly at: number;
  /** Wall time (see time-zone.ts). */
  readonly wall: number;
}

/**
 * The latest fire time at or before `now`, or undefined when there is none within the
 * look-back bound. Walks wall-clock days backwards, skipping whole days that do not match,
 * so a weekly schedule costs a handful of steps.
 */
export function previousFire(spec: CronSpec, zone: Zone, now: number): FireTime | undefined {
  // Start a few hours past now's wall time: in the repeated hour after clocks go back, a later
  // wall time can still name an earlier instant.
  const start = zone.wall(now) + 3 * 3_600_000;
  let dayStart = start - (((start % DAY) + DAY) % DAY);
  for (let i = 0; i <= MAX_DAYS_BACK; i++, dayStart -= DAY) {
    const d = wallFields(dayStart);
    if (!matchesDate(spec, d.year, d.month, d.day)) continue;
    for (const h of spec.hours) {
      for (const m of spec.minutes) {
        for (const s of spec.seconds) {
          const wall = dayStart + h * 3_600_000 + m * MINUTE + s * SECOND;
          if (wall > start) continue;
          const at = zone.instant(wall);
          if (at <= now) return { at, wall };
        }
      }
    }
  }
  return undefined;
}

/** The first fire time strictly after `after`, within a year; for logs and `--help` previews. */
export function nextFire(spec: CronSpec, zone: Zone, after: number): FireTime | undefined {
  const begin = zone.wall(after) - 3 * 3_600_000;
  let dayStart = begin - (((begin % DAY) + DAY) % DAY);
  for (let i = 0; i <= MAX_DAYS_BACK; i++, dayStart += DAY) {
    const d = wallFields(dayStart);
    if (!matchesDate(spec, d.year, d.month, d.day)) continue;
    for (const h of [...spec.hours].reverse()) {
      for (const m of [...spec.minutes].reverse()) {
        for (const s of [...spec.seconds].reverse()) {
          const wall = dayStart + h * 3_600_000 + m * MINUTE + s * SECOND;
          const at = zone.instant(wall);
          if (at > after) return { at, wall };
        }
      }
    }
  }
  return undefined;
}

import { z } from 'zod';
import { parseDuration } from '../../alerts/duration.js';
import { isCronExpression } from './cron.js';
import { REPORT_FORMATS } from './rendered.js';
import { isTimeZone } from './time-zone.js';

const DAY = 86_400_000;

/**
 * What a scheduled report covers, ending at the fire time. `rolling`: a fixed length; when it
 * is whole days it is counted in local calendar days, so a daily report across a DST change
 * covers 23 or 25 hours and consecutive reports neither overlap nor leave a gap.
 * `since-last`: from the end of the schedule's previous report (the first time: from the
 * previous fire time).
 */
export type ReportPeriodSpec = { readonly type: 'rolling'; readonly ms: number; readonly days: number | null } | { readonly type: 'since-last' };

export const SINCE_LAST = 'since-last';

const periodSchema = z.string().transform((s, ctx): ReportPeriodSpec => {
  if (s.trim() === SINCE_LAST) return { type: 'since-last' };
  const ms = parseDuration(s);
  if (ms === undefined || ms < 60_000) {
    ctx.addIssue({ code: 'custom', message: `expected ${SINCE_LAST} or a duration of at least a minute such as 24h or 7d` });
    return z.NEVER;
  }
  return { type: 'rolling', ms, days: ms % DAY === 0 ? ms / DAY : null };
});

export const ReportScheduleSchema = z
  .strictObject({
    /** Unique; names the schedule in the database (which periods were sent) and in file names. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected 1-64 letters, digits, dots, dashes or underscores'),
    /** node-cron expression, 5 fields (or 6 with seconds first), e.g. `0 8 * * 1` for Mondays 08:00. */
    cron: z.string().refine(isCronExpression, { message: 'is not a valid node-cron expression (e.g. 0 8 * * 1 for Mondays at 08:00)' }),
    /** IANA zone the cron expression, dates and daily buckets are read in. Default `UTC`. */
    timezone: z.string().refine(isTimeZone, { message: 'is not an IANA time zone (e.g. UTC, Europe/Berlin)' }).default('UTC'),
    /** `24h`, `7d`, any duration, or `since-last`. Default `24h`. */
    period: periodSchema.default(() => ({ type: 'rolling' as const, ms: DAY, days: 1 })),
    /** Receiver names from the alerts section (Slack, email, webhook, console). Default none. */
    receivers: z.array(z.string().min(1)).default([]),
    /** Files attached to email receivers and written to `outDir`. Default none. */
    formats: z.array(z.enum(REPORT_FORMATS)).default([]),
    /** Directory the `formats` files are written to, one set per report. Default none. */
    outDir: z.string().min(1).optional(),
    /** After downtime, send the report of the most recent missed fire time once, on start. Default true. */
    catchUp: z.boolean().default(true),
  })
  .refine((s) => s.receivers.length > 0 || s.outDir !== undefined, { message: 'needs at least one receiver or an outDir', path: ['receivers'] })
  .refine((s) => s.outDir === undefined || s.formats.length > 0, { message: 'outDir needs at least one format to write', path: ['formats'] });

/** The `reports` section: a list of schedules. */
export const ReportsConfigSchema = z
  .array(ReportScheduleSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${s.name}" is used by an earlier schedule; names must be unique` });
      seen.add(s.name);
    });
  });

export type ReportScheduleConfig = z.output<typeof ReportScheduleSchema>;
export type ReportsConfig = z.output<typeof ReportsConfigSchema>;
export type ReportsConfigInput = z.input<typeof ReportsConfigSchema>;

/**
 * Receiver names that the alerts section does not define, as config problems
 * (`reports[0].receivers[1] ...`). The config loader calls this with the alerts receivers' names.
 */
export function unknownReportReceivers(reports: ReportsConfig, known: Iterable<string>): string[] {
  const names = new Set(known);
  const problems: string[] = [];
  reports.forEach((s, i) =>
    s.receivers.forEach((r, j) => {
      if (!names.has(r)) problems.push(`reports[${i}].receivers[${j}] is "${r}", which names no receiver; expected one of ${[...names].join(', ')}.`);
    }),
  );
  return problems;
}

/**
 * Periodic reports (migration 3). Times are epoch milliseconds.
 *
 * - report_schedules: when each configured schedule was first seen by a running daemon. A
 *   fire time before that is not a "missed" report, so adding a weekly schedule does not send
 *   last week's report on the next start.
 * - report_runs: one row per report sent by a schedule. UNIQUE (schedule, period_start,
 *   period_end) is what makes a period go out once, across restarts and concurrent ticks;
 *   the row is written in the same transaction as the outbox rows that deliver it.
 */
export const REPORTS_SCHEMA = `
CREATE TABLE report_schedules (
  name TEXT PRIMARY KEY,
  registered_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE report_runs (
  id INTEGER PRIMARY KEY,
  schedule TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  fire_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  receivers TEXT NOT NULL,
  events INTEGER NOT NULL,
  UNIQUE (schedule, period_start, period_end)
);
CREATE INDEX report_runs_latest ON report_runs (schedule, period_end);
`;

/**
 * Events are the detections, unique by source position so a re-read is a no-op. service_kinds
 * and service_hosts are running totals kept in the same transaction as the events, so listing
 * services never scans the events table.
 * Times are epoch milliseconds. `at` is the time from the log line, or the time it was stored
 * when the line carries none.
 */
export const CORE_SCHEMA = `
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  stream TEXT NOT NULL,
  offset INTEGER NOT NULL,
  source TEXT NOT NULL,
  line INTEGER NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL,
  signature TEXT NOT NULL,
  provider TEXT NOT NULL,
  service TEXT NOT NULL,
  service_via TEXT NOT NULL,
  host TEXT,
  program TEXT,
  ts TEXT,
  at INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  message TEXT NOT NULL,
  credential_fp TEXT,
  UNIQUE (stream, offset)
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_service_kind_at ON events (service, kind, at);

CREATE TABLE service_kinds (
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL,
  provider TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (service, kind)
) WITHOUT ROWID;

CREATE TABLE service_hosts (
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  host TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (service, kind, host)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  source_id TEXT NOT NULL,
  stream TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source_id, stream)
) WITHOUT ROWID;
`;

/**
 * Alerting state (migration 2). Times are epoch milliseconds from the daemon's clock unless a
 * column says it is log time.
 *
 * - alert_state: one row per (service, kind) once it has had an event; the policy's state
 *   machine (alerts/policy-states.ts) names the legal moves.
 * - alert_cursor: how far the policy has read events and recovery evidence, so each is
 *   considered once; written in the same transaction as the decisions it led to.
 * - alert_silences: acks and mutes, each with an optional expiry.
 * - recovery_evidence: successful sends seen in the logs, which resolve an alert early.
 * - alert_outbox: one row per notification and receiver; rows in state `dead` are the dead
 *   letter, kept with their last error until an operator retries them.
 */
export const ALERTS_SCHEMA = `
CREATE TABLE alert_state (
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  episode INTEGER NOT NULL,
  since INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  first_event_id INTEGER NOT NULL,
  last_event_id INTEGER NOT NULL,
  first_event_at INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  episode_count INTEGER NOT NULL,
  window_count INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  notified_at INTEGER,
  resolved_by TEXT,
  evidence TEXT,
  evidence_at INTEGER,
  PRIMARY KEY (service, kind)
) WITHOUT ROWID;
CREATE INDEX alert_state_active ON alert_state (state) WHERE state IN ('pending', 'firing');

CREATE TABLE alert_cursor (
  name TEXT PRIMARY KEY,
  last_event_id INTEGER NOT NULL,
  last_evidence_id INTEGER NOT NULL,
  evaluated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE alert_silences (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('ack', 'mute')),
  service TEXT NOT NULL,
  kind TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  ended_at INTEGER,
  ended_by TEXT
);
CREATE INDEX alert_silences_service ON alert_silences (service) WHERE ended_at IS NULL;

CREATE TABLE recovery_evidence (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  kind TEXT,
  channel TEXT,
  at INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  stored_at INTEGER NOT NULL
);

CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY,
  decision TEXT NOT NULL,
  service TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  receiver TEXT NOT NULL,
  channel_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT,
  UNIQUE (decision, receiver)
);
CREATE INDEX alert_outbox_due ON alert_outbox (state, next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX alert_outbox_order ON alert_outbox (service, receiver, id) WHERE state IN ('pending', 'sending');
`;

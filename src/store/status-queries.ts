import type { Db } from './db.js';

/**
 * Read-only queries behind the operations surface (status page, readiness, gauges). Each is one
 * small indexed query, cheap enough to run on every scrape or page view.
 */

/**
 * Events per service in `buckets` equal buckets of `bucketMs` ending at `to` (log time,
 * epoch ms), oldest bucket first. Services without events in the range are absent.
 */
export function serviceTrends(db: Db, opts: { to: number; bucketMs: number; buckets: number }): Map<string, number[]> {
  const from = opts.to - opts.bucketMs * opts.buckets;
  const rows = db
    .prepare('SELECT service, (at - @from) / @bucketMs AS bucket, count(*) AS n FROM events WHERE at >= @from AND at < @to GROUP BY service, bucket')
    .all({ from, to: opts.to, bucketMs: opts.bucketMs }) as Array<{ service: string; bucket: number; n: number }>;
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const series = out.get(r.service) ?? new Array<number>(opts.buckets).fill(0);
    const i = Math.floor(r.bucket);
    if (i >= 0 && i < opts.buckets) series[i] = (series[i] ?? 0) + r.n;
    out.set(r.service, series);
  }
  return out;
}

/** Per source id: when it last stored a position (any stream). Epoch ms. */
export function checkpointTimes(db: Db): Array<{ sourceId: string; updatedAt: number }> {
  return db.prepare('SELECT source_id AS sourceId, max(updated_at) AS updatedAt FROM checkpoints GROUP BY source_id ORDER BY source_id').all() as Array<{
    sourceId: string;
    updatedAt: number;
  }>;
}

/** Outbox rows not yet delivered, by state and receiver. */
export function outboxDepth(db: Db): Array<{ state: string; receiver: string; count: number }> {
  return db
    .prepare(`SELECT state, receiver, count(*) AS count FROM alert_outbox WHERE state IN ('pending', 'sending', 'dead') GROUP BY state, receiver ORDER BY state, receiver`)
    .all() as Array<{ state: string; receiver: string; count: number }>;
}

/** Creation time of the oldest message still waiting to be sent, or undefined. Epoch ms. */
export function oldestWaitingAt(db: Db): number | undefined {
  return (db.prepare(`SELECT min(created_at) FROM alert_outbox WHERE state IN ('pending', 'sending')`).pluck().get() as number | null) ?? undefined;
}

/**
 * Proves the database can take a write lock now: BEGIN IMMEDIATE then ROLLBACK, nothing
 * written. Fails on a read-only file or when another process holds the lock for longer than
 * `waitMs` (default 1000 ms; the connection's usual busy timeout is restored afterwards).
 */
export function probeWritable(db: Db, waitMs = 1000): void {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}

/** The schema version stored in the file (PRAGMA user_version). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface DeadLetter {
  readonly id: number;
  readonly service: string;
  readonly kind: string;
  readonly receiver: string;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When it moved to the dead letter. Epoch ms. */
  readonly updatedAt: number;
}

/** The most recent dead-letter rows, newest first. */
export function latestDead(db: Db, limit: number): DeadLetter[] {
  return db
    .prepare(`SELECT id, service, kind, receiver, attempts, last_error AS lastError, updated_at AS updatedAt FROM alert_outbox WHERE state = 'dead' ORDER BY id DESC LIMIT ?`)
    .all(limit) as DeadLetter[];
}

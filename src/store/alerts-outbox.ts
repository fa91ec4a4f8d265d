import type { Db } from './db.js';

/** Outbox row states; the legal moves are in alerts/outbox.ts. `dead` rows are the dead letter. */
export type OutboxState = 'pending' | 'sending' | 'delivered' | 'dead';

/** What a policy decision (or a scheduled report) queues. */
export interface NewOutboxRow {
  /** Identifies the decision; (decision, receiver) is unique, so a decision is queued once. */
  readonly decision: string;
  readonly service: string;
  readonly kind: string;
  /** `firing`, `repeat`, `resolved`, or `report` for a prepared report. */
  readonly event: string;
  readonly receiver: string;
  readonly channelType: string;
  /** The notification (rendered per channel at send time) or the prepared message, as JSON. */
  readonly payload: string;
}

export interface OutboxRow extends NewOutboxRow {
  readonly id: number;
  readonly state: OutboxState;
  /** Sends started, including the one in progress while `sending`. */
  readonly attempts: number;
  /** Epoch ms; a `pending` row is not sent before. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deliveredAt: number | null;
  readonly lastError: string | null;
}

const COLUMNS = `id, decision, service, kind, event, receiver, channel_type AS channelType, payload, state, attempts,
  next_attempt_at AS nextAttemptAt, created_at AS createdAt, updated_at AS updatedAt, delivered_at AS deliveredAt, last_error AS lastError`;

/** Queues rows as `pending`, due now. Call inside the transaction that made the decision. */
export function enqueueOutbox(db: Db, rows: readonly NewOutboxRow[], now: number): number {
  const insert = db.prepare(`INSERT OR IGNORE INTO alert_outbox (decision, service, kind, event, receiver, channel_type, payload, state, attempts, next_attempt_at, created_at, updated_at)
    VALUES (@decision, @service, @kind, @event, @receiver, @channelType, @payload, 'pending', 0, @now, @now, @now)`);
  let n = 0;
  for (const r of rows) n += insert.run({ ...r, now }).changes;
  return n;
}

/**
 * Claims up to `limit` due `pending` rows, moving them to `sending` and counting the attempt,
 * in one transaction. A row is due only when no earlier row for the same service and receiver
 * is still pending or sending, so each receiver sees a service's messages in order.
 */
export function claimDue(db: Db, now: number, limit: number): OutboxRow[] {
  return db
    .transaction(() => {
      const rows = db
        .prepare(`SELECT ${COLUMNS} FROM alert_outbox o
          WHERE o.state = 'pending' AND o.next_attempt_at <= @now
            AND NOT EXISTS (SELECT 1 FROM alert_outbox p WHERE p.service = o.service AND p.receiver = o.receiver
              AND p.state IN ('pending', 'sending') AND (p.id < o.id OR p.state = 'sending'))
          ORDER BY o.next_attempt_at, o.id LIMIT @limit`)
        .all({ now, limit }) as OutboxRow[];
      const claim = db.prepare(`UPDATE alert_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'pending'`);
      for (const r of rows) claim.run(now, r.id);
      return rows.map((r) => ({ ...r, state: 'sending' as const, attempts: r.attempts + 1, updatedAt: now }));
    })
    .immediate();
}

export interface OutboxMove {
  readonly nextAttemptAt?: number;
  readonly lastError?: string | null;
  readonly deliveredAt?: number;
  /** Reset the attempt count (an operator's retry of a dead message). */
  readonly resetAttempts?: boolean;
}

/** Moves one row from `from` to `to`; false when the row is not in `from` (any more). */
export function moveOutbox(db: Db, id: number, from: OutboxState, to: OutboxState, change: OutboxMove, now: number): boolean {
  return (
    db
      .prepare(`UPDATE alert_outbox SET state = @to, updated_at = @now,
        next_attempt_at = coalesce(@nextAttemptAt, next_attempt_at),
        last_error = CASE WHEN @setError THEN @lastError ELSE last_error END,
        delivered_at = coalesce(@deliveredAt, delivered_at),
        attempts = CASE WHEN @resetAttempts THEN 0 ELSE attempts END
        WHERE id = @id AND state = @from`)
      .run({
        id,
        from,
        to,
        now,
        nextAttemptAt: change.nextAttemptAt ?? null,
        setError: change.lastError === undefined ? 0 : 1,
        lastError: change.lastError ?? null,
        deliveredAt: change.deliveredAt ?? null,
        resetAttempts: change.resetAttempts ? 1 : 0,
      }).changes === 1
  );
}

/**
 * Rows left `sending` by a process that died mid-send go back to `pending`, due now. Only the
 * one process that delivers may call this, at start, before it claims anything.
 */
export function requeueSending(db: Db, now: number): number {
  return db
    .prepare(`UPDATE alert_outbox SET state = 'pending', next_attempt_at = @now, updated_at = @now,
      last_error = coalesce(last_error, 'interrupted: the process stopped during the send') WHERE state = 'sending'`)
    .run({ now }).changes;
}

export function getOutbox(db: Db, id: number): OutboxRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM alert_outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
}

export function listOutbox(db: Db, opts: { states: readonly OutboxState[]; service?: string; limit?: number }): OutboxRow[] {
  const states = opts.states.map((_, i) => `@s${i}`).join(', ');
  const params: Record<string, unknown> = Object.fromEntries(opts.states.map((s, i) => [`s${i}`, s]));
  params.limit = opts.limit ?? 1000;
  let where = `state IN (${states})`;
  if (opts.service !== undefined) {
    where += ' AND service = @service';
    params.service = opts.service;
  }
  return db.prepare(`SELECT ${COLUMNS} FROM alert_outbox WHERE ${where} ORDER BY id LIMIT @limit`).all(params) as OutboxRow[];
}

/** Earliest `next_attempt_at` among pending rows, to know when the worker has work. */
export function nextDueAt(db: Db): number | undefined {
  return (db.prepare(`SELECT min(next_attempt_at) FROM alert_outbox WHERE state = 'pending'`).pluck().get() as number | null) ?? undefined;
}

export function outboxCounts(db: Db): Record<OutboxState, number> {
  const out: Record<OutboxState, number> = { pending: 0, sending: 0, delivered: 0, dead: 0 };
  for (const r of db.prepare('SELECT state, count(*) AS n FROM alert_outbox GROUP BY state').all() as Array<{ state: OutboxState; n: number }>) out[r.state] = r.n;
  return out;
}

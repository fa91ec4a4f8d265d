import type { Db } from '../src/store/db.js';
import {
  claimDue,
  getOutbox,
  listOutbox,
  moveOutbox,
  requeueSending,
  type OutboxMove,
  type OutboxRow,
  type OutboxState,
} from '../src/store/alerts-outbox.js';

/**
 * The outbox row lifecycle. `pending → pending` is an operator's "retry now"; `dead → pending`
 * an operator's retry from the dead letter; `sending → pending` a failed try (or a send cut
 * off by a crash, at the next start). Nothing leaves `delivered`.
 */
export const OUTBOX_NEXT: Readonly<Record<OutboxState, readonly OutboxState[]>> = {
  pending: ['sending', 'pending'],
  sending: ['delivered', 'pending', 'dead'],
  delivered: [],
  dead: ['pending'],
};

export class IllegalOutboxMove extends Error {}

/** Longest error text kept on a row. Characters. */
const ERROR_MAX = 1000;

/** The outbox's moves, each checked against OUTBOX_NEXT and against the row's stored state. */
export class Outbox {
  constructor(private readonly db: Db) {}

  /** Due rows, now `sending`; see claimDue in the store for the per-service ordering. */
  claimDue(now: number, limit: number): OutboxRow[] {
    return claimDue(this.db, now, limit);
  }

  markDelivered(id: number, now: number): void {
    this.move(id, 'sending', 'delivered', { deliveredAt: now, lastError: null }, now);
  }

  markRetry(id: number, nextAttemptAt: number, error: string, now: number): void {
    this.move(id, 'sending', 'pending', { nextAttemptAt, lastError: error.slice(0, ERROR_MAX) }, now);
  }

  markDead(id: number, error: string, now: number): void {
    this.move(id, 'sending', 'dead', { lastError: error.slice(0, ERROR_MAX) }, now);
  }

  /**
   * Requeues one row: from the dead letter (with a fresh attempt count) or a pending row that
   * waits for its next try (made due now). Returns the state it was in.
   */
  retry(id: number, now: number): OutboxState {
    const row = getOutbox(this.db, id);
    if (row === undefined) throw new IllegalOutboxMove(`No outbox message has id ${id}.`);
    if (row.state === 'dead') this.move(id, 'dead', 'pending', { nextAttemptAt: now, resetAttempts: true }, now);
    else if (row.state === 'pending') this.move(id, 'pending', 'pending', { nextAttemptAt: now }, now);
    else throw new IllegalOutboxMove(`Message ${id} is ${row.state}; only pending and dead messages can be retried.`);
    return row.state;
  }

  /** Requeues every dead and waiting message; returns how many. */
  retryAll(now: number): number {
    return this.db.transaction(() => {
      const rows = listOutbox(this.db, { states: ['dead', 'pending'], limit: 1_000_000 });
      for (const r of rows) this.retry(r.id, now);
      return rows.length;
    })();
  }

  /** At start: sends cut off by a crash go back to pending, due now. */
  requeueInterrupted(now: number): number {
    return requeueSending(this.db, now);
  }

  private move(id: number, from: OutboxState, to: OutboxState, change: OutboxMove, now: number): void {
    if (!OUTBOX_NEXT[from].includes(to)) throw new IllegalOutboxMove(`Illegal outbox move ${from} → ${to} for message ${id}; allowed: ${OUTBOX_NEXT[from].join(', ') || 'none'}.`);
    if (!moveOutbox(this.db, id, from, to, change, now)) {
      const row = getOutbox(this.db, id);
      throw new IllegalOutboxMove(`Outbox message ${id} is ${row?.state ?? 'missing'}, not ${from}; it cannot move to ${to}.`);
    }
  }
}

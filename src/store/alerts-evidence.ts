import type { Channel, Kind } from '../contracts.js';
import type { Db } from './db.js';

/** A successful send seen in the logs: the sign that a service was fixed. */
export interface RecoveryEvidence {
  readonly service: string;
  /** The kind it clears; absent: every kind of `channel`, or of the service when that is absent too. */
  readonly kind?: Kind;
  readonly channel?: Channel;
  /** Log time of the success. Epoch ms. */
  readonly at: number;
  /** What was seen, for the notification: e.g. `Postfix status=sent via smtp.sendgrid.net`, `API 202`, `SMTP 235 for apikey`. */
  readonly evidence: string;
}

export interface StoredEvidence {
  readonly id: number;
  readonly service: string;
  readonly kind: string | null;
  readonly channel: string | null;
  readonly at: number;
  readonly evidence: string;
}

/**
 * Stores recovery evidence for the alert policy, which considers each row once on its next
 * tick. Parsers call this when they see a success from a service; it costs one insert.
 */
export function recordRecoveryEvidence(db: Db, ev: RecoveryEvidence, storedAt: number = Date.now()): number {
  const r = db
    .prepare('INSERT INTO recovery_evidence (service, kind, channel, at, evidence, stored_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(ev.service, ev.kind ?? null, ev.channel ?? null, ev.at, ev.evidence, storedAt);
  return Number(r.lastInsertRowid);
}

/** Evidence rows after `afterId`, oldest first, at most `limit`. */
export function evidenceAfter(db: Db, afterId: number, limit: number): StoredEvidence[] {
  return db.prepare('SELECT id, service, kind, channel, at, evidence FROM recovery_evidence WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as StoredEvidence[];
}

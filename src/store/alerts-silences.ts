import type { Db } from './db.js';

export type SilenceType = 'ack' | 'mute';

/**
 * An ack or a mute. `kind` null covers every kind of the service. `expiresAt` null lasts until
 * ended: a mute by `authwatch unmute`, an ack also when its alert resolves.
 */
export interface Silence {
  readonly id: number;
  readonly type: SilenceType;
  readonly service: string;
  readonly kind: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

const COLUMNS = 'id, type, service, kind, created_at AS createdAt, expires_at AS expiresAt';

export function addSilence(db: Db, s: { type: SilenceType; service: string; kind?: string | undefined; now: number; expiresAt?: number | null | undefined }): Silence {
  const r = db
    .prepare('INSERT INTO alert_silences (type, service, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
    .run(s.type, s.service, s.kind ?? null, s.now, s.expiresAt ?? null);
  return { id: Number(r.lastInsertRowid), type: s.type, service: s.service, kind: s.kind ?? null, createdAt: s.now, expiresAt: s.expiresAt ?? null };
}

/**
 * The silences in force at `now` (not ended, not expired), for the policy and for
 * `authwatch services`; optionally for one service.
 */
export function silencesFor(db: Db, opts: { now: number; service?: string }): Silence[] {
  const where = 'ended_at IS NULL AND (expires_at IS NULL OR expires_at > @now)';
  return (
    opts.service === undefined
      ? db.prepare(`SELECT ${COLUMNS} FROM alert_silences WHERE ${where} ORDER BY service, id`).all({ now: opts.now })
      : db.prepare(`SELECT ${COLUMNS} FROM alert_silences WHERE ${where} AND service = @service ORDER BY id`).all({ now: opts.now, service: opts.service })
  ) as Silence[];
}

/**
 * Ends silences of a type for a service: with `kind`, those for exactly that kind; without,
 * all of them (service-wide and per kind). Returns how many ended.
 */
export function endSilences(db: Db, s: { type: SilenceType; service: string; kind?: string | undefined; now: number; by: string }): number {
  const kindClause = s.kind === undefined ? '' : 'AND kind = @kind';
  return db
    .prepare(`UPDATE alert_silences SET ended_at = @now, ended_by = @by
      WHERE type = @type AND service = @service ${kindClause} AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > @now)`)
    .run({ type: s.type, service: s.service, kind: s.kind ?? null, now: s.now, by: s.by }).changes;
}

/**
 * An ack lasts for one alert: once (service, kind) resolves, its acks end, and so do the
 * service-wide acks when no other kind of the service is still pending or firing. Call after
 * the state row has been written.
 */
export function endAcksOnResolve(db: Db, service: string, kind: string, now: number): number {
  return db
    .prepare(`UPDATE alert_silences SET ended_at = @now, ended_by = 'resolved'
      WHERE type = 'ack' AND ended_at IS NULL AND service = @service
        AND (kind = @kind OR (kind IS NULL AND NOT EXISTS (
          SELECT 1 FROM alert_state WHERE service = @service AND state IN ('pending', 'firing'))))`)
    .run({ service, kind, now }).changes;
}

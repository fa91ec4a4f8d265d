import { KINDS, type Kind } from '../contracts.js';
import { addSilence, endSilences } from '../store/alerts-silences.js';
import type { Db } from '../store/db.js';
import { parseDuration } from '../../alerts/duration.js';
import { IllegalOutboxMove, Outbox } from '../../alerts/outbox.js';

/**
 * The state-changing operations of the HTTP API, the same ones the CLI offers (`ack`, `mute`,
 * `unmute`, `alerts retry`). They exist only when a bearer token is configured; the router
 * checks the token before calling these.
 */

/** A request the caller got wrong: answered 400 (or 404 for a missing outbox row) with the message. */
export class ActionError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface SilenceRequest {
  readonly kind?: Kind;
  /** Milliseconds; absent means no expiry. */
  readonly forMs?: number;
}

/** Reads `{ "kind"?: string, "for"?: "4h" }` from a JSON body; both optional. */
export function parseSilenceBody(body: unknown): SilenceRequest {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ActionError(400, 'The body must be a JSON object such as {"kind": "smtp_basic_auth_2fa", "for": "4h"}.');
  const o = body as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'kind' && k !== 'for');
  if (unknown.length > 0) throw new ActionError(400, `Unknown field(s) ${unknown.join(', ')}; expected kind and for.`);
  const out: { kind?: Kind; forMs?: number } = {};
  if (o.kind !== undefined) {
    if (typeof o.kind !== 'string' || !(KINDS as readonly string[]).includes(o.kind)) throw new ActionError(400, `kind is ${JSON.stringify(o.kind)}; expected one of ${KINDS.join(', ')}.`);
    out.kind = o.kind as Kind;
  }
  if (o.for !== undefined) {
    const ms = typeof o.for === 'string' ? parseDuration(o.for) : undefined;
    if (ms === undefined || ms <= 0) throw new ActionError(400, `for is ${JSON.stringify(o.for)}; expected a duration such as 30m, 4h or 2d.`);
    out.forMs = ms;
  }
  return out;
}

export function ack(db: Db, service: string, req: SilenceRequest, now: number) {
  const s = addSilence(db, { type: 'ack', service, kind: req.kind, now, expiresAt: req.forMs === undefined ? null : now + req.forMs });
  return { ok: true, action: 'ack', id: s.id, service, kind: s.kind, expiresAt: iso(s.expiresAt) };
}

export function mute(db: Db, service: string, req: SilenceRequest, now: number) {
  const s = addSilence(db, { type: 'mute', service, kind: req.kind, now, expiresAt: req.forMs === undefined ? null : now + req.forMs });
  return { ok: true, action: 'mute', id: s.id, service, kind: s.kind, expiresAt: iso(s.expiresAt) };
}

export function unmute(db: Db, service: string, req: SilenceRequest, now: number) {
  if (req.forMs !== undefined) throw new ActionError(400, 'unmute takes no "for".');
  const lifted = endSilences(db, { type: 'mute', service, kind: req.kind, now, by: 'http' });
  return { ok: true, action: 'unmute', service, kind: req.kind ?? null, lifted };
}

/** Requeues one dead or waiting outbox message, or all of them when `id` is undefined. */
export function retry(db: Db, id: number | undefined, now: number) {
  const box = new Outbox(db);
  if (id === undefined) return { ok: true, action: 'retry', requeued: box.retryAll(now) };
  try {
    return { ok: true, action: 'retry', id, was: box.retry(id, now) };
  } catch (err) {
    if (err instanceof IllegalOutboxMove) throw new ActionError(/^No outbox message/.test(err.message) ? 404 : 409, err.message);
    throw err;
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

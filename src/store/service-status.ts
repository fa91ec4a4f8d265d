import type { Db } from './db.js';
import { silencesFor, type Silence } from './alerts-silences.js';
import { listAlertStates } from './alerts-state.js';

export const SERVICE_STATUSES = ['failing', 'recovered', 'quiet', 'acknowledged', 'muted'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** With no alert state yet, a kind whose last event is older than this shows as quiet. Milliseconds: 1 hour. */
const QUIET_AFTER_MS = 60 * 60 * 1000;

export interface StatusInput {
  readonly service: string;
  readonly kind: string;
  readonly lastAt: number;
}

/**
 * One status per (service, kind), the same everywhere it is shown (services, reports, status
 * page): a mute wins over an ack, an ack over the alert state; without an alert state the age of
 * the last event decides.
 */
export function statusResolver(db: Db, now: number): (row: StatusInput) => { status: ServiceStatus; until: number | null } {
  const silences = silencesFor(db, { now });
  const states = new Map(listAlertStates(db).map((s) => [`${s.service}\u0000${s.kind}`, s]));
  const covering = (type: Silence['type'], row: StatusInput) => silences.find((s) => s.type === type && s.service === row.service && (s.kind === null || s.kind === row.kind));
  return (row) => {
    const mute = covering('mute', row);
    if (mute) return { status: 'muted', until: mute.expiresAt };
    const ack = covering('ack', row);
    if (ack) return { status: 'acknowledged', until: ack.expiresAt };
    const state = states.get(`${row.service}\u0000${row.kind}`);
    if (state?.state === 'resolved') return { status: 'recovered', until: null };
    if (state) return { status: 'failing', until: null };
    return { status: now - row.lastAt > QUIET_AFTER_MS ? 'quiet' : 'failing', until: null };
  };
}

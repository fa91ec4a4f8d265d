import { REJECTION_KINDS } from '../contracts.js';
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

/**
 * Where a service stands in the move from passwords to API keys, the same on reports and the
 * status page: `rejected` (SendGrid refuses its logins), `basic-auth` (still signs in with a
 * username and password, not yet refused: it breaks the day 2FA is switched on), `clean`.
 */
export const MIGRATION_STATUSES = ['rejected', 'basic-auth', 'clean'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/** Words for the migration statuses, as every renderer shows them. */
export const MIGRATION_TEXT: Readonly<Record<MigrationStatus, string>> = {
  rejected: 'rejected',
  'basic-auth': 'still using Basic auth (not yet rejected)',
  clean: 'clean',
};

/**
 * The migration status of a service from the kinds it showed in the window being looked at (a
 * report's period, the status page's recent window): any rejection wins over the risk.
 */
export function migrationStatus(kindsOfService: Iterable<string>): MigrationStatus {
  let risk = false;
  for (const k of kindsOfService) {
    if ((REJECTION_KINDS as readonly string[]).includes(k)) return 'rejected';
    if (k === 'basic_auth_in_use') risk = true;
  }
  return risk ? 'basic-auth' : 'clean';
}

/**
 * Every known service's migration status from the kinds seen since `since` (epoch ms, log
 * time); services with nothing since then are `clean`. For the status page.
 */
export function migrationStatuses(db: Db, since: number): Map<string, MigrationStatus> {
  const rows = db.prepare('SELECT service, kind, last_at AS lastAt FROM service_kinds').all() as Array<{ service: string; kind: string; lastAt: number }>;
  const recent = new Map<string, string[]>();
  for (const r of rows) {
    const kinds = recent.get(r.service) ?? [];
    if (r.lastAt >= since) kinds.push(r.kind);
    recent.set(r.service, kinds);
  }
  return new Map([...recent].map(([service, kinds]) => [service, migrationStatus(kinds)]));
}

import type { Db } from './db.js';

export interface ServiceKindRow {
  readonly service: string;
  readonly kind: string;
  readonly channel: string;
  readonly provider: string;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly hosts: readonly string[];
}

/** The per-service, per-kind totals, most recently seen first. */
export function listServiceKinds(db: Db, opts: { service?: string } = {}): ServiceKindRow[] {
  const rows = db
    .prepare(`SELECT service, kind, channel, provider, count, first_at AS firstAt, last_at AS lastAt FROM service_kinds
      ${opts.service === undefined ? '' : 'WHERE service = @service'} ORDER BY last_at DESC, service, kind`)
    .all(opts.service === undefined ? {} : { service: opts.service }) as Array<Omit<ServiceKindRow, 'hosts'>>;
  const hosts = db.prepare('SELECT host FROM service_hosts WHERE service = ? AND kind = ? ORDER BY count DESC, host LIMIT 5').pluck();
  return rows.map((r) => ({ ...r, hosts: hosts.all(r.service, r.kind) as string[] }));
}

/** One redacted sample line for a service and kind: the most recent. */
export function latestSample(db: Db, service: string, kind: string): string | undefined {
  return db.prepare('SELECT message FROM events WHERE service = ? AND kind = ? ORDER BY at DESC, id DESC LIMIT 1').pluck().get(service, kind) as string | undefined;
}

/**
 * Seeds a real SQLite file through the store's own write path (EventStore.commit), so the
 * running totals the reports read are exactly what the daemon would have written.
 */
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { KIND_CHANNEL, type Detection, type Kind } from '../../../src/contracts.js';
import { openDb, type Db } from '../../../src/store/db.js';
import { EventStore } from '../../../src/store/events.js';
import { tempDir } from '../../support/temp.js';

export interface SeedEvent {
  readonly service: string;
  readonly kind: Kind;
  /** ISO time with offset. */
  readonly at: string;
  readonly host?: string | null;
  readonly provider?: string;
  readonly source?: string;
}

let offset = 0;

export function detection(e: SeedEvent): Detection {
  offset += 1;
  return {
    kind: e.kind,
    channel: KIND_CHANNEL[e.kind],
    signature: `test.${e.kind}`,
    provider: e.provider ?? 'sendgrid',
    service: e.service,
    serviceVia: 'field',
    host: e.host === undefined ? 'web-1' : e.host,
    program: null,
    ts: e.at,
    message: `rejection for ${e.service}`,
    credentialFingerprint: null,
    source: e.source ?? 'app.log',
    line: offset,
    position: { stream: 'seed', offset },
  };
}

/** A migrated database in a temp directory, closed when the test finishes. */
export function tempDb(): { db: Db; path: string } {
  const path = join(tempDir('authwatch-reports-'), 'authwatch.sqlite');
  const db = openDb(path);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return { db, path };
}

export function seed(db: Db, events: readonly SeedEvent[]): void {
  new EventStore(db, () => Date.parse('2025-01-01T00:00:00Z')).commit(events.map(detection));
}

/** `n` events of a service and kind at the given times. */
export const times = (service: string, kind: Kind, ats: readonly string[], extra: Partial<SeedEvent> = {}): SeedEvent[] => ats.map((at) => ({ service, kind, at, ...extra }));

export const MAILER = 'mailer<script>alert("x")</script>';

/**
 * The scenario most report tests use. Period [2025-03-24, 2025-03-31) UTC; the previous
 * period is [2025-03-17, 2025-03-24).
 */
export const SCENARIO: readonly SeedEvent[] = [
  // Ongoing: first seen long before, 2 in the previous period, 5 in this one (+1 just after).
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-10T09:00:00Z' },
  ...times('billing-api', 'smtp_basic_auth_2fa', ['2025-03-18T10:00:00Z', '2025-03-20T10:00:00Z']),
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-24T10:00:00Z', host: 'h1' },
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-25T08:00:00Z', host: 'h1' },
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-25T09:00:00Z', host: 'h2' },
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-27T12:00:00Z', host: 'h1' },
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-30T23:59:00Z', host: 'h1' },
  { service: 'billing-api', kind: 'smtp_basic_auth_2fa', at: '2025-03-31T00:00:00Z', host: 'h1' },
  // New: first seen in this period, no host on the lines (counted under the source).
  ...times(MAILER, 'api_basic_auth_2fa', ['2025-03-26T07:00:00Z', '2025-03-26T08:00:00Z', '2025-03-28T07:00:00Z'], { host: null, source: 'mailer.log' }),
  // Recovered: 4 in the previous period, none in this one.
  ...times('legacy-cron', 'smtp_basic_auth_2fa', ['2025-03-18T01:00:00Z', '2025-03-19T01:00:00Z', '2025-03-21T01:00:00Z', '2025-03-23T23:59:59Z']),
  // Acknowledged below: 1 before, 2 now.
  ...times('acked-svc', 'smtp_auth_failed', ['2025-03-22T05:00:00Z', '2025-03-29T05:00:00Z', '2025-03-29T06:00:00Z']),
  // Muted below: 1 before, 1 now.
  ...times('muted-svc', 'api_auth_failed', ['2025-03-20T05:00:00Z', '2025-03-29T05:00:00Z']),
  // Another provider's 535: reported, without SendGrid's guide.
  { service: 'gmail-relay', kind: 'smtp_auth_failed', at: '2025-03-26T12:00:00Z', provider: 'gmail' },
  // Long gone: in neither period.
  { service: 'old-svc', kind: 'api_auth_failed', at: '2025-03-01T00:00:00Z' },
];

export const SINCE = Date.parse('2025-03-24T00:00:00Z');
export const UNTIL = Date.parse('2025-03-31T00:00:00Z');
export const NOW = Date.parse('2025-03-31T06:00:00Z');

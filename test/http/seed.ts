/**
 * A status database for the HTTP tests: a real SQLite file with events stored through the
 * EventStore (so the running totals are right), plus a silence and outbox rows.
 */
import { join } from 'node:path';
import { KIND_CHANNEL, type Detection, type Kind, type SourceHealth } from '../../src/contracts.js';
import type { LifecycleState, OpsView, PartitionLagReading, StoreHealth } from '../../src/http/ops-view.js';
import { enqueueOutbox, moveOutbox } from '../../src/store/alerts-outbox.js';
import { addSilence } from '../../src/store/alerts-silences.js';
import { openDb, type Db } from '../../src/store/db.js';
import { EventStore } from '../../src/store/events.js';
import { tempDir } from '../support/temp.js';

/** The fixed "now" of the seeded scenario: 2026-03-04 12:00 UTC. */
export const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);
const HOUR = 3_600_000;

/** A service name that must come out as text, never as markup. */
export const HOSTILE = '<img src=x onerror=alert(1)>"&mailer';

let offset = 0;
export function detection(service: string, kind: Kind, at: number): Detection {
  offset += 100;
  return {
    kind,
    channel: KIND_CHANNEL[kind],
    signature: `test.${kind}`,
    provider: 'sendgrid',
    service,
    serviceVia: 'field',
    host: 'web-1',
    program: null,
    ts: new Date(at).toISOString(),
    message: `${kind} for ${service}`,
    credentialFingerprint: null,
    source: 'app',
    line: offset / 100,
    position: { stream: 'app:1', offset },
  };
}

/** billing: 5 events over the last 3 hours; crm: 2 (muted); the hostile name: 1, 20 hours ago. */
export function seedStatusDb(db: Db): void {
  const store = new EventStore(db, () => NOW);
  store.commit([
    ...[3, 2, 2, 1, 0.5].map((h) => detection('billing', 'smtp_basic_auth_2fa', NOW - h * HOUR)),
    detection('crm', 'api_auth_failed', NOW - 5 * HOUR),
    detection('crm', 'api_auth_failed', NOW - 4 * HOUR),
    detection(HOSTILE, 'smtp_auth_failed', NOW - 20 * HOUR),
  ]);
  addSilence(db, { type: 'mute', service: 'crm', now: NOW - HOUR, expiresAt: NOW + 24 * HOUR });
  enqueueOutbox(
    db,
    [
      { decision: 'd1', service: 'billing', kind: 'smtp_basic_auth_2fa', event: 'firing', receiver: 'team', channelType: 'slack', payload: '{}' },
      { decision: 'd2', service: 'billing', kind: 'smtp_basic_auth_2fa', event: 'firing', receiver: 'mail', channelType: 'email', payload: '{}' },
    ],
    NOW - HOUR,
  );
  moveOutbox(db, 2, 'pending', 'dead', { lastError: 'Email (receiver mail): Invalid login: 535 <b>refused</b>' }, NOW - HOUR);
}

export function tempStatusDb(): { db: Db; path: string } {
  const path = join(tempDir(), 'status.sqlite');
  const db = openDb(path);
  return { db, path };
}

/** A hand-driven OpsView: each field can be changed by the test. */
export interface FakeView extends OpsView {
  lifecycle: LifecycleState;
  health: SourceHealth[];
  storeHealth: StoreHealth;
  lag: PartitionLagReading[];
  clock: number;
}

export function fakeView(db: Db): FakeView {
  const v: FakeView = {
    db,
    startedAt: NOW - 2 * HOUR,
    lifecycle: 'running',
    health: [{ id: 'app', type: 'file', state: 'running', lastBatchAt: NOW - 60_000 }],
    storeHealth: { lastCommitAt: NOW - 60_000 },
    lag: [],
    clock: NOW,
    now: () => v.clock,
    state: () => v.lifecycle,
    sources: () => v.health,
    store: () => v.storeHealth,
    kafkaLag: () => v.lag,
  };
  return v;
}

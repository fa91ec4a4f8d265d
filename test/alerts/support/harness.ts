/**
 * Shared set-up for the alerts tests: a temp-file SQLite store with both migrations, a fake
 * clock, a log that keeps its lines, and a way to store detections as the pipeline would.
 */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Detection, Kind, Log } from '../../../src/contracts.js';
import { KIND_CHANNEL } from '../../../src/contracts.js';
import { openDb, type Db } from '../../../src/store/db.js';
import { EventStore } from '../../../src/store/events.js';
import { listOutbox, type OutboxRow, type OutboxState } from '../../../src/store/alerts-outbox.js';
import { AlertsConfigSchema, type AlertsConfig, type AlertsConfigInput } from '../../../alerts/config-schema.js';
import type { Notification } from '../../../alerts/notification.js';
import { tempDir } from '../../support/temp.js';

/** 2024-05-01T12:00:00Z: a fixed start so stored times read well in failures. */
export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
export const SEC = 1_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export class FakeClock {
  constructor(public t: number = T0) {}
  readonly now = (): number => this.t;
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

export interface LogLine {
  readonly level: string;
  readonly obj: object;
  readonly msg: string;
}

export function memoryLog(lines: LogLine[] = []): Log & { lines: LogLine[] } {
  const make = (bindings: Record<string, unknown>): Log & { lines: LogLine[] } => ({
    lines,
    debug: (obj, msg) => void lines.push({ level: 'debug', obj: { ...bindings, ...obj }, msg }),
    info: (obj, msg) => void lines.push({ level: 'info', obj: { ...bindings, ...obj }, msg }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj: { ...bindings, ...obj }, msg }),
    error: (obj, msg) => void lines.push({ level: 'error', obj: { ...bindings, ...obj }, msg }),
    child: (b) => make({ ...bindings, ...b }),
  });
  return make({});
}

/** A migrated database in a temp directory (never :memory:, whose journaling differs). */
export function testDb(): { db: Db; path: string } {
  const path = join(tempDir('authwatch-alerts-'), 'authwatch.sqlite');
  const db = openDb(path);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return { db, path };
}

export function alertsConfig(input: AlertsConfigInput = {}): AlertsConfig {
  return AlertsConfigSchema.parse(input);
}

let offset = 0;

export interface EventSpec {
  readonly service: string;
  readonly kind?: Kind;
  readonly count?: number;
  /** Log time of the events; default the clock's now. Epoch ms. */
  readonly at?: number;
  readonly host?: string | null;
  readonly source?: string;
  readonly message?: string;
  readonly provider?: string;
}

/** Stores detections through the real EventStore, as the pipeline does. */
export function addEvents(db: Db, clock: FakeClock, spec: EventSpec): void {
  const kind = spec.kind ?? 'smtp_basic_auth_2fa';
  const at = spec.at ?? clock.now();
  const detections: Detection[] = [];
  for (let i = 0; i < (spec.count ?? 1); i++) {
    offset += 100;
    detections.push({
      kind,
      channel: KIND_CHANNEL[kind],
      signature: 'smtp.535.basic-auth-2fa',
      provider: spec.provider ?? 'sendgrid',
      service: spec.service,
      serviceVia: 'field',
      host: spec.host === undefined ? 'mx1.example.net' : spec.host,
      program: 'postfix/smtp',
      ts: new Date(at).toISOString(),
      message: spec.message ?? `postfix/smtp[123]: ABC: to=<a@example.com>, relay=smtp.sendgrid.net[1.2.3.4]:587, status=deferred (SASL authentication failed; server smtp.sendgrid.net said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)`,
      credentialFingerprint: null,
      source: spec.source ?? '/var/log/mail.log',
      line: offset / 100,
      position: { stream: 'test-stream', offset },
    });
  }
  new EventStore(db, clock.now).commit(detections);
}

export function outbox(db: Db, states: readonly OutboxState[] = ['pending', 'sending', 'delivered', 'dead']): OutboxRow[] {
  return listOutbox(db, { states });
}

export const payloadOf = (row: OutboxRow): Notification => JSON.parse(row.payload) as Notification;

/** A writable that keeps what it was given. */
export function captureStream(): PassThrough & { text(): string } {
  const s = new PassThrough();
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return Object.assign(s, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/**
 * Recovery evidence end to end: the detector finds a successful send through SendGrid, the
 * pipeline stores it in the same transaction as the batch's events and checkpoint, and the real
 * alert policy resolves the open alert "on evidence".
 */
import { describe, expect, it } from 'vitest';
import type { ChunkBatch } from '../../src/contracts.js';
import { createDetector, DEFAULT_DETECTOR_OPTIONS } from '../../parsers/index.js';
import { Pipeline } from '../../src/pipeline.js';
import { EventStore } from '../../src/store/events.js';
import { getAlertState } from '../../src/store/alerts-state.js';
import { createAlerting } from '../../alerts/index.js';
import { captureStream, FakeClock, memoryLog, MIN, outbox, payloadOf, SEC, T0, testDb } from './support/harness.js';

const iso = (t: number): string => new Date(t).toISOString().replace('Z', '+00:00');
const QID = '4F1A2B3C4D';
const submitted = (t: number, qid: string) => `${iso(t)} mail-1 postfix/qmgr[1100]: ${qid}: from=<cron@example.com>, size=612, nrcpt=1 (queue active)`;
const rejected = (t: number) =>
  `${iso(t)} mail-1 postfix/smtp[1400]: ${QID}: to=<ops@example.org>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[167.89.115.56] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)`;
const sent = (t: number, qid: string) =>
  `${iso(t)} mail-1 postfix/smtp[1401]: ${qid}: to=<ops@example.org>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (250 Ok: queued as Ab12)`;

describe('recovery evidence through the pipeline', () => {
  it('stores evidence with the batch in one transaction and resolves the alert on evidence', async () => {
    const { db } = testDb();
    const clock = new FakeClock();
    const log = memoryLog();
    const store = new EventStore(db, clock.now);
    const detector = createDetector({ ...DEFAULT_DETECTOR_OPTIONS, now: clock.now, evidenceWanted: () => true });
    const pipeline = new Pipeline({ detector, store, log });
    const alerting = createAlerting({ db, log, clock: clock.now, stdout: captureStream() });
    let offset = 0;
    let line = 1;
    const batch = (lines: string[], reset = false): ChunkBatch => {
      const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
      return {
        type: 'chunk',
        sourceId: 'mail',
        stream: 'mail.log',
        bytes,
        meta: { source: 'mail', name: 'mail.log' },
        ...(reset ? { reset: { startOffset: offset, startLine: line } } : {}),
        checkpoint: (c) => ({ offset: c.offset, line: c.nextLine }),
      };
    };
    const stored = () => db.prepare('SELECT COUNT(*) FROM recovery_evidence').pluck().get() as number;

    // The rejection opens an alert that fires after the group wait.
    const first = [submitted(T0 - SEC, QID), rejected(T0)];
    await pipeline.sink(batch(first));
    offset += Buffer.byteLength(first.map((l) => `${l}\n`).join(''));
    line += first.length;
    alerting.evaluate(T0);
    alerting.evaluate(clock.advance(31 * SEC));
    expect(getAlertState(db, 'cron@example.com', 'smtp_basic_auth_2fa')?.state).toBe('firing');

    // A later successful send: when the batch's commit fails, neither its checkpoint nor its
    // evidence is stored.
    const second = [submitted(T0 + MIN, 'AB12CD34EF'), sent(T0 + MIN + SEC, 'AB12CD34EF')];
    db.exec(`CREATE TRIGGER fail_checkpoint BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(pipeline.sink(batch(second))).rejects.toThrow(/disk full/);
    expect(stored()).toBe(0);
    db.exec('DROP TRIGGER fail_checkpoint');

    // The source restarts the stream from its stored checkpoint: now all of it commits together.
    await pipeline.sink(batch(second, true));
    expect(stored()).toBe(1);
    const row = db.prepare('SELECT service, channel, evidence, stored_at AS storedAt FROM recovery_evidence').get() as Record<string, unknown>;
    const checkpointAt = db.prepare("SELECT updated_at FROM checkpoints WHERE stream = 'mail.log'").pluck().get();
    expect(row).toEqual({ service: 'cron@example.com', channel: 'smtp', evidence: 'Postfix status=sent via smtp.sendgrid.net', storedAt: checkpointAt });
    // Evidence is never an event: the service's counts are the rejection alone.
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(1);

    // The policy notes the evidence and resolves once no rejection follows within the group wait.
    alerting.evaluate(clock.advance(2 * MIN));
    alerting.evaluate(clock.advance(31 * SEC));
    const state = getAlertState(db, 'cron@example.com', 'smtp_basic_auth_2fa');
    expect(state).toMatchObject({ state: 'resolved', resolvedBy: 'evidence', evidence: 'Postfix status=sent via smtp.sendgrid.net' });
    const resolved = outbox(db).filter((r) => r.event === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(payloadOf(resolved[0] as (typeof resolved)[number]).resolved).toEqual({ by: 'evidence', evidence: 'Postfix status=sent via smtp.sendgrid.net' });
    await alerting.close();
  });

  it('does not let a successful send resolve a basic_auth_in_use risk', async () => {
    const { db } = testDb();
    const clock = new FakeClock();
    const log = memoryLog();
    const pipeline = new Pipeline({ detector: createDetector({ ...DEFAULT_DETECTOR_OPTIONS, now: clock.now }), store: new EventStore(db, clock.now), log });
    const alerting = createAlerting({ db, log, clock: clock.now, stdout: captureStream() });
    const lines = [
      `${iso(T0)} 1rhG01-0002Ab-3C <= billing@example.com H=web-3.internal [10.0.3.3] P=esmtpsa S=1802`,
      `${iso(T0)} 1rhG01-0002Ab-3C => ops@example.org R=smarthost T=remote_smtp H=smtp.sendgrid.net [167.89.115.56] A=plain:acme-prod C="250 Ok"`,
    ].map((l) => l.replace(/^(\S+)T(\S+)\+00:00/, (_m, d: string, t: string) => `${d} ${t.slice(0, 8)}`));
    await pipeline.sink({ type: 'chunk', sourceId: 'exim', stream: 'mainlog', bytes: Buffer.from(lines.join('\n') + '\n'), meta: { source: 'exim' } });
    alerting.evaluate(T0);
    alerting.evaluate(clock.advance(31 * SEC));
    expect(getAlertState(db, 'billing@example.com', 'basic_auth_in_use')?.state).toBe('firing');
    // A later delivery of the same sender through SendGrid, logged in with `apikey`: evidence
    // for the service, which clears its rejections but not the Basic-auth risk.
    const later = [
      '2024-05-01 12:01:00 1rhG02-0002Ac-4D <= billing@example.com H=web-3.internal [10.0.3.3] P=esmtpsa S=900',
      '2024-05-01 12:01:01 1rhG02-0002Ac-4D => ops@example.org R=smarthost T=remote_smtp H=smtp.sendgrid.net [167.89.115.56] A=plain:apikey C="250 Ok"',
    ];
    await pipeline.sink({ type: 'chunk', sourceId: 'exim', stream: 'mainlog', bytes: Buffer.from(later.join('\n') + '\n'), meta: { source: 'exim' } });
    expect(db.prepare('SELECT service, evidence FROM recovery_evidence').all()).toEqual([{ service: 'billing@example.com', evidence: 'Exim delivery via smtp.sendgrid.net' }]);
    alerting.evaluate(clock.advance(MIN));
    alerting.evaluate(clock.advance(31 * SEC));
    expect(getAlertState(db, 'billing@example.com', 'basic_auth_in_use')?.state).toBe('firing');
    await alerting.close();
  });
});

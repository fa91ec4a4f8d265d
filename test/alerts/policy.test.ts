import { describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import type { AlertsConfigInput } from '../../alerts/config-schema.js';
import { getAlertState, listAlertStates } from '../../src/store/alerts-state.js';
import { recordRecoveryEvidence } from '../../src/store/alerts-evidence.js';
import { addSilence, endSilences, silencesFor } from '../../src/store/alerts-silences.js';
import { HOUR, MIN, SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, payloadOf, testDb } from './support/harness.js';

function setup(input: AlertsConfigInput = {}) {
  const { db } = testDb();
  const clock = new FakeClock();
  const alerting = createAlerting({ db, config: alertsConfig(input), log: memoryLog(), clock: clock.now, stdout: captureStream() });
  const evaluate = () => alerting.evaluate(clock.now());
  return { db, clock, alerting, evaluate };
}

describe('alert policy: grouping and repeat', () => {
  it('waits groupWait, then sends one notification for the whole burst', () => {
    const { db, clock, evaluate } = setup();
    addEvents(db, clock, { service: 'billing', count: 3 });
    expect(evaluate()).toEqual([]);
    expect(getAlertState(db, 'billing', 'smtp_basic_auth_2fa')?.state).toBe('pending');

    clock.advance(10 * SEC);
    addEvents(db, clock, { service: 'billing', count: 2, host: 'mx2.example.net' });
    expect(evaluate()).toEqual([]);
    clock.advance(19 * SEC);
    expect(evaluate()).toEqual([]);

    clock.advance(1 * SEC); // 30 s after the first event was seen
    const decisions = evaluate();
    expect(decisions.map((d) => d.event)).toEqual(['firing']);
    const rows = outbox(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ service: 'billing', kind: 'smtp_basic_auth_2fa', event: 'firing', receiver: 'console', state: 'pending' });
    const n = payloadOf(rows[0]!);
    expect(n.counts).toEqual({ window: 5, episode: 5, total: 5 });
    expect(n.hosts).toEqual(['mx1.example.net', 'mx2.example.net']);
    expect(n.sources).toEqual(['/var/log/mail.log']);
    expect(n.sample).toMatch(/535 Authentication failed/);
    expect(n.guide?.steps.length).toBeGreaterThan(4);
    expect(n.version).toBe(1);

    clock.advance(MIN);
    expect(evaluate()).toEqual([]);
    expect(outbox(db)).toHaveLength(1);
  });

  it('reminds after repeatInterval while events keep coming, never sooner', () => {
    const { db, clock, evaluate } = setup({ repeatInterval: '4h', resolveAfter: '1h' });
    addEvents(db, clock, { service: 'api' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
    const firedAt = clock.now();

    // New events every 30 minutes keep the alert alive without a reminder until 4 h have passed.
    for (let i = 1; i <= 7; i++) {
      clock.advance(30 * MIN);
      addEvents(db, clock, { service: 'api', count: 2 });
      expect(evaluate()).toEqual([]);
    }
    clock.t = firedAt + 4 * HOUR;
    addEvents(db, clock, { service: 'api' });
    const repeat = evaluate();
    expect(repeat.map((d) => d.event)).toEqual(['repeat']);
    expect(repeat[0]?.notification.counts).toMatchObject({ window: 15, episode: 16, total: 16 });

    // Quiet for less than resolveAfter after a reminder: nothing.
    clock.advance(59 * MIN);
    expect(evaluate()).toEqual([]);
  });

  it('does not remind when nothing new happened since the last notification', () => {
    const { db, clock, evaluate } = setup({ repeatInterval: '10m', resolveAfter: '1h' });
    addEvents(db, clock, { service: 'api' });
    evaluate();
    clock.advance(30 * SEC);
    evaluate();
    clock.advance(20 * MIN);
    expect(evaluate()).toEqual([]);
  });
});

describe('alert policy: recovery', () => {
  it('resolves after the quiet period and says so', () => {
    const { db, clock, evaluate } = setup({ resolveAfter: '1h' });
    addEvents(db, clock, { service: 'shop' });
    evaluate();
    clock.advance(30 * SEC);
    evaluate();
    clock.advance(HOUR - 30 * SEC - 1);
    expect(evaluate()).toEqual([]);
    clock.advance(1);
    const d = evaluate();
    expect(d.map((x) => x.event)).toEqual(['resolved']);
    expect(d[0]?.notification.resolved).toEqual({ by: 'quiet-period', evidence: null });
    expect(getAlertState(db, 'shop', 'smtp_basic_auth_2fa')).toMatchObject({ state: 'resolved', resolvedBy: 'quiet-period' });
  });

  it('resolves on evidence of a successful send once no rejection follows within groupWait', () => {
    const { db, clock, evaluate } = setup();
    addEvents(db, clock, { service: 'shop' });
    evaluate();
    clock.advance(30 * SEC);
    evaluate();
    clock.advance(5 * MIN);
    recordRecoveryEvidence(db, { service: 'shop', channel: 'smtp', at: clock.now(), evidence: 'Postfix status=sent via smtp.sendgrid.net' });
    expect(evaluate()).toEqual([]);
    clock.advance(30 * SEC);
    const d = evaluate();
    expect(d.map((x) => x.event)).toEqual(['resolved']);
    expect(d[0]?.notification.resolved).toEqual({ by: 'evidence', evidence: 'Postfix status=sent via smtp.sendgrid.net' });
  });

  it('ignores evidence older than the last rejection, for another channel, or contradicted by a new rejection', () => {
    const { db, clock, evaluate } = setup();
    addEvents(db, clock, { service: 'shop' });
    evaluate();
    clock.advance(30 * SEC);
    evaluate();
    recordRecoveryEvidence(db, { service: 'shop', at: clock.now() - HOUR, evidence: 'old success' });
    recordRecoveryEvidence(db, { service: 'shop', channel: 'api', at: clock.now(), evidence: 'API 202' });
    recordRecoveryEvidence(db, { service: 'other', at: clock.now(), evidence: 'SMTP 235' });
    evaluate();
    clock.advance(MIN);
    expect(evaluate()).toEqual([]);

    recordRecoveryEvidence(db, { service: 'shop', kind: 'smtp_basic_auth_2fa', at: clock.now(), evidence: 'SMTP 235 for apikey' });
    evaluate();
    clock.advance(10 * SEC);
    addEvents(db, clock, { service: 'shop' }); // one host still broken
    evaluate();
    clock.advance(MIN);
    expect(evaluate()).toEqual([]);
    expect(getAlertState(db, 'shop', 'smtp_basic_auth_2fa')?.state).toBe('firing');
  });

  it('drops a pending burst silently when evidence arrives before anything was sent', () => {
    const { db, clock, evaluate } = setup({ groupWait: '1m' });
    addEvents(db, clock, { service: 'shop' });
    evaluate();
    clock.advance(1 * SEC);
    recordRecoveryEvidence(db, { service: 'shop', at: clock.now(), evidence: 'API 202' });
    evaluate();
    clock.advance(MIN);
    expect(evaluate()).toEqual([]);
    expect(getAlertState(db, 'shop', 'smtp_basic_auth_2fa')?.state).toBe('resolved');
    expect(outbox(db)).toHaveLength(0);
  });

  it('starts a new episode when rejections return after resolving', () => {
    const { db, clock, evaluate } = setup({ resolveAfter: '10m' });
    addEvents(db, clock, { service: 'shop' });
    evaluate();
    clock.advance(30 * SEC);
    evaluate();
    clock.advance(10 * MIN);
    expect(evaluate().map((d) => d.event)).toEqual(['resolved']);
    clock.advance(HOUR);
    addEvents(db, clock, { service: 'shop', count: 2 });
    expect(evaluate()).toEqual([]);
    clock.advance(30 * SEC);
    const d = evaluate();
    expect(d.map((x) => x.event)).toEqual(['firing']);
    expect(d[0]?.notification.counts).toEqual({ window: 2, episode: 2, total: 3 });
    expect(getAlertState(db, 'shop', 'smtp_basic_auth_2fa')?.episode).toBe(2);
  });
});

describe('alert policy: threshold', () => {
  it('waits for count events within the window before the first notification', () => {
    const { db, clock, evaluate } = setup({ threshold: { count: 5, window: '5m' }, resolveAfter: '1h' });
    addEvents(db, clock, { service: 'crm', count: 3 });
    evaluate();
    clock.advance(MIN);
    expect(evaluate()).toEqual([]);
    addEvents(db, clock, { service: 'crm', count: 2 });
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
  });

  it('does not count events that are further apart than the window, and drops the episode quietly', () => {
    const { db, clock, evaluate } = setup({ threshold: { count: 3, window: '5m' }, resolveAfter: '1h' });
    for (let i = 0; i < 4; i++) {
      addEvents(db, clock, { service: 'crm' });
      evaluate();
      clock.advance(10 * MIN);
      expect(evaluate()).toEqual([]);
    }
    clock.advance(HOUR);
    expect(evaluate()).toEqual([]);
    expect(getAlertState(db, 'crm', 'smtp_basic_auth_2fa')?.state).toBe('resolved');
    expect(outbox(db)).toHaveLength(0);
  });
});

describe('alert policy: acks and mutes', () => {
  it('an ack stops reminders, lets the resolved notice through, and ends with the alert', () => {
    const { db, clock, evaluate } = setup({ repeatInterval: '10m', resolveAfter: '30m' });
    addEvents(db, clock, { service: 'erp' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
    addSilence(db, { type: 'ack', service: 'erp', now: clock.now() });
    for (let i = 0; i < 3; i++) {
      clock.advance(15 * MIN);
      addEvents(db, clock, { service: 'erp' });
      expect(evaluate()).toEqual([]);
    }
    clock.advance(30 * MIN);
    expect(evaluate().map((d) => d.event)).toEqual(['resolved']);
    expect(silencesFor(db, { now: clock.now() })).toEqual([]);

    // The next episode notifies again: the ack belonged to the previous one.
    addEvents(db, clock, { service: 'erp' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
  });

  it('an ack with an expiry holds the first notification back until it expires', () => {
    const { db, clock, evaluate } = setup();
    addSilence(db, { type: 'ack', service: 'erp', kind: 'smtp_basic_auth_2fa', now: clock.now(), expiresAt: clock.now() + 10 * MIN });
    addEvents(db, clock, { service: 'erp' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate()).toEqual([]);
    expect(getAlertState(db, 'erp', 'smtp_basic_auth_2fa')).toMatchObject({ state: 'firing', notifiedAt: null });
    clock.advance(5 * MIN);
    addEvents(db, clock, { service: 'erp' });
    expect(evaluate()).toEqual([]);
    clock.advance(5 * MIN);
    const d = evaluate();
    expect(d.map((x) => x.event)).toEqual(['firing']);
    expect(d[0]?.notification.counts.window).toBe(2);
  });

  it('a mute silences everything, resolved notices included, until it expires or is lifted', () => {
    const { db, clock, evaluate } = setup({ repeatInterval: '10m', resolveAfter: '30m' });
    addEvents(db, clock, { service: 'erp' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
    addSilence(db, { type: 'mute', service: 'erp', now: clock.now(), expiresAt: clock.now() + HOUR });
    clock.advance(15 * MIN);
    addEvents(db, clock, { service: 'erp' });
    expect(evaluate()).toEqual([]);
    clock.advance(30 * MIN);
    expect(evaluate()).toEqual([]); // resolved while muted: no notice
    expect(getAlertState(db, 'erp', 'smtp_basic_auth_2fa')?.state).toBe('resolved');

    // A new episode during the mute stays quiet, then notifies once the mute expires.
    addEvents(db, clock, { service: 'erp' });
    evaluate();
    clock.advance(5 * MIN);
    addEvents(db, clock, { service: 'erp' });
    expect(evaluate()).toEqual([]);
    clock.advance(11 * MIN); // past the hour of the mute
    expect(evaluate().map((d) => d.event)).toEqual(['firing']);
  });

  it('unmute lifts a mute at once; a mute for one kind leaves the others alone', () => {
    const { db, clock, evaluate } = setup();
    addSilence(db, { type: 'mute', service: 'erp', kind: 'api_auth_failed', now: clock.now() });
    addSilence(db, { type: 'mute', service: 'erp', kind: 'smtp_basic_auth_2fa', now: clock.now() });
    addEvents(db, clock, { service: 'erp', kind: 'smtp_basic_auth_2fa' });
    addEvents(db, clock, { service: 'erp', kind: 'api_auth_failed' });
    addEvents(db, clock, { service: 'erp', kind: 'api_basic_auth_2fa' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.kind)).toEqual(['api_basic_auth_2fa']);
    expect(endSilences(db, { type: 'mute', service: 'erp', kind: 'api_auth_failed', now: clock.now(), by: 'test' })).toBe(1);
    clock.advance(SEC);
    expect(evaluate().map((d) => d.kind)).toEqual(['api_auth_failed']);
    expect(silencesFor(db, { now: clock.now(), service: 'erp' }).map((s) => s.kind)).toEqual(['smtp_basic_auth_2fa']);
  });
});

describe('alert policy: routing and content', () => {
  it('routes by service pattern and kind, first match wins unless continue, the rest to the default', () => {
    const { db, clock, evaluate } = setup({
      receivers: {
        payments: { type: 'webhook', url: 'http://127.0.0.1:9/payments' },
        audit: { type: 'webhook', url: 'http://127.0.0.1:9/audit' },
        ops: { type: 'webhook', url: 'http://127.0.0.1:9/ops' },
      },
      routes: [
        { services: ['/.*/'], kinds: ['api_auth_failed'], receivers: ['audit'], continue: true },
        { services: ['pay-*'], receivers: ['payments'] },
        { services: ['pay-eu'], receivers: ['ops'] },
      ],
      defaultReceivers: ['ops'],
    });
    addEvents(db, clock, { service: 'pay-eu' });
    addEvents(db, clock, { service: 'PAY-us', kind: 'api_auth_failed' });
    addEvents(db, clock, { service: 'orphan' });
    evaluate();
    clock.advance(30 * SEC);
    const byService = Object.fromEntries(evaluate().map((d) => [d.service, d.receivers]));
    expect(byService).toEqual({ 'pay-eu': ['payments'], 'PAY-us': ['audit', 'payments'], orphan: ['ops'] });
    expect(outbox(db)).toHaveLength(4);
  });

  it('leaves out the SendGrid guide when the rejection came from another provider', () => {
    const { db, clock, evaluate } = setup();
    addEvents(db, clock, { service: 'legacy', kind: 'smtp_auth_failed', provider: 'mailgun' });
    evaluate();
    clock.advance(30 * SEC);
    const n = evaluate()[0]?.notification;
    expect(n?.provider).toBe('mailgun');
    expect(n?.guide).toBeNull();
    expect(n?.meaning).toMatch(/not a SendGrid rejection/);
  });

  it('keeps each service and kind apart and reads every event once', () => {
    const { db, clock, evaluate } = setup();
    addEvents(db, clock, { service: 'a', count: 2 });
    addEvents(db, clock, { service: 'a', kind: 'api_basic_auth_2fa' });
    addEvents(db, clock, { service: 'b', count: 4 });
    evaluate();
    evaluate();
    clock.advance(30 * SEC);
    const d = evaluate();
    expect(d.map((x) => `${x.service}/${x.kind}=${x.notification.counts.window}`).sort()).toEqual(['a/api_basic_auth_2fa=1', 'a/smtp_basic_auth_2fa=2', 'b/smtp_basic_auth_2fa=4']);
    expect(listAlertStates(db).every((s) => s.state === 'firing')).toBe(true);
  });
});

describe('alert policy: history', () => {
  it('does not open alerts for events stored longer ago than the quiet period', () => {
    const { db, clock, evaluate } = setup({ resolveAfter: '1h' });
    addEvents(db, clock, { service: 'old', count: 5 });
    clock.advance(2 * HOUR);
    addEvents(db, clock, { service: 'new' });
    evaluate();
    clock.advance(30 * SEC);
    expect(evaluate().map((d) => d.service)).toEqual(['new']);
    expect(getAlertState(db, 'old', 'smtp_basic_auth_2fa')).toBeUndefined();
  });
});

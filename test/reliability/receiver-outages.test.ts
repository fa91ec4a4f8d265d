/**
 * Receivers that are not there at all — the SMTP server refusing connections, the webhook's
 * port closed — for several minutes while alerts keep being decided. Notifications must wait
 * in the outbox (retried, never dead-lettered within maxAttempts, never dropped), and once the
 * receivers are back every one must arrive exactly once, in decision order per service.
 * 500s and 429 Retry-After are covered in test/alerts/delivery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import { MIN, SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb } from '../alerts/support/harness.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { startTcpGate } from './support/tcp-gate.js';

describe('receivers down for minutes', () => {
  it('keep notifications in the outbox and get all of them, in order per service, when back', async () => {
    const smtp = await startSmtpReceiver({ user: 'alerts', pass: 'pw' });
    const gate = await startTcpGate(smtp.port);
    const hook = await startHttpReceiver();
    await hook.down();
    const { db } = testDb();
    const clock = new FakeClock();
    const config = alertsConfig({
      resolveAfter: '10m',
      receivers: {
        mail: { type: 'email', to: ['ops@example.com'], smtpUrl: `smtp://alerts:pw@127.0.0.1:${gate.port}` },
        hook: { type: 'webhook', url: `${hook.url}/hook` },
      },
      routes: [{ receivers: ['mail', 'hook'] }],
      delivery: { maxAttempts: 20, backoffMin: '10s', backoffMax: '1m', timeout: '2s' },
    });
    const alerting = createAlerting({ db, config, log: memoryLog(), clock: clock.now, stdout: captureStream(), random: () => 0.5 });
    /** Stores a rejection for the service and lets groupWait (30 s) pass. */
    const fire = (service: string): void => {
      addEvents(db, clock, { service });
      alerting.evaluate(clock.now());
      clock.advance(30 * SEC);
      alerting.evaluate(clock.now());
    };

    // Eight minutes of outage: billing fires, resolves after its quiet period and fires again;
    // crm fires in between. Every delivery attempt meanwhile is refused.
    fire('billing');
    await alerting.deliver(clock.now());
    clock.advance(3 * MIN);
    fire('crm');
    clock.advance(11 * MIN);
    alerting.evaluate(clock.now());
    fire('billing');
    for (let minute = 0; minute < 8; minute++) {
      await alerting.deliver(clock.now());
      clock.advance(MIN);
    }
    const waiting = outbox(db);
    expect(waiting.map((r) => `${r.service}:${r.event}:${r.receiver}`)).toEqual([
      'billing:firing:mail',
      'billing:firing:hook',
      'crm:firing:mail',
      'crm:firing:hook',
      'billing:resolved:mail',
      'billing:resolved:hook',
      'crm:resolved:mail',
      'crm:resolved:hook',
      'billing:firing:mail',
      'billing:firing:hook',
    ]);
    // Waiting, not lost: pending with the refusal recorded, nothing dead, nothing received.
    expect(waiting.every((r) => r.state === 'pending')).toBe(true);
    expect(waiting.filter((r) => r.attempts > 1).length).toBeGreaterThan(0);
    for (const r of waiting.filter((x) => x.attempts > 0)) expect(r.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(smtp.mails).toHaveLength(0);
    expect(hook.requests).toHaveLength(0);

    await gate.open();
    await hook.up();
    for (let round = 0; round < 20 && outbox(db, ['pending', 'sending']).length > 0; round++) {
      await alerting.deliver(clock.now());
      clock.advance(MIN);
    }
    await alerting.close();
    expect(outbox(db).map((r) => r.state)).toEqual(waiting.map(() => 'delivered'));

    // Each decision arrived once per receiver, in the order it was decided, per service.
    const decided = (service: string, receiver: string): string[] => waiting.filter((r) => r.service === service && r.receiver === receiver).map((r) => r.decision);
    const deliveryId = (v: unknown): string => (typeof v === 'string' ? v : '');
    const mailed = (service: string): string[] => smtp.mails.filter((m) => m.parsed.subject?.includes(service)).map((m) => deliveryId(m.parsed.headers.get('x-authwatch-delivery')));
    const posted = (service: string): string[] =>
      hook.requests.filter((r) => (JSON.parse(r.body) as { service: string }).service === service).map((r) => String(r.headers['x-authwatch-delivery']));
    for (const service of ['billing', 'crm']) {
      expect(mailed(service)).toEqual(decided(service, 'mail'));
      expect(posted(service)).toEqual(decided(service, 'hook'));
    }
    expect(smtp.mails).toHaveLength(5);
    expect(hook.requests).toHaveLength(5);
  }, 60_000);
});

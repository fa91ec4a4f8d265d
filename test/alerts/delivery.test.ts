import { describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import type { AlertsConfigInput } from '../../alerts/config-schema.js';
import { backoffDelay } from '../../src/util/backoff.js';
import { parseRetryAfter } from '../../alerts/channels/http-post.js';
import { Outbox, IllegalOutboxMove, OUTBOX_NEXT } from '../../alerts/outbox.js';
import { getOutbox } from '../../src/store/alerts-outbox.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { MIN, SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb } from './support/harness.js';

/** One webhook receiver; jitter fixed at its midpoint so backoff times are exact. */
async function setup(extra: AlertsConfigInput = {}, receiver?: HttpReceiver) {
  const http = receiver ?? (await startHttpReceiver());
  const { db } = testDb();
  const clock = new FakeClock();
  const log = memoryLog();
  const config = alertsConfig({
    receivers: { hook: { type: 'webhook', url: `${http.url}/hook` } },
    delivery: { maxAttempts: 4, backoffMin: '10s', backoffMax: '1m', timeout: '2s' },
    ...extra,
  });
  const alerting = createAlerting({ db, config, log, clock: clock.now, stdout: captureStream(), random: () => 0.5 });
  /** Stores events for a service and lets groupWait pass so one firing message is queued. */
  const fire = (service: string) => {
    addEvents(db, clock, { service });
    alerting.evaluate(clock.now());
    clock.advance(30 * SEC);
    alerting.evaluate(clock.now());
  };
  return { http, db, clock, log, alerting, fire, deliver: () => alerting.deliver(clock.now()) };
}

describe('delivery', () => {
  it('delivers a queued message once', async () => {
    const { http, db, fire, deliver } = await setup();
    fire('svc');
    expect(await deliver()).toBe(1);
    expect(http.requests).toHaveLength(1);
    expect(outbox(db)[0]).toMatchObject({ state: 'delivered', attempts: 1, lastError: null });
    expect(await deliver()).toBe(0);
    expect(http.requests).toHaveLength(1);
  });

  it('retries 5xx with exponential backoff and jitter', async () => {
    const { http, db, clock, fire, deliver } = await setup();
    http.script({ status: 500, body: 'boom' }, { status: 503 });
    fire('svc');
    await deliver();
    let row = outbox(db)[0]!;
    // attempt 1 failed: base 10 s, jitter 0.5 → 5 s + 2.5 s
    expect(row).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: clock.now() + 7_500 });
    expect(row.lastError).toMatch(/answered 500: boom/);
    expect(row.lastError).not.toContain(http.url);

    clock.advance(7_499);
    expect(await deliver()).toBe(0);
    clock.advance(1);
    await deliver();
    row = outbox(db)[0]!;
    expect(row).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: clock.now() + 15_000 });
    clock.advance(15_000);
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(http.requests).toHaveLength(3);
    expect(new Set(http.requests.map((r) => r.body)).size).toBe(1);
  });

  it('honours 429 Retry-After in seconds and as an HTTP date', async () => {
    const { http, db, clock, fire, deliver } = await setup();
    http.script({ status: 429, headers: { 'Retry-After': '120' } });
    fire('svc');
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'pending', nextAttemptAt: clock.now() + 120_000 });
    expect(outbox(db)[0]?.lastError).toMatch(/rate limited; retry after 120 s/);

    clock.advance(120_000);
    http.script({ status: 429, headers: { 'Retry-After': new Date(clock.now() + 5 * MIN).toUTCString() } });
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: clock.now() + 5 * MIN });
    clock.advance(5 * MIN - 1);
    expect(await deliver()).toBe(0);
    clock.advance(1);
    await deliver();
    expect(outbox(db)[0]?.state).toBe('delivered');
  });

  it('parses Retry-After forms', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter(new Date(now - 90_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('keeps retrying while the receiver is down and delivers once it is back', async () => {
    const { http, db, clock, fire, deliver } = await setup({ delivery: { maxAttempts: 8, backoffMin: '10s', backoffMax: '1m' } });
    await http.down();
    fire('svc');
    for (let i = 0; i < 3; i++) {
      await deliver();
      const row = outbox(db)[0]!;
      expect(row.state).toBe('pending');
      expect(row.lastError).toMatch(/could not be reached: ECONNREFUSED/);
      clock.t = row.nextAttemptAt;
    }
    await http.up();
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'delivered', attempts: 4 });
    expect(http.requests).toHaveLength(1);
  });

  it('retries a timed-out or dropped request', async () => {
    const { http, db, clock, fire, deliver } = await setup({ delivery: { timeout: '200ms' } });
    http.script('hang', 'drop');
    fire('svc');
    await deliver();
    expect(outbox(db)[0]?.lastError).toMatch(/timed out/);
    clock.t = outbox(db)[0]!.nextAttemptAt;
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'pending', attempts: 2 });
    clock.t = outbox(db)[0]!.nextAttemptAt;
    await deliver();
    expect(outbox(db)[0]?.state).toBe('delivered');
  });

  it('moves a message to the dead letter after maxAttempts, keeping the error', async () => {
    const { http, db, clock, fire, deliver, log } = await setup();
    http.setDefault({ status: 502, body: 'bad gateway' });
    fire('svc');
    for (let i = 0; i < 4; i++) {
      await deliver();
      clock.t = outbox(db)[0]!.nextAttemptAt;
    }
    const row = outbox(db)[0]!;
    expect(row).toMatchObject({ state: 'dead', attempts: 4 });
    expect(row.lastError).toMatch(/Gave up after 4 attempts\. Last error: .*502: bad gateway/);
    clock.advance(1_000 * MIN);
    expect(await deliver()).toBe(0);
    expect(http.requests).toHaveLength(4);
    expect(log.lines.some((l) => l.level === 'error' && /dead letter/.test(l.msg))).toBe(true);
  });

  it('dead-letters a permanent 4xx at once', async () => {
    const { http, db, fire, deliver } = await setup();
    http.script({ status: 400, body: 'invalid_payload' });
    fire('svc');
    await deliver();
    expect(outbox(db)[0]).toMatchObject({ state: 'dead', attempts: 1 });
    expect(outbox(db)[0]?.lastError).toMatch(/answered 400: invalid_payload/);
  });

  it('an operator retry requeues a dead message with a fresh attempt count', async () => {
    const { http, db, clock, fire, deliver } = await setup();
    http.script({ status: 404, body: 'no_service' });
    fire('svc');
    await deliver();
    const id = outbox(db)[0]!.id;
    const box = new Outbox(db);
    expect(box.retry(id, clock.now())).toBe('dead');
    expect(getOutbox(db, id)).toMatchObject({ state: 'pending', attempts: 0 });
    await deliver();
    expect(getOutbox(db, id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(() => box.retry(id, clock.now())).toThrow(/only pending and dead/);
  });

  it('sends a service’s messages in order and does not let a retry block other services', async () => {
    const { http, db, clock, alerting, fire, deliver } = await setup({ resolveAfter: '10m' });
    http.script({ status: 500 });
    fire('first');
    await deliver(); // firing of `first` fails and waits
    clock.advance(10 * MIN); // quiet period: `first` resolves, a second message is queued
    fire('second');
    alerting.evaluate(clock.now());
    const queued = outbox(db).map((r) => `${r.service}:${r.event}:${r.state}`);
    expect(queued).toEqual(['first:firing:pending', 'first:resolved:pending', 'second:firing:pending']);

    await deliver();
    // The retry of first:firing is due (10 min later); resolved waits behind it; second goes too.
    const bodies = http.requests.map((r) => JSON.parse(r.body) as { service: string; event: string });
    expect(bodies.map((b) => `${b.service}:${b.event}`)).toEqual(['first:firing', 'first:firing', 'second:firing']);
    expect(outbox(db).find((r) => r.event === 'resolved')?.state).toBe('pending');
    await deliver();
    expect(http.requests.map((r) => (JSON.parse(r.body) as { event: string }).event).at(-1)).toBe('resolved');
    expect(outbox(db).every((r) => r.state === 'delivered')).toBe(true);
  });

  it('holds later messages of a service while an earlier one waits for its retry', async () => {
    const { http, db, clock, alerting, fire, deliver } = await setup({ resolveAfter: '10m', delivery: { backoffMin: '1h', backoffMax: '2h' } });
    http.script({ status: 503 });
    fire('svc');
    await deliver(); // fails; next try in 30 min (1 h base, jitter at its midpoint)
    clock.advance(10 * MIN);
    alerting.evaluate(clock.now()); // quiet period over: a resolved message queues behind it
    expect(outbox(db).map((r) => `${r.event}:${r.state}`)).toEqual(['firing:pending', 'resolved:pending']);

    expect(await deliver()).toBe(0); // the resolved message must not overtake the waiting one
    expect(http.requests).toHaveLength(1);
    clock.t = outbox(db)[0]!.nextAttemptAt;
    expect(await deliver()).toBe(1);
    expect(await deliver()).toBe(1);
    const events = http.requests.map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(events).toEqual(['firing', 'firing', 'resolved']);
    expect(outbox(db).map((r) => r.state)).toEqual(['delivered', 'delivered']);
  });
});

describe('outbox state table', () => {
  it('refuses illegal moves', async () => {
    const { db, fire, deliver } = await setup();
    fire('svc');
    await deliver();
    const box = new Outbox(db);
    const id = outbox(db)[0]!.id;
    expect(OUTBOX_NEXT.delivered).toEqual([]);
    expect(() => box.markRetry(id, 0, 'x', 0)).toThrow(IllegalOutboxMove);
    expect(() => box.markDelivered(id, 0)).toThrow(/is delivered, not sending/);
  });

  it('computes capped exponential backoff with jitter', () => {
    expect(backoffDelay(1, { initialMs: 1000, maxMs: 60_000 }, () => 0)).toBe(500);
    expect(backoffDelay(1, { initialMs: 1000, maxMs: 60_000 }, () => 0.999_999)).toBe(1000);
    expect(backoffDelay(3, { initialMs: 1000, maxMs: 60_000 }, () => 0)).toBe(2000);
    expect(backoffDelay(20, { initialMs: 1000, maxMs: 60_000 }, () => 0)).toBe(30_000);
  });
});

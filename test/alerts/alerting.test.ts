import { describe, expect, it } from 'vitest';
import { alertsConfigFromFlags, createAlerting } from '../../alerts/index.js';
import { ConfigError } from '../../src/errors.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb } from './support/harness.js';

/** Polls until `check` holds; fails after `timeoutMs` of wall time. */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createAlerting on timers', () => {
  it('start() evaluates and delivers on its own; close() stops it', async () => {
    const { db } = testDb();
    const stdout = captureStream();
    const alerting = createAlerting({ db, config: alertsConfig({ groupWait: '50ms', evaluateInterval: '20ms' }), log: memoryLog(), stdout });
    alerting.start();
    addEvents(db, new FakeClock(Date.now()), { service: 'timer-svc' });
    await eventually(() => stdout.text().includes('timer-svc: smtp_basic_auth_2fa failing'));
    await alerting.close();
    expect(outbox(db).map((r) => r.state)).toEqual(['delivered']);
    await alerting.close(); // a second close is harmless
  });

  it('close() gives in-flight sends the grace period, then aborts them back to pending', async () => {
    const http = await startHttpReceiver();
    http.script('hang');
    const { db } = testDb();
    const log = memoryLog();
    const alerting = createAlerting({
      db,
      config: alertsConfig({ groupWait: '10ms', evaluateInterval: '10ms', receivers: { hook: { type: 'webhook', url: http.url } }, delivery: { closeGrace: '50ms', timeout: '30s' } }),
      log,
      stdout: captureStream(),
    });
    alerting.start();
    addEvents(db, new FakeClock(Date.now()), { service: 'slow' });
    await http.waitFor(1);
    await alerting.close();
    const [row] = outbox(db);
    expect(row).toMatchObject({ state: 'pending', attempts: 1 });
    expect(row?.lastError).toMatch(/aborted/);
  });
});

describe('alertsConfigFromFlags', () => {
  it('turns the quick flags into receivers on the default route', () => {
    const c = alertsConfigFromFlags({
      slackWebhook: 'https://hooks.slack.com/services/T/B/X',
      webhook: 'http://127.0.0.1:8080/hook',
      emailTo: 'a@example.com, b@example.com',
      smtpUrl: 'smtp://u:p@mail.example.com:2525',
      groupWait: '10s',
    });
    expect(c.groupWait).toBe(10_000);
    expect(Object.keys(c.receivers)).toEqual(['slack', 'webhook', 'email']);
    expect(c.receivers.email).toMatchObject({ type: 'email', to: ['a@example.com', 'b@example.com'], smtpUrl: 'smtp://u:p@mail.example.com:2525' });
    expect(c.defaultReceivers).toBeUndefined();
    expect(c.repeatInterval).toBe(4 * 3_600_000);
  });

  it('adds to a config file section and keeps its explicit default route', () => {
    const base = alertsConfig({ receivers: { ops: { type: 'webhook', url: 'http://127.0.0.1:1/ops' } }, defaultReceivers: ['ops'], groupWait: '1m' });
    const c = alertsConfigFromFlags({ slackWebhook: 'https://hooks.slack.com/services/T/B/X' }, base);
    expect(c.defaultReceivers).toEqual(['ops', 'slack']);
    expect(c.groupWait).toBe(60_000);
    expect(Object.keys(c.receivers)).toEqual(['ops', 'slack']);
  });

  it('ignores empty values and reports every problem together', () => {
    expect(alertsConfigFromFlags({ slackWebhook: '', groupWait: '' }).receivers).toEqual({});
    let err: unknown;
    try {
      alertsConfigFromFlags({ slackWebhook: 'not a url', emailTo: 'a@example.com', groupWait: 'soon' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/--slack-webhook/);
    expect(problems).toMatch(/--email-to is set but --smtp-url is not/);
    expect(problems).toMatch(/--group-wait is "soon"/);
  });
});

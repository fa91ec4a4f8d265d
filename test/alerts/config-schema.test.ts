import { describe, expect, it } from 'vitest';
import { AlertsConfigSchema, defaultAlertsConfig } from '../../alerts/config-schema.js';
import { formatDuration, parseDuration } from '../../alerts/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5s', 1_500],
    [' 10S ', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 's', '10x', '-5s', '1h 30m', '5s5', 'abc'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(14_400_000)).toBe('4h');
    expect(formatDuration(500)).toBe('500ms');
  });
});

describe('AlertsConfigSchema', () => {
  it('has the documented defaults', () => {
    const c = defaultAlertsConfig();
    expect(c.groupWait).toBe(30_000);
    expect(c.repeatInterval).toBe(4 * 3_600_000);
    expect(c.resolveAfter).toBe(3_600_000);
    expect(c.evaluateInterval).toBe(1_000);
    expect(c.threshold).toBeUndefined();
    expect(c.receivers).toEqual({});
    expect(c.routes).toEqual([]);
    expect(c.delivery).toEqual({ maxAttempts: 8, backoffMin: 5_000, backoffMax: 600_000, timeout: 10_000, concurrency: 4, closeGrace: 5_000 });
  });

  it('parses receivers, routes and durations', () => {
    const c = AlertsConfigSchema.parse({
      groupWait: '10s',
      threshold: { count: 5, window: '5m' },
      receivers: {
        team: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/X' },
        mail: { type: 'email', to: ['ops@example.com'], smtpUrl: 'smtp://u:p@mail.example.com:587' },
        hook: { type: 'webhook', url: 'http://127.0.0.1:9/x', secret: 's3cret', headers: { 'X-Team': 'mail' } },
      },
      routes: [{ services: ['billing-*', '/^api-(eu|us)$/'], kinds: ['smtp_basic_auth_2fa'], receivers: ['team'], continue: true }],
      defaultReceivers: ['mail', 'console'],
    });
    expect(c.groupWait).toBe(10_000);
    expect(c.threshold).toEqual({ count: 5, window: 300_000 });
    expect(c.routes[0]?.continue).toBe(true);
    expect(c.receivers.mail).toMatchObject({ type: 'email', from: 'authwatch <authwatch@localhost>', secure: false });
  });

  it('reports unknown keys, bad durations and unknown receivers together', () => {
    const r = AlertsConfigSchema.safeParse({
      groupwait: '10s',
      repeatInterval: '4 hours',
      receivers: { x: { type: 'slack', webhookUrl: 'ftp://nope' } },
      routes: [{ receivers: ['nobody'] }],
    });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error?.issues);
    expect(text).toMatch(/groupwait/);
    expect(text).toMatch(/expected a duration/);
    expect(text).toMatch(/http/);
  });

  it('refuses a route naming a missing receiver', () => {
    const r = AlertsConfigSchema.safeParse({ routes: [{ receivers: ['nobody'] }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['routes', 0, 'receivers', 0]);
  });

  it('needs exactly one of smtpUrl or host for email', () => {
    const r = AlertsConfigSchema.safeParse({ receivers: { m: { type: 'email', to: ['a@example.com'] } } });
    expect(r.success).toBe(false);
    const bad = AlertsConfigSchema.safeParse({ receivers: { m: { type: 'email', to: ['a@example.com'], host: 'h', smtpUrl: 'smtp://h' } } });
    expect(bad.success).toBe(false);
  });

  it('refuses line breaks in header-bound values', () => {
    const r = AlertsConfigSchema.safeParse({ receivers: { m: { type: 'email', to: ['a@example.com'], host: 'h', from: 'a@example.com\r\nBcc: x@example.com' } } });
    expect(r.success).toBe(false);
  });
});

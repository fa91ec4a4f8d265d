import { describe, expect, it } from 'vitest';
import { redact } from '../../parsers/index.js';
import { validateConfig } from '../../src/config/load.js';
import { bearerMatches } from '../../src/http/auth.js';
import { configSecrets } from '../../src/telemetry/config-secrets.js';
import { createScrubber } from '../../src/telemetry/scrub.js';

describe('configSecrets', () => {
  it('collects every credential-bearing value of a config, with the parts of its URLs', () => {
    const config = validateConfig({
      sources: [{ type: 'kafka', brokers: ['k:9092'], topics: ['t'], sasl: { mechanism: 'plain', username: 'u', password: 'kafka-pass-123' } }],
      http: { port: 9464, token: 'http-token-0123456789' },
      alerts: {
        receivers: {
          team: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T01/B02/slackTokenABCDEF' },
          mail: { type: 'email', to: ['a@example.com'], smtpUrl: 'smtp://apikey:p%40ss%20word@smtp.example.com:587' },
          relay: { type: 'email', to: ['a@example.com'], host: 'mx', user: 'u', pass: 'mail-pass-456' },
          hook: { type: 'webhook', url: 'https://example.com/h?sig=querySecret77', secret: 'hmac-secret-89', headers: { Authorization: 'Bearer header-token-1' } },
        },
      },
    });
    const s = configSecrets(config);
    for (const v of ['kafka-pass-123', 'http-token-0123456789', 'slackTokenABCDEF', '/services/T01/B02/slackTokenABCDEF', 'p%40ss%20word', 'p@ss word', 'mail-pass-456', 'sig=querySecret77', 'hmac-secret-89', 'Bearer header-token-1', 'header-token-1']) {
      expect(s, v).toContain(v);
    }
  });
});

describe('createScrubber', () => {
  const scrub = createScrubber(['p@ss "word"', 'abc', 'https://hooks.example.com/x/tok123456'], redact);

  it('replaces exact values as written, JSON-escaped and percent-encoded', () => {
    expect(scrub('login p@ss "word" failed')).toBe('login [REDACTED] failed');
    expect(scrub(JSON.stringify({ msg: 'login p@ss "word" failed' }))).toBe('{"msg":"login [REDACTED] failed"}');
    expect(scrub(`smtp://u:${encodeURIComponent('p@ss "word"')}@h`)).not.toContain('word');
    expect(scrub('POST https://hooks.example.com/x/tok123456 failed')).toBe('POST [REDACTED] failed');
  });

  it('leaves short values alone (too likely to be ordinary words) and keeps JSON valid', () => {
    expect(scrub('abc def')).toBe('abc def');
    const line = JSON.stringify({ a: 'Authorization: Bearer SG.aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', url: 'https://hooks.slack.com/services/T1/B2/zzzz' });
    const out = scrub(line);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
    expect(out).not.toContain('SG.aaaa');
    expect(out).not.toContain('zzzz');
  });
});

describe('bearerMatches', () => {
  const token = 'a-token-of-20-chars!';
  it('accepts exactly `Bearer <token>`', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });
  it('refuses anything else', () => {
    for (const h of [undefined, '', token, `Bearer`, `Bearer ${token} x`, `Bearer ${token}x`, `Basic ${token}`, `Bearer ${token.toUpperCase()}`]) expect(bearerMatches(h, token), String(h)).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

/**
 * Canaries: the daemon runs (in-process, through the CLI's `main`) with a config full of
 * secrets and input lines full of credentials, at log level trace, with receivers that fail
 * and echo. Nothing it writes — logs, console alerts, HTTP answers — may contain a canary.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';
import { stdinDaemonSetup } from '../support/stdin-daemon-setup.js';

const SLACK_TOKEN = 'CanarySlackTokenQ9x8y7z';
const SMTP_PASS = 'CanarySmtpPass!x7';
const HOOK_KEY = 'CanaryQueryKey55x';
const HMAC_SECRET = 'CanaryHmacSecret77';
const HEADER_TOKEN = 'CanaryHeaderToken99';
const HTTP_TOKEN = 'CanaryHttpToken-0123456789';
const SG_KEY = 'SG.CanaryKeyAAAAAAAAAAAAA.CanaryKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const SG_KEY2 = 'SG.CanaryUrlKeyCCCCCCCCCC.CanaryUrlKeyDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD';
const BASIC = 'Q2FuYXJ5QmFzaWNVc2VyOkNhbmFyeUJhc2ljUGFzcw==';

/** Every string that must never appear, with the forms it could take. */
const CANARIES = [
  SLACK_TOKEN,
  SMTP_PASS,
  encodeURIComponent(SMTP_PASS),
  HOOK_KEY,
  HMAC_SECRET,
  HEADER_TOKEN,
  HTTP_TOKEN,
  SG_KEY,
  'CanaryKeyBBBBBBBBBB',
  SG_KEY2,
  'CanaryUrlKeyDDDDDDDD',
  BASIC,
  'CanaryBasicPass',
];

const INPUT = [
  JSON.stringify({ service: 'billing', message: '535 Authentication failed: Basic authentication is not allowed with 2FA enabled', api_key: SG_KEY }),
  `curl -H "Authorization: Basic ${BASIC}" https://api.sendgrid.com/v3/mail/send -> 401 {"errors":[{"message":"invalid authentication method - declined because you are using basic authentication with 2FA enabled"}]}`,
  `app=crm mailer smtp://apikey:${SG_KEY2}@smtp.sendgrid.net:587 said: 535 Authentication failed: Bad username / password`,
  `debug: loaded key ${SG_KEY} for the mailer`,
];

describe('log redaction canaries', () => {
  it('never writes a configured secret or a credential from the input', async () => {
    const dir = tempDir();
    const { slack, hook, smtp, port, db, config, base } = await stdinDaemonSetup(dir, { logLevel: 'trace', httpToken: HTTP_TOKEN, smtp: { user: 'alerts', pass: 'not-the-configured-one' } });
    // Receivers that echo their token in the error body: the error must still come out clean.
    slack.setDefault({ status: 400, body: `invalid_token ${SLACK_TOKEN} for /services/T0CANARY/B0CANARY/${SLACK_TOKEN}` });
    hook.setDefault({ status: 503, body: `unavailable, key=${HOOK_KEY}` });
    writeFileSync(
      config,
      `${base}alerts:
  groupWait: 1s
  evaluateInterval: 1s
  receivers:
    team:
      type: slack
      webhookUrl: ${slack.url}/services/T0CANARY/B0CANARY/${SLACK_TOKEN}
    mail:
      type: email
      to: [ops@example.com]
      smtpUrl: smtp://alerts:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${smtp.port}
    hook:
      type: webhook
      url: ${hook.url}/h?key=${HOOK_KEY}
      secret: ${HMAC_SECRET}
      headers:
        Authorization: Bearer ${HEADER_TOKEN}
  routes:
    - receivers: [team, mail, hook, console]
  delivery:
    backoffMin: 10m
    backoffMax: 1h
`,
    );

    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const exit = main(['run', '--config', config], { stdin, stdout, stderr, env: {} });
    for (const l of INPUT) stdin.write(`${l}\n`);

    // Wait until every receiver has been tried at least once (and failed).
    const tried = () => {
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        try {
          const rows = d.prepare('SELECT DISTINCT receiver FROM alert_outbox WHERE attempts > 0').pluck().all() as string[];
          return ['team', 'mail', 'hook', 'console'].every((r) => rows.includes(r));
        } finally {
          d.close();
        }
      } catch {
        return false;
      }
    };
    expect(await waitFor(tried, 30_000)).toBe(true);

    const pages: string[] = [];
    for (const path of ['/', '/api/status', '/readyz', '/healthz', '/metrics']) pages.push(await (await fetch(`http://127.0.0.1:${port}${path}`)).text());
    // A wrong token is refused, and the right one works; neither is echoed back.
    const wrong = await fetch(`http://127.0.0.1:${port}/api/services/billing/ack`, { method: 'POST', headers: { Authorization: `Bearer ${HTTP_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    pages.push(await wrong.text());
    const right = await fetch(`http://127.0.0.1:${port}/api/services/billing/mute`, { method: 'POST', headers: { Authorization: `Bearer ${HTTP_TOKEN}` } });
    expect(right.status).toBe(200);
    pages.push(await right.text());

    stdin.end();
    expect(await exit).toBe(0);

    // The logs said something about each failure, so the check below is not vacuous.
    expect(out).toMatch(/Alert delivery failed; will retry/);
    expect(out).toMatch(/"receiver":"mail"/);
    expect(out).toMatch(/"alert":\{/);
    // stdout carries JSON lines only: logs and console alerts alike.
    for (const l of out.split('\n').filter(Boolean)) expect(() => JSON.parse(l) as unknown, l).not.toThrow();

    const everything = [out, err, ...pages].join('\n');
    for (const c of CANARIES) expect(everything.includes(c), `canary ${c} leaked`).toBe(false);
  });
});

/**
 * Fake credentials in every form a log carries them, fed to a running daemon whose receivers
 * accept everything: none may reach what the receivers got (Slack, webhook, email as sent over
 * SMTP), the reports in any format, the status page, /metrics, the daemon's own output, or the
 * database file and its WAL. test/telemetry/log-redaction.test.ts covers configured secrets
 * with failing receivers; test/cli/scan.test.ts covers `scan`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { stdinDaemonSetup } from '../support/stdin-daemon-setup.js';

const KEY = 'SG.SecretCanaryAAAAAAAAAA.SecretCanaryBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const BASIC = Buffer.from('canaryuser:CanaryBasicPw1').toString('base64');
const BEARER = 'CanaryBearerTok3nXYZ';
const PLAIN = Buffer.from('\0apikeyuser\0CanaryPlainPw2').toString('base64');
const LOGIN_USER = Buffer.from('loginuser@example.com').toString('base64');
const LOGIN_PASS = Buffer.from('CanaryLoginPw3').toString('base64');
const URL_PASS = 'CanaryUrlPw4';
const QUERY_KEY = 'CanaryQueryKey5';
const JSON_PASS = 'CanaryJsonPw6';

/** Every secret, and the decoded forms a careless redactor could leak. */
const CANARIES = [KEY, 'SecretCanaryBBBBBBBBBB', BASIC, 'CanaryBasicPw1', BEARER, PLAIN, 'CanaryPlainPw2', LOGIN_PASS, 'CanaryLoginPw3', URL_PASS, QUERY_KEY, JSON_PASS];

const REJECT_SMTP = '535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
const REJECT_API = 'invalid authentication method - declined because you are using basic authentication with 2FA enabled';
const INPUT = [
  JSON.stringify({ service: 'keys', msg: `sending with ${KEY}: ${REJECT_API}` }),
  JSON.stringify({ service: 'basic', msg: `POST https://api.sendgrid.com/v3/mail/send Authorization: Basic ${BASIC} -> 401 ${REJECT_API}` }),
  JSON.stringify({ service: 'bearer', headers: { authorization: `Bearer ${BEARER}` }, msg: `401 ${REJECT_API}` }),
  `Mar  4 10:00:01 app1 mailer[7]: C: AUTH PLAIN ${PLAIN}`,
  `Mar  4 10:00:01 app1 mailer[7]: S: ${REJECT_SMTP}`,
  'Mar  4 10:00:02 app2 worker[8]: C: AUTH LOGIN',
  'Mar  4 10:00:02 app2 worker[8]: S: 334 VXNlcm5hbWU6',
  `Mar  4 10:00:02 app2 worker[8]: C: ${LOGIN_USER}`,
  'Mar  4 10:00:02 app2 worker[8]: S: 334 UGFzc3dvcmQ6',
  `Mar  4 10:00:02 app2 worker[8]: C: ${LOGIN_PASS}`,
  `Mar  4 10:00:02 app2 worker[8]: S: ${REJECT_SMTP}`,
  JSON.stringify({ service: 'url', msg: `smtp://someone:${URL_PASS}@smtp.sendgrid.net:587 said ${REJECT_SMTP}` }),
  JSON.stringify({ service: 'query', msg: `GET https://api.example.com/v2/mail.send.json?api_user=me&api_key=${QUERY_KEY} -> {"errors":["Bad username / password"],"message":"error"}` }),
  JSON.stringify({ service: 'json', password: JSON_PASS, smtp: { pass: JSON_PASS }, msg: REJECT_SMTP }),
];

describe('secret canaries across every output', () => {
  it('leave no trace in notifications, reports, pages, metrics, logs or the database', async () => {
    const dir = tempDir();
    const { slack, hook, smtp, port, db, config, base } = await stdinDaemonSetup(dir, { logLevel: 'trace' });
    writeFileSync(
      config,
      `${base}alerts:
  groupWait: 0s
  evaluateInterval: 1s
  receivers:
    team: { type: slack, webhookUrl: "${slack.url}/services/T/B/x" }
    mail: { type: email, to: [ops@example.com], smtpUrl: "${smtp.url}" }
    hook: { type: webhook, url: "${hook.url}/hook" }
  routes:
    - receivers: [team, mail, hook, console]
`,
    );
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exit = main(['run', '--config', config, '--log-format', 'json'], { stdin, stdout, stderr, env: {} });
    stdin.write(`${INPUT.join('\n')}\n`);

    // At least the six JSON services and the two SMTP dialogues alert; wait for all of them.
    await slack.waitFor(8, 30_000);
    await hook.waitFor(8, 30_000);
    await smtp.waitFor(8, 30_000);
    const pages: string[] = [];
    for (const path of ['/', '/api/status', '/metrics', '/readyz']) pages.push(await (await fetch(`http://127.0.0.1:${port}${path}`)).text());
    stdin.end();
    expect(await exit).toBe(0);

    const reports: string[] = [];
    for (const format of ['md', 'html', 'json', 'csv']) {
      const r = await runCli(['report', '--db', db, '--since', '30d', '--until', '0m', '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      reports.push(r.stdout);
    }
    const services = await runCli(['services', '--db', db, '--format', 'json']);
    const files = [db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));

    const outputs: Array<[string, string]> = [
      ...slack.requests.map((r, i): [string, string] => [`slack #${i}`, r.body]),
      ...hook.requests.map((r, i): [string, string] => [`webhook #${i}`, r.body]),
      ...smtp.mails.map((m, i): [string, string] => [`mail #${i} (raw, with attachments)`, m.raw]),
      ...pages.map((p, i): [string, string] => [`page #${i}`, p]),
      ...reports.map((r, i): [string, string] => [`report #${i}`, r]),
      ['services', services.stdout],
      ['daemon output', out],
      ...files.map((f, i): [string, string] => [`database file #${i}`, f]),
    ];
    // The outputs are not empty: the services were detected and alerted on.
    expect(services.stdout).toContain('"keys"');
    expect(slack.requests.map((r) => r.body).join('')).toContain('[REDACTED]');
    for (const [where, text] of outputs) {
      for (const c of CANARIES) expect(text.includes(c), `${c} leaked into ${where}`).toBe(false);
    }
  });
});

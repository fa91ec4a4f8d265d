import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const POSTFIX = [
  'Mar  4 10:00:01 mx1 postfix/pickup[1200]: 4F1A22C0123: uid=1001 from=<billing>',
  'Mar  4 10:00:01 mx1 postfix/qmgr[1201]: 4F1A22C0123: from=<billing@example.com>, size=1234, nrcpt=1 (queue active)',
  'Mar  4 10:00:02 mx1 postfix/smtp[1300]: 4F1A22C0123: to=<a@example.org>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[167.89.115.56] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)',
  'Mar  4 10:00:03 mx1 sshd[99]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.9',
].join('\n');

const PINO =
  '{"level":50,"time":1709546400000,"service":"checkout","msg":"send failed","err":{"message":"Unauthorized","code":401,"response":{"body":{"errors":[{"message":"invalid authentication method - declined because you are using basic authentication with 2FA enabled. to fix, update to using an API key"}]}}}}';

interface NdRow {
  source: string;
  line: number;
  kind: string;
  channel: string;
  service: string;
  provider: string;
  ts: string | null;
  message: string;
}

const ndjson = (out: string): NdRow[] =>
  out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as NdRow);

describe('authwatch scan', () => {
  it('reports each rejection as ndjson with its source, line, kind and service', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n`);
    writeFileSync(join(dir, 'app.log'), `{"level":30,"msg":"ok"}\n${PINO}\n`);
    const db = join(dir, 'a.sqlite');
    const r = await runCli(['scan', '--db', db, '--format', 'ndjson', join(dir, 'mail.log'), join(dir, 'app.log')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const rows = ndjson(r.stdout);
    expect(rows.map((d) => [d.source, d.line, d.kind, d.channel, d.service, d.provider])).toEqual([
      [join(dir, 'mail.log'), 3, 'smtp_basic_auth_2fa', 'smtp', 'billing@example.com', 'sendgrid'],
      [join(dir, 'app.log'), 2, 'api_basic_auth_2fa', 'api', 'checkout', 'sendgrid'],
    ]);
    expect(rows[1]?.ts).toBe('2024-03-04T10:00:00.000Z');
  });

  it('prints a per-service table with the fix per kind and the explain pointer', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n${PINO}\n`);
    const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), join(dir, 'mail.log')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^SERVICE\s+KINDS\s+COUNT/m);
    expect(r.stdout).toMatch(/billing@example\.com\s+smtp_basic_auth_2fa×1\s+1/);
    expect(r.stdout).toMatch(/checkout\s+api_basic_auth_2fa×1\s+1/);
    expect(r.stdout).toContain('apikey');
    expect(r.stdout).toContain('authwatch explain');
  });

  it('reads directories recursively and gzip-compressed rotated logs, with line numbers in the decompressed text', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'nested', 'deeper', 'mail.log.2.gz'), gzipSync(`${POSTFIX}\n`));
    writeFileSync(join(dir, 'nested', 'app.log'), `x\ny\nz\n${PINO}\n`);
    const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', dir]);
    expect(r.code).toBe(1);
    const rows = ndjson(r.stdout);
    expect(rows.map((d) => [d.source, d.line, d.kind])).toEqual([
      [join(dir, 'nested', 'app.log'), 4, 'api_basic_auth_2fa'],
      [join(dir, 'nested', 'deeper', 'mail.log.2.gz'), 3, 'smtp_basic_auth_2fa'],
    ]);
  });

  it('reads stdin given as - or piped with no path', async () => {
    const dir = tempDir();
    for (const argv of [['-'], []]) {
      const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', ...argv], { stdin: `${POSTFIX}\n` });
      expect(r.code).toBe(1);
      expect(ndjson(r.stdout).map((d) => [d.source, d.line, d.service])).toEqual([['-', 3, 'billing@example.com']]);
    }
  });

  it('does not count anything twice when the same file is scanned again, or its rotated .gz copy', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.sqlite');
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n${PINO}\n`);
    writeFileSync(join(dir, 'mail.log.1.gz'), gzipSync(`${POSTFIX}\n${PINO}\n`));
    await runCli(['scan', '--db', db, join(dir, 'mail.log')]);
    await runCli(['scan', '--db', db, join(dir, 'mail.log'), join(dir, 'mail.log.1.gz')]);
    const s = await runCli(['services', '--db', db, '--format', 'json']);
    const rows = JSON.parse(s.stdout) as Array<{ service: string; kind: string; count: number }>;
    expect(rows.map((x) => [x.service, x.kind, x.count]).sort()).toEqual([
      ['billing@example.com', 'smtp_basic_auth_2fa', 1],
      ['checkout', 'api_basic_auth_2fa', 1],
    ]);
  });

  it('names an unreadable path, scans the others, and exits 3', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n`);
    const missing = join(dir, 'nope.log');
    const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', missing, join(dir, 'mail.log')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot read ${missing}: no such file or directory`);
    expect(ndjson(r.stdout)).toHaveLength(1);
  });

  it('reports what a truncated gzip held before the damage, and says it is truncated', async () => {
    const dir = tempDir();
    const big = `${POSTFIX}\n${'filler line for the compressor to chew on\n'.repeat(2000)}`;
    const gz = gzipSync(Buffer.from(`${big}${POSTFIX.replace(/4F1A22C0123/g, '5A5A5A5A5A5')}\n`));
    writeFileSync(join(dir, 'mail.log.3.gz'), gz.subarray(0, gz.length - 40));
    const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', join(dir, 'mail.log.3.gz')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/mail\.log\.3\.gz: .*(truncated|corrupt|end of file)/i);
    expect(ndjson(r.stdout).length).toBeGreaterThanOrEqual(1);
  });

  it('survives binary data, NUL bytes, invalid UTF-8, an empty file and a 5 MB line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.log'), '');
    const junk = Buffer.concat([
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x0a]),
      Buffer.from(`${'A'.repeat(5 * 1024 * 1024)} 535 Authentication failed: Bad username / password\n`),
      Buffer.from(`${PINO}\n`),
      Buffer.from([0x00, 0x35, 0x33, 0x35, 0x0a]),
    ]);
    writeFileSync(join(dir, 'junk.log'), junk);
    const r = await runCli(['scan', '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', dir]);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout).map((d) => [d.line, d.kind])).toEqual([[4, 'api_basic_auth_2fa']]);
    expect(r.stderr).toMatch(/skipped 1 over-long/);
  });

  it('keeps fake credentials out of the database, its WAL and every output', async () => {
    const dir = tempDir();
    const secrets = ['SG.canaryKeyAAAAAAAAAAAA.canarySecretBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', 'Y2FuYXJ5dXNlcjpjYW5hcnlwYXNz', 'canaryPassw0rd', 'canaryBearerTokenXYZ'];
    const lines = [
      `Mar  4 10:00:02 app1 mailer[7]: send with key ${secrets[0]} failed: 535 Authentication failed: Bad username / password`,
      `Mar  4 10:00:03 app1 mailer[7]: POST https://api.sendgrid.com/v3/mail/send Authorization: Basic ${secrets[1]} -> 401 invalid authentication method`,
      `Mar  4 10:00:04 app1 mailer[7]: smtp://user:${secrets[2]}@smtp.sendgrid.net:587 said 535 Authentication failed: Basic authentication is not allowed with 2FA enabled`,
      `{"service":"api","msg":"invalid authentication method","headers":{"authorization":"Bearer ${secrets[3]}"},"password":"${secrets[2]}"}`,
    ];
    writeFileSync(join(dir, 'app.log'), `${lines.join('\n')}\n`);
    const db = join(dir, 'a.sqlite');
    const outputs = [];
    for (const f of ['ndjson', 'json', 'table']) outputs.push(await runCli(['scan', '--db', db, '-f', f, join(dir, 'app.log')]));
    // Four rejections, plus the Basic call to the SendGrid API as a basic_auth_in_use risk.
    expect(ndjson(outputs[0]?.stdout ?? '')).toHaveLength(5);
    const files = [db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));
    for (const s of secrets) {
      for (const o of outputs) expect(o.stdout + o.stderr).not.toContain(s);
      for (const f of files) expect(f).not.toContain(s);
    }
  });

  it('rejects an invalid config naming the key and what is wrong', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'detector:\n  maxLineBytes: -5\nservices:\n  rules:\n    - service: billing\n      match: { sendr: "*@billing.example" }\n');
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n`);
    const r = await runCli(['scan', '--config', join(dir, 'bad.yaml'), '--db', join(dir, 'a.sqlite'), join(dir, 'mail.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('detector.maxLineBytes is -5');
    expect(r.stderr).toContain('services.rules[0].match.sendr is not a known key');
  });

  it('applies service rules from a config', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rules.yaml'), 'services:\n  rules:\n    - service: billing-api\n      match: { sender: "billing@*" }\n');
    writeFileSync(join(dir, 'mail.log'), `${POSTFIX}\n`);
    const r = await runCli(['scan', '--config', join(dir, 'rules.yaml'), '--db', join(dir, 'a.sqlite'), '-f', 'ndjson', join(dir, 'mail.log')]);
    expect(ndjson(r.stdout).map((d) => d.service)).toEqual(['billing-api']);
  });

  it('explains every kind and refuses an unknown one', async () => {
    const r = await runCli(['explain', 'smtp_basic_auth_2fa']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('apikey');
    expect(r.stdout).toMatch(/Mail Send/);
    const bad = await runCli(['explain', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"nope" is not a known kind');
  });
});

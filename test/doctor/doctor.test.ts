/**
 * `authwatch doctor` against real things: a Kafka broker (the shared one, and a private one
 * that is stopped), a real SMTP server that accepts or refuses the login, files that exist or
 * cannot be followed, and SQLite files at several schema versions.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { checkReportCrons, checkWebhookUrl } from '../../src/doctor/endpoint-checks.js';
import { migrate, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { runCli } from '../support/cli.js';
import { createTopic, uniqueName } from '../support/kafka-admin.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { tempDir } from '../support/temp.js';

const SMTP_USER = 'alerts';
const SMTP_PASS = 'Doctor-Secret-Pass9';

/** Lines of doctor's output by status word, keyed by check name. */
function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^(ok {2}|WARN|FAIL) /.test(l));
}
const find = (out: string, status: 'ok' | 'WARN' | 'FAIL', prefix: string): string | undefined => lines(out).find((l) => l.startsWith(`${status.padEnd(4)}  ${prefix}`));

let stopped: KafkaBroker;
beforeAll(async () => {
  stopped = await startKafkaBroker();
  await stopped.stopForOutage();
});
afterAll(async () => {
  await stopped?.stop();
});

describe('authwatch doctor', () => {
  it('passes a healthy setup with one ok line per check and exit 0', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('doctor');
    await createTopic(brokers, topic);
    const smtp = await startSmtpReceiver({ user: SMTP_USER, pass: SMTP_PASS });
    const dir = tempDir();
    writeFileSync(join(dir, 'app.log'), 'hello\n');
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(
      config,
      `database: { path: ${join(dir, 'state', 'authwatch.sqlite')} }
sources:
  - { type: file, id: app, paths: [${join(dir, 'app.log')}, '${join(dir, '*.log')}'] }
  - { type: kafka, id: logs, brokers: ['${brokers}'], topics: [${topic}], groupId: ${uniqueName('g')} }
alerts:
  receivers:
    mail: { type: email, to: [ops@example.com], smtpUrl: 'smtp://${SMTP_USER}:\${SMTP_PASS}@127.0.0.1:${smtp.port}' }
    team: { type: slack, webhookUrl: 'https://hooks.slack.com/services/T000/B000/DoctorSlackToken42' }
http: { host: 127.0.0.1, port: 9464 }
`,
    );
    const r = await runCli(['doctor', '--config', config], { env: { SMTP_PASS } });
    expect(r.stdout.split('\n').filter((l) => /^(WARN|FAIL)/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    expect(find(r.stdout, 'ok', 'config:')).toMatch(/is valid \(2 source\(s\), 2 receiver\(s\)\)/);
    expect(find(r.stdout, 'ok', 'database:')).toMatch(/does not exist yet; it will be created on the first run/);
    expect(find(r.stdout, 'ok', 'http:')).toMatch(/loopback only; read-only \(without a bearer token/);
    expect(find(r.stdout, 'ok', 'file app:')).toMatch(/app\.log is readable \(6 bytes\)/);
    expect(find(r.stdout, 'ok', 'kafka logs: brokers reachable')).toBeDefined();
    expect(find(r.stdout, 'ok', `kafka logs: topic(s) ${topic} exist`)).toBeDefined();
    expect(find(r.stdout, 'ok', 'kafka logs: consumer group')).toMatch(/is accessible/);
    expect(find(r.stdout, 'ok', 'smtp mail:')).toMatch(/accepted the connection and the login; no mail was sent/);
    expect(find(r.stdout, 'ok', 'slack team:')).toBe('ok    slack team: https to hooks.slack.com.');
    expect(r.stdout).toMatch(/^All \d+ checks passed\.$/m);
    expect(smtp.mails).toHaveLength(0);
    for (const secret of [SMTP_PASS, 'DoctorSlackToken42']) expect(r.stdout).not.toContain(secret);
  });

  it('reports each failure kind in plain words with its fix, and exits 1', async () => {
    const brokers = inject('kafkaBrokers');
    const smtp = await startSmtpReceiver({ user: SMTP_USER, pass: 'the-real-one' });
    const dir = tempDir();
    const logsDir = join(dir, 'logs');
    mkdirSync(logsDir);
    symlinkSync(join(dir, 'rotated-away.log'), join(dir, 'current.log'));
    execFileSync('mkfifo', [join(dir, 'pipe.log')]);
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(
      config,
      `database: { path: ${join(dir, 'authwatch.sqlite')} }
sources:
  - { type: file, id: dir, paths: [${logsDir}] }
  - { type: file, id: link, paths: [${join(dir, 'current.log')}] }
  - { type: file, id: fifo, paths: [${join(dir, 'pipe.log')}] }
  - { type: file, id: gone, paths: [${join(dir, 'missing.log')}] }
  - { type: kafka, id: down, brokers: ['${stopped.brokers}'], topics: [app] }
  - { type: kafka, id: typo, brokers: ['${brokers}'], topics: [${uniqueName('no-such-topic')}] }
alerts:
  receivers:
    mail: { type: email, to: [ops@example.com], smtpUrl: 'smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${smtp.port}' }
    plain: { type: webhook, url: 'http://alerts.example.com/hook' }
    local: { type: webhook, url: 'http://127.0.0.1:8080/hook' }
http: { host: 0.0.0.0, port: 9464 }
`,
    );
    const r = await runCli(['doctor', '--config', config]);
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(find(out, 'FAIL', 'file dir:')).toBe(`FAIL  file dir: ${logsDir} is a directory. Fix: List the log files, or a glob such as ${logsDir}/*.log.`);
    expect(find(out, 'FAIL', 'file link:')).toMatch(new RegExp(`current\\.log is a symbolic link to .*rotated-away\\.log, which does not exist\\. Fix: Point the link at the live log file`));
    expect(find(out, 'FAIL', 'file fifo:')).toMatch(/pipe\.log is not a regular file \(a FIFO\); file sources follow regular files only\. Fix: Pipe it into `authwatch run -`/);
    expect(find(out, 'FAIL', 'file gone:')).toMatch(/missing\.log does not exist\. Fix: Correct the path/);
    expect(find(out, 'FAIL', 'kafka down:')).toMatch(new RegExp(`no broker answered \\(${stopped.brokers.replace(/\./g, '\\.')}\\): .*(ECONNREFUSED|Connection error).*Fix: Check the host:port list`));
    expect(find(out, 'FAIL', 'kafka typo:')).toMatch(/topic\(s\) no-such-topic-\w+ do not exist .*Fix: Create the topics/);
    expect(find(out, 'FAIL', 'smtp mail:')).toMatch(/127\.0\.0\.1:\d+ refused the login of alerts: Invalid login: 535 .*Fix: Check the user and password/);
    expect(find(out, 'FAIL', 'webhook plain:')).toBe('FAIL  webhook plain: plain http to alerts.example.com: the alerts would travel unencrypted. Fix: Use the https:// URL.');
    expect(find(out, 'WARN', 'webhook local:')).toMatch(/plain http to 127\.0\.0\.1 \(loopback\)/);
    expect(find(out, 'WARN', 'http:')).toMatch(/listens on 0\.0\.0\.0:9464, reachable from other hosts; read-only \(without a bearer token the ack, mute and retry endpoints are off\)/);
    expect(find(out, 'ok', 'kafka typo: consumer group authwatch is accessible')).toBeDefined();
    expect(out).toMatch(/^\d+ of \d+ checks failed, 2 warnings\.$/m);
    expect(out).not.toContain(SMTP_PASS);
    expect(smtp.refusedLogins).toBe(1);
  });

  it('explains an invalid config', async () => {
    const dir = tempDir();
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, `sources:\n  - { type: file, paths: [] }\nalerts:\n  receivers:\n    team: { type: slack, webhookUrl: 'not a url' }\nsoruces: []\n`);
    const r = await runCli(['doctor', '--config', config, '--db', join(dir, 'x.sqlite')]);
    expect(r.code).toBe(1);
    const line = find(r.stdout, 'FAIL', 'config:') ?? '';
    expect(line).toContain('sources[0].paths is []; needs at least one path or glob');
    expect(line).toContain('soruces is not a known key (a typo?)');
    expect(line).toContain('alerts.receivers.team.webhookUrl');
    expect(line).toMatch(/Fix: Correct each key named above/);
  });

  it('checks the database schema version without changing the file', async () => {
    const dir = tempDir();
    const older = join(dir, 'older.sqlite');
    const db = new Database(older);
    migrate(db, SCHEMA_VERSION - 1);
    db.close();
    const r = await runCli(['doctor', '--db', older]);
    expect(r.code).toBe(0);
    expect(find(r.stdout, 'ok', 'database:')).toBe(`ok    database: ${older} is writable.`);
    expect(find(r.stdout, 'WARN', 'database schema:')).toMatch(new RegExp(`version ${SCHEMA_VERSION - 1}; this authwatch uses ${SCHEMA_VERSION} \\(pending migrations: ${SCHEMA_VERSION} \\w+\\)\\. Fix: Nothing to do by hand`));
    const check = new Database(older, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION - 1);
    check.close();

    const newer = join(dir, 'newer.sqlite');
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.close();
    const r2 = await runCli(['doctor', '--db', newer]);
    expect(r2.code).toBe(1);
    expect(find(r2.stdout, 'FAIL', 'database schema:')).toMatch(new RegExp(`version ${SCHEMA_VERSION + 1} is newer than this authwatch understands \\(${SCHEMA_VERSION}\\)`));

    const asDir = join(dir, 'adir');
    mkdirSync(asDir);
    const r3 = await runCli(['doctor', '--db', asDir]);
    expect(find(r3.stdout, 'FAIL', 'database:')).toMatch(/is a directory, not a database file/);
  });
});

describe('doctor checks without a network', () => {
  it('report cron expressions when a reports section exists', () => {
    const config = { reports: [{ name: 'weekly', cron: '0 8 * * 1' }, { name: 'broken', cron: '61 * * * *' }] } as unknown as Config;
    expect(checkReportCrons(config)).toEqual([
      { status: 'ok', name: 'report weekly', message: 'cron "0 8 * * 1" parses.' },
      expect.objectContaining({ status: 'fail', name: 'report broken', message: 'cron "61 * * * *" does not parse.' }),
    ]);
    expect(checkReportCrons({} as Config)).toEqual([]);
  });

  it('webhook URLs: https ok, http only for loopback, other schemes refused', () => {
    expect(checkWebhookUrl('a', 'webhook', 'https://example.com/x').status).toBe('ok');
    expect(checkWebhookUrl('a', 'webhook', 'http://localhost:8080/x').status).toBe('warn');
    expect(checkWebhookUrl('a', 'webhook', 'http://[::1]:8080/x').status).toBe('warn');
    expect(checkWebhookUrl('a', 'webhook', 'http://10.0.0.5/x').status).toBe('fail');
    expect(checkWebhookUrl('a', 'webhook', 'ftp://example.com/x').status).toBe('fail');
    expect(checkWebhookUrl('a', 'slack', 'https://example.com/services/x').status).toBe('warn');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import { openDb } from '../../src/store/db.js';
import { silencesFor } from '../../src/store/alerts-silences.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb } from './support/harness.js';

describe('authwatch ack / mute / unmute', () => {
  it('stores acks and mutes with their expiry and lifts mutes', async () => {
    const { db, path } = testDb();
    db.close();
    let r = await runCli(['ack', 'billing', '--kind', 'smtp_basic_auth_2fa', '--for', '2h', '--db', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Acknowledged billing \/ smtp_basic_auth_2fa for 2h \(until .*\) or until it resolves \(ack 1\)\./);
    expect(r.stdout).toContain('Nothing is alerting for it right now');

    r = await runCli(['mute', 'billing', '--db', path]);
    expect(r.stdout).toContain('Muted billing (every kind) until `authwatch unmute` (mute 2).');
    r = await runCli(['mute', 'billing', '--kind', 'api_auth_failed', '--for', '30m', '--db', path]);
    expect(r.code).toBe(0);

    const check = openDb(path);
    const now = Date.now();
    const silences = silencesFor(check, { now, service: 'billing' });
    check.close();
    expect(silences.map((s) => [s.type, s.kind])).toEqual([
      ['ack', 'smtp_basic_auth_2fa'],
      ['mute', null],
      ['mute', 'api_auth_failed'],
    ]);
    expect(silences[0]!.expiresAt! - now).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(silences[1]!.expiresAt).toBeNull();

    r = await runCli(['unmute', 'billing', '--kind', 'api_auth_failed', '--db', path]);
    expect(r.stdout).toContain('Unmuted billing / api_auth_failed (1 mute lifted).');
    expect(r.stdout).toContain('Still muted: billing (every kind)');
    r = await runCli(['unmute', 'billing', '--db', path]);
    expect(r.stdout).toContain('Unmuted billing (every kind) (1 mute lifted).');
    r = await runCli(['unmute', 'billing', '--db', path]);
    expect(r.stdout).toContain('No mute in force');
  });

  it('refuses a bad duration or kind with the usage exit code', async () => {
    const { db, path } = testDb();
    db.close();
    let r = await runCli(['ack', 'billing', '--for', 'soon', '--db', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--for is "soon"; expected a duration');
    r = await runCli(['mute', 'billing', '--kind', 'nope', '--db', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are smtp_basic_auth_2fa/);
  });
});

describe('authwatch alerts', () => {
  it('lists pending and dead messages and requeues them', async () => {
    const http = await startHttpReceiver();
    http.script({ status: 400, body: 'invalid_payload' }, { status: 500 });
    const { db, path } = testDb();
    const clock = new FakeClock();
    const alerting = createAlerting({
      db,
      config: alertsConfig({ receivers: { hook: { type: 'webhook', url: `${http.url}/x` } } }),
      log: memoryLog(),
      clock: clock.now,
      stdout: captureStream(),
    });
    addEvents(db, clock, { service: 'dead-one' });
    addEvents(db, clock, { service: 'slow-one' });
    alerting.evaluate(clock.now());
    clock.advance(30 * SEC);
    alerting.evaluate(clock.now());
    await alerting.deliver(clock.now());
    await alerting.close();
    const [dead, waiting] = outbox(db);
    expect(dead?.state).toBe('dead');
    expect(waiting?.state).toBe('pending');

    let r = await runCli(['alerts', '--db', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ID\s+STATE\s+SERVICE/);
    expect(r.stdout).toMatch(/dead\s+dead-one\s+smtp_basic_auth_2fa\s+firing\s+hook\s+1/);
    expect(r.stdout).toContain('answered 400: invalid_payload');
    expect(r.stdout).toMatch(/pending\s+slow-one/);

    r = await runCli(['alerts', '--db', path, '--format', 'json']);
    const json = JSON.parse(r.stdout) as Array<{ id: number; state: string; last_error: string | null }>;
    expect(json.map((j) => j.state)).toEqual(['dead', 'pending']);

    r = await runCli(['alerts', 'retry', String(dead!.id), '--db', path]);
    expect(r.stdout).toContain(`Requeued message ${dead!.id} (was dead).`);
    r = await runCli(['alerts', 'retry', '--all', '--db', path]);
    expect(r.stdout).toContain('Requeued 2 messages.');
    r = await runCli(['alerts', 'retry', '--db', path]);
    expect(r.code).toBe(2);
    r = await runCli(['alerts', 'retry', '999', '--db', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No outbox message has id 999.');
    expect(outbox(db).map((o) => [o.state, o.attempts])).toEqual([
      ['pending', 0],
      ['pending', 1],
    ]);
  });
});

describe('authwatch alert preview', () => {
  it('prints what each routed receiver would get, without secrets', async () => {
    const { db, path } = testDb();
    const clock = new FakeClock();
    addEvents(db, clock, { service: 'billing', count: 2, message: 'x 535 Authentication failed: Basic authentication is not allowed with 2FA enabled <!channel>' });
    db.close();
    const dir = tempDir();
    const configPath = join(dir, 'authwatch.yaml');
    writeFileSync(
      configPath,
      [
        'alerts:',
        '  receivers:',
        '    team: { type: slack, webhookUrl: "https://hooks.slack.com/services/T000/B000/SECRETSECRET" }',
        '    mail: { type: email, to: [owners@example.com], smtpUrl: "smtp://user:hunter2@mail.example.com:587" }',
        '    hook: { type: webhook, url: "https://hooks.example.com/authwatch?token=abc", secret: s }',
        '  defaultReceivers: [team, mail, hook, console]',
        '',
      ].join('\n'),
    );
    const r = await runCli(['alert', 'preview', 'billing', '--config', configPath, '--db', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('=== receiver team (slack) ===');
    expect(r.stdout).toContain('POST https://hooks.slack.com/… (incoming webhook)');
    expect(r.stdout).toContain('&lt;!channel&gt;');
    expect(r.stdout).toContain('=== receiver mail (email) ===');
    expect(r.stdout).toContain('Subject: [authwatch] billing: smtp_basic_auth_2fa failing');
    expect(r.stdout).toContain('Attachment: smtp_basic_auth_2fa-upgrade-guide.md (text/markdown; charset=utf-8');
    expect(r.stdout).toContain('=== receiver hook (webhook) ===');
    expect(r.stdout).toMatch(/X-Authwatch-Signature: sha256=[0-9a-f]{64}/);
    expect(r.stdout).toContain('=== receiver console (console) ===');
    for (const secret of ['SECRETSECRET', 'hunter2', 'token=abc']) expect(r.stdout).not.toContain(secret);
  });

  it('uses the console receiver without a config and explains an unknown service', async () => {
    const { db, path } = testDb();
    addEvents(db, new FakeClock(), { service: 'crm', kind: 'api_auth_failed' });
    db.close();
    let r = await runCli(['alert', 'preview', 'crm', '--db', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('=== receiver console (console) ===');
    expect(r.stdout).toContain('crm: api_auth_failed failing');
    r = await runCli(['alert', 'preview', 'nobody', '--db', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No rejections are stored for the service "nobody"');
  });
});

describe('alerts config file', () => {
  it('is read through the shared config loader', async () => {
    const dir = tempDir();
    const p = join(dir, 'bad.yaml');
    writeFileSync(p, 'alerts:\n  groupwait: 10s\n');
    const { db, path } = testDb();
    addEvents(db, new FakeClock(), { service: 'crm' });
    db.close();
    const r = await runCli(['alert', 'preview', 'crm', '--config', p, '--db', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groupwait/);
  });
});

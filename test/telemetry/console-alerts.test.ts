/**
 * With JSON logs on stdout, a console receiver writes each alert as one JSON line too, even
 * when the log level would hide warnings: stdout stays parseable, and an alert is not log noise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

describe('console alerts with JSON logs', () => {
  it('are JSON lines on stdout whatever the log level', async () => {
    const dir = tempDir();
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(config, `database: { path: ${join(dir, 'db.sqlite')} }\nsources: [{ type: stdin, id: in }]\nlog: { level: error }\nalerts: { groupWait: 1s }\n`);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exit = main(['run', '--config', config], { stdin, stdout, stderr, env: {} });
    stdin.write(`${JSON.stringify({ service: 'billing', message: '535 Authentication failed: Basic authentication is not allowed with 2FA enabled' })}\n`);
    expect(await waitFor(() => out.includes('"alert"'), 20_000)).toBe(true);
    stdin.end();
    expect(await exit).toBe(0);

    const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Level error hides the daemon's info lines; the alert is the only line.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, name: 'authwatch', component: 'alerts', receiver: 'console', alert: { event: 'firing', service: 'billing', kind: 'smtp_basic_auth_2fa' } });
    expect(String(lines[0]?.msg)).toMatch(/^Alert firing: billing smtp_basic_auth_2fa \(1 rejection in this window\)\./);
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import type { AlertsConfigInput } from '../../alerts/config-schema.js';
import { openDb } from '../../src/store/db.js';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver.js';
import { transpileTree } from './support/transpile.js';
import { SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb } from './support/harness.js';

let buildDir = '';
let childRoot = '';

beforeAll(() => {
  buildDir = mkdtempSync(join(tmpdir(), 'authwatch-child-'));
  childRoot = join(buildDir, 'build');
  transpileTree(['test/alerts/fixtures/decide-then-die.ts'], childRoot);
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

/** Runs the child until it has decided (and, in `send` mode, until `ready` resolves), then SIGKILLs it. */
async function runAndKill(mode: 'decide' | 'send', dbPath: string, config: AlertsConfigInput, now: number, ready: () => Promise<void>): Promise<string> {
  const child = spawn(process.execPath, [join(childRoot, 'test/alerts/fixtures/decide-then-die.js'), mode, dbPath, JSON.stringify(config), String(now)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 20_000;
  while (!out.includes('decided')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Child did not decide: ${err || out}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await ready();
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return out;
}

async function scenario(receiver: HttpReceiver) {
  const { db, path } = testDb();
  const clock = new FakeClock();
  const config: AlertsConfigInput = { receivers: { hook: { type: 'webhook', url: `${receiver.url}/hook` } } };
  addEvents(db, clock, { service: 'billing', count: 3 });
  const first = createAlerting({ db, config: alertsConfig(config), log: memoryLog(), clock: clock.now, stdout: captureStream() });
  first.evaluate(clock.now()); // pending; the group wait starts
  db.close();
  clock.advance(30 * SEC);
  return { path, clock, config };
}

describe('crash between decision and delivery', () => {
  it('a process killed after deciding delivers after restart, exactly once', async () => {
    const receiver = await startHttpReceiver();
    const { path, clock, config } = await scenario(receiver);
    const out = await runAndKill('decide', path, config, clock.now(), async () => undefined);
    expect(out).toContain('decided 1');
    expect(receiver.requests).toHaveLength(0);

    const db = openDb(path);
    try {
      expect(outbox(db).map((r) => r.state)).toEqual(['pending']);
      const restarted = createAlerting({ db, config: alertsConfig(config), log: memoryLog(), clock: clock.now, stdout: captureStream() });
      await restarted.tick(clock.now());
      for (let i = 0; i < 3; i++) await restarted.tick(clock.advance(SEC)); // nothing decided twice
      await restarted.close();
      expect(receiver.requests).toHaveLength(1);
      expect(outbox(db).map((r) => r.state)).toEqual(['delivered']);
    } finally {
      db.close();
    }
  });

  it('a process killed mid-send re-sends on restart: the one documented duplicate, same id', async () => {
    const receiver = await startHttpReceiver();
    receiver.script('hang');
    const { path, clock, config } = await scenario(receiver);
    await runAndKill('send', path, config, clock.now(), () => receiver.waitFor(1, 20_000));

    const db = openDb(path);
    try {
      expect(outbox(db)).toMatchObject([{ state: 'sending', attempts: 1 }]);
      const log = memoryLog();
      const restarted = createAlerting({ db, config: alertsConfig(config), log, clock: clock.now, stdout: captureStream() });
      await restarted.tick(clock.now());
      await restarted.close();
      expect(receiver.requests).toHaveLength(2);
      const ids = receiver.requests.map((r) => r.headers['x-authwatch-delivery']);
      expect(ids[0]).toBe(ids[1]);
      expect(receiver.requests[0]?.body).toBe(receiver.requests[1]?.body);
      expect(outbox(db)).toMatchObject([{ state: 'delivered', attempts: 2 }]);
      expect(log.lines.some((l) => /queued again/.test(l.msg))).toBe(true);
    } finally {
      db.close();
    }
  });
});

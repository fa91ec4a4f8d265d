import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { boundaryLog, deferred, fillerLines, submitted } from '../scan-threads/boundary-log.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authwatch.js');
const MIB = 1024 * 1024;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'corpus');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The built CLI in a child process: both sides of a comparison run the same compiled code. */
function authwatch(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(stdin);
  });
}

/** Every stored event with every column but the storing time (and `at`, which falls back to it). */
function storedEvents(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    const events = d.prepare('SELECT *, CASE WHEN ts IS NULL THEN NULL ELSE at END AS at, NULL AS stored_at FROM events ORDER BY stream, offset, kind').all();
    const kinds = d.prepare('SELECT service, kind, channel, provider, count FROM service_kinds ORDER BY service, kind').all();
    const hosts = d.prepare('SELECT service, kind, host, count FROM service_hosts ORDER BY service, kind, host').all();
    return [events, kinds, hosts];
  } finally {
    d.close();
  }
}

/**
 * Scans with one thread, then with each of `threads`, and expects the same exit code, output,
 * messages and stored events every time: in ndjson, then in JSON (services and stats) with the
 * most threads.
 */
async function expectSameAsOneThread(dir: string, args: string[], threads: number[], stdin = ''): Promise<Run> {
  let first: Run | undefined;
  for (const format of ['ndjson', 'json']) {
    const db = join(dir, `one-${format}.sqlite`);
    const one = await authwatch(['scan', '-f', format, '--db', db, ...args], stdin);
    first ??= one;
    for (const n of format === 'json' ? threads.slice(-1) : threads) {
      const dbN = join(dir, `${n}-${format}.sqlite`);
      const many = await authwatch(['scan', '-f', format, '--db', dbN, '--threads', String(n), '--range-bytes', '1m', ...args], stdin);
      expect({ threads: n, format, code: many.code, stderr: many.stderr }).toEqual({ threads: n, format, code: one.code, stderr: one.stderr });
      expect(many.stdout).toBe(one.stdout);
      expect(storedEvents(dbN)).toEqual(storedEvents(db));
    }
  }
  return first as Run;
}

const services = (ndjson: string): string[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { service: string }).service);

describe('authwatch scan --threads', () => {
  it('finds, numbers, stores and counts exactly what one thread does when files are cut into ranges', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    // Two chunks of lookback: a queue id's submission line one range back is still found.
    writeFileSync(config, `detector:\n  lookbackBytes: ${2 * MIB}\n`);
    const qid = 'C0FFEE0042';
    const log = boundaryLog({
      rangeBytes: MIB,
      segments: 16,
      // A message deferred again and again, long after its submission left the lookback window.
      extra: (s) => (s === 0 ? [submitted(qid, 'retry@example.com'), deferred(qid)] : s % 7 === 0 ? [deferred(qid)] : []),
    });
    writeFileSync(join(dir, 'mail.log'), log);
    const one = await expectSameAsOneThread(dir, ['-c', config, join(dir, 'mail.log')], [2, 3, 4]);
    expect(one.code).toBe(1);
    const found = services(one.stdout);
    for (const s of ['edge-0@example.com', 'edge-14@example.com', 'last-before-0', 'last-before-14', 'retry@example.com']) expect(found).toContain(s);
    expect(found.filter((s) => s === 'retry@example.com')).toHaveLength(3);
  });

  it('keeps file order across a directory, a gzip file, stdin, a missing path and unreadable files', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(join(logs, 'nested'), { recursive: true });
    writeFileSync(join(logs, 'a.log'), boundaryLog({ rangeBytes: MIB, segments: 5, seed: 1 }));
    writeFileSync(join(logs, 'b.log.1.gz'), gzipSync(readFileSync(join(FIXTURES, 'postfix-syslog.log'))));
    writeFileSync(join(logs, 'c.log'), readFileSync(join(FIXTURES, 'python-logging.log')));
    writeFileSync(join(logs, 'nested', 'd.log'), boundaryLog({ rangeBytes: MIB, segments: 4, seed: 2 }));
    const gz = gzipSync(boundaryLog({ rangeBytes: MIB, segments: 2, seed: 3 }));
    writeFileSync(join(logs, 'nested', 'e.log.2.gz'), gz.subarray(0, gz.length - 4096));
    writeFileSync(join(dir, 'empty.log'), '');
    writeFileSync(join(dir, 'last.log'), `${fillerLines(100).join('\n')}\n${readFileSync(join(FIXTURES, 'mailer-libraries.log'), 'utf8')}`);
    const stdin = readFileSync(join(FIXTURES, 'nodemailer-console.log'), 'utf8');
    // /proc/self/mem is a file that no one can read from its start, not even root.
    const args = [logs, join(dir, 'missing.log'), '/proc/self/mem', '-', join(dir, 'empty.log'), join(dir, 'last.log')];
    const one = await expectSameAsOneThread(dir, args, [2, 3], stdin);
    expect(one.code).toBe(3);
    const messages = one.stderr.split('\n').filter((l) => l.startsWith('authwatch:') && !l.startsWith('authwatch: skipped'));
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(new RegExp(`^authwatch: ${join(logs, 'nested', 'e.log.2.gz')}: the gzip data is truncated`));
    expect(messages[1]).toBe(`authwatch: cannot read ${join(dir, 'missing.log')}: no such file or directory; skipped.`);
    expect(messages[2]).toMatch(/^authwatch: \/proc\/self\/mem: EIO/);
    const sources = [...new Set(one.stdout.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { source: string }).source))];
    expect(sources).toEqual([join(logs, 'a.log'), join(logs, 'b.log.1.gz'), join(logs, 'c.log'), join(logs, 'nested', 'd.log'), join(logs, 'nested', 'e.log.2.gz'), '-', join(dir, 'last.log')]);
  });

  it('splits a large file by itself, one range per thread, with the same results', async () => {
    const dir = tempDir();
    const path = join(dir, 'big.log');
    writeFileSync(path, boundaryLog({ rangeBytes: 4 * MIB, segments: 10, seed: 4 }));
    const args = ['scan', '-f', 'json', '--no-store', path];
    const one = await authwatch(args);
    const auto = await authwatch([...args, '--threads', '4']);
    expect(auto).toEqual(one);
    expect((JSON.parse(one.stdout) as { stats: { lines: number } }).stats.lines).toBeGreaterThan(100_000);
  });

  it('refuses a --threads value that is not a whole number from 1 to 64, or auto', async () => {
    for (const bad of ['0', '65', 'x', '1.5', '-2', '', 'two']) {
      const r = await runCli(['scan', '--no-store', '--threads', bad, '/dev/null']);
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
      expect(r.stderr).toContain(`--threads must be a whole number from 1 to 64, or auto; got '${bad}'`);
    }
    const r = await runCli(['scan', '--no-store', '--range-bytes', '1000', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--range-bytes must be a whole number of MiB');
  });

  it('documents --threads in the help, and keeps the range size option out of it', async () => {
    const r = await runCli(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--threads <n>\s+threads scanning files/);
    expect(r.stdout).toMatch(/with the same results as\s+--threads 1/);
    expect(r.stdout).not.toContain('--range-bytes');
  });
});

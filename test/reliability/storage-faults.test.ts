/**
 * The store failing under a running daemon: the database locked by another process, the disk
 * full, the file corrupt or not a file at start. A write that fails must stop consumption (the
 * source re-reads from its last stored position) rather than drop detections, the failure must
 * be logged clearly, and ingestion must resume by itself, exactly, once the fault clears.
 *
 * The disk-full case mounts a small tmpfs, so it needs root (or CAP_SYS_ADMIN), as CI has.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeCorpus, type Corpus } from '../support/corpus.js';
import { runCli } from '../support/cli.js';
import { spawnAuthwatch, storedCounts, waitFor, type DaemonProcess } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

const sorted = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** The sum of two corpora's ground truths. */
function plus(a: Corpus, b: Corpus): Record<string, number> {
  const out = { ...a.truth };
  for (const [k, v] of Object.entries(b.truth)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** A daemon following one log file from its beginning into `db`. */
function followFile(dir: string, log: string, db: string): DaemonProcess {
  const config = join(dir, 'authwatch.yaml');
  writeFileSync(config, `database:\n  path: ${db}\nsources:\n  - type: file\n    id: app\n    paths: [${log}]\n    startAt: beginning\n    pollIntervalMs: 50\nlog:\n  level: info\n`);
  return spawnAuthwatch(['run', '--config', config]);
}

/** Mounts a tmpfs of `sizeKb` KiB at `dir`; unmounted after the daemon is gone. */
function mountSmallDisk(dir: string, sizeKb: number, daemon: () => DaemonProcess | undefined): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  onTestFinished(async () => {
    const d = daemon();
    if (d && d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill('SIGKILL');
      await d.exited;
    }
    execFileSync('umount', ['-l', dir]);
  });
}

describe('storage faults under a running daemon', () => {
  it('waits while another process holds the write lock, then stores everything exactly once', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const db = join(dir, 'state.sqlite');
    const first = makeCorpus(6_000, { seed: 31, tag: 'a' });
    const second = makeCorpus(6_000, { seed: 32, tag: 'b' });
    writeFileSync(log, `${first.lines.join('\n')}\n`);
    const daemon = followFile(dir, log, db);
    expect(await waitFor(() => sorted(storedCounts(db)) === sorted(first.truth), 60_000), daemon.stderr()).toBe(true);

    // Another process takes the write lock (WAL: readers still read) and keeps it longer than
    // the daemon's busy timeout (5 s), while more rejections arrive.
    const locker = new Database(db);
    locker.pragma('busy_timeout = 10000');
    locker.exec('BEGIN EXCLUSIVE');
    onTestFinished(() => {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
    });
    appendFileSync(log, `${second.lines.join('\n')}\n`);
    expect(await waitFor(() => /Sink rejected a chunk[\s\S]*database is locked|database is locked[\s\S]*Sink rejected a chunk/.test(daemon.stderr()), 30_000), daemon.stderr()).toBe(true);
    // Nothing of the second part got in while the lock was held, and nothing was half-stored.
    expect(sorted(storedCounts(db))).toBe(sorted(first.truth));
    expect(daemon.child.exitCode).toBe(null);

    locker.exec('COMMIT');
    expect(await waitFor(() => sorted(storedCounts(db)) === sorted(plus(first, second)), 60_000), daemon.stderr()).toBe(true);
  }, 120_000);

  it('stops consuming when the disk is full and resumes exactly once space is freed', async () => {
    const dir = tempDir();
    const disk = join(dir, 'disk');
    const running: { daemon?: DaemonProcess } = {};
    mountSmallDisk(disk, 4096, () => running.daemon);
    const log = join(dir, 'app.log');
    const db = join(disk, 'state.sqlite');
    // About 2,000 stored events: several MiB of rows, indexes and WAL, more than fits.
    const corpus = makeCorpus(20_000, { seed: 33, every: 10 });
    writeFileSync(log, `${corpus.lines.join('\n')}\n`);
    // Leave about 1 MiB free.
    const filler = join(disk, 'filler');
    writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));

    const d = followFile(dir, log, db);
    running.daemon = d;
    expect(await waitFor(() => /database or disk is full/.test(d.stderr()), 60_000), d.stderr()).toBe(true);
    expect(d.stderr()).toMatch(/Sink rejected a chunk/);
    // Consumption stopped: what is stored is consistent (storedCounts checks the totals against
    // the events) and short of the truth, and it stays put while the disk is full.
    const during = storedCounts(db);
    const total = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
    const truth = total(corpus.truth);
    expect(total(during)).toBeLessThan(truth);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(total(storedCounts(db))).toBeLessThan(truth);
    expect(d.child.exitCode).toBe(null);

    rmSync(filler);
    expect(await waitFor(() => sorted(storedCounts(db)) === sorted(corpus.truth), 90_000), d.stderr()).toBe(true);
  }, 180_000);

  it('refuses a corrupt database or a path that is not a file at start, naming it, with exit code 4', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, 'nothing to see\n');
    const corrupt = join(dir, 'corrupt.sqlite');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xa5)]));
    const notAFile = join(dir, 'a-directory.sqlite');
    mkdirSync(notAFile);
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is a text file, not a database\n'.repeat(200));

    for (const path of [corrupt, notAFile, garbage]) {
      for (const argv of [['scan', '--db', path, log], ['services', '--db', path]]) {
        const r = await runCli(argv);
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(4);
        expect(r.stderr).toContain(path);
      }
    }
    // The real binary, as a service manager would start it.
    const d = spawnAuthwatch(['run', '--db', garbage, '--from-beginning', log]);
    expect(await d.exited).toBe(4);
    expect(d.stderr()).toContain(garbage);
    expect(d.stderr()).toMatch(/not a database|not usable|corrupt/i);
  }, 60_000);
});

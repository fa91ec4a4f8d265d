import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'authwatch.js');

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Starts the built CLI as a child process; it is killed when the test finishes. */
export function spawnAuthwatch(args: string[], env: Record<string, string> = {}): DaemonProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // The start of the log (start-up messages) and its latest part, bounded.
  let head = '';
  let tail = '';
  const keep = (c: Buffer) => {
    const text = c.toString('utf8');
    if (head.length < 50_000) head += text.slice(0, 50_000 - head.length);
    tail = (tail + text).slice(-20_000);
  };
  // The daemon logs to stdout (JSON lines); both streams are kept, in arrival order.
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, exited, stderr: () => (head.length < 50_000 ? head : `${head}\n…\n${tail}`) };
}

/** Per-service, per-kind counts as stored, read without disturbing the writer. */
export function storedCounts(dbPath: string): Record<string, number> {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    const rows = db.prepare('SELECT service, kind, count FROM service_kinds').all() as Array<{ service: string; kind: string; count: number }>;
    const events = db.prepare('SELECT service, kind, count(*) AS n FROM events GROUP BY service, kind').all() as Array<{ service: string; kind: string; n: number }>;
    const out: Record<string, number> = {};
    for (const r of rows) out[`${r.service}/${r.kind}`] = r.count;
    // The running totals and the events must agree; a mismatch would be a bug in the store.
    for (const e of events) if (out[`${e.service}/${e.kind}`] !== e.n) throw new Error(`service_kinds disagrees with events for ${e.service}/${e.kind}`);
    return out;
  } catch (err) {
    // Not there yet, or a restarted daemon is recovering the WAL: no reading this time.
    const code = (err as { code?: string }).code ?? '';
    if (['SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED'].includes(code) || /no such table/.test(String(err))) return {};
    throw err;
  } finally {
    db?.close();
  }
}

/** Polls until `check` returns true or the deadline passes; returns the last result. */
export async function waitFor(check: () => boolean, deadlineMs: number, everyMs = 100): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

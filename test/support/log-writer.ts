/**
 * Appends numbered lines (`seq=<n> ...`) to a log file at a steady rate from a timer, and rotates
 * it the two ways logrotate does. Everything runs synchronously on the test's thread, so a
 * rotation is atomic with respect to the writer, as a lossless rotation must be; the source under
 * test reads through libuv's thread pool and so still sees files mid-write.
 */
import { closeSync, copyFileSync, existsSync, openSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { onTestFinished } from 'vitest';

export interface LogWriterOptions {
  readonly path: string;
  /** Lines per second. Default 3000. */
  readonly linesPerSecond?: number;
  /** Timer period. Milliseconds; default 5. */
  readonly tickMs?: number;
  /** After a rename rotation the writer keeps writing to the old file this long before reopening. Milliseconds; default 30. */
  readonly reopenDelayMs?: number;
  /** Rotated generations kept (`.1` … `.keep`). Default 4. */
  readonly keep?: number;
  /** Filler bytes per line, so files grow at a realistic pace. Default 60. */
  readonly padBytes?: number;
}

export class LogWriter {
  /** Number of the last line written; lines are numbered from 1. */
  written = 0;
  private fd: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private base = 0;
  private reopenAt: number | undefined;
  private readonly rate: number;
  private readonly pad: string;

  constructor(private readonly opts: LogWriterOptions) {
    this.rate = opts.linesPerSecond ?? 3000;
    this.pad = 'x'.repeat(opts.padBytes ?? 60);
    this.fd = openSync(opts.path, 'a');
  }

  /** Starts the timer; the line count follows elapsed time, so a late tick catches up (at most 1 s worth). */
  start(): this {
    this.startedAt = Date.now();
    this.base = this.written;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 5);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.reopenIfDue(true);
  }

  close(): void {
    this.stop();
    closeSync(this.fd);
  }

  /** Writes `count` lines now, each split over two writes so readers can catch half a line. */
  append(count: number): void {
    for (let i = 0; i < count; i += 1) {
      this.written += 1;
      const line = `seq=${this.written} svc=mailer msg=${this.pad}\n`;
      const cut = 4 + (this.written % 7);
      writeSync(this.fd, line.slice(0, cut));
      writeSync(this.fd, line.slice(cut));
    }
  }

  /**
   * Rename-and-create: `path` → `path.1` (older ones shifted), a new empty `path` created at once,
   * the writer still appending to the old file until it reopens reopenDelayMs later.
   */
  rotateRename(): void {
    this.reopenIfDue(true);
    this.shift();
    renameSync(this.opts.path, `${this.opts.path}.1`);
    writeFileSync(this.opts.path, '');
    this.reopenAt = Date.now() + (this.opts.reopenDelayMs ?? 30);
  }

  /** copytruncate: copy `path` to `path.1` (older ones shifted), then truncate `path` in place. */
  rotateCopyTruncate(): void {
    this.reopenIfDue(true);
    this.shift();
    copyFileSync(this.opts.path, `${this.opts.path}.1`);
    truncateSync(this.opts.path, 0);
  }

  private shift(): void {
    const keep = this.opts.keep ?? 4;
    rmSync(`${this.opts.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i -= 1) {
      if (existsSync(`${this.opts.path}.${i}`)) renameSync(`${this.opts.path}.${i}`, `${this.opts.path}.${i + 1}`);
    }
  }

  private tick(): void {
    this.reopenIfDue(false);
    const due = this.base + Math.floor(((Date.now() - this.startedAt) * this.rate) / 1000);
    const behind = due - this.written;
    if (behind > this.rate) this.base += behind - this.rate; // a stalled loop does not make a burst
    this.append(Math.min(behind, this.rate));
  }

  private reopenIfDue(force: boolean): void {
    if (this.reopenAt === undefined || (!force && Date.now() < this.reopenAt)) return;
    this.reopenAt = undefined;
    closeSync(this.fd);
    this.fd = openSync(this.opts.path, 'a');
  }
}

/** A started writer, closed when the current test finishes. */
export function startLogWriter(opts: LogWriterOptions): LogWriter {
  const w = new LogWriter(opts).start();
  onTestFinished(() => w.close());
  return w;
}

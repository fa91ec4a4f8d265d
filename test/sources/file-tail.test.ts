import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Log } from '../../src/contracts.js';
import type { FileTailOptions } from '../../src/sources/file-tail.js';
import { FileTailSource } from '../../src/sources/file-tail.js';
import { headFingerprint } from '../../src/sources/stream-identity.js';
import { startLogWriter } from '../support/log-writer.js';
import { memoryLog, waitFor } from '../support/memory-store.js';
import { tempDir } from '../support/temp.js';
import { LineSink } from './line-sink.js';

const FAST = { pollIntervalMs: 20, rotatedIdleMs: 250, globIntervalMs: 100, retry: { initialMs: 10, maxMs: 100 } } as const;

interface Running {
  readonly source: FileTailSource;
  readonly log: Log & { lines: string[] };
  stop(): Promise<void>;
}

/** Runs a source against the sink until stop() (or the end of the test). */
function runSource(sink: LineSink, opts: Partial<FileTailOptions> & Pick<FileTailOptions, 'paths'>): Running {
  const log = memoryLog();
  const source = new FileTailSource({ id: 'files', startAt: 'beginning', readRotatedGz: false, ...FAST, ...opts }, sink, log);
  const ac = new AbortController();
  const done = source.run(sink.sink, ac.signal);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    ac.abort();
    await done;
  };
  onTestFinished(stop);
  return { source, log, stop };
}

const lines = (from: number, to: number): string => {
  let s = '';
  for (let n = from; n <= to; n += 1) s += `seq=${n} svc=mailer msg=hello\n`;
  return s;
};

const fileStream = (firstLine: string): string => `file:${headFingerprint(Buffer.from(`${firstLine}\n`)) ?? ''}`;

/** Waits until every line up to `total` arrived, then a little longer so a late repeat would show. */
async function expectExactlyOnce(sink: LineSink, total: number, settleMs = 300): Promise<void> {
  await waitFor(`${total} lines`, () => sink.records.length >= total && sink.tally(total).missing.length === 0, 20_000).catch(() => undefined);
  await new Promise((r) => setTimeout(r, settleMs));
  expect(sink.tally(total)).toEqual({ missing: [], repeated: [], unexpected: [] });
  expect(sink.records.length).toBe(total);
  expect(sink.gaps()).toEqual([]);
  expect(sink.violations).toEqual([]);
}

describe('FileTailSource', () => {
  it('follows appends and stores a checkpoint that names the file and the next line', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(1, 5));
    const sink = new LineSink();
    const run = runSource(sink, { paths: [path] });
    await waitFor('first lines', () => sink.records.length === 5);
    appendFileSync(path, lines(6, 8));
    appendFileSync(path, 'seq=9 svc=mailer msg=hel');
    await waitFor('appended lines', () => sink.records.length === 8);
    appendFileSync(path, 'lo\n');
    await waitFor('completed line', () => sink.records.length === 9);
    expect(sink.records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sink.records[8]?.text).toBe('seq=9 svc=mailer msg=hello');
    const stream = fileStream('seq=1 svc=mailer msg=hello');
    expect(sink.streams()).toEqual(new Set([stream]));
    const st = statSync(path, { bigint: true });
    expect(sink.get('files', stream)).toEqual({ path, dev: String(st.dev), ino: String(st.ino), fingerprint: stream.slice(5), offset: Number(st.size), nextLine: 10 });
    expect(run.source.health()).toMatchObject({ id: 'files', type: 'file', state: 'running' });
    await run.stop();
    expect(run.source.health().state).toBe('stopped');
  });

  it('loses and repeats nothing across repeated rename-and-create rotations under a busy writer', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const writer = startLogWriter({ path, linesPerSecond: 3000, reopenDelayMs: 40 });
    const sink = new LineSink();
    const run = runSource(sink, { paths: [path] });
    const rotations = 12;
    for (let i = 1; i <= rotations; i += 1) {
      await new Promise((r) => setTimeout(r, 120));
      writer.rotateRename();
      await waitFor(`stream ${i + 1}`, () => sink.streams().size >= i + 1, 10_000);
    }
    await new Promise((r) => setTimeout(r, 120));
    writer.stop();
    expect(writer.written).toBeGreaterThan(3000);
    await expectExactlyOnce(sink, writer.written);
    await waitFor('rotated streams ended', () => sink.ended.length === rotations, 10_000);
    expect(new Set(sink.ended).size).toBe(rotations);
    await run.stop();
  });

  it('loses and repeats nothing across repeated copytruncate rotations under a busy writer', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const writer = startLogWriter({ path, linesPerSecond: 3000 });
    const sink = new LineSink();
    const run = runSource(sink, { paths: [path] });
    const rotations = 10;
    for (let i = 1; i <= rotations; i += 1) {
      await new Promise((r) => setTimeout(r, 120));
      writer.rotateCopyTruncate();
      await waitFor(`stream ${i + 1}`, () => sink.streams().size >= i + 1, 10_000);
    }
    await new Promise((r) => setTimeout(r, 120));
    writer.stop();
    await expectExactlyOnce(sink, writer.written);
    await waitFor('truncated streams ended', () => sink.ended.length === rotations, 10_000);
    expect(run.log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    await run.stop();
  });

  it('resumes exactly after restarts, including rotations that happened while stopped', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const writer = startLogWriter({ path, linesPerSecond: 2000, reopenDelayMs: 40 });
    const sink = new LineSink();
    let run = runSource(sink, { paths: [path], startAt: 'end' });
    await waitFor('lines', () => sink.records.length > 200);
    const first = sink.records[0];
    await run.stop();
    sink.restart();
    writer.rotateRename(); // while stopped: the old file is found as app.log.1 by its head
    await new Promise((r) => setTimeout(r, 150));
    run = runSource(sink, { paths: [path], startAt: 'end' });
    await waitFor('the new file', () => sink.streams().size >= 2, 10_000);
    expect(run.log.lines.some((l) => l.includes('Draining a file rotated while the source was stopped') && l.includes('app.log.1'))).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    await run.stop();
    sink.restart();
    writer.rotateCopyTruncate(); // while stopped: the rest of the stream is in app.log.1
    await new Promise((r) => setTimeout(r, 150));
    run = runSource(sink, { paths: [path], startAt: 'end' });
    await waitFor('the truncated file', () => sink.streams().size >= 3, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    writer.stop();
    // The first instance started at the end: lines before its first one were never wanted.
    const skipped = Number(/^seq=(\d+)/.exec(first?.text ?? '')?.[1]) - 1;
    expect(first?.line).toBe(skipped + 1);
    const before = sink.records.length;
    for (let n = 1; n <= skipped; n += 1) sink.records.push({ stream: 'skipped', offset: n, line: n, text: `seq=${n} `, path: undefined });
    expect(sink.records.length - before).toBe(skipped);
    await waitFor('all lines', () => sink.tally(writer.written).missing.length === 0, 20_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.tally(writer.written)).toEqual({ missing: [], repeated: [], unexpected: [] });
    expect(sink.records.length).toBe(writer.written);
    expect(sink.violations).toEqual([]);
    await run.stop();
  });

  it('returns after the sink call in flight when aborted, closing its files', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(1, 3));
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const before = existsSync('/proc/self/fd') ? fds() : 0;
    let release: () => void = () => undefined;
    let calls = 0;
    const source = new FileTailSource({ id: 'files', paths: [path], startAt: 'beginning', readRotatedGz: false, ...FAST }, new LineSink(), memoryLog());
    const ac = new AbortController();
    const done = source.run(async () => {
      calls += 1;
      await new Promise<void>((r) => (release = r));
    }, ac.signal);
    await waitFor('sink call', () => calls === 1);
    ac.abort();
    let returned = false;
    void done.then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(returned).toBe(false);
    release();
    await done;
    expect(calls).toBe(1);
    expect(source.health().state).toBe('stopped');
    if (existsSync('/proc/self/fd')) expect(fds()).toBe(before);
  });

  it('picks up files that start matching a glob (`*`, `?`, `**`) and reads them from the start', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.log'), lines(1, 3));
    const sink = new LineSink();
    const run = runSource(sink, { paths: [join(dir, '**/*.log'), join(dir, '?.txt')], startAt: 'end' });
    await waitFor('start', () => run.source.health().state === 'running');
    mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'deep', 'b.log'), lines(4, 6));
    writeFileSync(join(dir, 'c.txt'), lines(7, 8));
    writeFileSync(join(dir, 'cd.txt'), lines(100, 101)); // `?` is one character: not matched
    await waitFor('new files', () => sink.records.length >= 5);
    appendFileSync(join(dir, 'a.log'), lines(9, 9));
    await waitFor('append to the first file', () => sink.records.length >= 6);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.seqs().sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9]);
    const byPath = (p: string) => sink.records.filter((r) => r.path === p).map((r) => r.line);
    expect(byPath(join(dir, 'sub', 'deep', 'b.log'))).toEqual([1, 2, 3]);
    expect(byPath(join(dir, 'c.txt'))).toEqual([1, 2]);
    expect(byPath(join(dir, 'a.log'))).toEqual([4]);
    await run.stop();
  });

  it('starts at the end (keeping line numbers, completing a partial last line) or at the beginning', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    writeFileSync(path, `${lines(1, 100)}seq=101 svc=mailer msg=hel`);
    const atEnd = new LineSink();
    let run = runSource(atEnd, { paths: [path], startAt: 'end' });
    const fromStart = new LineSink();
    const run2 = runSource(fromStart, { paths: [path], startAt: 'beginning' });
    await waitFor('the end position stored', () => atEnd.checkpoints.size === 1);
    await run.stop();
    atEnd.restart();
    appendFileSync(path, `lo\n${lines(102, 102)}`); // written while stopped: still read
    run = runSource(atEnd, { paths: [path], startAt: 'end' });
    await waitFor('new lines', () => atEnd.records.length >= 2 && fromStart.records.length >= 102);
    await new Promise((r) => setTimeout(r, 150));
    expect(atEnd.records.map((r) => [r.line, r.text])).toEqual([
      [101, 'seq=101 svc=mailer msg=hello'],
      [102, 'seq=102 svc=mailer msg=hello'],
    ]);
    expect(fromStart.records.map((r) => r.line)).toEqual(Array.from({ length: 102 }, (_, i) => i + 1));
    expect(fromStart.tally(102)).toEqual({ missing: [], repeated: [], unexpected: [] });
    await run.stop();
    await run2.stop();
  });

  it('re-reads from the stored checkpoint after sink rejections, with no loss or repeat', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    const writer = startLogWriter({ path, linesPerSecond: 2000, reopenDelayMs: 20 });
    const sink = new LineSink();
    sink.rejectWhen = (_b, n) => n % 4 === 0 || (n > 40 && n < 48);
    const run = runSource(sink, { paths: [path] });
    await waitFor('some rejections', () => sink.rejected >= 10 && sink.records.length > 300);
    expect(run.source.health().state === 'running' || run.source.health().state === 'retrying').toBe(true);
    writer.rotateRename();
    await waitFor('second stream', () => sink.streams().size >= 2);
    writer.rotateCopyTruncate();
    await waitFor('third stream', () => sink.streams().size >= 3);
    await new Promise((r) => setTimeout(r, 100));
    writer.stop();
    await expectExactlyOnce(sink, writer.written);
    expect(sink.rejected).toBeGreaterThanOrEqual(10);
    expect(run.log.lines.some((l) => l.includes('Sink rejected a chunk'))).toBe(true);
    sink.rejectWhen = () => true;
    writer.append(1);
    await waitFor('retrying health', () => run.source.health().state === 'retrying');
    expect(run.source.health().detail).toMatch(/sink rejected/);
    sink.rejectWhen = undefined;
    await waitFor('recovered', () => run.source.health().state === 'running');
    await expectExactlyOnce(sink, writer.written, 50);
    await run.stop();
  });

  it('treats a file with a new head as a new stream, even in the same inode', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(1, 50));
    const sink = new LineSink();
    let run = runSource(sink, { paths: [path] });
    await waitFor('first file', () => sink.records.length === 50);
    const ino = statSync(path).ino;
    writeFileSync(path, lines(1001, 1100)); // same inode, rewritten, longer than what was read
    expect(statSync(path).ino).toBe(ino);
    await waitFor('rewritten file', () => sink.records.length === 150);
    expect(sink.streams()).toEqual(new Set([fileStream('seq=1 svc=mailer msg=hello'), fileStream('seq=1001 svc=mailer msg=hello')]));
    expect(sink.records.slice(50).map((r) => r.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(run.log.lines.some((l) => l.startsWith('warn') && l.includes('lostBytesAtLeast'))).toBe(true);
    await run.stop();
    sink.restart();
    rmSync(path);
    writeFileSync(path, lines(2001, 2010)); // perhaps the same inode number again: the head decides
    run = runSource(sink, { paths: [path] });
    await waitFor('recreated file', () => sink.records.length === 160);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.records.slice(150).map((r) => r.line)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(sink.tally(0).repeated).toEqual([]);
    expect(sink.violations).toEqual([]);
    await run.stop();
  });

  it('reports a missing path as retrying, keeps reading the others, and reads it once it appears', async () => {
    const dir = tempDir();
    const present = join(dir, 'present.log');
    const missing = join(dir, 'missing.log');
    writeFileSync(present, lines(1, 2));
    const sink = new LineSink();
    const run = runSource(sink, { paths: [present, missing], startAt: 'end' });
    await waitFor('retrying', () => run.source.health().state === 'retrying', 10_000);
    expect(run.source.health().detail).toContain('missing.log: missing');
    appendFileSync(present, lines(3, 3));
    await waitFor('other file read', () => sink.records.length === 1);
    writeFileSync(missing, lines(4, 5)); // absent on start: read from its beginning
    await waitFor('appeared file', () => sink.records.length === 3);
    await waitFor('running', () => run.source.health().state === 'running');
    expect(sink.seqs()).toEqual([3, 4, 5]);
    expect(run.log.lines.filter((l) => l.includes('Cannot read a watched path')).length).toBe(1);
    await run.stop();
  });

  it('reads rotated .gz files once, from a stored offset when the stream was partly read', async () => {
    const dir = tempDir();
    const path = join(dir, 'app.log');
    writeFileSync(path, lines(1, 10));
    const sink = new LineSink();
    let run = runSource(sink, { paths: [`${path}*`], readRotatedGz: true });
    await waitFor('plain file', () => sink.records.length === 10);
    await run.stop();
    sink.restart();
    // While stopped: more lines, then rotated and compressed; plus an older archive never seen.
    appendFileSync(path, lines(11, 15));
    writeFileSync(`${path}.1.gz`, gzipSync(Buffer.from(lines(1, 15))));
    rmSync(path);
    writeFileSync(`${path}.2.gz`, gzipSync(Buffer.from(lines(101, 120))));
    writeFileSync(path, lines(16, 17));
    run = runSource(sink, { paths: [`${path}*`], readRotatedGz: true });
    await waitFor('archives and new file', () => sink.records.length === 37);
    await run.stop();
    sink.restart();
    run = runSource(sink, { paths: [`${path}*`], readRotatedGz: true });
    await new Promise((r) => setTimeout(r, 300));
    await run.stop();
    const seqs = sink.seqs().sort((a, b) => a - b);
    expect(seqs).toEqual([...Array.from({ length: 17 }, (_, i) => i + 1), ...Array.from({ length: 20 }, (_, i) => i + 101)]);
    expect(sink.records.filter((r) => r.path === `${path}.1.gz`).map((r) => r.line)).toEqual([11, 12, 13, 14, 15]);
    expect(sink.violations).toEqual([]);
  });

  it('keeps a stream whose file is renamed to another watched name as one stream', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.log');
    writeFileSync(a, lines(1, 3));
    const sink = new LineSink();
    const run = runSource(sink, { paths: [join(dir, '*.log')], rotatedIdleMs: 60_000 });
    await waitFor('lines', () => sink.records.length === 3);
    renameSync(a, join(dir, 'b.log'));
    await waitFor('adopted', () => run.log.lines.some((l) => l.includes('following it under its new name')), 10_000);
    appendFileSync(join(dir, 'b.log'), lines(4, 5));
    await waitFor('appended under the new name', () => sink.records.length === 5, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.streams().size).toBe(1);
    expect(sink.ended).toEqual([]); // adopted by its new name, not ended and restarted
    expect(sink.records.map((r) => r.path)).toEqual([a, a, a, join(dir, 'b.log'), join(dir, 'b.log')]);
    expect(sink.tally(5)).toEqual({ missing: [], repeated: [], unexpected: [] });
    expect(sink.violations).toEqual([]);
    await run.stop();
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StdinSource } from '../../src/sources/stdin-source.js';
import { headFingerprint } from '../../src/sources/stream-identity.js';
import { memoryLog, waitFor } from '../support/memory-store.js';
import { LineSink } from './line-sink.js';

const RETRY = { retry: { initialMs: 5, maxMs: 20 } } as const;

describe('StdinSource', () => {
  it('sends one stream named by its first line, flushing a last partial line at the end', async () => {
    const input = new PassThrough();
    const sink = new LineSink();
    const source = new StdinSource('-', input, memoryLog(), RETRY);
    const done = source.run(sink.sink, new AbortController().signal);
    input.write('first li'); // the name needs the whole first line
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.batches).toBe(0);
    input.write('ne\nsecond line\nthi');
    await waitFor('two lines', () => sink.records.length === 2);
    expect(source.health()).toMatchObject({ id: '-', type: 'stdin', state: 'running' });
    input.end('rd line');
    await done;
    const stream = `stdin:${headFingerprint(Buffer.from('first line\n')) ?? ''}`;
    expect(sink.records.map((r) => [r.stream, r.offset, r.line, r.text])).toEqual([
      [stream, 0, 1, 'first line'],
      [stream, 11, 2, 'second line'],
      [stream, 23, 3, 'third line'],
    ]);
    expect(sink.ended).toEqual([stream]);
    expect(sink.checkpoints.size).toBe(0); // stdin cannot be resumed: nothing stored
    expect(source.health().state).toBe('stopped');
  });

  it('names a single unterminated line at the end of input', async () => {
    const input = new PassThrough();
    const sink = new LineSink();
    const done = new StdinSource('-', input, memoryLog(), RETRY).run(sink.sink, new AbortController().signal);
    input.end('only line');
    await done;
    expect(sink.records.map((r) => [r.stream, r.text])).toEqual([[`stdin:${headFingerprint(Buffer.from('only line'), true) ?? ''}`, 'only line']]);
  });

  it('re-sends a rejected chunk with the partial line before it, losing and repeating nothing', async () => {
    const input = new PassThrough();
    const sink = new LineSink();
    sink.rejectWhen = (_b, n) => n % 3 === 0;
    const log = memoryLog();
    const source = new StdinSource('-', input, log, RETRY);
    const done = source.run(sink.sink, new AbortController().signal);
    let text = '';
    for (let n = 1; n <= 400; n += 1) text += `seq=${n} line\n`;
    // Uneven pieces so chunk edges fall inside lines.
    for (let i = 0; i < text.length; i += 97) {
      input.write(text.slice(i, i + 97));
      await new Promise((r) => setTimeout(r, 2));
    }
    input.end();
    await done;
    expect(sink.rejected).toBeGreaterThan(5);
    expect(sink.tally(400)).toEqual({ missing: [], repeated: [], unexpected: [] });
    expect(sink.gaps()).toEqual([]);
    expect(sink.violations).toEqual([]);
    expect(log.lines.some((l) => l.includes('Sink rejected a chunk of standard input'))).toBe(true);
  });

  it('returns when the signal aborts, after the sink call in flight', async () => {
    const input = new PassThrough();
    let release: () => void = () => undefined;
    let calls = 0;
    const source = new StdinSource('-', input, memoryLog(), RETRY);
    const ac = new AbortController();
    const done = source.run(async () => {
      calls += 1;
      await new Promise<void>((r) => (release = r));
    }, ac.signal);
    input.write('a line\n');
    await waitFor('sink call', () => calls === 1);
    ac.abort();
    let returned = false;
    void done.then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(returned).toBe(false);
    release();
    await done;
    expect(source.health().state).toBe('stopped');
    // An idle input does not hold the source either.
    const idle = new StdinSource('-', new PassThrough(), memoryLog(), RETRY);
    const ac2 = new AbortController();
    const idleDone = idle.run(async () => undefined, ac2.signal);
    ac2.abort();
    await idleDone;
    expect(calls).toBe(1);
  });
});

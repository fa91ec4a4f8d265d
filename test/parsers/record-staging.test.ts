import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { DetectorSettings } from '../../parsers/index.js';
import { RecordStaging } from '../../parsers/record-staging.js';
import { BatchScanner } from '../../src/batch-scanner.js';
import type { Detection, KafkaRecord, RecordMeta, StreamScanner } from '../../src/contracts.js';
import { detector } from './helpers.js';

// record() stages the messages that need no parsing (record-staging.ts) and takes the full,
// per-message path for the others. Refusing every staging forces the full path for every
// message, which is how record() worked before staging: both must give identical results.

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus');
const META: RecordMeta = { source: 'kafka-main', topic: 'logs', partition: 0, key: null, headers: {} };
const HIT = 'Mar  4 10:00:02 web-1 app[1]: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
const B = (s: string): Buffer => Buffer.from(s, 'latin1');

const submit = (qid: string, sender: string): string => `Mar  4 10:00:00 mx postfix/qmgr[1]: ${qid}: from=<${sender}>, size=1, nrcpt=1 (queue active)`;
const deferred = (qid: string): string =>
  `Mar  4 10:00:02 mx postfix/smtp[9]: ${qid}: to=<a@example.org>, relay=smtp.sendgrid.net[1.2.3.4]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[1.2.3.4] said: 535 Authentication failed: Bad username / password)`;
const filler = (i: number): string => `Mar  4 10:00:01 mx postfix/smtpd[2]: connect from unknown[10.0.${i % 250}.${i % 7}] trace=${i}`;

/** Runs `feed` with staging refused (the full path for every message) when `perMessage`. */
const withPath = <T>(perMessage: boolean, feed: () => T): T => {
  const refuse = perMessage ? vi.spyOn(RecordStaging.prototype, 'add').mockReturnValue(-1) : undefined;
  // A run stages nothing: every value goes on to record(), whose staging is refused too.
  const refuseRuns = perMessage ? vi.spyOn(RecordStaging.prototype, 'addRun').mockImplementation((_w, _v, from) => from) : undefined;
  try {
    return feed();
  } finally {
    refuse?.mockRestore();
    refuseRuns?.mockRestore();
  }
};

/** Run lengths cycled through when values go in as runs (recordRun): single values to large batches. */
const RUN_LENGTHS = [1, 7, 64, 2, 300, 33];

/** Streams of values fed in the given order: [stream, value] pairs. */
const recordStreams = (feed: ReadonlyArray<readonly [string, Buffer]>, over: Partial<DetectorSettings>, perMessage: boolean, asRuns = false) =>
  withPath(perMessage, () => {
    const d = detector(over);
    const scanners = new Map<string, StreamScanner>();
    const offsets = new Map<string, number>();
    const detections: Detection[] = [];
    let runs = 0;
    for (let at = 0; at < feed.length; ) {
      const stream = (feed[at] as readonly [string, Buffer])[0];
      let s = scanners.get(stream);
      if (!s) scanners.set(stream, (s = d.open({ stream, startOffset: 0, startLine: 1, meta: META })));
      // One value at a time, or a run of consecutive values of the stream through recordRun.
      let end = at + 1;
      if (asRuns) {
        const want = RUN_LENGTHS[runs++ % RUN_LENGTHS.length] as number;
        while (end < feed.length && end - at < want && (feed[end] as readonly [string, Buffer])[0] === stream) end++;
      }
      const values = feed.slice(at, end).map(([, v]) => v);
      const first = offsets.get(stream) ?? 0;
      offsets.set(stream, first + values.length);
      if (asRuns && s.recordRun) s.recordRun(values, values.map((_, i) => first + i), () => META, detections);
      else values.forEach((v, i) => detections.push(...(s).record(v, first + i, META)));
      at = end;
    }
    return { detections, streams: [...scanners].map(([stream, s]) => ({ stream, stats: { ...s.stats }, evidence: s.drainEvidence?.() ?? [] })) };
  });

/** Feeds `values` to one stream both ways, expects identical results and returns them. */
const expectSame = (values: readonly Buffer[], over: Partial<DetectorSettings> = {}) => {
  const feed = values.map((v) => ['kafka:logs:0', v] as const);
  const staged = recordStreams(feed, over, false);
  const full = recordStreams(feed, over, true);
  expect(staged).toEqual(full);
  expect(recordStreams(feed, over, false, true)).toEqual(full);
  return { detections: staged.detections, stats: staged.streams[0]?.stats, evidence: staged.streams[0]?.evidence ?? [] };
};

const corpusLines = (file: string): string[] => readFileSync(join(corpus, file), 'latin1').split('\n');

describe('staged records', () => {
  const files = readdirSync(corpus).filter((f) => f.endsWith('.log'));

  it('find what the full path finds in every corpus log, a line per message, with and without evidence wanted', () => {
    let found = 0;
    for (const file of files) {
      for (const wanted of [true, false]) {
        const { detections } = expectSame(corpusLines(file).map(B), { evidenceWanted: () => wanted });
        found += detections.length;
      }
    }
    expect(found).toBeGreaterThan(50);
  });

  it('find the same in multi-line messages, with and without a final newline, and CRLF', () => {
    for (const file of files) {
      const lines = corpusLines(file);
      const values: Buffer[] = [];
      for (let i = 0, n = 1; i < lines.length; i += n, n = (n % 4) + 1) {
        const group = lines.slice(i, i + n);
        const eol = i % 3 === 0 ? '\r\n' : '\n';
        values.push(B(group.join(eol) + (n % 2 === 0 ? eol : '')));
      }
      expectSame(values, { evidenceWanted: () => true });
      expectSame(values, { evidenceWanted: () => false });
    }
  });

  it('count lines and bytes of edge values exactly: empty, newlines only, needles at the very start and end', () => {
    const values = [
      '',
      '\n',
      '\n\n',
      'a',
      'a\n',
      'a\n\nb',
      '535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
      'x 535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
      `noise\n${HIT}`,
      `${HIT}\n`,
      `${HIT}\n\n`,
      // A needle cut by a newline is no needle.
      '535 Authentication\nfailed: Basic authentication is not allowed with 2FA enabled',
      'STATUS=SENT',
      'status=sent',
      '',
    ].map(B);
    const { stats, detections } = expectSame(values);
    expect(stats).toMatchObject({ lines: 19, bytes: values.reduce((n, v) => n + v.length, 0) });
    expect(detections.length).toBeGreaterThanOrEqual(4);
  });

  it('count over-long values and lines as the full path does, at and around maxLineBytes', () => {
    const max = 64;
    const values = [
      'y'.repeat(max),
      'y'.repeat(max + 1),
      `${'z'.repeat(max + 10)}\nshort`,
      `short\n${'z'.repeat(max + 10)}`,
      `${HIT}`,
      `${HIT.slice(0, max)}`,
      `ok\n${HIT}\nok`,
      `${'q'.repeat(max - 1)}\n${'q'.repeat(max)}\n`,
    ].map(B);
    const { stats } = expectSame(values, { maxLineBytes: max });
    expect(stats?.longLines).toBe(5);
  });

  it('treat binary values with a needle as the full path does', () => {
    const values = [B(`${HIT}\0`), B(`${'\x01'.repeat(20)} ${HIT}`), B(`\x01\x02 ${HIT}`), Buffer.from([0, 0, 0, 10, 0]), B('plain')];
    expect(expectSame(values).stats?.binaryLines).toBe(2);
  });

  it('keep every staged message in the lookback window: MTA correlation across a full staging area', () => {
    // More than the 1 MiB staging area, so it fills and moves on at least once in between.
    const values = [B(submit('AAAA11111', 'early@example.com')), ...Array.from({ length: 14_000 }, (_, i) => B(filler(i))), B(submit('BBBB22222', 'late@example.com'))];
    values.push(...Array.from({ length: 100 }, (_, i) => B(filler(i))), B(deferred('AAAA11111')), B(deferred('BBBB22222')));
    const { detections } = expectSame(values);
    expect(detections.map((d) => d.service)).toEqual(['early@example.com', 'late@example.com']);
  });

  it('give the same results with small and disabled lookback windows', () => {
    const values = [submit('AAAA11111', 'app@example.com'), ...Array.from({ length: 40 }, (_, i) => filler(i)), deferred('AAAA11111')].map(B);
    for (const lookbackBytes of [0, 300, 2048, 16 * 1024]) expectSame(values, { lookbackBytes });
    expect(expectSame(values, { lookbackBytes: 0 }).detections[0]?.serviceVia).toBe('program');
  });

  it('keep interleaved streams apart: each stream correlates with its own messages only', () => {
    const feed: Array<readonly [string, Buffer]> = [];
    for (let i = 0; i < 300; i++) {
      for (const p of [0, 1, 2]) {
        const stream = `kafka:logs:${p}`;
        if (i === 5) feed.push([stream, B(submit(`AAAA0000${p}`, `p${p}@example.com`))]);
        else if (i === 299) feed.push([stream, B(deferred(`AAAA0000${(p + 1) % 3}`))], [stream, B(deferred(`AAAA0000${p}`))]);
        // Runs of one stream, as batches come, and single messages between the others'.
        else for (let k = 0; k < (p === 0 ? 7 : 1); k++) feed.push([stream, B(filler(i * 10 + k))]);
      }
    }
    const staged = recordStreams(feed, {}, false);
    expect(staged).toEqual(recordStreams(feed, {}, true));
    // Each stream: the other stream's queue id first (no submission in this stream), then its own.
    expect(staged.detections.map((d) => d.service)).toEqual(['postfix/smtp@mx', 'p0@example.com', 'postfix/smtp@mx', 'p1@example.com', 'postfix/smtp@mx', 'p2@example.com']);
  });

  it('give the same results when evidence becomes wanted and unwanted mid-stream', () => {
    const lines = files.flatMap(corpusLines);
    let n = 0;
    // Flips every 7 messages (the scanner asks once per record, and again per examined line).
    const evidenceWanted = (): boolean => Math.floor(n / 7) % 2 === 0;
    const values = lines.map(B);
    const run = (perMessage: boolean) =>
      withPath(perMessage, () => {
        n = 0;
        const s = detector({ evidenceWanted }).open({ stream: 'kafka:logs:0', startOffset: 0, startLine: 1, meta: META });
        const detections = values.flatMap((v, i) => {
          n = i;
          return s.record(v, i, META);
        });
        return { detections, stats: { ...s.stats }, evidence: s.drainEvidence?.() ?? [] };
      });
    expect(run(false)).toEqual(run(true));
  });
});

describe('BatchScanner over Kafka records', () => {
  it('counts tombstones and finds the same with staged and per-message scanning', () => {
    const rec = (offset: number, value: Buffer | null, key: string | null = null, headers: Record<string, string> = {}): KafkaRecord => ({ value, offset, key, headers });
    const records = [
      rec(0, B('hello')),
      rec(1, null),
      rec(2, B(HIT), 'checkout'),
      rec(3, B(''), null, { app: 'billing' }),
      rec(4, null, 'k'),
      rec(5, B(`noise\n${HIT}`), null, { trace: 'abc' }),
      rec(6, B(HIT)),
    ];
    const run = (perMessage: boolean) =>
      withPath(perMessage, () => {
        const scanner = new BatchScanner(detector());
        const scanned = scanner.scan({ type: 'records', sourceId: 'k', stream: 'kafka:logs:0', topic: 'logs', partition: 0, records, checkpoint: { nextOffset: 7 } });
        return { detections: scanned.detections, checkpoints: scanned.checkpoints, stats: scanner.stats() };
      });
    const staged = run(false);
    expect(staged).toEqual(run(true));
    expect(staged.stats).toMatchObject({ malformed: 2, lines: 5 });
    expect(staged.detections.map((d) => [d.serviceVia, d.position.offset])).toEqual([
      ['kafka-key', 2],
      ['program', 5],
      ['program', 6],
    ]);
  });
});

/**
 * The detector on input nobody should send it: random bytes, invalid UTF-8, NUL bytes, lines of
 * tens of megabytes, deeply nested and huge JSON. It must not throw, its counters must add up,
 * its memory must stay bounded, and a known rejection after the junk must still be found on the
 * right line. Random cases come from fast-check with fixed seeds, so a failure replays.
 */
import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Detection, StreamScanner } from '../../src/contracts.js';
import { createDetector, DEFAULT_DETECTOR_OPTIONS, NEEDLE_TEXTS } from '../../parsers/index.js';

/** Fixed clock so BSD syslog stamps get a stable year. */
const NOW = Date.parse('2026-03-04T12:00:00Z');
/** A line that opens a record of its own and names its service: what must be found after junk. */
const SENTINEL = '{"service":"sentinel-svc","msg":"535 Authentication failed: Basic authentication is not allowed with 2FA enabled"}';
/** Runs per property. The soak run raises it. */
const RUNS = Number(process.env.AUTHWATCH_FUZZ_RUNS ?? 300);

const open = (maxLineBytes = DEFAULT_DETECTOR_OPTIONS.maxLineBytes): StreamScanner =>
  createDetector({ ...DEFAULT_DETECTOR_OPTIONS, maxLineBytes, now: () => NOW }).open({ stream: 's', startOffset: 0, startLine: 1, meta: { source: 'fuzz', name: 'fuzz' } });

/** Fragments that steer random input into the parsers' paths rather than only the prefilter's. */
const FRAGMENTS = [
  ...NEEDLE_TEXTS,
  '535 Authentication failed: ',
  '535-Authentication failed',
  'invalid authentication method',
  'Basic authentication is not allowed with 2FA enabled',
  'status=sent',
  'v3/mail/send',
  'Authorization: Basic ',
  'AUTH PLAIN ',
  'SG.',
  'postfix/smtp[1]: 4F1A22C0123: ',
  'relay=smtp.sendgrid.net[1.2.3.4]:587',
  ' H=smtp.sendgrid.net [1.2.3.4] ',
  '{"service":',
  '{"kubernetes":{"labels":{"app":',
  '"message":"',
  '\\"',
  '\\\\',
  '{',
  '}',
  '[',
  ']',
  '"',
  '\n',
  '\r\n',
  '\0',
  '    at Foo.bar (x.js:1:1)',
  'Traceback (most recent call last):',
  'Mar  4 10:00:00 host prog[1]: ',
  '2026-03-04T10:00:00Z ',
  '=',
  ' '.repeat(40),
];

/** Random bytes mixed with fragments and invalid UTF-8 sequences. */
const junk = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.constantFrom(...FRAGMENTS).map((s) => Buffer.from(s, 'utf8')),
      fc.constantFrom([0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf]).map((b) => Buffer.from(b)),
      fc.string({ maxLength: 80, unit: 'grapheme' }).map((s) => Buffer.from(s, 'utf8')),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.concat(parts));

const chunkSizes = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

/** Pushes `input` cut by the sizes (cycled), then ends the stream. */
function scan(scanner: StreamScanner, input: Buffer, sizes: readonly number[]): Detection[] {
  const out: Detection[] = [];
  let pos = 0;
  for (let i = 0; pos < input.length; i++) {
    const size = sizes[i % sizes.length] ?? 64;
    out.push(...scanner.push(input.subarray(pos, pos + size)));
    pos += size;
  }
  out.push(...scanner.end());
  return out;
}

const newlines = (b: Buffer): number => {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
};

/** The counters must describe the input, whatever it was. */
function expectSaneStats(s: StreamScanner, input: Buffer, found: readonly Detection[]): void {
  const lines = newlines(input) + (input.length > 0 && input[input.length - 1] !== 0x0a ? 1 : 0);
  expect(s.stats.bytes).toBe(input.length);
  expect(s.stats.lines).toBe(lines);
  expect(s.nextLine).toBe(lines + 1);
  expect(s.completeOffset).toBe(input.length);
  expect(s.stats.longLines).toBeLessThanOrEqual(lines);
  expect(s.stats.binaryLines + s.stats.malformed).toBeLessThanOrEqual(s.stats.candidates + lines);
  expect(s.stats.detections).toBe(found.length);
  for (const d of found) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.message.length).toBeLessThanOrEqual(2001);
  }
}

/** Whether the sentinel was found on `line`, attributed to its own service. */
const sentinelOn = (found: readonly Detection[], line: number): boolean =>
  found.some((d) => d.line === line && d.service === 'sentinel-svc' && d.kind === 'smtp_basic_auth_2fa');

/** Exposes the collector so memory can be measured after garbage is gone. */
function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('detector on hostile input', () => {
  it('never throws on random bytes and fragments, keeps exact counters, and still finds the line after the junk', () => {
    fc.assert(
      fc.property(junk, chunkSizes, (bytes, sizes) => {
        const input = Buffer.concat([bytes, Buffer.from(`\n${SENTINEL}\n`)]);
        const s = open();
        const found = scan(s, input, sizes);
        expectSaneStats(s, input, found);
        expect(sentinelOn(found, newlines(bytes) + 2)).toBe(true);
      }),
      { numRuns: RUNS, seed: 8_2026 },
    );
  });

  it('never throws on junk Kafka values, and finds a rejection in the next value', () => {
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 5 }), (values) => {
        const s = open();
        let offset = 0;
        for (const v of values) s.record(v, offset++, { source: 'kafka', topic: 't', partition: 0, key: null });
        const found = s.record(Buffer.from(SENTINEL), offset, { source: 'kafka', topic: 't', partition: 0, key: null });
        expect(found.map((d) => [d.service, d.kind, d.position.offset])).toContainEqual(['sentinel-svc', 'smtp_basic_auth_2fa', offset]);
      }),
      { numRuns: RUNS, seed: 8_2027 },
    );
  });

  it('skips a 48 MB line full of needles with bounded memory, and finds the next line', () => {
    const s = open();
    // One reused chunk: the caller may reuse it after push(), so the scanner must copy what it keeps.
    const chunk = Buffer.alloc(1024 * 1024, 'Authentication failed: Basic authentication is not allowed with 2FA enabled \0\xff ');
    const found: Detection[] = [...s.push(Buffer.from('first line\n'))];
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 48; i++) found.push(...s.push(chunk));
    gc();
    const after = process.memoryUsage();
    found.push(...s.push(Buffer.from(`\n${SENTINEL}\n`)), ...s.end());
    expect(s.stats.longLines).toBe(1);
    expect(s.stats.lines).toBe(3);
    expect(sentinelOn(found, 3)).toBe(true);
    expect(found).toHaveLength(1);
    // The lookback window (8 MiB by default) and at most one maxLineBytes of partial line may be
    // held; the 48 MiB line itself must not be.
    expect(after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed)).toBeLessThan(24 * 1024 * 1024);
  });

  it('reads a line just under maxLineBytes and counts one just over it', () => {
    const max = 64 * 1024;
    const pad = (n: number): string => `{"service":"big","pad":"${'p'.repeat(n)}","msg":"invalid authentication method"}`;
    const under = pad(max - pad(0).length);
    const over = pad(max - pad(0).length + 1);
    expect(Buffer.byteLength(under)).toBe(max);
    const s = open(max);
    const found = scan(s, Buffer.from(`${under}\n${over}\n${SENTINEL}\n`), [7919]);
    expect(found.map((d) => [d.line, d.service])).toEqual([
      [1, 'big'],
      [3, 'sentinel-svc'],
    ]);
    expect(s.stats.longLines).toBe(1);
  });

  it('survives deeply nested and huge JSON on a candidate line', () => {
    const depth = 100_000;
    const needle = '"msg":"invalid authentication method"';
    const lines = [
      // Nested objects 100,000 deep, the needle at the bottom.
      `${'{"a":'.repeat(depth)}{${needle}}${'}'.repeat(depth)}`,
      // Nested arrays, never closed: broken JSON.
      `${'['.repeat(depth)}${needle}`,
      // 20,000 keys on one object, a service among them.
      `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')},"service":"wide",${needle}}`,
      // A string of escapes.
      `{"service":"esc","msg":"${'\\\\\\"'.repeat(50_000)} invalid authentication method"}`,
      SENTINEL,
    ];
    const input = Buffer.from(`${lines.join('\n')}\n`);
    const s = open(2 * 1024 * 1024);
    const found = scan(s, input, [65_536]);
    expectSaneStats(s, input, found);
    expect(sentinelOn(found, 5)).toBe(true);
    expect(found.find((d) => d.line === 3)?.service).toBe('wide');
  });

  // Found by the soak run's fuzzing (seed 82026, run 1647): a line merely quoting `535 ` after a
  // `535-` line was once taken for the rest of the multi-line reply, and its rejection lost.
  it('counts a rejection of another service logged right after a multi-line 535- reply', () => {
    const input = Buffer.from(`535-Authentication failedBasic authentication is not allowed with 2FA enabled\n${SENTINEL}\n`);
    const found = scan(open(), input, [input.length]);
    expect(sentinelOn(found, 2)).toBe(true);
  });

  it('treats NUL bytes and invalid UTF-8 in rejection lines as data, not as a reason to stop', () => {
    const lines = [
      Buffer.from('535 Authentication failed: Bad username / password\0\0\0'),
      Buffer.concat([Buffer.from('{"service":"bad-utf8","msg":"'), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from(' invalid authentication method"}')]),
      Buffer.from(SENTINEL),
    ];
    const input = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
    for (const size of [1, 3, input.length]) {
      const s = open();
      const found = scan(s, input, [size]);
      expectSaneStats(s, input, found);
      expect(s.stats.binaryLines).toBe(1);
      expect(found.find((d) => d.line === 2)?.service).toBe('bad-utf8');
      expect(sentinelOn(found, 3)).toBe(true);
    }
  });
});

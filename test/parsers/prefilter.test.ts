import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkPrefiltersFor } from '../../parsers/chunk-prefilters.js';
import { hasNeedle, longLineStarts, Prefilter } from '../../parsers/prefilter.js';
import { Kernel, SLICE_BYTES } from '../../parsers/simd/kernel.js';
import { planNeedles } from '../../parsers/simd/needle-plan.js';
import { TrigramCounts } from '../../parsers/simd/trigram-counts.js';
import { NEEDLES } from '../../parsers/signatures.js';
import { scanAll } from './helpers.js';

/** ASCII lower-casing of bytes, the fold the prefilter promises. */
const fold = (b: Buffer): Buffer => Buffer.from(b.map((x) => (x >= 0x41 && x <= 0x5a ? x | 0x20 : x)));

/** The obvious version: split into lines, fold each, Buffer.includes every needle. */
const reference = (buf: Buffer, from: number, to: number, needles: readonly Buffer[]) => {
  const folded = needles.map(fold);
  const starts: number[] = [];
  const lineIndex: number[] = [];
  let newlines = 0;
  let s = from;
  while (s < to) {
    let e = buf.indexOf(0x0a, s);
    if (e < 0 || e >= to) e = to;
    const line = fold(buf.subarray(s, e));
    if (folded.some((n) => line.includes(n))) {
      starts.push(s);
      lineIndex.push(newlines);
    }
    if (e < to) newlines++;
    s = e + 1;
  }
  return { starts, lineIndex, newlines };
};

const NEEDLE_TEXTS = NEEDLES.map((n) => n.toString('latin1'));
/** Random case per letter: the kernel must not care. */
const mixCase = (s: string, bits: number): string =>
  [...s].map((c, i) => ((bits >> i % 30) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

const pieces = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('abc ', 'user', 'auth ', 'uth', 'pass', '535 ', 'Mar  4 ', 'wrong ', 'grant ', ' / ', '\n', '\n', '\r\n') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...NEEDLE_TEXTS), fc.integer()).map(([t, bits]) => mixCase(t, bits)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u).toString('latin1')) },
);
const inputs = fc.array(pieces, { maxLength: 120 }).map((p) => Buffer.from(p.join(''), 'latin1'));

describe('prefilter', () => {
  const prefilter = new Prefilter(NEEDLES);

  it('finds the same candidate lines and line numbers as a plain fold-and-includes scan', () => {
    fc.assert(
      fc.property(inputs, fc.nat(), (buf, cut) => {
        const from = buf.length === 0 ? 0 : buf.lastIndexOf(0x0a, cut % buf.length) + 1;
        const got = prefilter.scan(buf, from, buf.length);
        expect({ starts: got.starts, lineIndex: got.lineIndex, newlines: got.newlines }).toEqual(reference(buf, from, buf.length, NEEDLES));
      }),
      { numRuns: 400 },
    );
  });

  it('catches needles in any case, and lines that cross the kernel slices', () => {
    const line = 'x'.repeat(SLICE_BYTES - 5) + 'AuThEnTiCaTiOn failed\nnext\n';
    const got = prefilter.scan(Buffer.from(line), 0, line.length);
    expect(got.starts).toEqual([0]);
    expect(got.newlines).toBe(2);
    expect(hasNeedle(Buffer.from('Permission denied, WRONG credentials'), NEEDLES)).toBe(true);
    expect(hasNeedle(Buffer.from('Permission denied'), NEEDLES)).toBe(false);
    const many = Buffer.from(`${'a\n'.repeat(SLICE_BYTES)}wrong credentials\n`);
    expect(prefilter.scan(many, 0, many.length)).toMatchObject({ starts: [2 * SLICE_BYTES], lineIndex: [SLICE_BYTES], newlines: SLICE_BYTES + 1 });
  });

  it('lists the lines longer than the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(40)), fc.integer({ min: 1, max: 30 }), (lengths, max) => {
        const buf = Buffer.from(lengths.map((n) => `${'y'.repeat(n)}\n`).join(''));
        const expected: number[] = [];
        let at = 0;
        for (const n of lengths) {
          if (n > max) expected.push(at);
          at += n + 1;
        }
        expect(longLineStarts(buf, 0, buf.length, max)).toEqual(expected);
      }),
    );
  });

  it('gives the scanner identical detections however the stream is cut into chunks', () => {
    const hit = 'Mar  4 10:00:02 web-1 app[1]: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
    const mixed = fc.array(fc.oneof(fc.constant(hit), fc.constant('{"msg":"INVALID AUTHENTICATION METHOD"}'), fc.constant('noise line'), fc.string({ maxLength: 30 })), { maxLength: 40 });
    fc.assert(
      fc.property(mixed, fc.integer({ min: 1, max: 97 }), (lines, size) => {
        const text = lines.join('\n');
        const whole = scanAll(text, 0);
        const cut = scanAll(text, size);
        expect(cut.detections).toEqual(whole.detections);
        expect(cut.scanner.stats).toEqual(whole.scanner.stats);
      }),
      { numRuns: 200 },
    );
  });

  it('lets needle sets take turns on one kernel, each finding its own needles in the same staged bytes', () => {
    const kernel = new Kernel();
    const first = NEEDLES.slice(0, 4);
    const rest = NEEDLES.slice(4);
    const a = new Prefilter(first, kernel);
    const b = new Prefilter(rest, kernel);
    const area = a.stagingArea();
    expect(b.stagingArea().buffer).toBe(area.buffer);
    fc.assert(
      fc.property(inputs, (buf) => {
        area.set(buf, 0);
        // Alternating calls: each must search with its own tables, whatever the other loaded.
        for (const [p, needles] of [[a, first], [b, rest], [a, first]] as const) {
          const line = reference(buf, 0, buf.length, needles).starts[0];
          const at = p.firstStaged(0, buf.length);
          if (line === undefined) expect(at).toBe(-1);
          else expect(buf.lastIndexOf(0x0a, at) + 1).toBe(line);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('searches a chunk read into its kernel memory where it lies, as it searches a copy', () => {
    const { all, area: readArea } = chunkPrefiltersFor(NEEDLES, NEEDLES.slice(0, 4));
    const needleText = Buffer.from(`x ${NEEDLE_TEXTS.join(' ')}\n`, 'latin1');
    fc.assert(
      fc.property(inputs, fc.nat(4096), fc.nat(), (buf, offset, cut) => {
        // Needles right after the chunk, in the same memory, must not be found in it.
        readArea.set(buf, offset);
        readArea.set(needleText, offset + buf.length);
        const chunk = readArea.subarray(offset, offset + buf.length);
        const from = buf.length === 0 ? 0 : buf.lastIndexOf(0x0a, cut % buf.length) + 1;
        const got = all.scan(chunk, from, chunk.length);
        expect({ starts: got.starts, lineIndex: got.lineIndex, newlines: got.newlines }).toEqual(reference(buf, from, buf.length, NEEDLES));
      }),
      { numRuns: 300 },
    );
  });

  describe('fingerprints planned for the input', () => {
    /** What the prefilter samples before planning (parsers/prefilter.ts). */
    const SAMPLE = 128 * 1024;
    /** Log lines full of `login`, `/api/` and `plain`: the static ranking's windows for three needles. */
    const webLog = (lines: number): Buffer =>
      Buffer.from(
        Array.from({ length: lines }, (_, i) =>
          i % 2 === 0
            ? `10.0.0.${i % 250} - - [04/Mar/2024:10:00:01 +0000] "GET /api/v1/login?user=${i} HTTP/1.1" 200 512 "-" "curl/8.5"`
            : `{"level":30,"msg":"login ok","url":"/api/v2/orders/${i}","contentType":"text/plain"}`,
        ).join('\n') + '\n',
      );
    const windowOf = (plan: ReturnType<typeof planNeedles>, text: string): string => {
      const n = plan.needles.find((p) => Buffer.from(p.folded).toString('latin1') === text);
      if (n === undefined) throw new Error(`${text} is not planned`);
      return Buffer.from(n.folded.subarray(n.window, n.window + 3)).toString('latin1');
    };

    it('chooses windows whose trigrams the sample does not hold, and drops needles containing another', () => {
      const counts = new TrigramCounts();
      const sample = webLog(2000);
      counts.add(sample, 0, sample.length);
      const plan = planNeedles(NEEDLES, counts);
      for (const text of ['auth login', 'auth plain', '/api/mail.send']) {
        const w = windowOf(plan, text);
        expect(sample.toString('latin1').toLowerCase().includes(w), `${text}: window "${w}"`).toBe(false);
      }
      // `uthorization grant` is found through `uthorization`.
      expect(plan.needles.map((p) => Buffer.from(p.folded).toString('latin1'))).not.toContain('uthorization grant');
      expect(plan.needles.map((p) => Buffer.from(p.folded).toString('latin1'))).toContain('uthorization');
    });

    it('re-plans from the input it scans and still finds exactly what a plain search finds', () => {
      const p = new Prefilter(NEEDLES);
      expect(p.plans).toBe(0);
      const log = webLog(4000);
      expect(log.length).toBeGreaterThan(SAMPLE);
      const first = p.scan(log, 0, log.length);
      expect(first.starts).toEqual([]);
      // The first search held a whole sample: planned from it, the static plan never needed.
      expect(p.plans).toBe(1);
      fc.assert(
        fc.property(inputs, (buf) => {
          const got = p.scan(buf, 0, buf.length);
          expect({ starts: got.starts, lineIndex: got.lineIndex, newlines: got.newlines }).toEqual(reference(buf, 0, buf.length, NEEDLES));
        }),
        { numRuns: 300 },
      );
    });

    it('plans again when the logs change and most flags stop verifying', () => {
      const p = new Prefilter(NEEDLES);
      const quiet = Buffer.from('Mar  4 10:00:01 host app[1]: queue flushed, 0 pending\n'.repeat(4000));
      p.scan(quiet, 0, quiet.length);
      expect(p.plans).toBe(1);
      // Lines holding every fingerprint the quiet sample led to, but no needle.
      const counts = new TrigramCounts();
      counts.add(quiet, 0, SAMPLE);
      const fingerprints = planNeedles(NEEDLES, counts).needles.map((n) => Buffer.from(n.folded.subarray(n.window, n.window + 3)).toString('latin1'));
      const line = `Mar  4 10:00:01 host app[1]: ${fingerprints.map((f) => `#${f}#`).join(' ')}\n`;
      const noisy = Buffer.from(line.repeat(100_000));
      expect(reference(noisy, 0, noisy.length, NEEDLES).starts).toEqual([]);
      for (let scanned = 0; scanned < 20 * 1024 * 1024; scanned += noisy.length) expect(p.scan(noisy, 0, noisy.length).starts).toEqual([]);
      expect(p.plans).toBe(2);
    });

    it('searches with the static plan until a sample is complete, and not sampling lines checked one by one', () => {
      const p = new Prefilter(NEEDLES);
      const line = Buffer.from('Mar  4 10:00:01 mx postfix/smtp[9]: 535 Authentication failed');
      expect(p.has(line)).toBe(true);
      expect(p.plans).toBe(1);
      for (let i = 0; i < 5000; i++) p.has(line);
      expect(p.plans).toBe(1);
      const log = webLog(4000);
      p.scan(log, 0, log.length);
      expect(p.plans).toBe(2);
    });
  });
});

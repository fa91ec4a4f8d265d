import { describe, expect, it } from 'vitest';
import { isRangeScannable, type RangeScannable } from '../../parsers/index.js';
import { detector } from './helpers.js';

const LOOKBACK = 8 * 1024;
/** Chunks end at multiples of this, wherever a scanner started: as a range scan feeds them. */
const CHUNK = 1024;

function open(from: number, maxLineBytes = 1024 * 1024): RangeScannable {
  const s = detector({ lookbackBytes: LOOKBACK, maxLineBytes }).open({ stream: 's', startOffset: from, startLine: 1, meta: { source: 'a.log' } });
  if (!isRangeScannable(s)) throw new Error('The detector’s scanners should be range-scannable.');
  return s;
}

/** The carried state of a scanner fed `log` from `from` (a line start) up to its end. */
function stateOf(log: string, from = 0, maxLineBytes?: number): string {
  const bytes = Buffer.from(log);
  const s = open(from, maxLineBytes);
  for (let at = from; at < bytes.length; ) {
    const end = Math.min(bytes.length, (Math.floor(at / CHUNK) + 1) * CHUNK);
    s.push(bytes.subarray(at, end));
    at = end;
  }
  return s.carriedState();
}

/** Lines of one width that no prefilter needle flags. */
const filler = (n: number, from = 0): string =>
  Array.from({ length: n }, (_, i) => `2024-03-04 10:00:00 app[7]: request ${String(from + i).padStart(6, '0')} done\n`).join('');
/** As many bytes as `line`, none of them flagged: the same offsets without what the line carries. */
const blank = (line: string): string => `${'-'.repeat(Buffer.byteLength(line) - 1)}\n`;

const REJECTION = '{"level":50,"service":"billing","msg":"SendGrid API error","status":401,"error":"Authentication failed: Basic authentication is not allowed with 2FA enabled"}\n';
const AUTH_LOGIN = '[2026-12-04T16:52:42.993Z] DEBUG [Zi1oTTNGBew] [client] AUTH LOGIN\n';
const LINE_BYTES = Buffer.byteLength(filler(1));
const lineStart = (log: string, lines: number): number => Buffer.byteLength(log.split('\n').slice(0, lines).join('\n')) + 1;

describe('ByteStreamScanner.carriedState', () => {
  it('is the same for scanners that reached one offset from different line starts, each with a full window behind it', () => {
    // A rejection early on: its record left the window long ago, for the scanner that saw it.
    const log = filler(50) + REJECTION + filler(2000, 50);
    const later = lineStart(log, 2051 - Math.ceil((LOOKBACK + 500) / LINE_BYTES));
    expect(stateOf(log, later)).toBe(stateOf(log));
    expect(stateOf(log, lineStart(log, 900))).toBe(stateOf(log));
  });

  it('tells a scanner with less than the window behind it apart', () => {
    const log = filler(2000);
    expect(stateOf(log, lineStart(log, 2000 - Math.floor(LOOKBACK / 2 / LINE_BYTES)))).not.toBe(stateOf(log));
  });

  it('differs while a record is open, and is the same again once its lines left the window', () => {
    const before = filler(300);
    const after = filler(10, 300);
    expect(stateOf(before + REJECTION + after)).not.toBe(stateOf(before + blank(REJECTION) + after));
    const more = filler(Math.ceil(LOOKBACK / LINE_BYTES) + 10, 310);
    expect(stateOf(before + REJECTION + after + more)).toBe(stateOf(before + blank(REJECTION) + after + more));
  });

  it('differs in the middle of an SMTP AUTH exchange', () => {
    const before = filler(300);
    // A rejection after it: both scanners are in a record opened by the same line.
    const after = filler(20, 300) + REJECTION + filler(3, 320);
    expect(stateOf(before + AUTH_LOGIN + after)).not.toBe(stateOf(before + blank(AUTH_LOGIN) + after));
    expect(stateOf(before + REJECTION + after)).toBe(stateOf(before + blank(REJECTION) + after));
  });

  it('tells partial last lines apart by their bytes, not by where the scanner started', () => {
    const log = `${filler(2000)}2024-03-04 10:00:00 app[7]: partial`;
    expect(stateOf(log, lineStart(log, 1500))).toBe(stateOf(log));
    expect(stateOf(log.replace(/partial$/, 'PARTIAL'))).not.toBe(stateOf(log));
  });

  it('is the same inside an over-long line, wherever the line began', () => {
    const max = 2048;
    const a = `${filler(200)}${'x'.repeat(3 * max)}`;
    const b = `${filler(203)}${'x'.repeat(3 * max - 3 * LINE_BYTES)}`;
    expect(Buffer.byteLength(a)).toBe(Buffer.byteLength(b));
    expect(stateOf(a, 0, max)).toBe(stateOf(b, 0, max));
    // The same bytes up to there, but the long line ended and a short one began.
    const ended = `${a.slice(0, -10)}\nshort one`;
    expect(stateOf(ended, 0, max)).not.toBe(stateOf(a, 0, max));
  });
});

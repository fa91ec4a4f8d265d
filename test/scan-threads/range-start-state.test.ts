import { describe, expect, it } from 'vitest';
import { createDetector, isRangeScannable, type RangeScannable } from '../../parsers/index.js';
import { detectorOptions } from '../../src/detector-options.js';
import { fillerLines, giantRecord } from './boundary-log.js';

const LOOKBACK = 64 * 1024;
const CHUNK = 32 * 1024;
const detector = createDetector({ ...detectorOptions(), lookbackBytes: LOOKBACK });

/** A scanner started at `from` (a line start) and fed up to `to`, in chunks ending where a scan from 0 ends them. */
function scannedTo(log: Buffer, from: number, to: number): RangeScannable {
  const s = detector.open({ stream: 's', startOffset: from, startLine: 1, meta: { source: 'a.log' } });
  if (!isRangeScannable(s)) throw new Error('The detector’s scanners should be range-scannable.');
  for (let at = from; at < to; ) {
    const end = Math.min(to, (Math.floor(at / CHUNK) + 1) * CHUNK);
    s.push(log.subarray(at, end));
    at = end;
  }
  return s;
}

const lineStartAfter = (log: Buffer, at: number): number => log.indexOf(0x0a, at) + 1;

/** The state a range scan compares at range starts (RangeScannable.carriedState). */
describe('range start state', () => {
  const log = Buffer.from(`${fillerLines(6000).join('\n')}\n`);

  it('is told by the scanner the detector opens', () => {
    const s = scannedTo(log, 0, 4 * CHUNK);
    expect(JSON.parse(s.carriedState())).toBeTypeOf('object');
    expect(s.correlationCapacity).toBe(1024);
  });

  it('finds two scanners alike at one offset, whatever line they started from', () => {
    const at = 12 * CHUNK;
    const later = lineStartAfter(log, at - LOOKBACK - 10_000);
    expect(scannedTo(log, later, at).carriedState()).toBe(scannedTo(log, 0, at).carriedState());
  });

  it('tells them apart when the later one has less than the lookback window behind it', () => {
    const at = 12 * CHUNK;
    const late = lineStartAfter(log, at - LOOKBACK / 2);
    expect(scannedTo(log, late, at).carriedState()).not.toBe(scannedTo(log, 0, at).carriedState());
  });

  it('tells them apart inside a record that began before the later one started', () => {
    const record = Buffer.from(`${[...fillerLines(500), ...giantRecord(8 * LOOKBACK), ...fillerLines(500)].join('\n')}\n`);
    const at = 8 * CHUNK;
    const later = lineStartAfter(record, at - LOOKBACK - 10_000);
    expect(scannedTo(record, later, at).carriedState()).not.toBe(scannedTo(record, 0, at).carriedState());
  });
});

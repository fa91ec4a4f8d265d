import { describe, expect, it } from 'vitest';
import { createDetector, isRangeScannable, type CorrelationLookup } from '../../parsers/index.js';
import type { Detection } from '../../src/contracts.js';
import { detectorOptions } from '../../src/detector-options.js';
import { CorrelationCache } from '../../src/scan-threads/correlation-cache.js';
import { LookupRecorder } from '../../src/scan-threads/lookup-recorder.js';
import { deferred, fillerLines, submitted } from './boundary-log.js';

const qid = (i: number) => `D${String(i).padStart(9, '0')}`;

/**
 * 1,100 queue ids submitted and deferred (more than the correlator keeps), then deferred again
 * long after their submissions left the lookback window: the early ones were dropped from its
 * memory, the late ones are still kept.
 */
function retries(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 1100; i++) lines.push(submitted(qid(i), `s${i}@example.com`), ...fillerLines(3, i), deferred(qid(i)));
  lines.push(...fillerLines(10_000));
  for (const i of [0, 5, 70, 75, 1000, 1099]) lines.push(deferred(qid(i)));
  return Buffer.from(`${lines.join('\n')}\n`);
}

function scan(log: Buffer, recorded: boolean): { found: Detection[]; lookups: CorrelationLookup[] } {
  // Twice the chunk: a line's submission a few lines up is always still held.
  const detector = createDetector({ ...detectorOptions(), lookbackBytes: 512 * 1024 });
  const scanner = detector.open({ stream: 's', startOffset: 0, startLine: 1, meta: { source: 'mail.log' } });
  if (!isRangeScannable(scanner)) throw new Error('The detector’s scanners should be range-scannable.');
  const recorder = recorded ? new LookupRecorder(scanner) : null;
  recorder?.begin();
  const found: Detection[] = [];
  for (let i = 0; i < log.length; i += 256 * 1024) found.push(...scanner.push(log.subarray(i, i + 256 * 1024)));
  found.push(...scanner.end());
  return { found, lookups: recorder?.drain() ?? [] };
}

describe('LookupRecorder', () => {
  it('answers every MTA lookup as the correlator does on its own', () => {
    const log = retries();
    const plain = scan(log, false);
    const recorded = scan(log, true);
    expect(recorded.found).toEqual(plain.found);
    const last = plain.found.slice(-6).map((d) => d.service);
    // Kept answers outlive the window; dropped ones are searched for again, in vain.
    expect(last.filter((s) => s.endsWith('@example.com'))).toEqual(['s1000@example.com', 's1099@example.com']);
  });

  it('records lookups that replay cleanly from an empty cache, as a range at the start of a file does', () => {
    const { lookups } = scan(retries(), true);
    expect(lookups.length).toBe(1106);
    const cache = new CorrelationCache(1024);
    expect(lookups.every((l) => cache.replay(l))).toBe(true);
    expect(lookups.filter((l) => !l.fresh).length).toBe(2);
  });
});

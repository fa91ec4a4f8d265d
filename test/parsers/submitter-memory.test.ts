import { describe, expect, it } from 'vitest';
import { isRangeScannable } from '../../parsers/index.js';
import { LookbackWindow } from '../../parsers/lookback-window.js';
import { BoundedSubmitterMemory, MtaCorrelator, type CorrelationLookup, type Submitter, type SubmitterMemory } from '../../parsers/mta-correlation.js';
import { openScanner, scanAll } from './helpers.js';

const QID = 'AAAA11111';
const REF = { mta: 'postfix', id: QID } as const;
const submission = (qid: string, sender: string) => `Mar  4 10:00:00 mx postfix/qmgr[1]: ${qid}: from=<${sender}>, size=1, nrcpt=1 (queue active)\n`;
const deferred = (qid: string) =>
  `Mar  4 10:00:02 mx postfix/smtp[9]: ${qid}: to=<a@example.org>, relay=smtp.sendgrid.net[1.2.3.4]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[1.2.3.4] said: 535 Authentication failed: Bad username / password)\n`;
const who = (sender: string): Submitter => ({ sender, authUser: null, clientHost: null, uid: null });

/** A memory that keeps everything and notes what it was asked to keep. */
class NotingMemory implements SubmitterMemory {
  readonly kept = new Map<string, Submitter>();
  readonly remembered: string[] = [];
  constructor(entries: Array<[string, Submitter]> = []) {
    for (const [k, v] of entries) this.kept.set(k, v);
  }
  get(key: string): Submitter | undefined {
    return this.kept.get(key);
  }
  remember(key: string, s: Submitter): void {
    this.remembered.push(key);
    this.kept.set(key, s);
  }
}

/** A correlator over a window holding `text`, with `memory` attached and its lookups noted. */
function correlator(text: string, memory: SubmitterMemory): { c: MtaCorrelator; lookups: CorrelationLookup[]; end: number } {
  const window = new LookbackWindow(64 * 1024, 0);
  window.append(Buffer.from(text));
  const c = new MtaCorrelator(window);
  const lookups: CorrelationLookup[] = [];
  c.attach(memory, (l) => lookups.push(l));
  return { c, lookups, end: window.end };
}

describe('MtaCorrelator with an attached SubmitterMemory', () => {
  it('searches the window for an id not kept and remembers what it found', () => {
    const memory = new NotingMemory();
    const { c, lookups, end } = correlator(submission(QID, 'app@example.com'), memory);
    expect(c.submitter(REF, end)).toEqual(who('app@example.com'));
    expect(memory.remembered).toEqual([`postfix:${QID}`]);
    expect(lookups).toEqual([{ key: `postfix:${QID}`, at: end, found: who('app@example.com'), fresh: true }]);
  });

  it('answers a kept id from the memory without searching, whatever the window holds', () => {
    const memory = new NotingMemory([[`postfix:${QID}`, who('kept@example.com')]]);
    const { c, lookups, end } = correlator(submission(QID, 'window@example.com'), memory);
    expect(c.submitter(REF, end)).toEqual(who('kept@example.com'));
    expect(memory.remembered).toEqual([]);
    expect(lookups).toEqual([{ key: `postfix:${QID}`, at: end, found: who('kept@example.com'), fresh: false }]);
  });

  it('remembers nothing for a lookup that finds nothing, and searches again next time', () => {
    const memory = new NotingMemory();
    const { c, lookups, end } = correlator(submission('BBBB22222', 'other@example.com'), memory);
    expect(c.submitter(REF, end)).toBeNull();
    expect(c.submitter(REF, end)).toBeNull();
    expect(memory.remembered).toEqual([]);
    expect(lookups.map((l) => [l.found, l.fresh])).toEqual([
      [null, true],
      [null, true],
    ]);
  });
});

describe('BoundedSubmitterMemory', () => {
  it('keeps `capacity` ids, dropping the oldest kept first', () => {
    const m = new BoundedSubmitterMemory(2);
    m.remember('a', who('a@x'));
    m.remember('b', who('b@x'));
    m.remember('a', who('a2@x'));
    m.remember('c', who('c@x'));
    expect(m.entries()).toEqual([
      ['a', who('a2@x')],
      ['c', who('c@x')],
    ]);
    expect(new BoundedSubmitterMemory(2, m.entries()).get('c')).toEqual(who('c@x'));
  });
});

describe('ByteStreamScanner.attachCorrelation', () => {
  it('hands the observer exactly the lookups the scan makes, and finds what the scanner finds on its own', () => {
    const log = submission(QID, 'app@example.com') + deferred(QID) + deferred(QID) + deferred('CCCC33333');
    const scanner = openScanner();
    if (!isRangeScannable(scanner)) throw new Error('The detector’s scanners should be range-scannable.');
    expect(scanner.correlationCapacity).toBe(1024);
    const memory = new BoundedSubmitterMemory(scanner.correlationCapacity);
    const lookups: CorrelationLookup[] = [];
    scanner.attachCorrelation(memory, (l) => lookups.push(l));
    const found = [...scanner.push(Buffer.from(log)), ...scanner.end()];
    expect(found).toEqual(scanAll(log).detections);
    expect(found.map((d) => d.service)).toEqual(['app@example.com', 'app@example.com', 'postfix/smtp@mx']);
    expect(lookups.map(({ key, found, fresh }) => ({ key, sender: found?.sender ?? null, fresh }))).toEqual([
      { key: `postfix:${QID}`, sender: 'app@example.com', fresh: true },
      { key: `postfix:${QID}`, sender: 'app@example.com', fresh: false },
      { key: 'postfix:CCCC33333', sender: null, fresh: true },
    ]);
    expect(memory.entries().map(([k]) => k)).toEqual([`postfix:${QID}`]);
  });
});

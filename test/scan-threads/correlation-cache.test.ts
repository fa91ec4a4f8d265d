import { describe, expect, it } from 'vitest';
import { CorrelationCache, sameSubmitter } from '../../src/scan-threads/correlation-cache.js';

const who = (sender: string) => ({ sender, authUser: null, clientHost: null, uid: null });

describe('CorrelationCache', () => {
  it('keeps what fresh lookups found, dropping the oldest at capacity', () => {
    const c = new CorrelationCache(2);
    expect(c.replay({ key: 'a', at: 1, found: who('a@x'), fresh: true })).toBe(true);
    expect(c.replay({ key: 'b', at: 2, found: null, fresh: true })).toBe(true);
    expect(c.replay({ key: 'c', at: 3, found: who('c@x'), fresh: true })).toBe(true);
    expect(c.replay({ key: 'd', at: 4, found: who('d@x'), fresh: true })).toBe(true);
    expect(c.entries().map(([k]) => k)).toEqual(['c', 'd']);
  });

  it('accepts a lookup only when a scan from the start would have answered it the same way', () => {
    const c = new CorrelationCache(8, [['q', who('first@x')]]);
    // Kept from long before: the worker searched afresh and found someone else, or the same.
    expect(c.clone().replay({ key: 'q', at: 9, found: who('later@x'), fresh: true })).toBe(false);
    expect(c.clone().replay({ key: 'q', at: 9, found: null, fresh: true })).toBe(false);
    expect(c.clone().replay({ key: 'q', at: 9, found: who('first@x'), fresh: true })).toBe(true);
    // Not kept: the worker answered from its own memory, which a scan from the start may not have had.
    expect(c.clone().replay({ key: 'r', at: 9, found: who('r@x'), fresh: false })).toBe(false);
  });

  it('compares submitters field by field, whatever their key order', () => {
    expect(sameSubmitter({ sender: 'a', uid: null }, { uid: null, sender: 'a' })).toBe(true);
    expect(sameSubmitter({ sender: 'a', uid: null }, { sender: 'a', uid: '1' })).toBe(false);
    expect(sameSubmitter(null, undefined)).toBe(true);
  });
});

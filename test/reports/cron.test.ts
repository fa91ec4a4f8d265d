import { describe, expect, it } from 'vitest';
import { compileCron, isCronExpression, nextFire, previousFire } from '../../src/reports/cron.js';
import { zone } from '../../src/reports/time-zone.js';

const berlin = zone('Europe/Berlin');
const iso = (t: { at: number } | undefined): string | undefined => (t === undefined ? undefined : new Date(t.at).toISOString());
const at = (s: string): number => Date.parse(s);

describe('previousFire', () => {
  it('finds the latest daily fire time in the zone', () => {
    const spec = compileCron('0 8 * * *');
    expect(iso(previousFire(spec, berlin, at('2025-06-04T06:00:00Z')))).toBe('2025-06-04T06:00:00.000Z');
    expect(iso(previousFire(spec, berlin, at('2025-06-04T05:59:59Z')))).toBe('2025-06-03T06:00:00.000Z');
    expect(iso(previousFire(spec, berlin, at('2025-01-15T12:00:00Z')))).toBe('2025-01-15T07:00:00.000Z');
  });

  it('handles weekdays, names, steps and special day tokens', () => {
    const utc = zone('UTC');
    expect(iso(previousFire(compileCron('0 9 * * MON'), berlin, at('2025-06-04T12:00:00Z')))).toBe('2025-06-02T07:00:00.000Z');
    expect(iso(previousFire(compileCron('*/15 * * * *'), utc, at('2025-06-04T12:44:59Z')))).toBe('2025-06-04T12:30:00.000Z');
    expect(iso(previousFire(compileCron('0 0 29 2 *'), utc, at('2025-06-04T12:00:00Z')))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(previousFire(compileCron('0 9 * * 1#2'), utc, at('2025-06-04T12:00:00Z')))).toBe('2025-05-12T09:00:00.000Z');
    expect(iso(previousFire(compileCron('0 0 L * *'), utc, at('2025-03-15T00:00:00Z')))).toBe('2025-02-28T00:00:00.000Z');
    expect(iso(previousFire(compileCron('0 12 * * 5L'), utc, at('2025-06-04T00:00:00Z')))).toBe('2025-05-30T12:00:00.000Z');
    expect(iso(previousFire(compileCron('0 12 LW * *'), utc, at('2025-06-04T00:00:00Z')))).toBe('2025-05-30T12:00:00.000Z');
    expect(iso(previousFire(compileCron('30 15 10 * * *'), utc, at('2025-06-04T11:00:00Z')))).toBe('2025-06-04T10:15:30.000Z');
  });

  it('works in zones with half-hour offsets', () => {
    const kolkata = zone('Asia/Kolkata');
    expect(iso(previousFire(compileCron('0 9 * * *'), kolkata, at('2025-06-04T12:00:00Z')))).toBe('2025-06-04T03:30:00.000Z');
  });

  it('fires a time skipped by spring-forward once, at the end of the gap', () => {
    const spec = compileCron('30 2 * * *');
    // 2025-03-30: Berlin goes from 02:00 CET to 03:00 CEST at 01:00 UTC.
    expect(iso(previousFire(spec, berlin, at('2025-03-30T00:59:59Z')))).toBe('2025-03-29T01:30:00.000Z');
    expect(iso(previousFire(spec, berlin, at('2025-03-30T01:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
    expect(iso(previousFire(spec, berlin, at('2025-03-30T12:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
    expect(iso(nextFire(spec, berlin, at('2025-03-29T12:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
    expect(iso(nextFire(spec, berlin, at('2025-03-30T01:00:00Z')))).toBe('2025-03-31T00:30:00.000Z');
  });

  it('fires a time repeated by fall-back once, at its first occurrence', () => {
    const spec = compileCron('30 2 * * *');
    // 2025-10-26: Berlin goes from 03:00 CEST back to 02:00 CET at 01:00 UTC; 02:30 happens at 00:30 and 01:30 UTC.
    expect(iso(previousFire(spec, berlin, at('2025-10-26T00:30:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(previousFire(spec, berlin, at('2025-10-26T01:45:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(nextFire(spec, berlin, at('2025-10-26T00:30:00Z')))).toBe('2025-10-27T01:30:00.000Z');
  });

  it('keeps the named wall time of a shifted fire', () => {
    const fire = previousFire(compileCron('30 2 * * *'), berlin, at('2025-03-30T12:00:00Z'));
    expect(fire?.wall).toBe(Date.UTC(2025, 2, 30, 2, 30));
  });

  it('validates through node-cron', () => {
    expect(isCronExpression('0 8 * * 1-5')).toBe(true);
    expect(isCronExpression('61 8 * * *')).toBe(false);
    expect(isCronExpression('every day')).toBe(false);
  });
});

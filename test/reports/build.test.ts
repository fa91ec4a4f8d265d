import { describe, expect, it } from 'vitest';
import { addSilence } from '../../src/store/alerts-silences.js';
import { buildReport } from '../../src/reports/build.js';
import { storeSilences } from '../../src/reports/silences.js';
import { MAILER, NOW, SCENARIO, SINCE, UNTIL, seed, tempDb, times } from './support/seed.js';

const day = (d: string): number => Date.parse(`${d}T00:00:00Z`);

describe('buildReport', () => {
  it('matches the seeded database exactly', () => {
    const { db } = tempDb();
    seed(db, SCENARIO);
    addSilence(db, { type: 'ack', service: 'acked-svc', now: day('2025-03-29') });
    addSilence(db, { type: 'mute', service: 'muted-svc', kind: 'api_auth_failed', now: day('2025-03-29'), expiresAt: day('2025-04-30') });
    // Expired before the report: no effect.
    addSilence(db, { type: 'mute', service: 'billing-api', now: day('2025-03-01'), expiresAt: day('2025-03-02') });

    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW, silences: storeSilences(db) });

    expect(r.period).toEqual({ since: SINCE, until: UNTIL, previousSince: day('2025-03-17'), timeZone: 'UTC' });
    expect(r.totals).toEqual({
      count: 12,
      previous: 8,
      change: { absolute: 4, percent: 50 },
      failing: 5,
      migration: { rejected: 5, 'basic-auth': 0, clean: 1 },
      byKind: [
        { kind: 'smtp_basic_auth_2fa', count: 5, previous: 6, change: { absolute: -1, percent: -16.7 }, services: 1 },
        { kind: 'api_basic_auth_2fa', count: 3, previous: 0, change: { absolute: 3, percent: null }, services: 1 },
        { kind: 'smtp_auth_failed', count: 3, previous: 1, change: { absolute: 2, percent: 200 }, services: 2 },
        { kind: 'api_auth_failed', count: 1, previous: 1, change: { absolute: 0, percent: 0 }, services: 1 },
      ],
    });

    expect(r.services.map((s) => [s.service, s.status, s.count, s.previous, s.change.absolute, s.change.percent])).toEqual([
      ['billing-api', 'ongoing', 5, 2, 3, 150],
      [MAILER, 'new', 3, 0, 3, null],
      ['acked-svc', 'acknowledged', 2, 1, 1, 100],
      ['gmail-relay', 'new', 1, 0, 1, null],
      ['muted-svc', 'muted', 1, 1, 0, 0],
      ['legacy-cron', 'recovered', 0, 4, -4, -100],
    ]);

    const billing = r.services[0];
    expect(billing).toMatchObject({
      lifecycle: 'ongoing',
      silence: null,
      firstSeen: Date.parse('2025-03-10T09:00:00Z'),
      lastSeen: Date.parse('2025-03-31T00:00:00Z'),
      topHosts: [
        { host: 'h1', count: 4 },
        { host: 'h2', count: 1 },
      ],
      kinds: [{ kind: 'smtp_basic_auth_2fa', provider: 'sendgrid', count: 5, previous: 2 }],
    });
    expect(billing?.guides).toEqual([
      { kind: 'smtp_basic_auth_2fa', title: expect.any(String) as string, command: 'authwatch explain smtp_basic_auth_2fa', attachment: 'smtp_basic_auth_2fa-upgrade-guide.md' },
    ]);
    expect(r.services[1]?.topHosts).toEqual([{ host: 'mailer.log', count: 3 }]);
    expect(r.services[2]).toMatchObject({ lifecycle: 'ongoing', silence: 'ack' });
    // Another provider's rejection: no SendGrid guide.
    expect(r.services[3]?.guides).toEqual([]);
    expect(r.services[5]).toMatchObject({ lifecycle: 'recovered', topHosts: [], guides: [], lastSeen: Date.parse('2025-03-23T23:59:59Z') });

    expect(r.newServices).toEqual(['gmail-relay', MAILER]);
    expect(r.recoveredServices).toEqual(['legacy-cron']);
    expect(r.guides.map((g) => g.kind)).toEqual(['smtp_basic_auth_2fa', 'api_basic_auth_2fa', 'smtp_auth_failed', 'api_auth_failed']);

    expect(r.series.granularity).toBe('day');
    expect(r.series.buckets.map((b) => b.label)).toEqual(['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28', '2025-03-29', '2025-03-30']);
    expect(r.series.buckets[0]).toEqual({ start: SINCE, end: day('2025-03-25'), label: '2025-03-24' });
    expect(r.series.services).toEqual([
      { service: 'billing-api', counts: [1, 2, 0, 1, 0, 0, 1] },
      { service: MAILER, counts: [0, 0, 2, 0, 1, 0, 0] },
      { service: 'acked-svc', counts: [0, 0, 0, 0, 0, 2, 0] },
      { service: 'gmail-relay', counts: [0, 0, 1, 0, 0, 0, 0] },
      { service: 'muted-svc', counts: [0, 0, 0, 0, 0, 1, 0] },
    ]);
  });

  it('works without a silence provider: failing services are new or ongoing', () => {
    const { db } = tempDb();
    seed(db, SCENARIO);
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
    expect(r.services.map((s) => s.status)).toEqual(['ongoing', 'new', 'ongoing', 'new', 'ongoing', 'recovered']);
  });

  it('a mute of one kind does not silence a service failing with another kind too', () => {
    const { db } = tempDb();
    seed(db, [...times('two-kinds', 'smtp_auth_failed', ['2025-03-25T00:00:00Z']), ...times('two-kinds', 'api_auth_failed', ['2025-03-25T00:00:00Z'])]);
    addSilence(db, { type: 'mute', service: 'two-kinds', kind: 'api_auth_failed', now: SINCE });
    addSilence(db, { type: 'ack', service: 'two-kinds', now: SINCE });
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW, silences: storeSilences(db) });
    expect(r.services[0]?.status).toBe('acknowledged');
  });

  it('a mute wins over an ack', () => {
    const { db } = tempDb();
    seed(db, times('both', 'smtp_auth_failed', ['2025-03-25T00:00:00Z']));
    addSilence(db, { type: 'ack', service: 'both', now: SINCE });
    addSilence(db, { type: 'mute', service: 'both', now: SINCE });
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW, silences: storeSilences(db) });
    expect(r.services[0]).toMatchObject({ status: 'muted', silence: 'mute', lifecycle: 'new' });
  });

  it('buckets by hour in a zone with a half-hour offset', () => {
    const { db } = tempDb();
    seed(db, times('svc', 'smtp_auth_failed', ['2025-06-01T00:29:00Z', '2025-06-01T00:30:00Z', '2025-06-01T01:29:59Z']));
    const r = buildReport(db, { since: Date.parse('2025-05-31T23:30:00Z'), until: Date.parse('2025-06-01T02:30:00Z'), now: NOW, timeZone: 'Asia/Kolkata' });
    expect(r.series.buckets.map((b) => b.label)).toEqual(['2025-06-01 05:00', '2025-06-01 06:00', '2025-06-01 07:00']);
    expect(r.series.services[0]?.counts).toEqual([1, 2, 0]);
  });

  it('buckets by local day in the given zone, with a 23-hour day at spring-forward', () => {
    const { db } = tempDb();
    seed(db, SCENARIO);
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW, timeZone: 'Europe/Berlin' });
    const b = r.series.buckets;
    expect(b.map((x) => x.label)).toEqual(['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28', '2025-03-29', '2025-03-30', '2025-03-31']);
    expect(b[0]).toEqual({ start: SINCE, end: Date.parse('2025-03-24T23:00:00Z'), label: '2025-03-24' });
    expect(b[6]).toEqual({ start: Date.parse('2025-03-29T23:00:00Z'), end: Date.parse('2025-03-30T22:00:00Z'), label: '2025-03-30' });
    expect(b[7]).toEqual({ start: Date.parse('2025-03-30T22:00:00Z'), end: UNTIL, label: '2025-03-31' });
    // 23:59 UTC on the 30th is 01:59 on the 31st in Berlin.
    expect(r.series.services[0]).toEqual({ service: 'billing-api', counts: [1, 2, 0, 1, 0, 0, 0, 1] });
  });

  it('buckets by hour for periods up to 48 h, across both DST changes', () => {
    const { db } = tempDb();
    seed(db, [
      ...times('svc', 'smtp_auth_failed', ['2025-03-30T00:30:00Z', '2025-03-30T01:10:00Z', '2025-03-30T01:50:00Z']),
      ...times('svc', 'smtp_auth_failed', ['2025-10-26T00:15:00Z', '2025-10-26T01:15:00Z', '2025-10-26T02:15:00Z']),
    ]);
    const spring = buildReport(db, { since: Date.parse('2025-03-30T00:00:00Z'), until: Date.parse('2025-03-31T00:00:00Z'), now: NOW, timeZone: 'Europe/Berlin' });
    expect(spring.series.granularity).toBe('hour');
    expect(spring.series.buckets).toHaveLength(24);
    expect(spring.series.buckets.slice(0, 3).map((b) => b.label)).toEqual(['2025-03-30 01:00', '2025-03-30 03:00', '2025-03-30 04:00']);
    expect(spring.series.services[0]?.counts.slice(0, 3)).toEqual([1, 2, 0]);

    const autumn = buildReport(db, { since: Date.parse('2025-10-26T00:00:00Z'), until: Date.parse('2025-10-27T00:00:00Z'), now: NOW, timeZone: 'Europe/Berlin' });
    // 24 real hours in 23 local hours: the repeated 02:00 hour is one two-hour bucket.
    expect(autumn.series.buckets).toHaveLength(23);
    expect(autumn.series.buckets[0]).toEqual({ start: Date.parse('2025-10-26T00:00:00Z'), end: Date.parse('2025-10-26T02:00:00Z'), label: '2025-10-26 02:00' });
    expect(autumn.series.services[0]?.counts.slice(0, 2)).toEqual([2, 1]);
  });

  it('an empty period is still a report', () => {
    const { db } = tempDb();
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
    expect(r.totals).toEqual({ count: 0, previous: 0, change: { absolute: 0, percent: null }, failing: 0, migration: { rejected: 0, 'basic-auth': 0, clean: 0 }, byKind: [] });
    expect(r.services).toEqual([]);
    expect(r.series.services).toEqual([]);
    expect(r.series.buckets).toHaveLength(7);
  });

  it('refuses an empty or inverted period', () => {
    const { db } = tempDb();
    expect(() => buildReport(db, { since: UNTIL, until: SINCE })).toThrow(/start must come before the end/);
  });

  it('counts through the indexes, never a scan of the events table', () => {
    const { db } = tempDb();
    const plans = [
      `SELECT sk.service, (SELECT count(*) FROM events e WHERE e.service = sk.service AND e.kind = sk.kind AND e.at >= 1 AND e.at < 2) FROM service_kinds sk`,
      `SELECT coalesce(host, source), count(*) FROM events WHERE service = 'x' AND kind IN (SELECT kind FROM service_kinds WHERE service = 'x') AND at >= 1 AND at < 2 GROUP BY 1`,
      `SELECT sk.service, e.at / 900000 AS slot, count(*) FROM service_kinds sk CROSS JOIN events e ON e.service = sk.service AND e.kind = sk.kind AND e.at >= 1 AND e.at < 2 GROUP BY sk.service, slot`,
    ].map((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' | '));
    for (const plan of plans) {
      expect(plan).toMatch(/events_service_kind_at/);
      expect(plan).not.toMatch(/SCAN e\b|SCAN events\b/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { fetchActivity, type FetchStats } from '../../src/activity/api-client.js';
import { retryDelayMs, pacingDelayMs } from '../../src/activity/rate-limit.js';
import { startActivityApi } from '../support/activity-api.js';
import { MESSAGES } from './fixtures.js';

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const NOW = Date.parse('2024-03-04T12:00:00Z');

describe('fetchActivity', () => {
  it('walks the time window backwards in full pages, and waits for X-RateLimit-Reset on a 429', async () => {
    const api = await startActivityApi(MESSAGES);
    api.throttle(429, { 'x-ratelimit-reset': String(NOW / 1000 + 7) });
    const waits: number[] = [];
    const stats: FetchStats = { pages: 0, retries: 0, waitedMs: 0 };
    const got = await collect(
      fetchActivity(
        { baseUrl: api.url, apiKey: 'SG.test', limit: 2, since: new Date('2024-03-01T00:00:00Z'), until: new Date('2024-03-04T11:00:00Z'), sleep: async (ms) => void waits.push(ms), now: () => NOW },
        stats,
      ),
    );
    expect(got.map((m) => m.msg_id)).toEqual(['m1.filter0001', 'm2.filter0001', 'm3.filter0001', 'm4.filter0001', 'm5.filter0001']);
    expect(waits).toEqual([7000]);
    expect(stats).toMatchObject({ retries: 1, waitedMs: 7000 });
    // One throttled call, then each full page moves the window's end to its oldest message
    // (inclusive: that message comes again and is dropped), until a short page.
    expect(api.requests.map((r) => /AND TIMESTAMP "([^"]+)"/.exec(r.query)?.[1])).toEqual([
      '2024-03-04T11:00:00Z',
      '2024-03-04T11:00:00Z',
      '2024-03-04T10:00:04Z',
      '2024-03-04T10:00:03Z',
      '2024-03-04T10:00:02Z',
      '2024-03-04T10:00:01Z',
    ]);
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer SG.test' && r.limit === 2)).toBe(true);
  });

  it('ANDs an extra query to the window', async () => {
    const api = await startActivityApi([]);
    await collect(fetchActivity({ baseUrl: api.url, apiKey: 'k', since: new Date(NOW - 86_400_000), until: new Date(NOW), query: 'status="delivered"' }));
    expect(api.requests[0]?.query).toBe('(status="delivered") AND last_event_time BETWEEN TIMESTAMP "2024-03-03T12:00:00Z" AND TIMESTAMP "2024-03-04T12:00:00Z"');
  });

  it('steps back a second when a full page shares one timestamp, and says so', async () => {
    const same = Array.from({ length: 3 }, (_, i) => ({ msg_id: `s${i}`, last_event_time: '2024-03-04T10:00:00Z', api_key_id: '' }));
    const api = await startActivityApi([...same, { msg_id: 'older', last_event_time: '2024-03-04T09:00:00Z', api_key_id: '' }]);
    const notices: string[] = [];
    const got = await collect(fetchActivity({ baseUrl: api.url, apiKey: 'k', limit: 2, since: new Date('2024-03-04T00:00:00Z'), until: new Date('2024-03-04T11:00:00Z'), onNotice: (m) => notices.push(m) }));
    expect(got.map((m) => m.msg_id)).toEqual(['s0', 's1', 'older']);
    expect(notices.join('\n')).toContain('share 2024-03-04T10:00:00Z');
  });

  it('gives up after maxRetries and names the status, never the key', async () => {
    const api = await startActivityApi([]);
    for (let i = 0; i < 3; i++) api.throttle(503, {});
    const run = collect(fetchActivity({ baseUrl: api.url, apiKey: 'SG.secret-never-shown', since: new Date(0), until: new Date(NOW), maxRetries: 2, sleep: async () => {} }));
    await expect(run).rejects.toThrow(/answered 503 3 times/);
    await expect(run).rejects.not.toThrow(/secret-never-shown/);
  });
});

describe('rate-limit waits', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it.each([
    ['Retry-After seconds', h({ 'retry-after': '3' }), 0, 3000],
    ['Retry-After date', h({ 'retry-after': new Date(NOW + 5000).toUTCString() }), 0, 5000],
    ['X-RateLimit-Reset epoch seconds', h({ 'x-ratelimit-reset': String(NOW / 1000 + 2) }), 0, 2000],
    ['reset in the past', h({ 'x-ratelimit-reset': String(NOW / 1000 - 5) }), 0, 0],
    ['nothing named: exponential', h({}), 2, 40_000],
    ['capped', h({ 'retry-after': '3600' }), 0, 120_000],
  ] as const)('%s', (_n, headers, attempt, expected) => {
    expect(retryDelayMs(headers, attempt, NOW)).toBe(expected);
  });

  it('paces when the budget is spent', () => {
    expect(pacingDelayMs(h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 4) }), NOW)).toBe(4000);
    expect(pacingDelayMs(h({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': String(NOW / 1000 + 4) }), NOW)).toBe(0);
  });
});

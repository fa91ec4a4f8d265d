import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReportsConfigSchema, type ReportScheduleConfig, type ReportsConfigInput } from '../../src/reports/config-schema.js';
import { ReportScheduler, type Heartbeat } from '../../src/reports/scheduler.js';
import { openDb, type Db } from '../../src/store/db.js';
import { insertReportRun, listReportRuns } from '../../src/store/reports-store.js';
import { memoryLog } from '../support/memory-store.js';
import { tempDir } from '../support/temp.js';
import { seed, tempDb, times } from './support/seed.js';
import { tableDelivery, type TableDelivery } from './support/table-delivery.js';

const MINUTE = 60_000;
const at = (s: string): number => Date.parse(s);
const iso = (t: number): string => new Date(t).toISOString();

function schedules(input: ReportsConfigInput): ReportScheduleConfig[] {
  return ReportsConfigSchema.parse(input);
}

/** A scheduler on a fake clock whose heartbeat the test drives. */
function scheduler(db: Db, cfg: ReportScheduleConfig[], clock: { now: number }, delivery: TableDelivery = tableDelivery(db)) {
  const noHeartbeat = (): Heartbeat => ({ stop: () => undefined });
  const s = new ReportScheduler({ db, schedules: cfg, delivery, log: memoryLog(), clock: () => clock.now, heartbeat: noHeartbeat });
  return { s, delivery };
}

/** Ticks once a minute from `from` to `to` (inclusive) and returns the fire times sent. */
function runMinutes(s: ReportScheduler, clock: { now: number }, from: string, to: string): Array<{ fire: string; since: string; until: string }> {
  const out: Array<{ fire: string; since: string; until: string }> = [];
  for (clock.now = at(from); clock.now <= at(to); clock.now += MINUTE) {
    for (const r of s.tick(clock.now)) out.push({ fire: iso(r.fireAt), since: iso(r.since), until: iso(r.until) });
  }
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ReportScheduler: fire times', () => {
  it('fires a daily 02:30 Europe/Berlin report once a day across spring-forward, periods meeting end to end', () => {
    const { db } = tempDb();
    const clock = { now: at('2025-03-28T12:00:00Z') };
    const { s, delivery } = scheduler(db, schedules([{ name: 'daily', cron: '30 2 * * *', timezone: 'Europe/Berlin', period: '24h', receivers: ['team'] }]), clock);
    expect(s.start()).toEqual([]);
    const sent = runMinutes(s, clock, '2025-03-28T12:00:00Z', '2025-04-01T12:00:00Z');
    expect(sent).toEqual([
      { fire: '2025-03-29T01:30:00.000Z', since: '2025-03-28T01:30:00.000Z', until: '2025-03-29T01:30:00.000Z' },
      // 02:30 does not exist on 30 March: the report goes out at 03:00 CEST and covers 23 hours.
      { fire: '2025-03-30T01:00:00.000Z', since: '2025-03-29T01:30:00.000Z', until: '2025-03-30T01:00:00.000Z' },
      { fire: '2025-03-31T00:30:00.000Z', since: '2025-03-30T01:00:00.000Z', until: '2025-03-31T00:30:00.000Z' },
      { fire: '2025-04-01T00:30:00.000Z', since: '2025-03-31T00:30:00.000Z', until: '2025-04-01T00:30:00.000Z' },
    ]);
    expect(delivery.rows().map((r) => r.receiver)).toEqual(['team', 'team', 'team', 'team']);
  });

  it('fires once, not twice, on the fall-back day', () => {
    const { db } = tempDb();
    const clock = { now: at('2025-10-24T12:00:00Z') };
    const { s } = scheduler(db, schedules([{ name: 'daily', cron: '30 2 * * *', timezone: 'Europe/Berlin', period: '24h', receivers: ['team'] }]), clock);
    s.start();
    expect(runMinutes(s, clock, '2025-10-24T12:00:00Z', '2025-10-27T12:00:00Z')).toEqual([
      { fire: '2025-10-25T00:30:00.000Z', since: '2025-10-24T00:30:00.000Z', until: '2025-10-25T00:30:00.000Z' },
      // 02:30 happens twice on 26 October; only the first counts.
      { fire: '2025-10-26T00:30:00.000Z', since: '2025-10-25T00:30:00.000Z', until: '2025-10-26T00:30:00.000Z' },
      { fire: '2025-10-27T01:30:00.000Z', since: '2025-10-26T00:30:00.000Z', until: '2025-10-27T01:30:00.000Z' },
    ]);
  });

  it('fires a weekly Monday 08:00 schedule in its own zone, with a 7-day period', () => {
    const { db } = tempDb();
    const clock = { now: at('2025-06-01T00:00:00Z') };
    const { s } = scheduler(db, schedules([{ name: 'weekly', cron: '0 8 * * MON', timezone: 'America/New_York', period: '7d', receivers: ['leads'] }]), clock);
    s.start();
    expect(runMinutes(s, clock, '2025-06-01T00:00:00Z', '2025-06-10T00:00:00Z')).toEqual([
      { fire: '2025-06-02T12:00:00.000Z', since: '2025-05-26T12:00:00.000Z', until: '2025-06-02T12:00:00.000Z' },
      { fire: '2025-06-09T12:00:00.000Z', since: '2025-06-02T12:00:00.000Z', until: '2025-06-09T12:00:00.000Z' },
    ]);
  });

  it('since-last covers from the end of the previous report, including ticks that were late', () => {
    const { db } = tempDb();
    const clock = { now: at('2025-06-02T09:30:00Z') };
    const { s } = scheduler(db, schedules([{ name: 'hourly', cron: '0 * * * *', period: 'since-last', receivers: ['team'] }]), clock);
    s.start();
    const ticks = ['2025-06-02T10:00:00Z', '2025-06-02T11:00:00Z', '2025-06-02T13:30:00Z'].flatMap((t) => s.tick(at(t)));
    expect(ticks.map((r) => [iso(r.since), iso(r.until)])).toEqual([
      ['2025-06-02T09:00:00.000Z', '2025-06-02T10:00:00.000Z'],
      ['2025-06-02T10:00:00.000Z', '2025-06-02T11:00:00.000Z'],
      ['2025-06-02T11:00:00.000Z', '2025-06-02T13:00:00.000Z'],
    ]);
  });
});

describe('ReportScheduler: catch-up and exactly once', () => {
  const daily = (catchUp: boolean): ReportScheduleConfig[] => schedules([{ name: 'daily', cron: '0 8 * * *', period: '24h', receivers: ['team', 'leads'], catchUp }]);

  it('sends the one missed report on start, and not again after another restart', () => {
    const { db, path } = tempDb();
    seed(db, times('billing-api', 'smtp_basic_auth_2fa', ['2025-06-04T10:00:00Z', '2025-06-04T11:00:00Z']));
    const clock = { now: at('2025-06-02T12:00:00Z') };
    const first = scheduler(db, daily(true), clock);
    // A new schedule does not send for fire times before it existed.
    expect(first.s.start()).toEqual([]);
    expect(first.s.tick(at('2025-06-03T08:00:00Z')).map((r) => iso(r.fireAt))).toEqual(['2025-06-03T08:00:00.000Z']);
    void first.s.close();
    db.close();

    // Down through 4 and 5 June 08:00; back at 12:00 on the 5th: the latest missed one is sent.
    const db2 = openDb(path);
    clock.now = at('2025-06-05T12:00:00Z');
    const second = scheduler(db2, daily(true), clock);
    const caughtUp = second.s.start();
    expect(caughtUp.map((r) => [iso(r.fireAt), iso(r.since), iso(r.until), r.message.json.totals.count])).toEqual([['2025-06-05T08:00:00.000Z', '2025-06-04T08:00:00.000Z', '2025-06-05T08:00:00.000Z', 2]]);
    expect(second.s.tick(at('2025-06-05T12:01:00Z'))).toEqual([]);
    void second.s.close();
    db2.close();

    const db3 = openDb(path);
    clock.now = at('2025-06-05T13:00:00Z');
    const third = scheduler(db3, daily(true), clock);
    expect(third.s.start()).toEqual([]);
    expect(listReportRuns(db3).map((r) => iso(r.fireAt))).toEqual(['2025-06-05T08:00:00.000Z', '2025-06-03T08:00:00.000Z']);
    // Two receivers per sent report.
    expect(third.delivery.rows().map((r) => `${r.receiver} ${r.id}`)).toEqual([
      'team report:daily:2025-06-02T08:00:00.000Z/2025-06-03T08:00:00.000Z',
      'leads report:daily:2025-06-02T08:00:00.000Z/2025-06-03T08:00:00.000Z',
      'team report:daily:2025-06-04T08:00:00.000Z/2025-06-05T08:00:00.000Z',
      'leads report:daily:2025-06-04T08:00:00.000Z/2025-06-05T08:00:00.000Z',
    ]);
    db3.close();
  });

  it('with catchUp false skips what was missed and resumes at the next fire time', () => {
    const { db, path } = tempDb();
    const clock = { now: at('2025-06-02T12:00:00Z') };
    scheduler(db, daily(false), clock).s.start();
    db.close();
    const db2 = openDb(path);
    clock.now = at('2025-06-05T12:00:00Z');
    const { s } = scheduler(db2, daily(false), clock);
    expect(s.start()).toEqual([]);
    expect(runMinutes(s, clock, '2025-06-05T12:00:00Z', '2025-06-06T09:00:00Z').map((r) => r.fire)).toEqual(['2025-06-06T08:00:00.000Z']);
    db2.close();
  });

  it('never records or queues the same schedule and period twice, even from two schedulers', () => {
    const { db, path } = tempDb();
    const other = openDb(path);
    const clock = { now: at('2025-06-02T12:00:00Z') };
    const a = scheduler(db, daily(true), clock);
    const b = scheduler(other, daily(true), clock);
    a.s.start();
    b.s.start();
    const sent = [...a.s.tick(at('2025-06-03T08:00:30Z')), ...b.s.tick(at('2025-06-03T08:00:30Z')), ...a.s.tick(at('2025-06-03T08:01:00Z'))];
    expect(sent).toHaveLength(1);
    expect(a.delivery.rows()).toHaveLength(2);
    const run = { schedule: 'daily', periodStart: at('2025-06-02T08:00:00Z'), periodEnd: at('2025-06-03T08:00:00Z'), fireAt: 0, createdAt: 0, receivers: [], events: 0 };
    expect(insertReportRun(db, run)).toBe(false);
    expect(() => db.prepare('INSERT INTO report_runs (schedule, period_start, period_end, fire_at, created_at, receivers, events) VALUES (?, ?, ?, 0, 0, ?, 0)').run('daily', run.periodStart, run.periodEnd, '[]')).toThrow(/UNIQUE/);
    other.close();
  });

  it('records nothing when queueing fails, and sends on the next tick', () => {
    const { db } = tempDb();
    const clock = { now: at('2025-06-02T12:00:00Z') };
    const log = memoryLog();
    const delivery = tableDelivery(db);
    const s = new ReportScheduler({ db, schedules: daily(true), delivery, log, clock: () => clock.now, heartbeat: () => ({ stop: () => undefined }) });
    s.start();
    delivery.failNext();
    expect(s.tick(at('2025-06-03T08:00:00Z'))).toEqual([]);
    expect(listReportRuns(db)).toEqual([]);
    expect(delivery.rows()).toEqual([]);
    expect(log.lines.some((l) => l.startsWith('error Scheduled report failed') && l.includes('outbox is full'))).toBe(true);
    expect(s.tick(at('2025-06-03T08:01:00Z')).map((r) => iso(r.fireAt))).toEqual(['2025-06-03T08:00:00.000Z']);
    expect(delivery.rows()).toHaveLength(2);
  });

  it('writes the formats to outDir', () => {
    const { db } = tempDb();
    const dir = join(tempDir(), 'reports');
    const clock = { now: at('2025-06-02T12:00:00Z') };
    const { s } = scheduler(db, schedules([{ name: 'files', cron: '0 8 * * *', period: '24h', formats: ['md', 'csv'], outDir: dir }]), clock);
    s.start();
    s.tick(at('2025-06-03T08:00:00Z'));
    expect(readFileSync(join(dir, 'authwatch-report-files-2025-06-03.md'), 'utf8')).toContain('No rejections in this period.');
    expect(existsSync(join(dir, 'authwatch-report-files-2025-06-03.csv'))).toBe(true);
  });
});

describe('ReportScheduler: node-cron heartbeat', () => {
  it('ticks every minute through node-cron under fake timers', async () => {
    vi.useFakeTimers({ now: at('2025-06-03T07:58:30Z') });
    const { db } = tempDb();
    const delivery = tableDelivery(db);
    const s = new ReportScheduler({ db, schedules: schedules([{ name: 'daily', cron: '0 8 * * *', period: '24h', receivers: ['team'] }]), delivery, log: memoryLog() });
    s.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(delivery.rows()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(delivery.rows().map((r) => r.id)).toEqual(['report:daily:2025-06-02T08:00:00.000Z/2025-06-03T08:00:00.000Z']);
    await s.close();
  });
});

describe('ReportsConfigSchema', () => {
  it('applies defaults and parses periods', () => {
    const [s] = schedules([{ name: 'd', cron: '0 8 * * *', receivers: ['team'] }]);
    expect(s).toEqual({ name: 'd', cron: '0 8 * * *', timezone: 'UTC', period: { type: 'rolling', ms: 86_400_000, days: 1 }, receivers: ['team'], formats: [], catchUp: true });
    expect(schedules([{ name: 'w', cron: '0 8 * * 1', period: '7d', receivers: ['x'] }])[0]?.period).toEqual({ type: 'rolling', ms: 604_800_000, days: 7 });
    expect(schedules([{ name: 'h', cron: '0 * * * *', period: '12h', receivers: ['x'] }])[0]?.period).toEqual({ type: 'rolling', ms: 43_200_000, days: null });
    expect(schedules([{ name: 's', cron: '0 * * * *', period: 'since-last', receivers: ['x'] }])[0]?.period).toEqual({ type: 'since-last' });
  });

  it('collects every problem with its path', () => {
    const r = ReportsConfigSchema.safeParse([
      { name: 'a', cron: '61 8 * * *', timezone: 'Mars/Olympus', period: 'fortnightly', receivers: [] },
      { name: 'a', cron: '0 8 * * *', receivers: ['x'], outDir: '/tmp/x' },
      { name: 'b', cron: '0 8 * * *', receivers: ['x'], colour: 'red' },
    ]);
    expect(r.success).toBe(false);
    const problems = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0\.cron: is not a valid node-cron expression/),
        expect.stringMatching(/^0\.timezone: is not an IANA time zone/),
        expect.stringMatching(/^0\.period: expected since-last or a duration/),
        expect.stringMatching(/^1\.formats: outDir needs at least one format/),
        expect.stringMatching(/^2: Unrecognized key/),
      ]),
    );
  });
});

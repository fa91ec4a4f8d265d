import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { SCENARIO, seed, tempDb } from './support/seed.js';

function seededDb(): string {
  const { db, path } = tempDb();
  seed(db, SCENARIO);
  db.close();
  return path;
}

describe('authwatch report', () => {
  it('prints Markdown for an ISO period by default', async () => {
    const db = seededDb();
    const r = await runCli(['report', '--db', db, '--since', '2025-03-24T00:00:00Z', '--until', '2025-03-31T00:00:00Z']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# authwatch report: 2025-03-24 to 2025-03-31');
    expect(r.stdout).toContain('**12 rejections from 5 services; 2 new; 1 recovered.**');
  });

  it('reads local dates in --tz and prints JSON', async () => {
    const db = seededDb();
    const r = await runCli(['report', '--db', db, '--since', '2025-03-24', '--until', '2025-03-31', '--tz', 'Europe/Berlin', '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { period: { since: string; until: string; timeZone: string }; services: Array<{ service: string; count: number; status: string }> };
    expect(json.period).toMatchObject({ since: '2025-03-23T23:00:00.000Z', until: '2025-03-30T22:00:00.000Z', timeZone: 'Europe/Berlin' });
    // Midnight in Berlin is an hour (then two) earlier than in UTC: billing-api's 23:59Z event on
    // the 30th falls out, legacy-cron's 23:59:59Z event on the 23rd falls in.
    expect(json.services.filter((s) => ['billing-api', 'legacy-cron'].includes(s.service)).map((s) => [s.service, s.count, s.status])).toEqual([
      ['billing-api', 4, 'ongoing'],
      ['legacy-cron', 1, 'ongoing'],
    ]);
  });

  it('writes a file, taking the format from its extension', async () => {
    const db = seededDb();
    const out = join(tempDir(), 'out', 'report.csv');
    const r = await runCli(['report', '--db', db, '--since', '2025-03-24T00:00:00Z', '--until', '2025-03-31T00:00:00Z', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Wrote the csv report to ${out}.\n`);
    expect(readFileSync(out, 'utf8').split('\r\n')[0]).toBe('service,status,migration,kinds,count,previous,change,change_percent,first_seen,last_seen,top_hosts,guides,period_start,period_end');
  });

  it('accepts durations ago and reports an empty period plainly', async () => {
    const db = seededDb();
    const r = await runCli(['report', '--db', db, '--since', '2d', '--until', '1d', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('**No rejections in this period.**');
  });

  it('refuses bad input with exit code 2 and a message naming the value', async () => {
    const db = seededDb();
    const bad = [
      [['--since', 'last tuesday'], '--since is "last tuesday"; expected a duration ago such as 7d'],
      [['--since', '1d', '--until', '7d'], 'is not before --until'],
      [['--tz', 'Mars/Olympus'], '--tz is "Mars/Olympus"; expected an IANA time zone'],
      [['--since', '2025-02-30'], '--since is "2025-02-30"'],
    ] as const;
    for (const [args, message] of bad) {
      const r = await runCli(['report', '--db', db, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const wrongFormat = await runCli(['report', '--db', db, '--format', 'pdf']);
    expect(wrongFormat.code).toBe(2);
  });
});

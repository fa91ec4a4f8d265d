import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startActivityApi } from '../support/activity-api.js';
import { CANARY_API_KEY, CANARY_SUBJECT_SECRET, CSV, MESSAGES } from '../activity/fixtures.js';

interface Group {
  subuser: string | null;
  from_email: string | null;
  category: string | null;
  messages: number;
}

const groups = (out: string): Group[] =>
  out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Group)
    .map(({ subuser, from_email, category, messages }) => ({ subuser, from_email, category, messages }));

const EXPECTED_GROUPS: Group[] = [
  { subuser: null, from_email: 'billing@example.com', category: null, messages: 3 },
  { subuser: 'ops-sub', from_email: 'alerts@example.com', category: 'ops,pager', messages: 1 },
];

function eventCount(db: string): Array<{ service: string; kind: string; channel: string; count: number }> {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare('SELECT service, kind, channel, count FROM service_kinds ORDER BY service').all() as Array<{ service: string; kind: string; channel: string; count: number }>;
  } finally {
    h.close();
  }
}

describe('authwatch import-activity', () => {
  it('imports a JSON export, groups the messages without an API key, and stores them as basic_auth_in_use', async () => {
    const dir = tempDir();
    const file = join(dir, 'activity.json');
    writeFileSync(file, JSON.stringify(MESSAGES, null, 2));
    const db = join(dir, 'a.sqlite');
    const r = await runCli(['import-activity', '--db', db, '--format', 'ndjson', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(groups(r.stdout)).toEqual(EXPECTED_GROUPS);
    expect(eventCount(db)).toEqual([
      { service: 'billing@example.com', kind: 'basic_auth_in_use', channel: 'api', count: 3 },
      { service: 'ops-sub', kind: 'basic_auth_in_use', channel: 'api', count: 1 },
    ]);
    const services = await runCli(['services', '--db', db, '--format', 'json']);
    const listed = JSON.parse(services.stdout) as Array<{ service: string; kind: string }>;
    expect(listed.map((s) => `${s.service}/${s.kind}`).sort()).toEqual(['billing@example.com/basic_auth_in_use', 'ops-sub/basic_auth_in_use']);
  });

  it('imports the CSV export (one row per event) to the same result, and re-imports count nothing twice', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.sqlite');
    const csv = join(dir, 'activity.csv');
    writeFileSync(csv, CSV);
    const first = await runCli(['import-activity', '--db', db, '--format', 'ndjson', csv]);
    expect(first.code).toBe(1);
    expect(groups(first.stdout)).toEqual(EXPECTED_GROUPS);
    const table = await runCli(['import-activity', '--db', db, csv]);
    expect(table.stdout).toMatch(/^SUBUSER\s+FROM\s+CATEGORY\s+MESSAGES\s+FIRST\s+LAST/m);
    expect(table.stdout).toContain('6 message(s) read; 4 sent without an API key (username and password); 0 new in');
    // The same messages from another export format (NDJSON) are the same events.
    const nd = join(dir, 'activity.ndjson');
    writeFileSync(nd, MESSAGES.map((m) => JSON.stringify(m)).join('\n'));
    const again = await runCli(['import-activity', '--db', db, '--format', 'json', nd]);
    expect((JSON.parse(again.stdout) as { totals: { stored_new: number } }).totals.stored_new).toBe(0);
    expect(eventCount(db).map((r) => r.count)).toEqual([3, 1]);
  });

  it('exits 0 when every message used an API key', async () => {
    const dir = tempDir();
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify([{ msg_id: 'k1', from_email: 'a@example.com', api_key_id: 'abc' }]));
    const r = await runCli(['import-activity', '--db', join(dir, 'a.sqlite'), file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('every one was sent with an API key');
  });

  it('refuses an export without any api_key_id field rather than calling everything a password login', async () => {
    const dir = tempDir();
    const file = join(dir, 'list.json');
    writeFileSync(file, JSON.stringify({ messages: [{ msg_id: 'x', from_email: 'a@example.com', status: 'delivered' }] }));
    const db = join(dir, 'a.sqlite');
    const r = await runCli(['import-activity', '--db', db, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has an api_key_id field');
    expect(eventCount(db)).toEqual([]);
  });

  it('exits 3 for an unreadable file and 2 for wrong usage', async () => {
    const dir = tempDir();
    expect((await runCli(['import-activity', '--db', join(dir, 'a.sqlite'), join(dir, 'nope.csv')])).code).toBe(3);
    expect((await runCli(['import-activity'])).code).toBe(2);
    expect((await runCli(['import-activity', '--api', join(dir, 'x.csv')])).code).toBe(2);
    expect((await runCli(['import-activity', '--api'])).code).toBe(2);
    const r = await runCli(['import-activity', '--api', '--api-url', 'http://api.example.com'], { env: { SENDGRID_API_KEY: 'SG.x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not https');
  });

  it('fetches from the API with paging through a 429, stores the same events, and leaks neither the key nor any subject', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.sqlite');
    const api = await startActivityApi(MESSAGES);
    api.throttle(429, { 'retry-after': '1' });
    const env = { SENDGRID_API_KEY: CANARY_API_KEY, AUTHWATCH_SENDGRID_API_URL: api.url };
    const args = ['import-activity', '--api', '--db', db, '--since', '2024-03-01T00:00:00Z', '--until', '2024-03-05T00:00:00Z', '--limit', '2'];
    const runs = [await runCli([...args, '--format', 'ndjson'], { env }), await runCli([...args, '--format', 'json'], { env }), await runCli(args, { env })];
    const [nd, json, table] = runs;
    expect(nd?.code).toBe(1);
    expect(groups(nd?.stdout ?? '')).toEqual(EXPECTED_GROUPS);
    expect(nd?.stderr).toContain('answered 429; waiting 1000 ms');
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY_API_KEY}`);
    expect((JSON.parse(json?.stdout ?? '') as { totals: { stored_new: number } }).totals.stored_new).toBe(0);
    expect(table?.stdout).toContain('billing@example.com');
    expect(eventCount(db).map((r) => r.count)).toEqual([3, 1]);
    // Canary: nothing secret in any output, the database or its WAL.
    const files = [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));
    for (const text of [...runs.flatMap((r) => [r?.stdout ?? '', r?.stderr ?? '']), ...files]) {
      expect(text).not.toContain(CANARY_API_KEY);
      expect(text).not.toContain(CANARY_API_KEY.slice(3, 25));
      expect(text).not.toContain(CANARY_SUBJECT_SECRET);
    }
  });
});

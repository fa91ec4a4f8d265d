import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zone } from '../../src/reports/time-zone.js';
import { openDb } from '../../src/store/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { latestReportRun, registerReportSchedule } from '../../src/store/reports-store.js';
import { tempDir } from '../support/temp.js';
import { tempDb } from './support/seed.js';

describe('reports migration', () => {
  it('is version 3 and applies on top of an older database', () => {
    expect(MIGRATIONS.find((m) => m.name === 'reports')?.version).toBe(3);
    const path = join(tempDir(), 'old.sqlite');
    const old = new Database(path);
    for (const m of MIGRATIONS.filter((x) => x.version < 3)) old.exec(m.sql);
    old.pragma(`user_version = 2`);
    old.close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'report%' ORDER BY name").pluck().all()).toEqual(['report_runs', 'report_schedules']);
    db.close();
  });

  it('keeps the first registration time of a schedule', () => {
    const { db } = tempDb();
    expect(registerReportSchedule(db, 'daily', 1000)).toBe(1000);
    expect(registerReportSchedule(db, 'daily', 5000)).toBe(1000);
    expect(latestReportRun(db, 'daily')).toBeUndefined();
  });
});

describe('Zone', () => {
  const berlin = zone('Europe/Berlin');
  it('maps wall times to instants, first occurrence in the repeated hour, gap end in the skipped one', () => {
    expect(new Date(berlin.instant(Date.UTC(2025, 0, 15, 12, 0))).toISOString()).toBe('2025-01-15T11:00:00.000Z');
    expect(new Date(berlin.instant(Date.UTC(2025, 2, 30, 2, 30))).toISOString()).toBe('2025-03-30T01:00:00.000Z');
    expect(new Date(berlin.instant(Date.UTC(2025, 9, 26, 2, 30))).toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(berlin.formatOffset(Date.parse('2025-07-01T00:00:00Z'))).toBe('+02:00');
    expect(zone('America/St_Johns').formatOffset(Date.parse('2025-01-01T00:00:00Z'))).toBe('-03:30');
  });

  it('refuses unknown names', () => {
    expect(() => zone('Mars/Olympus')).toThrow(/not a time zone/);
  });
});

/**
 * Schema migrations on real SQLite files: from an empty file, and from a file left at the
 * previous schema version (built by applying only the migrations before the last one) to the
 * current one, with its data kept. Both paths must end in the same schema.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { EventStore } from '../../src/store/events.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src/store/migrations.js';
import { sampleDetection } from '../support/detections.js';
import { tempDir } from '../support/temp.js';

/** Tables, indexes and their SQL, as SQLite stores them: the schema to compare. */
function schemaOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') AS s FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).pluck().all() as string[]).map((s) => s.replace(/\s+/g, ' '));
  } finally {
    db.close();
  }
}

const version = (path: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('schema migrations', () => {
  it('numbers migrations 1..N without gaps, so user_version names exactly what was applied', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('creates the current schema in an empty file', () => {
    const path = join(tempDir(), 'fresh.sqlite');
    openDb(path).close();
    expect(version(path)).toBe(SCHEMA_VERSION);
    const names = schemaOf(path).map((s) => s.split(':')[0]);
    for (const t of ['table events', 'table service_kinds', 'table checkpoints', 'table alert_outbox', 'table alert_state']) expect(names).toContain(t);
  });

  it('upgrades a file at the previous version to the current one and keeps its data', () => {
    const dir = tempDir();
    const old = join(dir, 'previous.sqlite');
    const prev = new Database(old);
    prev.pragma('journal_mode = WAL');
    migrate(prev, SCHEMA_VERSION - 1);
    expect(prev.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION - 1);
    // Data written by the previous version: one event with its running totals and a checkpoint.
    new EventStore(prev, () => Date.UTC(2026, 0, 1)).commit(
      [sampleDetection({ ts: '2026-01-01T00:00:00Z' })],
      [{ sourceId: 'app', stream: 'app:1', state: { offset: 120, nextLine: 2 } }],
    );
    prev.close();

    const db = openDb(old);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare('SELECT service, kind, count FROM service_kinds').all()).toEqual([{ service: 'billing', kind: 'smtp_basic_auth_2fa', count: 1 }]);
      expect(new EventStore(db).get('app', 'app:1')).toEqual({ offset: 120, nextLine: 2 });
    } finally {
      db.close();
    }

    const fresh = join(dir, 'fresh.sqlite');
    openDb(fresh).close();
    expect(schemaOf(old)).toEqual(schemaOf(fresh));
  });

  it('opening twice applies nothing twice', () => {
    const path = join(tempDir(), 'twice.sqlite');
    openDb(path).close();
    const before = schemaOf(path);
    openDb(path).close();
    expect(schemaOf(path)).toEqual(before);
  });

  it('refuses a file from a newer authwatch instead of touching it', () => {
    const path = join(tempDir(), 'newer.sqlite');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDb(path)).toThrow(/newer than this authwatch understands/);
    expect(version(path)).toBe(SCHEMA_VERSION + 1);
  });
});

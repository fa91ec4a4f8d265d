import type { Db } from './db.js';
import { StoreError } from '../errors.js';
import { CORE_SCHEMA } from './schema-core.js';
import { ALERTS_SCHEMA } from './schema-alerts.js';
import { REPORTS_SCHEMA } from './schema-reports.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Every schema change, in order. A migration is never edited once released: add a new one.
 * The applied version lives in PRAGMA user_version, so an older binary refuses a newer file
 * instead of corrupting it.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', sql: CORE_SCHEMA },
  { version: 2, name: 'alerts', sql: ALERTS_SCHEMA },
  { version: 3, name: 'reports', sql: REPORTS_SCHEMA },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export function migrate(db: Db, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError('STORE_SCHEMA_NEWER', `The database schema is version ${current}, newer than this authwatch understands (${SCHEMA_VERSION}). Upgrade authwatch or point --db at another file.`);
  }
  const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= target).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

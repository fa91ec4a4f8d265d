import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError, errorMessage } from '../errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly readonly?: boolean;
  /** How long a writer waits for another process's lock. Milliseconds; default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (and migrates) the SQLite database. WAL lets `authwatch services` read while the daemon
 * writes; synchronous=NORMAL in WAL mode survives a killed process, which is the crash the
 * exactly-once promise covers.
 */
export function openDb(path: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (!opts.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new StoreError('STORE_OPEN', `Cannot open the database ${path}: ${errorMessage(err)}. Check the path and its permissions, or pass --db.`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError('STORE_OPEN', `The database ${path} is not usable: ${errorMessage(err)}. If it is corrupt, move it aside; authwatch creates a new one.`, { cause: err });
  }
  return db;
}

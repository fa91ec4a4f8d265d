import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../store/migrations.js';
import { probeWritable, schemaVersion } from '../store/status-queries.js';
import { fail, ok, warn, type CheckResult } from './check.js';

const NAME = 'database';

/**
 * The database file can be written and its schema is one this authwatch knows. Opens the file
 * without migrating it: doctor changes nothing. A missing file is fine when its directory is
 * writable (the daemon creates it).
 */
export function checkDatabase(path: string): CheckResult[] {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    const dir = dirname(abs);
    const parent = nearestExisting(dir);
    try {
      accessSync(parent, constants.W_OK);
      return [ok(NAME, `${abs} does not exist yet; it will be created on the first run (schema version ${SCHEMA_VERSION}).`)];
    } catch {
      return [fail(NAME, `${abs} does not exist and ${parent} is not writable, so it cannot be created.`, `Create ${dir} writable by the user that runs authwatch, or set database.path / --db to a writable place.`)];
    }
  }
  if (statSync(abs).isDirectory()) return [fail(NAME, `${abs} is a directory, not a database file.`, 'Set database.path (or --db) to a file path such as /var/lib/authwatch/authwatch.sqlite.')];
  let db: Database.Database | undefined;
  try {
    db = new Database(abs, { fileMustExist: true });
    const version = schemaVersion(db);
    const results: CheckResult[] = [];
    try {
      probeWritable(db);
      results.push(ok(NAME, `${abs} is writable.`));
    } catch (err) {
      results.push(fail(NAME, `${abs} cannot be written: ${errorMessage(err)}.`, 'Give the user that runs authwatch write access to the file, its -wal and -shm files and their directory; if another process holds a long write lock, stop it.'));
    }
    results.push(schemaResult(version));
    return results;
  } catch (err) {
    return [fail(NAME, `${abs} cannot be opened as SQLite: ${errorMessage(err)}.`, 'If it is not an authwatch database or it is damaged, move it aside; authwatch creates a new one on start.')];
  } finally {
    db?.close();
  }
}

function schemaResult(version: number): CheckResult {
  const name = 'database schema';
  if (version === SCHEMA_VERSION) return ok(name, `version ${version}, current.`);
  if (version > SCHEMA_VERSION) {
    return fail(name, `version ${version} is newer than this authwatch understands (${SCHEMA_VERSION}).`, 'Run the newer authwatch that wrote it, or point database.path at another file.');
  }
  const pending = MIGRATIONS.filter((m) => m.version > version).map((m) => `${m.version} ${m.name}`);
  return warn(
    name,
    `version ${version}; this authwatch uses ${SCHEMA_VERSION} (pending migrations: ${pending.join(', ')}).`,
    'Nothing to do by hand: `authwatch run` applies them on start, each in one transaction. Back up the file first if you may need to roll back to the older authwatch.',
  );
}

function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

import { closeSync, constants, lstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';
import { errorMessage } from '../errors.js';
import type { FileSourceConfig } from '../config/schema.js';
import { expandPatterns, splitPatterns } from '../sources/glob.js';
import { fail, ok, warn, type CheckResult } from './check.js';

/**
 * Each path of a file source exists and can be read, and each glob matches something. The
 * paths are expanded the way the source expands them.
 */
export async function checkFileSource(id: string, source: FileSourceConfig): Promise<CheckResult[]> {
  const name = `file ${id}`;
  const parts = splitPatterns(source.paths);
  const results: CheckResult[] = [];
  for (const pattern of parts.dynamic) {
    const matched = await expandPatterns({ literal: [], dynamic: [pattern] });
    if (matched.length === 0) {
      results.push(warn(name, `the pattern ${pattern} matches no file right now.`, 'If the files appear later this is expected (they are picked up when they do); otherwise correct the pattern.'));
    }
    for (const path of matched) results.push(checkReadable(name, path));
  }
  for (const path of parts.literal) results.push(checkReadable(name, path));
  return results;
}

/** A regular file that opens for reading and yields its first byte. */
export function checkReadable(name: string, path: string): CheckResult {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    const link = danglingTarget(path);
    if (link !== undefined) return fail(name, `${path} is a symbolic link to ${link}, which does not exist.`, 'Point the link at the live log file, or list the real path in the config.');
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fail(name, `${path} does not exist.`, 'Correct the path, or use a glob if the file name changes; authwatch keeps checking for a missing file, but nothing is read until it exists.');
    return fail(name, `${path} cannot be examined: ${errorMessage(err)}.`, 'Check the permissions of the directories on the way to the file.');
  }
  if (st.isDirectory()) return fail(name, `${path} is a directory.`, `List the log files, or a glob such as ${path.replace(/\/$/, '')}/*.log.`);
  if (st.isFIFO() || st.isSocket() || st.isCharacterDevice() || st.isBlockDevice()) {
    return fail(name, `${path} is not a regular file (a ${kindOf(st)}); file sources follow regular files only.`, `Pipe it into \`authwatch run -\` (stdin) instead, or point the source at the file it is written to.`);
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (st.size > 0) readSync(fd, Buffer.alloc(1), 0, 1, 0);
    return ok(name, `${path} is readable (${st.size} bytes).`);
  } catch (err) {
    return fail(name, `${path} cannot be read: ${errorMessage(err)}.`, 'Give the user that runs authwatch read access (e.g. add it to the adm group for /var/log).');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function danglingTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  return 'device';
}

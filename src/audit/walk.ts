import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKindOf, type FileKind } from './file-kind.js';

/** Directories never entered: dependencies and version-control internals. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git']);

/** Bytes read to decide whether a file is binary (a NUL byte in them). */
const BINARY_PROBE_BYTES = 8192;

export interface WalkStats {
  /** Files read and audited. */
  scanned: number;
  /** Files with a NUL byte in their first 8 KiB. */
  binary: number;
  /** Files larger than the size limit. */
  tooLarge: number;
  /** Files that are neither configuration nor source code (by name), found inside directories. */
  otherFiles: number;
  /** node_modules and .git directories not entered. */
  skippedDirs: number;
  /** Symbolic links not followed (they could loop or leave the tree). */
  symlinks: number;
}

export const newWalkStats = (): WalkStats => ({ scanned: 0, binary: 0, tooLarge: 0, otherFiles: 0, skippedDirs: 0, symlinks: 0 });

export interface AuditTarget {
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
}

export interface WalkOptions {
  /** Largest file read. Bytes; default 1 MiB. */
  readonly maxFileBytes: number;
  readonly stats: WalkStats;
  /** Called for a path that cannot be read; the walk goes on. */
  readonly onUnreadable: (path: string, reason: string) => void;
}

/**
 * The files under a path, read as text: the file itself (audited as code when its name says
 * nothing), or every configuration and source file below a directory, in name order.
 */
export async function* walk(input: string, opts: WalkOptions): AsyncGenerator<AuditTarget> {
  let st;
  try {
    st = await lstat(input);
  } catch (err) {
    opts.onUnreadable(input, describeFsError(err));
    return;
  }
  if (st.isSymbolicLink()) {
    // A link named on the command line is the user's choice: follow it once.
    const target = await readTarget(input, fileKindOf(input) ?? 'code', opts);
    if (target !== null) yield target;
    return;
  }
  if (st.isFile()) {
    const target = await readTarget(input, fileKindOf(input) ?? 'code', opts);
    if (target !== null) yield target;
    return;
  }
  if (!st.isDirectory()) {
    opts.onUnreadable(input, 'not a regular file or directory');
    return;
  }
  yield* walkDir(input, opts);
}

async function* walkDir(dir: string, opts: WalkOptions): AsyncGenerator<AuditTarget> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    opts.onUnreadable(dir, describeFsError(err));
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) opts.stats.symlinks++;
    else if (e.isDirectory()) {
      if (SKIPPED_DIRS.has(e.name)) opts.stats.skippedDirs++;
      else yield* walkDir(p, opts);
    } else if (e.isFile()) {
      const kind = fileKindOf(p);
      if (kind === null) opts.stats.otherFiles++;
      else {
        const target = await readTarget(p, kind, opts);
        if (target !== null) yield target;
      }
    }
  }
}

/** Reads one file within the size limit; binary and over-long files are counted, not read. */
async function readTarget(path: string, kind: FileKind, opts: WalkOptions): Promise<AuditTarget | null> {
  let handle;
  try {
    handle = await open(path, 'r');
    const st = await handle.stat();
    if (!st.isFile()) {
      opts.onUnreadable(path, 'not a regular file');
      return null;
    }
    if (st.size > opts.maxFileBytes) {
      opts.stats.tooLarge++;
      return null;
    }
    const buf = await handle.readFile();
    if (buf.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
      opts.stats.binary++;
      return null;
    }
    opts.stats.scanned++;
    return { path, kind, text: buf.toString('utf8') };
  } catch (err) {
    opts.onUnreadable(path, describeFsError(err));
    return null;
  } finally {
    await handle?.close();
  }
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return err instanceof Error ? err.message : String(err);
}

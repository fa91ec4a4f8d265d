import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/**
 * The `paths` of a file source split once: literal paths are watched even while missing (so a
 * missing file is reported and retried), patterns (`*`, `?`, `**`) only for what they match.
 */
export interface PathPatterns {
  readonly literal: readonly string[];
  readonly dynamic: readonly string[];
}

export function splitPatterns(paths: readonly string[]): PathPatterns {
  const literal: string[] = [];
  const dynamic: string[] = [];
  for (const p of paths) (isDynamicPattern(p) ? dynamic : literal).push(resolve(p));
  return { literal, dynamic };
}

/** Absolute paths of the literal files plus the regular files the patterns match now, sorted. */
export async function expandPatterns(p: PathPatterns): Promise<string[]> {
  const found = p.dynamic.length === 0 ? [] : await glob([...p.dynamic], { absolute: true, onlyFiles: true, expandDirectories: false, dot: true });
  return [...new Set([...p.literal, ...found])].sort();
}

/** Rotated and compressed (`mail.log.2.gz`): read once, decompressed, never tailed. */
export const isGzPath = (path: string): boolean => path.endsWith('.gz');

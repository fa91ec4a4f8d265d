import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory holding authwatch's package.json. Compiled code runs from dist/alerts/ while
 * data files (the guides) stay in alerts/guides/, so paths are taken from the package root
 * rather than from this module's own directory.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${fileURLToPath(import.meta.url)}; authwatch is not installed as a package.`);
    dir = parent;
  }
}

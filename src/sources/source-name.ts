import { basename } from 'node:path';

/**
 * The service name a file implies when nothing in its lines names one: its base name without
 * compression, rotation and log suffixes, so `billing-worker.log.2.gz` and `billing-worker.log`
 * stay one service.
 */
export function nameFromPath(path: string): string {
  let name = basename(path);
  for (let previous = ''; previous !== name; ) {
    previous = name;
    name = name.replace(/\.(gz|bz2|xz|zst)$/i, '').replace(/[.-]\d+$/, '').replace(/[.-]\d{8}$/, '').replace(/\.(log|txt|out|err|ndjson|jsonl|json)$/i, '');
  }
  return name || basename(path);
}

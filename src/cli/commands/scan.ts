import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { Option } from 'commander';
import { MIN_SPLIT_BYTES } from '../../scan-threads/range-plan.js';
import type { WorkerSetup } from '../../scan-threads/scan-task.js';
import { parseThreads } from '../../scan-threads/threads-option.js';
import { WorkerPool } from '../../scan-threads/worker-pool.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import type { CliContext } from '../io.js';

export const SCAN_FORMATS = ['table', 'ndjson', 'json'] as const;

export interface ScanOptions {
  db?: string;
  config?: string;
  format: (typeof SCAN_FORMATS)[number];
  store: boolean;
  threads: string;
  /** Hidden: bytes per range when splitting files (tests force many ranges with it). */
  rangeBytes?: string;
}

const THREADS_HELP = `
Threads:
  --threads N scans on N threads (the main one and N-1 workers) with the same results as
  --threads 1: the same detections and line numbers, stored events, stats, output order (file
  order, then line order) and exit code. Files are shared out among the threads; a plain file
  of 32 MiB or more (more with a large detector.lookbackBytes) is also cut into N ranges, each
  scanned after re-reading the lookback window before it, so that queue-id correlation and
  multi-line records see what a single thread sees there; a range that starts in another state
  than the previous one ended in is scanned again. Gzip files are scanned whole; stdin is read
  by the main thread.`;

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('Scan log files, directories (recursively), .gz rotated logs or stdin once, and report the SendGrid authentication rejections per service.')
    .argument('[paths...]', 'files or directories; - or nothing (with piped input) reads stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(SCAN_FORMATS).default('table'))
    .option('--db <path>', `SQLite database the detections are stored in (default: the config's database.path, else ${DEFAULT_DB_PATH})`)
    .option('-c, --config <file>', 'YAML or JSON config: service rules and detector limits')
    .option('--no-store', 'do not write the detections to the database')
    .option('--threads <n>', 'threads scanning files: a number from 1 to 64, or auto for one per CPU', '1')
    .addOption(new Option('--range-bytes <bytes>').hideHelp())
    .addHelpText('after', THREADS_HELP)
    .action(async (paths: string[], opts: ScanOptions) => {
      // The workers load their detector (~0.1 s) while this thread loads the scan's modules.
      const threads = parseThreads(opts.threads);
      const pool = threads > 1 ? new WorkerPool(threads, workerSetup(opts, ctx.io.env), { mainThreadJoins: true }) : undefined;
      pool?.warmUp(workersWorthStarting(paths, threads));
      try {
        const { scan } = await import('./scan-run.js');
        ctx.exit(await scan(paths, opts, ctx, pool));
      } finally {
        await pool?.close();
      }
    });
}

/**
 * Workers the inputs will likely keep busy besides this thread: a file takes one lane, a file
 * large enough to be cut into ranges or a directory takes them all, stdin none (read here). A
 * guess made before the inputs are listed or the config read: the pool starts more workers if
 * the tasks need them, and stops unused ones at the end.
 */
function workersWorthStarting(paths: readonly string[], threads: number): number {
  let lanes = 0;
  for (const p of paths) {
    if (p === '-') continue;
    try {
      const st = statSync(p);
      lanes += st.isDirectory() || st.size >= MIN_SPLIT_BYTES ? threads : 1;
    } catch {
      // Reported when the scan reaches it.
    }
  }
  return Math.max(0, Math.min(threads, lanes) - 1);
}

/** What a worker needs to build the scan's detector: the config, loaded again there. */
const workerSetup = (opts: ScanOptions, env: Readonly<Record<string, string | undefined>>): WorkerSetup => ({
  configPath: opts.config,
  env: opts.config ? { ...env } : {},
});


import { open } from 'node:fs/promises';
import type { Detection, Detector, ScanStats } from '../contracts.js';
import { newScanStats } from '../contracts.js';
import type { EventStore } from '../store/events.js';
import { isGzipFile } from '../sources/file-chunks.js';
import { DetectionSink } from './detection-sink.js';
import { FileAssembly, type RangeCounts } from './file-assembly.js';
import { planRanges, plainFileStream, rangeCount, type PlanOptions } from './range-plan.js';
import { runTask } from './range-scan.js';
import type { ScanTask, WorkerMessage } from './scan-task.js';
import type { TaskChannel } from './task-channel.js';
import type { WorkerPool } from './worker-pool.js';

/** What `scan` hands over, in the order its results must come out. */
export type ScanItem =
  | { readonly kind: 'file'; readonly path: string }
  /** Scanned by the caller itself when its turn comes (stdin). */
  | { readonly kind: 'inline'; readonly run: () => Promise<void> }
  /** A message for its turn (a path that could not be listed). */
  | { readonly kind: 'note'; readonly emit: () => void };

export interface ThreadedScanOptions extends PlanOptions {
  /** The lanes, `threads` of them; closed when the scan ends. */
  readonly pool: WorkerPool;
  readonly store: EventStore;
  /** Every stored batch of detections, in file order then line order. */
  readonly onDetections: (all: readonly Detection[]) => void;
  /** A file that could not be read, or not to its end; called in its turn. */
  readonly onFileError: (path: string, err: unknown) => void;
  /**
   * The main thread's detector, built from the same config as the workers': given, the main
   * thread joins the pool (made with mainThreadJoins) as one of its lanes, so the scan starts
   * before any worker has loaded.
   */
  readonly inlineDetector?: Detector;
}

export interface ThreadedScanResult extends RangeCounts {
  /** Totals over the files the workers scanned (not the inline items). */
  readonly stats: ScanStats;
}

type Prepared = { readonly tasks: ScanTask[]; readonly channels: Array<TaskChannel<WorkerMessage>> } | { readonly failed: unknown };

/** Files prepared (planned, their tasks queued) beyond the one being stored, per thread. */
const FILES_AHEAD_PER_THREAD = 4;

/**
 * `scan --threads N`: files go as tasks (a large plain file as several ranges) to N threads,
 * worker threads and, given `inlineDetector`, the main thread; the results are stored and
 * reported in the order a single-threaded scan produces them, with the same line numbers and
 * counters (see file-assembly.ts for why they are the same).
 */
export async function threadedScan(items: readonly ScanItem[], opts: ThreadedScanOptions): Promise<ThreadedScanResult> {
  const { pool, inlineDetector: inline } = opts;
  if (inline !== undefined) pool.join((task, post, cancelled) => runTask(task, inline, post, cancelled));
  const counts: RangeCounts = { ranges: 0, reseeded: 0, restarted: 0 };
  let lastId = 0;
  const taskId = (): number => ++lastId;
  const sink = new DetectionSink(opts.store, opts.onDetections);
  const stats = newScanStats();
  const prepared: Array<Promise<Prepared> | undefined> = [];
  let cursor = 0;
  // Planning opens files: one at a time, so tasks are queued in file order.
  let queue: Promise<unknown> = Promise.resolve();
  const prepareUpTo = (head: number): void => {
    for (; cursor < items.length && cursor <= head + opts.threads * FILES_AHEAD_PER_THREAD; cursor++) {
      const item = items[cursor];
      if (item?.kind !== 'file') continue;
      const p = queue.then(() => prepare(item.path, opts, pool, taskId, counts));
      queue = p.catch(() => undefined);
      prepared[cursor] = p;
    }
  };
  try {
    for (let i = 0; i < items.length; i++) {
      prepareUpTo(i);
      const item = items[i] as ScanItem;
      if (item.kind === 'note') item.emit();
      else if (item.kind === 'inline') await item.run();
      else {
        const job = (await prepared[i]) as Prepared;
        prepared[i] = undefined;
        if ('failed' in job) {
          opts.onFileError(item.path, job.failed);
          continue;
        }
        const outcome = await new FileAssembly({ pool, sink, counts, taskId }, job.tasks, job.channels).assemble();
        for (const k of Object.keys(stats) as Array<keyof ScanStats>) stats[k] += outcome.stats[k];
        if (outcome.error !== undefined) opts.onFileError(item.path, outcome.error);
      }
    }
  } finally {
    await pool.close();
  }
  return { stats, ...counts };
}

/**
 * Plans a file and queues its tasks: gzip and small files whole, a large plain file as ranges
 * cut at line boundaries. A file that cannot be opened fails here, as it would when the
 * single-threaded scan opens it.
 */
async function prepare(path: string, opts: ThreadedScanOptions, pool: WorkerPool, taskId: () => number, counts: RangeCounts): Promise<Prepared> {
  const whole = (gzip: boolean): ScanTask[] => [{ id: taskId(), path, gzip, stream: null, warmFrom: 0, start: 0, end: null, recordLookups: false }];
  let tasks: ScanTask[];
  try {
    if (await isGzipFile(path)) tasks = whole(true);
    else {
      const fh = await open(path, 'r');
      try {
        const { size } = await fh.stat();
        const stream = rangeCount(size, opts) > 1 ? await plainFileStream(fh, size) : undefined;
        const ranges = stream === undefined ? [] : await planRanges(fh, size, opts);
        tasks =
          stream === undefined || ranges.length < 2
            ? whole(false)
            : ranges.map((r) => ({ id: taskId(), path, gzip: false, stream, warmFrom: r.warmFrom, start: r.start, end: r.end, recordLookups: true }));
      } finally {
        await fh.close();
      }
    }
  } catch (err) {
    return { failed: err };
  }
  if (tasks.length > 1) counts.ranges += tasks.length;
  return { tasks, channels: tasks.map((t) => pool.submit(t)) };
}

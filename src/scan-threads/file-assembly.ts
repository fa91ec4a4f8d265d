import type { ScanStats } from '../contracts.js';
import { newScanStats } from '../contracts.js';
import { CorrelationCache } from './correlation-cache.js';
import type { DetectionSink } from './detection-sink.js';
import type { BatchMessage, ScanTask, WorkerMessage } from './scan-task.js';
import type { TaskChannel } from './task-channel.js';
import type { WorkerPool } from './worker-pool.js';

/** How often ranges had to be scanned again; a scan from the start would have needed none of it. */
export interface RangeCounts {
  ranges: number;
  /** Ranges scanned again with the MTA correlator's memory of a scan from the start. */
  reseeded: number;
  /** Files scanned again from their start because a range began in another state. */
  restarted: number;
}

export interface FileOutcome {
  readonly stats: ScanStats;
  /** The read error (or worker failure) that stopped the file; what came before it is stored. */
  readonly error?: Error;
}

export interface AssemblyContext {
  readonly pool: WorkerPool;
  readonly sink: DetectionSink;
  readonly counts: RangeCounts;
  readonly taskId: () => number;
}

/** A range's results stored so far, counted from the range's start. */
interface Progress {
  to: number;
  lines: number;
  stats: ScanStats;
}

type RangeEnd = { readonly next: true } | { readonly next: false; readonly error?: Error };
const NEXT: RangeEnd = { next: true };

/**
 * Puts one file's results together in file order, exactly as a scan from the start finds them.
 * The first range starts at the file's start, so it is exact. Each later range is taken only
 * when its worker reached the range start in the state the previous range ended in (compared
 * as the scanners' carriedState) and every MTA lookup it made answers as the scan from the
 * start answers it (replayed in a CorrelationCache). Otherwise the range is scanned again: with
 * that cache as its starting point, or, when the state differed, the rest of the file from its
 * start. Line numbers count on from the lines of the ranges before.
 */
export class FileAssembly {
  private linesBefore = 0;
  private readonly totals = newScanStats();
  private cache: CorrelationCache | null = null;
  private previousEnd: string | null = null;

  constructor(
    private readonly ctx: AssemblyContext,
    private readonly tasks: readonly ScanTask[],
    private readonly channels: ReadonlyArray<TaskChannel<WorkerMessage>>,
  ) {}

  async assemble(): Promise<FileOutcome> {
    for (let k = 0; k < this.tasks.length; k++) {
      const end = await this.range(k);
      if (end.next) continue;
      for (const t of this.tasks.slice(k + 1)) this.ctx.pool.cancel(t.id);
      return { stats: this.totals, ...(end.error && { error: end.error }) };
    }
    return { stats: this.totals };
  }

  private async range(k: number): Promise<RangeEnd> {
    const task = this.tasks[k] as ScanTask;
    const channel = this.channels[k] as TaskChannel<WorkerMessage>;
    const progress: Progress = { to: task.start, lines: 0, stats: newScanStats() };
    const first = await channel.next();
    if (first?.type !== 'start') return this.ended(progress, first);
    if (k === 0) this.cache = first.capacity === null ? null : new CorrelationCache(first.capacity);
    else if (first.state === null || first.state !== this.previousEnd || this.cache === null || first.capacity === null) {
      this.ctx.counts.restarted++;
      return this.restart(task, progress);
    }
    const cacheAtStart = this.cache?.clone() ?? null;
    for (;;) {
      const m = await channel.next();
      if (m?.type === 'batch') {
        if (!this.replay(m)) {
          this.ctx.counts.reseeded++;
          return this.reseed(task, cacheAtStart as CorrelationCache, progress);
        }
        this.store(m, progress, ZERO_BASE);
      } else if (m?.type !== 'start') {
        return this.ended(progress, m);
      }
    }
  }

  /** Scans the range again from its warm-up, its MTA answers now those of a scan from the start. */
  private async reseed(task: ScanTask, cacheAtStart: CorrelationCache, progress: Progress): Promise<RangeEnd> {
    this.ctx.pool.cancel(task.id);
    this.cache = cacheAtStart.clone();
    const again: ScanTask = { ...task, id: this.ctx.taskId(), seed: cacheAtStart.entries() };
    const channel = this.ctx.pool.submit(again, true);
    for (;;) {
      const m = await channel.next();
      if (m?.type === 'start') continue;
      if (m?.type !== 'batch') return this.ended(progress, m);
      if (!this.replay(m)) {
        // Cannot happen while the cache follows the correlator; if it ever does, stay exact.
        this.ctx.pool.cancel(again.id);
        this.ctx.counts.restarted++;
        return this.restart(again, progress);
      }
      // The chunks up to `progress.to` were stored from the first attempt, which read them alike.
      if (m.to > progress.to) this.store(m, progress, ZERO_BASE);
    }
  }

  /** Scans the rest of the file from the file's start, reporting from the chunk where the stored results end. */
  private async restart(task: ScanTask, progress: Progress): Promise<RangeEnd> {
    for (const t of this.tasks) this.ctx.pool.cancel(t.id);
    const channel = this.ctx.pool.submit({ ...task, id: this.ctx.taskId(), warmFrom: 0, start: progress.to, end: null, recordLookups: false }, true);
    const base = { lines: progress.lines, stats: { ...progress.stats } };
    for (;;) {
      const m = await channel.next();
      if (m?.type === 'start') continue;
      if (m?.type !== 'batch') {
        const end = this.ended(progress, m);
        return end.next ? { next: false } : end;
      }
      this.store(m, progress, base);
    }
  }

  /** Replays a batch's MTA lookups; false when one answered otherwise than a scan from the start. */
  private replay(m: BatchMessage): boolean {
    const cache = this.cache;
    if (cache === null) return m.lookups.length === 0;
    return m.lookups.every((l) => cache.replay(l));
  }

  /**
   * Stores a batch's results. `base`: lines and counters between the range start and the
   * task's start (a task restarted part-way into a range).
   */
  private store(m: BatchMessage, progress: Progress, base: { lines: number; stats: ScanStats }): void {
    const lineBase = this.linesBefore + base.lines + 1;
    this.ctx.sink.commit(
      m.detections.map((d) => ({ ...d, line: lineBase + d.line })),
      m.evidence,
    );
    progress.to = m.to;
    progress.lines = base.lines + m.lines;
    progress.stats = addStats({ ...base.stats }, m.stats);
  }

  /** The task's end (or its channel closing without one): counts the range in, and says what next. */
  private ended(progress: Progress, m: WorkerMessage | undefined): RangeEnd {
    this.linesBefore += progress.lines;
    addStats(this.totals, progress.stats);
    if (m?.type !== 'end') return { next: false, error: new Error('the scan worker stopped without finishing its work') };
    if (m.error !== undefined) return { next: false, error: Object.assign(new Error(m.error.message), m.error.code === undefined ? {} : { code: m.error.code }) };
    this.previousEnd = m.state;
    return NEXT;
  }
}

const ZERO_BASE = { lines: 0, stats: newScanStats() } as const;

function addStats(into: ScanStats, from: ScanStats): ScanStats {
  for (const k of Object.keys(into) as Array<keyof ScanStats>) into[k] += from[k];
  return into;
}

import { isRangeScannable } from '../../parsers/index.js';
import type { Detection, Detector, ScanStats, StreamScanner } from '../contracts.js';
import { newScanStats } from '../contracts.js';
import { gzipFileChunks } from '../sources/file-chunks.js';
import { nameFromPath } from '../sources/source-name.js';
import { headFingerprint } from '../sources/stream-identity.js';
import { LookupRecorder } from './lookup-recorder.js';
import { rangeChunks } from './range-chunks.js';
import type { ScanTask, WorkerMessage } from './scan-task.js';

/**
 * Runs one task in a worker: reads its bytes in the single-threaded scan's chunks, warms the
 * scanner up on the chunks before the range (reporting nothing from them), then reports what
 * each chunk of the range yields, as one batch. A read error ends the task with what was
 * reported so far, as the sequential scan keeps what it read before one.
 */
export async function runTask(task: ScanTask, detector: Detector, post: (m: WorkerMessage) => void, cancelled: () => boolean): Promise<void> {
  let run: TaskRun | undefined;
  try {
    run = new TaskRun(task, detector, post);
    if (task.gzip) {
      for await (const chunk of gzipFileChunks(task.path)) {
        if (cancelled()) break;
        run.feed(chunk);
      }
    } else {
      // Each chunk is read and fed in one synchronous step: the read area is shared by the
      // thread's scanners, so nothing may run between the two.
      for (const chunk of rangeChunks(task.path, task.warmFrom, task.end, detector.readArea?.())) {
        if (cancelled()) break;
        run.feed(chunk);
      }
    }
    if (!cancelled()) run.finish();
    post({ type: 'end', id: task.id, state: run.endState() });
  } catch (err) {
    run?.flush();
    const e = err as NodeJS.ErrnoException;
    post({ type: 'end', id: task.id, state: null, error: { message: e instanceof Error ? e.message : String(err), ...(typeof e.code === 'string' && { code: e.code }) } });
  }
}

class TaskRun {
  private scanner: StreamScanner | undefined;
  private recorder: LookupRecorder | null = null;
  /** Stream offset of the next byte fed to the scanner. */
  private offset: number;
  private begun = false;
  private statsAtStart: ScanStats = newScanStats();
  private lineAtStart = 1;
  /** A whole file's first bytes, until its first line gives the stream id. */
  private head: Buffer[] = [];
  private headBytes = 0;

  constructor(
    private readonly task: ScanTask,
    private readonly detector: Detector,
    private readonly post: (m: WorkerMessage) => void,
  ) {
    this.offset = task.warmFrom;
    if (task.stream !== null) this.open(task.stream);
  }

  feed(bytes: Buffer): void {
    if (this.scanner === undefined) {
      this.head.push(Buffer.from(bytes));
      this.headBytes += bytes.length;
      const joined = Buffer.concat(this.head, this.headBytes);
      const fp = headFingerprint(joined);
      if (fp === undefined) return;
      this.head = [];
      this.open(`file:${fp}`);
      this.take(joined);
      return;
    }
    this.take(bytes);
  }

  /** End of the bytes: a file too short for its first line still gets an id, like the sequential scan gives it. */
  finish(): void {
    if (this.scanner === undefined) {
      const joined = Buffer.concat(this.head, this.headBytes);
      const fp = headFingerprint(joined, true);
      if (fp === undefined) return;
      this.open(`file:${fp}`);
      this.take(joined);
    }
    if (!this.begun) this.begin();
    const found = this.task.end === null ? (this.scanner as StreamScanner).end() : [];
    this.report(found, true);
  }

  /** The totals so far, when the task stops on an error. */
  flush(): void {
    if (this.begun) this.report([], true);
  }

  endState(): string | null {
    return this.task.end !== null && this.scanner !== undefined ? stateOf(this.scanner) : null;
  }

  private open(stream: string): void {
    const path = this.task.path;
    this.scanner = this.detector.open({ stream, startOffset: this.task.warmFrom, startLine: 1, meta: { source: path, path, name: nameFromPath(path) } });
    if (this.task.recordLookups && isRangeScannable(this.scanner)) this.recorder = new LookupRecorder(this.scanner);
    if (this.offset === this.task.start) this.begin();
  }

  /** Feeds bytes that follow the previous ones, splitting the warm-up off at the range start. */
  private take(bytes: Buffer): void {
    const scanner = this.scanner as StreamScanner;
    let rest = bytes;
    if (!this.begun) {
      const warm = Math.min(rest.length, this.task.start - this.offset);
      if (warm > 0) {
        scanner.push(rest.subarray(0, warm));
        scanner.drainEvidence?.();
        this.offset += warm;
        rest = rest.subarray(warm);
      }
      if (this.offset < this.task.start) return;
      this.begin();
    }
    if (rest.length === 0) return;
    this.offset += rest.length;
    this.report(scanner.push(rest), false);
  }

  private begin(): void {
    const scanner = this.scanner as StreamScanner;
    this.begun = true;
    this.statsAtStart = { ...scanner.stats };
    this.lineAtStart = scanner.nextLine;
    this.recorder?.begin(this.task.seed);
    const state = this.task.end !== null || this.task.start > 0 ? stateOf(scanner) : null;
    this.post({ type: 'start', id: this.task.id, state, capacity: this.recorder?.capacity ?? null });
  }

  /** Everything one push of the range returned (a line across the range start included: it ends in the range). */
  private report(found: Detection[], always: boolean): void {
    const scanner = this.scanner;
    if (scanner === undefined) return;
    const evidence = scanner.drainEvidence?.() ?? [];
    const lookups = this.recorder?.drain() ?? [];
    if (!always && found.length === 0 && evidence.length === 0 && lookups.length === 0) return;
    const detections = found.map((d) => ({ ...d, line: d.line - this.lineAtStart }));
    const stats = { ...scanner.stats };
    for (const k of Object.keys(stats) as Array<keyof ScanStats>) stats[k] -= this.statsAtStart[k];
    this.post({ type: 'batch', id: this.task.id, detections, evidence, lookups, to: this.offset, lines: scanner.nextLine - this.lineAtStart, stats });
  }
}

/** The scanner's carried state (RangeScannable.carriedState); null when it cannot tell, and the next range then scans from the file's start. */
const stateOf = (scanner: StreamScanner): string | null => (isRangeScannable(scanner) ? scanner.carriedState() : null);

import type { CorrelationLookup } from '../../parsers/index.js';
import type { Detection, Evidence, ScanStats } from '../contracts.js';
import type { CacheEntries } from './correlation-cache.js';

/** What a worker is given once, at start: enough to build the same detector as the main thread. */
export interface WorkerSetup {
  /** The scan's --config file, loaded again in the worker (compiled service rules cannot be sent). */
  readonly configPath?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * One piece of work: a whole file, or one range of a split plain file. A range's scanner
 * starts at `warmFrom` and reports only what it finds from `start` on.
 */
export interface ScanTask {
  readonly id: number;
  readonly path: string;
  readonly gzip: boolean;
  /** The stream id; null: learnt from the file's head, as the sequential scan does. */
  readonly stream: string | null;
  readonly warmFrom: number;
  readonly start: number;
  /** Just past the last byte of the range; null: to the end of the file, which also ends the stream. */
  readonly end: number | null;
  /** Record the MTA lookups (see correlation-cache.ts): for ranges of a split file. */
  readonly recordLookups: boolean;
  /** What a scan from the start of the file keeps at `start`, when known. */
  readonly seed?: CacheEntries;
}

export type MainMessage = { readonly type: 'task'; readonly task: ScanTask } | { readonly type: 'cancel'; readonly id: number };

/** The task reached its start: its scanner state there (RangeScannable.carriedState in parsers/range-scannable.ts). */
export interface StartMessage {
  readonly type: 'start';
  readonly id: number;
  readonly state: string | null;
  /** Capacity of the scanner's MTA memory; null when its lookups cannot be recorded. */
  readonly capacity: number | null;
}

/** What was found since the previous batch, and the totals so far from the task's start. */
export interface BatchMessage {
  readonly type: 'batch';
  readonly id: number;
  /** `line` counts from 0 at the task's start; the main thread adds the lines before it. */
  readonly detections: Detection[];
  readonly evidence: Evidence[];
  readonly lookups: CorrelationLookup[];
  /** Stream offset up to which lines are complete and reported. */
  readonly to: number;
  /** Complete lines since the task's start. */
  readonly lines: number;
  /** Counters since the task's start. */
  readonly stats: ScanStats;
}

export interface EndMessage {
  readonly type: 'end';
  readonly id: number;
  /** Scanner state at the task's end, for the next range's start to be compared with. */
  readonly state: string | null;
  readonly error?: { readonly message: string; readonly code?: string };
}

export type WorkerMessage = StartMessage | BatchMessage | EndMessage;

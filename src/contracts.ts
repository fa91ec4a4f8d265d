/**
 * The small contracts between authwatch's stages. `parsers/` and `alerts/` import types from
 * here and nowhere else in `src/`; only the composition roots (CLI commands, daemon start-up)
 * import the edges themselves.
 */

/** The rejection kinds of DESIGN.md, then the pre-rejection risk. One list is the type. */
export const REJECTION_KINDS = [
  'smtp_basic_auth_2fa',
  'api_basic_auth_2fa',
  'smtp_auth_failed',
  'api_auth_failed',
] as const;
export type RejectionKind = (typeof REJECTION_KINDS)[number];
export const KINDS = [...REJECTION_KINDS, 'basic_auth_in_use'] as const;
export type Kind = (typeof KINDS)[number];

export const CHANNELS = ['smtp', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The channel a kind belongs to. A detection carries its own channel: for the rejections it is
 * this one; `basic_auth_in_use` is a risk seen on both (an SMTP login is `smtp`, a Basic or v2
 * Web API call and an Email Activity record are `api`), so its entry here is only a default.
 */
export const KIND_CHANNEL: Readonly<Record<Kind, Channel>> = {
  smtp_basic_auth_2fa: 'smtp',
  api_basic_auth_2fa: 'api',
  smtp_auth_failed: 'smtp',
  api_auth_failed: 'api',
  basic_auth_in_use: 'smtp',
};

/** How a detection's service was decided, in resolution order (DESIGN.md, "Service resolution"). */
export const SERVICE_VIA = ['rule', 'field', 'kafka-key', 'mta', 'program', 'source'] as const;
export type ServiceVia = (typeof SERVICE_VIA)[number];

/**
 * Where a line came from. `stream` names one byte stream or partition stably across restarts
 * and renames; `offset` is the byte offset of the line's first byte (files, stdin) or the
 * message offset (Kafka). (stream, offset) is the event's identity: storing it twice is a no-op.
 */
export interface Position {
  readonly stream: string;
  readonly offset: number;
}

/** Context a source knows about the bytes it hands over, used by service resolution. */
export interface RecordMeta {
  /** Source id: the config name, or the path as given on the command line, `-` for stdin. */
  readonly source: string;
  /** Short name used as the last-resort service name: a file's base name without rotation suffixes. */
  readonly name?: string;
  readonly path?: string;
  readonly topic?: string;
  readonly partition?: number;
  /** Kafka message key, decoded as UTF-8 when it is valid text. */
  readonly key?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One rejection (or risk) found in a log, already redacted. */
export interface Detection {
  readonly kind: Kind;
  readonly channel: Channel;
  /** Stable signature id, e.g. `smtp.535.basic-auth-2fa`; a metric attribute. */
  readonly signature: string;
  /** `sendgrid` when known or assumed, another provider's name when the context says so. */
  readonly provider: string;
  readonly service: string;
  readonly serviceVia: ServiceVia;
  readonly host: string | null;
  readonly program: string | null;
  /** ISO-8601 timestamp taken from the log line, or null when the line carries none. */
  readonly ts: string | null;
  /** The line carrying the signature, redacted and cut to a bounded length. */
  readonly message: string;
  /** Non-reversible fingerprint of a credential seen on the line, to tell credentials apart. */
  readonly credentialFingerprint: string | null;
  readonly source: string;
  /** 1-based line number of the signature line within its source (decompressed text for .gz). */
  readonly line: number;
  readonly position: Position;
}

/** Counters a scanner keeps; bad input is data to count, not an exception. */
export interface ScanStats {
  lines: number;
  bytes: number;
  candidates: number;
  detections: number;
  /** Lines longer than maxLineBytes: skipped with bounded memory. */
  longLines: number;
  /** Lines with NUL bytes or that are not text: skipped. */
  binaryLines: number;
  /** Candidate lines the parsers could not make sense of (e.g. broken JSON): counted, not fatal. */
  malformed: number;
}

export const newScanStats = (): ScanStats => ({
  lines: 0,
  bytes: 0,
  candidates: 0,
  detections: 0,
  longLines: 0,
  binaryLines: 0,
  malformed: 0,
});

/** A compiled pattern from the config: glob or /regex/, matched case-insensitively. */
export type Matcher = (value: string) => boolean;

/** An explicit service rule: the first rule whose every given field matches names the service. */
export interface ServiceRule {
  readonly service: string;
  readonly match: {
    readonly source?: Matcher;
    readonly path?: Matcher;
    readonly topic?: Matcher;
    readonly host?: Matcher;
    readonly program?: Matcher;
    readonly sender?: Matcher;
    readonly key?: Matcher;
  };
}

export interface DetectorOptions {
  readonly rules: readonly ServiceRule[];
  /** Structured field names (dotted paths) read for a service name, in order. */
  readonly serviceFields: readonly string[];
  /** Longest line handled; longer ones are counted and skipped. Bytes; default 1 MiB. */
  readonly maxLineBytes: number;
  /** Recent bytes per stream kept for MTA queue-id correlation. Bytes; default 8 MiB. */
  readonly lookbackBytes: number;
  /**
   * Whether recovery evidence is worth looking for now; asked per candidate line that can only
   * carry evidence, so it must be cheap (the daemon answers "is any alert open"). When false,
   * those lines (e.g. every Postfix `status=sent`) are skipped without being decoded. Default:
   * always true.
   */
  readonly evidenceWanted?: () => boolean;
}

/**
 * A successful send seen in a log (Postfix `status=sent` via SendGrid, an API `202` from
 * v3/mail/send, an SMTP `235` after an `apikey` login): the sign that a service was fixed, which
 * resolves its open alert early. Not a Detection: it is never counted, only handed to the store
 * for the alert policy.
 */
export interface Evidence {
  /** Resolved like a detection's service (same rules, fields, MTA correlation). */
  readonly service: string;
  readonly channel: Channel;
  /** Log time of the success, or the scan time when the line carries none. Epoch ms. */
  readonly at: number;
  /** What was seen, for the resolved notification, e.g. `Postfix status=sent via smtp.sendgrid.net`. */
  readonly evidence: string;
  readonly position: Position;
}

/**
 * Scans one byte stream (a file, stdin, or one Kafka partition). Holds the per-stream state:
 * the partial last line, line count, MTA correlation window, multi-line record de-duplication.
 */
export interface StreamScanner {
  /**
   * Feeds bytes that follow the previous chunk; returns the detections on the complete lines.
   * The chunk may be reused by the caller after the call returns.
   */
  push(chunk: Buffer): Detection[];
  /** End of stream: treats a trailing partial line as complete. */
  end(): Detection[];
  /** Scans one self-contained record (a Kafka message value) at the given position. */
  record(value: Buffer, offset: number, meta: RecordMeta): Detection[];
  /**
   * The same as `record` for each value in order (a fetched batch, tombstones left out),
   * appending the detections to `out`; `metaOf(i)` is asked only for values that carry some.
   * Optional: it lets a scanner check a whole batch at once.
   */
  recordRun?(values: readonly Buffer[], offsets: readonly number[], metaOf: (i: number) => RecordMeta, out: Detection[]): void;
  /**
   * The recovery evidence found since the last call (push, end and record collect it), then
   * forgets it. Optional: a scanner that finds none need not implement it.
   */
  drainEvidence?(): Evidence[];
  /** Stream offset just past the last complete line handed out; what a checkpoint may store. */
  readonly completeOffset: number;
  /** 1-based number of the next line to start; StreamInit.startLine plus the complete lines seen. */
  readonly nextLine: number;
  readonly stats: ScanStats;
}

export interface StreamInit {
  /** Stable stream id; see Position.stream. */
  readonly stream: string;
  /** Stream offset of the first byte that will be pushed (non-zero when resuming). */
  readonly startOffset: number;
  /** Line number of the first pushed line, 1-based (0 lines seen before it → 1). */
  readonly startLine: number;
  readonly meta: RecordMeta;
}

export interface Detector {
  /** Byte needles the prefilter searches for; a line containing none is never decoded. */
  readonly needles: readonly Buffer[];
  open(init: StreamInit): StreamScanner;
  /**
   * Memory to read a chunk into right before pushing it to one of this detector's scanners,
   * which then search it where it lies instead of copying it first. Valid until the next push
   * of any scanner on the thread, so the read and the push must follow each other directly.
   */
  readArea?(): Buffer;
}

// ---------------------------------------------------------------------------------------------
// Sources

export const SOURCE_TYPES = ['file', 'kafka', 'stdin'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** A run of bytes from a file or stdin, continuing the stream where the previous one ended. */
export interface ChunkBatch {
  readonly type: 'chunk';
  readonly sourceId: string;
  readonly stream: string;
  /** The stream is new or restarted from `startOffset` (first chunk, rotation, truncation). */
  readonly reset?: { readonly startOffset: number; readonly startLine: number };
  readonly bytes: Buffer;
  readonly meta: RecordMeta;
  /** Ends the stream (e.g. a rotated file fully read): flush a trailing partial line. */
  readonly eof?: boolean;
  /**
   * The source state to store with this chunk's detections, given how far the stream has been
   * fully processed (offset just past the last complete line, and the next line's number).
   * Undefined means nothing to store (one-shot scans).
   */
  readonly checkpoint?: (complete: { readonly offset: number; readonly nextLine: number }) => unknown;
}

export interface KafkaRecord {
  readonly value: Buffer | null;
  readonly offset: number;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A batch of Kafka messages from one partition. */
export interface RecordsBatch {
  readonly type: 'records';
  readonly sourceId: string;
  /** `kafka:<topic>:<partition>` */
  readonly stream: string;
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly KafkaRecord[];
  /** State to store with the detections: the next offset to read. */
  readonly checkpoint: unknown;
}

export type SourceBatch = ChunkBatch | RecordsBatch;

/**
 * Receives a batch and resolves once its detections and the source's new checkpoint are
 * committed in one SQLite transaction. A source acknowledges upstream (Kafka offset commit)
 * only after this resolves; it rejects when the store cannot write, and the source then stops
 * and retries from its last stored checkpoint.
 */
export type BatchSink = (batch: SourceBatch) => Promise<void>;
// After a rejection the pipeline forgets the stream's scanner state: the source's next chunk for
// that stream must carry `reset` from its last stored checkpoint.

/** Stored source positions, read on start so a restart resumes exactly. */
export interface CheckpointReader {
  get(sourceId: string, stream: string): unknown;
  list(sourceId: string): ReadonlyArray<{ stream: string; state: unknown }>;
}

export interface SourceHealth {
  readonly id: string;
  readonly type: SourceType;
  readonly state: 'starting' | 'running' | 'retrying' | 'stopped' | 'failed';
  readonly detail?: string;
  readonly lastBatchAt?: number;
}

export interface Source {
  readonly id: string;
  readonly type: SourceType;
  /** Runs until the signal aborts; errors are retried with backoff inside, never thrown. */
  run(sink: BatchSink, signal: AbortSignal): Promise<void>;
  health(): SourceHealth;
}

/** The slice of a pino logger the edges use, so they do not depend on pino itself. */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): Log;
}

export type Clock = () => number;

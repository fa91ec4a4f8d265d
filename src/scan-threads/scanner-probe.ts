import { createHash } from 'node:crypto';

/*
 * Reads the state a byte-stream scanner (parsers/stream-scanner.ts) carries from one line to
 * the next. Range scanning needs it to prove that a worker which started its scanner part-way
 * into a file reached its range with the same state a scan from the start has there; the
 * scanner's contract has no such method, so the probe reads its fields.
 *
 * It fails safe: every field is compared as it is, except the few known to differ only in how
 * they are counted (line numbers from another origin) or known to be unable to change anything
 * any more (a record whose lines left the lookback window, where an over-long line being
 * dropped began). A field the probe does not know is
 * compared exactly, so a changed scanner at worst makes ranges scan again from the start of the
 * file; it never changes a result.
 */

type Fields = Record<string, unknown>;

/** Fields that are not carried state: configuration, counters reported apart, the window bytes (equal by construction, checked by offsets) and the correlator (see correlation-cache.ts). */
const NOT_STATE = new Set(['init', 'config', 'stats', 'prefilter', 'detectionPrefilter', 'correlator', 'window']);

const fields = (v: unknown): Fields | undefined => (v !== null && typeof v === 'object' ? (v as Fields) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The scanner's MTA correlator: the object whose `submitter` answers lookups, and its own cache. */
export interface CorrelatorAccess {
  readonly target: Fields & { submitter: (ref: unknown, before: number) => unknown };
  readonly ownCache: Map<unknown, unknown>;
  readonly capacity: number;
}

export function correlatorOf(scanner: object): CorrelatorAccess | null {
  const c = fields((scanner as Fields).correlator);
  if (c === undefined || typeof c.submitter !== 'function' || !(c.cache instanceof Map)) return null;
  const capacity = num(c.cacheSize);
  if (capacity === undefined || !Number.isInteger(capacity) || capacity < 1) return null;
  return { target: c as CorrelatorAccess['target'], ownCache: c.cache, capacity };
}

/**
 * The scanner's carried state, serialized so that two scanners compare equal exactly when they
 * go on alike; null when it cannot be read. Line numbers count from the scanner's next line, so
 * scanners that started at different lines compare.
 */
export function carriedState(scanner: object): string | null {
  const s = scanner as Fields;
  const lineNo = num(s.lineNo);
  const window = fields(s.window);
  const windowStart = num(window?.start);
  if (lineNo === undefined || window === undefined || windowStart === undefined) return null;
  const view: Fields = {};
  for (const [k, v] of Object.entries(s)) if (!NOT_STATE.has(k)) view[k] = v;
  view.lineNo = 0;
  // The partial last line, as the copies of the chunk tails it came in: compared as one run of bytes.
  if (Array.isArray(s.carry) && s.carry.every((b) => Buffer.isBuffer(b))) view.carry = digest(Buffer.concat(s.carry));
  view.lookbackWindow = { capacity: window.capacity, start: windowStart, end: window.end };
  // Inside an over-long line, dropped up to its newline, where it started no longer matters.
  if (view.dropping === true && view.awaited === null) view.complete = 'dropping';
  normalizeRecord(view, lineNo, windowStart);
  const awaited = fields(view.awaited);
  const awaitedLine = num(awaited?.line);
  if (awaited !== undefined && awaitedLine !== undefined) view.awaited = { ...awaited, line: awaitedLine - lineNo };
  normalizeSmtp(view);
  try {
    return JSON.stringify(serialize(view, new Set()));
  } catch {
    return null;
  }
}

/**
 * A record whose last line left the lookback window (or no record at all) is reset by the next
 * candidate line, whatever it held: all such states are one.
 */
function normalizeRecord(view: Fields, lineNo: number, windowStart: number): void {
  const records = fields(view.records);
  const lastLine = num(records?.lastLine);
  const recordEnd = num(view.recordEnd);
  if (records === undefined || lastLine === undefined || recordEnd === undefined) return;
  if (lastLine === 0 || recordEnd < windowStart) {
    view.records = 'none';
    view.recordEnd = 'none';
  } else {
    view.records = { ...records, lastLine: lastLine - lineNo };
  }
}

/**
 * SMTP AUTH exchanges in progress (parsers/credentials/smtp-auth-tracker.ts) note the count of
 * examined lines since the scanner started: compared as ages instead.
 */
function normalizeSmtp(view: Fields): void {
  const signals = fields(view.signals);
  const smtp = fields(signals?.smtp);
  const tracker = fields(smtp?.tracker);
  const lines = num(tracker?.lines);
  if (signals === undefined || smtp === undefined || tracker === undefined || lines === undefined || !(tracker.pending instanceof Map)) return;
  const pending: Array<[unknown, unknown]> = [];
  for (const [conn, p] of tracker.pending as Map<unknown, unknown>) {
    const since = num(fields(p)?.since);
    if (since === undefined) return;
    pending.push([conn, { ...fields(p), since: lines - since }]);
  }
  const { lines: _lines, ...rest } = tracker;
  view.signals = { ...signals, smtp: { ...smtp, tracker: { ...rest, pending: new Map(pending) } } };
}

/** Bytes compared by their hash (a partial line may be up to maxLineBytes long). */
const digest = (v: ArrayBufferView): { bytes: number; sha256: string } => ({
  bytes: v.byteLength,
  sha256: createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('base64'),
});

/** A JSON-able image of a value: Maps and Sets keep their order (it decides what is evicted first). */
function serialize(v: unknown, seen: Set<object>): unknown {
  if (v === undefined) return { undefined: true };
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return { bigint: String(v) };
  if (typeof v === 'function' || typeof v === 'symbol') return { [typeof v]: true };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return digest(v);
  if (seen.has(v)) throw new Error('The scanner state holds a cycle.');
  seen.add(v);
  try {
    if (v instanceof Map) return { map: [...v].map(([k, x]) => [serialize(k, seen), serialize(x, seen)]) };
    if (v instanceof Set) return { set: [...v].map((x) => serialize(x, seen)) };
    if (Array.isArray(v)) return v.map((x) => serialize(x, seen));
    const out: Fields = {};
    // Nested references to the lookback window are the same window, accounted for above.
    for (const k of Object.keys(v).sort()) if (k !== 'window') out[k] = serialize((v as Fields)[k], seen);
    return out;
  } finally {
    seen.delete(v);
  }
}

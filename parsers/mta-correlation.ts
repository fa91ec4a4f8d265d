import type { LookbackWindow } from './lookback-window.js';

/** Who submitted a queued message, as the MTA logged it when the message came in. */
export interface Submitter {
  readonly sender: string | null;
  readonly authUser: string | null;
  readonly clientHost: string | null;
  readonly uid: string | null;
}

/** The service name a submitter stands for: sender, else SASL user, else client host, else uid. */
export const submitterName = (s: Submitter): string | null =>
  s.sender ?? s.authUser ?? s.clientHost ?? (s.uid !== null ? `uid:${s.uid}` : null);

/** Postfix queue ids: short hex (`4F1A2B3C4D`) or long (`4Tq1Xb2Zs9z9vXY`). */
const POSTFIX_QID_RE = /^([0-9A-F]{5,12}|[0-9A-Za-z]{12,20}): /;
/** Exim message ids after the stamp: `1rhFzX-0001Ab-3C` and the 4.97 long form. */
const EXIM_LINE_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [+-]\d{4})?(?: \[\d{1,10}\])? ([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) /;

export type QueueRef = { readonly mta: 'postfix' | 'exim'; readonly id: string };

/** The queue id of a Postfix (syslog body) or Exim (whole line) rejection, or null. */
export const queueRefOf = (line: string, syslogBody: string | null, program: string | null): QueueRef | null => {
  if (syslogBody !== null && program !== null && /postfix|smtp/i.test(program)) {
    const m = POSTFIX_QID_RE.exec(syslogBody);
    if (m?.[1] !== undefined) return { mta: 'postfix', id: m[1] };
  }
  const e = EXIM_LINE_RE.exec(syslogBody ?? line) ?? EXIM_LINE_RE.exec(line);
  if (e?.[1] !== undefined) return { mta: 'exim', id: e[1] };
  return null;
};

/** The Postfix lines that name a submitter, by what follows `<queue id>: `. */
type PostfixLine = 'from' | 'client' | 'pickup';
const POSTFIX_LINES: readonly PostfixLine[] = ['from', 'client', 'pickup'];
const POSTFIX_MARKS: Readonly<Record<PostfixLine, Buffer>> = {
  from: Buffer.from('from=<'),
  client: Buffer.from('client='),
  pickup: Buffer.from('uid='),
};
const ID_CHAR = /^[0-9A-Za-z]$/;
const FROM_RE = /: from=<([^>\s]{1,320})>/;

/** Longest submission line decoded. Bytes each side of the match; 4 KiB. */
const MAX_CONTEXT = 4096;

const field = (re: RegExp, text: string): string | null => {
  const v = re.exec(text)?.[1];
  return v === undefined || v === '' ? null : v;
};

/** Map insert with a size bound: the oldest entry goes first. */
const remember = <V>(map: Map<string, V>, key: string, value: V, max: number): void => {
  map.delete(key);
  if (map.size >= max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
};

/**
 * Where a correlator keeps the submitters it found, by queue id (`<mta>:<id>`). A kept
 * submitter answers every later lookup of its id without a search, even after its lines left
 * the lookback window; an id not kept is searched for in the window.
 */
export interface SubmitterMemory {
  get(key: string): Submitter | undefined;
  /** Called with each submitter a search found (never with a lookup's kept answer). */
  remember(key: string, s: Submitter): void;
}

/** Queue ids a correlator remembers by default. */
export const DEFAULT_SUBMITTER_MEMORY = 1024;

/** The memory a correlator has of its own: `capacity` ids; at capacity the oldest kept goes first. */
export class BoundedSubmitterMemory implements SubmitterMemory {
  private readonly kept: Map<string, Submitter>;

  /** `entries`: what to start with, oldest first, as entries() lists them. */
  constructor(
    readonly capacity = DEFAULT_SUBMITTER_MEMORY,
    entries: Iterable<readonly [string, Submitter]> = [],
  ) {
    this.kept = new Map(entries);
  }

  get(key: string): Submitter | undefined {
    return this.kept.get(key);
  }

  remember(key: string, s: Submitter): void {
    remember(this.kept, key, s, this.capacity);
  }

  /** What is kept, oldest first. */
  entries(): Array<[string, Submitter]> {
    return [...this.kept];
  }
}

/** One lookup of a queue id's submitter, as a LookupObserver sees it. */
export interface CorrelationLookup {
  /** The queue id, as `<mta>:<id>`: the key the memory keeps it under. */
  readonly key: string;
  /** Stream offset of the line that asked: a search covers the bytes before it. */
  readonly at: number;
  /** The submitter the scan goes on with, or null. */
  readonly found: Submitter | null;
  /** True when the window was searched (and a submitter found remembered); false when the memory answered. */
  readonly fresh: boolean;
}

export type LookupObserver = (lookup: CorrelationLookup) => void;

/**
 * Finds the submission lines of `ref` in the stream's recent bytes before `before` (stream
 * offset), searching raw bytes backwards and decoding only the lines found. Results are kept
 * per id (SubmitterMemory), since a deferred message is retried and rejected again and again.
 * Memory: the window plus 2 × `cacheSize` entries.
 */
export class MtaCorrelator {
  private memory: SubmitterMemory;
  private observer: LookupObserver | null = null;
  /** Ids looked up in vain, with the stream offset searched up to: later lookups search only newer bytes. */
  private readonly misses = new Map<string, number>();

  /** `cacheSize`: queue ids remembered, by the correlator's own memory and in its list of misses. */
  constructor(
    private readonly window: LookbackWindow,
    readonly cacheSize = DEFAULT_SUBMITTER_MEMORY,
  ) {
    this.memory = new BoundedSubmitterMemory(cacheSize);
  }

  /**
   * Keeps found submitters in `memory` instead of the correlator's own, from the next lookup
   * on, and hands every lookup to `observer`. A scan split into ranges (src/scan-threads/) uses
   * it to give a range the memory a scan from the start of the file has there, and to check
   * its answers against that scan's.
   */
  attach(memory: SubmitterMemory, observer: LookupObserver | null = null): void {
    this.memory = memory;
    this.observer = observer;
  }

  submitter(ref: QueueRef, before: number): Submitter | null {
    const key = `${ref.mta}:${ref.id}`;
    const kept = this.memory.get(key);
    if (kept !== undefined) {
      this.observer?.({ key, at: before, found: kept, fresh: false });
      return kept;
    }
    // A retried message is rejected again and again: after a miss, search only the newer bytes,
    // so a storm of rejections costs one window scan, not one per line.
    const searched = this.misses.get(key) ?? 0;
    const found = ref.mta === 'postfix' ? this.postfix(ref.id, before, searched) : this.exim(ref.id, before, searched);
    if (found !== null) {
      this.misses.delete(key);
      this.memory.remember(key, found);
    } else {
      remember(this.misses, key, before, this.cacheSize);
    }
    this.observer?.({ key, at: before, found, fresh: true });
    return found;
  }

  private lineOf(needle: string, before: number, after: number): string | null {
    const bytes = Buffer.from(needle, 'latin1');
    const at = this.window.lastIndexOf(bytes, before, Math.max(0, after - bytes.length));
    return at < 0 ? null : this.lineAround(at);
  }

  private lineAround(at: number): string | null {
    const line = this.window.lineAt(at, MAX_CONTEXT);
    return line === null ? null : line.bytes.toString('utf8');
  }

  /**
   * The latest `from=<`, `client=` and `uid=` lines of a Postfix queue id, in one backward walk
   * over the id's occurrences: a miss then costs one pass over the window, not one per line kind.
   */
  private postfixLines(qid: string, before: number, after: number): Partial<Record<PostfixLine, string | null>> {
    const prefix = Buffer.from(`${qid}: `, 'latin1');
    const longest = Math.max(...POSTFIX_LINES.map((k) => POSTFIX_MARKS[k].length));
    const found: Partial<Record<PostfixLine, string | null>> = {};
    let end = before;
    for (;;) {
      const at = this.window.lastIndexOf(prefix, end, Math.max(0, after - prefix.length - longest));
      if (at < 0) return found;
      end = at + prefix.length - 1;
      // `…X<qid>: ` is another, longer id.
      if (ID_CHAR.test(this.window.slice(at - 1, at).toString('latin1'))) continue;
      const tail = this.window.slice(at + prefix.length, at + prefix.length + longest);
      for (const kind of POSTFIX_LINES) {
        const mark = POSTFIX_MARKS[kind];
        const whole = prefix.length + mark.length;
        if (kind in found || at + whole > before || at < after - whole || !tail.subarray(0, mark.length).equals(mark)) continue;
        found[kind] = this.lineAround(at);
        // A sender decides the service name on its own (see postfix()).
        if (kind === 'from' && field(FROM_RE, found.from ?? '') !== null) return found;
      }
      if (POSTFIX_LINES.every((k) => k in found)) return found;
    }
  }

  private postfix(qid: string, before: number, after: number): Submitter | null {
    const { from = null, client = null, pickup = null } = this.postfixLines(qid, before, after);
    const early = field(FROM_RE, from ?? '');
    if (early !== null) return { sender: early, authUser: null, clientHost: null, uid: null };
    if (from === null && client === null && pickup === null) return null;
    const sender = field(FROM_RE, from ?? '') ?? field(/ from=<([^>\s]{1,320})>/, pickup ?? '');
    return {
      sender,
      authUser: field(/\bsasl_username=([^\s,]{1,320})/, client ?? ''),
      clientHost: field(/: client=([^\s[,]{1,253})\[/, client ?? ''),
      uid: field(/: uid=(\d{1,10})\b/, pickup ?? ''),
    };
  }

  private exim(id: string, before: number, after: number): Submitter | null {
    const line = this.lineOf(`${id} <= `, before, after);
    if (line === null) return null;
    const sender = field(/ <= ([^\s<>]{1,320}) /, line);
    return {
      sender: sender === '<>' ? null : sender,
      authUser: field(/ A=[A-Za-z0-9_-]{1,64}:([^\s]{1,320})/, line),
      clientHost: field(/ H=([^\s[(]{1,253})/, line),
      uid: field(/ U=([^\s]{1,64})/, line),
    };
  }
}

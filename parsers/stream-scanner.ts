import type { Clock, Detection, Evidence, Kind, RecordMeta, ScanStats, ServiceRule, StreamInit } from '../src/contracts.js';
import { newScanStats } from '../src/contracts.js';
import { digestOf, type StateImage } from './carried-state.js';
import type { LineFacts } from './line-analyzer.js';
import { analyzeLine } from './line-analyzer.js';
import { LookbackWindow } from './lookback-window.js';
import type { LookupObserver, SubmitterMemory } from './mta-correlation.js';
import { MtaCorrelator, submitterName } from './mta-correlation.js';
import type { NeedleSets } from './needle-sets.js';
import { chunkPrefiltersFor } from './chunk-prefilters.js';
import { hasNeedle, longLineStarts, looksBinary, prefilterFor } from './prefilter.js';
import type { RangeScannable } from './range-scannable.js';
import { alwaysOpens, RecordTracker, SHAPE_HEAD_CHARS } from './record-grouping.js';
import type { RecordStaging } from './record-staging.js';
import { recordStagingFor } from './record-staging.js';
import { credentialFingerprint, redact, redactWithSecret } from './redact.js';
import { resolveService } from './service-resolution.js';
import type { AwaitMark } from './risk/awaited-lines.js';
import { readAwaitedLines } from './risk/awaited-lines.js';
import { EvidenceCollector } from './risk/evidence-collector.js';
import type { EvidenceSeen } from './risk/stream-signals.js';
import { StreamSignals } from './risk/stream-signals.js';

const NL = 0x0a;
/** Appended to the lookback window after a message without a final newline. */
const NL_BYTE = Buffer.from([NL]);
/** Gap between two candidate lines still checked line by line for record continuation. Bytes; 64 KiB. */
const MAX_RECORD_GAP = 64 * 1024;
const NO_LINES: readonly number[] = [];
/** Tail of a record gap copied first when walking back to a record opener. Bytes; 1 KiB. */
const GAP_TAIL_BYTES = 1024;
/** The bytes `looksBinary` counts, plus NUL: a line without any of them is text. */
const CONTROL_CHAR_RE = /[\x00-\x08\x0a\x0b\x0e-\x1a\x1c-\x1f\x7f]/;

/** Everything a scanner needs, resolved from the detector's options. */
export interface ScannerConfig {
  readonly needles: readonly Buffer[];
  readonly rules: readonly ServiceRule[];
  readonly serviceFields: readonly string[];
  readonly maxLineBytes: number;
  readonly lookbackBytes: number;
  readonly maxMessageChars: number;
  readonly now: Clock;
  readonly fingerprintKey: string | undefined;
  /** The needles of lines that may carry a detection; the others can only carry evidence. */
  readonly detectionNeedles: readonly Buffer[];
  readonly evidenceWanted: () => boolean;
}

/** A decoded candidate line and what was found on it. */
interface ReadLine {
  readonly text: string;
  readonly facts: LineFacts | null;
  readonly evidence: readonly EvidenceSeen[];
}

/** Lines read only because an exchange awaited them belong to no tracked record. */
const UNTRACKED = (): boolean => true;

/** Carried states of scanners fed Kafka messages, each made equal to no other (see carriedState). */
let recordScannerStates = 0;

/** Cuts a redacted message to `max` characters, marking the cut. */
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}…`);

/**
 * One byte stream's scanner: splits lines on raw bytes, counts them exactly, decodes only the
 * lines the prefilter flags, and keeps bounded state (a partial line of at most maxLineBytes,
 * the lookback window, the record tracker, a small correlation cache).
 */
export class ByteStreamScanner implements RangeScannable {
  readonly stats: ScanStats = newScanStats();
  private readonly window: LookbackWindow;
  private readonly correlator: MtaCorrelator;
  private readonly records = new RecordTracker();
  /** What push() searches chunks for (see chunk-prefilters.ts). */
  private readonly chunkNeedles: NeedleSets;
  /** Stream offset just past the last byte pushed. */
  private offset: number;
  private complete: number;
  /** Line number the next line will have. */
  private lineNo: number;
  /** The partial last line, as copies of the chunk tails it came in. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Inside an over-long line: bytes are dropped up to the next newline. */
  private dropping = false;
  /** Stream offset just past the newline of the last line the record tracker saw. */
  private recordEnd = -1;
  /** basic_auth_in_use and evidence state (parsers/risk/). */
  private readonly signals: StreamSignals;
  private readonly evidence = new EvidenceCollector();
  /** The next line an exchange awaits (read although it has no needle), or null. */
  private awaited: AwaitMark | null = null;

  constructor(
    private readonly init: StreamInit,
    private readonly config: ScannerConfig,
  ) {
    this.offset = init.startOffset;
    this.complete = init.startOffset;
    this.lineNo = init.startLine;
    this.window = new LookbackWindow(config.lookbackBytes, init.startOffset);
    this.correlator = new MtaCorrelator(this.window);
    this.chunkNeedles = chunkPrefiltersFor(config.needles, config.detectionNeedles);
    this.signals = new StreamSignals(this.window);
  }

  drainEvidence(): Evidence[] {
    return this.evidence.drain();
  }

  get completeOffset(): number {
    return this.complete;
  }

  get nextLine(): number {
    return this.lineNo;
  }

  /**
   * The state this scanner carries from one line to the next, as a JSON string: two scanners of
   * one stream that report the same string at one offset go on to find exactly the same things.
   * A scan split into ranges (src/scan-threads/) checks with it that a scanner started part-way
   * into a file reached its range in the state a scan from the start has there. So that
   * scanners started at different lines compare, line numbers count back from the next line,
   * the partial line is a digest, and a record or an over-long line whose beginning can no
   * longer change anything is left out. Also left out: the configuration, the counters, the
   * window's bytes (the same stream's bytes up to the same offset) and the MTA memory (see
   * attachCorrelation). Meant for scanners fed with push(): one fed Kafka messages may hold
   * bytes staged outside its window, so its state equals no other.
   */
  carriedState(): string {
    const window = this.window;
    const awaited = this.awaited;
    const state: StateImage = {
      offset: this.offset,
      // Inside an over-long line, dropped up to its newline, where it started no longer matters.
      complete: this.dropping && awaited === null ? 'dropping' : this.complete,
      dropping: this.dropping,
      partial: digestOf(this.carry),
      record: this.recordState(),
      awaited: awaited === null ? null : { from: awaited.from, line: awaited.line - this.lineNo },
      signals: this.signals.state(),
      evidence: this.evidence.state(),
      window: { capacity: window.capacity, start: window.start, end: window.end },
      recordScanner: this.staging === undefined ? null : ++recordScannerStates,
    };
    return JSON.stringify(state);
  }

  get correlationCapacity(): number {
    return this.correlator.cacheSize;
  }

  /** See MtaCorrelator.attach: a range scan's MTA memory and its record of lookups. */
  attachCorrelation(memory: SubmitterMemory, observer: LookupObserver | null = null): void {
    this.correlator.attach(memory, observer);
  }

  /**
   * The record tracker's state, or 'none' when the next candidate line opens a record whatever
   * the tracker holds: no record yet, or the last one's lines left the lookback window.
   */
  private recordState(): StateImage {
    if (this.records.lastLine === 0 || this.recordEnd < this.window.start) return 'none';
    return { tracker: this.records.state(this.lineNo), end: this.recordEnd };
  }

  push(chunk: Buffer): Detection[] {
    const out: Detection[] = [];
    if (chunk.length === 0) return out;
    const chunkOffset = this.offset;
    this.offset += chunk.length;
    this.stats.bytes += chunk.length;
    this.window.append(chunk);
    const max = this.config.maxLineBytes;
    let pos = 0;

    if (this.dropping || this.carryBytes > 0) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) {
        this.extendPartial(chunk);
        return out;
      }
      if (!this.dropping) {
        const line = Buffer.concat([...this.carry, chunk.subarray(0, nl)]);
        if (line.length > max) this.stats.longLines++;
        else if (hasNeedle(line, this.config.needles)) this.candidate(line, this.complete, this.lineNo, out);
      }
      this.endLine();
      pos = nl + 1;
      this.complete = chunkOffset + pos;
    }

    const lastNl = chunk.lastIndexOf(NL);
    if (lastNl >= pos) {
      const end = lastNl + 1;
      const evidenceWanted = this.config.evidenceWanted();
      // One kernel pass gives the candidate lines, their line numbers and the line count.
      const found = this.chunkNeedles.searching(evidenceWanted).scan(chunk, pos, end);
      const long = end - 1 - pos > max ? longLineStarts(chunk, pos, end, max) : NO_LINES;
      let li = 0;
      for (let i = 0; i < found.starts.length; i++) {
        const start = found.starts[i] as number;
        while (li < long.length && (long[li] as number) < start) li++;
        // An over-long candidate is counted with the other long lines, never decoded.
        if (long[li] === start) continue;
        const lineEnd = found.ends[i] as number;
        this.candidate(chunk.subarray(start, lineEnd), chunkOffset + start, this.lineNo + (found.lineIndex[i] as number), out, !evidenceWanted);
      }
      this.stats.longLines += long.length;
      this.lineNo += found.newlines;
      this.stats.lines += found.newlines;
      pos = end;
      this.complete = chunkOffset + pos;
    }
    if (pos < chunk.length) this.extendPartial(chunk.subarray(pos));
    this.catchUp(this.complete, out);
    return out;
  }

  end(): Detection[] {
    const out: Detection[] = [];
    if (this.carryBytes > 0 && !this.dropping) {
      const line = Buffer.concat(this.carry);
      if (hasNeedle(line, this.config.needles)) this.candidate(line, this.complete, this.lineNo, out);
      this.endLine();
    } else if (this.dropping) {
      this.endLine();
    }
    this.catchUp(this.offset, out);
    this.complete = this.offset;
    return out;
  }

  record(value: Buffer, offset: number, meta: RecordMeta): Detection[] {
    this.stats.bytes += value.length;
    // Most messages hold no needle and no exchange awaits a follow-up line: staged for the
    // window, their lines counted, nothing split or decoded. Within maxLineBytes, no line of
    // theirs can be over-long.
    if (value.length <= this.config.maxLineBytes && !this.signals.wantsNext()) {
      const lines = this.recordStaging().add(this.window, value, this.config);
      if (lines >= 0) {
        this.stats.lines += lines;
        return [];
      }
    }
    // Everything below reads the window, which must hold every earlier message.
    this.staging?.flush(this.window);
    const out: Detection[] = [];
    const windowBase = this.window.end;
    this.window.append(value);
    if (value.length > 0 && value[value.length - 1] !== NL) this.window.append(NL_BYTE);
    // Messages too large to stage may still hold no needle: count their lines, long ones too.
    if (!this.signals.wantsNext() && !prefilterFor(this.config.needles).has(value)) {
      this.countRecordLines(value);
      return out;
    }
    // A message is one record: each kind is reported once per message.
    const claimed = new Set<Kind>();
    const claim = (k: Kind): boolean => (claimed.has(k) ? false : (claimed.add(k), true));
    let start = 0;
    let lineNo = 1;
    while (start < value.length) {
      let end = value.indexOf(NL, start);
      if (end === -1) end = value.length;
      this.stats.lines++;
      if (end - start > this.config.maxLineBytes) this.stats.longLines++;
      else {
        const line = value.subarray(start, end);
        const awaited = this.signals.wantsNext();
        if ((awaited || hasNeedle(line, this.config.needles)) && !this.skippable(line)) {
          const read = this.read(line, windowBase + start, !awaited);
          if (read !== null) this.emit(read, windowBase + start, lineNo, offset, meta, claim, out);
        }
      }
      start = end + 1;
      lineNo++;
    }
    return out;
  }

  recordRun(values: readonly Buffer[], offsets: readonly number[], metaOf: (i: number) => RecordMeta, out: Detection[]): void {
    for (let i = 0; i < values.length; i++) {
      // Runs of values that need no parsing are staged and checked in one kernel pass each.
      if (!this.signals.wantsNext()) {
        i = this.recordStaging().addRun(this.window, values, i, this.config.maxLineBytes, this.config, this.stats);
        if (i >= values.length) return;
      }
      for (const d of this.record(values[i] as Buffer, offsets[i] as number, metaOf(i))) out.push(d);
    }
  }

  /** Line and over-long line counts of a record that needs no parsing, as the full loop keeps them. */
  private countRecordLines(value: Buffer): void {
    for (let start = 0; start < value.length; ) {
      let end = value.indexOf(NL, start);
      if (end === -1) end = value.length;
      this.stats.lines++;
      if (end - start > this.config.maxLineBytes) this.stats.longLines++;
      start = end + 1;
    }
  }

  /** Where messages wait to enter the window (record-staging.ts); looked up by the first record(). */
  private staging: RecordStaging | undefined;

  private recordStaging(): RecordStaging {
    return (this.staging ??= recordStagingFor(this.config.needles, this.config.detectionNeedles));
  }

  private extendPartial(tail: Buffer): void {
    if (this.dropping) return;
    if (this.carryBytes + tail.length > this.config.maxLineBytes) {
      this.stats.longLines++;
      this.dropping = true;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    this.carry.push(Buffer.from(tail));
    this.carryBytes += tail.length;
  }

  private endLine(): void {
    this.carry = [];
    this.carryBytes = 0;
    this.dropping = false;
    this.lineNo++;
    this.stats.lines++;
  }

  /**
   * Decodes and reads one line starting at window offset `start`; null when it is binary.
   * `counted`: a prefilter candidate (lines read only because an exchange awaited them are not).
   */
  private read(line: Buffer, start: number, counted = true): ReadLine | null {
    if (counted) this.stats.candidates++;
    let text = line.toString('utf8');
    // Control characters decode one to one, so a text without any cannot be binary.
    if (CONTROL_CHAR_RE.test(text) && looksBinary(line)) {
      this.stats.binaryLines++;
      return null;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const found = this.signals.examine(text, start, this.config.evidenceWanted());
    const outcome = analyzeLine(text, this.config.now(), { hits: found.hits, frame: found.evidence.length > 0 });
    if (outcome.malformed) this.stats.malformed++;
    return { text, facts: outcome.kind === 'matched' ? outcome.facts : null, evidence: found.evidence };
  }

  /**
   * A candidate that can only carry evidence (no detection needle) while no evidence is wanted
   * and no exchange awaits it: dropped undecoded, as if the prefilter had not flagged it.
   */
  private skippable(line: Buffer): boolean {
    return !this.signals.wantsNext() && !this.config.evidenceWanted() && !hasNeedle(line, this.config.detectionNeedles);
  }

  /** Reads the lines before `upTo` that an exchange awaits (see readAwaitedLines). */
  private catchUp(upTo: number, out: Detection[]): void {
    const mark = this.awaited;
    if (mark === null || mark.from >= upTo) return;
    this.awaited = readAwaitedLines(this.window, mark, upTo, this.config.maxLineBytes, () => this.signals.wantsNext(), (line, start, lineNo) => {
      const read = this.read(line, start, false);
      if (read !== null) this.emit(read, start, lineNo, start, this.init.meta, UNTRACKED, out);
    });
  }

  /** `hasDetectionNeedle`: the line is known to hold a detection needle, so it is never skippable. */
  private candidate(line: Buffer, start: number, lineNo: number, out: Detection[], hasDetectionNeedle = false): void {
    this.catchUp(start, out);
    if (!hasDetectionNeedle && this.skippable(line)) return;
    const read = this.read(line, start);
    // The lines after this one are read too while an exchange awaits them.
    this.awaited = this.signals.wantsNext() ? { from: start + line.length + 1, line: lineNo + 1 } : null;
    if (read === null) {
      this.records.reset();
      this.recordEnd = -1;
      return;
    }
    this.trackRecord(read.text, start, lineNo, line.length);
    this.emit(read, start, lineNo, start, this.init.meta, (k) => this.records.claim(k), out);
  }

  /** Feeds the record tracker the lines since the last one it saw, then this one. */
  private trackRecord(text: string, start: number, lineNo: number, length: number): void {
    const t = this.records;
    const head = text.slice(0, SHAPE_HEAD_CHARS);
    if (t.lastLine !== 0 && lineNo > t.lastLine + 1 && alwaysOpens(head)) {
      // The line opens a record whatever the gap held: no need to read the gap.
      t.reset();
    } else if (t.lastLine !== 0 && lineNo > t.lastLine + 1) {
      const gapStart = this.recordEnd;
      if (gapStart < this.window.start || start - gapStart > MAX_RECORD_GAP || gapStart < 0) t.reset();
      else {
        // Walk back to the last gap line that opens a record on its own and replay from there:
        // with frequent candidates (decoys) this reads one or two lines, not the whole gap.
        // Only the gap's tail is copied first; the whole gap only when no opener is in it.
        let gap = this.window.slice(Math.max(gapStart, start - GAP_TAIL_BYTES), start);
        let base = start - gap.length;
        let n = lineNo - 1;
        let s = 0;
        let e = gap.length - 1;
        while (n > t.lastLine) {
          const nl = e <= 0 ? -1 : gap.lastIndexOf(NL, e - 1);
          if (nl < 0 && base > gapStart) {
            // The line starts before the copied tail: copy the whole gap and walk on from there.
            const shift = base - gapStart;
            gap = this.window.slice(gapStart, start);
            base = gapStart;
            e += shift;
            continue;
          }
          const ls = nl + 1;
          if (alwaysOpens(gap.subarray(ls, Math.min(e, ls + SHAPE_HEAD_CHARS)).toString('utf8'))) {
            s = ls;
            break;
          }
          e = ls - 1;
          n--;
        }
        if (n === t.lastLine) n++;
        while (s < gap.length && n < lineNo) {
          let end = gap.indexOf(NL, s);
          if (end === -1) end = gap.length;
          t.advance(n, gap.subarray(s, Math.min(end, s + SHAPE_HEAD_CHARS)).toString('utf8'));
          s = end + 1;
          n++;
        }
      }
    }
    t.advance(lineNo, head);
    this.recordEnd = start + length + 1;
  }

  private emit(
    read: ReadLine,
    windowStart: number,
    lineNo: number,
    positionOffset: number,
    meta: RecordMeta,
    claim: (k: Kind) => boolean,
    out: Detection[],
  ): void {
    const facts = read.facts;
    if (facts === null) return;
    const fresh = facts.hits.filter((h) => claim(h.signature.kind));
    if (fresh.length === 0 && read.evidence.length === 0) return;
    const submitter = facts.queueRef !== null ? this.correlator.submitter(facts.queueRef, windowStart) : null;
    const { service, via } = resolveService(
      {
        meta,
        host: facts.host,
        program: facts.program,
        jsonObjects: facts.jsonObjects,
        mtaSubmitter: submitter !== null ? submitterName(submitter) : null,
        sender: submitter?.sender ?? null,
      },
      this.config.rules,
      this.config.serviceFields,
    );
    const position = { stream: this.init.stream, offset: positionOffset };
    if (read.evidence.length > 0) this.evidence.note(read.evidence, service, facts.ts, position, this.config.now());
    if (fresh.length === 0) return;
    const redacted = redactWithSecret(read.text);
    const fingerprint = redacted.firstSecret === null ? null : credentialFingerprint(redacted.firstSecret, this.config.fingerprintKey);
    for (const hit of fresh) {
      const sig = hit.signature;
      this.stats.detections++;
      out.push({
        kind: sig.kind,
        // Per signal: basic_auth_in_use is smtp for a login and api for an HTTP call.
        channel: sig.channel,
        signature: sig.id,
        provider: sig.specific ? 'sendgrid' : facts.contextProvider,
        service: redact(service),
        serviceVia: via,
        host: facts.host === null ? null : redact(facts.host),
        program: facts.program === null ? null : redact(facts.program),
        ts: facts.ts,
        message: cut(redacted.text, this.config.maxMessageChars),
        // A risk signal fingerprints the username it read; a rejection, the line's first secret.
        credentialFingerprint: hit.credential === undefined ? fingerprint : credentialFingerprint(hit.credential, this.config.fingerprintKey),
        source: meta.source,
        line: lineNo,
        position,
      });
    }
  }
}

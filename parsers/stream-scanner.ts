import type { Clock, Detection, Kind, RecordMeta, ScanStats, ServiceRule, StreamInit, StreamScanner } from '../src/contracts.js';
import { KIND_CHANNEL, newScanStats } from '../src/contracts.js';
import type { LineFacts } from './line-analyzer.js';
import { analyzeLine } from './line-analyzer.js';
import { LookbackWindow } from './lookback-window.js';
import { MtaCorrelator, submitterName } from './mta-correlation.js';
import { candidateLineStarts, hasNeedle, looksBinary } from './prefilter.js';
import { RecordTracker, SHAPE_HEAD_CHARS } from './record-grouping.js';
import { credentialFingerprint, redact, redactWithSecret } from './redact.js';
import { resolveService } from './service-resolution.js';

const NL = 0x0a;
/** Gap between two candidate lines still checked line by line for record continuation. Bytes; 64 KiB. */
const MAX_RECORD_GAP = 64 * 1024;

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
}

/** Cuts a redacted message to `max` characters, marking the cut. */
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}…`);

/**
 * One byte stream's scanner: splits lines on raw bytes, counts them exactly, decodes only the
 * lines the prefilter flags, and keeps bounded state (a partial line of at most maxLineBytes,
 * the lookback window, the record tracker, a small correlation cache).
 */
export class ByteStreamScanner implements StreamScanner {
  readonly stats: ScanStats = newScanStats();
  private readonly window: LookbackWindow;
  private readonly correlator: MtaCorrelator;
  private readonly records = new RecordTracker();
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

  constructor(
    private readonly init: StreamInit,
    private readonly config: ScannerConfig,
  ) {
    this.offset = init.startOffset;
    this.complete = init.startOffset;
    this.lineNo = init.startLine;
    this.window = new LookbackWindow(config.lookbackBytes, init.startOffset);
    this.correlator = new MtaCorrelator(this.window);
  }

  get completeOffset(): number {
    return this.complete;
  }

  get nextLine(): number {
    return this.lineNo;
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
      const starts = candidateLineStarts(chunk, pos, lastNl + 1, this.config.needles);
      let ci = 0;
      let lineStart = pos;
      let nl = chunk.indexOf(NL, pos);
      // One indexOf per line: measured as the fastest exact newline count in Node (bench/).
      while (nl !== -1 && nl <= lastNl) {
        if (ci < starts.length && starts[ci] === lineStart) {
          ci++;
          if (nl - lineStart > max) this.stats.longLines++;
          else this.candidate(chunk.subarray(lineStart, nl), chunkOffset + lineStart, this.lineNo, out);
        } else if (nl - lineStart > max) {
          this.stats.longLines++;
        }
        this.lineNo++;
        this.stats.lines++;
        lineStart = nl + 1;
        nl = chunk.indexOf(NL, lineStart);
      }
      pos = lastNl + 1;
      this.complete = chunkOffset + pos;
    }
    if (pos < chunk.length) this.extendPartial(chunk.subarray(pos));
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
    this.complete = this.offset;
    return out;
  }

  record(value: Buffer, offset: number, meta: RecordMeta): Detection[] {
    const out: Detection[] = [];
    this.stats.bytes += value.length;
    const windowBase = this.window.end;
    this.window.append(value);
    if (value.length > 0 && value[value.length - 1] !== NL) this.window.append(Buffer.from([NL]));
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
        if (hasNeedle(line, this.config.needles)) {
          const read = this.read(line);
          if (read !== null) this.emit(read, windowBase + start, lineNo, offset, meta, claim, out);
        }
      }
      start = end + 1;
      lineNo++;
    }
    return out;
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

  /** Decodes and reads one candidate line; null when it is binary or carries no signature. */
  private read(line: Buffer): { text: string; facts: LineFacts | null } | null {
    this.stats.candidates++;
    if (looksBinary(line)) {
      this.stats.binaryLines++;
      return null;
    }
    let text = line.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const outcome = analyzeLine(text, this.config.now());
    if (outcome.malformed) this.stats.malformed++;
    return { text, facts: outcome.kind === 'matched' ? outcome.facts : null };
  }

  private candidate(line: Buffer, start: number, lineNo: number, out: Detection[]): void {
    const read = this.read(line);
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
    if (t.lastLine !== 0 && lineNo > t.lastLine + 1) {
      const gapStart = this.recordEnd;
      if (gapStart < this.window.start || start - gapStart > MAX_RECORD_GAP || gapStart < 0) t.reset();
      else {
        const gap = this.window.slice(gapStart, start);
        let n = t.lastLine + 1;
        let s = 0;
        while (s < gap.length && n < lineNo) {
          let e = gap.indexOf(NL, s);
          if (e === -1) e = gap.length;
          t.advance(n, gap.subarray(s, Math.min(e, s + SHAPE_HEAD_CHARS)).toString('utf8'));
          s = e + 1;
          n++;
        }
      }
    }
    t.advance(lineNo, text.slice(0, SHAPE_HEAD_CHARS));
    this.recordEnd = start + length + 1;
  }

  private emit(
    read: { text: string; facts: LineFacts | null },
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
    if (fresh.length === 0) return;
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
    const redacted = redactWithSecret(read.text);
    const fingerprint = redacted.firstSecret === null ? null : credentialFingerprint(redacted.firstSecret, this.config.fingerprintKey);
    for (const hit of fresh) {
      const sig = hit.signature;
      this.stats.detections++;
      out.push({
        kind: sig.kind,
        channel: KIND_CHANNEL[sig.kind],
        signature: sig.id,
        provider: sig.specific ? 'sendgrid' : facts.contextProvider,
        service: redact(service),
        serviceVia: via,
        host: facts.host === null ? null : redact(facts.host),
        program: facts.program === null ? null : redact(facts.program),
        ts: facts.ts,
        message: cut(redacted.text, this.config.maxMessageChars),
        credentialFingerprint: fingerprint,
        source: meta.source,
        line: lineNo,
        position: { stream: this.init.stream, offset: positionOffset },
      });
    }
  }
}

import type { Kind } from '../src/contracts.js';
import type { StateImage } from './carried-state.js';

/**
 * The record rule, which makes one event one detection:
 *
 * A line *continues* the record opened by an earlier line when it is
 *  - indented (space or tab): stack frames, `util.inspect` properties, pretty-printed JSON;
 *  - a closing bracket `}` `]` `)`;
 *  - a trace header: `Traceback (most recent call last):`, `Caused by:`, `During handling ...`,
 *    `The above exception ...`, `... N more`, PHP's `#0 ...`, `Stack trace:`;
 *  - an exception line (`smtplib.SMTPAuthenticationError: ...`, `javax.mail.X Exception: ...`)
 *    when the record holds a Python traceback, or the line before is a plain log line (a logger
 *    printing the message, then the exception);
 *  - an SMTP `535 `/`535-` reply line right after a `535-` line with the same framing before the
 *    code (digits aside, so timestamps may differ): the rest of a multi-line reply, never another
 *    logger's line that happens to quote a 535;
 *  - Python smtplib's debug summary `reply: retcode (535); Msg: ...` of the reply lines above it.
 * Any other line opens a new record. Within one record, each kind is reported once.
 */

export type LineShape = 'indented' | 'closer' | 'trace-header' | 'exception' | 'other';

const TRACE_HEADER_RE = /^(?:reply: retcode \(|Traceback \(most recent call last\)|Caused by:|During handling of the above|The above exception|\.\.\. \d{1,9} more|Stack trace:|#\d{1,4} )/;
const EXCEPTION_RE = /^[A-Za-z_$][\w$]{0,200}(?:\.[A-Za-z_$][\w$]{0,200}){0,30}(?:Error|Exception|Failure)(?::|$)/;
const REPLY_DASH_RE = /\b535-/;
const REPLY_RE = /\b535[ -]/;

/** The text before a reply code matched by `re`, digits folded to 0; null without a match. */
const replyFrame = (head: string, re: RegExp): string | null => {
  const m = re.exec(head);
  return m === null ? null : head.slice(0, m.index).replace(/[0-9]/g, '0');
};

export const lineShape = (head: string): LineShape => {
  const c = head.charCodeAt(0);
  if (c === 0x20 || c === 0x09) return 'indented';
  if (c === 0x7d || c === 0x5d || c === 0x29) return 'closer';
  if (TRACE_HEADER_RE.test(head)) return 'trace-header';
  if (EXCEPTION_RE.test(head)) return 'exception';
  return 'other';
};

/**
 * Whether a line opens a record whatever came before it: after such a line the tracker's state
 * depends on it alone, so the lines before it need not be read.
 */
export const alwaysOpens = (head: string): boolean => lineShape(head) === 'other' && !REPLY_RE.test(head);

/** How much of a line the shape test reads. Characters. */
export const SHAPE_HEAD_CHARS = 512;

/** Per-stream record state: bounded (a few fields and at most one entry per kind). */
export class RecordTracker {
  private kinds = new Set<Kind>();
  private sawTraceback = false;
  private prevShape: LineShape = 'other';
  /** The framing before `535-` on the previous line, digits folded; null when it had none. */
  private prevReplyFrame: string | null = null;
  /** Line number of the last line fed in, or 0 when unknown (gap too large to check). */
  lastLine = 0;

  /** Forgets everything: the next line opens a record. */
  reset(): void {
    if (this.kinds.size > 0) this.kinds.clear();
    this.sawTraceback = false;
    this.prevShape = 'other';
    this.prevReplyFrame = null;
    this.lastLine = 0;
  }

  /** Feeds the next line (its first characters suffice); returns whether it opened a record. */
  advance(lineNo: number, head: string): boolean {
    const shape = lineShape(head);
    const continues =
      this.lastLine !== 0 &&
      (shape === 'indented' ||
        shape === 'closer' ||
        shape === 'trace-header' ||
        (shape === 'exception' && (this.sawTraceback || this.prevShape === 'other')) ||
        (this.prevReplyFrame !== null && replyFrame(head, REPLY_RE) === this.prevReplyFrame));
    if (!continues) {
      // Set#clear allocates a new table even when the set is empty; done for every candidate
      // line, those tables were promoted and grew the heap by ~17 MiB over a decoy-heavy GiB.
      if (this.kinds.size > 0) this.kinds.clear();
      this.sawTraceback = false;
    }
    if (shape === 'trace-header' && head.startsWith('Traceback')) this.sawTraceback = true;
    this.prevShape = shape;
    this.prevReplyFrame = replyFrame(head, REPLY_DASH_RE);
    this.lastLine = lineNo;
    return !continues;
  }

  /**
   * What decides how the next lines group, for ByteStreamScanner.carriedState. The last line's
   * number is counted back from `nextLine`, so trackers that started at different lines compare.
   */
  state(nextLine: number): StateImage {
    return {
      kinds: [...this.kinds],
      sawTraceback: this.sawTraceback,
      prevShape: this.prevShape,
      prevReplyFrame: this.prevReplyFrame,
      lastLine: this.lastLine - nextLine,
    };
  }

  /** Records `kind` in the current record; false when the record already had it. */
  claim(kind: Kind): boolean {
    if (this.kinds.has(kind)) return false;
    this.kinds.add(kind);
    return true;
  }
}

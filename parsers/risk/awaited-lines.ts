import type { LookbackWindow } from '../lookback-window.js';

const NL = 0x0a;

/** Where reading awaited lines stopped with the exchange still waiting: the next line to read. */
export interface AwaitMark {
  /** Stream offset of the line's first byte. */
  readonly from: number;
  /** Its 1-based line number. */
  readonly line: number;
}

/**
 * Hands `each` the lines of [mark.from, upTo) (whole lines, read back from the window) while
 * `wanted()` holds. This is how a line without any needle is read: only right after a line that
 * left an exchange waiting for it (e.g. the AUTH LOGIN username after `334`), and only a few
 * (the watches' lookahead budgets). Lines over `maxLineBytes` are passed over. Returns where to
 * go on from when the exchange still waits at `upTo`, else null.
 */
export function readAwaitedLines(
  window: LookbackWindow,
  mark: AwaitMark,
  upTo: number,
  maxLineBytes: number,
  wanted: () => boolean,
  each: (line: Buffer, start: number, lineNo: number) => void,
): AwaitMark | null {
  // Bytes the window no longer holds cannot be read: the exchange is given up.
  if (mark.from < window.start) return null;
  const bytes = window.slice(mark.from, upTo);
  let s = 0;
  let lineNo = mark.line;
  while (s < bytes.length) {
    if (!wanted()) return null;
    let e = bytes.indexOf(NL, s);
    if (e === -1) e = bytes.length;
    if (e - s <= maxLineBytes) each(bytes.subarray(s, e), mark.from + s, lineNo);
    s = e + 1;
    lineNo++;
  }
  return wanted() ? { from: upTo, line: lineNo } : null;
}

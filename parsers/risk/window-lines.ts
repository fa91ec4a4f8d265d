import type { LookbackWindow } from '../lookback-window.js';

/**
 * The whole lines held in the window in [from, before), newest first, decoded. A line cut by
 * `from` (or by the window's start) is left out. Only called around a rare line (a login, a
 * Basic header), so decoding a few KiB there costs nothing next to the scan.
 */
export function linesBefore(window: LookbackWindow, before: number, maxBytes: number): string[] {
  const from = Math.max(window.start, before - maxBytes);
  if (before <= from) return [];
  // One byte more, to know whether `from` starts a line.
  const lead = from > window.start ? 1 : 0;
  const bytes = window.slice(from - lead, before);
  let start = 0;
  if (lead === 1 && bytes[0] !== 0x0a) {
    const nl = bytes.indexOf(0x0a);
    if (nl < 0) return [];
    start = nl + 1;
  } else {
    start = lead;
  }
  const text = bytes.subarray(start).toString('utf8');
  const lines = text.split('\n');
  // `before` is a line start, so the text ends with a newline and the last piece is empty.
  if (lines.at(-1) === '') lines.pop();
  return lines.reverse().map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Makes log-derived text safe to print: control characters (ANSI escapes, CR, bell) become
 * visible `\xNN` escapes so a hostile line cannot move the cursor or rewrite the screen.
 */
export function safeText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\n/g, '\\n');
}

/** Renders rows as an aligned plain-text table; cells are made safe and cut to `maxWidth`. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, maxWidth = 48): string {
  const cells = [header, ...rows].map((r) => r.map((c) => cut(safeText(c), maxWidth)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

const cut = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** `2026-03-04 10:00` in UTC: compact, sortable, and unambiguous across hosts. */
export function shortTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Escaping for log-derived text (service and host names). Each medium has its own rules; all
 * of them first make the text one line without control characters, so a name cannot start a
 * new table row, header or paragraph.
 */

/** Control characters (C0, DEL, C1) and line/paragraph separators become a space. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  // Do not cut a surrogate pair in half.
  let end = max - 1;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…`;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For HTML text and attribute values (double- or single-quoted). */
export function html(s: string): string {
  return oneLine(s).replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/**
 * For Slack mrkdwn. `&`, `<` and `>` are the characters Slack asks to escape; without it a
 * service named `<!channel>` would ping the channel. Backticks become a look-alike so a name
 * cannot close the code span it is shown in.
 */
export function slack(s: string): string {
  return oneLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, 'ˋ');
}

/**
 * For Markdown table cells and list items: backslash-escapes the characters that start
 * emphasis, code, links, HTML or entities, and `|`, which would split the cell. (Parentheses
 * only matter after `]`, which is escaped; `#`, `-` and `+` only at the start of a line, where
 * a cell or list item never puts the name.)
 */
export function markdown(s: string): string {
  return oneLine(s).replace(/[\\`*_{}[\]<>|~&!]/g, (c) => `\\${c}`);
}

/** Cells starting with these are formulas to a spreadsheet (plus tab and CR, by OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field by RFC 4180: quoted when it holds a comma, quote or line break, quotes
 * doubled. Text that a spreadsheet would run as a formula gets a leading `'`, so
 * `=HYPERLINK(...)` in a service name stays text.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // Line breaks stay (quoted, by RFC 4180); terminal escapes and other controls go, since a CSV
  // report is also printed to a terminal.
  const text = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+/g, ' ');
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** For HTML text that keeps its line breaks (a `<pre>` block). */
export function htmlBlock(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]+/g, ' ').replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

/** Escaping and trimming shared by the renderers. Log-derived text goes through these only. */

/** Control characters (C0 except tab, DEL, C1): terminal escapes and line breaks in one-line fields. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
/** ANSI escape sequences (CSI ... final byte), removed whole before stray controls are. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;

/** One line of log-derived text for a terminal, a plain-text mail or a header: no controls. */
export function oneLine(s: string): string {
  return s.replace(ANSI, '').replace(/\r\n|\r|\n/g, ' ').replace(CONTROL, '');
}

/**
 * Text safe for a mail header: CR and LF cannot get in (so no header injection), nor other
 * controls; runs of whitespace collapse.
 */
export function headerSafe(s: string, max = 200): string {
  return truncate(oneLine(s).replace(/\s+/g, ' ').trim(), max);
}

/**
 * Slack's control characters: with these escaped, `<!channel>` or `<@U1>` cannot ping and `<url|x>`
 * cannot link. Every value escaped here is one line, so terminal escapes and line breaks go too.
 */
export function slackEscape(s: string): string {
  return oneLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Cuts to at most `max` characters (UTF-16 units), ending with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - 1));
  // Do not leave half a surrogate pair behind.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** `2024-05-01T12:00:00.000Z` → `2024-05-01 12:00:00 UTC`. */
export function showTime(iso: string | null): string {
  if (iso === null) return 'unknown';
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function showList(items: readonly string[], none = 'unknown'): string {
  return items.length === 0 ? none : items.join(', ');
}

/** Guide steps are our own Markdown: `**bold**` and `` `code` `` only. To Slack mrkdwn, escaped. */
export function stepToSlack(step: string): string {
  return slackEscape(step).replace(/\*\*(.+?)\*\*/g, '*$1*');
}

/** Guide steps to HTML, escaped first. */
export function stepToHtml(step: string): string {
  return htmlEscape(step)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Guide steps to plain text: the Markdown marks go. */
export function stepToText(step: string): string {
  return step.replace(/\*\*(.+?)\*\*/g, '$1');
}

/**
 * Reads the client and server lines of SMTP debug logs, whichever client wrote them:
 *
 *   nodemailer   `[2024-03-04 10:00:00] DEBUG [Zx0bk3ydsc] C: AUTH LOGIN` / `S: 334 VXNlcm5hbWU6`
 *                (or `[Zx0bk3ydsc] [client] AUTH LOGIN` from a logger that prints the `tnx` tag)
 *   PHPMailer    `CLIENT -> SERVER: AUTH LOGIN` / `SERVER -> CLIENT: 334 VXNlcm5hbWU6`
 *   swaks        ` -> AUTH LOGIN` / `<-  334 VXNlcm5hbWU6` (`~>` / `<~` inside TLS)
 *   Ruby net-smtp `-> "AUTH LOGIN\r\n"` / `<- "334 VXNlcm5hbWU6\r\n"`
 *   Python smtplib `send: 'AUTH PLAIN AGFsaWNl...\r\n'` / `reply: b'235 2.7.0 Accepted\r\n'`
 */

export type SmtpDirection = 'client' | 'server';

export interface SmtpDialogueLine {
  readonly direction: SmtpDirection;
  /** The command or reply text, without quotes or a trailing escaped CRLF. */
  readonly payload: string;
  /** The connection tag when the client logs one (nodemailer's `[id]`), else null. */
  readonly connection: string | null;
}

// Ordered: PHPMailer's arrows contain swaks' `->`, so they are tried first.
const MARKERS: ReadonlyArray<{ readonly re: RegExp; readonly direction: SmtpDirection }> = [
  { re: /\bCLIENT -> SERVER: ?/, direction: 'client' },
  { re: /\bSERVER -> CLIENT: ?/, direction: 'server' },
  // A logger printing nodemailer's transaction tag (`[sid] [client] ...`) instead of `C:`/`S:`.
  { re: /(?:^|\s)\[([A-Za-z0-9_-]{1,40})\] \[client\] /, direction: 'client' },
  { re: /(?:^|\s)\[([A-Za-z0-9_-]{1,40})\] \[server\] /, direction: 'server' },
  { re: /(?:^|\s)(?:\[([A-Za-z0-9_-]{1,40})\]\s+)?C: /, direction: 'client' },
  { re: /(?:^|\s)(?:\[([A-Za-z0-9_-]{1,40})\]\s+)?S: /, direction: 'server' },
  { re: /(?:^|\s)[-~]> {1,3}/, direction: 'client' },
  { re: /(?:^|\s)<[-~] {1,3}/, direction: 'server' },
  { re: /\bsend: /, direction: 'client' },
  { re: /\breply: /, direction: 'server' },
];

/** Longest payload looked at. Characters; SMTP limits a command line to 512 bytes, AUTH to 12 288. */
const MAX_PAYLOAD = 16_384;

/** Splits a debug-log line into direction and payload; null when it is not an SMTP dialogue line. */
export function readSmtpDialogueLine(line: string): SmtpDialogueLine | null {
  for (const { re, direction } of MARKERS) {
    const m = re.exec(line);
    if (m === null) continue;
    const raw = line.slice(m.index + m[0].length, m.index + m[0].length + MAX_PAYLOAD);
    return { direction, payload: unquote(raw), connection: m[1] ?? null };
  }
  return null;
}

/** Drops the quoting of smtplib (`b'...'`) and net-smtp (`"..."`) and an escaped CRLF at the end. */
function unquote(raw: string): string {
  let s = raw.trim();
  const q = /^b?(['"])(.*)\1$/.exec(s);
  if (q?.[2] !== undefined) s = q[2];
  return s.replace(/(?:\\r)?\\n$/, '').trim();
}

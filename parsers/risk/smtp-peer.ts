import { readSmtpDialogueLine } from '../credentials/index.js';
import type { LookbackWindow } from '../lookback-window.js';
import { providerOfHost } from '../providers.js';
import { linesBefore } from './window-lines.js';

/** How far back a login's connection is searched for its peer. Bytes; 32 KiB (a handshake is ~1 KiB). */
const PEER_LOOKBACK_BYTES = 32 * 1024;
/** And at most this many lines. */
const PEER_LOOKBACK_LINES = 200;

/** A host name with a letter TLD; IP addresses and version numbers (`2.0.0`) are not names. */
const HOST = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,10}[A-Za-z]{2,24}`;
const HOST_RE = new RegExp(String.raw`(?<![A-Za-z0-9.-])(${HOST})(?![A-Za-z0-9-])`);

/**
 * Client lines that open a connection and name where to: nodemailer `Connection established to`
 * and `[dns] Resolved X as`, smtplib `connect: ('X', 587)`, PHPMailer `Connection: opening to X`,
 * swaks `=== Trying X:587...` / `=== Connected to X.`, net-smtp `opening connection to X`.
 */
const CONNECT_RE = /(?:Connection established to|connected to|Connection: opening to|opening connection to|=== Trying|\bconnect:|\bResolved) /i;

export type SmtpPeer = { readonly provider: string; readonly host: string } | null;

/**
 * Who the SMTP connection of a login line talks to, from the lines before it: walking back, the
 * first server greeting or EHLO reply naming a host (`220 smtp.sendgrid.net ESMTP`,
 * `250-smtp.sendgrid.net`, SendGrid's `220 SG ESMTP service ready at ismtpd....sendgrid.net`) or
 * connect line decides. A connect line without a host name (an IP) or the previous connection's
 * QUIT ends the search with "unknown" (null). With a connection tag (nodemailer's sid), only that
 * connection's lines are read, so interleaved connections do not mix.
 */
export function smtpPeerBefore(window: LookbackWindow, before: number, connection: string | null): SmtpPeer {
  const lines = linesBefore(window, before, PEER_LOOKBACK_BYTES);
  const tag = connection === null ? null : `[${connection}]`;
  for (let i = 0; i < lines.length && i < PEER_LOOKBACK_LINES; i++) {
    const line = lines[i] as string;
    if (tag !== null && !line.includes(tag)) continue;
    const connect = CONNECT_RE.exec(line);
    // smtplib also prints the greeting as `connect: (220, b'smtp.sendgrid.net ESMTP')`: the
    // first host name anywhere after the marker decides.
    if (connect !== null) return peerOf(line.slice(connect.index));
    const d = readSmtpDialogueLine(line);
    if (d === null) continue;
    if (d.direction === 'client') {
      if (/^quit\b/i.test(d.payload)) return null;
      continue;
    }
    if (!/^(?:220|250)[ -]/.test(d.payload)) continue;
    const host = HOST_RE.exec(d.payload.slice(4))?.[1];
    if (host !== undefined) return peerOf(host);
  }
  return null;
}

function peerOf(raw: string): SmtpPeer {
  const host = HOST_RE.exec(raw)?.[1];
  if (host === undefined) return null;
  return { host: host.toLowerCase(), provider: providerOfHost(host) ?? host.toLowerCase() };
}

import { isApiKeyUser } from '../../parsers/credentials/index.js';
import { encloses, PROXIMITY_LINES } from './sections.js';
import { isApiUserKey, isHostKey, isUsernameKey, prefixOf, settingsOn } from './settings.js';
import type { FileText, RuleHit } from './rule-hit.js';

const SENDGRID_SMTP = /(?<![A-Za-z0-9.-])smtp\.sendgrid\.net(?![A-Za-z0-9-]|\.[A-Za-z0-9])/i;

interface HostSetting {
  readonly line: number;
  readonly key: string;
  readonly sendgrid: boolean;
}

interface UserSetting {
  readonly line: number;
  readonly key: string;
  readonly username: string;
  /** Decided on the line itself (URL, sasl_passwd, PlainAuth with a literal host): no pairing needed. */
  readonly inlineHost?: boolean;
}

/** Key prefixes that all mean "the mail settings", so `EMAIL_HOST` pairs with `EMAIL_HOST_USER` and `SMTP_USER`. */
const MAILISH = /mail|smtp|sendgrid|sasl|relay/;

/** Whether a username key and a host key can describe one connection (see sections.ts for the rule). */
function compatible(userKey: string, hostKey: string): boolean {
  const u = prefixOf(userKey);
  const h = prefixOf(hostKey);
  return u === h || u === '' || h === '' || (MAILISH.test(u) && MAILISH.test(h));
}

/**
 * SMTP settings that sign in to smtp.sendgrid.net with a username other than `apikey`.
 *
 * Each literal username setting is paired with the nearest host setting that is in its section
 * or an enclosing one, at most PROXIMITY_LINES lines away and has a compatible key prefix (`DB_USER` never
 * pairs with `MAIL_HOST`). It is reported when that host is smtp.sendgrid.net. A username key
 * that itself names SendGrid (`SENDGRID_USERNAME`) needs no host. URLs
 * (`smtp://user:pass@smtp.sendgrid.net`), Postfix `sasl_passwd` lines and Go's
 * `smtp.PlainAuth(..., "smtp.sendgrid.net")` carry host and username on one line.
 */
export function smtpPasswordLogins(file: FileText): RuleHit[] {
  const hosts: HostSetting[] = [];
  const users: UserSetting[] = [];
  const secrets = new Map<number, Array<readonly [number, number]>>();
  const addSecret = (line: number, start: number, end: number): void => {
    const list = secrets.get(line) ?? [];
    list.push([start, end]);
    secrets.set(line, list);
  };

  file.lines.forEach((text, i) => {
    const line = i + 1;
    const settings = settingsOn(text, file.kind);
    const hostOnLine = settings.find((s) => isHostKey(s.key));
    if (SENDGRID_SMTP.test(text)) hosts.push({ line, key: hostOnLine?.key ?? '', sendgrid: true });
    else if (hostOnLine !== undefined) hosts.push({ line, key: hostOnLine.key, sendgrid: false });
    for (const s of settings) {
      if (s.literal && isUsernameKey(s.key) && !isApiUserKey(s.key)) users.push({ line, key: s.key, username: s.value });
    }
    for (const u of inlineUsers(text, file.kind, line, addSecret)) users.push(u);
  });

  const hits: RuleHit[] = [];
  for (const u of users) {
    if (isApiKeyUser(u.username)) continue;
    let host: HostSetting | undefined;
    if (u.inlineHost !== true) {
      host = nearestHost(file, hosts, u);
      const named = /sendgrid/i.test(u.key);
      if (!(host?.sendgrid ?? named)) continue;
    }
    const where = u.inlineHost === true || host === undefined || host.line === u.line ? '' : ` (host on line ${host.line})`;
    hits.push({
      kind: 'smtp_password_login',
      line: u.line,
      detail: `username "${u.username}" for smtp.sendgrid.net${where}`,
      fingerprint: null,
      secrets: secrets.get(u.line) ?? [],
    });
  }
  return hits;
}

function nearestHost(file: FileText, hosts: readonly HostSetting[], u: UserSetting): HostSetting | undefined {
  let best: HostSetting | undefined;
  let bestDistance = Infinity;
  for (const h of hosts) {
    const distance = Math.abs(h.line - u.line);
    if (distance > PROXIMITY_LINES || !compatible(u.key, h.key)) continue;
    if (!encloses(file.sections, file.sections.ids[h.line - 1], file.sections.ids[u.line - 1])) continue;
    // Ties go to the host above the username: settings are usually written host first.
    if (distance < bestDistance || (distance === bestDistance && h.line < u.line)) {
      best = h;
      bestDistance = distance;
    }
  }
  return best;
}

const URL_USERINFO = /\bsmtps?:\/\/([^:@/\s'"]{1,256})(?::([^@\s'"]{0,512}))?@([A-Za-z0-9.-]{1,253})/gi;
const SASL_PASSWD = /^\s*(\[?[A-Za-z0-9.-]{1,253}\]?(?::\d{1,5})?)\s+([^:\s]{1,256}):(\S*)/;
const STATIC_MAP = /\bstatic:([^:\s]{1,256}):(\S*)/;
const GO_PLAIN_AUTH = /PlainAuth\(\s*"[^"]*"\s*,\s*"([^"]*)"\s*,\s*("[^"]*"|[^,)]+)\s*,\s*(?:"([^"]*)"|[^,)]+)\s*\)/;
const PY_LOGIN = /\.login\(\s*(["'])([^"']{1,256})\1\s*,\s*(["'][^"']*["']|[^,)]+)/;
const NET_CREDENTIAL = /NetworkCredential\(\s*"([^"]{1,256})"\s*,\s*("[^"]*"|[^,)]+)/;

/** Usernames written in connection strings and calls rather than as `key = value`. */
function inlineUsers(text: string, kind: FileText['kind'], line: number, addSecret: (line: number, s: number, e: number) => void): UserSetting[] {
  const out: UserSetting[] = [];
  for (const m of text.matchAll(URL_USERINFO)) {
    const host = m[3] ?? '';
    if (m[2] !== undefined) {
      const start = m.index + m[0].indexOf(':', m[0].indexOf('//') + 2) + 1;
      addSecret(line, start, start + m[2].length);
    }
    if (SENDGRID_SMTP.test(host)) out.push({ line, key: 'url', username: safeDecode(m[1] ?? ''), inlineHost: true });
  }
  if (kind === 'postfix-sasl') {
    const m = SASL_PASSWD.exec(text);
    if (m !== null && !/^\s*#/.test(text)) {
      const start = m.index + m[0].length - (m[3]?.length ?? 0);
      addSecret(line, start, start + (m[3]?.length ?? 0));
      if (SENDGRID_SMTP.test(m[1] ?? '')) out.push({ line, key: 'sasl', username: m[2] ?? '', inlineHost: true });
    }
  }
  const st = kind === 'postfix-main' ? STATIC_MAP.exec(text) : null;
  if (st !== null) {
    const start = st.index + st[0].length - (st[2]?.length ?? 0);
    addSecret(line, start, start + (st[2]?.length ?? 0));
    out.push({ line, key: 'sasl_username', username: st[1] ?? '' });
  }
  const go = GO_PLAIN_AUTH.exec(text);
  if (go !== null) {
    const literalHost = go[3];
    out.push({ line, key: 'user', username: go[1] ?? '', inlineHost: literalHost !== undefined && SENDGRID_SMTP.test(literalHost) });
    if (literalHost !== undefined && !SENDGRID_SMTP.test(literalHost)) out.pop();
  }
  const py = PY_LOGIN.exec(text);
  if (py !== null) out.push({ line, key: 'user', username: py[2] ?? '' });
  const cs = NET_CREDENTIAL.exec(text);
  if (cs !== null) out.push({ line, key: 'user', username: cs[1] ?? '' });
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

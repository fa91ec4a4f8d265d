// Line makers for the benchmark inputs: background traffic (Postfix, nginx, JSON app logs), the
// rejections authwatch must find (each with the kind it must report), and decoys that mention
// authentication without being rejections. Everything is drawn from a seeded generator, so the
// same seed gives byte-identical files.

/** Mulberry32: a small, fast 32-bit generator; good enough to vary log lines. */
export const rng = (seed) => {
  queuedQids.length = 0;
  lastClientQid = null;
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789ABCDEF'[int(16)];
    return s;
  };
  return { next, int, pick, hex };
};

const HOSTS = ['mail-1', 'mail-2', 'mx-3', 'relay-4'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'shop.example'];
const APPS = ['orders', 'billing', 'signup-worker', 'search', 'gateway', 'payments'];
const PATHS = ['/api/v1/users', '/api/v1/orders/8812', '/static/app.3f9a1c.js', '/healthz', '/api/v2/search?q=shoes&page=2', '/login', '/cart/checkout'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'curl/8.5.0',
  'kube-probe/1.29',
];
const RELAYS = ['smtp.sendgrid.net[167.89.115.56]:587', 'aspmx.l.google.com[142.250.102.27]:25', 'mx.example.org[198.51.100.20]:25'];

/** Syslog stamp for second `s` of the day, `Mar  4 10:00:01` style. */
const stamp = (s) => {
  const h = String(Math.floor(s / 3600) % 24).padStart(2, '0');
  const m = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const sec = String(s % 60).padStart(2, '0');
  return `Mar  4 ${h}:${m}:${sec}`;
};
const iso = (s) => new Date(Date.UTC(2024, 2, 4) + s * 1000).toISOString();
const addr = (r) => `${r.pick(USERS)}${r.int(100)}@${r.pick(DOMAINS)}`;
const ip = (r) => `10.${r.int(256)}.${r.int(256)}.${r.int(256)}`;

/**
 * Queue ids of recent submissions. Postfix logs `QID: client=` when smtpd accepts a message and
 * `QID: from=<...>` when qmgr queues it; a rejection names a queued message, as a real deferral
 * does, so queue-id correlation finds its sender a few hundred lines back.
 */
let lastClientQid = null;
const queuedQids = [];
const rememberQid = (qid) => {
  lastClientQid = qid;
  return qid;
};
const queueQid = (r) => {
  const qid = lastClientQid ?? r.hex(10);
  lastClientQid = null;
  if (queuedQids.push(qid) > 64) queuedQids.shift();
  return qid;
};
const recentQid = (r) => (queuedQids.length > 0 ? r.pick(queuedQids) : r.hex(10));

/** One ordinary line; `s` is the log's current second. */
export const backgroundLine = (r, s) => {
  const kind = r.int(10);
  const host = r.pick(HOSTS);
  const qid = r.hex(10);
  const pid = 1000 + r.int(9000);
  if (kind < 4) {
    const t = stamp(s);
    switch (r.int(5)) {
      case 0:
        return `${t} ${host} postfix/smtpd[${pid}]: ${rememberQid(qid)}: client=web-${r.int(20)}.internal[${ip(r)}], sasl_method=PLAIN, sasl_username=${r.pick(APPS)}`;
      case 1:
        return `${t} ${host} postfix/cleanup[${pid}]: ${qid}: message-id=<${r.hex(16).toLowerCase()}@${r.pick(DOMAINS)}>`;
      case 2:
        return `${t} ${host} postfix/qmgr[${pid}]: ${queueQid(r)}: from=<${addr(r)}>, size=${500 + r.int(90000)}, nrcpt=1 (queue active)`;
      case 3:
        return `${t} ${host} postfix/smtp[${pid}]: ${qid}: to=<${addr(r)}>, relay=${r.pick(RELAYS)}, delay=${(r.next() * 3).toFixed(2)}, delays=0.01/0/0.3/0.2, dsn=2.0.0, status=sent (250 Ok: queued as ${r.hex(12)})`;
      default:
        return `${t} ${host} postfix/qmgr[${pid}]: ${qid}: removed`;
    }
  }
  if (kind < 7) {
    const day = `04/Mar/2024:${stamp(s).slice(7)} +0000`;
    return `${ip(r)} - - [${day}] "${r.pick(['GET', 'GET', 'POST'])} ${r.pick(PATHS)} HTTP/1.1" ${r.pick([200, 200, 200, 304, 404, 502])} ${r.int(60000)} "-" "${r.pick(AGENTS)}"`;
  }
  return `{"level":${r.pick([30, 30, 40])},"time":"${iso(s)}","pid":${pid},"hostname":"web-${r.int(20)}","service":"${r.pick(APPS)}","req":{"method":"POST","url":"${r.pick(PATHS)}"},"msg":"request completed","responseTime":${r.int(900)}}`;
};

/**
 * Rejections in the framings DESIGN.md lists, each alone on its line, with the kind the scan
 * must report. Both the vendor's case and upper case, so grep's alternation sees them too.
 */
const REJECTIONS = [
  ['smtp_basic_auth_2fa', (r, s) => `${stamp(s)} mail-1 postfix/smtp[1400]: ${recentQid(r)}: to=<${addr(r)}>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=2.1, delays=0.1/0/2/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[167.89.115.56] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)`],
  ['smtp_auth_failed', (r, s) => `${stamp(s)} mail-2 postfix/smtp[1401]: ${recentQid(r)}: to=<${addr(r)}>, relay=smtp.sendgrid.net[167.89.115.53]:587, delay=1.4, delays=0.1/0/1.3/0, dsn=5.7.0, status=bounced (SASL authentication failed; server smtp.sendgrid.net[167.89.115.53] said: 535 Authentication failed: Bad username / password)`],
  ['smtp_auth_failed', (r, s) => `{"level":50,"time":"${iso(s)}","service":"${r.pick(APPS)}","msg":"mail send failed","err":{"message":"Invalid login: 535 Authentication failed: Bad username / password","code":"EAUTH","command":"AUTH PLAIN"}}`],
  ['smtp_basic_auth_2fa', (r, s) => `${iso(s)} ERROR [${r.pick(APPS)}] smtplib.SMTPAuthenticationError: (535, b'Authentication failed: Basic authentication is not allowed with 2FA enabled')`],
  ['api_basic_auth_2fa', (r, s) => `{"level":50,"time":"${iso(s)}","service":"${r.pick(APPS)}","msg":"SendGrid API error","status":401,"body":"{\\"errors\\":[{\\"field\\":null,\\"message\\":\\"invalid authentication method - declined because you are using basic authentication with 2FA enabled\\"}]}"}`],
  ['api_auth_failed', (r, s) => `${iso(s)} WARN  [${r.pick(APPS)}] sendgrid: HTTP 401: The provided authorization grant is invalid, expired, or revoked`],
  ['api_auth_failed', (r, s) => `{"level":50,"time":"${iso(s)}","service":"${r.pick(APPS)}","msg":"sendgrid v3 error","status":403,"error":"Permission denied, wrong credentials"}`],
  ['smtp_auth_failed', (r, s) => `${stamp(s)} RELAY-4 APP[${r.int(9000)}]: SMTP ERROR 535 AUTHENTICATION FAILED: BAD USERNAME / PASSWORD`],
];

/** A rejection line and the kind it carries. */
export const rejectionLine = (r, s) => {
  const [kind, make] = r.pick(REJECTIONS);
  return { kind, text: make(r, s) };
};

/** Lines that say "authentication" (so a byte prefilter flags them) but are not rejections. */
const DECOYS = [
  (r, s) => `${stamp(s)} ${r.pick(HOSTS)} sshd[${r.int(9000)}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip(r)}  user=root`,
  (r, s) => `${stamp(s)} ${r.pick(HOSTS)} postfix/smtpd[${r.int(9000)}]: warning: unknown[${ip(r)}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`,
  (r, s) => `{"level":30,"time":"${iso(s)}","service":"gateway","msg":"authentication succeeded","user":"${r.pick(USERS)}","method":"oauth2"}`,
  (r, s) => `${ip(r)} - - [04/Mar/2024:${stamp(s).slice(7)} +0000] "POST /v1/authentication/token HTTP/1.1" 200 ${r.int(900)} "-" "${r.pick(AGENTS)}"`,
];

export const decoyLine = (r, s) => r.pick(DECOYS)(r, s);

/** A rejection for the store burst: not Postfix, whose queue-id lookups would dominate. */
export const burstLine = (r, s) => {
  const [kind, make] = REJECTIONS[2 + r.int(REJECTIONS.length - 2)];
  return { kind, text: make(r, s) };
};

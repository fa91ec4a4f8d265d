import type { Config } from '../config/schema.js';

/**
 * Every credential-bearing value of a config, for the log scrubber: webhook and Slack URLs
 * (their path is the token), SMTP URLs and passwords, webhook signing secrets and header values,
 * Kafka SASL passwords, the HTTP bearer token. URLs also contribute their parts, because an
 * error message may quote only the path or the decoded password.
 */
export function configSecrets(config: Readonly<Config>): string[] {
  const out: string[] = [];
  const addUrl = (raw: string | undefined): void => {
    if (raw === undefined) return;
    out.push(raw);
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return;
    }
    if (u.password) out.push(u.password, safeDecode(u.password));
    if (u.pathname.length > 1) out.push(u.pathname, `${u.host}${u.pathname}`);
    if (u.search.length > 1) out.push(u.search.slice(1));
    // The last path segment of a webhook is usually the part that cannot be guessed; short
    // ones (`/hook`) are ordinary words and are left to the whole-URL and path matches.
    const last = u.pathname.split('/').filter(Boolean).pop();
    if (last && last.length >= 12) out.push(last);
  };
  for (const r of Object.values(config.alerts?.receivers ?? {})) {
    switch (r.type) {
      case 'slack':
        addUrl(r.webhookUrl);
        break;
      case 'webhook':
        addUrl(r.url);
        if (r.secret) out.push(r.secret);
        for (const v of Object.values(r.headers ?? {})) out.push(v, v.replace(/^\s*(?:Bearer|Basic|Token)\s+/i, ''));
        break;
      case 'email':
        addUrl(r.smtpUrl);
        if (r.pass) out.push(r.pass);
        break;
      case 'console':
        break;
    }
  }
  for (const s of config.sources) if (s.type === 'kafka' && s.sasl) out.push(s.sasl.password);
  if (config.http?.token) out.push(config.http.token);
  return [...new Set(out.filter((s) => s.length > 0))];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

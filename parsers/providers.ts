/**
 * Who gave a reply, from the line's context. `sendgrid` unless the line names another server:
 * MTA lines say which server answered (`relay=`, `server X said`, `H=X [ip]`, `host X [ip]`),
 * so any other host there is "known not SendGrid" and becomes the provider. In URLs only hosts of
 * known providers count: an API client may well call SendGrid through a local proxy.
 */

export const DEFAULT_PROVIDER = 'sendgrid';

/** Host suffix → provider name; checked in order, the first suffix that fits wins. */
const KNOWN_HOSTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?:^|\.)sendgrid\.(?:net|com)$/, 'sendgrid'],
  [/^email-smtp\.[a-z0-9-]{1,32}\.amazonaws\.com$|(?:^|\.)amazonses\.com$/, 'ses'],
  [/(?:^|\.)(?:gmail|googlemail|google)\.com$/, 'gmail'],
  [/(?:^|\.)(?:office365|outlook|office)\.com$/, 'office365'],
  [/(?:^|\.)mailgun\.(?:org|net)$/, 'mailgun'],
  [/(?:^|\.)sparkpostmail\.com$/, 'sparkpost'],
  [/(?:^|\.)postmarkapp\.com$/, 'postmark'],
  [/(?:^|\.)mailjet\.com$/, 'mailjet'],
  [/(?:^|\.)mandrillapp\.com$/, 'mandrill'],
  [/(?:^|\.)zoho\.(?:com|eu)$/, 'zoho'],
  [/(?:^|\.)github\.com$/, 'github'],
];

export const providerOfHost = (host: string): string | null => {
  const h = host.toLowerCase().replace(/\.$/, '');
  for (const [re, name] of KNOWN_HOSTS) if (re.test(h)) return name;
  return null;
};

/** Server names an MTA line gives for the peer that answered. */
const MTA_SERVER_RES: readonly RegExp[] = [
  /\bserver ([A-Za-z0-9.-]{1,253})\[[0-9A-Fa-f.:]{1,45}\] said:/,
  /\brelay=([A-Za-z0-9.-]{1,253})\[[0-9A-Fa-f.:]{1,45}\]/,
  /\bH=([A-Za-z0-9.-]{1,253}) (?:\([^)]{0,255}\) )?\[[0-9A-Fa-f.:]{1,45}\]/,
  /\bhost ([A-Za-z0-9.-]{1,253}) \[[0-9A-Fa-f.:]{1,45}\]/,
];

const URL_HOST_RE = /\bhttps?:\/\/(?:[^\s/@'"]{1,256}@)?([A-Za-z0-9.-]{1,253})/gi;
/** Hosts SMTP clients print in their own words (`connect to smtp.gmail.com:587`). */
const SMTP_HOST_RE = /\b((?:smtp|email-smtp|mail|smtp-relay)\.[A-Za-z0-9.-]{1,240}\.[a-z]{2,24})\b/gi;

/** The provider the line's context names, or null when it names none. */
export const providerFromContext = (text: string): string | null => {
  for (const re of MTA_SERVER_RES) {
    const m = re.exec(text);
    const host = m?.[1];
    if (host !== undefined) return providerOfHost(host) ?? host.toLowerCase();
  }
  for (const re of [URL_HOST_RE, SMTP_HOST_RE]) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const known = providerOfHost(m[1] ?? '');
      if (known !== null) return known;
    }
  }
  return null;
};

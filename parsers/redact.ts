import { createHmac } from 'node:crypto';

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Domain separation for the fingerprint HMAC when no per-install key is configured. */
const DEFAULT_FINGERPRINT_KEY = 'authwatch/credential-fingerprint/v1';

/**
 * A short, non-reversible fingerprint of a credential: HMAC-SHA256 keyed with a per-install
 * secret (or the fixed domain-separation string), first 12 hex characters. Tells credentials
 * apart without storing them.
 */
export const credentialFingerprint = (secret: string, key: string = DEFAULT_FINGERPRINT_KEY): string =>
  createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, 12);

/**
 * One secret shape. `keep` is the group that stays (label, separator); `secret` is the group
 * that is replaced. Quantifiers are bounded so the patterns stay linear on bounded lines.
 * `hint` is a literal every match contains: most texts lack it, and testing it is far cheaper
 * than the pattern. `[REDACTED]` contains no hint, so a replacement never creates one.
 */
interface SecretRule {
  readonly name: string;
  readonly hint: RegExp;
  readonly pattern: RegExp;
}

// Names whose value is a secret, optionally behind a prefix such as `smtp_` or `MAIL_`.
const SECRET_NAMES = String.raw`(?:[A-Za-z0-9]{1,24}[_-])?(?:password|passwd|pass|pwd|secret|api[_-]?key|api_user|access[_-]?token|auth[_-]?token|token)`;
// A word each of those names contains.
const SECRET_NAME_HINT = /pass|pwd|secret|key|api_user|token/i;
// A quote behind up to seven backslashes (JSON escaped up to three times over), or none.
const OQ = String.raw`(?:\\{0,7}["'])?`;

const RULES: readonly SecretRule[] = [
  // SendGrid API keys: SG.<22 chars>.<43 chars>; lengths left loose for truncated copies.
  { name: 'sendgrid-key', hint: /SG\./, pattern: /()(SG\.[A-Za-z0-9_-]{8,64}\.[A-Za-z0-9_-]{8,128})/g },
  // Authorization headers in dumps, key=value and JSON, with the scheme kept for the reader; also
  // right after an escaped line break (`...\r\nAuthorization: Basic ...` in http.client dumps).
  {
    name: 'authorization',
    hint: /authorization/i,
    pattern: new RegExp(
      String.raw`((?:\b|(?<=\\[nrt]))authorization${OQ} {0,3}[:=] {0,3}${OQ}\[? {0,3}${OQ} {0,3}(?:Basic|Bearer|Token)\s{1,5})([A-Za-z0-9+/=._~-]{1,4096})`,
      'gi',
    ),
  },
  // SMTP AUTH with the initial response on the command line.
  {
    name: 'smtp-auth',
    hint: /auth /i,
    pattern: /(\bAUTH {1,3}(?:PLAIN|LOGIN|XOAUTH2|CRAM-MD5) {1,3})([A-Za-z0-9+/=]{4,4096})/gi,
  },
  // The lone base64 lines a client sends after `334` prompts, as debug logs show them:
  // nodemailer `C: dXNlcm5hbWU=` (or `[client] ...`), smtplib `send: 'dXNlcm5hbWU=\r\n'`, swaks
  // `~> dXNl...`, PHPMailer `CLIENT -> SERVER: dXNl...`.
  {
    name: 'smtp-auth-continuation',
    hint: /c:|\[client\]|send:|~>|->|>>>/i,
    pattern: /((?:\bC:|\[client\]|CLIENT -> SERVER:|\bsend:|~>|->|>>>) {0,3}b?['"]?)([A-Za-z0-9+/]{4,4096}={0,2})(?=(?:\\r\\n)?['"]? {0,3}$)/gim,
  },
  // user:password@ in URLs; the user name stays (it tells `apikey` from an account name).
  {
    name: 'url-userinfo',
    hint: /:\/\//,
    pattern: /(\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/:@'"]{1,256}:)([^\s/@'"]{1,256})(?=@)/gi,
  },
  // name=value / name: value / "name":"value", quoted values first so spaces inside are covered.
  {
    name: 'named-quoted',
    hint: SECRET_NAME_HINT,
    pattern: new RegExp(String.raw`((?<![A-Za-z0-9])${SECRET_NAMES}\\{0,7}["'] {0,3}[:=] {0,3}\\{0,7}["'])([^"'\\]{1,512})`, 'gi'),
  },
  {
    name: 'named-bare',
    hint: SECRET_NAME_HINT,
    pattern: new RegExp(String.raw`((?<![A-Za-z0-9])${SECRET_NAMES} {0,3}[:=] {0,3})([^\s"'&,;}\\\]\[)]{1,512})`, 'gi'),
  },
];

export interface RedactedText {
  readonly text: string;
  /** The first secret on the original text (by position), or null; never leaves the parser. */
  readonly firstSecret: string | null;
}

const isPlaceholder = (value: string): boolean => value === REDACTED || value.startsWith('[REDACTED');

/**
 * Replaces every secret shape with `[REDACTED]` and reports the first secret by position, for
 * the fingerprint. Applied to every text a detection carries.
 */
export const redactWithSecret = (text: string): RedactedText => {
  const rules = RULES.filter((rule) => rule.hint.test(text));
  if (rules.length === 0) return { text, firstSecret: null };
  let first: { index: number; value: string } | null = null;
  for (const rule of rules) {
    rule.pattern.lastIndex = 0;
    for (const m of text.matchAll(rule.pattern)) {
      const value = m[2] ?? '';
      if (value === '' || isPlaceholder(value)) continue;
      const index = (m.index ?? 0) + (m[1]?.length ?? 0);
      if (first === null || index < first.index) first = { index, value };
      break;
    }
  }
  let out = text;
  for (const rule of rules) {
    out = out.replace(rule.pattern, (whole: string, keep: string, secret: string) =>
      isPlaceholder(secret) ? whole : keep + REDACTED,
    );
  }
  return { text: out, firstSecret: first?.value ?? null };
};

/** `redactWithSecret` without the secret: for any text that leaves the parser. */
export const redact = (text: string): string => redactWithSecret(text).text;

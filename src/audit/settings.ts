import type { FileKind } from './file-kind.js';

/** One `key = value` style setting found on a line. */
export interface Setting {
  /** The key as written, e.g. `MAIL_USERNAME`, `spring.mail.username`, `Username`. */
  readonly key: string;
  /** The value without its quotes; escapes are kept as written. */
  readonly value: string;
  /** True when the value is a literal (quoted, or a plain value in a configuration file) rather than a reference. */
  readonly literal: boolean;
  /** UTF-16 index of the value (inside its quotes) on the line. */
  readonly index: number;
}

const VALUE = String.raw`("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\x60(?:[^\x60\\]|\\.)*\x60|[^\s,;#}\])]+)`;

// `KEY=v`, `key: v`, `"key": "v"`, `$obj->Key = 'v'`, `:key => 'v'`, `key := "v"`, `export KEY=v`.
const ASSIGNMENT = new RegExp(
  String.raw`(?:^|[\s{,;(\[:>])(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*(=>|:=|=|:)(?!=)\s*${VALUE}`,
  'g',
);
// Java/Kotlin/C# property bags: `props.put("mail.smtp.user", "v")`, `setProperty('k', 'v')`.
const PUT_CALL = new RegExp(String.raw`\b(?:put|setProperty|set|add|Add)\(\s*["']([\w.-]+)["']\s*,\s*${VALUE}`, 'g');
// Setters: `setUsername("v")`, `setHost("v")`.
const SETTER = new RegExp(String.raw`\bset(Username|UserName|User|Host|Password)\(\s*${VALUE}`, 'g');

/** A value that points elsewhere (environment, template) instead of holding the credential. */
const REFERENCE = /^\$|\$\{|\{\{|%\(|^<.*>$|\bENV\[|process\.env|os\.environ|getenv|System\.getenv/i;

/** Every setting on a line, in order of position. */
export function settingsOn(line: string, kind: FileKind): Setting[] {
  const out: Setting[] = [];
  const push = (key: string, raw: string, rawIndex: number): void => {
    const quoted = /^(["'`]).*\1$/s.test(raw) && raw.length >= 2;
    const value = quoted ? raw.slice(1, -1) : raw;
    const literal = (quoted || kind !== 'code') && value !== '' && !REFERENCE.test(value);
    out.push({ key, value, literal, index: rawIndex + (quoted ? 1 : 0) });
  };
  for (const re of [ASSIGNMENT, PUT_CALL, SETTER]) {
    re.lastIndex = 0;
    for (const m of line.matchAll(re)) {
      const raw = m[re === ASSIGNMENT ? 3 : 2];
      const key = m[1];
      if (raw === undefined || key === undefined) continue;
      push(re === SETTER ? key.toLowerCase() : key, raw, m.index + m[0].length - raw.length);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The last segment of a dotted or arrowed key, lower-cased: `spring.mail.username` → `username`. */
export const leafOf = (key: string): string => (key.split(/\.|->/).pop() ?? key).toLowerCase();

/** The key without its leaf, normalised: `spring.mail.username` → `spring.mail`, `MAIL_USERNAME` → `mail`. */
export function prefixOf(key: string): string {
  const k = key.toLowerCase();
  const dotted = k.lastIndexOf('.');
  if (dotted >= 0) return k.slice(0, dotted);
  const m = /^(.*?)[_-]?(?:user_?name|user|login|host_?name|host|server|address|relayhost|smarthost)$/.exec(k);
  return m?.[1] ?? '';
}

const USERNAME_LEAF = /(?:^|[_-])(?:user|username|user_name|login|authuser|auth_user)$|^(?:user|username|user_name|login|sasl_username)$/;
const HOST_LEAF = /(?:host|hostname|server|address|relayhost|smarthost)$/;

/** Whether a key names an SMTP username: `user`, `MAIL_USERNAME`, `spring.mail.username`, `EMAIL_HOST_USER`, `Username`. */
export const isUsernameKey = (key: string): boolean => USERNAME_LEAF.test(leafOf(key));

/** Whether a key names a host: `host`, `MAIL_HOST`, `spring.mail.host`, `relayhost`, `address` (Rails). */
export const isHostKey = (key: string): boolean => HOST_LEAF.test(leafOf(key));

/** Whether a key names a v2 API user: `api_user`, `SENDGRID_API_USER`. */
export const isApiUserKey = (key: string): boolean => /api_?user$/.test(leafOf(key));

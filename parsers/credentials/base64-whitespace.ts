/**
 * SMTP is line-oriented: a base64 credential with a line break or a space inside (typically the
 * 76-column wrapping of `base64`, or a trailing newline from `echo`) breaks the login. These
 * functions recognise such values without decoding them.
 */

/** What the encoded value is, judged from its first characters only (never decoded). */
export type EncodedCredential = 'api_key' | 'apikey_username' | 'unknown';

export interface Base64WhitespaceHit {
  readonly encodes: EncodedCredential;
  /** Whitespace found: real or escaped (`\n`, `\r`, `\t`) line breaks, tabs, spaces. */
  readonly whitespace: ReadonlyArray<'newline' | 'space' | 'tab'>;
  /** The value with the whitespace taken out, for a fingerprint; as secret as the value itself. */
  readonly compact: string;
}

/** Shortest compacted value considered, and shortest piece between whitespace. Characters. */
const MIN_BASE64_CHARS = 16;

/** Shortest value taken for an encoded API key: a 69-character key encodes to 92. Characters. */
const MIN_ENCODED_KEY_CHARS = 88;

// `base64("SG.")` is `U0cu` and `base64("apikey")` is `YXBpa2V5`: the prefix tells what is
// encoded without decoding any secret byte.
const ENCODED_KEY_PREFIX = 'U0cu';
const ENCODED_APIKEY = 'YXBpa2V5';

const WHITESPACE = /\\[nrt]|[ \t\r\n]/g;

/**
 * A base64 value (as written in a config file or a log, possibly spread over several lines or
 * carrying escaped `\n`) that has whitespace inside or at its end. Leading whitespace is
 * ignored: it is the file's indentation, not part of the value. Null for clean values and for
 * anything that is not base64 once the whitespace is out.
 */
export function findBase64Whitespace(value: string): Base64WhitespaceHit | null {
  const trimmed = value.replace(/^[ \t\r\n]+/, '');
  const kinds = new Set<'newline' | 'space' | 'tab'>();
  for (const m of trimmed.matchAll(WHITESPACE)) {
    const w = m[0];
    kinds.add(w === ' ' ? 'space' : w === '\t' || w === '\\t' ? 'tab' : 'newline');
  }
  if (kinds.size === 0) return null;
  const compact = trimmed.replace(WHITESPACE, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  const encodes = encodedKind(compact);
  if (encodes === 'apikey_username') return { encodes, whitespace: [...kinds], compact };
  if (compact.length < (encodes === 'api_key' ? MIN_ENCODED_KEY_CHARS : MIN_BASE64_CHARS)) return null;
  // Base64 of printable text has ~6 bits of entropy per char: a long run of one case or of
  // digits only is a word or a number, not an encoding.
  if (!/[A-Z]/.test(compact) || !/[a-z]/.test(compact)) return null;
  // A broken encoding is long runs cut by whitespace (wrapped at 64 or 76 columns, or split
  // once); prose has short words. Every piece but the last must be a long run.
  const pieces = trimmed.split(WHITESPACE).filter((p) => p !== '');
  if (pieces.slice(0, -1).some((p) => p.length < MIN_BASE64_CHARS)) return null;
  return { encodes, whitespace: [...kinds], compact };
}

/** What a compact base64 value encodes, from its prefix. */
export function encodedKind(compact: string): EncodedCredential {
  if (compact.startsWith(ENCODED_KEY_PREFIX)) return 'api_key';
  if (compact === ENCODED_APIKEY || compact === `${ENCODED_APIKEY}Cg==`) return 'apikey_username';
  return 'unknown';
}

/**
 * Whether the encoded bytes end in a line break (`echo "$KEY" | base64` encodes the newline
 * `echo` adds). Only the last 4-character group is decoded (the final 1 to 3 bytes), and those
 * bytes are wiped before returning.
 */
export function encodesTrailingNewline(compact: string): boolean {
  if (compact.length < 4 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return false;
  const tail = Buffer.from(compact.slice(-4), 'base64');
  try {
    const last = tail[tail.length - 1];
    return last === 0x0a || last === 0x0d;
  } finally {
    tail.fill(0);
  }
}

/** Width at which `base64` (GNU coreutils) and many tools wrap their output. Characters. */
export const BASE64_WRAP_COLUMNS = 76;

/**
 * Whether a line is one full row of wrapped base64 output: exactly 76 base64 characters after
 * trimming. Two such rows in a row, or one followed by a shorter base64 line, is a value that was
 * copied with its line breaks.
 */
export const isWrappedBase64Row = (line: string): boolean => {
  const t = line.trim();
  return t.length === BASE64_WRAP_COLUMNS && /^[A-Za-z0-9+/]+$/.test(t);
};

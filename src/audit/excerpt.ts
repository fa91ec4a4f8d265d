import { redact, REDACTED } from '../../parsers/index.js';
import { safeText } from '../output/terminal.js';

/** Longest excerpt printed. Characters; long enough to show a key and its value's shape. */
export const MAX_EXCERPT_CHARS = 160;

// Secrets passed by position rather than by name, which the shared redaction cannot know:
// `login("user", "pw")`, `NetworkCredential("user", "pw")`, `PlainAuth("", "user", "pw", host)`,
// `auth=("user", "pw")`, `HTTPBasicAuth("user", "pw")`, `SetBasicAuth("user", "pw")`.
const SECOND_ARGUMENT = /(\b(?:login|NetworkCredential|auth\s*=\s*|HTTPBasicAuth|SetBasicAuth)\s*\(\s*(?:"[^"]*"|'[^']*'|[^,()]+)\s*,\s*)("[^"]*"|'[^']*'|[^,()\s]+)/g;
const GO_PLAIN_AUTH = /(PlainAuth\(\s*"[^"]*"\s*,\s*(?:"[^"]*"|[^,()]+)\s*,\s*)("[^"]*"|[^,()\s]+)/g;
// curl `-u user:pw`, Postfix `static:user:pw`, PHP `CURLOPT_USERPWD, "user:pw"`.
const USER_COLON_PASSWORD = /((?:(?:^|\s)(?:-u|--user)\s+["']?|\bstatic:|CURLOPT_USERPWD\s*,\s*["'])[^:\s"']{1,256}:)([^\s"']+)/g;
// PHP and Ruby hashes: `'api_key' => 'v'`, `:password => "v"`.
const ARROW_SECRET = /((?:password|passwd|pass|pwd|secret|api_?key|token)["']?\s*=>\s*["'])([^"']{1,512})/gi;
// Anything that looks like a token: 20+ characters of the base64/base64url alphabets with at
// least one digit and one letter. Catches encoded values and raw secrets the rules above miss.
const TOKEN_LIKE = /(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*[0-9])(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/_-])/g;

/**
 * The printable, secret-free form of a line: the rule's own secret ranges are masked first,
 * then the shared redaction (keys, Authorization, `password=`, URL userinfo), then the
 * positional forms above and token-like runs; control characters are escaped and the result is
 * cut to MAX_EXCERPT_CHARS.
 */
export function excerptOf(line: string, secrets: ReadonlyArray<readonly [number, number]>): string {
  let text = line;
  for (const [start, end] of [...secrets].sort((a, b) => b[0] - a[0])) {
    if (end > start) text = text.slice(0, start) + REDACTED + text.slice(end);
  }
  text = redact(text)
    .replace(SECOND_ARGUMENT, (_m, keep: string) => keep + REDACTED)
    .replace(GO_PLAIN_AUTH, (_m, keep: string) => keep + REDACTED)
    .replace(USER_COLON_PASSWORD, (_m, keep: string) => keep + REDACTED)
    .replace(ARROW_SECRET, (_m, keep: string) => keep + REDACTED)
    .replace(TOKEN_LIKE, REDACTED);
  const safe = safeText(text.trim());
  return safe.length <= MAX_EXCERPT_CHARS ? safe : `${safe.slice(0, MAX_EXCERPT_CHARS - 1)}…`;
}

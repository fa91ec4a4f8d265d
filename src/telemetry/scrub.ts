/**
 * The last line of defence for the daemon's own log output: every serialized log line passes
 * through a scrubber before it is written. pino's path redaction covers fields whose name says
 * "secret"; this covers the values themselves, wherever they end up (an error message quoting a
 * URL, a library's debug line, a field with an unexpected name).
 */

/** What a scrubbed value is replaced with; the same placeholder as the detection redaction. */
export const SCRUBBED = '[REDACTED]';

/** Values shorter than this are not scrubbed by value: too likely to hit ordinary words. Characters. */
const MIN_SECRET_LENGTH = 6;

/** Slack incoming-webhook paths carry the token in the path: /services/T…/B…/<token>. */
const SLACK_HOOK_PATH = /(hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[^\s"'\\<>]{1,512}/gi;

export type Scrubber = (line: string) => string;

/**
 * Builds a scrubber from the exact secret values of the running config plus pattern rules
 * (`patterns`, e.g. the detector's redaction of SendGrid keys and Authorization headers).
 * Each value is matched as written, JSON-escaped (as it appears inside a log line) and
 * percent-encoded (as it appears inside a URL).
 */
export function createScrubber(secrets: readonly string[], patterns?: Scrubber): Scrubber {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    needles.add(s);
    needles.add(JSON.stringify(s).slice(1, -1));
    needles.add(encodeURIComponent(s));
  }
  // Longest first, so a whole URL is replaced before the password inside it.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const n of ordered) if (out.includes(n)) out = out.split(n).join(SCRUBBED);
    out = out.replace(SLACK_HOOK_PATH, `$1${SCRUBBED}`);
    return patterns ? patterns(out) : out;
  };
}

import { encodedKind, encodesTrailingNewline, findBase64Whitespace, isWrappedBase64Row } from '../../parsers/credentials/index.js';
import { credentialFingerprint } from '../../parsers/index.js';
import { settingsOn } from './settings.js';
import type { FileText, RuleHit } from './rule-hit.js';

/** Longest multi-line value followed. Lines; an encoded API key wrapped at 76 columns takes 2. */
const MAX_VALUE_LINES = 20;

/** Key names under which an unknown base64 value is still taken for a credential. */
const CREDENTIAL_KEY = /pass|secret|key|token|auth|cred|smtp|sendgrid/i;

const BLOCK_SCALAR = /^(\s*)(?:-\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*:\s*([|>])([+-]?)\d?\s*(?:#.*)?$/;
const OPEN_QUOTE = /^\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(["'])([A-Za-z0-9+/=]*)\s*$/;

/**
 * Base64-encoded credentials with a line break or a space inside or at the end: quoted values
 * with `\n` escapes or spaces, YAML block scalars (`|` keeps line breaks, `>` turns them into
 * spaces, and both add a final newline unless `-`), quoted values continued over several lines
 * (dotenv allows it), rows of `base64` output wrapped at 76 columns, and encoded values whose
 * last encoded byte is a newline (`echo "$KEY" | base64`). Unknown base64 counts only under a
 * credential-like key; an encoded API key or `apikey` counts anywhere.
 */
export function base64WithWhitespace(file: FileText): RuleHit[] {
  const hits: RuleHit[] = [];
  const covered = new Set<number>();
  const lines = file.lines;
  const report = (line: number, key: string, compact: string, what: string, start: number, end: number): void => {
    if (covered.has(line)) return;
    covered.add(line);
    hits.push({
      kind: 'base64_with_whitespace',
      line,
      detail: `${key ? `${key}: ` : ''}${what}`,
      fingerprint: credentialFingerprint(compact),
      secrets: [[start, end]],
    });
  };
  const relevant = (key: string, compact: string): boolean => encodedKind(compact) !== 'unknown' || CREDENTIAL_KEY.test(key);

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const line = i + 1;
    const block = file.kind === 'yaml' || file.kind === 'code' ? BLOCK_SCALAR.exec(text) : null;
    if (block !== null) {
      const indent = block[1]?.length ?? 0;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && body.length < MAX_VALUE_LINES; j++) {
        const next = lines[j] ?? '';
        if (next.trim() !== '' && (/^\s*/.exec(next)?.[0].length ?? 0) <= indent) break;
        body.push(next.trim());
      }
      while (body.length > 0 && body[body.length - 1] === '') body.pop();
      if (body.length > 0) {
        const joined = body.join(block[3] === '>' ? ' ' : '\n') + (block[4] === '-' ? '' : '\n');
        const hit = findBase64Whitespace(joined);
        const key = block[2] ?? '';
        if (hit !== null && relevant(key, hit.compact)) report(line, key, hit.compact, describe(hit.encodes, `YAML block scalar "${block[3]}${block[4]}" keeps line breaks`), text.length, text.length);
      }
      // The body lines belong to this value: not looked at again on their own.
      i = j - 1;
      continue;
    }
    const open = OPEN_QUOTE.exec(text);
    if (open !== null) {
      const quote = open[2] ?? '"';
      const parts = [open[3] ?? ''];
      let j = i + 1;
      let closed = false;
      for (; j < lines.length && j <= i + MAX_VALUE_LINES; j++) {
        const next = lines[j] ?? '';
        const close = next.indexOf(quote);
        parts.push(close >= 0 ? next.slice(0, close) : next);
        closed = close >= 0;
        if (closed) break;
      }
      const hit = findBase64Whitespace(parts.join('\n'));
      const key = open[1] ?? '';
      const start = text.length - (open[3]?.length ?? 0);
      if (hit !== null && relevant(key, hit.compact)) report(line, key, hit.compact, describe(hit.encodes, 'quoted value spans several lines'), start, text.length);
      if (closed) i = j;
      continue;
    }
    for (const s of settingsOn(text, file.kind)) {
      if (!s.literal) continue;
      const hit = findBase64Whitespace(s.value);
      if (hit !== null && relevant(s.key, hit.compact)) {
        report(line, s.key, hit.compact, describe(hit.encodes, `value contains ${hit.whitespace.join(' and ')}`), s.index, s.index + s.value.length);
      } else if (hit === null && encodedKind(s.value) !== 'unknown' && encodesTrailingNewline(s.value)) {
        report(line, s.key, s.value, describe(encodedKind(s.value), 'encoded value ends with a newline'), s.index, s.index + s.value.length);
      }
    }
    const next = lines[i + 1];
    const trimmed = text.trim();
    if (next !== undefined && isWrappedBase64Row(text) && trimmed.startsWith('U0cu') && /^[A-Za-z0-9+/]+={0,2}$/.test(next.trim())) {
      const start = text.indexOf(trimmed);
      report(line, '', trimmed + next.trim(), describe('api_key', 'wrapped at 76 columns'), start, start + trimmed.length);
    }
  }
  return hits;
}

function describe(encodes: string, what: string): string {
  const subject = encodes === 'api_key' ? 'base64 of an API key' : encodes === 'apikey_username' ? 'base64 of "apikey"' : 'base64 credential';
  return `${subject}: ${what}`;
}

import { findApiKeys, findV2ApiCall, mentionsSendGridApiHost, readAuthorization } from '../../parsers/credentials/index.js';
import { PROXIMITY_LINES, related } from './sections.js';
import { isApiUserKey, settingsOn } from './settings.js';
import type { FileText, RuleHit } from './rule-hit.js';

/**
 * API keys written into a file. A key in `.env` or Postfix `sasl_passwd` sits where secrets are
 * meant to live, so it is `low` there (check the file is not committed and is readable by the
 * service only); anywhere else it is `medium`.
 */
export function hardcodedApiKeys(file: FileText): RuleHit[] {
  const secretFile = file.kind === 'env' || file.kind === 'postfix-sasl';
  const hits: RuleHit[] = [];
  file.lines.forEach((text, i) => {
    for (const k of findApiKeys(text)) {
      hits.push({
        kind: 'hardcoded_api_key',
        line: i + 1,
        detail: `API key, fingerprint ${k.fingerprint}`,
        fingerprint: k.fingerprint,
        secrets: [[k.index, k.index + k.length]],
        ...(secretFile ? { severity: 'low' as const } : {}),
      });
    }
  });
  return hits;
}

/**
 * v2 Web API use: `/api/*.json` URLs, `api_user=` parameters, and `api_user` settings with a
 * literal value. A file that names SendGrid anywhere is context enough for the relative forms.
 */
export function v2ApiUse(file: FileText): RuleHit[] {
  const hits: RuleHit[] = [];
  file.lines.forEach((text, i) => {
    const call = findV2ApiCall(text, { sendGridContext: file.mentionsSendGrid });
    const setting = settingsOn(text, file.kind).find((s) => s.literal && isApiUserKey(s.key) && (file.mentionsSendGrid || /sendgrid/i.test(s.key)));
    if (call === null && setting === undefined) return;
    const detail = call?.endpoint ? `v2 endpoint ${call.endpoint}` : setting !== undefined ? `api_user setting ${setting.key}` : 'api_user parameter';
    hits.push({ kind: 'v2_api', line: i + 1, detail, fingerprint: null, secrets: [] });
  });
  return hits;
}

// Ways code and scripts send Basic credentials: a literal header, `"Basic " + ...`, request
// libraries' auth tuples/objects, curl's -u, Go's SetBasicAuth, PHP's CURLOPT_USERPWD.
const BASIC_IN_CODE = /["'`]Basic\s|\bHTTPBasicAuth\(|\bSetBasicAuth\(|\bauth\s*=\s*\(|\bauth\s*:\s*\{\s*username\b|CURLOPT_USERPWD|\bbasic_auth\b|(?:^|\s)(?:-u|--user)\s+\S+:|AuthenticationHeaderValue\(\s*"Basic"/;

const URL_HOST = /\bhttps?:\/\/([A-Za-z0-9.-]{1,253})/gi;

/** A line whose URLs all point at hosts other than the SendGrid API: its credentials go there. */
function namesOtherHostOnly(line: string): boolean {
  const hosts = [...line.matchAll(URL_HOST)].map((m) => m[1] ?? '');
  return hosts.length > 0 && !hosts.some((h) => mentionsSendGridApiHost(h));
}

/**
 * HTTP Basic authentication toward api.sendgrid.com: a Basic construct with a mention of the API
 * host in the same or an enclosing/enclosed section at most PROXIMITY_LINES lines away. Bearer headers never match, nor
 * does a Basic line whose own URLs all name other hosts.
 */
export function apiBasicAuth(file: FileText): RuleHit[] {
  const hostLines: number[] = [];
  file.lines.forEach((t, i) => {
    if (mentionsSendGridApiHost(t)) hostLines.push(i);
  });
  if (hostLines.length === 0) return [];
  const hits: RuleHit[] = [];
  file.lines.forEach((text, i) => {
    const header = readAuthorization(text);
    const basic = header !== null ? header.scheme.toLowerCase() === 'basic' : BASIC_IN_CODE.test(text);
    if (!basic || namesOtherHostOnly(text)) return;
    const near = hostLines.some((h) => Math.abs(h - i) <= PROXIMITY_LINES && related(file.sections, h, i));
    if (!near) return;
    hits.push({
      kind: 'api_basic_auth',
      line: i + 1,
      detail: header?.username ? `Basic credentials of "${header.username}" for api.sendgrid.com` : 'Basic credentials for api.sendgrid.com',
      fingerprint: header?.fingerprint ?? null,
      secrets: [],
    });
  });
  return hits;
}

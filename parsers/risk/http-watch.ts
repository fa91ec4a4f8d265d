import { findSendGridBasicAuth, findV2ApiCall, mentionsSendGridApiHost, readAuthorization } from '../credentials/index.js';
import type { StateImage } from '../carried-state.js';
import type { LookbackWindow } from '../lookback-window.js';
import { linesBefore } from './window-lines.js';

/** How far back a Basic header's request is searched for its host (curl -v prints it lines before). Bytes; 4 KiB. */
const REQUEST_LOOKBACK_BYTES = 4096;
/** And at most this many lines: a request's headers. */
const REQUEST_LOOKBACK_LINES = 40;
/** Lines read after a request line whose host or status comes later (curl -v). Lines; 24. */
export const HTTP_LOOKAHEAD_LINES = 24;

/** A header line as request dumps print it: `> Name: value` (curl -v) or a bare `Name: value`. */
const HEADER_LINE_RE = /^(?:> ?|\s{0,8})[A-Za-z0-9-]{1,64}: /;
const REQUEST_LINE_RE = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S{1,2048}) HTTP\/\d/;
const STATUS_LINE_RE = /\bHTTP\/\d(?:\.\d)? (\d{3})\b/;
/** A status 202 as access logs, JSON and client logs write it (` 202 `, `"statusCode":202`). */
const STATUS_202_RE = /(?<![\w./-])202(?![\w./-])/;
const V3_SEND_RE = /\/v3\/mail\/send\b/;
/**
 * A 202 for v3/mail/send on a line that is not a request line: a keyed status
 * (`"statusCode":202`, `response_code=202`, `status: 202`) or the status right after the URL
 * (`POST https://api.sendgrid.com/v3/mail/send 202 153ms`).
 */
const SEND_202_RE = /(?:status|code)\w{0,8}\\{0,7}["']?\s{0,3}[:=]\s{0,3}\\{0,7}["']?202(?!\d)|\/v3\/mail\/send\S{0,200}\s{1,3}(?:-> ?)?202(?!\d)/i;
const V2_PATH_RE = /\/api\/[A-Za-z0-9_]{1,32}(?:\.[A-Za-z0-9_]{1,32}){1,4}\.(?:json|xml)\b/;
const API_USER_VALUE_RE = /(?<![A-Za-z0-9])api_user(?:\\{0,7}["'])?\s{0,3}(?:=>|[=:])\s{0,3}(?:\\{0,7}["'])?([^\s&"'\\,;}\]]{1,256})/i;
const SENDGRID_RE = /sendgrid/i;
/** Both risks need a line naming SendGrid or carrying `api_user`; other lines skip their patterns. */
const RISK_HINT_RE = /sendgrid|api_user/i;

/** What one HTTP-ish line told. */
export interface HttpStep {
  /** Username and password on the Web API; `credential` is the username when one is readable. */
  readonly risk: { readonly v2: boolean; readonly credential: string | null } | null;
  /** A 202 from SendGrid's v3 mail/send: the service sends with a key. */
  readonly accepted: boolean;
}

interface Pending {
  readonly v2: boolean;
  readonly send: boolean;
  sendgrid: boolean;
  /** The request carried Basic credentials: its 202 shows the password still works, not a fix. */
  basic: boolean;
}

/**
 * Finds Web API calls made with a username and password (Basic to the SendGrid API host, v2
 * calls) and successful v3 sends, on one line (proxy and egress access logs, JSON request logs,
 * http.client dumps) or spread over a request's lines as curl -v prints them. Basic credentials
 * yield the username only; the password is never decoded.
 */
export class HttpRequestWatch {
  private pending: Pending | null = null;
  private lookahead = 0;

  wantsNext(): boolean {
    return this.pending !== null && this.lookahead > 0;
  }

  /** The request whose later lines are awaited and how many are left, for ByteStreamScanner.carriedState. */
  state(): StateImage {
    const p = this.pending;
    return { pending: p === null ? null : { v2: p.v2, send: p.send, sendgrid: p.sendgrid, basic: p.basic }, lookahead: this.lookahead };
  }

  line(text: string, start: number, window: LookbackWindow, evidenceWanted: boolean): HttpStep {
    if (this.lookahead > 0 && --this.lookahead === 0) this.pending = null;
    const request = REQUEST_LINE_RE.exec(text);
    if (request !== null) return this.onRequest(text, request[1] ?? '', evidenceWanted);
    const p = this.pending;
    if (p !== null) {
      const status = STATUS_LINE_RE.exec(text);
      if (status !== null) {
        this.pending = null;
        return { risk: null, accepted: p.send && p.sendgrid && !p.basic && status[1] === '202' };
      }
      if (/^(?:> )?Host: /i.test(text) && mentionsSendGridApiHost(text)) {
        p.sendgrid = true;
        if (p.v2) return { risk: { v2: true, credential: null }, accepted: false };
      }
    }
    const risk = this.riskOn(text, start, window);
    if (p !== null && risk !== null) p.basic = true;
    const accepted =
      evidenceWanted && risk === null && p === null && V3_SEND_RE.test(text) && SENDGRID_RE.test(text) && SEND_202_RE.test(text);
    return { risk, accepted };
  }

  private onRequest(text: string, path: string, evidenceWanted: boolean): HttpStep {
    this.pending = null;
    const risk = this.riskOnLine(text);
    const sendgrid = mentionsSendGridApiHost(text) || SENDGRID_RE.test(text);
    const send = V3_SEND_RE.test(path) && evidenceWanted;
    if (send && sendgrid && risk === null && STATUS_202_RE.test(text.slice(text.indexOf(path) + path.length))) return { risk, accepted: true };
    const v2 = risk === null && V2_PATH_RE.test(path);
    // The host or the status may follow on later lines (curl -v): read a few more.
    if (send || (v2 && !sendgrid)) {
      this.pending = { v2, send, sendgrid, basic: risk !== null };
      this.lookahead = HTTP_LOOKAHEAD_LINES;
    }
    return { risk, accepted: false };
  }

  /** Risk on the line alone, or for a Basic header whose host is in the request's earlier lines. */
  private riskOn(text: string, start: number, window: LookbackWindow): HttpStep['risk'] {
    const own = this.riskOnLine(text);
    if (own !== null) return own;
    // Only a header line of a request dump (curl -v `> Authorization:`) borrows the host of the
    // lines above it; a self-contained line (JSON, access log) stands alone.
    if (!HEADER_LINE_RE.test(text)) return null;
    const auth = readAuthorization(text);
    if (auth === null || auth.scheme.toLowerCase() !== 'basic') return null;
    return requestHostIsSendGrid(window, start) ? { v2: false, credential: auth.username } : null;
  }

  private riskOnLine(text: string): HttpStep['risk'] {
    if (!RISK_HINT_RE.test(text)) return null;
    const v2 = findV2ApiCall(text);
    if (v2 !== null) return { v2: true, credential: API_USER_VALUE_RE.exec(text)?.[1] ?? findSendGridBasicAuth(text)?.username ?? null };
    const basic = findSendGridBasicAuth(text);
    return basic === null ? null : { v2: false, credential: basic.username };
  }
}

/** Whether the request a header line belongs to (back to its request line) names the SendGrid API host. */
function requestHostIsSendGrid(window: LookbackWindow, before: number): boolean {
  const lines = linesBefore(window, before, REQUEST_LOOKBACK_BYTES);
  for (let i = 0; i < lines.length && i < REQUEST_LOOKBACK_LINES; i++) {
    const line = lines[i] as string;
    if (mentionsSendGridApiHost(line)) return true;
    if (REQUEST_LINE_RE.test(line) || STATUS_LINE_RE.test(line) || !HEADER_LINE_RE.test(line)) return false;
  }
  return false;
}

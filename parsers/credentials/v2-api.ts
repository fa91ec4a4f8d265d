/**
 * The v2 Web API (`/api/<name>.json` on sendgrid.com or api.sendgrid.com) authenticates with
 * `api_user` and `api_key` parameters, i.e. the account username and password, on every call.
 */

export interface V2ApiCall {
  /** The endpoint name, e.g. `mail.send`, or null when only `api_user` gave it away. */
  readonly endpoint: string | null;
  /** Whether an `api_user` parameter is on the line (its value is never returned). */
  readonly apiUser: boolean;
}

export interface V2ApiOptions {
  /**
   * The surroundings already tie the line to SendGrid (e.g. a source file that names it, a
   * stream known to carry a SendGrid client's logs), so the line need not name it itself.
   */
  readonly sendGridContext?: boolean;
}

const ABSOLUTE = /(?<![A-Za-z0-9.-])(?:api\.)?sendgrid\.com(?::\d{1,5})?\/api\/([A-Za-z0-9_.]{1,64}?)\.(?:json|xml)\b/i;
const RELATIVE = /(?<![A-Za-z0-9_.-])\/api\/([A-Za-z0-9_]{1,32}(?:\.[A-Za-z0-9_]{1,32}){1,4})\.(?:json|xml)\b/i;
const API_USER = /(?<![A-Za-z0-9])api_user(?:\\{0,7}["'])?\s{0,3}(?:=>|[=:])/i;
const SENDGRID = /sendgrid/i;

/**
 * A v2 Web API call on a line: an absolute URL on (api.)sendgrid.com under `/api/`; a relative
 * `/api/<a.b>.json` path on a line that also names SendGrid or carries `api_user`; or an
 * `api_user` parameter on a line that names SendGrid (or with `sendGridContext`, on any line). `/v3/...` calls and `/api/` paths of other
 * services give null.
 */
export function findV2ApiCall(line: string, opts: V2ApiOptions = {}): V2ApiCall | null {
  const apiUser = API_USER.test(line);
  const abs = ABSOLUTE.exec(line);
  if (abs !== null) return { endpoint: abs[1] ?? null, apiUser };
  const mentionsSendGrid = opts.sendGridContext === true || SENDGRID.test(line);
  const rel = RELATIVE.exec(line);
  if (rel !== null && (mentionsSendGrid || apiUser)) return { endpoint: rel[1] ?? null, apiUser };
  if (apiUser && mentionsSendGrid) return { endpoint: null, apiUser };
  return null;
}

import { credentialFingerprint } from '../redact.js';
import { decodeBase64, usernameFromBytes } from './base64.js';

/** The host of SendGrid's Web API (v3, and v2 under `/api/`). */
export const SENDGRID_API_HOST = 'api.sendgrid.com';

// Not a label of a longer name: `api.sendgrid.com.example.net` and `myapi.sendgrid.com` are other hosts.
const API_HOST_RE = /(?<![A-Za-z0-9.-])api\.sendgrid\.com(?![A-Za-z0-9-]|\.[A-Za-z0-9])/i;

/** Whether a line names the SendGrid API host (URL, `Host:` header, proxy `authority`, CONNECT). */
export const mentionsSendGridApiHost = (line: string): boolean => API_HOST_RE.test(line);

/** An Authorization header seen on a line. The credentials themselves are never returned. */
export interface AuthorizationSeen {
  /** `Basic`, `Bearer`, `Token`, ... as written. */
  readonly scheme: string;
  /** For Basic: the user id before the colon (the password is never decoded into a string). */
  readonly username: string | null;
  /** Fingerprint of the credentials token, to tell credentials apart. */
  readonly fingerprint: string;
}

// `Authorization: Basic x`, `"authorization":"Basic x"`, `authorization=Basic x`, `'Authorization' => 'Basic x'`,
// with up to three levels of JSON escaping around the quotes.
// The name may follow an escaped line break (`...\r\nAuthorization: ...` in one logged string).
const AUTHORIZATION_RE = /(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))authorization(?:\\{0,7}["'])?\s{0,3}(?:=>|[:=])\s{0,3}(?:\\{0,7}["'])?\s{0,3}([A-Za-z][A-Za-z0-9_-]{1,20})\s{1,5}([A-Za-z0-9+/=._~-]{1,4096})/i;

/** The first Authorization header on a line, or null. */
export function readAuthorization(line: string): AuthorizationSeen | null {
  const m = AUTHORIZATION_RE.exec(line);
  if (m === null) return null;
  const scheme = m[1] ?? '';
  const token = m[2] ?? '';
  const isBasic = scheme.toLowerCase() === 'basic';
  return { scheme, username: isBasic ? usernameFromBasic(token) : null, fingerprint: credentialFingerprint(token) };
}

/**
 * The user id of HTTP Basic credentials, base64 of `user:password`: only the bytes before the
 * first colon are read, and the decoded buffer is zero-filled before returning.
 */
export function usernameFromBasic(token: string): string | null {
  const buf = decodeBase64(token);
  if (buf === null) return null;
  try {
    const colon = buf.indexOf(0x3a);
    return colon < 0 ? null : usernameFromBytes(buf, 0, colon);
  } finally {
    buf.fill(0);
  }
}

/**
 * HTTP Basic authentication sent to the SendGrid API, when one line carries both the header and
 * the host (proxy and egress access logs, Python's http.client dump, JSON request logs). For
 * debug output that spreads a request over lines (curl -v), use `SendGridBasicAuthTracker`.
 * Bearer and other schemes, and Basic to any other host, give null.
 */
export function findSendGridBasicAuth(line: string): AuthorizationSeen | null {
  if (!mentionsSendGridApiHost(line)) return null;
  const auth = readAuthorization(line);
  return auth !== null && auth.scheme.toLowerCase() === 'basic' ? auth : null;
}

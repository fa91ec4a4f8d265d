import { decodeBase64, usernameFromBytes } from './base64.js';

/** The SMTP username SendGrid expects with an API key as the password; anything else is a password login. */
export const API_KEY_USERNAME = 'apikey';

/** Whether an SMTP (or Basic) username is the literal `apikey`, i.e. the password is an API key. */
export const isApiKeyUser = (username: string): boolean => username === API_KEY_USERNAME;

/**
 * The username (authcid) of an `AUTH PLAIN` initial response, base64 of
 * `authzid NUL authcid NUL password`. Only the bytes before the second NUL are read; the
 * decoded buffer is zero-filled before returning, so the password never outlives this call as
 * bytes and is never turned into a string. Null when the payload is not a PLAIN response.
 */
export function usernameFromAuthPlain(b64: string): string | null {
  const buf = decodeBase64(b64);
  if (buf === null) return null;
  try {
    const first = buf.indexOf(0);
    if (first < 0) return null;
    const second = buf.indexOf(0, first + 1);
    if (second < 0) return null;
    return usernameFromBytes(buf, first + 1, second);
  } finally {
    buf.fill(0);
  }
}

/**
 * The username sent as the first client line of `AUTH LOGIN` (or as its initial response):
 * plain base64 of the name. Callers must never pass the second client line, the password.
 */
export function usernameFromAuthLogin(b64: string): string | null {
  const buf = decodeBase64(b64);
  if (buf === null) return null;
  try {
    return usernameFromBytes(buf, 0, buf.length);
  } finally {
    buf.fill(0);
  }
}

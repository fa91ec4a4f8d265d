/**
 * Strict base64 helpers for credential payloads. Node's decoder skips characters outside the
 * alphabet, which would turn arbitrary text into bytes; these checks keep "looks like base64"
 * honest before anything is decoded.
 */

/** Standard alphabet, optional padding; the length rule is checked separately. */
const STD = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether `s` is one standard-alphabet base64 token of a length a real encoder produces. */
export function isBase64Token(s: string): boolean {
  if (s.length < 4 || !STD.test(s)) return false;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x3d) end--;
  const bare = s.slice(0, end);
  // Unpadded encoders leave 2 or 3 characters in the last group; 1 is never valid.
  return s.includes('=') ? s.length % 4 === 0 : bare.length % 4 !== 1;
}

/**
 * Decodes one base64 token into a fresh Buffer the caller owns and must wipe with
 * `buf.fill(0)` once done; null when `s` is not a base64 token.
 */
export function decodeBase64(s: string): Buffer | null {
  return isBase64Token(s) ? Buffer.from(s, 'base64') : null;
}

/** Longest username accepted from a decoded payload. Bytes; SASL names are far shorter. */
const MAX_USERNAME_BYTES = 256;

/**
 * Reads bytes [start, end) as a username: valid UTF-8 without control characters, not empty,
 * at most 256 bytes. Anything else is not a name a client typed, so it is refused (null).
 */
export function usernameFromBytes(buf: Buffer, start: number, end: number): string | null {
  if (end <= start || end - start > MAX_USERNAME_BYTES) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start, end));
  } catch {
    return null;
  }
  return /[\u0000-\u001f\u007f]/.test(text) ? null : text;
}

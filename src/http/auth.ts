import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when the Authorization header is `Bearer <token>` with exactly the configured token.
 * Both sides are hashed first so the comparison is constant-time and length-independent
 * (timingSafeEqual needs equal lengths; a length check would leak the token's length).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  const same = timingSafeEqual(digest(m?.[1] ?? ''), digest(token));
  return m !== null && same;
}

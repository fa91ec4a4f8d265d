import { credentialFingerprint } from '../redact.js';

/**
 * A SendGrid API key: `SG.`, a 22-character key id, `.`, a 43-character secret, both in the
 * base64url alphabet. Not preceded or followed by another key character, so a longer token that
 * merely contains the shape is not taken for a key.
 */
export const API_KEY_PATTERN = /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

const WHOLE_KEY = /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

/** Whether `s` is exactly one API key. */
export const isApiKeyShape = (s: string): boolean => WHOLE_KEY.test(s);

/** Where an API key sits in a text and its fingerprint; the key itself is never returned. */
export interface ApiKeyHit {
  /** UTF-16 index of the key's first character. */
  readonly index: number;
  readonly length: number;
  /** `credentialFingerprint` of the key: tells keys apart without revealing them. */
  readonly fingerprint: string;
}

/** Every API key in `text`, in order. */
export function findApiKeys(text: string): ApiKeyHit[] {
  const hits: ApiKeyHit[] = [];
  for (const m of text.matchAll(API_KEY_PATTERN)) {
    hits.push({ index: m.index, length: m[0].length, fingerprint: credentialFingerprint(m[0]) });
  }
  return hits;
}

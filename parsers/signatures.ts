import type { Channel, Kind } from '../src/contracts.js';

/**
 * One rejection wording. Signatures are data: the id is stable (metric attribute, grouping key).
 * `specific` wordings exist only at SendGrid, so the provider stays `sendgrid` whatever the context
 * says; generic ones take the provider named by the line's context (relay host, URL host).
 * Within one channel the lower `rank` wins, so the 2FA wording beats the generic 535 it contains.
 * Every pattern is bounded (no nested or unbounded quantifiers) and runs only on candidate lines.
 */
export interface Signature {
  readonly id: string;
  readonly kind: Kind;
  readonly channel: Channel;
  readonly specific: boolean;
  readonly rank: number;
  readonly pattern: RegExp;
}

/** `535` as the framings show it: `535 `, `535-` (multi-line reply), Python's `(535, b'`. */
const SMTP_535 = String.raw`535(?:[ -]|, ?b?\\?['"])(?:5\.7\.\d{1,3} )?`;
/** A quote behind up to seven backslashes: JSON escaped up to three times over. */
const Q = String.raw`\\{0,7}"`;

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'smtp.535.basic-auth-2fa',
    kind: 'smtp_basic_auth_2fa',
    channel: 'smtp',
    specific: true,
    rank: 0,
    // The first half alone is enough: SendGrid's only 535 naming Basic authentication is the 2FA
    // one, and a multi-line reply may wrap the rest onto the next `535 ` line.
    pattern: new RegExp(
      String.raw`(?:${SMTP_535}Authentication failed:? {0,3}Basic authentication|Basic authentication is not allowed with 2FA)`,
      'i',
    ),
  },
  {
    id: 'smtp.535.auth-failed',
    kind: 'smtp_auth_failed',
    channel: 'smtp',
    specific: false,
    rank: 1,
    pattern: new RegExp(String.raw`\b${SMTP_535}Authentication failed\b`, 'i'),
  },
  {
    id: 'api.401.invalid-auth-method',
    kind: 'api_basic_auth_2fa',
    channel: 'api',
    specific: true,
    rank: 0,
    pattern: /invalid authentication method|declined because you are using basic authentication with 2FA/i,
  },
  {
    id: 'api.401.grant-invalid',
    kind: 'api_auth_failed',
    channel: 'api',
    specific: false,
    rank: 1,
    pattern: /authorization grant is invalid, expired,? or revoked/i,
  },
  {
    id: 'api.401.wrong-credentials',
    kind: 'api_auth_failed',
    channel: 'api',
    specific: false,
    rank: 1,
    pattern: /Permission denied, wrong credentials/i,
  },
  {
    id: 'api.v2.bad-username-password',
    kind: 'api_auth_failed',
    channel: 'api',
    specific: false,
    rank: 2,
    // v2 answers `{"errors":["Bad username / password"],"message":"error"}`; the errors array is
    // what tells it from the SMTP reply with the same words. Quotes may be JSON-escaped.
    pattern: new RegExp(String.raw`${Q}errors${Q} {0,3}: {0,3}\[ {0,3}${Q}Bad username / password`, 'i'),
  },
];

/**
 * Byte needles for the prefilter: every signature above contains at least one of them, in the
 * case of the vendor's wording or fully upper-cased. A line with none is never decoded.
 */
export const NEEDLE_TEXTS: readonly string[] = [
  'uthenticat',
  'UTHENTICAT',
  'uthorization grant',
  'UTHORIZATION GRANT',
  'wrong credentials',
  'WRONG CREDENTIALS',
  'username / password',
  'USERNAME / PASSWORD',
];

export const NEEDLES: readonly Buffer[] = NEEDLE_TEXTS.map((t) => Buffer.from(t, 'latin1'));

export interface SignatureHit {
  readonly signature: Signature;
  /** Character index of the match in the text. */
  readonly index: number;
}

/**
 * The signatures a text carries: at most one per channel (the best ranked), in channel order.
 */
export const matchSignatures = (text: string): SignatureHit[] => {
  const best = new Map<Channel, SignatureHit>();
  for (const signature of SIGNATURES) {
    const current = best.get(signature.channel);
    if (current !== undefined && current.signature.rank <= signature.rank) continue;
    const m = signature.pattern.exec(text);
    if (m !== null) best.set(signature.channel, { signature, index: m.index });
  }
  return [...best.values()];
};

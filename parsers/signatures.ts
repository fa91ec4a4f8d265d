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

/** What a detection needs from its signature: the rejections above and the risk signals below. */
export type SignalDef = Pick<Signature, 'id' | 'kind' | 'channel' | 'specific'>;

/**
 * The `basic_auth_in_use` signals (issue 10): a risk, not a rejection. Unlike the wordings above
 * they need state or a decoded credential, so they are found by `parsers/risk/`, not by a regex.
 * The channel is the signal's own: SMTP logins are `smtp`, HTTP calls are `api`.
 */
export const RISK_SIGNALS = {
  /** An SMTP client's AUTH PLAIN/LOGIN to SendGrid with a username other than `apikey`. */
  smtpPasswordLogin: { id: 'smtp.auth.password-login', kind: 'basic_auth_in_use', channel: 'smtp', specific: true },
  /** An Exim delivery to SendGrid whose outgoing login (`A=name:user`) is not `apikey`. */
  mtaPasswordLogin: { id: 'smtp.mta.password-login', kind: 'basic_auth_in_use', channel: 'smtp', specific: true },
  /** `Authorization: Basic` sent to the SendGrid API host. */
  apiBasicAuth: { id: 'api.basic-auth', kind: 'basic_auth_in_use', channel: 'api', specific: true },
  /** A v2 Web API call (`/api/*.json`, `api_user=`): always username and password. */
  apiV2Call: { id: 'api.v2.password-call', kind: 'basic_auth_in_use', channel: 'api', specific: true },
} as const satisfies Readonly<Record<string, SignalDef>>;

/**
 * Byte needles for the prefilter: every signature and risk signal above contains at least one of
 * them, in the case of the vendor's wording or fully upper-cased. A line with none is never
 * decoded (except right after an exchange that awaits its next line, see parsers/risk/).
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
  // basic_auth_in_use: SMTP client debug logs (the AUTH LOGIN username line has no needle).
  'AUTH PLAIN',
  'AUTH LOGIN',
  // Authorization headers in every framing (`: Basic`, `":"Basic`, `=Basic`, escaped JSON);
  // the host check on the line or in the request's earlier lines does the rest.
  'uthorization',
  'UTHORIZATION',
  // The v2 Web API: its credential parameter, absolute URLs, and curl's relative request line.
  'api_user',
  'API_USER',
  'sendgrid.com/api/',
  'SENDGRID.COM/API/',
  '/api/mail.send',
  // Exim deliveries to SendGrid (`H=smtp.sendgrid.net [ip]`), whose `A=` names the outgoing login.
  'sendgrid.net [',
];

/**
 * Needles of lines that can only carry recovery evidence (issue 4), never a detection. They are
 * common (`status=sent` is on every Postfix delivery), so the scanner drops such lines without
 * decoding them unless evidence is wanted (DetectorOptions.evidenceWanted).
 */
export const EVIDENCE_NEEDLE_TEXTS: readonly string[] = ['status=sent', 'STATUS=SENT', 'v3/mail/send', 'V3/MAIL/SEND'];

const toBytes = (t: string): Buffer => Buffer.from(t, 'latin1');

/** Needles of lines that may carry a detection. */
export const DETECTION_NEEDLES: readonly Buffer[] = NEEDLE_TEXTS.map(toBytes);

/** Everything the prefilter searches for: detection needles, then evidence needles. */
export const NEEDLES: readonly Buffer[] = [...DETECTION_NEEDLES, ...EVIDENCE_NEEDLE_TEXTS.map(toBytes)];

export interface SignatureHit {
  readonly signature: SignalDef;
  /** Character index of the match in the text. */
  readonly index: number;
  /**
   * The credential the hit names, fingerprinted instead of the line's first secret: for risk
   * signals the username (never a password). Never leaves the parser.
   */
  readonly credential?: string;
}

/**
 * A piece every signature's wording contains, in one pass: most candidate lines hold a needle
 * ("authentication succeeded") but no wording, and this spares them the six patterns.
 */
const ANY_WORDING_RE = /535|basic auth|invalid auth|grant is invalid|wrong cred|username \/ pass/i;

/**
 * The signatures a text carries: at most one per channel (the best ranked), in channel order.
 */
export const matchSignatures = (text: string): SignatureHit[] => {
  if (!ANY_WORDING_RE.test(text)) return [];
  const best = new Map<Channel, SignatureHit & { readonly signature: Signature }>();
  for (const signature of SIGNATURES) {
    const current = best.get(signature.channel);
    if (current !== undefined && current.signature.rank <= signature.rank) continue;
    const m = signature.pattern.exec(text);
    if (m !== null) best.set(signature.channel, { signature, index: m.index });
  }
  return [...best.values()];
};

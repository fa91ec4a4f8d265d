import type { JsonObject } from './formats/json-line.js';
import { jsonHost, jsonTimestamp, parseJsonLine } from './formats/json-line.js';
import { parseSyslog } from './formats/syslog.js';
import type { QueueRef } from './mta-correlation.js';
import { queueRefOf } from './mta-correlation.js';
import { DEFAULT_PROVIDER, providerFromContext } from './providers.js';
import type { SignatureHit } from './signatures.js';
import { matchSignatures } from './signatures.js';
import { parseLeadingTimestamp } from './timestamps.js';

/** What a candidate line says, before dedup, correlation and service resolution. */
export interface LineFacts {
  readonly hits: readonly SignatureHit[];
  readonly ts: string | null;
  readonly host: string | null;
  readonly program: string | null;
  /** Provider for generic signatures; specific ones are always SendGrid's. */
  readonly contextProvider: string;
  readonly jsonObjects: readonly JsonObject[];
  readonly queueRef: QueueRef | null;
}

export type LineOutcome =
  | { readonly kind: 'matched'; readonly facts: LineFacts; readonly malformed: boolean }
  | { readonly kind: 'skipped'; readonly reason: 'no-signature'; readonly malformed: boolean };

/** What the stream's state found on the line before it is analyzed (parsers/risk/). */
export interface LineExtras {
  /** Risk hits (`basic_auth_in_use`), added to the signatures the line carries. */
  readonly hits: readonly SignatureHit[];
  /** Read the framing even without a hit: the line carries recovery evidence. */
  readonly frame: boolean;
}

const NO_EXTRAS: LineExtras = { hits: [], frame: false };
const NOTHING_FOUND: LineOutcome = { kind: 'skipped', reason: 'no-signature', malformed: false };

/**
 * Reads one decoded candidate line: the signatures it carries, then, when it carries any, its
 * framing (JSON object, syslog header, leading stamp) for time, host, program, provider and
 * queue id. `malformed` is a carrying line that opens like JSON but does not parse.
 */
export const analyzeLine = (text: string, nowMs: number, extras: LineExtras = NO_EXTRAS): LineOutcome => {
  const found = matchSignatures(text);
  const hits = extras.hits.length === 0 ? found : [...found, ...extras.hits];
  // A line that carries nothing is skipped unparsed: whether it is valid JSON changes nothing,
  // and parsing every "authentication succeeded" object would be most of a decoy's cost.
  if (hits.length === 0 && !extras.frame) return NOTHING_FOUND;
  const json = parseJsonLine(text);
  const malformed = json.kind === 'malformed';

  let ts: string | null = null;
  let host: string | null = null;
  let program: string | null = null;
  let jsonObjects: readonly JsonObject[] = [];
  // Syslog may be the line itself, or the message inside a shipper's JSON envelope.
  let syslogSource = text;
  if (json.kind === 'json') {
    jsonObjects = json.objects;
    ts = jsonTimestamp(json.objects);
    host = jsonHost(json.objects);
    if (json.message !== null) syslogSource = json.message;
  }
  const syslog = parseSyslog(syslogSource, nowMs);
  if (syslog !== null) {
    ts ??= syslog.ts;
    host = syslog.host;
    program = syslog.program;
  }
  ts ??= parseLeadingTimestamp(syslogSource, nowMs);
  const queueRef = queueRefOf(syslogSource, syslog?.body ?? null, program);
  const contextProvider = providerFromContext(text) ?? DEFAULT_PROVIDER;
  return { kind: 'matched', malformed, facts: { hits, ts, host, program, contextProvider, jsonObjects, queueRef } };
};

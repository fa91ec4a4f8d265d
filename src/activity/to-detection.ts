import { createHash } from 'node:crypto';
import type { Detection } from '../contracts.js';
import { redact } from '../../parsers/index.js';
import type { ActivityMessage } from './activity-message.js';

/**
 * The one stream every Email Activity import stores into, from files or the API. A msg_id is
 * unique across SendGrid, so one stream keyed by it makes overlapping exports, re-imports and
 * API fetches of the same message count once.
 */
export const ACTIVITY_STREAM = 'activity:sendgrid';

export const ACTIVITY_SIGNATURE = 'activity.api-key-id.empty';

/** Longest stored message text. Characters. */
const MAX_MESSAGE_CHARS = 500;

/**
 * A stable 48-bit offset for a msg_id: the first 6 bytes of its SHA-256. 48 bits keep the
 * number exact in JavaScript and SQLite; two messages collide with probability about
 * n² / 2^49 (under 0.2 % for a million messages), and a collision only hides one of the two.
 */
export function msgIdOffset(msgId: string): number {
  return createHash('sha256').update(msgId, 'utf8').digest().readUIntBE(0, 6);
}

/** The service a message is attributed to: its subuser when present, else its from address. */
export const serviceOf = (m: ActivityMessage): string => m.subuser ?? m.fromEmail ?? 'unknown-sender';

/** A `basic_auth_in_use` detection for a message sent without an API key. */
export function toDetection(m: ActivityMessage, source: string, line: number): Detection {
  const parts = [
    m.fromEmail !== null ? `from=${m.fromEmail}` : '',
    m.subuser !== null ? `subuser=${m.subuser}` : '',
    m.status !== null ? `status=${m.status}` : '',
    m.categories.length > 0 ? `categories=${m.categories.join(',')}` : '',
    `msg_id=${m.msgId}`,
  ].filter((p) => p !== '');
  const message = redact(`Email Activity: sent without an API key (empty api_key_id); ${parts.join(' ')}`).slice(0, MAX_MESSAGE_CHARS);
  return {
    kind: 'basic_auth_in_use',
    channel: 'api',
    signature: ACTIVITY_SIGNATURE,
    provider: 'sendgrid',
    service: serviceOf(m),
    serviceVia: 'field',
    host: null,
    program: null,
    ts: m.lastEventTime,
    message,
    credentialFingerprint: null,
    source,
    line,
    position: { stream: ACTIVITY_STREAM, offset: msgIdOffset(m.msgId) },
  };
}

import type { EmailContent } from './render/email.js';
import type { Notification } from './notification.js';

/** The outbox `event` of messages rendered before they were queued (scheduled reports). */
export const PREPARED_EVENT = 'report';

/**
 * A message rendered for every channel type before it is queued, so delivery only picks the
 * part its channel needs: Slack's webhook body, the email parts, the webhook JSON, console text.
 * Scheduled reports arrive this way; alerts are rendered at send time from their Notification.
 */
export interface PreparedMessage {
  readonly prepared: true;
  /** Stable across retries and receivers, for de-duplication by the receiver. */
  readonly id: string;
  /** What the outbox orders and labels it by, e.g. `report:weekly` and `report`. */
  readonly service: string;
  readonly kind: string;
  readonly slack: unknown;
  readonly email: EmailContent;
  readonly json: unknown;
  readonly text: string;
}

export type OutboundMessage = Notification | PreparedMessage;

export const isPrepared = (m: OutboundMessage): m is PreparedMessage => 'prepared' in m && m.prepared;

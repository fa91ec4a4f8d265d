import type { ChannelType } from '../config-schema.js';
import type { OutboundMessage } from '../prepared.js';

/**
 * Sends one notification (or a prepared message such as a report) to one receiver. Resolves once the receiver accepted it; rejects with
 * a DeliveryError (retryable or not) otherwise. Must stop promptly when `signal` aborts (the
 * per-send timeout or shutdown).
 */
export interface Channel {
  readonly type: ChannelType;
  /** The receiver's name in the config. */
  readonly name: string;
  send(msg: OutboundMessage, signal: AbortSignal): Promise<void>;
  /** Releases connections; called once at shutdown. */
  close?(): Promise<void>;
}

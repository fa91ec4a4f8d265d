import type { ChannelType } from '../config-schema.js';
import type { Notification } from '../notification.js';

/**
 * Sends one notification to one receiver. Resolves once the receiver accepted it; rejects with
 * a DeliveryError (retryable or not) otherwise. Must stop promptly when `signal` aborts (the
 * per-send timeout or shutdown).
 */
export interface Channel {
  readonly type: ChannelType;
  /** The receiver's name in the config. */
  readonly name: string;
  send(msg: Notification, signal: AbortSignal): Promise<void>;
  /** Releases connections; called once at shutdown. */
  close?(): Promise<void>;
}

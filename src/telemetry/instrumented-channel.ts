import type { Channel } from '../../alerts/index.js';
import { isPrepared, PREPARED_EVENT, type OutboundMessage } from '../../alerts/prepared.js';
import type { Clock } from '../contracts.js';
import { telemetry } from './metrics.js';
import { tracing, type DetectionTraceIndex } from './tracing.js';

/**
 * Wraps a receiver's channel so every send attempt (alerts and scheduled reports) is counted
 * (sent / failed, by receiver and channel type), timed from the alert decision, and traced. The delivery worker stays unaware
 * of telemetry; the daemon hands it the wrapped channels.
 */
export function instrumentChannel(channel: Channel, deps: { clock: Clock; traces: DetectionTraceIndex }): Channel {
  const wrapped: Channel = {
    type: channel.type,
    name: channel.name,
    async send(msg: OutboundMessage, signal: AbortSignal): Promise<void> {
      const prepared = isPrepared(msg);
      const attrs = { receiver: channel.name, channel: channel.type, service: msg.service, kind: msg.kind, event: prepared ? PREPARED_EVENT : msg.event, id: msg.id };
      try {
        await tracing.send(attrs, deps.traces.links(msg.service, msg.kind), () => channel.send(msg, signal));
      } catch (err) {
        telemetry.notification(channel.name, channel.type, 'failed');
        throw err;
      }
      telemetry.notification(channel.name, channel.type, 'sent');
      // Latency is an alert's (decision to delivery); a scheduled report has no decision time.
      if (prepared) return;
      const decided = Date.parse(msg.decidedAt);
      if (Number.isFinite(decided)) telemetry.deliveryLatency((deps.clock() - decided) / 1000, channel.name, channel.type);
    },
  };
  if (channel.close) wrapped.close = () => channel.close?.() ?? Promise.resolve();
  return wrapped;
}

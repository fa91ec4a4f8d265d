import type { Channel } from '../../alerts/index.js';
import { isPrepared, type OutboundMessage } from '../../alerts/prepared.js';
import type { Log } from '../contracts.js';

/**
 * The console receiver when stdout carries JSON log lines: each notification becomes one log
 * line (level warn, `alert` object; a scheduled report: level info, `report` object) instead of
 * the framed text block, so stdout stays one
 * JSON object per line for the log shipper. `log` should be a child logger whose level lets
 * warn through whatever the configured log level is: an alert receiver is not log verbosity.
 * The notification's log-derived strings are already redacted by the detector.
 */
export class JsonConsoleChannel implements Channel {
  readonly type = 'console' as const;
  constructor(
    readonly name: string,
    private readonly log: Log,
  ) {}

  async send(msg: OutboundMessage, _signal: AbortSignal): Promise<void> {
    if (isPrepared(msg)) {
      // A scheduled report: its plain-text rendering as one field of one line.
      this.log.info({ receiver: this.name, report: { id: msg.id, schedule: msg.service, text: msg.text } }, `Report ${msg.service}.`);
      return;
    }
    this.log.warn(
      {
        receiver: this.name,
        alert: {
          id: msg.id,
          event: msg.event,
          service: msg.service,
          kind: msg.kind,
          provider: msg.provider,
          counts: msg.counts,
          firstSeen: msg.firstSeen,
          lastSeen: msg.lastSeen,
          hosts: msg.hosts,
          sources: msg.sources,
          sample: msg.sample,
          fix: msg.fix,
          resolved: msg.resolved,
        },
      },
      `Alert ${msg.event}: ${msg.service} ${msg.kind} (${msg.counts.window} rejection${msg.counts.window === 1 ? '' : 's'} in this window). ${msg.fix}`,
    );
  }
}

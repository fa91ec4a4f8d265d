import type { Writable } from 'node:stream';
import { CONSOLE_RECEIVER, type AlertsConfig } from '../config-schema.js';
import type { Channel } from './channel.js';
import { ConsoleChannel } from './console.js';
import { EmailChannel } from './email.js';
import { SlackChannel } from './slack.js';
import { WebhookChannel } from './webhook.js';

/** One channel per receiver name, plus the built-in console. */
export function createChannels(config: AlertsConfig, deps: { stdout: Writable; clock: () => number }): Map<string, Channel> {
  const out = new Map<string, Channel>([[CONSOLE_RECEIVER, new ConsoleChannel(CONSOLE_RECEIVER, deps.stdout)]]);
  for (const [name, r] of Object.entries(config.receivers)) {
    switch (r.type) {
      case 'slack':
        out.set(name, new SlackChannel(name, r.webhookUrl, deps.clock));
        break;
      case 'webhook':
        out.set(name, new WebhookChannel(name, r, deps.clock));
        break;
      case 'email':
        out.set(name, new EmailChannel(name, r, config.delivery.timeout));
        break;
      case 'console':
        out.set(name, new ConsoleChannel(name, deps.stdout));
        break;
    }
  }
  return out;
}

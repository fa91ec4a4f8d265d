import type { Writable } from 'node:stream';
import type { Notification } from '../notification.js';
import { renderConsole } from '../render/console.js';
import type { Channel } from './channel.js';

/** Writes a readable block to a stream (stdout by default); the receiver when nothing else is set. */
export class ConsoleChannel implements Channel {
  readonly type = 'console' as const;
  constructor(
    readonly name: string,
    private readonly out: Writable,
  ) {}

  send(msg: Notification, _signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(renderConsole(msg), (err) => (err ? reject(err) : resolve()));
    });
  }
}

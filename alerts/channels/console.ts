import type { Writable } from 'node:stream';
import { isPrepared, type OutboundMessage } from '../prepared.js';
import { renderConsole } from '../render/console.js';
import type { Channel } from './channel.js';

/** Writes a readable block to a stream (stdout by default); the receiver when nothing else is set. */
export class ConsoleChannel implements Channel {
  readonly type = 'console' as const;
  constructor(
    readonly name: string,
    private readonly out: Writable,
  ) {}

  send(msg: OutboundMessage, _signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(isPrepared(msg) ? `${msg.text.trimEnd()}\n` : renderConsole(msg), (err) => (err ? reject(err) : resolve()));
    });
  }
}

import { isPrepared, type OutboundMessage } from '../prepared.js';
import { renderSlack } from '../render/slack.js';
import type { Channel } from './channel.js';
import { postBody } from './http-post.js';

/** Slack incoming webhook. Slack answers 200 `ok`; 4xx bodies name the problem (`invalid_blocks`, `no_service`). */
export class SlackChannel implements Channel {
  readonly type = 'slack' as const;
  constructor(
    readonly name: string,
    private readonly webhookUrl: string,
    private readonly clock: () => number,
  ) {}

  async send(msg: OutboundMessage, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(isPrepared(msg) ? msg.slack : renderSlack(msg));
    await postBody({ label: `Slack (receiver ${this.name})`, url: this.webhookUrl }, body, { 'Content-Type': 'application/json; charset=utf-8' }, signal, this.clock());
  }
}

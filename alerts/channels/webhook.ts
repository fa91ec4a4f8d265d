import { isPrepared, type OutboundMessage } from '../prepared.js';
import { renderWebhook, signedJsonRequest } from '../render/webhook.js';
import type { Channel } from './channel.js';
import { postBody } from './http-post.js';

/** Generic JSON webhook, HMAC-signed when a secret is configured (see render/webhook.ts). */
export class WebhookChannel implements Channel {
  readonly type = 'webhook' as const;
  constructor(
    readonly name: string,
    private readonly cfg: { readonly url: string; readonly secret?: string | undefined; readonly headers?: Readonly<Record<string, string>> | undefined },
    private readonly clock: () => number,
  ) {}

  async send(msg: OutboundMessage, signal: AbortSignal): Promise<void> {
    const now = this.clock();
    const opts = { secret: this.cfg.secret, headers: this.cfg.headers, now };
    const req = isPrepared(msg) ? signedJsonRequest(msg.json, msg.id, msg.kind, opts) : renderWebhook(msg, opts);
    await postBody({ label: `Webhook (receiver ${this.name})`, url: this.cfg.url }, req.body, req.headers, signal, now);
  }
}

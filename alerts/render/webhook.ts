import { createHmac } from 'node:crypto';
import type { Notification } from '../notification.js';

export const SIGNATURE_HEADER = 'X-Authwatch-Signature';
export const TIMESTAMP_HEADER = 'X-Authwatch-Timestamp';
export const DELIVERY_HEADER = 'X-Authwatch-Delivery';
export const EVENT_HEADER = 'X-Authwatch-Event';

export interface WebhookRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The generic webhook: the notification as JSON (its `version` field says which layout), the
 * same bytes on every retry. With a secret, `X-Authwatch-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of exactly those bytes; `X-Authwatch-Timestamp` is the send time in Unix seconds
 * and `X-Authwatch-Delivery` the notification id, for de-duplicating a re-sent message.
 */
export function renderWebhook(n: Notification, opts: WebhookOptions): WebhookRequest {
  return signedJsonRequest(n, n.id, n.event, opts);
}

export interface WebhookOptions {
  readonly secret?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly now: number;
}

/** Any JSON payload with the delivery id, event and (with a secret) signature headers. */
export function signedJsonRequest(payload: unknown, id: string, event: string, opts: WebhookOptions): WebhookRequest {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    ...opts.headers,
    'Content-Type': 'application/json; charset=utf-8',
    [TIMESTAMP_HEADER]: String(Math.floor(opts.now / 1000)),
    [DELIVERY_HEADER]: id,
    [EVENT_HEADER]: event,
  };
  if (opts.secret !== undefined) headers[SIGNATURE_HEADER] = `sha256=${sign(body, opts.secret)}`;
  return { body, headers };
}

export const sign = (body: string, secret: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

import { AuthwatchError } from '../src/errors.js';

/**
 * A failed send. `retryable` decides between another try and the dead letter; `retryAfterMs`
 * carries a receiver's 429 Retry-After, which takes the place of the computed backoff.
 */
export class DeliveryError extends AuthwatchError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, opts: { retryable: boolean; status?: number; retryAfterMs?: number | undefined; cause?: unknown }) {
    super('DELIVERY_FAILED', message, { retryable: opts.retryable, cause: opts.cause });
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Anything a channel threw, as a DeliveryError; unknown failures are assumed transient. */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DeliveryError(message, { retryable: true, cause: err });
}

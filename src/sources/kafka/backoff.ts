/** Retry delays for the Kafka source: exponential with jitter, and an abortable sleep. */

export interface BackoffOptions {
  /** First delay. Milliseconds; default 500. */
  readonly initialMs: number;
  /** Ceiling for any delay. Milliseconds; default 30000. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): initial × 2^(attempt−1), capped, then spread
 * by ±20 % so processes that failed together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

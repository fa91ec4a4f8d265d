/** Retry delays shared by the sources and the alert delivery: exponential with jitter. */

export interface BackoffOptions {
  /** First delay. Milliseconds. */
  readonly initialMs: number;
  /** Ceiling for any delay. Milliseconds. */
  readonly maxMs: number;
}

/** What sources use when nothing else is configured: 500 ms doubling to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): initial × 2^(attempt−1), capped, with "equal
 * jitter" (half fixed, half random) so processes that failed together do not come back together.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or at once when the signal aborts. Never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

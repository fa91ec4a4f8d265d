import type { Clock, Log } from '../contracts.js';

/** Backoff after a failed sink call or read. Milliseconds. */
export interface RetryPolicy {
  /** First delay; default 500. */
  readonly baseMs: number;
  /** Ceiling; default 30000. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): doubling up to the ceiling, the upper half
 * randomised so sources that failed together do not retry together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
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

/** Distinct warning keys remembered (paths, streams). */
const MAX_KEYS = 1_000;

/** Warnings that would repeat every poll (a missing file) are logged once per key per interval. */
export class RateLimitedWarnings {
  private readonly last = new Map<string, number>();

  /** `intervalMs`: least time between two warnings with the same key. Milliseconds; default 60000. */
  constructor(
    private readonly log: Log,
    private readonly now: Clock,
    private readonly intervalMs = 60_000,
  ) {}

  warn(key: string, obj: object, msg: string): void {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.intervalMs) return;
    if (this.last.size >= MAX_KEYS) this.last.clear(); // bounded: at worst a repeat is logged early
    this.last.set(key, t);
    this.log.warn(obj, msg);
  }

  /** Forgets a key once its condition cleared, so a relapse is reported at once. */
  clear(key: string): void {
    this.last.delete(key);
  }
}

export const errorCode = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : err instanceof Error ? err.message : String(err);

import type { Clock, Log } from '../contracts.js';

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

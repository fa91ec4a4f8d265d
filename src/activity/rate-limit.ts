/**
 * How long to wait before retrying a throttled or failed Email Activity API call. The API
 * allows a handful of requests per minute per account and answers 429 past it.
 */

export interface RetryPolicy {
  /** First backoff when the answer names no wait. Milliseconds; default 10 000 (one request per 10 s fits 6/min). */
  readonly baseMs: number;
  /** Longest single wait. Milliseconds; default 120 000. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 10_000, maxMs: 120_000 };

/**
 * The wait named by the answer: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (epoch seconds), else undefined. Never negative, capped at maxMs.
 */
export function serverDelayMs(headers: Headers, now: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const secs = Number(retryAfter);
    const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return clamp(ms, policy.maxMs);
  }
  const reset = Number(headers.get('x-ratelimit-reset')?.trim() ?? '');
  if (headers.has('x-ratelimit-reset') && Number.isFinite(reset)) return clamp(reset * 1000 - now, policy.maxMs);
  return undefined;
}

/** The wait before retry number `attempt` (0-based): the server's word, else exponential backoff. */
export function retryDelayMs(headers: Headers | null, attempt: number, now: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const named = headers === null ? undefined : serverDelayMs(headers, now, policy);
  return named ?? clamp(policy.baseMs * 2 ** attempt, policy.maxMs);
}

/**
 * The wait before the next call when the last answer says the budget is spent
 * (`X-RateLimit-Remaining: 0`), so the next call is not thrown away on a 429; else 0.
 */
export function pacingDelayMs(headers: Headers, now: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  if (headers.get('x-ratelimit-remaining')?.trim() !== '0') return 0;
  return serverDelayMs(headers, now, policy) ?? 0;
}

const clamp = (ms: number, max: number): number => Math.min(Math.max(0, Math.ceil(ms)), max);

/**
 * Delay before try number `attempt + 1`, after `attempt` failed tries (1-based): exponential
 * from `min`, capped at `max`, with "equal jitter" (half fixed, half random) so receivers that
 * failed together do not all come back at the same instant. Milliseconds.
 */
export function backoffDelay(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const base = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

/** Longest Retry-After honoured; a longer one is cut to this. Milliseconds; 24 h. */
export const RETRY_AFTER_CAP = 24 * 3_600_000;

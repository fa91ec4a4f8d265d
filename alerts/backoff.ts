/** Longest Retry-After honoured; a longer one is cut to this. Milliseconds; 24 h. */
export const RETRY_AFTER_CAP = 24 * 3_600_000;

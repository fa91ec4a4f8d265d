import { DeliveryError } from '../delivery-error.js';
import { oneLine, truncate } from '../render/text.js';

/** Most of an error response body kept in the error message. Characters. */
const BODY_EXCERPT = 300;

/**
 * POSTs a body and sorts the outcome: 2xx is success; 429 (with its Retry-After), 408, 425 and
 * 5xx are worth another try, as are network errors and timeouts; any other status is permanent.
 * Error messages never include the URL: a Slack webhook URL is itself a secret.
 */
export async function postBody(
  target: { readonly label: string; readonly url: string },
  body: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  now: number,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(target.url, { method: 'POST', body, headers: { 'User-Agent': 'authwatch', ...headers }, signal, redirect: 'error' });
  } catch (err) {
    throw new DeliveryError(`${target.label} could not be reached: ${networkReason(err, signal)}.`, { retryable: true, cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const excerpt = truncate(oneLine(text).trim(), BODY_EXCERPT);
  const detail = `${target.label} answered ${res.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now);
    throw new DeliveryError(`${detail} (rate limited${retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`}).`, { retryable: true, status: 429, retryAfterMs });
  }
  const retryable = res.status >= 500 || res.status === 408 || res.status === 425;
  throw new DeliveryError(`${detail}.`, { retryable, status: res.status });
}

/**
 * Retry-After as milliseconds from `now`: either delay-seconds or an HTTP date (RFC 9110).
 * A date in the past means now (0); anything unparsable is ignored (undefined).
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}

function networkReason(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'aborted';
  }
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

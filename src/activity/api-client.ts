import { AuthwatchError, errorMessage } from '../errors.js';
import { redact } from '../../parsers/index.js';
import { DEFAULT_RETRY_POLICY, pacingDelayMs, retryDelayMs, type RetryPolicy } from './rate-limit.js';

export const DEFAULT_API_URL = 'https://api.sendgrid.com';

/** The most messages one call returns (the API's own cap on `limit`). */
export const MAX_PAGE_LIMIT = 1000;

export interface ActivityApiOptions {
  /** Base URL, e.g. `https://api.sendgrid.com`; tests point it at a loopback server. */
  readonly baseUrl: string;
  /** A key with Email Activity (read) access; sent as a Bearer token, never logged. */
  readonly apiKey: string;
  /** Messages per call, 1..1000; default 1000. */
  readonly limit?: number;
  /** Oldest and newest last_event_time fetched. */
  readonly since: Date;
  readonly until: Date;
  /** An extra Email Activity query ANDed to the time window, e.g. `status="delivered"`. */
  readonly query?: string;
  /** Calls at most, a guard against a window that never shrinks. Default 200. */
  readonly maxPages?: number;
  /** Retries of one call after 429, 5xx or a network error. Default 5. */
  readonly maxRetries?: number;
  readonly retry?: RetryPolicy;
  /** Longest wait for one answer. Milliseconds; default 60 000. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Told about waits and gaps, for the CLI to print. */
  readonly onNotice?: (message: string) => void;
}

export interface FetchStats {
  pages: number;
  /** Calls repeated after a 429, a 5xx or a network error. */
  retries: number;
  /** Total time spent waiting on rate limits and backoff. Milliseconds. */
  waitedMs: number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** ISO time at whole seconds, as the query language's TIMESTAMP literals are usually written. */
const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Fetches messages from `GET /v3/messages`, newest window first. The endpoint has no cursor: a
 * call returns at most `limit` of the most recent messages matching `query`. So the fetch walks
 * backwards in time: it asks for `last_event_time BETWEEN since AND until`; when a page comes
 * back full, `until` moves to the oldest last_event_time on that page (inclusive, duplicates are
 * dropped by msg_id) and the next call asks again; a short page ends the walk. When a full page
 * shares a single second, `until` steps back one second and the gap is reported through
 * onNotice. 429 answers wait for `Retry-After` or `X-RateLimit-Reset`, then retry.
 */
export async function* fetchActivity(opts: ActivityApiOptions, stats: FetchStats = { pages: 0, retries: 0, waitedMs: 0 }): AsyncGenerator<Record<string, unknown>> {
  const limit = Math.min(Math.max(1, opts.limit ?? MAX_PAGE_LIMIT), MAX_PAGE_LIMIT);
  const maxPages = opts.maxPages ?? 200;
  const since = opts.since.getTime();
  let until = opts.until.getTime();
  const seen = new Set<string>();
  while (stats.pages < maxPages) {
    const window = `last_event_time BETWEEN TIMESTAMP "${isoSeconds(since)}" AND TIMESTAMP "${isoSeconds(until)}"`;
    const query = opts.query ? `(${opts.query}) AND ${window}` : window;
    const url = new URL('/v3/messages', opts.baseUrl);
    url.searchParams.set('limit', String(limit));
    url.searchParams.set('query', query);
    const messages = await getMessages(url, opts, stats);
    stats.pages++;
    let oldest = Infinity;
    for (const m of messages) {
      const t = Date.parse(typeof m.last_event_time === 'string' ? m.last_event_time : '');
      if (Number.isFinite(t)) oldest = Math.min(oldest, t);
      const id = typeof m.msg_id === 'string' ? m.msg_id : null;
      if (id !== null) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      yield m;
    }
    if (messages.length < limit) return;
    if (!Number.isFinite(oldest)) {
      opts.onNotice?.('A full page carried no last_event_time; older messages were not fetched.');
      return;
    }
    let next = Math.floor(oldest / 1000) * 1000;
    if (next >= until) {
      next = until - 1000;
      opts.onNotice?.(`More than ${limit} messages share ${isoSeconds(until)}; some of that second's messages may be missing.`);
    }
    if (next < since) return;
    until = next;
  }
  opts.onNotice?.(`Stopped after ${maxPages} calls; narrow --since or raise --max-pages for the rest.`);
}

async function getMessages(url: URL, opts: ActivityApiOptions, stats: FetchStats): Promise<Array<Record<string, unknown>>> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const policy = opts.retry ?? DEFAULT_RETRY_POLICY;
  const maxRetries = opts.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
        redirect: 'error',
      });
    } catch (err) {
      if (attempt >= maxRetries) throw apiError(`the Email Activity API at ${url.origin} did not answer: ${errorMessage(err)}`, true);
      const wait = retryDelayMs(null, attempt, now(), policy);
      await pause(wait, `No answer from the Email Activity API; retrying in ${wait} ms.`);
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      if (attempt >= maxRetries) throw apiError(`the Email Activity API answered ${res.status} ${maxRetries + 1} times in a row; try again later.`, true);
      const wait = retryDelayMs(res.headers, attempt, now(), policy);
      await pause(wait, `Email Activity API answered ${res.status}; waiting ${wait} ms before retrying.`);
      continue;
    }
    if (!res.ok) {
      const body = redact((await res.text()).slice(0, 300)).replace(/\s+/g, ' ');
      const hint = res.status === 401 || res.status === 403 ? ' Check that SENDGRID_API_KEY holds a key with Email Activity access (the add-on must be enabled on the account).' : '';
      throw apiError(`the Email Activity API answered ${res.status}: ${body}.${hint}`, false);
    }
    const doc: unknown = await res.json();
    const messages = typeof doc === 'object' && doc !== null && 'messages' in doc ? doc.messages : undefined;
    if (!Array.isArray(messages)) throw apiError('the Email Activity API answer has no "messages" array.', false);
    const pace = pacingDelayMs(res.headers, now(), policy);
    if (pace > 0) await pause(pace, `Email Activity API rate limit reached; waiting ${pace} ms.`, false);
    return messages.filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && !Array.isArray(m));
  }

  async function pause(ms: number, notice: string, retry = true): Promise<void> {
    if (retry) stats.retries++;
    stats.waitedMs += ms;
    opts.onNotice?.(notice);
    await sleep(ms);
  }
}

const apiError = (message: string, retryable: boolean): AuthwatchError => new AuthwatchError('SOURCE_FAILED', `Cannot import from ${message}`, { retryable });

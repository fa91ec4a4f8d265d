/**
 * A stand-in for the Email Activity API on 127.0.0.1: `GET /v3/messages?limit=N&query=...`
 * answers the newest N stored messages whose last_event_time falls in the query's
 * `BETWEEN TIMESTAMP "a" AND TIMESTAMP "b"` window, like the real endpoint (no cursor). Replies
 * queued with `throttle()` come first (e.g. one 429). Closed when the test finishes.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface StandInRequest {
  readonly limit: number;
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
}

export interface ActivityApiStandIn {
  readonly url: string;
  readonly requests: StandInRequest[];
  /** Answers the next request with this status and headers instead of data. */
  throttle(status: number, headers: Record<string, string>): void;
}

const WINDOW = /last_event_time BETWEEN TIMESTAMP "([^"]+)" AND TIMESTAMP "([^"]+)"/;

export async function startActivityApi(messages: ReadonlyArray<Record<string, unknown>>): Promise<ActivityApiStandIn> {
  const requests: StandInRequest[] = [];
  const queued: Array<{ status: number; headers: Record<string, string> }> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const limit = Number(url.searchParams.get('limit') ?? '10');
    const query = url.searchParams.get('query') ?? '';
    requests.push({ limit, query, headers: req.headers });
    const q = queued.shift();
    if (q !== undefined) {
      res.writeHead(q.status, { 'content-type': 'application/json', ...q.headers });
      res.end('{"errors":[{"message":"too many requests"}]}');
      return;
    }
    if (url.pathname !== '/v3/messages') {
      res.writeHead(404).end();
      return;
    }
    const w = WINDOW.exec(query);
    const from = w ? Date.parse(w[1] ?? '') : -Infinity;
    const to = w ? Date.parse(w[2] ?? '') : Infinity;
    const page = messages
      .filter((m) => {
        const t = Date.parse(String(m.last_event_time));
        return t >= from && t <= to;
      })
      .sort((a, b) => Date.parse(String(b.last_event_time)) - Date.parse(String(a.last_event_time)))
      .slice(0, limit);
    res.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-limit': '6', 'x-ratelimit-remaining': '5' });
    res.end(JSON.stringify({ messages: page }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    throttle: (status, headers) => queued.push({ status, headers }),
  };
}

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack and webhook receivers. It records every
 * request and answers from a script (500s, 429 with Retry-After, a hang, a dropped connection),
 * then with the default reply. down()/up() take the port away and bring it back, for outages.
 * Closed automatically when the test finishes.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { onTestFinished } from 'vitest';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** `hang` keeps the request open until the receiver closes; `drop` cuts the connection. */
export type Reply = { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string } | 'hang' | 'drop';

export interface HttpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:40123`; any path is accepted. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Replies for the next requests, in order; the default reply follows when they run out. */
  script(...replies: Reply[]): void;
  setDefault(reply: Reply): void;
  /** Stops listening (connections are refused) and cuts open connections. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Resolves once `count` requests arrived; rejects after `timeoutMs` (default 10000). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: Reply[] = [];
  let fallback: Reply = { status: 200, body: 'ok' };
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = queue.shift() ?? fallback;
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { 'Content-Type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : 0);
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const r of hanging) r.destroy();
      hanging.clear();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });

  const port = await listen(0);
  const receiver: HttpReceiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    down: stop,
    up: async () => {
      await listen(port);
    },
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`Expected ${count} requests; got ${requests.length} within ${timeoutMs} ms.`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: stop,
  };
  onTestFinished(() => receiver.close());
  return receiver;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Log } from '../contracts.js';
import { AuthwatchError, errorMessage } from '../errors.js';
import { createRouter, type RouterOptions } from './router.js';

export interface HttpServerOptions extends RouterOptions {
  /** Default 127.0.0.1: the endpoints are for the host's own probes and operators. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly log: Log;
}

export interface OpsServer {
  /** The bound address, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Limits for slow or idle clients. Milliseconds. */
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** Starts the operations HTTP server (node:http: a few routes need no framework). */
export async function startHttpServer(opts: HttpServerOptions): Promise<OpsServer> {
  const route = createRouter(opts);
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      opts.log.error({ error: errorMessage(err), path: req.url?.split('?')[0] }, 'HTTP request failed.');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        new AuthwatchError('USAGE', `Cannot listen on ${opts.host}:${opts.port} for the HTTP server: ${err.code ?? err.message}. Pick a free port (--http ${opts.host}:PORT) or stop what uses it.`, {
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => opts.log.error({ error: err.message }, 'HTTP server error.'));
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

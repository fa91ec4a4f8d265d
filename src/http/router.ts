import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../errors.js';
import { ActionError, ack, mute, parseSilenceBody, retry, unmute, type SilenceRequest } from './actions.js';
import { bearerMatches } from './auth.js';
import type { OpsView } from './ops-view.js';
import { readiness } from './readiness.js';
import { sendError, sendHtml, sendJson } from './responses.js';
import { buildStatus, TREND_RANGES, type TrendRange } from './status-model.js';
import { renderStatusPage } from './status-page.js';

export interface RouterOptions {
  readonly view: OpsView;
  /** Enables the state-changing endpoints; without it they answer 404 like any unknown path. */
  readonly token?: string;
  /** Writes the Prometheus exposition; /metrics answers 404 without it. */
  readonly metricsHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Removes configured secrets from free text shown on the page. */
  readonly scrub?: (s: string) => string;
  /** See readiness(); milliseconds. */
  readonly stallAfterMs?: number;
}

/** Largest JSON body accepted by the POST endpoints. Bytes. */
const MAX_BODY_BYTES = 16 * 1024;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => void | Promise<void>;
interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: RegExp;
  readonly handler: Handler;
  /** Needs the bearer token (and exists only when one is configured). */
  readonly guarded?: boolean;
}

/**
 * The handful of routes, as a table. GET routes are read-only and open (the server binds to
 * loopback by default); POST routes change state and need `Authorization: Bearer <token>`.
 */
export function createRouter(opts: RouterOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { view } = opts;
  const scrub = opts.scrub ?? ((s: string) => s);
  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/healthz$/,
      handler: (_q, res) => sendJson(res, 200, { status: 'alive', state: view.state(), uptimeSeconds: Math.round((view.now() - view.startedAt) / 1000) }),
    },
    {
      method: 'GET',
      path: /^\/readyz$/,
      handler: (_q, res) => {
        const r = readiness(view, opts.stallAfterMs);
        sendJson(res, r.ready ? 200 : 503, JSON.parse(scrub(JSON.stringify(r))) as unknown);
      },
    },
    {
      method: 'GET',
      path: /^\/metrics$/,
      handler: (req, res) => {
        if (!opts.metricsHandler) return sendError(res, 404, 'Prometheus metrics are off; set telemetry.prometheus: true and run with --http.');
        opts.metricsHandler(req, res);
      },
    },
    { method: 'GET', path: /^\/$/, handler: (_q, res, url) => sendHtml(res, 200, renderStatusPage(buildStatus(view, rangeOf(url)), scrub)) },
    {
      method: 'GET',
      path: /^\/api\/status$/,
      handler: (_q, res, url) => sendJson(res, 200, JSON.parse(scrub(JSON.stringify(buildStatus(view, rangeOf(url))))) as unknown),
    },
  ];
  if (opts.token !== undefined) {
    const silence = (fn: (db: OpsView['db'], service: string, req: SilenceRequest, now: number) => object): Handler => async (req, res, _u, [service]) => {
      const body = parseSilenceBody(await readJson(req));
      sendJson(res, 200, fn(view.db, decode(service ?? ''), body, view.now()));
    };
    routes.push(
      { method: 'POST', path: /^\/api\/services\/([^/]+)\/ack$/, handler: silence(ack), guarded: true },
      { method: 'POST', path: /^\/api\/services\/([^/]+)\/mute$/, handler: silence(mute), guarded: true },
      { method: 'POST', path: /^\/api\/services\/([^/]+)\/unmute$/, handler: silence(unmute), guarded: true },
      {
        method: 'POST',
        path: /^\/api\/outbox\/(\d{1,15})\/retry$/,
        handler: async (req, res, _u, [id]) => {
          await readJson(req);
          sendJson(res, 200, retry(view.db, Number(id), view.now()));
        },
        guarded: true,
      },
      {
        method: 'POST',
        path: /^\/api\/outbox\/retry$/,
        handler: async (req, res) => {
          await readJson(req);
          sendJson(res, 200, retry(view.db, undefined, view.now()));
        },
        guarded: true,
      },
    );
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const matching = routes.map((r) => ({ r, m: r.path.exec(url.pathname) })).filter((x) => x.m !== null);
    if (matching.length === 0) return sendError(res, 404, `No such endpoint: ${url.pathname}.`);
    const hit = matching.find((x) => x.r.method === method);
    if (!hit || !hit.m) return sendError(res, 405, `${method} is not allowed here.`, { Allow: [...new Set(matching.map((x) => x.r.method))].join(', ') });
    // The token check comes before anything else about the request is looked at.
    if (hit.r.guarded && !bearerMatches(req.headers.authorization, opts.token ?? '')) {
      req.resume();
      return sendError(res, 401, 'A valid bearer token is required: Authorization: Bearer <http.token>.', { 'WWW-Authenticate': 'Bearer realm="authwatch"' });
    }
    try {
      await hit.r.handler(req, res, url, hit.m.slice(1));
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof ActionError) return sendError(res, err.status, err.message);
      if (err instanceof BodyError) return sendError(res, err.status, err.message);
      sendError(res, 500, `Internal error: ${scrub(errorMessage(err))}`);
    }
  };
}

const rangeOf = (url: URL): TrendRange => {
  const r = url.searchParams.get('range');
  return r !== null && r in TREND_RANGES ? (r as TrendRange) : '24h';
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ActionError(400, 'The service name in the path is not valid percent-encoding.');
  }
};

class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a small JSON body; an empty body is undefined. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new BodyError(415, 'Send the body as Content-Type: application/json.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, 'The body is not valid JSON.');
  }
}

/**
 * The operations HTTP server over a real SQLite file, on a real loopback port: health and
 * readiness answers, the bearer token on state-changing endpoints, escaping on the page.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startHttpServer, type OpsServer } from '../../src/http/server.js';
import { silencesFor } from '../../src/store/alerts-silences.js';
import { getOutbox } from '../../src/store/alerts-outbox.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { EventStore } from '../../src/store/events.js';
import { HOSTILE, NOW, detection, fakeView, seedStatusDb, tempStatusDb, type FakeView } from './seed.js';

const TOKEN = 'test-token-0123456789abcdef';

async function serve(view: FakeView, opts: { token?: string; stallAfterMs?: number } = {}): Promise<OpsServer> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, log: silentLog(), view, ...opts });
  onTestFinished(() => server.close());
  return server;
}

function setup() {
  const { db } = tempStatusDb();
  onTestFinished(() => {
    db.close();
  });
  seedStatusDb(db);
  return fakeView(db);
}

const post = (url: string, auth?: string, body?: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { ...(auth !== undefined && { Authorization: auth }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe('health endpoints', () => {
  it('/healthz answers while the process is alive, even when not ready', async () => {
    const view = setup();
    view.lifecycle = 'draining';
    const s = await serve(view);
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'alive', state: 'draining', uptimeSeconds: 7200 });
  });

  it('/readyz is 200 when everything is fine and 503 with each reason otherwise', async () => {
    const view = setup();
    const s = await serve(view, { stallAfterMs: 60_000 });
    const ok = await fetch(`${s.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ready: true, reasons: [] });

    view.health = [{ id: 'logs', type: 'kafka', state: 'retrying', detail: 'Kafka consumer crashed: Connection error', lastBatchAt: NOW - 10 * 60_000 }];
    view.lag = [{ source: 'logs', topic: 'app-logs', partition: 0, lag: 42 }];
    view.storeHealth = { lastCommitAt: NOW - 120_000, failingSince: NOW - 60_000, lastError: 'database or disk is full' };
    const bad = await fetch(`${s.url}/readyz`);
    expect(bad.status).toBe(503);
    const body = (await bad.json()) as { ready: boolean; reasons: string[] };
    expect(body.ready).toBe(false);
    expect(body.reasons).toEqual([
      'source logs (kafka) is retrying: Kafka consumer crashed: Connection error',
      'batches have failed to store since 2026-03-04T11:59:00.000Z: database or disk is full',
      'source logs has 42 message(s) waiting on app-logs[0] but stored nothing for 600 s',
    ]);
  });

  it('/readyz reports a database that cannot be written', async () => {
    const view = setup();
    const s = await serve(view);
    // Another connection holds the write lock: BEGIN IMMEDIATE cannot get it.
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(view.db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      const res = await fetch(`${s.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^the database is not writable: database is locked/)]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
  });

  it('/readyz is 503 while starting and draining', async () => {
    const view = setup();
    const s = await serve(view);
    for (const state of ['starting', 'draining'] as const) {
      view.lifecycle = state;
      const res = await fetch(`${s.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reasons: string[] }).reasons).toEqual([`the daemon is ${state}`]);
    }
  });
});

describe('state-changing endpoints', () => {
  it('do not exist without a configured token', async () => {
    const s = await serve(setup());
    for (const path of ['/api/services/billing/ack', '/api/services/billing/mute', '/api/outbox/2/retry', '/api/outbox/retry']) {
      const res = await post(`${s.url}${path}`, `Bearer ${TOKEN}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('refuse a missing or wrong token with 401 and change nothing', async () => {
    const view = setup();
    const s = await serve(view, { token: TOKEN });
    const before = silencesFor(view.db, { now: NOW }).length;
    for (const auth of [undefined, '', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer`]) {
      const res = await post(`${s.url}/api/services/billing/ack`, auth, { for: '1h' });
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="authwatch"');
    }
    expect(silencesFor(view.db, { now: NOW })).toHaveLength(before);
    // A GET on a POST-only endpoint is not allowed either way.
    expect((await fetch(`${s.url}/api/services/billing/ack`)).status).toBe(405);
  });

  it('ack, mute, unmute and retry with the right token', async () => {
    const view = setup();
    const s = await serve(view, { token: TOKEN });
    const auth = `Bearer ${TOKEN}`;

    const ack = await post(`${s.url}/api/services/billing/ack`, auth, { kind: 'smtp_basic_auth_2fa', for: '4h' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ ok: true, action: 'ack', service: 'billing', kind: 'smtp_basic_auth_2fa', expiresAt: new Date(NOW + 4 * 3_600_000).toISOString() });

    const name = encodeURIComponent(HOSTILE);
    expect((await post(`${s.url}/api/services/${name}/mute`, auth)).status).toBe(200);
    const silences = silencesFor(view.db, { now: NOW });
    expect(silences.map((x) => `${x.type}:${x.service}`).sort()).toEqual(['ack:billing', 'mute:crm', `mute:${HOSTILE}`].sort());

    const unmute = await post(`${s.url}/api/services/crm/unmute`, auth);
    expect(await unmute.json()).toMatchObject({ ok: true, lifted: 1 });

    const retry = await post(`${s.url}/api/outbox/2/retry`, auth);
    expect(await retry.json()).toMatchObject({ ok: true, id: 2, was: 'dead' });
    expect(getOutbox(view.db, 2)?.state).toBe('pending');
    expect((await post(`${s.url}/api/outbox/99/retry`, auth)).status).toBe(404);

    const badKind = await post(`${s.url}/api/services/billing/ack`, auth, { kind: 'nope' });
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: string }).error).toMatch(/^kind is "nope"; expected one of smtp_basic_auth_2fa/);
    const badFor = await post(`${s.url}/api/services/billing/mute`, auth, { for: 'soon' });
    expect(badFor.status).toBe(400);
    const notJson = await fetch(`${s.url}/api/services/billing/mute`, { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'text/plain' }, body: 'x' });
    expect(notJson.status).toBe(415);
  });
});

describe('status page', () => {
  it('escapes log-derived text and sends a strict Content-Security-Policy', async () => {
    const s = await serve(setup());
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;mailer');
    expect(html).not.toContain('<b>refused</b>');
    expect(html).toContain('535 &lt;b&gt;refused&lt;/b&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('/api/status has the same facts as JSON', async () => {
    const s = await serve(setup());
    const body = (await (await fetch(`${s.url}/api/status?range=24h`)).json()) as {
      services: Array<{ service: string; status: string; total: number; trend: number[] }>;
      outbox: { counts: Record<string, number> };
    };
    expect(body.services.map((x) => [x.service, x.status, x.total])).toEqual([
      ['billing', 'failing', 5],
      ['crm', 'muted', 2],
      [HOSTILE, 'quiet', 1],
    ]);
    // Hourly buckets [start, end) ending at NOW; events 3 h, 2 h (twice), 1 h and 30 min ago.
    expect(body.services[0]?.trend).toHaveLength(24);
    expect(body.services[0]?.trend.slice(-4)).toEqual([0, 1, 2, 2]);
    expect(body.outbox.counts).toEqual({ pending: 1, sending: 0, delivered: 0, dead: 1 });
  });

  it('answers 404 for unknown paths and on /metrics without an exporter', async () => {
    const s = await serve(setup());
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
  });
});

describe('migration progress on the status page', () => {
  it('shows each service as rejected, still using Basic auth, or clean', async () => {
    const view = setup();
    new EventStore(view.db, () => NOW).commit([{ ...detection('legacy-portal', 'smtp_basic_auth_2fa', NOW - 600_000), kind: 'basic_auth_in_use' }]);
    const s = await serve(view);
    const status = (await (await fetch(`${s.url}/api/status`)).json()) as { services: Array<{ service: string; migration: string }> };
    const byService = Object.fromEntries(status.services.map((x) => [x.service, x.migration]));
    expect(byService).toMatchObject({ billing: 'rejected', 'legacy-portal': 'basic-auth' });
    const html = await (await fetch(`${s.url}/`)).text();
    expect(html).toMatch(/data-service="legacy-portal">[\s\S]*?still using Basic auth \(not yet rejected\)/);
  });
});

/**
 * Metrics end to end: a daemon reads a file with a known content, and the values scraped from
 * its /metrics (the OpenTelemetry Prometheus exporter) are exactly what the input implies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDetector } from '../../parsers/index.js';
import { validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { detectorOptions } from '../../src/detector-options.js';
import { Daemon } from '../../src/daemon.js';
import { silentLog } from '../../src/telemetry/logger.js';

import { startHttpReceiver } from '../support/http-receiver.js';
import { tempDir } from '../support/temp.js';
import { parseExposition, type Exposition } from './prometheus-text.js';

const line = (service: string, message: string) => JSON.stringify({ service, level: 'error', message });
const SMTP_2FA = '535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
const SMTP_BAD = 'Mail send failed: Invalid login: 535 Authentication failed: Bad username / password';
const API_2FA = 'HTTP 401: invalid authentication method - declined because you are using basic authentication with 2FA enabled';

/** 40 noise lines, 6 detections in 3 (service, kind) pairs, a Gmail 535 (not ours), one line over maxLineBytes. */
function input(): { text: string; lines: number } {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) out.push(`2026-03-04T10:00:${String(i % 60).padStart(2, '0')}Z INFO request ok id=${i}`);
  out.push(line('billing', SMTP_2FA), line('billing', SMTP_2FA), line('billing', SMTP_2FA));
  out.push(line('crm', SMTP_BAD), line('crm', SMTP_BAD));
  out.push(line('billing', API_2FA));
  out.push('postfix/smtp[1]: relay=smtp.gmail.com said: 535-5.7.8 Username and Password not accepted');
  out.push('x'.repeat(2000));
  return { text: `${out.join('\n')}\n`, lines: out.length };
}

function prefilterCount(config: Config, text: string): number {
  const scanner = createDetector(detectorOptions(config)).open({ stream: 'probe', startOffset: 0, startLine: 1, meta: { source: 'app' } });
  scanner.push(Buffer.from(text));
  return scanner.stats.candidates;
}

async function scrape(base: string): Promise<Exposition> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

describe('/metrics', () => {
  it('reports exact counts for a known input', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const { text, lines } = input();
    writeFileSync(log, text);
    const config = validateConfig({
      sources: [{ type: 'file', id: 'app', paths: [log], startAt: 'beginning', pollIntervalMs: 20 }],
      detector: { maxLineBytes: 1024 },
      alerts: { groupWait: '1h', resolveAfter: '2h' },
    });
    const daemon = new Daemon({ config, dbPath: join(dir, 'db.sqlite'), log: silentLog(), stdin: Readable.from([]), stdout: new PassThrough(), http: { host: '127.0.0.1', port: 0 } });
    await daemon.start();
    onTestFinished(() => daemon.close());
    const base = daemon.httpUrl ?? '';
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    let m = await scrape(base);
    const deadline = Date.now() + 20_000;
    while (m.sum('authwatch_lines_read_total') < lines && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      m = await scrape(base);
    }

    expect(m.types.get('authwatch_lines_read_total')).toBe('counter');
    expect(m.value('authwatch_lines_read_total', { source: 'app' })).toBe(lines);
    expect(m.value('authwatch_bytes_read_total', { source: 'app' })).toBe(Buffer.byteLength(text));
    // Which lines pass the byte prefilter is the detector's business; the metric must agree with it.
    expect(m.value('authwatch_lines_candidate_total', { source: 'app' })).toBe(prefilterCount(config, text));
    expect(m.value('authwatch_lines_skipped_total', { source: 'app', reason: 'too-long' })).toBe(1);
    expect(m.value('authwatch_detections_total', { kind: 'smtp_basic_auth_2fa', service: 'billing' })).toBe(3);
    expect(m.value('authwatch_detections_total', { kind: 'smtp_auth_failed', service: 'crm' })).toBe(2);
    expect(m.value('authwatch_detections_total', { kind: 'api_basic_auth_2fa', service: 'billing' })).toBe(1);
    expect(m.sum('authwatch_detections_total')).toBe(6);
    expect(m.sum('authwatch_events_stored_total')).toBe(6);
    expect(m.value('authwatch_source_up', { source: 'app', type: 'file' })).toBe(1);
    // Nothing is due yet (groupWait 1h), so the outbox is empty but its series exist.
    expect(m.value('authwatch_outbox_depth', { state: 'pending', receiver: 'console' })).toBe(0);
    expect(m.value('authwatch_outbox_depth', { state: 'dead', receiver: 'console' })).toBe(0);
    expect(m.value('authwatch_checkpoint_age', { source: 'app' })).toBeGreaterThanOrEqual(0);
  });

  it('counts notification sends by receiver and outcome, with their latency', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, `${line('billing', SMTP_2FA)}\n${line('crm', SMTP_BAD)}\n`);
    const good = await startHttpReceiver();
    const bad = await startHttpReceiver();
    bad.setDefault({ status: 500, body: 'down' });
    const config = validateConfig({
      sources: [{ type: 'file', id: 'app', paths: [log], startAt: 'beginning', pollIntervalMs: 20 }],
      alerts: {
        groupWait: '1s',
        evaluateInterval: '1s',
        receivers: { hook: { type: 'webhook', url: `${good.url}/hook` }, flaky: { type: 'webhook', url: `${bad.url}/hook` } },
        routes: [{ receivers: ['hook', 'flaky'] }],
        // Retries come much later than this test looks, so each count is exact.
        delivery: { backoffMin: '10m', backoffMax: '1h' },
      },
    });
    const daemon = new Daemon({ config, dbPath: join(dir, 'db.sqlite'), log: silentLog(), stdin: Readable.from([]), stdout: new PassThrough(), http: { host: '127.0.0.1', port: 0 } });
    await daemon.start();
    onTestFinished(() => daemon.close());
    // One firing notification per service to each receiver: 2 accepted by `hook`, 2 refused by `flaky`.
    await good.waitFor(2, 20_000);
    await bad.waitFor(2, 20_000);
    const base = daemon.httpUrl ?? '';
    let m = await scrape(base);
    for (let i = 0; i < 50 && (m.sum('authwatch_notifications_total', { receiver: 'flaky' }) < 2 || m.sum('authwatch_notifications_total', { receiver: 'hook' }) < 2); i++) {
      await new Promise((r) => setTimeout(r, 100));
      m = await scrape(base);
    }
    expect(m.value('authwatch_notifications_total', { receiver: 'hook', channel: 'webhook', outcome: 'sent' })).toBe(2);
    expect(m.value('authwatch_notifications_total', { receiver: 'flaky', channel: 'webhook', outcome: 'failed' })).toBe(2);
    expect(m.value('authwatch_notifications_total', { receiver: 'flaky', outcome: 'sent' })).toBeUndefined();
    expect(m.value('authwatch_notification_latency_count', { receiver: 'hook', channel: 'webhook' })).toBe(2);
    // The failed sends wait in the outbox for their next try.
    expect(m.value('authwatch_outbox_depth', { state: 'pending', receiver: 'flaky' })).toBe(2);
    expect(m.value('authwatch_outbox_depth', { state: 'pending', receiver: 'hook' })).toBe(0);
  });

  it('answers 404 on /metrics when Prometheus is switched off', async () => {
    const dir = tempDir();
    const config = validateConfig({ sources: [{ type: 'stdin', id: 'in' }], telemetry: { prometheus: false } });
    const stdin = new PassThrough();
    const daemon = new Daemon({ config, dbPath: join(dir, 'db.sqlite'), log: silentLog(), stdin, stdout: new PassThrough(), http: { host: '127.0.0.1', port: 0 } });
    await daemon.start();
    onTestFinished(async () => {
      stdin.end();
      await daemon.close();
    });
    const res = await fetch(`${daemon.httpUrl ?? ''}/metrics`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/telemetry\.prometheus/);
  });
});

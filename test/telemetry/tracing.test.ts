/**
 * Traces: each source batch is a span with its counts, and each notification send is a span
 * linked to the batch span that stored the events it is about.
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

describe('traces', () => {
  it('link a notification to the batch that stored its detection', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.disable();
    trace.setGlobalTracerProvider(provider);
    onTestFinished(async () => {
      await provider.shutdown();
      trace.disable();
    });

    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, `noise\n${JSON.stringify({ service: 'billing', message: '535 Authentication failed: Basic authentication is not allowed with 2FA enabled' })}\n`);
    const hook = await startHttpReceiver();
    const config = validateConfig({
      sources: [{ type: 'file', id: 'app', paths: [log], startAt: 'beginning', pollIntervalMs: 20 }],
      alerts: { groupWait: '1s', receivers: { hook: { type: 'webhook', url: `${hook.url}/h` } }, routes: [{ receivers: ['hook'] }] },
    });
    const daemon = new Daemon({ config, dbPath: join(dir, 'db.sqlite'), log: silentLog(), stdin: Readable.from([]), stdout: new PassThrough() });
    await daemon.start();
    onTestFinished(() => daemon.close());
    await hook.waitFor(1, 20_000);
    expect(await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'authwatch.notification.send'), 5_000)).toBe(true);

    const spans = exporter.getFinishedSpans();
    const batch = spans.find((s) => s.name === 'authwatch.batch' && s.attributes['authwatch.detections'] === 1);
    expect(batch?.attributes).toMatchObject({ 'authwatch.source': 'app', 'authwatch.batch.type': 'chunk', 'authwatch.detections': 1, 'authwatch.events.stored': 1 });
    const send = spans.find((s) => s.name === 'authwatch.notification.send');
    expect(send?.attributes).toMatchObject({ 'authwatch.receiver': 'hook', 'authwatch.channel': 'webhook', 'authwatch.service': 'billing', 'authwatch.kind': 'smtp_basic_auth_2fa', 'authwatch.notification.event': 'firing' });
    expect(send?.links.map((l) => l.context.spanId)).toEqual([batch?.spanContext().spanId]);
    expect(send?.links[0]?.context.traceId).toBe(batch?.spanContext().traceId);
  });
});

/**
 * /readyz follows a real Kafka broker: ready while the consumer is in its group, 503 with the
 * reason once the broker is gone, ready again after it returns. The broker is this test's own
 * (startKafkaBroker), so stopping it disturbs no other test.
 */
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/daemon.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { createTopic, produce, uniqueName } from '../support/kafka-admin.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { tempDir } from '../support/temp.js';

interface Ready {
  status: number;
  reasons: string[];
}

async function readyz(base: string): Promise<Ready> {
  const res = await fetch(`${base}/readyz`);
  const body = (await res.json()) as { reasons: string[] };
  return { status: res.status, reasons: body.reasons };
}

/** Polls /readyz until `want` holds; returns the last answer. */
async function until(base: string, want: (r: Ready) => boolean, timeoutMs: number): Promise<Ready> {
  const deadline = Date.now() + timeoutMs;
  let r = await readyz(base);
  while (!want(r) && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 250));
    r = await readyz(base);
  }
  return r;
}

let broker: KafkaBroker;
beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await broker?.stop();
});

describe('/readyz with a Kafka source', () => {
  it('goes not-ready when the broker goes away and ready again when it returns', async () => {
    const topic = uniqueName('readyz');
    await createTopic(broker.brokers, topic, 1);
    await produce(broker.brokers, topic, [{ value: JSON.stringify({ service: 'billing', message: '535 Authentication failed: Basic authentication is not allowed with 2FA enabled' }) }]);
    const config = validateConfig({ sources: [{ type: 'kafka', id: 'logs', brokers: [broker.brokers], topics: [topic], groupId: uniqueName('g') }] });
    const daemon = new Daemon({ config, dbPath: join(tempDir(), 'db.sqlite'), log: silentLog(), stdin: Readable.from([]), stdout: new PassThrough(), http: { host: '127.0.0.1', port: 0 } });
    await daemon.start();
    onTestFinished(() => daemon.close());
    const base = daemon.httpUrl ?? '';

    const first = await until(base, (r) => r.status === 200, 90_000);
    expect(first).toEqual({ status: 200, reasons: [] });

    await broker.stopForOutage();
    const down = await until(base, (r) => r.status === 503, 90_000);
    expect(down.status).toBe(503);
    expect(down.reasons).toEqual([expect.stringMatching(/^source logs \(kafka\) is retrying: /)]);

    await broker.start();
    const back = await until(base, (r) => r.status === 200, 150_000);
    expect(back).toEqual({ status: 200, reasons: [] });
  }, 360_000);
});

/**
 * The Kafka broker killed mid-stream and kept down (10 s in CI, a full minute in the soak run,
 * AUTHWATCH_OUTAGE_MS) under the real daemon binary: /readyz must say not-ready while it is
 * gone and ready once it is back, the daemon must recover without help, and the counts must
 * end exact — nothing lost, nothing doubled. Broker restarts and rebalances with batches in
 * flight are also covered in-process by test/daemon/kafka-daemon.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { makeCorpus, type Corpus } from '../support/corpus.js';
import { spawnAuthwatch, storedCounts, waitFor } from '../support/daemon-process.js';
import { freePort } from '../support/free-port.js';
import { createTopic, produce, uniqueName } from '../support/kafka-admin.js';
import { startKafkaBroker } from '../support/kafka-broker.js';
import { tempDir } from '../support/temp.js';

const OUTAGE_MS = Number(process.env.AUTHWATCH_OUTAGE_MS ?? 10_000);
const sorted = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

function plus(a: Corpus, b: Corpus): Record<string, number> {
  const out = { ...a.truth };
  for (const [k, v] of Object.entries(b.truth)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** /readyz status and reasons; status 0 when the daemon does not answer. */
async function readyz(base: string): Promise<{ status: number; body: string }> {
  try {
    const r = await fetch(`${base}/readyz`);
    return { status: r.status, body: await r.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

async function until(base: string, status: number, ms: number): Promise<{ status: number; body: string }> {
  let last = await readyz(base);
  const deadline = Date.now() + ms;
  while (last.status !== status && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await readyz(base);
  }
  return last;
}

describe('Kafka broker outage under the daemon', () => {
  it(`recovers by itself after ${OUTAGE_MS / 1000} s without a broker, /readyz telling the truth, counts exact`, async () => {
    const broker = await startKafkaBroker();
    onTestFinished(() => broker.stop());
    const topic = uniqueName('outage');
    await createTopic(broker.brokers, topic, 2);
    const before = makeCorpus(8_000, { seed: 51, tag: 'before' });
    const after = makeCorpus(8_000, { seed: 52, tag: 'after' });
    await produce(broker.brokers, topic, before.lines.map((value, i) => ({ value, partition: i % 2 })));

    const dir = tempDir();
    const db = join(dir, 'state.sqlite');
    const port = await freePort();
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(
      config,
      `database:\n  path: ${db}\nsources:\n  - type: kafka\n    id: fleet\n    brokers: ["${broker.brokers}"]\n    topics: [${topic}]\n    groupId: ${uniqueName('g')}\n    sessionTimeoutMs: 6000\nhttp:\n  host: 127.0.0.1\n  port: ${port}\nlog:\n  level: info\n`,
    );
    const daemon = spawnAuthwatch(['run', '--config', config]);
    const base = `http://127.0.0.1:${port}`;
    expect(await waitFor(() => sorted(storedCounts(db)) === sorted(before.truth), 90_000), daemon.stderr()).toBe(true);
    expect((await until(base, 200, 30_000)).status).toBe(200);

    await broker.stopForOutage('SIGKILL');
    const down = await until(base, 503, 90_000);
    expect(down.status, daemon.stderr()).toBe(503);
    expect(down.body).toMatch(/fleet/);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // Still up, still not ready, nothing lost or invented meanwhile.
    expect(daemon.child.exitCode).toBe(null);
    expect((await readyz(base)).status).toBe(503);
    expect(sorted(storedCounts(db))).toBe(sorted(before.truth));

    await broker.start();
    await produce(broker.brokers, topic, after.lines.map((value, i) => ({ value, partition: i % 2 })));
    expect(await waitFor(() => sorted(storedCounts(db)) === sorted(plus(before, after)), 150_000), daemon.stderr()).toBe(true);
    expect((await until(base, 200, 150_000)).status, daemon.stderr()).toBe(200);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 600_000);
});

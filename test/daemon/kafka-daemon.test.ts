/**
 * The daemon's Kafka path end to end: real broker, real SQLite file, the real detector and
 * pipeline. Counts are compared with the ground truth of a generated corpus.
 */
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDetector } from '../../parsers/index.js';
import { detectorOptions } from '../../src/detector-options.js';
import { Pipeline } from '../../src/pipeline.js';
import { openDb } from '../../src/store/db.js';
import { EventStore } from '../../src/store/events.js';
import { KafkaSource } from '../../src/sources/kafka-source.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { makeCorpus, rng } from '../support/corpus.js';
import { createTopic, produce, uniqueName } from '../support/kafka-admin.js';
import { startKafkaBroker } from '../support/kafka-broker.js';
import { spawnAuthwatch, storedCounts, waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** One pipeline over one SQLite file, with any number of Kafka sources feeding it. */
function pipelineOn(dbPath: string) {
  const db = openDb(dbPath);
  const store = new EventStore(db);
  const pipeline = new Pipeline({ detector: createDetector(detectorOptions()), store });
  const stops: Array<() => Promise<void>> = [];
  onTestFinished(async () => {
    for (const s of stops) await s();
    db.close();
  });
  return {
    dbPath,
    pipeline,
    consume(brokers: string, topic: string, groupId: string) {
      const source = new KafkaSource(
        { id: 'kafka', brokers: [brokers], topics: [topic], groupId, fromBeginning: true, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200, retry: { initialMs: 100, maxMs: 1_000 } },
        store,
        silentLog(),
      );
      const ac = new AbortController();
      const done = source.run(pipeline.sink, ac.signal);
      const stop = async () => {
        ac.abort();
        await done;
      };
      stops.push(stop);
      return { source, stop };
    },
  };
}

describe('authwatch run over Kafka', () => {
  it('counts a realistic mix of producers exactly, with keys and envelopes used for the service', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('mix');
    await createTopic(brokers, topic, 3);
    const corpus = makeCorpus(6_000, { seed: 3 });
    const messages = corpus.lines.map((value, i) => ({ value, partition: i % 3 }));
    // A Vector envelope naming the service in kubernetes labels, and a raw line keyed by service.
    messages.push({ value: JSON.stringify({ message: 'SMTPAuthenticationError: (535, b\'Authentication failed: Basic authentication is not allowed with 2FA enabled\')', kubernetes: { labels: { app: 'invoicer' } }, timestamp: '2026-03-04T10:00:00Z' }), partition: 0 });
    messages.push({ value: 'ERROR mail send failed: 535 Authentication failed: Bad username / password', partition: 1, key: 'legacy-cron' } as never);
    await produce(brokers, topic, messages);
    const truth = { ...corpus.truth, 'invoicer/smtp_basic_auth_2fa': 1, 'legacy-cron/smtp_auth_failed': 1 };

    const p = pipelineOn(join(tempDir(), 'a.sqlite'));
    p.consume(brokers, topic, uniqueName('g'));
    expect(await waitFor(() => JSON.stringify(sorted(storedCounts(p.dbPath))) === JSON.stringify(sorted(truth)), 60_000)).toBe(true);
  });

  it('two consumers in one group share the partitions and together count exactly once', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('pair');
    await createTopic(brokers, topic, 4);
    const corpus = makeCorpus(20_000, { seed: 11 });
    const p = pipelineOn(join(tempDir(), 'a.sqlite'));
    const group = uniqueName('g');
    const first = p.consume(brokers, topic, group);
    await produce(brokers, topic, corpus.lines.slice(0, 10_000).map((value, i) => ({ value, partition: i % 4 })));
    // The second member joins mid-stream: the group rebalances while batches are in flight.
    const second = p.consume(brokers, topic, group);
    expect(await waitFor(() => second.source.health().state === 'running', 60_000)).toBe(true);
    // Produced once both are members: each holds some of the 4 partitions and gets batches.
    await produce(brokers, topic, corpus.lines.slice(10_000).map((value, i) => ({ value, partition: i % 4 })));
    expect(await waitFor(() => JSON.stringify(sorted(storedCounts(p.dbPath))) === JSON.stringify(sorted(corpus.truth)), 90_000)).toBe(true);
    expect(first.source.health().lastBatchAt).toBeDefined();
    expect(second.source.health().lastBatchAt).toBeDefined();
  }, 120_000);

  it('loses nothing and doubles nothing when the broker is restarted mid-stream', async () => {
    const broker = await startKafkaBroker();
    onTestFinished(() => broker.stop());
    const topic = uniqueName('outage');
    await createTopic(broker.brokers, topic, 2);
    const corpus = makeCorpus(8_000, { seed: 5 });
    const p = pipelineOn(join(tempDir(), 'a.sqlite'));
    p.consume(broker.brokers, topic, uniqueName('g'));
    await produce(broker.brokers, topic, corpus.lines.slice(0, 4_000).map((value, i) => ({ value, partition: i % 2 })));
    await sleep(500);
    await broker.stopForOutage('SIGKILL');
    await sleep(3_000);
    await broker.start();
    await produce(broker.brokers, topic, corpus.lines.slice(4_000).map((value, i) => ({ value, partition: i % 2 })));
    expect(await waitFor(() => JSON.stringify(sorted(storedCounts(p.dbPath))) === JSON.stringify(sorted(corpus.truth)), 120_000)).toBe(true);
  }, 180_000);

  it('counts and skips malformed messages without stopping the consumer', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('bad');
    await createTopic(brokers, topic, 1);
    const good = 'ERROR send failed: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
    await produce(brokers, topic, [
      { value: Buffer.from([0xff, 0xfe, 0x00, 0x35, 0x33, 0x35, 0x20]), partition: 0 },
      { value: '{"service":"half-json","msg":"invalid authentication method', partition: 0 },
      { value: '', partition: 0 },
      { value: null, partition: 0 },
      { value: `${'x'.repeat(1_500_000)} uthentication failed`, partition: 0 },
      { value: Buffer.concat([Buffer.from('535 Authentication failed: Bad username / password '), Buffer.from([0, 0, 0, 1, 2, 3])]), partition: 0 },
      { value: JSON.stringify({ service: 'after-the-junk', msg: good }), partition: 0 },
    ]);
    const p = pipelineOn(join(tempDir(), 'a.sqlite'));
    p.consume(brokers, topic, uniqueName('g'));
    expect(await waitFor(() => storedCounts(p.dbPath)['after-the-junk/smtp_basic_auth_2fa'] === 1, 60_000)).toBe(true);
    const stats = p.pipeline.stats();
    expect(stats.longLines).toBe(1);
    expect(stats.binaryLines + stats.malformed).toBeGreaterThanOrEqual(2);
  });

  it('counts every rejection exactly once across SIGKILLs of the daemon process', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('crash');
    await createTopic(brokers, topic, 3);
    const corpus = makeCorpus(60_000, { seed: 21 });
    await produce(brokers, topic, corpus.lines.map((value, i) => ({ value, partition: i % 3 })));
    const dir = tempDir();
    const db = join(dir, 'state.sqlite');
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(config, `database:\n  path: ${db}\nsources:\n  - type: kafka\n    id: logs\n    brokers: [${brokers}]\n    topics: [${topic}]\n    groupId: ${uniqueName('g')}\nlog:\n  level: info\n`);
    const rand = rng(5);
    for (let kill = 0; kill < 5; kill++) {
      const d = spawnAuthwatch(['run', '--config', config]);
      await sleep(1_500 + rand() * 2_500);
      d.child.kill('SIGKILL');
      await d.exited;
    }
    const final = spawnAuthwatch(['run', '--config', config]);
    const ok = await waitFor(() => JSON.stringify(sorted(storedCounts(db))) === JSON.stringify(sorted(corpus.truth)), 120_000);
    expect(sorted(storedCounts(db)), final.stderr()).toEqual(sorted(corpus.truth));
    expect(ok).toBe(true);
    // SIGTERM once the daemon is up, to test the drain rather than a stop during start-up.
    expect(await waitFor(() => final.stderr().includes('authwatch is running'), 30_000)).toBe(true);
    final.child.kill('SIGTERM');
    expect(await final.exited, final.stderr()).toBe(0);
  }, 240_000);
});

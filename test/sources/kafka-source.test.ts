/**
 * The Kafka source against a real broker (test/support/global-setup.ts), with a Map-backed
 * stand-in for the store. Each test uses its own topic and group.
 */
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { KafkaSource, type KafkaSourceOptions } from '../../src/sources/kafka-source.js';
import { committedOffsets, createTopic, produce, setCommittedOffsets, uniqueName } from '../support/kafka-admin.js';
import { startKafkaBroker } from '../support/kafka-broker.js';
import { MemoryStore, memoryLog, waitFor } from '../support/memory-store.js';

const SOURCE_ID = 'kafka-test';

interface Running {
  readonly source: KafkaSource;
  stop(): Promise<void>;
}

/** Starts a source with test-friendly timings; it is stopped when the test ends. */
function startSource(brokers: string, store: MemoryStore, opts: Pick<KafkaSourceOptions, 'groupId'> & Partial<KafkaSourceOptions>): Running {
  const log = memoryLog();
  const source = new KafkaSource(
    {
      id: SOURCE_ID,
      brokers: [brokers],
      fromBeginning: true,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxWaitTimeMs: 200,
      retry: { initialMs: 100, maxMs: 1_000 },
      ...opts,
    },
    store.reader,
    log,
  );
  const controller = new AbortController();
  const done = source.run(store.sink, controller.signal);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    controller.abort();
    await done;
  };
  onTestFinished(async (ctx) => {
    await stop();
    if (ctx.task.result?.state === 'fail') process.stderr.write(`${log.lines.slice(-60).join('\n')}\n`);
  });
  return { source, stop };
}

/** `count` messages for each partition, values `<tag>-<partition>-<i>`. */
function messages(partitions: number[], count: number, tag = 'm'): Array<{ partition: number; key: string; value: string }> {
  return partitions.flatMap((partition) =>
    Array.from({ length: count }, (_, i) => ({ partition, key: `svc-${i % 3}`, value: `${tag}-${partition}-${i}` })),
  );
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const stream = (topic: string, partition: number): string => `kafka:${topic}:${partition}`;
const total = (store: MemoryStore): number => store.records.length;
const sameOffsets = (byPartition: Map<number, number>, expected: number[]): boolean =>
  expected.every((offset, partition) => byPartition.get(partition) === offset);

describe('KafkaSource', () => {
  it('delivers every message of a multi-partition topic exactly once and advances checkpoints', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('ks-all');
    const groupId = uniqueName('ks-all-g');
    await createTopic(brokers, topic, 3);
    await produce(brokers, topic, messages([0, 1, 2], 100).map((m) => ({ ...m, headers: { trace: `t-${m.value}` } })));

    const store = new MemoryStore();
    const { source } = startSource(brokers, store, { groupId, topics: [topic], maxRecordsPerBatch: 30 });
    await waitFor('300 records', () => total(store) >= 300);

    const offsets = store.offsets();
    for (const p of [0, 1, 2]) {
      expect(offsets.get(stream(topic, p))).toEqual(range(0, 100));
      expect(store.nextOffset(SOURCE_ID, stream(topic, p))).toBe(100);
    }
    const first = store.records.find((r) => r.stream === stream(topic, 1) && r.offset === 4);
    expect(first?.value?.toString('utf8')).toBe('m-1-4');
    expect(first?.key).toBe('svc-1');
    expect(first?.headers).toEqual({ trace: 't-m-1-4' });

    // Kafka commits follow the store (they trail it by at most one batch).
    await waitFor('Kafka commits', async () => sameOffsets(await committedOffsets(brokers, groupId, topic), [100, 100, 100]));
    expect(source.lag().map((l) => l.lag)).toEqual([0, 0, 0]);
    expect(source.health()).toMatchObject({ id: SOURCE_ID, type: 'kafka', state: 'running' });
  });

  it('resumes from the stored checkpoint after a restart, whether Kafka is ahead of the store or behind it', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('ks-restart');
    const groupId = uniqueName('ks-restart-g');
    await createTopic(brokers, topic, 2);
    await produce(brokers, topic, messages([0, 1], 20));

    const store = new MemoryStore();
    const first = startSource(brokers, store, { groupId, topics: [topic] });
    await waitFor('first 40 records', () => total(store) >= 40);
    await first.stop();

    // p0: the store fell back to 10 while Kafka says 20 (Kafka ahead: offsets 10..19 must be re-read).
    // p1: Kafka fell back to 5 while the store says 20 (store ahead, as after a crash between the
    //     store commit and the Kafka commit: 5..19 must not be delivered again).
    store.setNextOffset(SOURCE_ID, stream(topic, 0), 10);
    await setCommittedOffsets(brokers, groupId, topic, [{ partition: 1, offset: 5 }]);
    store.records.length = 0;
    await produce(brokers, topic, messages([0, 1], 25).filter((m) => Number(m.value.split('-')[2]) >= 20));

    const second = startSource(brokers, store, { groupId, topics: [topic] });
    await waitFor('records after restart', () => total(store) >= 15 + 5);
    await second.stop();
    expect(store.offsets().get(stream(topic, 0))).toEqual(range(10, 25));
    expect(store.offsets().get(stream(topic, 1))).toEqual(range(20, 25));

    // A plain restart continues exactly where the store is.
    store.records.length = 0;
    await produce(brokers, topic, messages([0, 1], 28).filter((m) => Number(m.value.split('-')[2]) >= 25));
    const third = startSource(brokers, store, { groupId, topics: [topic] });
    await waitFor('records after second restart', () => total(store) >= 6);
    await third.stop();
    expect(store.offsets().get(stream(topic, 0))).toEqual(range(25, 28));
    expect(store.offsets().get(stream(topic, 1))).toEqual(range(25, 28));
  });

  it('shares the partitions between two sources of one group, each message seen once', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('ks-share');
    const groupId = uniqueName('ks-share-g');
    await createTopic(brokers, topic, 4);
    const store = new MemoryStore();
    const a = startSource(brokers, store, { groupId, topics: [topic] });
    await waitFor('first member to join', () => a.source.lag().length === 4);
    const b = startSource(brokers, store, { groupId, topics: [topic] });
    await waitFor('partitions to be split', () => a.source.lag().length + b.source.lag().length === 4 && b.source.lag().length > 0, 30_000);

    await produce(brokers, topic, messages([0, 1, 2, 3], 50));
    await waitFor('200 records', () => total(store) >= 200);
    await new Promise((resolve) => setTimeout(resolve, 500)); // would-be duplicates have time to show
    for (const p of [0, 1, 2, 3]) expect(store.offsets().get(stream(topic, p))).toEqual(range(0, 50));
    const owners = [a, b].map((s) => s.source.lag().map((l) => l.partition));
    expect(owners.every((o) => o.length > 0)).toBe(true);
  });

  it('acknowledges nothing while the store rejects batches and resumes from the stored position', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('ks-reject');
    const groupId = uniqueName('ks-reject-g');
    await createTopic(brokers, topic, 2);
    const store = new MemoryStore();
    const { source } = startSource(brokers, store, { groupId, topics: [topic] });
    await produce(brokers, topic, messages([0, 1], 10));
    await waitFor('first 20 records', () => total(store) >= 20);
    await waitFor('commits of the first records', async () => sameOffsets(await committedOffsets(brokers, groupId, topic), [10, 10]));

    store.failWith = new Error('database is locked');
    await produce(brokers, topic, messages([0, 1], 30).filter((m) => Number(m.value.split('-')[2]) >= 10));
    await waitFor('repeated rejections', () => store.rejected >= 4);
    const health = source.health();
    expect(health.state).toBe('retrying');
    expect(health.detail).toContain('database is locked');
    expect([...(await committedOffsets(brokers, groupId, topic)).values()]).toEqual([10, 10]);

    store.failWith = undefined;
    await waitFor('all 60 records', () => total(store) >= 60);
    for (const p of [0, 1]) expect(store.offsets().get(stream(topic, p))).toEqual(range(0, 30));
    await waitFor('health to recover', () => source.health().state === 'running');
    await waitFor('commits after recovery', async () => sameOffsets(await committedOffsets(brokers, groupId, topic), [30, 30]));
  });

  it('passes null, binary and large values through without stopping', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('ks-odd');
    const groupId = uniqueName('ks-odd-g');
    await createTopic(brokers, topic, 1);
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]);
    const large = Buffer.alloc(900 * 1024, 'a');
    await produce(brokers, topic, [
      { value: 'before' },
      { value: null, key: Buffer.from([0xff, 0xfe]) },
      { value: binary, headers: { bad: Buffer.from([0xc3, 0x28]), good: 'yes' } },
      { value: large },
      { value: 'after' },
    ]);

    const store = new MemoryStore();
    startSource(brokers, store, { groupId, topics: [topic], maxBytesPerPartition: 64 * 1024 });
    await waitFor('5 records', () => total(store) >= 5);
    const values = store.records.map((r) => r.value);
    expect(store.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    expect(values[0]?.toString()).toBe('before');
    expect(values[1]).toBeNull();
    expect(store.records[1]?.key).toBeNull();
    expect(values[2]?.equals(binary)).toBe(true);
    expect(store.records[2]?.headers).toEqual({ good: 'yes' });
    expect(values[3]?.length).toBe(large.length);
    expect(values[3]?.equals(large)).toBe(true);
    expect(values[4]?.toString()).toBe('after');
  });

  it('reads topics matching topicPattern', async () => {
    const brokers = inject('kafkaBrokers');
    const prefix = uniqueName('ks-pattern');
    await createTopic(brokers, `${prefix}-app`, 1);
    await createTopic(brokers, `${prefix}-mta`, 1);
    await produce(brokers, `${prefix}-app`, [{ value: 'a' }]);
    await produce(brokers, `${prefix}-mta`, [{ value: 'b' }]);
    const store = new MemoryStore();
    startSource(brokers, store, { groupId: uniqueName('ks-pattern-g'), topicPattern: `^${prefix}-(app|mta)$` });
    await waitFor('2 records', () => total(store) >= 2);
    expect([...store.offsets().keys()].sort()).toEqual([stream(`${prefix}-app`, 0), stream(`${prefix}-mta`, 0)]);
  });
});

describe('KafkaSource during a broker outage', () => {
  it('retries until the broker is back, then continues with nothing lost or doubled', async () => {
    const broker = await startKafkaBroker();
    onTestFinished(() => broker.stop());
    const topic = uniqueName('ks-outage');
    await createTopic(broker.brokers, topic, 2);
    await produce(broker.brokers, topic, messages([0, 1], 20));

    const store = new MemoryStore();
    const { source } = startSource(broker.brokers, store, { groupId: uniqueName('ks-outage-g'), topics: [topic] });
    await waitFor('records before the outage', () => total(store) >= 40);

    await broker.stopForOutage('SIGKILL');
    await waitFor('health to report the outage', () => source.health().state === 'retrying', 45_000);
    expect(source.health().detail).toBeTruthy();

    await broker.start();
    await produce(broker.brokers, topic, messages([0, 1], 35).filter((m) => Number(m.value.split('-')[2]) >= 20));
    await waitFor('records after the outage', () => total(store) >= 70, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const p of [0, 1]) expect(store.offsets().get(stream(topic, p))).toEqual(range(0, 35));
    await waitFor('health to recover', () => source.health().state === 'running');
  }, 150_000);
});

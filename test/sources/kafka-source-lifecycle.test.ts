/**
 * Kafka source behaviour that a real broker cannot easily be made to show on demand: a client
 * that fails to connect or gives up, retention gaps, transaction markers. A scripted client
 * stands in for kafkajs behind the project's own KafkaConsumerClient interface.
 */
import { describe, expect, it } from 'vitest';
import type { RecordsBatch, SourceBatch } from '../../src/contracts.js';
import { KafkaBatchProcessor } from '../../src/sources/kafka/batch-processor.js';
import type {
  ClientEvent,
  ClientMessage,
  KafkaConsumerClient,
  PartitionBatch,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../../src/sources/kafka/kafka-client.js';
import { KafkaSource } from '../../src/sources/kafka-source.js';
import { MemoryStore, memoryLog, waitFor } from '../support/memory-store.js';

class ScriptedClient implements KafkaConsumerClient {
  readonly seeks: TopicPartitionOffset[] = [];
  readonly commits: TopicPartitionOffset[] = [];
  readonly paused: TopicPartition[] = [];
  handler: RunOptions['eachBatch'] | undefined;
  disconnected = false;
  private readonly listeners = new Set<(e: ClientEvent) => void>();

  constructor(private readonly connectError?: Error) {}

  async connect(): Promise<void> {
    if (this.connectError) throw this.connectError;
  }
  async subscribe(): Promise<void> {}
  async run(options: RunOptions): Promise<void> {
    this.handler = options.eachBatch;
  }
  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.commits.push(...offsets);
  }
  seek(target: TopicPartitionOffset): void {
    this.seeks.push(target);
  }
  pause(partitions: readonly TopicPartition[]): void {
    this.paused.push(...partitions);
  }
  resume(): void {}
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  onEvent(listener: (event: ClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  isRebalanceError(): boolean {
    return false;
  }
  emit(event: ClientEvent): void {
    for (const l of this.listeners) l(event);
  }
}

const msg = (offset: number): ClientMessage => ({ offset, key: null, value: Buffer.from(`line ${offset}`), headers: {} });

function batchOf(offsets: number[], fetchedOffset = offsets[0] ?? 0, lastOffset = offsets[offsets.length - 1] ?? 0): PartitionBatch {
  return {
    topic: 't',
    partition: 0,
    messages: offsets.map(msg),
    fetchedOffset,
    lastOffset,
    highWatermark: lastOffset + 1,
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    isActive: () => true,
  };
}

function processorWith(store: MemoryStore, client: ScriptedClient, lines: string[] = []): KafkaBatchProcessor {
  return new KafkaBatchProcessor(
    { sourceId: 's', maxRecordsPerBatch: 100, retry: { initialMs: 10, maxMs: 20 } },
    { client, sink: store.sink, checkpoints: store.reader, log: memoryLog(lines), clock: Date.now, signal: new AbortController().signal, onProgress: () => undefined },
  );
}

describe('KafkaBatchProcessor', () => {
  it('seeks every assigned partition to its stored position on group join', () => {
    const store = new MemoryStore();
    store.setNextOffset('s', 'kafka:t:0', 42);
    const client = new ScriptedClient();
    processorWith(store, client).onAssigned([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect(client.seeks).toEqual([{ topic: 't', partition: 0, offset: 42 }]);
  });

  it('drops messages below the stored position', async () => {
    const store = new MemoryStore();
    store.setNextOffset('s', 'kafka:t:0', 10);
    const client = new ScriptedClient();
    const p = processorWith(store, client);
    p.onAssigned([{ topic: 't', partition: 0 }]);
    await p.handle(batchOf([5, 6, 7, 8, 9, 10, 11, 12]));
    expect(store.records.map((r) => r.offset)).toEqual([10, 11, 12]);
    expect(client.commits).toEqual([{ topic: 't', partition: 0, offset: 13 }]);
  });

  it('accepts a gap Kafka no longer holds after one seek back, with a warning', async () => {
    const store = new MemoryStore();
    store.setNextOffset('s', 'kafka:t:0', 10);
    const client = new ScriptedClient();
    const lines: string[] = [];
    const p = processorWith(store, client, lines);
    p.onAssigned([{ topic: 't', partition: 0 }]);
    await p.handle(batchOf([50, 51]));
    expect(store.records.map((r) => r.offset)).toEqual([50, 51]);
    expect(lines.some((l) => l.startsWith('warn') && l.includes('retention'))).toBe(true);
  });

  it('goes back once when a fetch starts past the stored position without a prior seek', async () => {
    const store = new MemoryStore();
    const client = new ScriptedClient();
    const p = processorWith(store, client);
    store.setNextOffset('s', 'kafka:t:0', 3); // stored after the assignment was seen
    await p.handle(batchOf([8, 9]));
    expect(store.records).toEqual([]);
    expect(client.seeks).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
  });

  it('stores a position past trailing transaction markers', async () => {
    const store = new MemoryStore();
    const p = processorWith(store, new ScriptedClient());
    await p.handle(batchOf([0, 1, 2], 0, 3));
    expect(store.nextOffset('s', 'kafka:t:0')).toBe(4);
  });

  it('on a sink rejection, seeks back to the first unstored offset and pauses the partition', async () => {
    const store = new MemoryStore();
    const client = new ScriptedClient();
    const p = processorWith(store, client);
    await p.handle(batchOf([0, 1]));
    store.failWith = new Error('disk full');
    await p.handle(batchOf([2, 3]));
    expect(client.seeks.at(-1)).toEqual({ topic: 't', partition: 0, offset: 2 });
    expect(client.paused).toEqual([{ topic: 't', partition: 0 }]);
    expect(client.commits).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
    expect(p.failing()).toMatchObject({ stream: 'kafka:t:0', error: 'disk full', failures: 1 });
    p.close();
  });
});

describe('KafkaSource lifecycle', () => {
  it('keeps retrying while the client cannot connect, then runs; never throws', async () => {
    const clients: ScriptedClient[] = [];
    const failures = [new Error('connect ECONNREFUSED 127.0.0.1:9092'), new Error('connect ECONNREFUSED 127.0.0.1:9092')];
    const store = new MemoryStore();
    const source = new KafkaSource({ id: 'k', brokers: ['127.0.0.1:9092'], topics: ['t'], groupId: 'g', retry: { initialMs: 10, maxMs: 50 } }, store.reader, memoryLog(), {
      clientFactory: () => {
        const client = new ScriptedClient(failures.shift());
        clients.push(client);
        return client;
      },
    });
    const controller = new AbortController();
    const healthSeen: string[] = [];
    const running = source.run(store.sink, controller.signal);
    await waitFor('a retrying health report', () => {
      const h = source.health();
      healthSeen.push(h.state);
      return h.state === 'retrying' && (h.detail ?? '').includes('ECONNREFUSED');
    });
    await waitFor('a connected client', () => clients.length === 3 && clients[2]?.handler !== undefined);
    clients[2]?.emit({ type: 'group-join', memberId: 'm', assignment: [{ topic: 't', partition: 0 }] });
    expect(source.health().state).toBe('running');

    await clients[2]?.handler?.(batchOf([0, 1, 2]));
    const sunk = store.records.map((r) => r.offset);
    expect(sunk).toEqual([0, 1, 2]);

    controller.abort();
    await expect(running).resolves.toBeUndefined();
    expect(source.health().state).toBe('stopped');
    expect(clients.every((c) => c.disconnected)).toBe(true);
  });

  it('replaces a client that crashed without restarting itself', async () => {
    const clients: ScriptedClient[] = [];
    const store = new MemoryStore();
    const source = new KafkaSource({ id: 'k', brokers: ['b:9092'], topics: ['t'], groupId: 'g', retry: { initialMs: 10, maxMs: 50 } }, store.reader, memoryLog(), {
      clientFactory: () => {
        const client = new ScriptedClient();
        clients.push(client);
        return client;
      },
    });
    const controller = new AbortController();
    const running = source.run(store.sink, controller.signal);
    await waitFor('first client running', () => clients[0]?.handler !== undefined);
    clients[0]?.emit({ type: 'crash', error: new Error('topic authorization failed'), willRestart: false });
    expect(source.health()).toMatchObject({ state: 'retrying', detail: expect.stringContaining('topic authorization failed') as string });
    await waitFor('second client', () => clients[1]?.handler !== undefined);
    expect(clients[0]?.disconnected).toBe(true);
    controller.abort();
    await running;
  });

  it('hands the sink RecordsBatch values with the stream id and { nextOffset } checkpoint', async () => {
    const batches: SourceBatch[] = [];
    const store = new MemoryStore();
    const p = new KafkaBatchProcessor(
      { sourceId: 'src', maxRecordsPerBatch: 2, retry: { initialMs: 10, maxMs: 20 } },
      {
        client: new ScriptedClient(),
        sink: async (b) => {
          batches.push(b);
          await store.sink(b);
        },
        checkpoints: store.reader,
        log: memoryLog(),
        clock: Date.now,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      },
    );
    await p.handle(batchOf([7, 8, 9]));
    const records = batches as RecordsBatch[];
    expect(records.map((b) => [b.type, b.sourceId, b.stream, b.topic, b.partition, b.checkpoint])).toEqual([
      ['records', 'src', 'kafka:t:0', 't', 0, { nextOffset: 9 }],
      ['records', 'src', 'kafka:t:0', 't', 0, { nextOffset: 10 }],
    ]);
  });
});

/**
 * KafkaConsumerClient and KafkaProducerClient on top of kafkajs 2.x. This is the one file that imports
 * kafkajs, so replacing the library (it has had no release since 2023) means rewriting this file
 * only.
 *
 * The consumer runs with autoCommit off and eachBatchAutoResolve off: the Kafka source decides
 * when an offset counts as processed (after the store committed it) and commits it itself.
 */
import type { ConnectionOptions } from 'node:tls';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { Log } from '../../contracts.js';
import { hasNoKeys, NO_ENTRIES } from '../../util/empty.js';
import { createThrottle } from './log-throttle.js';
import type {
  ClientEvent,
  ClientMessage,
  KafkaClientFactory,
  KafkaClientOptions,
  KafkaConsumerClient,
  KafkaProducerClient,
  KafkaProducerFactory,
  KafkaProducerOptions,
  OutgoingMessage,
  PartitionBatch,
  SaslOptions,
  TopicPartition,
} from './kafka-client.js';

/** Error types kafkajs itself treats as "re-join the group" (see its runner). */
const REBALANCE_ERROR_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export const createKafkajsClient: KafkaClientFactory = (options, log) => new KafkajsClient(options, log);

class KafkajsClient implements KafkaConsumerClient {
  private readonly consumer: Consumer;

  constructor(options: KafkaClientOptions, log: Log) {
    const kafka = kafkaInstance(options, log);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
      // kafkajs retries a failing fetch loop this many times (300 ms doubling, capped at 30 s)
      // before it "crashes"; it then restarts itself when the error is retriable. The source
      // re-creates the client when it does not, so an outage never ends consumption.
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000, restartOnFailure: async () => true },
    });
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  subscribe(subscription: { topics?: readonly string[]; pattern?: RegExp; fromBeginning: boolean }): Promise<void> {
    const topics: Array<string | RegExp> = [...(subscription.topics ?? [])];
    if (subscription.pattern) topics.push(subscription.pattern);
    return this.consumer.subscribe({ topics, fromBeginning: subscription.fromBeginning });
  }

  run(options: { partitionsConsumedConcurrently: number; eachBatch: (batch: PartitionBatch) => Promise<void> }): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      eachBatch: (payload) => options.eachBatch(partitionBatch(payload)),
    });
  }

  commitOffsets(offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): Promise<void> {
    return this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
  }

  seek(target: { topic: string; partition: number; offset: number }): void {
    this.consumer.seek({ topic: target.topic, partition: target.partition, offset: String(target.offset) });
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause(byTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume(byTopic(partitions));
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }

  onEvent(listener: (event: ClientEvent) => void): () => void {
    const { events } = this.consumer;
    const removers = [
      this.consumer.on(events.CONNECT, () => listener({ type: 'connect' })),
      this.consumer.on(events.DISCONNECT, () => listener({ type: 'disconnect' })),
      this.consumer.on(events.REBALANCING, () => listener({ type: 'rebalancing' })),
      this.consumer.on(events.GROUP_JOIN, (e) =>
        listener({
          type: 'group-join',
          memberId: e.payload.memberId,
          assignment: Object.entries(e.payload.memberAssignment).flatMap(([topic, partitions]) =>
            partitions.map((partition) => ({ topic, partition })),
          ),
        }),
      ),
      this.consumer.on(events.CRASH, (e) => listener({ type: 'crash', error: e.payload.error, willRestart: e.payload.restart })),
    ];
    return () => removers.forEach((remove) => remove());
  }

  isRebalanceError(error: unknown): boolean {
    for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
      const type = (e as Error & { type?: unknown }).type;
      if (typeof type === 'string' && REBALANCE_ERROR_TYPES.has(type)) return true;
    }
    return false;
  }
}

export const createKafkajsProducer: KafkaProducerFactory = (options, log) => new KafkajsProducer(options, log);

/**
 * kafkajs's idempotent producer: acks = all, one request in flight (kafkajs keeps per-partition
 * sequence numbers right only when requests do not overlap), and kafkajs's default of unlimited
 * retries for idempotent producers (300 ms doubling to 30 s), so a broker outage stalls a send
 * instead of failing it. Sends are also queued one after another here, because the filter's
 * partitions finish their batches concurrently.
 */
class KafkajsProducer implements KafkaProducerClient {
  private readonly producer: Producer;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: KafkaProducerOptions, log: Log) {
    this.producer = kafkaInstance(options, log).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The Java client's murmur2 partitioner, so a service's detections land on the same
      // partition whichever client wrote them.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const sent = this.queue.then(() =>
      this.producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: m.value, ...(m.headers && { headers: { ...m.headers } }) })),
      }),
    );
    this.queue = sent.catch(() => undefined);
    return sent.then(() => undefined);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** The kafkajs entry point shared by consumers and producers: connection, security, logging. */
function kafkaInstance(options: KafkaClientOptions | KafkaProducerOptions, log: Log): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ssl: tlsOptions(options.ssl),
    sasl: saslOptions(options),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.INFO,
    logCreator: () => kafkajsLogger(log),
  });
}

function partitionBatch(payload: EachBatchPayload): PartitionBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: batch.messages.map(clientMessage),
    fetchedOffset: fetchedOffset(batch),
    lastOffset: Number(batch.lastOffset()),
    highWatermark: Number(batch.highWatermark),
    resolveOffset: (offset) => payload.resolveOffset(String(offset)),
    heartbeat: () => payload.heartbeat(),
    isActive: () => payload.isRunning() && !payload.isStale(),
  };
}

/** kafkajs keeps the fetch position on the batch but leaves it out of its type declarations. */
function fetchedOffset(batch: Batch): number {
  const fetched = (batch as Batch & { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched === 'string' || typeof fetched === 'number') return Number(fetched);
  return Number(batch.firstOffset() ?? batch.lastOffset());
}

function clientMessage(m: KafkaMessage): ClientMessage {
  return { offset: Number(m.offset), key: m.key ?? null, value: m.value ?? null, headers: headerBuffers(m.headers) };
}

function headerBuffers(headers: IHeaders | undefined): Readonly<Record<string, readonly Buffer[]>> {
  if (headers === undefined || hasNoKeys(headers)) return NO_ENTRIES;
  const out: Record<string, Buffer[]> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    out[name] = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')));
  }
  return out;
}

function byTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const grouped = new Map<string, number[]>();
  for (const { topic, partition } of partitions) grouped.set(topic, [...(grouped.get(topic) ?? []), partition]);
  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}

function tlsOptions(ssl: KafkaClientOptions['ssl']): ConnectionOptions | boolean | undefined {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl;
  return {
    ...(ssl.ca !== undefined && { ca: ssl.ca }),
    ...(ssl.cert !== undefined && { cert: ssl.cert }),
    ...(ssl.key !== undefined && { key: ssl.key }),
    rejectUnauthorized: ssl.rejectUnauthorized ?? true,
  };
}

function saslOptions(options: { readonly sasl?: SaslOptions | undefined }): SASLOptions | undefined {
  const sasl = options.sasl;
  if (!sasl) return undefined;
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

/** Quiet period for a repeated kafkajs warning or error (same namespace and text). Milliseconds. */
const REPEAT_WINDOW_MS = 30_000;

/**
 * Routes kafkajs's own log lines to the project log, fields kept as fields. kafkajs's INFO
 * lines (group joins, pauses) become debug: they are routine for a long-running consumer.
 * Repeated warnings and errors are throttled (see log-throttle.ts).
 */
function kafkajsLogger(log: Log): (entry: LogEntry) => void {
  const kafkaLog = log.child({ component: 'kafkajs' });
  const throttle = createThrottle(REPEAT_WINDOW_MS);
  return ({ namespace, level, log: content }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = content;
    const text = typeof message === 'string' ? message : String(message);
    if (level === logLevel.ERROR || level === logLevel.WARN) {
      const { pass, suppressed } = throttle(`${namespace}\u0000${text}`);
      if (!pass) return;
      const obj = { namespace, ...fields, ...(suppressed > 0 && { repeatsSuppressed: suppressed }) };
      if (level === logLevel.ERROR) kafkaLog.error(obj, text);
      else kafkaLog.warn(obj, text);
      return;
    }
    kafkaLog.debug({ namespace, ...fields }, text);
  };
}

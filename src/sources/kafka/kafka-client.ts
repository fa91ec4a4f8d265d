/**
 * The slice of a Kafka consumer-group client that the Kafka source needs, in the project's own
 * terms. kafkajs-client.ts implements it today; another client library can replace that one file
 * without touching kafka-source.ts.
 *
 * Offsets here are plain numbers: Kafka offsets are 64-bit, but a partition would need 2^53
 * messages before a JavaScript number lost precision.
 */
import type { Log } from '../../contracts.js';

export interface ClientMessage {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values as sent; a header repeated on one message keeps every value, in order. */
  readonly headers: Readonly<Record<string, readonly Buffer[]>>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** For commits and seeks: the next offset to read. */
  readonly offset: number;
}

/** Messages fetched from one partition, handed to the batch handler one at a time per partition. */
export interface PartitionBatch extends TopicPartition {
  /** Messages in offset order; control records and aborted transactions are already removed. */
  readonly messages: readonly ClientMessage[];
  /** The offset this fetch started at: where the client believed the partition's position was. */
  readonly fetchedOffset: number;
  /**
   * Offset of the last record fetched, counting records the client filtered out (transaction
   * markers): resolving the last message moves the position past this one.
   */
  readonly lastOffset: number;
  /** Offset the next produced message will get; `highWatermark - nextOffset` is the lag. */
  readonly highWatermark: number;
  /** Marks every offset up to and including `offset` as processed. */
  resolveOffset(offset: number): void;
  /** Tells the group coordinator this member is alive; call during long work. May throw on rebalance. */
  heartbeat(): Promise<void>;
  /**
   * False once the consumer is stopping, or the partition has a pending seek (a rebalance or a
   * seek made this batch outdated). Work on an inactive batch must stop without side effects.
   */
  isActive(): boolean;
}

export type BatchHandler = (batch: PartitionBatch) => Promise<void>;

export interface Subscription {
  /** Exact topic names. */
  readonly topics?: readonly string[];
  /** Topics matching this pattern at subscribe time. */
  readonly pattern?: RegExp;
  /** With no committed offset for the group: true reads from the earliest offset, false from the latest. */
  readonly fromBeginning: boolean;
}

export interface RunOptions {
  /** Partitions whose batches may be handled at the same time; one batch per partition at most. */
  readonly partitionsConsumedConcurrently: number;
  readonly eachBatch: BatchHandler;
}

/** What happened to the consumer, for health and for re-creating a consumer that gave up. */
export type ClientEvent =
  | { readonly type: 'connect' }
  | { readonly type: 'disconnect' }
  | { readonly type: 'group-join'; readonly memberId: string; readonly assignment: readonly TopicPartition[] }
  | { readonly type: 'rebalancing' }
  /** `willRestart` false means the client stopped for good and must be re-created to go on. */
  | { readonly type: 'crash'; readonly error: Error; readonly willRestart: boolean };

export interface KafkaConsumerClient {
  connect(): Promise<void>;
  subscribe(subscription: Subscription): Promise<void>;
  /** Starts fetching in the background; resolves once started, not when consumption ends. */
  run(options: RunOptions): Promise<void>;
  /** Commits the group's offsets for the given partitions (each `offset` is the next to read). */
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Moves a partition's position; takes effect at the next fetch and makes in-flight batches inactive. */
  seek(target: TopicPartitionOffset): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Leaves the group and closes connections; waits for an in-flight batch to finish. */
  disconnect(): Promise<void>;
  /** Subscribes to client events; returns a function that unsubscribes. */
  onEvent(listener: (event: ClientEvent) => void): () => void;
  /**
   * True for errors that mean "the group is rebalancing": the batch handler must let these
   * propagate so the client re-joins the group.
   */
  isRebalanceError(error: unknown): boolean;
}

export interface SaslOptions {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

/** TLS settings; certificate and key values are PEM text, already read from files by the config loader. */
export interface TlsOptions {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Default true: verify the broker's certificate. */
  readonly rejectUnauthorized?: boolean;
}

export interface KafkaClientOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly sasl?: SaslOptions;
  /** true: TLS with the system CAs. */
  readonly ssl?: boolean | TlsOptions;
  /** Group session timeout. Milliseconds; default 30000. */
  readonly sessionTimeoutMs?: number;
  /** Time members get to re-join during a rebalance. Milliseconds; default 60000. */
  readonly rebalanceTimeoutMs?: number;
  /** Heartbeat period. Milliseconds; default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** Most bytes fetched per partition per request. Bytes; default 1 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Most bytes per fetch response, all partitions together. Bytes; default 10 MiB. */
  readonly maxBytes?: number;
  /** Longest a fetch waits on the broker for new data. Milliseconds; default 1000. */
  readonly maxWaitTimeMs?: number;
  /** Connection attempt timeout. Milliseconds; default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Request timeout. Milliseconds; default 30000. */
  readonly requestTimeoutMs?: number;
}

/** Creates a client; the client routes its own logging to `log`. */
export type KafkaClientFactory = (options: KafkaClientOptions, log: Log) => KafkaConsumerClient;

// ---------------------------------------------------------------------------------------------
// Producing (the filter role publishes detections)

/** One message to publish. */
export interface OutgoingMessage {
  /** Partitioning key; messages with one key land on one partition, in order. */
  readonly key: string | null;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A producer that is idempotent (the broker drops a retried duplicate of a batch) and waits for
 * every in-sync replica (acks = all) before a send resolves. Sends are not transactional: see
 * the README, "Scale-out over Kafka", "Delivery guarantee", for why.
 */
export interface KafkaProducerClient {
  connect(): Promise<void>;
  /** Resolves once every message is acknowledged by all in-sync replicas; rejects otherwise. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaProducerOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly sasl?: SaslOptions;
  readonly ssl?: boolean | TlsOptions;
  /** Connection attempt timeout. Milliseconds; default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Request timeout. Milliseconds; default 30000. */
  readonly requestTimeoutMs?: number;
}

export type KafkaProducerFactory = (options: KafkaProducerOptions, log: Log) => KafkaProducerClient;

/**
 * The Kafka source: reads topics through a consumer group and hands one partition's messages at a
 * time to the pipeline's sink. Positions live in the store (see kafka/batch-processor.ts); this
 * file owns the lifecycle: connect, subscribe, watch the client, re-create it after it gives up,
 * report health, and shut down when the signal aborts. It never throws out of run(): a broker
 * outage is retried with backoff for as long as the daemon runs.
 */
import type { BatchSink, CheckpointReader, Clock, Log, Source, SourceHealth } from '../contracts.js';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from '../util/backoff.js';
import { KafkaBatchProcessor, type PartitionLag } from './kafka/batch-processor.js';
import type { ClientEvent, KafkaClientFactory, KafkaConsumerClient, SaslOptions, TlsOptions } from './kafka/kafka-client.js';
import { createKafkajsClient } from './kafka/kafkajs-client.js';
import { createThrottle, type Throttle } from './kafka/log-throttle.js';

/** Quiet period for repeated crash warnings of one source during an outage. Milliseconds. */
const CRASH_LOG_WINDOW_MS = 30_000;

export interface KafkaSourceOptions {
  /** Source id from the config; prefixes nothing, but names the checkpoints in the store. */
  readonly id: string;
  /** Bootstrap `host:port` list. */
  readonly brokers: readonly string[];
  /** Topics to read; with topicPattern, both apply. */
  readonly topics?: readonly string[];
  /** Regular expression for topic names, resolved when the consumer subscribes. */
  readonly topicPattern?: string;
  readonly groupId: string;
  /** Default `authwatch-<id>`. */
  readonly clientId?: string;
  /**
   * Where a partition starts when neither the store nor Kafka has a position for it: true reads
   * what the topic retains, false only new messages. Default true, as in the config schema: a
   * service still failing days ago is most likely still misconfigured.
   */
  readonly fromBeginning?: boolean;
  readonly sasl?: SaslOptions;
  readonly ssl?: boolean | TlsOptions;
  /** Bytes per partition per fetch. Bytes; default 1 MiB. Larger single messages still arrive. */
  readonly maxBytesPerPartition?: number;
  /** Bytes per fetch, all partitions together. Bytes; default 10 MiB. */
  readonly maxBytes?: number;
  /** Longest a fetch waits for new data. Milliseconds; default 1000. */
  readonly maxWaitTimeMs?: number;
  /** Most records per sink call (one store transaction). Default 5000. */
  readonly maxRecordsPerBatch?: number;
  /**
   * Partitions handled at the same time, one batch each; bounds memory to this many fetched
   * batches. Default 2: one partition's fetch overlaps another's store write.
   */
  readonly partitionsConsumedConcurrently?: number;
  /** Group session timeout. Milliseconds; default 30000. */
  readonly sessionTimeoutMs?: number;
  /** Milliseconds; default 60000. */
  readonly rebalanceTimeoutMs?: number;
  /** Milliseconds; default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** Delays between retries after a sink rejection or a client that gave up. Default 500 ms doubling to 30 s. */
  readonly retry?: BackoffOptions;
  /** Longest wait for the client to leave the group on shutdown. Milliseconds; default 10000. */
  readonly closeTimeoutMs?: number;
}

export interface KafkaSourceExtras {
  /** Default: the kafkajs client. */
  readonly clientFactory?: KafkaClientFactory;
  readonly clock?: Clock;
}

type State = SourceHealth['state'];

export class KafkaSource implements Source {
  readonly type = 'kafka' as const;
  readonly id: string;
  private readonly log: Log;
  private readonly clock: Clock;
  private readonly retry: BackoffOptions;
  private state: State = 'starting';
  /** Why the client is not consuming right now (crash, connect failure); cleared on group join. */
  private clientProblem: string | undefined;
  private lastBatchAt: number | undefined;
  private processor: KafkaBatchProcessor | undefined;
  private readonly crashLog: Throttle;

  constructor(
    private readonly opts: KafkaSourceOptions,
    private readonly checkpoints: CheckpointReader,
    log: Log,
    private readonly extras: KafkaSourceExtras = {},
  ) {
    if (!opts.topics?.length && !opts.topicPattern) {
      throw new Error(`Kafka source "${opts.id}" has neither topics nor topicPattern; expected at least one.`);
    }
    this.id = opts.id;
    this.log = log;
    this.clock = extras.clock ?? Date.now;
    this.retry = opts.retry ?? DEFAULT_BACKOFF;
    this.crashLog = createThrottle(CRASH_LOG_WINDOW_MS, this.clock);
  }

  async run(sink: BatchSink, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const joined = await this.session(sink, signal);
      if (signal.aborted) break;
      attempt = joined ? 1 : attempt + 1;
      const delay = backoffDelay(attempt, this.retry);
      this.state = 'retrying';
      this.log.warn({ retryInMs: delay, reason: this.clientProblem }, 'Kafka consumer stopped; starting a new one.');
      await sleep(delay, signal);
    }
    this.state = 'stopped';
    this.processor = undefined;
  }

  health(): SourceHealth {
    const base = { id: this.id, type: this.type, ...(this.lastBatchAt !== undefined && { lastBatchAt: this.lastBatchAt }) };
    if (this.state === 'stopped') return { ...base, state: 'stopped' };
    const failing = this.processor?.failing();
    if (failing) {
      return { ...base, state: 'retrying', detail: `store rejected a batch of ${failing.stream} (${failing.failures}×): ${failing.error}` };
    }
    if (this.clientProblem !== undefined) return { ...base, state: 'retrying', detail: this.clientProblem };
    const lag = this.lag();
    const total = lag.reduce((sum, p) => sum + (p.lag ?? 0), 0);
    return { ...base, state: this.state, detail: `${lag.length} partition(s), lag ${total} message(s)` };
  }

  /** Messages not yet stored, per assigned partition, as of each partition's last fetch. */
  lag(): PartitionLag[] {
    return this.processor?.lag() ?? [];
  }

  /** One client lifetime. Resolves when the signal aborts or the client gives up; true if it ever joined the group. */
  private async session(sink: BatchSink, signal: AbortSignal): Promise<boolean> {
    const client = this.createClient();
    const processor = new KafkaBatchProcessor(
      { sourceId: this.id, maxRecordsPerBatch: this.opts.maxRecordsPerBatch ?? 5_000, retry: this.retry },
      {
        client,
        sink,
        checkpoints: this.checkpoints,
        log: this.log,
        clock: this.clock,
        signal,
        onProgress: (at) => {
          this.lastBatchAt = at;
          this.clientProblem = undefined;
          this.state = 'running';
        },
      },
    );
    this.processor = processor;
    let joined = false;
    let gaveUp: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => (gaveUp = resolve));
    const unsubscribe = client.onEvent((event) => {
      if (event.type === 'group-join') joined = true;
      this.onClientEvent(event, processor, () => gaveUp?.());
    });
    const aborted = (): void => gaveUp?.();
    signal.addEventListener('abort', aborted, { once: true });

    try {
      await client.connect();
      if (signal.aborted) return joined;
      await client.subscribe({
        ...(this.opts.topics && { topics: this.opts.topics }),
        ...(this.opts.topicPattern !== undefined && { pattern: new RegExp(this.opts.topicPattern) }),
        fromBeginning: this.opts.fromBeginning ?? true,
      });
      await client.run({
        partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 2,
        eachBatch: (batch) => processor.handle(batch),
      });
      await ended;
    } catch (err) {
      this.clientProblem = `Kafka client failed: ${message(err)}`;
      this.log.warn({ err: message(err) }, 'Kafka consumer could not start.');
    } finally {
      signal.removeEventListener('abort', aborted);
      processor.close();
      await this.disconnect(client);
      unsubscribe();
    }
    return joined;
  }

  private onClientEvent(event: ClientEvent, processor: KafkaBatchProcessor, gaveUp: () => void): void {
    switch (event.type) {
      case 'group-join':
        this.clientProblem = undefined;
        this.state = 'running';
        this.log.info({ memberId: event.memberId, partitions: event.assignment.length }, 'Joined the Kafka consumer group.');
        processor.onAssigned(event.assignment);
        return;
      case 'crash':
        this.clientProblem = `Kafka consumer crashed: ${event.error.message}`;
        this.state = 'retrying';
        this.logCrash(event.error, event.willRestart);
        if (!event.willRestart) gaveUp();
        return;
      case 'rebalancing':
        this.log.debug({}, 'Kafka consumer group is rebalancing.');
        return;
      case 'connect':
      case 'disconnect':
        return;
    }
  }

  private logCrash(error: Error, willRestart: boolean): void {
    const { pass, suppressed } = this.crashLog(error.message);
    if (pass) this.log.warn({ err: error.message, willRestart, repeatsSuppressed: suppressed }, 'Kafka consumer crashed.');
  }

  private createClient(): KafkaConsumerClient {
    const o = this.opts;
    const factory = this.extras.clientFactory ?? createKafkajsClient;
    return factory(
      {
        clientId: o.clientId ?? `authwatch-${o.id}`,
        brokers: o.brokers,
        groupId: o.groupId,
        ...(o.sasl && { sasl: o.sasl }),
        ...(o.ssl !== undefined && { ssl: o.ssl }),
        ...(o.sessionTimeoutMs !== undefined && { sessionTimeoutMs: o.sessionTimeoutMs }),
        ...(o.rebalanceTimeoutMs !== undefined && { rebalanceTimeoutMs: o.rebalanceTimeoutMs }),
        ...(o.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: o.heartbeatIntervalMs }),
        ...(o.maxBytesPerPartition !== undefined && { maxBytesPerPartition: o.maxBytesPerPartition }),
        ...(o.maxBytes !== undefined && { maxBytes: o.maxBytes }),
        ...(o.maxWaitTimeMs !== undefined && { maxWaitTimeMs: o.maxWaitTimeMs }),
      },
      this.log,
    );
  }

  /** Leaves the group, bounded: an unreachable broker must not hold up shutdown. */
  private async disconnect(client: KafkaConsumerClient): Promise<void> {
    const timeoutMs = this.opts.closeTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([client.disconnect().then(() => 'done' as const, () => 'done' as const), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') this.log.warn({ timeoutMs }, 'Kafka consumer did not disconnect in time; moving on.');
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

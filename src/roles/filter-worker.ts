import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import type { Log, Source } from '../contracts.js';
import type { Config } from '../config/schema.js';
import { createDetector } from '../../parsers/index.js';
import { BatchScanner } from '../batch-scanner.js';
import { detectorOptions } from '../detector-options.js';
import { ConfigError } from '../errors.js';
import type { KafkaProducerClient, KafkaProducerFactory } from '../sources/kafka/kafka-client.js';
import { createKafkajsProducer } from '../sources/kafka/kafkajs-client.js';
import { createSources } from '../sources/registry.js';
import { DetectionPublisher } from './detection-publisher.js';
import { detectionsTopic } from './detections-topic.js';
import { filterSink } from './filter-sink.js';
import { NO_CHECKPOINTS } from './no-checkpoints.js';
import { loadOtelApi } from '../telemetry/otel-api.js';

export interface FilterWorkerOptions {
  readonly config: Readonly<Config>;
  readonly log: Log;
  /** Unused by kafka sources; createSources wants one. */
  readonly stdin: Readable;
  /** Names this process in the messages' `filter` field and as the producer's client id. Default `<hostname>-<pid>`. */
  readonly filterId?: string;
  /** Time allowed for in-flight batches after a stop signal. Milliseconds; default 10000. */
  readonly shutdownGraceMs?: number;
  /** Default: the kafkajs idempotent producer. */
  readonly producerFactory?: KafkaProducerFactory;
}

/**
 * `authwatch run --role filter`: the configured kafka sources, in their consumer groups, feed
 * the detection core; detections go to the detections topic instead of a database. Stateless:
 * any number of these can run, and the group spreads the raw partitions over them.
 */
export class FilterWorker {
  readonly sources: readonly Source[];
  readonly scanner: BatchScanner;
  readonly filterId: string;
  private readonly producer: KafkaProducerClient;
  private readonly publisher: DetectionPublisher;
  private readonly abort = new AbortController();
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: FilterWorkerOptions) {
    const { config, log } = opts;
    const others = config.sources.flatMap((s, i) => (s.type === 'kafka' ? [] : [`sources[${i}] is a ${s.type} source; --role filter reads kafka sources only (run files and stdin with --role all).`]));
    if (others.length > 0) throw new ConfigError(others);
    if (config.sources.length === 0) throw new ConfigError(['sources is empty; --role filter needs at least one kafka source with the raw log topics.']);
    const topic = detectionsTopic(config);
    this.filterId = opts.filterId ?? `${hostname()}-${process.pid}`;
    this.producer = (opts.producerFactory ?? createKafkajsProducer)(
      { clientId: `authwatch-filter-${this.filterId}`, brokers: topic.brokers, ...(topic.sasl && { sasl: topic.sasl }), ...(topic.ssl !== undefined && { ssl: topic.ssl }) },
      log.child({ component: 'producer' }),
    );
    this.publisher = new DetectionPublisher(this.producer, topic.topic, this.filterId);
    this.scanner = new BatchScanner(createDetector(detectorOptions(config)));
    this.sources = createSources(config.sources, { checkpoints: NO_CHECKPOINTS, log, stdin: opts.stdin });
  }

  /** Connects the producer (rejects when the detections cluster is unreachable), then starts the sources. */
  async start(): Promise<void> {
    // A long-running process: its metrics go to whatever provider is registered.
    await loadOtelApi();
    await this.producer.connect();
    const sink = filterSink(this.scanner, this.publisher);
    this.running = Promise.allSettled(this.sources.map((s) => s.run(sink, this.abort.signal)));
    this.opts.log.info({ role: 'filter', filter: this.filterId, sources: this.sources.map((s) => s.id), detectionsTopic: detectionsTopic(this.opts.config).topic }, 'authwatch is running.');
  }

  /** Resolves when every source has ended by itself (kafka sources do not, short of close()). */
  get done(): Promise<unknown> {
    return this.running;
  }

  /** Stops consuming, lets in-flight publishes finish within the grace period, then disconnects. */
  async close(): Promise<void> {
    const grace = this.opts.shutdownGraceMs ?? 10_000;
    this.abort.abort();
    const timedOut = await Promise.race([this.running.then(() => false), delay(grace).then(() => true)]);
    if (timedOut) this.opts.log.warn({ graceMs: grace }, 'Sources did not stop within the grace period; closing anyway.');
    await Promise.race([this.producer.disconnect().catch(() => undefined), delay(grace)]);
    this.opts.log.info(this.scanner.stats(), 'authwatch stopped.');
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

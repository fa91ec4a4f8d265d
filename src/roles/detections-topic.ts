import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { SaslOptions, TlsOptions } from '../sources/kafka/kafka-client.js';
import { kafkaTls } from '../sources/registry.js';

/** Where the detections topic lives and how to reach it, from the config's `scaleOut` section. */
export interface DetectionsTopic {
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly sasl?: SaslOptions;
  readonly ssl?: boolean | TlsOptions;
  /** The aggregator's consumer group. */
  readonly aggregateGroupId: string;
}

const DEFAULT_TOPIC = 'authwatch.detections';
const DEFAULT_AGGREGATE_GROUP = 'authwatch-aggregate';

/**
 * Resolves the detections topic. Without `scaleOut.brokers`, the connection (brokers, sasl, tls)
 * is the first kafka source's: the usual set-up keeps raw logs and detections on one cluster.
 */
export function detectionsTopic(config: Readonly<Config>): DetectionsTopic {
  const so = config.scaleOut;
  const firstKafka = config.sources.find((s) => s.type === 'kafka');
  const own = so?.brokers !== undefined;
  const brokers = own ? so.brokers : firstKafka?.brokers;
  if (!brokers) {
    throw new ConfigError(['scaleOut.brokers is not set and there is no kafka source to take brokers from; expected scaleOut.brokers: [host:port, ...].']);
  }
  const sasl = own ? so.sasl : firstKafka?.sasl;
  const ssl = kafkaTls(own ? so.tls : firstKafka?.tls);
  return {
    topic: so?.detectionsTopic ?? DEFAULT_TOPIC,
    brokers: [...brokers],
    ...(sasl && { sasl }),
    ...(ssl !== undefined && { ssl }),
    aggregateGroupId: so?.aggregateGroupId ?? DEFAULT_AGGREGATE_GROUP,
  };
}

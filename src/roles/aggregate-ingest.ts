import type { BatchSink, Log, Source } from '../contracts.js';
import type { Config } from '../config/schema.js';
import { KafkaSource } from '../sources/kafka-source.js';
import type { EventStore } from '../store/events.js';
import { AggregateSink } from './aggregate-sink.js';
import { detectionsTopic } from './detections-topic.js';

/** Source id of the detections topic: names its checkpoints in the store and its log lines. */
export const DETECTIONS_SOURCE_ID = 'detections';

export interface Ingest {
  readonly sources: readonly Source[];
  readonly sink: BatchSink;
}

/**
 * What feeds the aggregator's store in place of the configured sources: one Kafka source on the
 * detections topic, with the store as the truth for its positions (the same store-as-truth
 * resume as the single daemon), feeding the aggregate sink. Exactly one aggregator should run
 * per detections topic: it is the single writer of the database.
 */
export function aggregateIngest(config: Readonly<Config>, store: EventStore, log: Log): Ingest {
  const topic = detectionsTopic(config);
  const aggregate = new AggregateSink({
    store,
    log: log.child({ component: 'aggregate' }),
    onStored: (_all, fresh) => {
      if (fresh.length > 0) log.debug({ detections: fresh.length, first: { service: fresh[0]?.service, kind: fresh[0]?.kind } }, 'Stored new detections.');
    },
  });
  const source = new KafkaSource(
    {
      id: DETECTIONS_SOURCE_ID,
      brokers: topic.brokers,
      topics: [topic.topic],
      groupId: topic.aggregateGroupId,
      clientId: 'authwatch-aggregate',
      fromBeginning: true,
      ...(topic.sasl && { sasl: topic.sasl }),
      ...(topic.ssl !== undefined && { ssl: topic.ssl }),
    },
    store,
    log.child({ source: DETECTIONS_SOURCE_ID }),
  );
  return { sources: [source], sink: aggregate.sink };
}

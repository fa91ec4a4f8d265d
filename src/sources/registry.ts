import type { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import type { CheckpointReader, Log, Source } from '../contracts.js';
import type { KafkaSourceConfig, SourceConfig } from '../config/schema.js';
import { FileTailSource } from './file-tail.js';
import { StdinSource } from './stdin-source.js';
import { KafkaSource } from './kafka-source.js';
import type { TlsOptions } from './kafka/kafka-client.js';

export interface SourceDeps {
  readonly checkpoints: CheckpointReader;
  readonly log: Log;
  readonly stdin: Readable;
}

/** Builds the configured sources; ids default to `<type>-<index>` and must be unique. */
export function createSources(configs: readonly SourceConfig[], deps: SourceDeps): Source[] {
  return configs.map((c, i) => {
    const id = c.id ?? `${c.type}-${i + 1}`;
    const log = deps.log.child({ source: id });
    switch (c.type) {
      case 'file':
        return new FileTailSource({ id, paths: [...c.paths], startAt: c.startAt, readRotatedGz: c.readRotatedGz, pollIntervalMs: c.pollIntervalMs }, deps.checkpoints, log);
      case 'stdin':
        return new StdinSource(id, deps.stdin, log);
      case 'kafka':
        return new KafkaSource(kafkaOptions(id, c), deps.checkpoints, log);
    }
  });
}

function kafkaOptions(id: string, c: KafkaSourceConfig) {
  const tls = kafkaTls(c.tls);
  return {
    id,
    brokers: [...c.brokers],
    topics: c.topics ? [...c.topics] : undefined,
    topicPattern: c.topicPattern,
    groupId: c.groupId,
    clientId: c.clientId,
    fromBeginning: c.fromBeginning,
    sasl: c.sasl,
    ssl: tls,
    partitionsConsumedConcurrently: c.partitionsConsumedConcurrently,
    maxBytesPerPartition: c.maxBytesPerPartition,
    // kafkajs needs heartbeats well inside the session; a third of it, at most its 3 s default.
    ...(c.sessionTimeoutMs !== undefined && { sessionTimeoutMs: c.sessionTimeoutMs, heartbeatIntervalMs: Math.min(3_000, Math.floor(c.sessionTimeoutMs / 3)) }),
  };
}

/** The config's `tls` for a Kafka connection, with certificate files read into PEM text. */
export function kafkaTls(tls: KafkaSourceConfig['tls']): boolean | TlsOptions | undefined {
  if (typeof tls !== 'object') return tls;
  return { ca: read(tls.caFile), cert: read(tls.certFile), key: read(tls.keyFile), rejectUnauthorized: tls.rejectUnauthorized };
}

const read = (path: string | undefined): string | undefined => (path === undefined ? undefined : readFileSync(path, 'utf8'));

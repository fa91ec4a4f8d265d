import type { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import type { CheckpointReader, Log, Source } from '../contracts.js';
import type { KafkaSourceConfig, SourceConfig } from '../config/schema.js';
import { FileTailSource } from './file-tail.js';
import { StdinSource } from './stdin-source.js';
import { KafkaSource } from './kafka-source.js';

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
  const tls = typeof c.tls === 'object' ? { ca: read(c.tls.caFile), cert: read(c.tls.certFile), key: read(c.tls.keyFile), rejectUnauthorized: c.tls.rejectUnauthorized } : c.tls;
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
  };
}

const read = (path: string | undefined): string | undefined => (path === undefined ? undefined : readFileSync(path, 'utf8'));

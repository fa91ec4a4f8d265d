// The broker the Kafka cases run against: KAFKA_BROKERS when set, otherwise the test broker
// (test/support/kafka-broker.ts, a single-node KRaft JVM on 127.0.0.1, loaded through vite's
// module runner; needs Java and the cached Kafka jars, which it downloads once).
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

/** Resolves with { brokers, kafka, admin, stop }; stop() disconnects and ends a started broker. */
export const openBroker = async (root, log) => {
  let broker;
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    const { runnerImport } = await import('vite');
    const { module } = await runnerImport(join(root, 'test/support/kafka-broker.ts'));
    // A larger heap than the tests' broker: it holds a few hundred MB of fresh segments.
    broker = await module.startKafkaBroker({ heapMb: 1024 });
    brokers = broker.brokers;
    log(`started a Kafka broker on ${brokers}`);
  }
  const kafka = new Kafka({ clientId: 'authwatch-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  return {
    brokers,
    kafka,
    admin,
    stop: async () => {
      await admin.disconnect().catch(() => undefined);
      await broker?.stop();
    },
  };
};

export const uniqueName = (prefix) => `${prefix}-${Math.random().toString(16).slice(2, 10)}`;

/** Next offset of every partition: { partition → high watermark }. */
export const topicEnds = async (admin, topic) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));

export const producerFor = (kafka) => kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });

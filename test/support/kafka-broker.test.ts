import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { createTopic, produce, uniqueName } from './kafka-admin.js';

describe('test Kafka broker', () => {
  it('carries messages from a producer to a kafkajs consumer group', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('smoke');
    await createTopic(brokers, topic, 2);
    const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `line ${i}` }));
    await produce(brokers, topic, sent);

    const consumer = new Kafka({ clientId: 'smoke', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('smoke-group'),
      sessionTimeout: 6_000,
    });
    const received: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              received.push(message.value?.toString('utf8') ?? '');
              if (received.length === sent.length) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    expect(received.sort()).toEqual(sent.map((m) => m.value).sort());
  });
});

/**
 * Vitest global setup: one Kafka broker for the whole run, shared by every test file through
 * `inject('kafkaBrokers')` and, for spawned child processes, the KAFKA_BROKERS variable.
 * When KAFKA_BROKERS is already set (CI with its own cluster), that broker is used and nothing
 * is started. Tests that need to stop a broker (outage tests) start their own with
 * startKafkaBroker().
 */
import type { TestProject } from 'vitest/node';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated `host:port` list of the test Kafka broker(s). */
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.KAFKA_BROKERS;
  if (given) {
    project.provide('kafkaBrokers', given);
    return async () => undefined;
  }
  const started = Date.now();
  const broker: KafkaBroker = await startKafkaBroker();
  process.env.KAFKA_BROKERS = broker.brokers;
  project.provide('kafkaBrokers', broker.brokers);
  if (process.env.AUTHWATCH_KAFKA_TIMING) {
    process.stderr.write(`Kafka broker up on ${broker.brokers} in ${Date.now() - started} ms\n`);
  }
  return async () => {
    delete process.env.KAFKA_BROKERS;
    await broker.stop();
  };
}

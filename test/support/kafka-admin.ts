/**
 * Small kafkajs helpers for tests: is a broker up, create a topic, produce messages. Tests talk to
 * Kafka through these so that the source under test is the only consumer code path.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';

const client = (brokers: string, clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 3, initialRetryTime: 100 },
  });

/** True when the broker answers a DescribeCluster with itself registered. */
export async function brokerAnswers(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'authwatch-test-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Creates a topic and waits until every partition has a leader. */
export async function createTopic(brokers: string, name: string, partitions = 1): Promise<void> {
  const admin = client(brokers, 'authwatch-test-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Sets a group's committed offsets, e.g. to put Kafka behind or ahead of the stored checkpoint. */
export async function setCommittedOffsets(
  brokers: string,
  groupId: string,
  topic: string,
  partitions: ReadonlyArray<{ partition: number; offset: number }>,
): Promise<void> {
  const admin = client(brokers, 'authwatch-test-admin').admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId, topic, partitions: partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })) });
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a group for one topic, by partition; -1 when nothing is committed. */
export async function committedOffsets(brokers: string, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = client(brokers, 'authwatch-test-admin').admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** Sends messages (each with an explicit partition when given) and waits for all acks. */
export async function produce(brokers: string, topic: string, messages: Message[]): Promise<void> {
  const producer = client(brokers, 'authwatch-test-producer').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    for (const chunk of chunks(messages)) await producer.send({ topic, messages: chunk, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Splits messages into sends of at most 500 messages and about 1 MiB of values, so a partition's
 * record batch stays under the test broker's message.max.bytes (2 MiB) even with large values.
 */
function* chunks(messages: Message[]): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = m.value === null || m.value === undefined ? 0 : Buffer.byteLength(m.value);
    if (chunk.length > 0 && (chunk.length >= 500 || bytes + size > 1024 * 1024)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

/** A topic or group name no other test uses, e.g. `kafka-source-a-1f3c9d2e`. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

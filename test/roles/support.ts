/**
 * Helpers for the scale-out tests: fast producing of a large corpus, the shared config file of
 * the filter and aggregate processes, and counting a topic's messages.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { spawnAuthwatch, type DaemonProcess } from '../support/daemon-process.js';

const kafka = (brokers: string): Kafka => new Kafka({ clientId: 'authwatch-test-scale-out', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/**
 * Sends lines round-robin over `partitions`, in sends of `perSend` messages (10,000 lines of
 * about 150 bytes make about 250 KB per partition batch, well under the test broker's 2 MiB
 * message.max.bytes), a few sends in flight at once.
 */
export async function produceLines(brokers: string, topic: string, lines: readonly string[], partitions: number, perSend = 10_000): Promise<void> {
  await untilServed(brokers, topic, partitions);
  const producer = kafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 10, initialRetryTime: 100 } });
  await producer.connect();
  try {
    const sends: Array<Promise<unknown>> = [];
    for (let start = 0; start < lines.length; start += perSend) {
      const messages = lines.slice(start, start + perSend).map((value, i) => ({ value, partition: (start + i) % partitions }));
      sends.push(producer.send({ topic, messages, acks: -1 }));
      if (sends.length >= 4) await sends.shift();
    }
    await Promise.all(sends);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Waits until every partition of a new topic answers a ListOffsets: right after CreateTopics the
 * broker may still answer "does not host this topic-partition" for a moment. Up to 10 s.
 */
async function untilServed(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await admin.fetchTopicOffsets(topic)).length === partitions) return;
      } catch (err) {
        if (attempt >= 50) throw err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Messages on a topic: the sum over partitions of high watermark minus low watermark. */
export async function topicMessages(brokers: string, topic: string): Promise<number> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ScaleOutConfig {
  readonly brokers: string;
  readonly rawTopic: string;
  readonly filterGroup: string;
  readonly detectionsTopic: string;
  readonly aggregateGroup: string;
  readonly db: string;
}

/**
 * One config file for every role, as an operator would deploy it. The 6 s session timeout
 * makes a killed filter's partitions move to the others within seconds instead of 30.
 */
export function writeScaleOutConfig(dir: string, c: ScaleOutConfig): string {
  const file = join(dir, 'authwatch.yaml');
  writeFileSync(
    file,
    [
      'database:',
      `  path: ${c.db}`,
      'sources:',
      '  - type: kafka',
      '    id: logs',
      `    brokers: [${c.brokers}]`,
      `    topics: [${c.rawTopic}]`,
      `    groupId: ${c.filterGroup}`,
      '    sessionTimeoutMs: 6000',
      'scaleOut:',
      `  detectionsTopic: ${c.detectionsTopic}`,
      `  aggregateGroupId: ${c.aggregateGroup}`,
      'log:',
      '  level: info',
      '',
    ].join('\n'),
  );
  return file;
}

export interface RoleProcess extends DaemonProcess {
  /** The process's log lines (stdout) and stderr, the last 20,000 characters. */
  output(): string;
}

/** `authwatch run --role <role> --config <file>` as a child process, its log kept for diagnostics. */
export function spawnRole(role: 'filter' | 'aggregate', config: string): RoleProcess {
  const p = spawnAuthwatch(['run', '--role', role, '--config', config]);
  let out = '';
  p.child.stdout?.on('data', (c: Buffer) => {
    out = (out + c.toString('utf8')).slice(-20_000);
  });
  return { ...p, output: () => `${out}${p.stderr()}` };
}

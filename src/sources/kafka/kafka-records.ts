/**
 * Turning a client's messages into the pipeline's RecordsBatch, and the checkpoint a Kafka
 * partition stores: `{ nextOffset }`, the offset of the first message not yet stored.
 */
import type { KafkaRecord, RecordsBatch } from '../../contracts.js';
import type { ClientMessage } from './kafka-client.js';
import { NO_ENTRIES } from '../../util/empty.js';

/** What the store keeps per partition stream. */
export interface KafkaCheckpoint {
  readonly nextOffset: number;
}

/** Stream id of a partition, stable across restarts: `kafka:<topic>:<partition>`. */
export const partitionStream = (topic: string, partition: number): string => `kafka:${topic}:${partition}`;

/** The stored next offset, or undefined when nothing usable is stored. */
export function storedNextOffset(state: unknown): number | undefined {
  if (typeof state !== 'object' || state === null || !('nextOffset' in state)) return undefined;
  const { nextOffset } = state;
  return typeof nextOffset === 'number' && Number.isSafeInteger(nextOffset) && nextOffset >= 0 ? nextOffset : undefined;
}

export function recordsBatch(
  sourceId: string,
  topic: string,
  partition: number,
  messages: readonly ClientMessage[],
  nextOffset: number,
): RecordsBatch {
  const checkpoint: KafkaCheckpoint = { nextOffset };
  return {
    type: 'records',
    sourceId,
    stream: partitionStream(topic, partition),
    topic,
    partition,
    records: messages.map(toRecord),
    checkpoint,
  };
}

/**
 * Values go through untouched (null, binary and oversized ones included): the scanner counts
 * what it cannot read. Keys and headers are decoded here because service resolution matches on
 * text; a key that is not valid UTF-8 becomes null and such a header is left out.
 */
function toRecord(m: ClientMessage): KafkaRecord {
  return { value: m.value, offset: m.offset, key: m.key ? utf8(m.key) : null, headers: textHeaders(m.headers) };
}

function textHeaders(raw: ClientMessage['headers']): Readonly<Record<string, string>> {
  let headers: Record<string, string> | undefined;
  for (const name in raw) {
    const values = raw[name] ?? [];
    // Kafka allows a header to repeat; like the Java client's lastHeader(), the last one wins.
    const last = values[values.length - 1];
    const text = last ? utf8(last) : null;
    if (text !== null) (headers ??= {})[name] = text;
  }
  return headers ?? NO_ENTRIES;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

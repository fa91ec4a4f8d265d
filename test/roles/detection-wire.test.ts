/**
 * The detection/v1 wire format and the aggregator's handling of what arrives on the topic:
 * valid messages, the same detection published twice, and messages to count and skip.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { join } from 'node:path';
import type { Detection, KafkaRecord, RecordsBatch } from '../../src/contracts.js';
import { AggregateSink } from '../../src/roles/aggregate-sink.js';
import { decodeDetection, encodeDetection, FORMAT_HEADER, FORMAT_V1 } from '../../src/roles/detection-wire.js';
import { openDb } from '../../src/store/db.js';
import { EventStore } from '../../src/store/events.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { sampleDetection } from '../support/detections.js';
import { tempDir } from '../support/temp.js';

const detection: Detection = sampleDetection({
  ts: '2026-03-04T10:00:00.000Z',
  message: 'Invalid login: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
  source: 'logs',
  position: { stream: 'kafka:raw:4', offset: 1234 },
});

const text = (m: { value: Buffer | string }): Buffer => (typeof m.value === 'string' ? Buffer.from(m.value) : m.value);

describe('detection/v1', () => {
  it('round-trips a detection, keyed by service, with the format header', () => {
    const m = encodeDetection(detection, 'host-a-42', new Date('2026-03-04T10:00:01Z'));
    expect(m.key).toBe('billing');
    expect(m.headers).toEqual({ [FORMAT_HEADER]: FORMAT_V1 });
    expect(JSON.parse(text(m).toString())).toMatchObject({ v: 1, filter: 'host-a-42', detectedAt: '2026-03-04T10:00:01.000Z', position: { stream: 'kafka:raw:4', offset: 1234 } });
    expect(decodeDetection(text(m), m.headers ?? {})).toEqual({ ok: true, detection });
  });

  it('accepts unknown extra fields and a missing header', () => {
    const body = { ...JSON.parse(text(encodeDetection(detection, 'f', new Date())).toString()), addedLater: 'x' } as object;
    expect(decodeDetection(Buffer.from(JSON.stringify(body)), {})).toEqual({ ok: true, detection });
  });

  it.each([
    ['empty', null, {}],
    ['not-json', Buffer.from('{"v":1,'), {}],
    ['unknown-version', Buffer.from('{"v":2}'), {}],
    ['unknown-version', Buffer.from('{"v":1}'), { [FORMAT_HEADER]: 'detection/v2' }],
    ['invalid', Buffer.from('[1,2]'), {}],
    ['invalid', Buffer.from(JSON.stringify({ ...detection, v: 1, kind: 'nonsense', detectedAt: '', filter: '' })), {}],
    ['invalid', Buffer.from(JSON.stringify({ ...detection, v: 1, position: { stream: 'x', offset: -1 }, detectedAt: '', filter: '' })), {}],
  ] as const)('skips %s messages', (reason, value, headers) => {
    expect(decodeDetection(value, headers)).toMatchObject({ ok: false, reason });
  });
});

describe('AggregateSink', () => {
  it('stores a detection once however often it arrives, and counts and skips bad messages', async () => {
    const db = openDb(join(tempDir(), 'a.sqlite'));
    onTestFinished(() => {
      db.close();
    });
    const store = new EventStore(db);
    const sink = new AggregateSink({ store, log: silentLog() });
    const good = encodeDetection(detection, 'f1', new Date());
    const again = encodeDetection(detection, 'f2', new Date());
    const other = encodeDetection({ ...detection, position: { stream: 'kafka:raw:4', offset: 1235 } }, 'f1', new Date());
    const rec = (offset: number, value: Buffer | null, headers: Record<string, string> = { [FORMAT_HEADER]: FORMAT_V1 }): KafkaRecord => ({ offset, value, key: 'billing', headers });
    const batch: RecordsBatch = {
      type: 'records',
      sourceId: 'detections',
      stream: 'kafka:detections:0',
      topic: 'detections',
      partition: 0,
      records: [rec(0, text(good)), rec(1, Buffer.from('garbage')), rec(2, text(again)), rec(3, Buffer.from('{"v":9}')), rec(4, null), rec(5, text(other))],
      checkpoint: { nextOffset: 6 },
    };
    await sink.sink(batch);
    await sink.sink({ ...batch, records: [rec(6, text(good))], checkpoint: { nextOffset: 7 } });
    const count = db.prepare('SELECT count(*) FROM events').pluck().get();
    expect(count).toBe(2);
    expect(store.get('detections', 'kafka:detections:0')).toEqual({ nextOffset: 7 });
    expect(sink.skipped).toEqual({ empty: 1, 'not-json': 1, 'unknown-version': 1, invalid: 0 });
  });
});

import type { Detection, RecordMeta, StreamScanner } from '../../src/contracts.js';
import type { DetectorSettings } from '../../parsers/index.js';
import { createDetector, DEFAULT_DETECTOR_OPTIONS } from '../../parsers/index.js';

/** Fixed clock for BSD syslog years: 2024-06-01T00:00:00Z. */
export const NOW = Date.parse('2024-06-01T00:00:00Z');

export const detector = (over: Partial<DetectorSettings> = {}) =>
  createDetector({ ...DEFAULT_DETECTOR_OPTIONS, now: () => NOW, ...over });

export const openScanner = (over: Partial<DetectorSettings> = {}, meta: RecordMeta = { source: 'test' }): StreamScanner =>
  detector(over).open({ stream: 'stream-1', startOffset: 0, startLine: 1, meta });

/** Pushes `input` in chunks of `size` bytes (whole when size is 0), then ends the stream. */
export const scanAll = (input: Buffer | string, size = 0, over: Partial<DetectorSettings> = {}, meta?: RecordMeta) => {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const scanner = openScanner(over, meta);
  const out: Detection[] = [];
  if (size <= 0) out.push(...scanner.push(buf));
  else for (let i = 0; i < buf.length; i += size) out.push(...scanner.push(Buffer.from(buf.subarray(i, i + size))));
  out.push(...scanner.end());
  return { detections: out, scanner };
};

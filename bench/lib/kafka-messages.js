// Message values for the Kafka cases, drawn from a seed: the mixed log's lines (bench/lib/corpus.js;
// about one rejection per 10,000) with a trace id on the background ones, so a value averages
// about 200 bytes as a shipped log record does. The same seed gives the same values in the same
// order, so the producer, the detector-alone timing and the ground truth agree without holding
// millions of values in memory.
import { backgroundLine, rejectionLine, rng } from './corpus.js';

/** Values handed out per call of the callback: bounds memory, keeps producer sends large. */
export const CHUNK = 10_000;

/**
 * Calls `onChunk(values, firstIndex, rejectionsAt)` for `count` values (Buffers), CHUNK at a
 * time, in order (`rejectionsAt`: ascending indexes into `values` of the rejections);
 * awaits it, so a producer can keep a bounded number of sends in flight. Resolves with the
 * ground truth: rejections per kind and in total, and the bytes of all values.
 */
export const forEachChunk = async (count, { seed, rejectEvery = 10_000 }, onChunk) => {
  const r = rng(seed);
  const kinds = {};
  let rejections = 0;
  let bytes = 0;
  let second = 36_000;
  for (let first = 0; first < count; first += CHUNK) {
    const n = Math.min(CHUNK, count - first);
    const values = new Array(n);
    const rejectionsAt = [];
    for (let i = 0; i < n; i++) {
      if (r.int(20) === 0) second++;
      let text;
      if (r.next() < 1 / rejectEvery) {
        const rej = rejectionLine(r, second);
        kinds[rej.kind] = (kinds[rej.kind] ?? 0) + 1;
        rejections++;
        rejectionsAt.push(i);
        text = rej.text;
      } else {
        text = traced(backgroundLine(r, second), r);
      }
      const value = Buffer.from(text);
      bytes += value.length;
      values[i] = value;
    }
    await onChunk(values, first, rejectionsAt);
  }
  return { count, rejections, kinds, bytes };
};

/** A trace id, as log shippers and OpenTelemetry-instrumented apps add one. */
const traced = (line, r) => {
  const id = hex8(r) + hex8(r) + hex8(r) + hex8(r);
  return line.startsWith('{') ? `{"trace_id":"${id}",${line.slice(1)}` : `${line} trace_id=${id}`;
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (r) => {
  const x = Math.floor(r.next() * 2 ** 32);
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
};

import type { Report } from '../model.js';
import { chartLines } from './format.js';
import { oneLine, truncate } from './escape.js';

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
/** Shown for a bucket without events, so "none" and "a few" look different. */
const ZERO = '·';
/** Longest service name in the chart before it is cut. Characters. */
const NAME_MAX = 24;

/**
 * A compact chart in block characters: one line per service, one character per bucket,
 * scaled to the largest bucket of the report, with the total at the end. `escapeName` makes
 * the (log-derived) names safe for the medium.
 */
export function textChart(r: Report, escapeName: (s: string) => string = (s) => s, maxLines = 8): string {
  const lines = chartLines(r, maxLines);
  if (lines.length === 0) return '';
  const max = Math.max(1, ...lines.flatMap((l) => l.counts));
  const names = lines.map((l) => truncate(oneLine(l.name), NAME_MAX));
  const width = Math.max(...names.map((n) => [...n].length));
  const first = r.series.buckets[0]?.label ?? '';
  const last = r.series.buckets[r.series.buckets.length - 1]?.label ?? '';
  const rows = lines.map((l, i) => {
    const name = names[i] ?? '';
    const bar = l.counts.map((c) => (c === 0 ? ZERO : LEVELS[Math.min(LEVELS.length - 1, Math.ceil((c / max) * LEVELS.length) - 1)])).join('');
    const total = l.counts.reduce((a, b) => a + b, 0);
    return `${escapeName(name)}${' '.repeat(width - [...name].length)}  ${bar}  ${total}`;
  });
  const unit = r.series.granularity === 'day' ? 'per day' : 'per hour';
  return [...rows, `${' '.repeat(width)}  ${first} … ${last} (${unit}, max ${max})`].join('\n');
}

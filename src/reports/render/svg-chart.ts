import type { Report } from '../model.js';
import { html } from './escape.js';
import { chartLines } from './format.js';

/** Colours per line, picked to stay apart for common colour blindness; the last is "other". */
export const PALETTE = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c9c9c'] as const;

export interface SvgChartOptions {
  /** Pixels. Defaults 720 × 260. */
  readonly width?: number;
  readonly height?: number;
  /** Lines before the rest are summed as "other". Default 8. */
  readonly maxLines?: number;
}

/** Longest x-axis label count before labels are thinned out. */
const MAX_X_LABELS = 12;

/**
 * The series as stacked bars in an inline SVG: one bar per bucket, one segment per service
 * with events in it (class `bar`, with `data-service` and `data-count`), y axis with whole-number
 * ticks, thinned x labels and a legend. Every log-derived text is escaped; nothing is loaded
 * from outside, so it renders inside a mail or a file opened offline.
 */
export function svgChart(r: Report, opts: SvgChartOptions = {}): string {
  const width = opts.width ?? 720;
  const lines = chartLines(r, opts.maxLines ?? 8);
  const bs = r.series.buckets;
  const legendRows = Math.ceil(lines.length / 3);
  const plot = { left: 48, top: 12, right: 12, bottom: 40 };
  const height = (opts.height ?? 260) + legendRows * 18;
  const plotH = height - plot.top - plot.bottom - legendRows * 18;
  const plotW = width - plot.left - plot.right;
  const totals = bs.map((_, i) => lines.reduce((a, l) => a + (l.counts[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, bs.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number): number => plot.top + plotH - (v / max) * plotH;
  const f = (n: number): string => (Math.round(n * 10) / 10).toString();

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="11">`,
    `<title>${html(`Rejections per ${r.series.granularity}, stacked by service`)}</title>`,
  ];
  // Y axis: 0, half, max with grid lines.
  out.push('<g class="y-axis">');
  // Counts are whole numbers: the middle tick only when it is one too.
  for (const v of Number.isInteger(max / 2) ? [0, max / 2, max] : [0, max]) {
    out.push(`<line x1="${plot.left}" x2="${width - plot.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${plot.left - 6}" y="${f(y(v) + 4)}" text-anchor="end" fill="#555">${f(v)}</text>`);
  }
  out.push(`<text x="12" y="${f(plot.top + plotH / 2)}" transform="rotate(-90 12 ${f(plot.top + plotH / 2)})" text-anchor="middle" fill="#555">rejections</text>`);
  out.push('</g>');
  // Bars.
  out.push('<g class="bars">');
  bs.forEach((b, i) => {
    const x = plot.left + i * slot + (slot - barW) / 2;
    let base = 0;
    lines.forEach((l, li) => {
      const c = l.counts[i] ?? 0;
      if (c === 0) return;
      const top = y(base + c);
      const h = y(base) - top;
      const colour = l.other ? PALETTE[PALETTE.length - 1] : PALETTE[li % (PALETTE.length - 1)];
      out.push(
        `<rect class="bar" x="${f(x)}" y="${f(top)}" width="${f(barW)}" height="${f(Math.max(h, 0.5))}" fill="${colour}" data-service="${html(l.name)}" data-bucket="${i}" data-count="${c}"><title>${html(`${l.name} · ${b.label}: ${c}`)}</title></rect>`,
      );
      base += c;
    });
  });
  out.push('</g>');
  // X axis labels, thinned so they do not overlap.
  const every = Math.max(1, Math.ceil(bs.length / MAX_X_LABELS));
  // Days as `03-30`; hours as `14:00`, with the date on the first label and at midnight.
  const xLabel = (label: string, i: number): string => (r.series.granularity === 'day' ? label.slice(5) : i === 0 || label.endsWith(' 00:00') ? label.slice(5) : label.slice(11));
  out.push(`<g class="x-axis"><line x1="${plot.left}" x2="${width - plot.right}" y1="${f(y(0))}" y2="${f(y(0))}" stroke="#888"/>`);
  bs.forEach((b, i) => {
    if (i % every !== 0) return;
    out.push(`<text class="x-label" x="${f(plot.left + i * slot + slot / 2)}" y="${f(y(0) + 16)}" text-anchor="middle" fill="#555">${html(xLabel(b.label, i))}</text>`);
  });
  out.push(`<text x="${f(plot.left + plotW / 2)}" y="${f(y(0) + 32)}" text-anchor="middle" fill="#555">${html(`${r.series.granularity === 'day' ? 'day' : 'hour'} (${r.period.timeZone})`)}</text>`);
  out.push('</g>');
  // Legend, three entries per row.
  out.push('<g class="legend">');
  lines.forEach((l, li) => {
    const lx = plot.left + (li % 3) * (plotW / 3);
    const ly = height - legendRows * 18 + Math.floor(li / 3) * 18 + 4;
    const colour = l.other ? PALETTE[PALETTE.length - 1] : PALETTE[li % (PALETTE.length - 1)];
    const total = l.counts.reduce((a, b) => a + b, 0);
    out.push(`<g class="legend-item"><rect x="${f(lx)}" y="${f(ly)}" width="10" height="10" fill="${colour}"/><text x="${f(lx + 14)}" y="${f(ly + 9)}" fill="#222">${html(shorten(l.name, 26))} (${total})</text></g>`);
  });
  out.push('</g></svg>');
  return out.join('');
}

/** Rounds the axis maximum up to 1, 2 or 5 times a power of ten (at least 1). */
export function niceMax(v: number): number {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const shorten = (s: string, max: number): string => ([...s].length <= max ? s : `${[...s].slice(0, max - 1).join('')}…`);

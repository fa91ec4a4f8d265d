import { escapeHtml } from './html.js';

/** Drawing size of one trend chart. CSS pixels. */
const WIDTH = 168;
const HEIGHT = 32;
/** Height a non-zero bucket gets at least, so a single event stays visible. CSS pixels. */
const MIN_BAR = 2;

/**
 * A small bar chart of events per bucket (oldest left) as inline SVG: no script, no external
 * resource, so it works under the page's strict Content-Security-Policy. `label` is the
 * accessible description (e.g. "42 events, last 24 h").
 */
export function svgTrend(series: readonly number[], label: string): string {
  const n = Math.max(1, series.length);
  const max = Math.max(1, ...series);
  const step = WIDTH / n;
  const barW = Math.max(1, step - 1);
  const bars = series
    .map((v, i) => {
      if (v <= 0) return '';
      const h = Math.max(MIN_BAR, Math.round((v / max) * (HEIGHT - 2)));
      return `<rect x="${(i * step).toFixed(1)}" y="${HEIGHT - h}" width="${barW.toFixed(1)}" height="${h}"><title>${v}</title></rect>`;
    })
    .join('');
  return (
    `<svg class="trend" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">` +
    `<line x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}" class="axis"/>${bars}</svg>`
  );
}

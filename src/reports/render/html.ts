import { KIND_SUMMARY } from '../../../alerts/guides.js';
import { guideMarkdown } from '../guide-ref.js';
import type { Report } from '../model.js';
import { html as h, htmlBlock } from './escape.js';
import { headline, migrationText, periodText, title } from './format.js';
import { list, servicesTable, totalsTable } from './html-parts.js';
import { svgChart } from './svg-chart.js';

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no scripts, and a
 * Content-Security-Policy that forbids loading anything, so even a name that slipped through
 * escaping could not run or fetch. Each still-failing service links to its kind's guide,
 * which is included at the end of the page.
 */
/** Escapes our own Markdown-ish text and turns its `code` spans into <code>. */
const codeSpans = (text: string): string => h(text).replace(/`([^`]+)`/g, '<code>$1</code>');

export function renderHtml(r: Report): string {
  const body: string[] = [`<h1>${h(title(r))}</h1>`, `<p class="period">${h(periodText(r))}</p>`, `<p class="headline"><strong>${h(headline(r))}</strong></p>`];
  if (r.services.length > 0) body.push(`<p class="migration">${h(migrationText(r))}</p>`);
  if (r.totals.count > 0) {
    body.push('<h2>Totals by kind</h2>', totalsTable(r));
    body.push('<h2>Rejections over time</h2>', `<figure class="chart">${svgChart(r)}</figure>`);
  }
  if (r.services.length > 0) body.push('<h2>Services</h2>', servicesTable(r, (kind, command) => `<a href="#guide-${h(kind)}"><code>${h(command)}</code></a>`));
  if (r.newServices.length > 0) body.push('<h2>New this period</h2>', list(r.newServices, 'new-services'));
  if (r.recoveredServices.length > 0) body.push('<h2>Recovered</h2>', '<p>Failed in the previous period, not in this one.</p>', list(r.recoveredServices, 'recovered-services'));
  if (r.guides.length > 0) {
    body.push('<h2>Upgrade guides</h2>');
    for (const g of r.guides) {
      body.push(
        `<section class="guide" id="guide-${h(g.kind)}"><h3>${h(g.title)} (<code>${h(g.kind)}</code>)</h3><p>${codeSpans(KIND_SUMMARY[g.kind].fix)}</p>` +
          `<details><summary>Full guide (also: <code>${h(g.command)}</code>)</summary><pre>${htmlBlock(guideMarkdown(g.kind))}</pre></details></section>`,
      );
    }
  }
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title(r))}</title>`,
    '<style>body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1d1d1f;margin:24px auto;max-width:1000px;padding:0 16px;line-height:1.45}h1{font-size:22px}h2{font-size:17px;margin-top:28px}pre{white-space:pre-wrap;background:#f6f6f6;padding:12px}figure{margin:0}code{font-size:12px}</style>',
    '</head><body>',
    ...body,
    `<p style="color:#667085;font-size:12px">Generated ${h(new Date(r.generatedAt).toISOString())} by authwatch.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

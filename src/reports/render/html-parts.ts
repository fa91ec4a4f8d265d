import type { Report } from '../model.js';
import { html as h } from './escape.js';
import { MIGRATION_TEXT, STATUS_TEXT, changeText, hostsText, kindsText, timeText } from './format.js';

/**
 * HTML tables shared by the HTML file and the email, styled inline because mail clients drop
 * `<style>` blocks. Every log-derived value goes through `html()`.
 */

const TABLE = 'border-collapse:collapse;margin:8px 0 16px;font-size:13px';
const TH = 'text-align:left;padding:4px 10px 4px 0;border-bottom:1px solid #ccc;white-space:nowrap';
const TD = 'padding:4px 10px 4px 0;border-bottom:1px solid #eee;vertical-align:top';
const NUM = `${TD};text-align:right;font-variant-numeric:tabular-nums`;

const STATUS_COLOUR: Readonly<Record<string, string>> = {
  new: '#b42318',
  ongoing: '#b54708',
  recovered: '#067647',
  acknowledged: '#475467',
  muted: '#667085',
};

export function totalsTable(r: Report): string {
  const rows = r.totals.byKind.map((k) => `<tr><td style="${TD}"><code>${h(k.kind)}</code></td><td style="${NUM}">${k.count}</td><td style="${NUM}">${h(changeText(k.change))}</td><td style="${NUM}">${k.services}</td></tr>`);
  rows.push(`<tr><td style="${TD}"><strong>all</strong></td><td style="${NUM}"><strong>${r.totals.count}</strong></td><td style="${NUM}">${h(changeText(r.totals.change))}</td><td style="${NUM}">${r.totals.failing}</td></tr>`);
  return `<table class="totals" style="${TABLE}"><thead><tr><th style="${TH}">Kind</th><th style="${TH}">Rejections</th><th style="${TH}">Change</th><th style="${TH}">Services</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * One row per service. `guideHref` makes the link for a kind's guide (an anchor in the HTML
 * file; the attachment's name in a mail, where the guide rides along as a file).
 */
export function servicesTable(r: Report, guide: (kind: string, command: string, attachment: string) => string): string {
  const head = ['Service', 'Status', 'Kinds', 'Rejections', 'Change', 'First seen', 'Last seen', 'Top hosts', 'Upgrade guide'].map((c) => `<th style="${TH}">${c}</th>`).join('');
  const rows = r.services.map((s) => {
    const guides = s.guides.map((g) => guide(g.kind, g.command, g.attachment)).join('<br>');
    return (
      `<tr class="service" data-status="${s.status}">` +
      `<td style="${TD}" class="service-name">${h(s.service)}</td>` +
      // The migration status rides under the status, so the table keeps its width.
      `<td style="${TD};color:${STATUS_COLOUR[s.status] ?? '#000'};font-weight:600">${STATUS_TEXT[s.status]}` +
      `<br><span class="migration" data-migration="${s.migration}" style="font-weight:400;color:#475467">${MIGRATION_TEXT[s.migration]}</span></td>` +
      `<td style="${TD}">${h(kindsText(s))}</td>` +
      `<td style="${NUM}" class="count">${s.count}</td>` +
      `<td style="${NUM}">${h(changeText(s.change))}</td>` +
      `<td style="${TD};white-space:nowrap">${h(timeText(r, s.firstSeen))}</td>` +
      `<td style="${TD};white-space:nowrap">${h(timeText(r, s.lastSeen))}</td>` +
      `<td style="${TD}">${h(hostsText(s))}</td>` +
      `<td style="${TD}">${guides}</td></tr>`
    );
  });
  return `<table class="services" style="${TABLE}"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The chart's numbers as a table: a row per bucket, a column per service. Mail clients that
 * drop inline SVG (Gmail, Outlook) still show every count.
 */
export function seriesTable(r: Report, maxServices = 8): string {
  const services = r.series.services.slice(0, maxServices);
  const rest = r.series.services.slice(maxServices);
  const head = [`<th style="${TH}">${r.series.granularity === 'day' ? 'Day' : 'Hour'}</th>`, ...services.map((s) => `<th style="${TH}">${h(s.service)}</th>`)];
  if (rest.length > 0) head.push(`<th style="${TH}">${rest.length} other services</th>`);
  head.push(`<th style="${TH}">Total</th>`);
  const rows = r.series.buckets.map((b, i) => {
    const cells = services.map((s) => s.counts[i] ?? 0);
    if (rest.length > 0) cells.push(rest.reduce((a, s) => a + (s.counts[i] ?? 0), 0));
    const total = cells.reduce((a, c) => a + c, 0);
    return `<tr class="bucket"><td style="${TD};white-space:nowrap">${h(b.label)}</td>${cells.map((c) => `<td style="${NUM}">${c}</td>`).join('')}<td style="${NUM}"><strong>${total}</strong></td></tr>`;
  });
  return `<table class="series" style="${TABLE}"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export const list = (items: readonly string[], cls: string): string => `<ul class="${cls}">${items.map((s) => `<li>${h(s)}</li>`).join('')}</ul>`;

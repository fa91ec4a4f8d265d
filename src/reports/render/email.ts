import { guideMarkdown } from '../guide-ref.js';
import type { Report } from '../model.js';
import { html as h, oneLine, truncate } from './escape.js';
import { headline, migrationText, periodText, title } from './format.js';
import { list, seriesTable, servicesTable, totalsTable } from './html-parts.js';
import { renderPlainText } from './plain-text.js';
import { svgChart } from './svg-chart.js';

/** Same shape as the alert mails, so one SMTP transport sends both. */
export interface EmailReport {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: ReadonlyArray<{ readonly filename: string; readonly content: string; readonly contentType: string }>;
}

export interface EmailOptions {
  /** Put after `[authwatch]` in the subject, e.g. `[prod]`. */
  readonly subjectPrefix?: string | undefined;
  /** Extra files (the schedule's formats) attached after the guides. */
  readonly files?: ReadonlyArray<{ readonly filename: string; readonly content: string; readonly contentType: string }>;
}

/** Longest subject. Characters. */
const SUBJECT_MAX = 200;

/**
 * The report as a mail. The HTML part carries the chart as inline SVG and, below it, the
 * same numbers as a table, because Gmail and Outlook drop SVG; the text part says it all
 * again. The guide of every kind still failing is attached as Markdown.
 */
export function renderEmail(r: Report, opts: EmailOptions = {}): EmailReport {
  const prefix = opts.subjectPrefix === undefined ? '[authwatch]' : `[authwatch] ${oneLine(opts.subjectPrefix)}`;
  const subject = truncate(oneLine(`${prefix} ${title(r)}: ${headline(r)}`), SUBJECT_MAX);
  const guides = r.guides.map((g) => ({ filename: g.attachment, content: guideMarkdown(g.kind), contentType: 'text/markdown; charset=utf-8' }));
  const body: string[] = [
    `<h2 style="margin:0 0 4px;font-size:19px">${h(title(r))}</h2>`,
    `<p style="margin:0 0 12px;color:#475467">${h(periodText(r))}</p>`,
    `<p><strong>${h(headline(r))}</strong></p>`,
  ];
  if (r.services.length > 0) body.push(`<p class="migration">${h(migrationText(r))}</p>`);
  if (r.totals.count > 0) {
    body.push('<h3 style="font-size:15px">Totals by kind</h3>', totalsTable(r));
    body.push('<h3 style="font-size:15px">Rejections over time</h3>', `<div class="chart">${svgChart(r, { width: 640 })}</div>`, seriesTable(r));
  }
  if (r.services.length > 0) {
    body.push('<h3 style="font-size:15px">Services</h3>', servicesTable(r, (_kind, command, attachment) => `<code>${h(command)}</code> (attached: ${h(attachment)})`));
  }
  if (r.newServices.length > 0) body.push('<h3 style="font-size:15px">New this period</h3>', list(r.newServices, 'new-services'));
  if (r.recoveredServices.length > 0) body.push('<h3 style="font-size:15px">Recovered</h3>', list(r.recoveredServices, 'recovered-services'));
  if (guides.length > 0) body.push(`<p>The upgrade guide for each kind still failing is attached: ${guides.map((g) => h(g.filename)).join(', ')}.</p>`);
  const html = `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:14px;line-height:1.45;color:#1d1d1f">${body.join('\n')}</body></html>`;
  return { subject, text: renderPlainText(r, { attachments: true }), html, attachments: [...guides, ...(opts.files ?? [])] };
}

import type { Report } from './model.js';
import { renderCsv } from './render/csv.js';
import { renderEmail, type EmailReport } from './render/email.js';
import { renderHtml } from './render/html.js';
import { renderJson, toReportJson, type ReportJson } from './render/json.js';
import { renderMarkdown } from './render/markdown.js';
import { renderPlainText } from './render/plain-text.js';
import { renderSlack, type SlackMessage } from './render/slack.js';
import { zone } from './time-zone.js';

/** File formats: `authwatch report --format`, a schedule's `formats`. One list is the type. */
export const REPORT_FORMATS = ['md', 'html', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderedFile {
  readonly filename: string;
  readonly content: string;
  readonly contentType: string;
}

const CONTENT_TYPE: Readonly<Record<ReportFormat, string>> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8; header=present',
};

export function renderFormat(r: Report, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(r);
    case 'html':
      return renderHtml(r);
    case 'json':
      return renderJson(r);
    case 'csv':
      return renderCsv(r);
  }
}

/** `authwatch-report-weekly-leads-2025-03-31.html`: schedule (or `adhoc`) and the local end date. */
export function reportFileName(r: Report, format: ReportFormat): string {
  const name = (r.schedule ?? 'adhoc').replace(/[^A-Za-z0-9._-]+/g, '_');
  return `authwatch-report-${name}-${zone(r.period.timeZone).formatDate(r.period.until)}.${format}`;
}

export function renderFile(r: Report, format: ReportFormat): RenderedFile {
  return { filename: reportFileName(r, format), content: renderFormat(r, format), contentType: CONTENT_TYPE[format] };
}

/**
 * A report rendered for every channel at once, as one value the outbox can store: the
 * delivery side picks the part its channel type needs and never renders again.
 */
export interface RenderedReport {
  /** `report:<schedule>:<since ISO>/<until ISO>`: the same on every retry and receiver. */
  readonly id: string;
  readonly schedule: string | null;
  readonly period: { readonly since: string; readonly until: string; readonly timeZone: string };
  /** One line for logs and previews. */
  readonly headline: string;
  /** Slack receivers: the incoming-webhook body. */
  readonly slack: SlackMessage;
  /** Email receivers: subject, text, HTML and attachments (guides, then `files`). */
  readonly email: EmailReport;
  /** Console receivers. */
  readonly text: string;
  /** Webhook receivers. */
  readonly json: ReportJson;
  /** The schedule's extra formats, as files. */
  readonly files: readonly RenderedFile[];
}

export interface RenderOptions {
  readonly formats?: readonly ReportFormat[];
  readonly subjectPrefix?: string;
}

export function reportId(schedule: string | null, since: number, until: number): string {
  return `report:${schedule ?? 'adhoc'}:${new Date(since).toISOString()}/${new Date(until).toISOString()}`;
}

export function renderReport(r: Report, opts: RenderOptions = {}): RenderedReport {
  const files = (opts.formats ?? []).map((f) => renderFile(r, f));
  const json = toReportJson(r);
  return {
    id: reportId(r.schedule, r.period.since, r.period.until),
    schedule: r.schedule,
    period: { since: json.period.since, until: json.period.until, timeZone: r.period.timeZone },
    headline: json.headline,
    slack: renderSlack(r),
    email: renderEmail(r, { subjectPrefix: opts.subjectPrefix, files }),
    text: renderPlainText(r),
    json,
    files,
  };
}

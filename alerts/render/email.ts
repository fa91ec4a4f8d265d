import { guideFor } from '../guides.js';
import type { Notification } from '../notification.js';
import { headline, resolvedText } from '../notification.js';
import { plainText } from './plain-text.js';
import { headerSafe, htmlEscape, oneLine, showList, showTime, stepToHtml, truncate } from './text.js';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: ReadonlyArray<{ readonly filename: string; readonly content: string; readonly contentType: string }>;
}

/** Longest subject. Characters; mail clients cut far earlier anyway. */
const SUBJECT_MAX = 200;
const SAMPLE_MAX = 4000;

/**
 * The notification as a mail: a subject naming the service and the kind (CR/LF and controls
 * stripped, so log-derived text cannot add headers), a plain-text part, an HTML part with every
 * value escaped, and the whole upgrade guide attached as Markdown.
 */
export function renderEmail(n: Notification, opts: { subjectPrefix?: string | undefined } = {}): EmailContent {
  const prefix = opts.subjectPrefix === undefined ? '[authwatch]' : `[authwatch] ${opts.subjectPrefix}`;
  const subject = headerSafe(`${prefix} ${headline(n)}`, SUBJECT_MAX);
  const attachment = n.guide === null ? null : { filename: n.guide.attachment, content: guideFor(n.kind).markdown, contentType: 'text/markdown; charset=utf-8' };
  const text = plainText(n, attachment === null ? {} : { guideNote: `The full guide is attached as ${attachment.filename}.` });
  return { subject, text, html: html(n, attachment?.filename), attachments: attachment === null ? [] : [attachment] };
}

function html(n: Notification, attachment: string | undefined): string {
  const e = (s: string): string => htmlEscape(oneLine(s));
  const row = (label: string, value: string): string => `<tr><th align="left" style="padding:2px 12px 2px 0;vertical-align:top">${label}</th><td style="padding:2px 0">${value}</td></tr>`;
  const resolved = resolvedText(n);
  const parts = [
    '<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:14px;line-height:1.45;color:#1d1d1f">',
    `<h2 style="margin:0 0 8px">${e(headline(n))}</h2>`,
    `<p>${e(n.meaning)}</p>`,
    resolved === null ? '' : `<p><strong>${e(resolved)}</strong></p>`,
    '<table style="border-collapse:collapse">',
    row('Service', `<code>${e(n.service)}</code>`),
    row('Kind', `<code>${e(n.kind)}</code>${n.provider === 'sendgrid' ? '' : ` (${e(n.provider)})`}`),
    row('Rejections', `${n.counts.window} since ${e(showTime(n.window.from))}, ${n.counts.episode} in this episode, ${n.counts.total} in total`),
    row('First seen', e(showTime(n.firstSeen))),
    row('Last seen', e(showTime(n.lastSeen))),
    row('Hosts', e(showList(n.hosts))),
    row('Sources', e(showList(n.sources))),
    '</table>',
    n.sample === null ? '' : `<p><strong>Sample line (redacted)</strong></p><pre style="white-space:pre-wrap;background:#f4f4f5;padding:8px">${e(truncate(n.sample, SAMPLE_MAX))}</pre>`,
  ];
  if (n.guide !== null) {
    parts.push(`<h3>How to fix: ${e(n.guide.title)}</h3>`, '<ol>', ...n.guide.steps.map((s) => `<li>${stepToHtml(oneLine(s))}</li>`), '</ol>');
    if (attachment !== undefined) parts.push(`<p>The full guide is attached as <code>${e(attachment)}</code>.</p>`);
  } else {
    parts.push(`<p><strong>Fix:</strong> ${e(n.fix)}</p>`);
  }
  parts.push(`<p style="color:#6e6e73;font-size:12px">authwatch · ${e(n.event)} · decided ${e(showTime(n.decidedAt))} · id ${e(n.id)}</p>`, '</body></html>');
  return parts.filter((p) => p !== '').join('\n');
}

import type { Notification } from '../notification.js';
import { headline, resolvedText } from '../notification.js';
import { oneLine, showList, showTime, stepToText, truncate } from './text.js';

/** Longest sample line shown in plain text. Characters. */
const SAMPLE_MAX = 2000;

/**
 * The notification as plain text, shared by the console and the text part of emails. Every
 * log-derived value goes through oneLine, so a line cannot smuggle terminal escapes or fake
 * extra lines into the block.
 */
export function plainText(n: Notification, opts: { guideNote?: string } = {}): string {
  const out: string[] = [oneLine(headline(n)), '', n.meaning];
  const resolved = resolvedText(n);
  if (resolved !== null) out.push('', oneLine(resolved));
  out.push(
    '',
    `Service:     ${oneLine(n.service)}`,
    `Kind:        ${n.kind}${n.provider === 'sendgrid' ? '' : ` (provider: ${oneLine(n.provider)})`}`,
    `Rejections:  ${n.counts.window} since ${showTime(n.window.from)}, ${n.counts.episode} in this episode, ${n.counts.total} in total`,
    `First seen:  ${showTime(n.firstSeen)}`,
    `Last seen:   ${showTime(n.lastSeen)}`,
    `Hosts:       ${oneLine(showList(n.hosts))}`,
    `Sources:     ${oneLine(showList(n.sources))}`,
  );
  if (n.sample !== null) out.push('', 'Sample line (redacted):', `  ${truncate(oneLine(n.sample), SAMPLE_MAX)}`);
  if (n.guide !== null) {
    out.push('', `How to fix: ${n.guide.title}`, ...n.guide.steps.map((s, i) => `${i + 1}. ${stepToText(s)}`));
    if (opts.guideNote !== undefined) out.push('', opts.guideNote);
  } else {
    out.push('', `Fix: ${n.fix}`);
  }
  out.push('', `authwatch · ${n.event} · decided ${showTime(n.decidedAt)} · id ${n.id}`);
  return `${out.join('\n')}\n`;
}

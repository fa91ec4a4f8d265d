import type { Notification } from '../notification.js';
import { headline, resolvedText } from '../notification.js';
import { showList, showTime, slackEscape, stepToSlack, truncate } from './text.js';

/** Slack Block Kit limits (api.slack.com/reference/block-kit): characters and counts. */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fieldText: 2000, fields: 10, contextText: 3000, fallbackText: 3000 } as const;

export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text?: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: 'divider' }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] };

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const ICON = { firing: ':red_circle:', repeat: ':large_orange_circle:', resolved: ':white_check_mark:' } as const;

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): SlackText => ({ type: 'mrkdwn', text: truncate(text, max) });

/** Inline code for a log-derived value: escaped, and without backticks that would end the span. */
const code = (s: string): string => `\`${slackEscape(s).replace(/`/g, "'")}\``;

/**
 * The notification as an incoming-webhook payload. Every log-derived string is escaped, so a
 * sample line holding `<!channel>`, `<@U123>` or `<https://x|y>` shows as text and cannot ping
 * or link; lengths and counts stay within Slack's limits, or Slack would refuse the message.
 */
export function renderSlack(n: Notification): SlackMessage {
  const blocks: SlackBlock[] = [];
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(slackEscape(headline(n)), SLACK_LIMITS.headerText), emoji: true } });

  const intro = [`${ICON[n.event]} ${slackEscape(n.meaning)}`];
  const resolved = resolvedText(n);
  if (resolved !== null) intro.push(`*${slackEscape(resolved)}*`);
  blocks.push({ type: 'section', text: mrkdwn(intro.join('\n')) });

  const field = (label: string, value: string): SlackText => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);
  const fields: SlackText[] = [
    field('Service', code(n.service)),
    field('Kind', code(n.kind) + (n.provider === 'sendgrid' ? '' : ` (${slackEscape(n.provider)})`)),
    field('Rejections', `${n.counts.window} since ${showTime(n.window.from)}\n${n.counts.episode} this episode · ${n.counts.total} total`),
    field('First / last seen', `${showTime(n.firstSeen)}\n${showTime(n.lastSeen)}`),
    field('Hosts', slackEscape(showList(n.hosts))),
    field('Sources', slackEscape(showList(n.sources))),
  ];
  blocks.push({ type: 'section', fields: fields.slice(0, SLACK_LIMITS.fields) });

  if (n.sample !== null) {
    // Inside a code block mrkdwn is not interpreted, but <...> still is: the escape stays.
    const body = slackEscape(n.sample).replace(/```/g, '`\u200b`\u200b`');
    const frame = '*Sample line (redacted)*\n```\n\n```';
    blocks.push({ type: 'section', text: mrkdwn(`*Sample line (redacted)*\n\`\`\`${truncate(body, SLACK_LIMITS.sectionText - frame.length)}\`\`\``) });
  }

  blocks.push({ type: 'divider' });
  if (n.guide !== null) {
    blocks.push(...stepSections(`*How to fix: ${slackEscape(n.guide.title)}*`, n.guide.steps.map((s, i) => `${i + 1}. ${stepToSlack(s)}`)));
  } else {
    blocks.push({ type: 'section', text: mrkdwn(`*Fix:* ${slackEscape(n.fix)}`) });
  }

  const context: SlackBlock = {
    type: 'context',
    elements: [mrkdwn(`authwatch · ${n.event} · decided ${showTime(n.decidedAt)} · id ${n.id}${n.guide ? ` · full guide: ${n.guide.attachment}` : ''}`, SLACK_LIMITS.contextText)],
  };
  const capped = blocks.length + 1 > SLACK_LIMITS.blocks ? blocks.slice(0, SLACK_LIMITS.blocks - 1) : blocks;
  return { text: truncate(slackEscape(`${headline(n)}: ${n.meaning}`), SLACK_LIMITS.fallbackText), blocks: [...capped, context] };
}

/** Packs the numbered steps into as few sections as the per-section text limit allows. */
function stepSections(title: string, lines: readonly string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let cur = title;
  for (const line of lines) {
    const piece = truncate(line, SLACK_LIMITS.sectionText - 1);
    if (cur.length + 1 + piece.length > SLACK_LIMITS.sectionText) {
      out.push({ type: 'section', text: mrkdwn(cur) });
      cur = piece;
    } else {
      cur = cur === '' ? piece : `${cur}\n${piece}`;
    }
  }
  if (cur !== '') out.push({ type: 'section', text: mrkdwn(cur) });
  return out;
}

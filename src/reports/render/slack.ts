import type { Report, ServiceReport } from '../model.js';
import { slack as esc, truncate } from './escape.js';
import { MIGRATION_TEXT, STATUS_TEXT, changeText, headline, hostsText, kindsText, migrationText, periodText, plural, title } from './format.js';
import { textChart } from './text-chart.js';

/** Block Kit limits that Slack enforces (it refuses the whole message otherwise). */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fieldText: 2000, fields: 10, contextElements: 10, text: 3000 } as const;

export interface SlackTextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackTextObject }
  | { readonly type: 'section'; readonly text?: SlackTextObject; readonly fields?: readonly SlackTextObject[] }
  | { readonly type: 'context'; readonly elements: readonly SlackTextObject[] }
  | { readonly type: 'divider' };

export interface SlackMessage {
  /** Notification and fallback text. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Blocks kept for the parts after the service list (chart, lists, guides, footer). */
const TAIL_BLOCKS = 6;

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): SlackTextObject => ({ type: 'mrkdwn', text: truncate(text, max) });

function serviceLine(s: ServiceReport): string {
  const parts = [`*\`${esc(truncate(s.service, 200))}\`* — ${STATUS_TEXT[s.status]}`, MIGRATION_TEXT[s.migration], `${plural(s.count, 'rejection')}, ${changeText(s.change)}`];
  const kinds = kindsText(s);
  if (kinds !== '') parts.push(kinds);
  const hosts = hostsText(s);
  if (hosts !== '') parts.push(`hosts: ${esc(truncate(hosts, 300))}`);
  const guides = s.guides.map((g) => `\`${g.command}\``).join(', ');
  return `${parts.join(' · ')}${guides === '' ? '' : `\n   ↳ fix: ${guides}`}`;
}

/** Packs lines into section texts of at most `max` characters each. */
function pack(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const l = truncate(line, max);
    if (cur !== '' && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = l;
    } else cur = cur === '' ? l : `${cur}\n${l}`;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/**
 * The report as a Slack incoming-webhook message. Services are packed several to a section;
 * what does not fit in 50 blocks is counted in a closing line. Every log-derived text is
 * escaped (`&`, `<`, `>`), so a service called `<!channel>` shows as text and pings nobody.
 */
export function renderSlack(r: Report): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title(r), SLACK_LIMITS.headerText) } },
    { type: 'context', elements: [mrkdwn(esc(periodText(r)))] },
    { type: 'section', text: mrkdwn(`*${headline(r)}*${r.services.length > 0 ? `\n${migrationText(r)}` : ''}`) },
  ];
  if (r.totals.byKind.length > 0 && r.totals.count > 0) {
    const fields = r.totals.byKind.slice(0, SLACK_LIMITS.fields).map((k) => mrkdwn(`*${k.kind}*\n${plural(k.count, 'rejection')}, ${changeText(k.change)} · ${plural(k.services, 'service')}`, SLACK_LIMITS.fieldText));
    blocks.push({ type: 'section', fields });
  }
  if (r.services.length > 0) {
    blocks.push({ type: 'divider' });
    const room = SLACK_LIMITS.blocks - blocks.length - TAIL_BLOCKS;
    const sections = pack(r.services.map(serviceLine), SLACK_LIMITS.sectionText);
    const shown = sections.slice(0, room);
    for (const text of shown) blocks.push({ type: 'section', text: mrkdwn(text) });
    if (sections.length > shown.length) {
      const listed = shown.reduce((n, t) => n + t.split('\n').filter((l) => l.startsWith('*')).length, 0);
      blocks.push({ type: 'context', elements: [mrkdwn(`…and ${r.services.length - listed} more services; run \`authwatch report\` for the full list.`)] });
    }
  }
  const chart = textChart(r, esc);
  if (chart !== '') {
    // Keep whole chart lines: cut lines, not characters, so the code block stays closed.
    const lines = chart.split('\n');
    while (lines.join('\n').length + 8 > SLACK_LIMITS.sectionText) lines.splice(lines.length - 2, 1);
    blocks.push({ type: 'section', text: mrkdwn(`\`\`\`\n${lines.join('\n')}\n\`\`\``) });
  }
  const lists: string[] = [];
  if (r.newServices.length > 0) lists.push(`*New:* ${r.newServices.map((s) => `\`${esc(truncate(s, 200))}\``).join(', ')}`);
  if (r.recoveredServices.length > 0) lists.push(`*Recovered:* ${r.recoveredServices.map((s) => `\`${esc(truncate(s, 200))}\``).join(', ')}`);
  if (lists.length > 0) blocks.push({ type: 'section', text: mrkdwn(lists.join('\n')) });
  if (r.guides.length > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`Upgrade guides: ${r.guides.map((g) => `\`${g.command}\``).join(' · ')}`)] });
  }
  return { text: truncate(`${title(r)}: ${headline(r)}`, SLACK_LIMITS.text), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

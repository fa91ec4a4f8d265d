import { renderTable, shortTime } from '../output/terminal.js';
import type { ActivityGroup } from './group.js';
import type { ImportResult } from './import-activity.js';

export function groupJson(g: ActivityGroup) {
  return { subuser: g.subuser, from_email: g.fromEmail, category: g.category, messages: g.count, first_seen: g.firstAt, last_seen: g.lastAt };
}

export function totalsJson(r: ImportResult) {
  return { messages: r.messages, without_api_key: r.withoutKey, stored_new: r.stored, without_msg_id: r.withoutId };
}

/** Groups as a table; the subuser and category columns appear only when some group has them. */
export function renderActivityTable(r: ImportResult, fix: string, dbNote: string): string {
  const out: string[] = [];
  if (r.withoutKey === 0) {
    out.push(`${r.messages} message(s) read; every one was sent with an API key.`);
    return out.join('\n');
  }
  const withSubuser = r.groups.some((g) => g.subuser !== null);
  const withCategory = r.groups.some((g) => g.category !== null);
  const header = [...(withSubuser ? ['SUBUSER'] : []), 'FROM', ...(withCategory ? ['CATEGORY'] : []), 'MESSAGES', 'FIRST', 'LAST'];
  const rows = r.groups.map((g) => [
    ...(withSubuser ? [g.subuser ?? '-'] : []),
    g.fromEmail ?? '-',
    ...(withCategory ? [g.category ?? '-'] : []),
    String(g.count),
    shortTime(g.firstAt === null ? null : Date.parse(g.firstAt)),
    shortTime(g.lastAt === null ? null : Date.parse(g.lastAt)),
  ]);
  out.push(renderTable(header, rows));
  out.push('', `${r.messages} message(s) read; ${r.withoutKey} sent without an API key (username and password)${dbNote}.`);
  out.push(`Fix: ${fix}`);
  return out.join('\n');
}

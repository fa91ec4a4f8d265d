import { KIND_SUMMARY } from '../../../alerts/guides.js';
import type { Report } from '../model.js';
import { oneLine } from './escape.js';
import { MIGRATION_TEXT, STATUS_TEXT, changeText, headline, hostsText, kindsText, migrationText, periodText, plural, timeText, title } from './format.js';
import { textChart } from './text-chart.js';

/** The report as plain text: the mail's text part and the console receiver's output. */
export function renderPlainText(r: Report, opts: { attachments?: boolean } = {}): string {
  const out: string[] = [title(r), `Period: ${periodText(r)}`, '', headline(r)];
  if (r.services.length > 0) out.push(migrationText(r));
  if (r.totals.count > 0) {
    out.push('', 'Totals by kind:');
    for (const k of r.totals.byKind) out.push(`  ${k.kind}: ${k.count} (${changeText(k.change)}), ${plural(k.services, 'service')}`);
  }
  if (r.services.length > 0) {
    out.push('', 'Services:');
    for (const s of r.services) {
      out.push(`- ${oneLine(s.service)}: ${STATUS_TEXT[s.status]}, ${MIGRATION_TEXT[s.migration]}, ${s.count} rejections (${changeText(s.change)})`);
      const kinds = kindsText(s);
      if (kinds !== '') out.push(`    kinds: ${kinds}`);
      out.push(`    first seen ${timeText(r, s.firstSeen)}, last seen ${timeText(r, s.lastSeen)}`);
      if (s.topHosts.length > 0) out.push(`    hosts: ${oneLine(hostsText(s))}`);
      for (const g of s.guides) out.push(`    fix: ${g.command}${opts.attachments ? ` (attached: ${g.attachment})` : ''}`);
    }
  }
  if (r.newServices.length > 0) out.push('', `New this period: ${r.newServices.map(oneLine).join(', ')}`);
  if (r.recoveredServices.length > 0) out.push('', `Recovered: ${r.recoveredServices.map(oneLine).join(', ')}`);
  const chart = textChart(r);
  if (chart !== '') out.push('', 'Rejections over time:', chart);
  if (r.guides.length > 0) {
    out.push('', 'Upgrade guides:');
    for (const g of r.guides) out.push(`- ${g.kind}: ${KIND_SUMMARY[g.kind].fix} Full guide: ${g.command}${opts.attachments ? ` or the attached ${g.attachment}` : ''}.`);
  }
  return `${out.join('\n')}\n`;
}

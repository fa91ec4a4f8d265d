import { KIND_SUMMARY } from '../../../alerts/guides.js';
import type { Report } from '../model.js';
import { markdown as md } from './escape.js';
import { MIGRATION_TEXT, STATUS_TEXT, changeText, headline, hostsText, kindsText, migrationText, periodText, timeText, title } from './format.js';
import { textChart } from './text-chart.js';

/**
 * The report as Markdown (GitHub flavour): summary, totals by kind, services table, new and
 * recovered lists, a block-character chart and how to get each still-failing kind's guide.
 */
export function renderMarkdown(r: Report): string {
  const out: string[] = [`# ${title(r)}`, '', `Period: ${periodText(r)}`, '', `**${headline(r)}**`];
  if (r.services.length > 0) out.push('', migrationText(r));
  if (r.totals.count > 0) {
    out.push('', '## Totals by kind', '', '| Kind | Rejections | Change | Services |', '| --- | ---: | ---: | ---: |');
    for (const k of r.totals.byKind) out.push(`| \`${k.kind}\` | ${k.count} | ${changeText(k.change)} | ${k.services} |`);
    out.push(`| **all** | **${r.totals.count}** | ${changeText(r.totals.change)} | ${r.totals.failing} |`);
  }
  if (r.services.length > 0) {
    out.push('', '## Services', '', '| Service | Status | Migration | Kinds | Rejections | Change | First seen | Last seen | Top hosts | Guide |', '| --- | --- | --- | --- | ---: | ---: | --- | --- | --- | --- |');
    for (const s of r.services) {
      const guides = s.guides.map((g) => `[\`${g.command}\`](#guide-${g.kind})`).join(', ');
      out.push(
        `| ${md(s.service)} | ${STATUS_TEXT[s.status]} | ${MIGRATION_TEXT[s.migration]} | ${kindsText(s)} | ${s.count} | ${changeText(s.change)} | ${timeText(r, s.firstSeen)} | ${timeText(r, s.lastSeen)} | ${md(hostsText(s))} | ${guides} |`,
      );
    }
  }
  if (r.newServices.length > 0) out.push('', '## New this period', '', ...r.newServices.map((s) => `- ${md(s)}`));
  if (r.recoveredServices.length > 0) out.push('', '## Recovered', '', 'Failed in the previous period, not in this one:', '', ...r.recoveredServices.map((s) => `- ${md(s)}`));
  const chart = textChart(r, (s) => s.replace(/`/g, 'ˋ'));
  if (chart !== '') out.push('', '## Rejections over time', '', '```text', chart, '```');
  if (r.guides.length > 0) {
    out.push('', '## Upgrade guides');
    for (const g of r.guides) {
      out.push('', `<a id="guide-${g.kind}"></a>`, `### ${g.title} (\`${g.kind}\`)`, '', KIND_SUMMARY[g.kind].fix, '', `Full guide: \`${g.command}\`.`);
    }
  }
  return `${out.join('\n')}\n`;
}

import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/build.js';
import type { Report } from '../../src/reports/model.js';
import { csvField } from '../../src/reports/render/escape.js';
import { renderCsv } from '../../src/reports/render/csv.js';
import { renderHtml } from '../../src/reports/render/html.js';
import { renderJson } from '../../src/reports/render/json.js';
import { renderMarkdown } from '../../src/reports/render/markdown.js';
import { renderPlainText } from '../../src/reports/render/plain-text.js';
import { SLACK_LIMITS, renderSlack, type SlackBlock } from '../../src/reports/render/slack.js';
import { renderReport } from '../../src/reports/rendered.js';
import { MAILER, NOW, SCENARIO, SINCE, UNTIL, seed, tempDb, times, type SeedEvent } from './support/seed.js';

function scenarioReport(): Report {
  const { db } = tempDb();
  seed(db, SCENARIO);
  return buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
}

/** A minimal RFC 4180 reader, to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  return rows;
}

const blockTexts = (blocks: readonly SlackBlock[]): string[] =>
  blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : b.type === 'context' ? b.elements.map((e) => e.text) : b.type === 'header' ? [b.text.text] : []));

describe('CSV', () => {
  it('quotes by RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
  });

  it('writes one row per service that a reader gets back unchanged', () => {
    const { db } = tempDb();
    const evil = '=cmd|" /C calc"!A0, "x"';
    seed(db, [...SCENARIO, ...times(evil, 'smtp_auth_failed', ['2025-03-25T00:00:00Z'], { host: '@evil,host' })]);
    const rows = parseCsv(renderCsv(buildReport(db, { since: SINCE, until: UNTIL, now: NOW })));
    expect(rows[0]).toEqual(['service', 'status', 'migration', 'kinds', 'count', 'previous', 'change', 'change_percent', 'first_seen', 'last_seen', 'top_hosts', 'guides', 'period_start', 'period_end']);
    expect(rows).toHaveLength(1 + 7);
    expect(rows[1]).toEqual([
      'billing-api',
      'ongoing',
      'rejected',
      'smtp_basic_auth_2fa=5',
      '5',
      '2',
      '3',
      '150',
      '2025-03-10T09:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
      'h1=4;h2=1',
      'authwatch explain smtp_basic_auth_2fa',
      '2025-03-24T00:00:00.000Z',
      '2025-03-31T00:00:00.000Z',
    ]);
    const evilRow = rows.find((r) => r[0]?.includes('cmd'));
    expect(evilRow?.[0]).toBe(`'${evil}`);
    expect(evilRow?.[10]).toBe("'@evil,host=1");
    expect(rows.find((r) => r[0] === MAILER)?.[7]).toBe('');
  });

  it('an empty period gives the header alone', () => {
    const { db } = tempDb();
    expect(renderCsv(buildReport(db, { since: SINCE, until: UNTIL, now: NOW })).split('\r\n')).toHaveLength(2);
  });
});

describe('HTML', () => {
  it('escapes every log-derived text', () => {
    const { db } = tempDb();
    const host = '"><img src=x onerror=alert(1)>';
    seed(db, [...SCENARIO, { service: "it's <b>bold</b> & \"quoted\"", kind: 'smtp_auth_failed', at: '2025-03-25T00:00:00Z', host }]);
    const out = renderHtml(buildReport(db, { since: SINCE, until: UNTIL, now: NOW }));
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>bold');
    expect(out).toContain('mailer&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out).toContain('it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;');
    expect(out).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('links each still-failing service to its guide, included in the page', () => {
    const out = renderHtml(scenarioReport());
    expect(out).toContain('<a href="#guide-smtp_basic_auth_2fa"><code>authwatch explain smtp_basic_auth_2fa</code></a>');
    expect(out).toContain('<section class="guide" id="guide-smtp_basic_auth_2fa">');
  });

  it('says "no rejections" for an empty period', () => {
    const { db } = tempDb();
    const out = renderHtml(buildReport(db, { since: SINCE, until: UNTIL, now: NOW }));
    expect(out).toContain('No rejections in this period.');
    expect(out).not.toContain('<svg');
  });
});

describe('Markdown and text', () => {
  it('shows the summary, tables, lists, chart and guide commands', () => {
    const md = renderMarkdown(scenarioReport());
    expect(md).toContain('# authwatch report: 2025-03-24 to 2025-03-31');
    expect(md).toContain('**12 rejections from 5 services; 2 new; 1 recovered.**');
    expect(md).toContain('| `smtp_basic_auth_2fa` | 5 | -1 (-16.7%) | 1 |');
    expect(md).toContain('| billing-api | ongoing | rejected | smtp_basic_auth_2fa | 5 | +3 (+150%) | 2025-03-10 09:00 | 2025-03-31 00:00 | h1 (4), h2 (1) | [`authwatch explain smtp_basic_auth_2fa`](#guide-smtp_basic_auth_2fa) |');
    expect(md).toContain('| mailer\\<script\\>alert("x")\\</script\\> | new |');
    expect(md).toContain('## Recovered');
    expect(md).toContain('- legacy-cron');
    expect(md).toContain('billing-api               ▄█·▄··▄  5');
    expect(md).toContain('Full guide: `authwatch explain api_basic_auth_2fa`.');
  });

  it('an empty period is a short report that says so', () => {
    const { db } = tempDb();
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
    expect(renderMarkdown(r)).toBe('# authwatch report: 2025-03-24 to 2025-03-31\n\nPeriod: 2025-03-24 00:00 – 2025-03-31 00:00 UTC\n\n**No rejections in this period.**\n');
    expect(renderPlainText(r)).toContain('No rejections in this period.');
  });
});

describe('Slack', () => {
  it('escapes & < > so a service name cannot ping or link', () => {
    const { db } = tempDb();
    seed(db, [...times('<!channel> & <https://evil.example|click>', 'smtp_auth_failed', ['2025-03-25T00:00:00Z'])]);
    const msg = renderSlack(buildReport(db, { since: SINCE, until: UNTIL, now: NOW }));
    const all = blockTexts(msg.blocks).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://');
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
  });

  it('stays within Block Kit limits with many long-named services', () => {
    const { db } = tempDb();
    const events: SeedEvent[] = [];
    for (let i = 0; i < 400; i++) events.push(...times(`service-${String(i).padStart(3, '0')}-${'x'.repeat(150)}`, 'smtp_basic_auth_2fa', ['2025-03-25T00:00:00Z'], { host: `host-${'y'.repeat(200)}` }));
    seed(db, events);
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
    const msg = renderSlack(r);
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of msg.blocks) {
      if (b.type === 'section') {
        expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      }
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    }
    expect(msg.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    expect(blockTexts(msg.blocks).join('\n')).toMatch(/…and \d+ more services/);
    const chart = msg.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('```'));
    expect(chart).toBeDefined();
  });

  it('shows the totals, a block chart and the guide commands', () => {
    const msg = renderSlack(scenarioReport());
    const all = blockTexts(msg.blocks).join('\n');
    expect(msg.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'authwatch report: 2025-03-24 to 2025-03-31' } });
    expect(all).toContain('*smtp_basic_auth_2fa*\n5 rejections, -1 (-16.7%) · 1 service');
    expect(all).toContain('*`billing-api`* — ongoing · rejected · 5 rejections, +3 (+150%) · smtp_basic_auth_2fa · hosts: h1 (4), h2 (1)\n   ↳ fix: `authwatch explain smtp_basic_auth_2fa`');
    expect(all).toContain('*`mailer&lt;script&gt;alert("x")&lt;/script&gt;`* — new');
    expect(all).toMatch(/```\nbilling-api +▄█·▄··▄ {2}5\n/);
    expect(all).toContain('*Recovered:* `legacy-cron`');
  });
});

describe('JSON and the rendered bundle', () => {
  it('carries the model with ISO times', () => {
    const json = JSON.parse(renderJson(scenarioReport())) as { period: unknown; services: Array<{ service: string; firstSeen: string }>; headline: string };
    expect(json.period).toEqual({ since: '2025-03-24T00:00:00.000Z', until: '2025-03-31T00:00:00.000Z', previousSince: '2025-03-17T00:00:00.000Z', timeZone: 'UTC' });
    expect(json.services[0]).toMatchObject({ service: 'billing-api', firstSeen: '2025-03-10T09:00:00.000Z' });
    expect(json.headline).toBe('12 rejections from 5 services; 2 new; 1 recovered.');
  });

  it('renders every part with a stable id and the requested files', () => {
    const r = renderReport(scenarioReport(), { formats: ['csv', 'html'] });
    expect(r.id).toBe('report:adhoc:2025-03-24T00:00:00.000Z/2025-03-31T00:00:00.000Z');
    expect(r.files.map((f) => f.filename)).toEqual(['authwatch-report-adhoc-2025-03-31.csv', 'authwatch-report-adhoc-2025-03-31.html']);
    expect(r.email.attachments.map((a) => a.filename)).toEqual([
      'smtp_basic_auth_2fa-upgrade-guide.md',
      'api_basic_auth_2fa-upgrade-guide.md',
      'smtp_auth_failed-upgrade-guide.md',
      'api_auth_failed-upgrade-guide.md',
      'authwatch-report-adhoc-2025-03-31.csv',
      'authwatch-report-adhoc-2025-03-31.html',
    ]);
  });
});

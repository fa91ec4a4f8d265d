import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/build.js';
import { renderCsv } from '../../src/reports/render/csv.js';
import { renderHtml } from '../../src/reports/render/html.js';
import { renderJson } from '../../src/reports/render/json.js';
import { renderMarkdown } from '../../src/reports/render/markdown.js';
import { renderPlainText } from '../../src/reports/render/plain-text.js';
import { renderSlack } from '../../src/reports/render/slack.js';
import { renderEmail } from '../../src/reports/render/email.js';
import { migrationStatus, migrationStatuses } from '../../src/store/service-status.js';
import { seed, tempDb, times } from './support/seed.js';

const SINCE = Date.parse('2025-03-24T00:00:00Z');
const UNTIL = Date.parse('2025-03-31T00:00:00Z');
const RISK = 'still using Basic auth (not yet rejected)';

describe('migration status', () => {
  it('ranks a rejection over the risk, the risk over nothing', () => {
    expect(migrationStatus(['basic_auth_in_use', 'smtp_auth_failed'])).toBe('rejected');
    expect(migrationStatus(['basic_auth_in_use'])).toBe('basic-auth');
    expect(migrationStatus([])).toBe('clean');
  });

  it('classifies every service in the report model and every renderer', () => {
    const { db } = tempDb();
    seed(db, [
      ...times('billing', 'smtp_basic_auth_2fa', ['2025-03-25T10:00:00Z']),
      ...times('billing', 'basic_auth_in_use', ['2025-03-25T09:00:00Z']),
      ...times('newsletter', 'basic_auth_in_use', ['2025-03-26T10:00:00Z', '2025-03-27T10:00:00Z']),
      // Failed in the previous period only: recovered, and clean now.
      ...times('cron', 'smtp_auth_failed', ['2025-03-20T10:00:00Z']),
    ]);
    const r = buildReport(db, { since: SINCE, until: UNTIL, now: UNTIL });
    expect(r.services.map((s) => [s.service, s.migration])).toEqual([
      ['billing', 'rejected'],
      ['newsletter', 'basic-auth'],
      ['cron', 'clean'],
    ]);
    expect(r.totals.migration).toEqual({ rejected: 1, 'basic-auth': 1, clean: 1 });

    const summary = `Migration: 1 rejected · 1 ${RISK} · 1 clean`;
    expect(renderMarkdown(r)).toContain(summary);
    expect(renderMarkdown(r)).toContain(`| newsletter | new | ${RISK} |`);
    expect(renderPlainText(r)).toContain(`- newsletter: new, ${RISK}, 2 rejections`);
    expect(renderHtml(r)).toContain(`data-migration="basic-auth" style="font-weight:400;color:#475467">${RISK}</span>`);
    expect(renderEmail(r).html).toContain(summary);
    const json = JSON.parse(renderJson(r)) as { totals: { migration: unknown }; services: Array<{ service: string; migration: string }> };
    expect(json.totals.migration).toEqual({ rejected: 1, 'basic-auth': 1, clean: 1 });
    expect(json.services.map((s) => s.migration)).toEqual(['rejected', 'basic-auth', 'clean']);
    expect(renderCsv(r).split('\r\n')[2]).toMatch(/^newsletter,new,basic-auth,/);
    expect(JSON.stringify(renderSlack(r).blocks)).toContain(`*\`newsletter\`* — new · ${RISK}`);

    // The status page's view, from the running totals.
    expect(migrationStatuses(db, SINCE)).toEqual(new Map([['billing', 'rejected'], ['newsletter', 'basic-auth'], ['cron', 'clean']]));
  });
});

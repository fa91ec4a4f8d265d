/**
 * The status page in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * it renders the seeded services with their status and trend chart, shows a hostile service
 * name as text, runs no script and needs nothing from outside.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startHttpServer } from '../../src/http/server.js';
import { silentLog } from '../../src/telemetry/logger.js';
import { HOSTILE, fakeView, seedStatusDb, tempStatusDb } from './seed.js';

const CHROMIUM = process.env.AUTHWATCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The few DOM members the page callbacks read; the project compiles without the DOM library. */
interface El {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  querySelector(selector: string): El | null;
}

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
});

describe('status page in Chromium', () => {
  it('shows the seeded services, statuses, trend bars, outbox and sources', async () => {
    const { db } = tempStatusDb();
    onTestFinished(() => {
      db.close();
    });
    seedStatusDb(db);
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, log: silentLog(), view: fakeView(db) });
    onTestFinished(() => server.close());

    const page = await browser.newPage();
    onTestFinished(() => page.close());
    const dialogs: string[] = [];
    const consoleErrors: string[] = [];
    const outside: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) outside.push(r.url());
    });
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('authwatch status');
    expect(await page.locator('#readiness').textContent()).toBe('Ready');

    const rows = await page.locator('table.services tbody tr').evaluateAll((els: El[]) =>
      els.map((tr) => ({
        service: tr.querySelector('th')?.textContent ?? '',
        status: tr.querySelector('td .st')?.textContent ?? '',
        count: tr.querySelector('td.num')?.textContent ?? '',
        bars: tr.querySelectorAll('svg.trend rect').length,
        label: tr.querySelector('svg.trend')?.getAttribute('aria-label') ?? '',
      })),
    );
    expect(rows).toEqual([
      { service: 'billing', status: 'failing', count: '5', bars: 3, label: '5 events, last 24 h' },
      { service: 'crm', status: 'muted', count: '2', bars: 2, label: '2 events, last 24 h' },
      { service: HOSTILE, status: 'quiet', count: '1', bars: 1, label: '1 events, last 24 h' },
    ]);
    // The hostile name is text: no image element was created from it, no handler ran.
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    expect(await page.locator('#outbox-counts').textContent()).toBe('pending 1 · sending 0 · delivered 0 · dead 1 · oldest waiting for 60 min');
    expect(await page.locator('td.err').first().textContent()).toBe('Email (receiver mail): Invalid login: 535 <b>refused</b>');
    expect(await page.locator('section[aria-labelledby="sources-h"] tbody th').allTextContents()).toEqual(['app']);

    // The 7-day view uses 6-hour buckets: billing's 5 events (09:00 to 11:30) share the last one.
    await Promise.all([page.waitForURL(/\?range=7d$/), page.click('a[href="?range=7d"]')]);
    const chart = page.locator('table.services tbody tr').first().locator('svg.trend');
    expect(await chart.getAttribute('aria-label')).toBe('5 events, last 7 days');
    expect(await chart.locator('rect').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
  });
});

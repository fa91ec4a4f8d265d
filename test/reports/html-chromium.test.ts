/**
 * The HTML report in a real headless Chromium (Debian's `chromium` package, driven by
 * playwright-core, which never downloads a browser of its own).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/reports/build.js';
import { renderHtml } from '../../src/reports/render/html.js';
import { tempDir } from '../support/temp.js';
import { MAILER, NOW, SCENARIO, SINCE, UNTIL, seed, tempDb } from './support/seed.js';

const CHROMIUM = process.env.AUTHWATCH_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The DOM members the page callbacks use; the project compiles without the DOM library. */
interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  readonly textContent: string | null;
  getBBox(): { readonly height: number };
}

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in Chromium', () => {
  it('renders the chart, legend and services table from the seeded database', async () => {
    const { db } = tempDb();
    seed(db, SCENARIO);
    const report = buildReport(db, { since: SINCE, until: UNTIL, now: NOW });
    const dir = tempDir();
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report));

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);

    // One bar segment per (bucket, service) with events: billing 4 days, mailer 2, acked 1, gmail 1, muted 1.
    const bars = page.locator('svg.chart rect.bar');
    expect(await bars.count()).toBe(9);
    const segments = await bars.evaluateAll((els: DomElement[]) => els.map((e) => `${e.getAttribute('data-bucket')}:${e.getAttribute('data-service')}=${e.getAttribute('data-count')}`));
    expect(segments).toEqual([
      '0:billing-api=1',
      '1:billing-api=2',
      '2:mailer<script>alert("x")</script>=2',
      '2:gmail-relay=1',
      '3:billing-api=1',
      '4:mailer<script>alert("x")</script>=1',
      '5:acked-svc=2',
      '5:muted-svc=1',
      '6:billing-api=1',
    ]);
    // Bars have real size once laid out; a taller bar for the bigger count.
    const heights = await bars.evaluateAll((els: DomElement[]) => els.map((e) => e.getBBox().height));
    expect(Math.min(...heights)).toBeGreaterThan(10);
    expect(heights[1]).toBeCloseTo((heights[0] ?? 0) * 2, 0);
    expect(await page.locator('svg.chart text.x-label').allTextContents()).toEqual(['03-24', '03-25', '03-26', '03-27', '03-28', '03-29', '03-30']);
    expect(await page.locator('svg.chart .legend-item').count()).toBe(5);
    expect(await page.locator('svg.chart .legend-item text').first().textContent()).toBe('billing-api (5)');

    const rows = await page.locator('table.services tbody tr').evaluateAll((trs: DomElement[]) =>
      trs.map((tr) => [tr.querySelector('.service-name')?.textContent, tr.getAttribute('data-status'), tr.querySelector('.count')?.textContent]),
    );
    expect(rows).toEqual([
      ['billing-api', 'ongoing', '5'],
      [MAILER, 'new', '3'],
      ['acked-svc', 'ongoing', '2'],
      ['gmail-relay', 'new', '1'],
      ['muted-svc', 'ongoing', '1'],
      ['legacy-cron', 'recovered', '0'],
    ]);
    // The service named like a script stayed text: no script element, no dialog.
    expect(await page.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    // Guide links land on the included guides.
    await page.locator('a[href="#guide-api_basic_auth_2fa"]').click();
    expect(await page.locator('#guide-api_basic_auth_2fa h3').textContent()).toContain('api_basic_auth_2fa');

    const shot = process.env.AUTHWATCH_REPORT_SHOT ?? join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1100);
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
    // A blank page compresses to a few KB; text, tables and a chart do not.
    expect(statSync(shot).size).toBeGreaterThan(40_000);
    await page.close();
  });

  it('renders an empty period as a short page without a chart', async () => {
    const { db } = tempDb();
    const file = join(tempDir(), 'empty.html');
    writeFileSync(file, renderHtml(buildReport(db, { since: SINCE, until: UNTIL, now: NOW })));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('p.headline').textContent()).toBe('No rejections in this period.');
    expect(await page.locator('svg').count()).toBe(0);
    await page.close();
  });
});

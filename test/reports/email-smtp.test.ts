/**
 * Email reports through a real SMTP session: the scheduler renders, nodemailer sends to an
 * smtp-server on 127.0.0.1, mailparser reads what arrived.
 */
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { guideFor } from '../../alerts/guides.js';
import type { ReportDelivery } from '../../src/reports/delivery.js';
import { ReportsConfigSchema } from '../../src/reports/config-schema.js';
import type { RenderedReport } from '../../src/reports/rendered.js';
import { ReportScheduler } from '../../src/reports/scheduler.js';
import { memoryLog } from '../support/memory-store.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { MAILER, SCENARIO, seed, tempDb } from './support/seed.js';

/** Collects what the scheduler queues; the test then sends it the way the email channel would. */
function collecting(): ReportDelivery & { queued: Array<{ receiver: string; message: RenderedReport }> } {
  const queued: Array<{ receiver: string; message: RenderedReport }> = [];
  return { queued, enqueue: (receiver, message) => void queued.push({ receiver, message }) };
}

async function sendMail(url: string, message: RenderedReport): Promise<void> {
  const transport = nodemailer.createTransport(url);
  try {
    const mail = message.email;
    await transport.sendMail({
      from: 'authwatch <authwatch@example.test>',
      to: 'leads@example.test',
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
  } finally {
    transport.close();
  }
}

describe('email report over SMTP', () => {
  it('arrives with subject, text, HTML (SVG chart and fallback table) and the guides attached', async () => {
    const smtp = await startSmtpReceiver();
    const { db } = tempDb();
    seed(db, SCENARIO);
    const delivery = collecting();
    const clock = { now: Date.parse('2025-03-30T12:00:00Z') };
    const scheduler = new ReportScheduler({
      db,
      schedules: ReportsConfigSchema.parse([{ name: 'weekly', cron: '0 0 * * MON', period: '7d', receivers: ['leads'], formats: ['csv'] }]),
      delivery,
      log: memoryLog(),
      clock: () => clock.now,
      subjectPrefix: '[prod]',
      heartbeat: () => ({ stop: () => undefined }),
    });
    scheduler.start();
    scheduler.tick(Date.parse('2025-03-31T00:00:05Z'));
    expect(delivery.queued.map((q) => q.receiver)).toEqual(['leads']);
    const message = delivery.queued[0]?.message;
    if (message === undefined) throw new Error('nothing queued');

    await sendMail(smtp.url, message);
    await smtp.waitFor(1);
    const mail = smtp.mails[0]?.parsed;
    if (mail === undefined) throw new Error('no mail arrived');

    expect(mail.subject).toBe('[authwatch] [prod] authwatch report "weekly": 2025-03-24 to 2025-03-31: 12 rejections from 5 services; 2 new; 1 recovered.');
    expect(mail.text).toContain('12 rejections from 5 services; 2 new; 1 recovered.');
    expect(mail.text).toContain('- billing-api: ongoing, rejected, 5 rejections (+3 (+150%))');
    expect(mail.text).toContain('fix: authwatch explain smtp_basic_auth_2fa (attached: smtp_basic_auth_2fa-upgrade-guide.md)');
    expect(mail.text).toContain(`- ${MAILER}: new, rejected, 3 rejections (+3 (from 0))`);

    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html).toContain('<svg');
    expect((html.match(/class="bar"/g) ?? []).length).toBe(9);
    expect(html).not.toContain('<script>');
    expect(html).toContain('mailer&lt;script&gt;');
    // The fallback table carries every number of the chart: one row per day with the totals.
    const bucketRows = html.match(/<tr class="bucket">.*?<\/tr>/g) ?? [];
    expect(bucketRows).toHaveLength(7);
    const totals = bucketRows.map((row) => /<strong>(\d+)<\/strong><\/td><\/tr>$/.exec(row)?.[1]);
    expect(totals).toEqual(['1', '2', '3', '1', '1', '3', '1']);

    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['smtp_basic_auth_2fa-upgrade-guide.md', 'text/markdown'],
      ['api_basic_auth_2fa-upgrade-guide.md', 'text/markdown'],
      ['smtp_auth_failed-upgrade-guide.md', 'text/markdown'],
      ['api_auth_failed-upgrade-guide.md', 'text/markdown'],
      ['authwatch-report-weekly-2025-03-31.csv', 'text/csv'],
    ]);
    expect(mail.attachments[0]?.content.toString('utf8')).toBe(guideFor('smtp_basic_auth_2fa').markdown);
    expect(mail.attachments[4]?.content.toString('utf8').split('\r\n')[1]).toMatch(/^billing-api,ongoing,rejected,smtp_basic_auth_2fa=5,5,2,3,150,/);
  });

  it('an empty period still sends a short mail without attachments', async () => {
    const smtp = await startSmtpReceiver();
    const { db } = tempDb();
    const delivery = collecting();
    const scheduler = new ReportScheduler({
      db,
      schedules: ReportsConfigSchema.parse([{ name: 'daily', cron: '0 8 * * *', receivers: ['team'] }]),
      delivery,
      log: memoryLog(),
      clock: () => Date.parse('2025-06-01T00:00:00Z'),
      heartbeat: () => ({ stop: () => undefined }),
    });
    scheduler.start();
    scheduler.tick(Date.parse('2025-06-01T08:00:00Z'));
    const message = delivery.queued[0]?.message;
    if (message === undefined) throw new Error('nothing queued');
    await sendMail(smtp.url, message);
    await smtp.waitFor(1);
    const mail = smtp.mails[0]?.parsed;
    expect(mail?.subject).toBe('[authwatch] authwatch report "daily": 2025-05-31 to 2025-06-01: No rejections in this period.');
    expect(mail?.text).toContain('No rejections in this period.');
    expect(mail?.attachments).toEqual([]);
  });
});

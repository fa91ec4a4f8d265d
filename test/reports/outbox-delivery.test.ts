/**
 * Scheduled reports through the alert outbox to real receivers on 127.0.0.1: the scheduler
 * records the run and queues one row per receiver in one transaction; the delivery worker sends
 * the part each channel needs.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { simpleParser } from 'mailparser';
import { createAlerting, AlertsConfigSchema } from '../../alerts/index.js';
import { ReportsConfigSchema } from '../../src/reports/config-schema.js';
import { ReportScheduler } from '../../src/reports/scheduler.js';
import { outboxReportDelivery } from '../../src/reports/outbox-delivery.js';
import { listOutbox } from '../../src/store/alerts-outbox.js';
import { memoryLog } from '../support/memory-store.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { seed, tempDb } from './support/seed.js';

const at = (s: string): number => Date.parse(s);

describe('scheduled reports through the outbox', () => {
  it('delivers one report per receiver, once, with each channel getting its own rendering', async () => {
    const slack = await startHttpReceiver();
    const hook = await startHttpReceiver();
    const smtp = await startSmtpReceiver();
    onTestFinished(async () => {
      await slack.close();
      await hook.close();
      await smtp.close();
    });
    const { db } = tempDb();
    seed(db, [
      { service: 'billing', kind: 'smtp_basic_auth_2fa', at: '2025-06-02T09:00:00Z' },
      { service: 'billing', kind: 'smtp_basic_auth_2fa', at: '2025-06-02T10:00:00Z' },
      { service: 'crm', kind: 'api_basic_auth_2fa', at: '2025-06-02T11:00:00Z' },
    ]);
    const alerts = AlertsConfigSchema.parse({
      receivers: {
        team: { type: 'slack', webhookUrl: `${slack.url}/hook` },
        leads: { type: 'email', to: ['leads@example.org'], from: 'authwatch@example.org', smtpUrl: smtp.url },
        bus: { type: 'webhook', url: `${hook.url}/in`, secret: 'a-long-shared-secret' },
      },
      // Alerts for the seeded events go nowhere here: only the report is under test.
      defaultReceivers: ['console'],
    });
    const schedules = ReportsConfigSchema.parse([{ name: 'daily', cron: '0 8 * * *', timezone: 'UTC', period: '24h', receivers: ['team', 'leads', 'bus'] }]);
    const clock = { now: at('2025-06-02T12:00:00Z') };
    const types = new Map(Object.entries(alerts.receivers).map(([n, r]) => [n, r.type as string]));
    const log = memoryLog();
    const scheduler = new ReportScheduler({ db, schedules, delivery: outboxReportDelivery(db, types, () => clock.now), log, clock: () => clock.now, heartbeat: () => ({ stop: () => undefined }) });
    scheduler.start();
    clock.now = at('2025-06-03T08:00:30Z');
    expect(scheduler.tick(clock.now)).toHaveLength(1);
    expect(scheduler.tick(clock.now + 60_000)).toHaveLength(0);
    expect(listOutbox(db, { states: ['pending'] }).filter((r) => r.event === 'report').map((r) => r.receiver).sort()).toEqual(['bus', 'leads', 'team']);

    const alerting = createAlerting({ db, config: alerts, log, clock: () => clock.now, stdout: process.stdout });
    await alerting.deliver(clock.now);
    await slack.waitFor(1);
    await hook.waitFor(1);
    await smtp.waitFor(1);
    await alerting.close();

    const slackBody = JSON.parse(slack.requests[0]?.body ?? '{}') as { blocks?: unknown[]; text?: string };
    expect(Array.isArray(slackBody.blocks)).toBe(true);
    expect(JSON.stringify(slackBody)).toContain('billing');
    const hookReq = hook.requests[0];
    expect(hookReq?.headers['x-authwatch-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const report = JSON.parse(hookReq?.body ?? '{}') as { services?: Array<{ service: string; count: number }> };
    expect(report.services?.map((s) => [s.service, s.count])).toEqual([
      ['billing', 2],
      ['crm', 1],
    ]);
    const mail = await simpleParser(smtp.mails[0]?.raw ?? '');
    expect(mail.subject).toMatch(/report/i);
    expect(mail.text).toContain('billing');
    expect(mail.html || '').toContain('<svg');
    expect(listOutbox(db, { states: ['delivered'] }).filter((r) => r.event === 'report')).toHaveLength(3);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAlerting } from '../../alerts/index.js';
import type { AlertsConfigInput } from '../../alerts/config-schema.js';
import { guideFor } from '../../alerts/guides.js';
import type { Notification } from '../../alerts/notification.js';
import { SLACK_LIMITS, type SlackBlock, type SlackMessage, type SlackText } from '../../alerts/render/slack.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { startSmtpReceiver } from '../support/smtp-receiver.js';
import { SEC, FakeClock, addEvents, alertsConfig, captureStream, memoryLog, outbox, testDb, type EventSpec } from './support/harness.js';

const HOSTILE = 'ping <!channel> and <@U123> via <https://evil.example|click here> & more';

async function decideAndDeliver(config: AlertsConfigInput, events: EventSpec) {
  const { db } = testDb();
  const clock = new FakeClock();
  const stdout = captureStream();
  const alerting = createAlerting({ db, config: alertsConfig(config), log: memoryLog(), clock: clock.now, stdout });
  addEvents(db, clock, events);
  alerting.evaluate(clock.now());
  clock.advance(30 * SEC);
  const decisions = alerting.evaluate(clock.now());
  await alerting.deliver(clock.now());
  await alerting.close();
  return { db, decisions, stdout };
}

/** Every text object in a Block Kit message. */
function texts(msg: SlackMessage): SlackText[] {
  const out: SlackText[] = [];
  const visit = (b: SlackBlock): void => {
    if (b.type === 'header') out.push(b.text);
    if (b.type === 'section') {
      if (b.text) out.push(b.text);
      out.push(...(b.fields ?? []));
    }
    if (b.type === 'context') out.push(...b.elements);
  };
  msg.blocks.forEach(visit);
  return out;
}

describe('Slack channel', () => {
  it('posts Block Kit with header, fields, numbered steps and context, all log text escaped', async () => {
    const http = await startHttpReceiver();
    await decideAndDeliver(
      { receivers: { team: { type: 'slack', webhookUrl: `${http.url}/services/T/B/X` } } },
      { service: 'billing <!here>', host: '<@U999>', message: `535 Authentication failed: Basic authentication is not allowed with 2FA enabled ${HOSTILE}` },
    );
    expect(http.requests).toHaveLength(1);
    const req = http.requests[0]!;
    expect(req.path).toBe('/services/T/B/X');
    expect(req.headers['content-type']).toMatch(/application\/json/);
    const msg = JSON.parse(req.body) as SlackMessage;

    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const fields = msg.blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : []));
    expect(fields.length).toBeGreaterThanOrEqual(6);
    const fieldText = fields.map((f) => f.text).join('\n');
    expect(fieldText).toContain('*Service*');
    expect(fieldText).toContain('*Rejections*');
    expect(fieldText).toContain('1 this episode · 1 total');
    expect(msg.blocks.at(-1)?.type).toBe('context');
    const all = texts(msg).map((t) => t.text).join('\n') + msg.text;
    expect(all).toContain('1. Find every place');
    expect(all).toContain('8. Once every service');
    expect(all).toContain('*Mail Send → Full Access*');

    // Nothing that Slack would turn into a mention or a link survives.
    for (const raw of ['<!channel>', '<!here>', '<@U123>', '<@U999>', '<https://evil.example|click here>']) expect(all).not.toContain(raw);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;@U123&gt;');
    expect(all).toContain('&lt;https://evil.example|click here&gt; &amp; more');
    expect(all).toContain('&lt;!here&gt;');
    expect(all).not.toMatch(/<[^>]*>/);
  });

  it('stays within Slack limits for huge values', async () => {
    const http = await startHttpReceiver();
    await decideAndDeliver(
      { receivers: { team: { type: 'slack', webhookUrl: `${http.url}/hook` } } },
      { service: `svc-${'x'.repeat(400)}`, host: 'h'.repeat(3000), source: 's'.repeat(3000), message: `<!channel> ${'&'.repeat(5000)} \`\`\` end` },
    );
    const msg = JSON.parse(http.requests[0]!.body) as SlackMessage;
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const header = msg.blocks[0] as { text: SlackText };
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const b of msg.blocks) {
      if (b.type !== 'section') continue;
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    const sample = msg.blocks.find((b) => b.type === 'section' && b.text?.text.startsWith('*Sample line'));
    expect(sample).toBeDefined();
    // The code block is still closed after truncation, and an embedded fence cannot close it early.
    const text = (sample as { text: SlackText }).text.text;
    expect(text.endsWith('```')).toBe(true);
    expect(text.match(/```/g)).toHaveLength(2);
    expect(text).not.toContain('<!channel>');
  });
});

describe('webhook channel', () => {
  it('posts the versioned JSON payload signed with HMAC-SHA256', async () => {
    const http = await startHttpReceiver();
    const secret = 'wh-secret-123';
    const { decisions } = await decideAndDeliver(
      { receivers: { hook: { type: 'webhook', url: `${http.url}/in`, secret, headers: { 'X-Team': 'mail' } } } },
      { service: 'crm', kind: 'api_basic_auth_2fa' },
    );
    const req = http.requests[0]!;
    const expected = createHmac('sha256', secret).update(req.body).digest('hex');
    expect(req.headers['x-authwatch-signature']).toBe(`sha256=${expected}`);
    expect(req.headers['x-authwatch-timestamp']).toBe(String(Math.floor(new FakeClock().now() / 1000) + 30));
    expect(req.headers['x-authwatch-delivery']).toBe(decisions[0]?.notification.id);
    expect(req.headers['x-authwatch-event']).toBe('firing');
    expect(req.headers['x-team']).toBe('mail');
    const body = JSON.parse(req.body) as Notification;
    expect(body).toMatchObject({ version: 1, event: 'firing', service: 'crm', kind: 'api_basic_auth_2fa', provider: 'sendgrid', counts: { window: 1, episode: 1, total: 1 } });
    expect(body.guide?.steps.join('\n')).toContain('Authorization: Bearer <key>');
    // A tampered body no longer matches.
    expect(createHmac('sha256', secret).update(req.body.replace('crm', 'crn')).digest('hex')).not.toBe(expected);
  });

  it('sends no signature header without a secret', async () => {
    const http = await startHttpReceiver();
    await decideAndDeliver({ receivers: { hook: { type: 'webhook', url: `${http.url}/in` } } }, { service: 'crm' });
    expect(http.requests[0]?.headers['x-authwatch-signature']).toBeUndefined();
  });
});

describe('email channel', () => {
  it('sends a mail with subject, text and HTML parts and the guide attached', async () => {
    const smtp = await startSmtpReceiver();
    await decideAndDeliver(
      { receivers: { mail: { type: 'email', to: ['owners@example.com', 'ops@example.com'], from: 'authwatch <alerts@example.com>', smtpUrl: smtp.url, subjectPrefix: '[prod]' } } },
      { service: 'billing', kind: 'smtp_auth_failed', message: 'Invalid login: 535 Authentication failed: Bad username / password <script>alert(1)</script>' },
    );
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.user).toBe('alerts');
    expect(mail.from).toBe('alerts@example.com');
    expect(mail.to).toEqual(['owners@example.com', 'ops@example.com']);
    expect(mail.parsed.subject).toBe('[authwatch] [prod] billing: smtp_auth_failed failing');
    expect(mail.parsed.text).toContain('Service:     billing');
    expect(mail.parsed.text).toContain('1. Check the SMTP username.');
    expect(mail.parsed.text).toContain('The full guide is attached as smtp_auth_failed-upgrade-guide.md.');
    expect(mail.parsed.text).toContain('<script>alert(1)</script>');
    const html = String(mail.parsed.html);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<li>Check the SMTP username. It must be exactly the word <code>apikey</code>');
    expect(mail.parsed.attachments).toHaveLength(1);
    const att = mail.parsed.attachments[0]!;
    expect(att.filename).toBe('smtp_auth_failed-upgrade-guide.md');
    expect(att.contentType).toBe('text/markdown');
    expect(att.content.toString('utf8')).toBe(guideFor('smtp_auth_failed').markdown);
  });

  it('cannot be made to add headers by log-derived text', async () => {
    const smtp = await startSmtpReceiver();
    await decideAndDeliver(
      { receivers: { mail: { type: 'email', to: ['owners@example.com'], smtpUrl: smtp.url } } },
      { service: 'evil\r\nBcc: thief@example.org\r\nX-Injected: yes', kind: 'smtp_basic_auth_2fa' },
    );
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['owners@example.com']);
    expect(mail.parsed.headers.has('x-injected')).toBe(false);
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.subject).toBe('[authwatch] evil Bcc: thief@example.org X-Injected: yes: smtp_basic_auth_2fa failing');
    expect(mail.raw).not.toMatch(/^X-Injected:/m);
  });

  it('retries a 4xx SMTP refusal and dead-letters a 5xx one or a failed login', async () => {
    const smtp = await startSmtpReceiver();
    smtp.refuseNext(451);
    const { db } = await decideAndDeliver({ receivers: { mail: { type: 'email', to: ['o@example.com'], smtpUrl: smtp.url } } }, { service: 'a' });
    expect(outbox(db)[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(outbox(db)[0]?.lastError).toMatch(/451/);

    smtp.refuseNext(550);
    const second = await decideAndDeliver({ receivers: { mail: { type: 'email', to: ['o@example.com'], smtpUrl: smtp.url } } }, { service: 'b' });
    expect(outbox(second.db)[0]).toMatchObject({ state: 'dead', attempts: 1 });

    const badLogin = smtp.url.replace('alerts:', 'alerts:wrong');
    const third = await decideAndDeliver({ receivers: { mail: { type: 'email', to: ['o@example.com'], smtpUrl: badLogin } } }, { service: 'c' });
    expect(outbox(third.db)[0]?.state).toBe('dead');
    expect(outbox(third.db)[0]?.lastError).toMatch(/535|Invalid login/);
    expect(smtp.mails).toHaveLength(0);
  });
});

describe('console channel', () => {
  it('is the default receiver and writes a readable block without terminal escapes', async () => {
    const { stdout } = await decideAndDeliver({}, { service: 'cron-mailer', message: 'fail \u001b[31mred\u001b[0m\r\nFAKE: second line <!channel>' });
    const text = stdout.text();
    expect(text).toContain('cron-mailer: smtp_basic_auth_2fa failing');
    expect(text).toContain('Rejections:  1 since 2024-05-01 12:00:00 UTC, 1 in this episode, 1 in total');
    expect(text).toContain('How to fix: Move SMTP sign-in from the account password to an API key');
    expect(text).toContain('  fail red FAKE: second line <!channel>');
    expect(text).not.toContain('\u001b');
  });
});

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanAll } from './helpers.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus');

const postfix = (min: number, qid: string, sender: string, relay = 'smtp.sendgrid.net'): string[] => [
  `Mar  4 10:${String(min).padStart(2, '0')}:00 mail-1 postfix/qmgr[1100]: ${qid}: from=<${sender}>, size=612, nrcpt=1 (queue active)`,
  `Mar  4 10:${String(min).padStart(2, '0')}:01 mail-1 postfix/smtp[1400]: ${qid}: to=<ops@example.org>, relay=${relay}[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (250 Ok: queued as Ab)`,
];
const evidenceOf = (text: string | Buffer, wanted = true, size = 0) => {
  const { detections, scanner } = scanAll(text, size, { evidenceWanted: () => wanted });
  return { detections, evidence: scanner.drainEvidence?.() ?? [], scanner };
};

describe('recovery evidence', () => {
  it('Postfix status=sent via SendGrid, attributed by queue id like a rejection, never counted', () => {
    const { detections, evidence, scanner } = evidenceOf([...postfix(0, '4F1A2B3C4D', 'cron@example.com'), ...postfix(1, '5B6C7D8E9F', 'x@example.com', 'smtp.gmail.com')].join('\n') + '\n');
    expect(detections).toEqual([]);
    expect(scanner.stats.detections).toBe(0);
    expect(evidence).toEqual([
      { service: 'cron@example.com', channel: 'smtp', at: Date.parse('2024-03-04T10:00:01Z'), evidence: 'Postfix status=sent via smtp.sendgrid.net', position: { stream: 'stream-1', offset: expect.any(Number) as number } },
    ]);
  });

  it('keeps one piece per service per minute of log time', () => {
    const lines = [0, 0, 0, 2].flatMap((m, i) => postfix(m, `AB${i}CD${i}EF00`, 'cron@example.com'));
    expect(evidenceOf(lines.join('\n') + '\n').evidence.map((e) => e.at)).toEqual([Date.parse('2024-03-04T10:00:01Z'), Date.parse('2024-03-04T10:02:01Z')]);
  });

  it('skips evidence-only lines undecoded when no evidence is wanted', () => {
    const text = postfix(0, '4F1A2B3C4D', 'cron@example.com').join('\n') + '\n';
    const off = evidenceOf(text, false);
    expect(off.evidence).toEqual([]);
    expect(off.scanner.stats.candidates).toBe(0);
  });

  it('API 202 from v3/mail/send (one line and curl -v), not when the call used Basic', () => {
    const lines = [
      '{"ts":"2024-03-04T10:00:00Z","service":"web","url":"https://api.sendgrid.com/v3/mail/send","statusCode":202}',
      '2024-03-04T10:00:00Z INFO api: POST https://api.sendgrid.com/v3/mail/send 202 120ms',
      '{"ts":"2024-03-04T10:05:00Z","service":"legacy","authority":"api.sendgrid.com","path":"/v3/mail/send","authorization":"Basic YTpi","response_code":202}',
    ];
    const { evidence } = evidenceOf(lines.join('\n') + '\n');
    expect(evidence.map((e) => [e.service, e.channel])).toEqual([['web', 'api'], ['test', 'api']]);
    const curl = evidenceOf(readFileSync(join(corpus, 'basic-auth-http.log')), true, 7).evidence;
    expect(curl.map((e) => [e.service, e.evidence])).toContainEqual(['test', 'API 202 from api.sendgrid.com/v3/mail/send']);
  });

  it('SMTP 235 after an apikey login to SendGrid (the verdict line has no needle)', () => {
    for (const file of ['basic-auth-nodemailer.log', 'basic-auth-smtplib.log']) {
      const { evidence } = evidenceOf(readFileSync(join(corpus, file)), true, 3);
      expect(evidence.map((e) => [e.channel, e.evidence])).toEqual([['smtp', 'SMTP 235 for apikey']]);
    }
  });

  it('drains: a second call returns nothing new', () => {
    const { scanner } = evidenceOf(postfix(0, '4F1A2B3C4D', 'cron@example.com').join('\n') + '\n');
    expect(scanner.drainEvidence?.()).toEqual([]);
  });
});

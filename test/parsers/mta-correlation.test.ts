import { describe, expect, it } from 'vitest';
import { scanAll } from './helpers.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const deferred = (qid: string) =>
  `Mar  4 10:00:02 mx postfix/smtp[9]: ${qid}: to=<a@example.org>, relay=smtp.sendgrid.net[1.2.3.4]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[1.2.3.4] said: 535 Authentication failed: Bad username / password)`;

describe('Postfix queue-id attribution', () => {
  it('prefers the sender, then the SASL user, then the client host, then the uid', () => {
    const cases: Array<[string[], string]> = [
      [['Mar  4 10:00:00 mx postfix/qmgr[1]: AAAA11111: from=<app@example.com>, size=1, nrcpt=1 (queue active)', 'Mar  4 10:00:00 mx postfix/smtpd[2]: AAAA11111: client=h[10.0.0.1], sasl_method=PLAIN, sasl_username=u1'], 'app@example.com'],
      [['Mar  4 10:00:00 mx postfix/smtpd[2]: AAAA11111: client=h[10.0.0.1], sasl_method=PLAIN, sasl_username=u1', 'Mar  4 10:00:00 mx postfix/qmgr[1]: AAAA11111: from=<>, size=1, nrcpt=1 (queue active)'], 'u1'],
      [['Mar  4 10:00:00 mx postfix/smtpd[2]: AAAA11111: client=web-9.internal[10.0.0.9]'], 'web-9.internal'],
      [['Mar  4 10:00:00 mx postfix/pickup[3]: AAAA11111: uid=1001 from=<>'], 'uid:1001'],
    ];
    for (const [before, service] of cases) {
      const { detections } = scanAll(lines(...before, deferred('AAAA11111')), 3);
      expect(detections[0]).toMatchObject({ service, serviceVia: 'mta' });
    }
  });

  it('walks past the id’s other lines to the latest submission line of each kind', () => {
    const qid = 'CCCC33333';
    const retries = Array.from({ length: 40 }, (_, i) => `Mar  4 10:00:01 mx postfix/qmgr[1]: ${qid}: to=<r${i}@example.org>, status=deferred (queued)`);
    const cases: Array<[string[], string]> = [
      // The newest from= wins over an older one; retries in between are walked past.
      [[`Mar  4 10:00:00 mx postfix/qmgr[1]: ${qid}: from=<old@example.com>, size=1`, `Mar  4 10:00:00 mx postfix/qmgr[1]: ${qid}: from=<new@example.com>, size=1`, ...retries], 'new@example.com'],
      // A bounce sender (from=<>) leaves the SASL user of an older client= line.
      [[`Mar  4 10:00:00 mx postfix/smtpd[2]: ${qid}: client=h[10.0.0.1], sasl_method=PLAIN, sasl_username=u7`, ...retries, `Mar  4 10:00:00 mx postfix/qmgr[1]: ${qid}: from=<>, size=1`], 'u7'],
      // Another id that ends the same way is not this one.
      [[`Mar  4 10:00:00 mx postfix/qmgr[1]: XCCCC33333: from=<not-me@example.com>, size=1`, `Mar  4 10:00:00 mx postfix/pickup[3]: ${qid}: uid=42 from=<>`, ...retries], 'uid:42'],
    ];
    for (const [before, service] of cases) {
      for (const size of [0, 5, 64]) {
        const { detections } = scanAll(lines(...before, deferred(qid)), size);
        expect(detections[0], `${service}, chunks of ${size}`).toMatchObject({ service, serviceVia: 'mta' });
      }
    }
  });

  it('does not take another queue id’s submission', () => {
    const { detections } = scanAll(lines('Mar  4 10:00:00 mx postfix/qmgr[1]: BBBB22222: from=<other@example.com>, size=1', deferred('AAAA11111')));
    expect(detections[0]).toMatchObject({ service: 'postfix/smtp@mx', serviceVia: 'program' });
  });

  it('falls back to program@host once the submission has left the lookback window', () => {
    const submit = 'Mar  4 10:00:00 mx postfix/qmgr[1]: AAAA11111: from=<app@example.com>, size=1, nrcpt=1 (queue active)';
    const filler = Array.from({ length: 2000 }, (_, i) => `Mar  4 10:00:01 mx postfix/smtpd[2]: connect from unknown[10.0.${i % 250}.1]`).join('\n');
    const input = lines(submit, filler, deferred('AAAA11111'));
    expect(scanAll(input, 4096).detections[0]?.service).toBe('app@example.com');
    const small = scanAll(input, 4096, { lookbackBytes: 16 * 1024 }).detections[0];
    expect(small).toMatchObject({ service: 'postfix/smtp@mx', serviceVia: 'program' });
  });

  it('finds submissions across the ring buffer seam with small windows and chunks', () => {
    // The submission line plus the rejection line take 357 bytes: every window below holds both.
    const input = lines('x'.repeat(50), 'Mar  4 10:00:00 mx postfix/qmgr[1]: AAAA11111: from=<seam@example.com>, size=1', deferred('AAAA11111'));
    for (const lookbackBytes of [360, 377, 391, 401, 512]) {
      for (const size of [1, 13, 0]) {
        expect(scanAll(input, size, { lookbackBytes }).detections[0]?.service).toBe('seam@example.com');
      }
    }
  });

  it('after a miss, still finds a submission logged later for the same queue id', () => {
    const input = lines(deferred('AAAA11111'), 'Mar  4 10:00:03 mx postfix/qmgr[1]: AAAA11111: from=<late@example.com>, size=1', deferred('AAAA11111'));
    expect(scanAll(input, 5).detections.map((d) => d.service)).toEqual(['postfix/smtp@mx', 'late@example.com']);
  });

  it('lets explicit rules match the sender', () => {
    const input = lines('Mar  4 10:00:00 mx postfix/qmgr[1]: AAAA11111: from=<billing@example.com>, size=1', deferred('AAAA11111'));
    const rules = [{ service: 'billing', match: { sender: (v: string) => v.startsWith('billing@') } }];
    expect(scanAll(input, 0, { rules }).detections[0]).toMatchObject({ service: 'billing', serviceVia: 'rule' });
  });
});

describe('Exim message-id attribution', () => {
  it('uses the sender, then the authenticated id, then the host', () => {
    const fail = (id: string) => `2024-03-04 10:00:01 ${id} smarthost_login authenticator failed H=smtp.sendgrid.net [1.2.3.4] 535 Authentication failed: Bad username / password`;
    const { detections } = scanAll(
      lines(
        '2024-03-04 10:00:00 1rhFzX-0001Ab-3C <= shop@example.com H=web-3 (web-3) [10.0.5.3] P=esmtpa A=dovecot_plain:shop S=1',
        '2024-03-04 10:00:00 1rhFzY-0001Ab-3C <= <> H=web-4 (web-4) [10.0.5.4] P=esmtpa A=dovecot_plain:crm-app S=1',
        '2024-03-04 10:00:00 1rhFzZ-0001Ab-3C <= <> H=web-5 [10.0.5.5] P=esmtp S=1',
        fail('1rhFzX-0001Ab-3C'),
        fail('1rhFzY-0001Ab-3C'),
        fail('1rhFzZ-0001Ab-3C'),
        fail('1rhG00-0001Ab-3C'),
      ),
    );
    expect(detections.map((d) => d.service)).toEqual(['shop@example.com', 'crm-app', 'web-5', 'test']);
  });
});

import { describe, expect, it } from 'vitest';
import { SendGridBasicAuthTracker, findSendGridBasicAuth, readAuthorization, usernameFromBasic } from '../../../parsers/credentials/index.js';

const basic = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const TOKEN = basic('billing:hunter2-canary');

describe('findSendGridBasicAuth (one line)', () => {
  const positives: ReadonlyArray<readonly [string, string]> = [
    ['envoy JSON access log', `{"authority":"api.sendgrid.com","path":"/v3/mail/send","authorization":"Basic ${TOKEN}","status":202}`],
    ['python http.client dump', `send: b'POST /v3/mail/send HTTP/1.1\\r\\nHost: api.sendgrid.com\\r\\nAuthorization: Basic ${TOKEN}\\r\\n'`],
    ['escaped JSON inside a log message', `{"msg":"request","req":"{\\"url\\":\\"https://api.sendgrid.com/v3/mail/send\\",\\"headers\\":{\\"Authorization\\":\\"Basic ${TOKEN}\\"}}"}`],
    ['key=value egress log', `host=api.sendgrid.com method=POST authorization=Basic ${TOKEN}`],
  ];
  it.each(positives)('%s', (_name, line) => {
    const hit = findSendGridBasicAuth(line);
    expect(hit?.scheme.toLowerCase()).toBe('basic');
    expect(hit?.username).toBe('billing');
    expect(hit?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(hit)).not.toContain('hunter2');
  });

  const negatives: ReadonlyArray<readonly [string, string]> = [
    ['Bearer to SendGrid', '{"authority":"api.sendgrid.com","authorization":"Bearer SG.xxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}'],
    ['Basic to another host', `{"authority":"api.mailgun.net","authorization":"Basic ${TOKEN}"}`],
    ['Basic to a look-alike host', `{"authority":"api.sendgrid.com.evil.example","authorization":"Basic ${TOKEN}"}`],
    ['SendGrid host without credentials', 'GET https://api.sendgrid.com/v3/user/profile 200'],
    ['the word Basic in prose', 'api.sendgrid.com: basic plan selected'],
  ];
  it.each(negatives)('%s', (_name, line) => {
    expect(findSendGridBasicAuth(line)).toBeNull();
  });
});

describe('readAuthorization', () => {
  it('keeps the scheme, not the token', () => {
    const a = readAuthorization('Authorization: Bearer abc.def');
    expect(a).toEqual({ scheme: 'Bearer', username: null, fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) as unknown });
  });
  it('reads the Basic username and never the password', () => {
    expect(usernameFromBasic(basic('apikey:SG.x'))).toBe('apikey');
    expect(usernameFromBasic(basic('no-colon'))).toBeNull();
    expect(usernameFromBasic('%%%')).toBeNull();
  });
});

describe('SendGridBasicAuthTracker (curl -v)', () => {
  it('pairs the Host and Authorization lines of one request', () => {
    const t = new SendGridBasicAuthTracker();
    const lines = ['*   Trying 3.224.0.1:443...', '* Connected to api.sendgrid.com (3.224.0.1) port 443', '> POST /v3/mail/send HTTP/2', '> Host: api.sendgrid.com', `> Authorization: Basic ${TOKEN}`, '> content-type: application/json'];
    const hits = lines.map((l) => t.line(l)).filter((h) => h !== null);
    expect(hits.map((h) => h.username)).toEqual(['billing']);
  });

  it('pairs them in the other order too', () => {
    const t = new SendGridBasicAuthTracker();
    const hits = ['> POST /v3/mail/send HTTP/1.1', `> Authorization: Basic ${TOKEN}`, '> Host: api.sendgrid.com'].map((l) => t.line(l)).filter((h) => h !== null);
    expect(hits).toHaveLength(1);
  });

  it('does not pair a Basic header of a later request to another host', () => {
    const t = new SendGridBasicAuthTracker();
    const lines = ['> GET /v3/user/profile HTTP/1.1', '> Host: api.sendgrid.com', '> Authorization: Bearer SG.a.b', '> GET /v1/things HTTP/1.1', '> Host: api.example.com', `> Authorization: Basic ${TOKEN}`];
    expect(lines.map((l) => t.line(l)).filter((h) => h !== null)).toEqual([]);
  });

  it('forgets the host after the window', () => {
    const t = new SendGridBasicAuthTracker({ windowLines: 2 });
    const lines = ['> Host: api.sendgrid.com', 'x', 'y', 'z', `> Authorization: Basic ${TOKEN}`];
    expect(lines.map((l) => t.line(l)).filter((h) => h !== null)).toEqual([]);
  });
});

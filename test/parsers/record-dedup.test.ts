import { describe, expect, it } from 'vitest';
import { scanAll } from './helpers.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('one detection per event', () => {
  it('counts a reply repeated within one line once', () => {
    const { detections } = scanAll(
      '{"err":{"message":"Invalid login: 535 Authentication failed: Bad username / password","response":"535 Authentication failed: Bad username / password"}}\n',
    );
    expect(detections).toHaveLength(1);
  });

  it('merges a nodemailer error dump into its opening line', () => {
    const { detections } = scanAll(
      lines(
        'Error: Invalid login: 535 Authentication failed: Bad username / password',
        '    at SMTPConnection._formatError (index.js:809:19) {',
        "  code: 'EAUTH',",
        "  response: '535 Authentication failed: Bad username / password',",
        '  responseCode: 535',
        '}',
        'Error: Invalid login: 535 Authentication failed: Bad username / password',
      ),
    );
    expect(detections.map((d) => d.line)).toEqual([1, 7]);
  });

  it('merges a Python logger.exception line with the final exception line', () => {
    const { detections } = scanAll(
      lines(
        "2024-03-04 10:00:01,000 ERROR app: login failed: (535, b'Authentication failed: Bad username / password')",
        'Traceback (most recent call last):',
        '  File "app.py", line 3, in <module>',
        '    s.login(u, p)',
        "smtplib.SMTPAuthenticationError: (535, b'Authentication failed: Bad username / password')",
      ),
    );
    expect(detections.map((d) => d.line)).toEqual([1]);
  });

  it('keeps two bare exceptions with stack frames as two events', () => {
    const { detections } = scanAll(
      lines(
        'javax.mail.AuthenticationFailedException: 535 Authentication failed: Bad username / password',
        '\tat com.sun.mail.smtp.SMTPTransport.authenticate(SMTPTransport.java:876)',
        'javax.mail.AuthenticationFailedException: 535 Authentication failed: Bad username / password',
        '\tat com.sun.mail.smtp.SMTPTransport.authenticate(SMTPTransport.java:876)',
      ),
    );
    expect(detections.map((d) => d.line)).toEqual([1, 3]);
  });

  it('merges multi-line 535- replies, also when only the first line carries the words', () => {
    const both = scanAll(lines('S: 535-Authentication failed: Bad username / password', 'S: 535 Authentication failed: see docs'));
    expect(both.detections.map((d) => d.line)).toEqual([1]);
    const first = scanAll(lines('<** 535-Authentication failed: Basic authentication is not', '<** 535 allowed with 2FA enabled'));
    expect(first.detections.map((d) => [d.line, d.kind])).toEqual([[1, 'smtp_basic_auth_2fa']]);
  });

  it('counts a pretty-printed JSON body once', () => {
    const { detections } = scanAll(
      lines('{', '  "errors": [', '    {', '      "message": "invalid authentication method",', '      "help": "invalid authentication method"', '    }', '  ]', '}'),
    );
    expect(detections).toHaveLength(1);
    expect(detections[0]?.line).toBe(4);
  });

  it('reports distinct kinds within one record separately', () => {
    const { detections } = scanAll(
      lines('ERROR batch failed', '  smtp: 535 Authentication failed: Bad username / password', '  api: invalid authentication method'),
    );
    expect(detections.map((d) => d.kind)).toEqual(['smtp_auth_failed', 'api_basic_auth_2fa']);
  });

  it('does not merge across a non-continuation line', () => {
    const { detections } = scanAll(
      lines('535 Authentication failed: Bad username / password', 'INFO next request', '535 Authentication failed: Bad username / password'),
    );
    expect(detections).toHaveLength(2);
  });

  it('treats a record as new when the gap between candidates is not held by the window', () => {
    const filler = Array.from({ length: 50 }, () => '  indented filler line').join('\n');
    const input = lines('ERROR x: 535 Authentication failed: Bad username / password', filler, '  again: 535 Authentication failed: Bad username / password');
    expect(scanAll(input, 0).detections).toHaveLength(1);
    expect(scanAll(input, 0, { lookbackBytes: 64 }).detections).toHaveLength(2);
  });
});

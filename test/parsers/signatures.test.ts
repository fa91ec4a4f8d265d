import { describe, expect, it } from 'vitest';
import { NEEDLES, SIGNATURES } from '../../parsers/index.js';
import { scanAll } from './helpers.js';

const one = (line: string) => scanAll(`${line}\n`).detections;

describe('signatures', () => {
  it('every signature example contains a needle (prefilter soundness)', () => {
    const examples = [
      '535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
      '535 AUTHENTICATION FAILED: BAD USERNAME / PASSWORD',
      'invalid authentication method',
      'The provided authorization grant is invalid, expired, or revoked',
      'Permission denied, wrong credentials',
      '{"errors":["Bad username / password"],"message":"error"}',
    ];
    for (const e of examples) {
      expect(NEEDLES.some((n) => Buffer.from(e).includes(n))).toBe(true);
      expect(one(e)).toHaveLength(1);
    }
    expect(new Set(SIGNATURES.map((s) => s.id)).size).toBe(SIGNATURES.length);
  });

  it('matches case-insensitively', () => {
    expect(one('535 authentication failed: basic authentication is not allowed with 2fa enabled')[0]?.kind).toBe('smtp_basic_auth_2fa');
    expect(one('INVALID AUTHENTICATION METHOD')[0]?.kind).toBe('api_basic_auth_2fa');
  });

  it('finds API bodies escaped inside JSON strings, once or several times', () => {
    expect(one('{"msg":"{\\"errors\\":[{\\"message\\":\\"invalid authentication method\\"}]}"}')[0]?.kind).toBe('api_basic_auth_2fa');
    expect(one('{"a":"{\\"b\\":\\"{\\\\\\"errors\\\\\\":[\\\\\\"Bad username / password\\\\\\"]}\\"}"}')[0]?.signature).toBe('api.v2.bad-username-password');
  });

  it('does not report look-alikes', () => {
    const negatives = [
      '535-5.7.8 Username and Password not accepted',
      '535 5.7.3 Authentication unsuccessful',
      '535 Authentication Credentials Invalid',
      '451 Authentication failed: Could not authenticate',
      'Maximum credits exceeded',
      'SASL authentication failed; server smtp.gmail.com[1.2.3.4] said: 535-5.7.8 Username and Password not accepted',
      'authentication failed (method PLAIN)',
      'pam_unix(sshd:auth): authentication failure; user=root',
      "fatal: Authentication failed for 'https://github.com/a/b.git/'",
      '401 {"message":"Bad credentials"}',
      '535 5.7.8 Error: authentication failed: authentication failure',
    ];
    for (const n of negatives) expect(one(n), n).toEqual([]);
  });

  it('names the provider from context for generic wordings only', () => {
    expect(one('status=deferred (SASL authentication failed; server smtp.mailgun.org[1.2.3.4] said: 535 Authentication failed)')[0]?.provider).toBe('mailgun');
    expect(one('relay=mail.corp.example[10.1.1.1]:25, status=deferred (SASL authentication failed; server mail.corp.example[10.1.1.1] said: 535 Authentication failed: bad)')[0]?.provider).toBe('mail.corp.example');
    expect(one('connect to email-smtp.us-east-1.amazonaws.com:587 failed: 535 Authentication failed')[0]?.provider).toBe('ses');
    expect(one('POST https://api.sendgrid.com/v3/mail/send: The provided authorization grant is invalid, expired, or revoked')[0]?.provider).toBe('sendgrid');
    // SendGrid's own 2FA wording stays SendGrid's whoever relayed it.
    expect(one('server relay.corp[10.0.0.1] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled')[0]?.provider).toBe('sendgrid');
    expect(one('535 Authentication failed: Bad username / password')[0]?.provider).toBe('sendgrid');
  });
});

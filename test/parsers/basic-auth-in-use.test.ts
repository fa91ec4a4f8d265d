import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { credentialFingerprint } from '../../parsers/index.js';
import { scanAll } from './helpers.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus');
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const PASSWORD = 'hunter2-canary';
const risks = (text: string, size = 0) => scanAll(text, size).detections.filter((d) => d.kind === 'basic_auth_in_use');

/** A nodemailer-style debug dialogue to `banner`, logging in with LOGIN as `user`. */
const nodemailerLogin = (sid: string, banner: string, user: string): string[] => [
  `[t] INFO [${sid}] [network] Connection established to 10.0.0.5:587`,
  `[t] DEBUG [${sid}] [server] 220 ${banner} ESMTP service ready`,
  `[t] DEBUG [${sid}] [client] AUTH LOGIN`,
  `[t] DEBUG [${sid}] [server] 334 VXNlcm5hbWU6`,
  `[t] DEBUG [${sid}] [client] ${b64(user)}`,
  `[t] DEBUG [${sid}] [server] 334 UGFzc3dvcmQ6`,
  `[t] DEBUG [${sid}] [client] ${b64(PASSWORD)}`,
];

describe('basic_auth_in_use: SMTP client logins', () => {
  it('reads the AUTH LOGIN username line (no needle) and fingerprints the username only', () => {
    const text = nodemailerLogin('s1', 'smtp.sendgrid.net', 'billing-app').join('\n') + '\n';
    for (const size of [0, 1, 7, 64]) {
      const found = risks(text, size);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ line: 5, channel: 'smtp', signature: 'smtp.auth.password-login', provider: 'sendgrid' });
      expect(found[0]?.credentialFingerprint).toBe(credentialFingerprint('billing-app'));
    }
  });

  it('keeps interleaved connections apart by their tag', () => {
    const a = nodemailerLogin('sgconn', 'smtp.sendgrid.net', 'sg-user');
    const g = nodemailerLogin('gmconn', 'smtp.gmail.com', 'gmail-user');
    const mixed = a.flatMap((l, i) => [l, g[i] as string]).join('\n') + '\n';
    const found = risks(mixed);
    expect(found.map((d) => d.credentialFingerprint)).toEqual([credentialFingerprint('sg-user')]);
  });

  it.each([
    ['an apikey login', nodemailerLogin('k', 'smtp.sendgrid.net', 'apikey')],
    ['a login to Gmail', nodemailerLogin('g', 'smtp.gmail.com', 'someone@gmail.com')],
    ['a login whose peer is unknown', nodemailerLogin('u', 'mail-relay-7', 'someone')],
    ['unrelated base64 after a 334 of another connection', ['[t] DEBUG [x] [server] 334 VXNlcm5hbWU6', `[t] DEBUG [y] [client] ${b64('not-a-user')}`]],
    ['a lone base64 line', [`send: '${b64('not-a-user')}\\r\\n'`]],
  ])('does not flag %s', (_name, lines) => {
    expect(risks(lines.join('\n') + '\n')).toEqual([]);
  });

  it('flags smtplib, PHPMailer, swaks and net-smtp framings to SendGrid', () => {
    const cases = [
      ["reply: b'220 smtp.sendgrid.net ESMTP\\r\\n'", `send: 'AUTH PLAIN ${b64(`\0py-app\0${PASSWORD}`)}\\r\\n'`],
      ['SERVER -> CLIENT: 220 SG ESMTP service ready at ismtpd0014p1las1.sendgrid.net', `CLIENT -> SERVER: AUTH PLAIN ${b64(`\0php-app\0${PASSWORD}`)}`],
      ['=== Connected to smtp.sendgrid.net.', '<-  220 SG ESMTP service ready', ' -> AUTH LOGIN', '<-  334 VXNlcm5hbWU6', ` -> ${b64('swaks-user')}`],
      ['<- "220 SG ESMTP service ready at geopod-ismtpd-3.sendgrid.net\\r\\n"', `-> "AUTH PLAIN ${b64(`\0ruby-app\0${PASSWORD}`)}\\r\\n"`],
    ];
    const users = ['py-app', 'php-app', 'swaks-user', 'ruby-app'];
    cases.forEach((lines, i) => {
      const found = risks(lines.join('\n') + '\n');
      expect(found.map((d) => d.credentialFingerprint)).toEqual([credentialFingerprint(users[i] as string)]);
    });
  });
});

describe('basic_auth_in_use: Web API', () => {
  it.each([
    ['Basic on one line with the host', `{"authority":"api.sendgrid.com","authorization":"Basic ${b64(`acme:${PASSWORD}`)}"}`, 'api.basic-auth', 'acme'],
    ['a v2 call with api_user', `GET https://api.sendgrid.com/api/bounces.get.json?api_user=acme&api_key=${PASSWORD}`, 'api.v2.password-call', 'acme'],
  ])('flags %s on the api channel', (_name, line, signature, user) => {
    const found = risks(`${line}\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ channel: 'api', signature, credentialFingerprint: credentialFingerprint(user) });
  });

  it.each([
    ['Bearer to SendGrid', '> Host: api.sendgrid.com\n> Authorization: Bearer SG.aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n'],
    ['Basic to another host', `> POST /v1/x HTTP/1.1\n> Host: api.example.com\n> Authorization: Basic ${b64('a:b')}\n`],
    ['Basic on a JSON line after a SendGrid line', `{"authority":"api.sendgrid.com"}\n{"authority":"api.github.com","authorization":"Basic ${b64('a:b')}"}\n`],
    ['an /api/ path of another service', 'GET https://api.example.com/api/users.json?page=2 200\n'],
  ])('does not flag %s', (_name, text) => {
    expect(risks(text)).toEqual([]);
  });
});

describe('basic_auth_in_use: MTA', () => {
  it('counts an Exim outgoing login to SendGrid, never Postfix sasl_username (the submitter)', () => {
    const { detections } = scanAll(readFileSync(join(corpus, 'basic-auth-mta.log')), 0, {}, { source: 'mta' });
    expect(detections.map((d) => [d.line, d.signature, d.service])).toEqual([[2, 'smtp.mta.password-login', 'billing@example.com']]);
  });
});

describe('canary: no password or key from the basic-auth fixtures leaves the parser', () => {
  const secrets = [PASSWORD, b64(PASSWORD), 'goodgoodgood', 'fakefakefake', b64(`acme:${PASSWORD}`), b64(`invoices:${PASSWORD}`), b64(`legacy-api:${PASSWORD}`)];
  const files = readdirSync(corpus).filter((f) => f.startsWith('basic-auth-'));
  it.each(files)('%s', (file) => {
    for (const size of [0, 5]) {
      const { detections, scanner } = scanAll(readFileSync(join(corpus, file)), size, {}, { source: file });
      expect(detections.some((d) => d.kind === 'basic_auth_in_use')).toBe(true);
      const all = JSON.stringify([detections, scanner.drainEvidence?.()]);
      for (const s of secrets) expect(all).not.toContain(s);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { SmtpAuthTracker, readSmtpDialogueLine, type SmtpLogin } from '../../../parsers/credentials/index.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const PASSWORD_B64 = b64('hunter2-canary');

const run = (lines: readonly string[], tracker = new SmtpAuthTracker()): SmtpLogin[] =>
  lines.map((l) => tracker.line(l)).filter((x): x is SmtpLogin => x !== null);

describe('readSmtpDialogueLine', () => {
  it.each([
    ['[2024-03-04 10:00:00] DEBUG [Zx0bk3ydsc] C: AUTH LOGIN', 'client', 'AUTH LOGIN', 'Zx0bk3ydsc'],
    ['[2024-03-04 10:00:00] DEBUG [Zx0bk3ydsc] S: 334 VXNlcm5hbWU6', 'server', '334 VXNlcm5hbWU6', 'Zx0bk3ydsc'],
    ['2024-03-04 10:00:00\tCLIENT -> SERVER: AUTH LOGIN', 'client', 'AUTH LOGIN', null],
    ['2024-03-04 10:00:00\tSERVER -> CLIENT: 235 Authentication successful', 'server', '235 Authentication successful', null],
    [' -> AUTH LOGIN', 'client', 'AUTH LOGIN', null],
    ['<-  334 VXNlcm5hbWU6', 'server', '334 VXNlcm5hbWU6', null],
    [' ~> dXNlcg==', 'client', 'dXNlcg==', null],
    ["send: 'AUTH PLAIN AGJvYgBwdw==\\r\\n'", 'client', 'AUTH PLAIN AGJvYgBwdw==', null],
    ["reply: b'235 2.7.0 Accepted\\r\\n'", 'server', '235 2.7.0 Accepted', null],
    ['-> "AUTH LOGIN\\r\\n"', 'client', 'AUTH LOGIN', null],
  ] as const)('%s', (line, direction, payload, connection) => {
    expect(readSmtpDialogueLine(line)).toEqual({ direction, payload, connection });
  });

  it('ignores ordinary log lines', () => {
    expect(readSmtpDialogueLine('GET /health HTTP/1.1 200')).toBeNull();
    expect(readSmtpDialogueLine('user logged in as admin')).toBeNull();
  });
});

describe('SmtpAuthTracker', () => {
  const cases: ReadonlyArray<{ name: string; lines: string[]; expected: Array<Pick<SmtpLogin, 'mechanism' | 'username' | 'apiKeyUser'>> }> = [
    {
      name: 'nodemailer AUTH LOGIN',
      lines: [
        '[2024-03-04 10:00:00] DEBUG [Zx0b] C: AUTH LOGIN',
        '[2024-03-04 10:00:00] DEBUG [Zx0b] S: 334 VXNlcm5hbWU6',
        `[2024-03-04 10:00:00] DEBUG [Zx0b] C: ${b64('billing-app')}`,
        '[2024-03-04 10:00:00] DEBUG [Zx0b] S: 334 UGFzc3dvcmQ6',
        `[2024-03-04 10:00:00] DEBUG [Zx0b] C: ${PASSWORD_B64}`,
        '[2024-03-04 10:00:00] DEBUG [Zx0b] S: 235 Authentication successful',
      ],
      expected: [{ mechanism: 'LOGIN', username: 'billing-app', apiKeyUser: false }],
    },
    {
      name: 'nodemailer AUTH PLAIN (password part hidden)',
      lines: [`[t] DEBUG [a1] C: AUTH PLAIN ${b64('\0newsletter\0/* secret */')}`, '[t] DEBUG [a1] S: 235 Accepted'],
      expected: [{ mechanism: 'PLAIN', username: 'newsletter', apiKeyUser: false }],
    },
    {
      name: 'PHPMailer AUTH LOGIN',
      lines: ['CLIENT -> SERVER: AUTH LOGIN', 'SERVER -> CLIENT: 334 VXNlcm5hbWU6', `CLIENT -> SERVER: ${b64('shop')}`, 'SERVER -> CLIENT: 334 UGFzc3dvcmQ6', `CLIENT -> SERVER: ${PASSWORD_B64}`],
      expected: [{ mechanism: 'LOGIN', username: 'shop', apiKeyUser: false }],
    },
    {
      name: 'swaks AUTH PLAIN without initial response',
      lines: [' -> AUTH PLAIN', '<-  334 ', ` -> ${b64('\0crm\0hunter2-canary')}`, '<-  235 2.7.0 Authentication successful'],
      expected: [{ mechanism: 'PLAIN', username: 'crm', apiKeyUser: false }],
    },
    {
      name: 'smtplib AUTH LOGIN with the username as initial response',
      lines: [`send: 'AUTH LOGIN ${b64('reports')}\\r\\n'`, "reply: b'334 UGFzc3dvcmQ6\\r\\n'", `send: '${PASSWORD_B64}\\r\\n'`, "reply: b'235 2.7.0 Accepted\\r\\n'"],
      expected: [{ mechanism: 'LOGIN', username: 'reports', apiKeyUser: false }],
    },
    {
      name: 'apikey login is reported as such',
      lines: ['C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', `C: ${b64('apikey')}`, 'S: 334 UGFzc3dvcmQ6', `C: ${b64('SG.fake')}`],
      expected: [{ mechanism: 'LOGIN', username: 'apikey', apiKeyUser: true }],
    },
    {
      name: 'interleaved nodemailer connections',
      lines: ['[x] DEBUG [c1] C: AUTH LOGIN', '[x] DEBUG [c2] C: AUTH LOGIN', `[x] DEBUG [c2] C: ${b64('two')}`, `[x] DEBUG [c1] C: ${b64('one')}`, `[x] DEBUG [c1] C: ${PASSWORD_B64}`, `[x] DEBUG [c2] C: ${PASSWORD_B64}`],
      expected: [
        { mechanism: 'LOGIN', username: 'two', apiKeyUser: false },
        { mechanism: 'LOGIN', username: 'one', apiKeyUser: false },
      ],
    },
    {
      name: 'lone base64 client lines outside an exchange are never decoded',
      lines: [`C: ${b64('not-a-login')}`, `C: ${PASSWORD_B64}`, 'C: EHLO mail.example.com'],
      expected: [],
    },
    {
      name: 'a failed LOGIN prompt ends the exchange',
      lines: ['C: AUTH LOGIN', 'S: 504 5.7.4 Unrecognized authentication type', `C: ${b64('late')}`],
      expected: [],
    },
    {
      name: 'a cancelled exchange (*) decodes nothing',
      lines: ['C: AUTH LOGIN', 'C: *', `C: ${b64('after-cancel')}`],
      expected: [],
    },
    {
      name: 'other mechanisms are ignored',
      lines: [`C: AUTH XOAUTH2 ${b64('user=a\x01auth=Bearer x\x01\x01')}`, `C: ${b64('next')}`],
      expected: [],
    },
  ];
  it.each(cases)('$name', ({ lines, expected }) => {
    expect(run(lines).map(({ mechanism, username, apiKeyUser }) => ({ mechanism, username, apiKeyUser }))).toEqual(expected);
  });

  it('never decodes the password line, even when it is valid base64 of text', () => {
    const logins = run(['C: AUTH LOGIN', `C: ${b64('u')}`, `C: ${b64('hunter2-canary')}`]);
    expect(JSON.stringify(logins)).not.toContain('hunter2');
  });

  it('forgets an exchange left unfinished for longer than maxPendingLines', () => {
    const t = new SmtpAuthTracker({ maxPendingLines: 2 });
    expect(run(['C: AUTH LOGIN', 'noise', 'noise', 'noise', `C: ${b64('late')}`], t)).toEqual([]);
    expect(t.awaiting).toBe(false);
  });

  it('bounds the connections it remembers', () => {
    const t = new SmtpAuthTracker({ maxConnections: 2 });
    run(['[x] [c1] C: AUTH LOGIN', '[x] [c2] C: AUTH LOGIN', '[x] [c3] C: AUTH LOGIN'], t);
    expect(run([`[x] [c1] C: ${b64('dropped')}`, `[x] [c3] C: ${b64('kept')}`], t).map((l) => l.username)).toEqual(['kept']);
  });

  it('says when it waits for a username line, for the prefilter', () => {
    const t = new SmtpAuthTracker();
    t.line('C: AUTH LOGIN');
    expect(t.awaiting).toBe(true);
    t.line(`C: ${b64('u')}`);
    t.line(`C: ${PASSWORD_B64}`);
    expect(t.awaiting).toBe(false);
  });
});

describe('SmtpAuthTracker.awaitingUsername and the `[sid] [client]` framing', () => {
  it('reads a logger that prints the transaction tag instead of C:/S:', () => {
    expect(readSmtpDialogueLine('[t] DEBUG [Zi1o] [client] AUTH LOGIN')).toEqual({ direction: 'client', payload: 'AUTH LOGIN', connection: 'Zi1o' });
    expect(readSmtpDialogueLine('[t] DEBUG [Zi1o] [server] 334 VXNlcm5hbWU6')).toEqual({ direction: 'server', payload: '334 VXNlcm5hbWU6', connection: 'Zi1o' });
  });

  it('holds only while a username may come, never for the password line', () => {
    const t = new SmtpAuthTracker();
    t.line('C: AUTH LOGIN');
    expect(t.awaitingUsername).toBe(true);
    t.line('S: 334 VXNlcm5hbWU6');
    t.line(`C: ${b64('billing-app')}`);
    expect(t.awaitingUsername).toBe(false);
    expect(t.awaiting).toBe(true);
    t.line(`send: 'AUTH LOGIN ${b64('py')}\\r\\n'`);
    expect(t.awaitingUsername).toBe(false);
  });
});

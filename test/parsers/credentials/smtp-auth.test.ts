import { describe, expect, it } from 'vitest';
import { isApiKeyUser, usernameFromAuthLogin, usernameFromAuthPlain } from '../../../parsers/credentials/index.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('usernameFromAuthPlain', () => {
  const cases: ReadonlyArray<readonly [string, string, string | null]> = [
    ['no authzid', b64('\0billing-app\0hunter2-canary'), 'billing-app'],
    ['with authzid', b64('admin\0billing-app\0hunter2-canary'), 'billing-app'],
    ['apikey user', b64('\0apikey\0SG.not-a-real-key'), 'apikey'],
    ['unicode name', b64('\0zoë@example.com\0pw'), 'zoë@example.com'],
    ['unpadded encoder', b64('\0bob\0pw').replace(/=+$/, ''), 'bob'],
    ['one NUL only', b64('\0bob-and-password'), null],
    ['no NUL at all', b64('just some text'), null],
    ['empty username', b64('\0\0pw'), null],
    ['not base64', 'this is not base64!', null],
    ['bad length', 'AGJvYgBwd', null],
    ['control char in name', b64('\0bo\x07b\0pw'), null],
    ['invalid utf-8 name', Buffer.from([0, 0xff, 0xfe, 0, 0x70]).toString('base64'), null],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(usernameFromAuthPlain(input)).toBe(expected);
  });
});

describe('usernameFromAuthLogin', () => {
  const cases: ReadonlyArray<readonly [string, string | null]> = [
    [b64('billing-app'), 'billing-app'],
    [b64('apikey'), 'apikey'],
    ['VXNlcm5hbWU6', 'Username:'],
    ['!!!', null],
    [Buffer.from([0x00, 0x01]).toString('base64'), null],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(usernameFromAuthLogin(input)).toBe(expected);
  });
});

describe('isApiKeyUser', () => {
  it.each([
    ['apikey', true],
    ['APIKEY', false],
    [' apikey', false],
    ['apikey2', false],
    ['billing@example.com', false],
  ] as const)('%s → %s', (u, expected) => {
    expect(isApiKeyUser(u)).toBe(expected);
  });
});

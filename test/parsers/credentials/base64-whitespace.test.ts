import { describe, expect, it } from 'vitest';
import { encodesTrailingNewline, findBase64Whitespace, isWrappedBase64Row } from '../../../parsers/credentials/index.js';

const KEY = `SG.${'k'.repeat(22)}.${'s'.repeat(43)}`;
const ENCODED = Buffer.from(KEY).toString('base64');
const WRAPPED = `${ENCODED.slice(0, 76)}\n${ENCODED.slice(76)}`;

describe('findBase64Whitespace', () => {
  const positives: ReadonlyArray<readonly [string, string, string, string[]]> = [
    ['wrapped at 76 columns', WRAPPED, 'api_key', ['newline']],
    ['escaped newline inside a quoted value', `${ENCODED.slice(0, 40)}\\n${ENCODED.slice(40)}`, 'api_key', ['newline']],
    ['trailing escaped newline', `${ENCODED}\\n`, 'api_key', ['newline']],
    ['trailing real newline', `${ENCODED}\n`, 'api_key', ['newline']],
    ['space inside', `${ENCODED.slice(0, 40)} ${ENCODED.slice(40)}`, 'api_key', ['space']],
    ['encoded apikey with a trailing newline', 'YXBpa2V5\n', 'apikey_username', ['newline']],
    ['YAML block with indentation', `\n  ${ENCODED.slice(0, 76)}\n  ${ENCODED.slice(76)}`, 'api_key', ['newline', 'space']],
    ['unknown credential', 'Y3JlZGVudGlhbHM6\nc2VjcmV0LXZhbHVl', 'unknown', ['newline']],
  ];
  it.each(positives)('%s', (_name, value, encodes, whitespace) => {
    const hit = findBase64Whitespace(value);
    expect(hit?.encodes).toBe(encodes);
    expect([...(hit?.whitespace ?? [])].sort()).toEqual([...whitespace].sort());
  });

  const negatives: ReadonlyArray<readonly [string, string]> = [
    ['clean encoded key', ENCODED],
    ['leading indentation only', `   ${ENCODED}`],
    ['prose', 'this is a sentence with words'],
    ['a number with spaces', '1234 5678 9012 3456'],
    ['too short', 'YWJj\nZA=='],
    ['not base64 after compaction', `${ENCODED.slice(0, 20)}\n-----END`],
    ['lower-case words only', 'lorem ipsum dolor sit amet'],
    ['a key prefix followed by prose', `${ENCODED.slice(0, 12)} is the start of the key`],
    ['a truncated encoded key', `${ENCODED.slice(0, 40)}\n${ENCODED.slice(40, 60)}`],
  ];
  it.each(negatives)('%s', (_name, value) => {
    expect(findBase64Whitespace(value)).toBeNull();
  });
});

describe('encodesTrailingNewline', () => {
  it.each([
    [Buffer.from(`${KEY}\n`).toString('base64'), true],
    [Buffer.from('apikey\n').toString('base64'), true],
    [ENCODED, false],
    [Buffer.from('apikey').toString('base64'), false],
    ['not base64!', false],
  ] as const)('%s → %s', (value, expected) => {
    expect(encodesTrailingNewline(value)).toBe(expected);
  });
});

describe('isWrappedBase64Row', () => {
  it('recognises one full row of wrapped output only', () => {
    expect(isWrappedBase64Row(`  ${ENCODED.slice(0, 76)}`)).toBe(true);
    expect(isWrappedBase64Row(ENCODED)).toBe(false);
    expect(isWrappedBase64Row('x'.repeat(75))).toBe(false);
  });
});

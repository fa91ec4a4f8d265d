import { describe, expect, it } from 'vitest';
import { findApiKeys, isApiKeyShape } from '../../../parsers/credentials/index.js';
import { credentialFingerprint } from '../../../parsers/redact.js';

const KEY = `SG.${'a'.repeat(10)}B_c-${'d'.repeat(8)}.${'E'.repeat(20)}f-g_${'h'.repeat(19)}`;

describe('API key shapes', () => {
  it('has the documented lengths', () => {
    expect(KEY.split('.').map((p) => p.length)).toEqual([2, 22, 43]);
    expect(isApiKeyShape(KEY)).toBe(true);
  });

  const lines: ReadonlyArray<readonly [string, string, number]> = [
    ['env', `SENDGRID_API_KEY=${KEY}`, 1],
    ['quoted in code', `sgMail.setApiKey("${KEY}");`, 1],
    ['two keys', `old=${KEY} new=${KEY.replace('SG.a', 'SG.z')}`, 2],
    ['in a URL-ish context', `Bearer ${KEY},`, 1],
    ['too short secret', `SG.${'a'.repeat(22)}.${'b'.repeat(42)}`, 0],
    ['too long secret', `SG.${'a'.repeat(22)}.${'b'.repeat(44)}`, 0],
    ['id too short', `SG.${'a'.repeat(21)}.${'b'.repeat(43)}`, 0],
    ['outside the alphabet', `SG.${'a'.repeat(21)}+.${'b'.repeat(43)}`, 0],
    ['glued to a longer token', `xSG.${'a'.repeat(22)}.${'b'.repeat(43)}`, 0],
    ['the redacted placeholder', 'SG.[REDACTED]', 0],
  ];
  it.each(lines)('%s', (_name, text, count) => {
    const hits = findApiKeys(text);
    expect(hits).toHaveLength(count);
    for (const h of hits) expect(JSON.stringify(h)).not.toContain('SG.');
  });

  it('fingerprints with the shared redaction fingerprint', () => {
    const [hit] = findApiKeys(`key: ${KEY}`);
    expect(hit).toEqual({ index: 5, length: KEY.length, fingerprint: credentialFingerprint(KEY) });
    expect(hit?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });
});

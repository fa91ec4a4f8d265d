import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/contracts.js';
import { KIND_SUMMARY, guideFor, parseGuide } from '../../alerts/guides.js';

describe('upgrade guides', () => {
  it.each(KINDS)('%s has a title, a summary and numbered steps', (kind) => {
    const g = guideFor(kind);
    expect(g.title.length).toBeGreaterThan(10);
    expect(g.summary.length).toBeGreaterThan(40);
    expect(g.steps.length).toBeGreaterThanOrEqual(5);
    expect(g.markdown).toContain(g.steps[0]);
    expect(KIND_SUMMARY[kind].meaning).toMatch(/\.$/);
    expect(KIND_SUMMARY[kind].fix.length).toBeGreaterThan(10);
  });

  it.each(KINDS)('%s carries the facts that must be exact', (kind) => {
    const md = guideFor(kind).markdown;
    expect(md).toContain('Mail Send → Full Access');
    expect(md).toMatch(/environment variable/);
    expect(md).toMatch(/least privilege|only what it needs|nothing more/);
    expect(md).toMatch(/staging/);
    expect(md).toMatch(/subusers and teammates/);
    expect(md).toMatch(/IP Access Management/);
    expect(md).toMatch(/not recommend/);
  });

  it('SMTP guides name the literal username and the newline rule', () => {
    for (const kind of ['smtp_basic_auth_2fa', 'smtp_auth_failed', 'basic_auth_in_use'] as const) {
      const md = guideFor(kind).markdown;
      expect(md).toContain('`apikey`');
      expect(md).toMatch(/line-oriented/);
      expect(md).toMatch(/newline/);
    }
    expect(guideFor('smtp_basic_auth_2fa').markdown).toMatch(/password becomes the API key/);
  });

  it('API guides name the Bearer header', () => {
    for (const kind of ['api_basic_auth_2fa', 'api_auth_failed', 'basic_auth_in_use'] as const) {
      expect(guideFor(kind).markdown).toContain('Authorization: Bearer <key>');
    }
  });

  it('failure guides cover the causes other than 2FA', () => {
    const smtp = guideFor('smtp_auth_failed').markdown;
    expect(smtp).toMatch(/revoked/);
    expect(smtp).toMatch(/exactly the word `apikey`/);
    const api = guideFor('api_auth_failed').markdown;
    expect(api).toMatch(/revoked/);
    expect(api).toMatch(/v2/);
    expect(api).toContain('Bad username / password');
  });

  it('basic_auth_in_use is a warning to act before 2FA', () => {
    const g = guideFor('basic_auth_in_use');
    expect(g.summary).toMatch(/as soon as Two-Factor Authentication/);
    expect(g.steps.at(-1)).toMatch(/Only then enable 2FA/);
  });

  it('refuses a guide without steps', () => {
    expect(() => parseGuide('# Title\n\nSome summary here.\n')).toThrow(/Steps/);
  });
});

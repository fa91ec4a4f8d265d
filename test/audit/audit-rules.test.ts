import { describe, expect, it } from 'vitest';
import { auditText } from '../../src/audit/audit-file.js';
import { fileKindOf } from '../../src/audit/file-kind.js';
import { FIXTURES, SECRETS } from './fixtures.js';

describe('audit rules', () => {
  it.each(FIXTURES.map((f) => [f.path, f] as const))('%s', (_path, f) => {
    const findings = auditText(f.path, fileKindOf(f.path) ?? 'code', f.text);
    const got = findings.map((x) => `${x.kind}@${x.line}`);
    expect(got).toEqual(f.expected);
    const printed = JSON.stringify(findings);
    for (const s of SECRETS) expect(printed).not.toContain(s);
  });
});

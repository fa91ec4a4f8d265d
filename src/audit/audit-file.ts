import type { FileKind } from './file-kind.js';
import { AUDIT_KIND_INFO, type AuditFinding } from './finding.js';
import { excerptOf } from './excerpt.js';
import { sectionsOf } from './sections.js';
import { smtpPasswordLogins } from './smtp-settings.js';
import { apiBasicAuth, hardcodedApiKeys, v2ApiUse } from './key-rules.js';
import { base64WithWhitespace } from './base64-values.js';
import type { FileText, RuleHit } from './rule-hit.js';

const RULES: ReadonlyArray<(file: FileText) => RuleHit[]> = [smtpPasswordLogins, apiBasicAuth, v2ApiUse, hardcodedApiKeys, base64WithWhitespace];

/** Runs every rule over one file's text; findings in line order, one per kind and line. */
export function auditText(path: string, kind: FileKind, text: string): AuditFinding[] {
  const lines = text.split(/\r?\n/);
  const file: FileText = { kind, lines, sections: sectionsOf(kind, lines), mentionsSendGrid: /sendgrid/i.test(text) };
  const seen = new Set<string>();
  const findings: AuditFinding[] = [];
  for (const rule of RULES) {
    for (const hit of rule(file)) {
      const id = `${hit.kind}:${hit.line}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const info = AUDIT_KIND_INFO[hit.kind];
      findings.push({
        kind: hit.kind,
        severity: hit.severity ?? info.severity,
        file: path,
        line: hit.line,
        detail: hit.detail,
        excerpt: excerptOf(lines[hit.line - 1] ?? '', hit.secrets),
        fingerprint: hit.fingerprint,
        fix: info.fix,
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
}

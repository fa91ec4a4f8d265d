import { renderTable } from '../output/terminal.js';
import { AUDIT_KIND_INFO, type AuditFinding, type AuditKind } from './finding.js';
import type { AuditResult } from './audit.js';

/** One finding as an ndjson line / json array element: snake_case like `scan`'s output. */
export function findingJson(f: AuditFinding) {
  return { kind: f.kind, severity: f.severity, file: f.file, line: f.line, detail: f.detail, excerpt: f.excerpt, fingerprint: f.fingerprint, fix: f.fix };
}

export function statsJson(r: AuditResult) {
  const s = r.stats;
  return {
    files_scanned: s.scanned,
    skipped: { binary: s.binary, too_large: s.tooLarge, other_files: s.otherFiles, skipped_dirs: s.skippedDirs, symlinks: s.symlinks },
    unreadable: r.unreadable.map((u) => ({ path: u.path, reason: u.reason })),
  };
}

/** The table: one row per finding, then the fix of each kind seen, then what was scanned and skipped. */
export function renderAuditTable(r: AuditResult, maxFileBytes: number): string {
  const out: string[] = [];
  if (r.findings.length === 0) {
    out.push(`No risky SendGrid credentials found in ${r.stats.scanned} file(s).`);
  } else {
    out.push(
      renderTable(
        ['SEVERITY', 'KIND', 'LOCATION', 'DETAIL'],
        r.findings.map((f) => [f.severity, f.kind, `${f.file}:${f.line}`, f.detail]),
        72,
      ),
    );
    out.push('', 'Fix:');
    const kinds = [...new Set(r.findings.map((f) => f.kind))] as AuditKind[];
    for (const k of kinds) out.push(`  ${k}: ${AUDIT_KIND_INFO[k].fix}`);
    out.push('', `${r.findings.length} finding(s) in ${r.stats.scanned} file(s). Excerpts: --format ndjson or json.`);
  }
  const s = r.stats;
  const skipped = [
    s.binary > 0 ? `${s.binary} binary` : '',
    s.tooLarge > 0 ? `${s.tooLarge} over ${maxFileBytes} bytes` : '',
    s.otherFiles > 0 ? `${s.otherFiles} neither config nor source` : '',
    s.skippedDirs > 0 ? `${s.skippedDirs} node_modules/.git dir(s)` : '',
    s.symlinks > 0 ? `${s.symlinks} symlink(s)` : '',
  ].filter((x) => x !== '');
  if (skipped.length > 0) out.push(`Skipped: ${skipped.join(', ')}.`);
  return out.join('\n');
}

import { auditText } from './audit-file.js';
import { SEVERITY_RANK, type AuditFinding } from './finding.js';
import { newWalkStats, walk, type WalkStats } from './walk.js';

/** Largest file audited by default. Bytes: 1 MiB; configuration and source files are far smaller. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface AuditResult {
  /** Most severe first, then by file and line. */
  readonly findings: AuditFinding[];
  readonly stats: WalkStats;
  readonly unreadable: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
}

export interface AuditOptions {
  readonly maxFileBytes?: number;
}

/** Audits every path (files, directories recursively); unreadable paths are listed, the rest still audited. */
export async function audit(paths: readonly string[], opts: AuditOptions = {}): Promise<AuditResult> {
  const stats = newWalkStats();
  const unreadable: Array<{ path: string; reason: string }> = [];
  const findings: AuditFinding[] = [];
  for (const input of paths) {
    const targets = walk(input, {
      maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      stats,
      onUnreadable: (path, reason) => unreadable.push({ path, reason }),
    });
    for await (const t of targets) findings.push(...auditText(t.path, t.kind, t.text));
  }
  findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.file.localeCompare(b.file) || a.line - b.line || a.kind.localeCompare(b.kind));
  return { findings, stats, unreadable };
}

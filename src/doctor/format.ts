import type { CheckResult } from './check.js';

const LABEL: Readonly<Record<CheckResult['status'], string>> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** One line per check: `FAIL  kafka logs: no broker answered (...). Fix: ...`. */
export function formatResults(results: readonly CheckResult[]): string {
  return results.map((r) => `${LABEL[r.status]}  ${r.name}: ${r.message}${r.fix ? ` Fix: ${r.fix}` : ''}`).join('\n');
}

export function summary(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  if (failed === 0) return `All ${results.length} checks passed${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`;
  return `${failed} of ${results.length} checks failed${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.`;
}

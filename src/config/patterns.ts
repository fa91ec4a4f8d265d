import type { Matcher, ServiceRule } from '../contracts.js';
import type { Config } from './schema.js';

/**
 * Compiles a config pattern: `/regex/flags`, or a glob where `*` matches any run of characters
 * and `?` one character. Both match case-insensitively and against the whole value.
 */
export function compilePattern(p: string): Matcher {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(p);
  if (re) {
    const rx = new RegExp(re[1] ?? '', (re[2] ?? '').includes('i') ? re[2] : `${re[2] ?? ''}i`);
    return (v) => rx.test(v);
  }
  if (!/[*?]/.test(p)) {
    const lower = p.toLowerCase();
    return (v) => v.toLowerCase() === lower;
  }
  const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const rx = new RegExp(`^${body}$`, 'is');
  return (v) => rx.test(v);
}

/** Whether a config pattern compiles: globs always do; a `/regex/flags` must be a valid RegExp. */
export function isValidPattern(p: string): boolean {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(p);
  if (!m) return true;
  try {
    new RegExp(m[1] ?? '', m[2]);
    return true;
  } catch {
    return false;
  }
}

export function compileRules(rules: Config['services']['rules']): ServiceRule[] {
  return rules.map((r) => ({
    service: r.service,
    match: Object.fromEntries(Object.entries(r.match).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compilePattern(v)])),
  }));
}

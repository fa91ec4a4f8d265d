import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { ConfigError, AuthwatchError, errorMessage } from '../errors.js';
import { ConfigSchema, type Config } from './schema.js';
import { unknownReportReceivers } from '../reports/config-schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads, substitutes `${VAR}` from the environment, validates and freezes a YAML or JSON config. */
export function loadConfig(path: string, env: Env): Readonly<Config> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AuthwatchError('CONFIG_UNREADABLE', `Cannot read the config file ${path}: ${errorMessage(err)}.`, { cause: err });
  }
  return parseConfigText(text, env, path);
}

export function parseConfigText(text: string, env: Env, file?: string): Readonly<Config> {
  if (text.trim() === '') throw new ConfigError(['the file is empty; expected a YAML or JSON mapping (see the README, "Configuration")'], file);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => `syntax: ${e.message.split('\n')[0] ?? e.message}`), file);
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`the top level is ${Array.isArray(raw) ? 'a list' : typeof raw}; expected a mapping of keys such as sources, database, alerts`], file);
  }
  const problems: string[] = [];
  const substituted = substituteEnv(raw, env, '', problems);
  if (problems.length > 0) throw new ConfigError(problems, file);
  return validateConfig(substituted, file);
}

export function validateConfig(raw: unknown, file?: string): Readonly<Config> {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error, raw), file);
  const receivers = ['console', ...Object.keys(result.data.alerts?.receivers ?? {})];
  const crossProblems = unknownReportReceivers(result.data.reports, receivers);
  if (crossProblems.length > 0) throw new ConfigError(crossProblems, file);
  return deepFreeze(result.data);
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` and `${NAME:-default}` in every string value; an unset NAME is a problem. */
function substituteEnv(value: unknown, env: Env, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${path || '(top level)'} refers to the environment variable ${name}, which is not set; set it or write \${${name}:-default}`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, path ? `${path}.${k}` : k, problems)]));
  }
  return value;
}

function describeIssues(error: ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    const key = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${key ? `${key}.` : ''}${k} is not a known key (a typo?)`).join('; ');
    }
    const got = valueAt(raw, issue.path);
    const shown = got === undefined ? 'missing' : `${JSON.stringify(got)?.slice(0, 80)}`;
    return `${key || '(top level)'} is ${shown}; ${lowerFirst(issue.message)}`;
  });
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

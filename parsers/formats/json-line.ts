import { parseTimeValue } from '../timestamps.js';

export type JsonObject = Record<string, unknown>;

export type JsonLineOutcome =
  | { readonly kind: 'json'; readonly objects: readonly JsonObject[]; readonly message: string | null }
  | { readonly kind: 'not-json' }
  | { readonly kind: 'malformed' };

/** How far into a line the JSON object may start (CRI/Docker prefixes, stamps). Characters. */
const MAX_PREFIX = 256;
/** Fields that hold the original line in shipper envelopes and app loggers, in order. */
const MESSAGE_FIELDS = ['message', 'log', 'msg', 'body', 'MESSAGE', 'short_message'] as const;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const tryParse = (text: string): JsonObject | null => {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
};

/** OTLP/JSON wraps values: `{"stringValue":"x"}`; plain JSON does not. */
const unwrapOtlp = (v: unknown): unknown => {
  if (isObject(v)) {
    for (const k of ['stringValue', 'intValue', 'doubleValue']) if (k in v) return v[k];
  }
  return v;
};

/**
 * The objects a line describes: the outer one, the OTLP resource and record when the line is an
 * OTLP/JSON export, and the inner application record when the message field is itself JSON
 * (a pino line shipped by Fluent Bit). Outer first: envelopes name the workload.
 */
const expand = (outer: JsonObject): { objects: JsonObject[]; message: string | null } => {
  const objects: JsonObject[] = [outer];
  const resourceLogs = outer.resourceLogs;
  let message: string | null = null;
  if (Array.isArray(resourceLogs) && isObject(resourceLogs[0])) {
    const rl = resourceLogs[0];
    objects.push(rl);
    const scope: unknown = Array.isArray(rl.scopeLogs) ? rl.scopeLogs[0] : undefined;
    const records: unknown = isObject(scope) ? scope.logRecords : undefined;
    const rec: unknown = Array.isArray(records) ? records[0] : undefined;
    if (isObject(rec)) {
      objects.push(rec);
      const body = unwrapOtlp(rec.body);
      if (typeof body === 'string') message = body;
    }
  }
  for (const field of MESSAGE_FIELDS) {
    if (message !== null) break;
    const v = unwrapOtlp(outer[field]);
    if (typeof v === 'string') message = v;
  }
  if (message !== null) {
    const t = message.trimStart();
    if (t.startsWith('{') && t.length <= 1 << 20) {
      const inner = tryParse(t);
      if (inner !== null) {
        objects.push(inner);
        for (const field of MESSAGE_FIELDS) {
          const v = inner[field];
          if (typeof v === 'string') {
            message = v;
            break;
          }
        }
      }
    }
  }
  return { objects, message };
};

/**
 * Reads a line that is JSON, or JSON behind a short prefix (`2024-... stdout F {...}`).
 * Only candidate lines get here. A line that opens like JSON but does not parse is `malformed`.
 */
export const parseJsonLine = (line: string): JsonLineOutcome => {
  const end = line.trimEnd();
  if (!end.endsWith('}')) return { kind: 'not-json' };
  const open = line.indexOf('{');
  if (open < 0 || open > MAX_PREFIX) return { kind: 'not-json' };
  const outer = tryParse(end.slice(open));
  if (outer === null) return open === 0 ? { kind: 'malformed' } : { kind: 'not-json' };
  return { kind: 'json', ...expand(outer) };
};

/**
 * The value at a dotted path, with dots read both as nesting and as part of flat keys
 * (`service.name` nested, flat, or `resource.attributes["service.name"]`), and OTLP attribute
 * lists (`[{key, value: {stringValue}}]`) read as maps. Depth is bounded by the path's length.
 */
export const getPath = (obj: unknown, path: string): unknown => {
  const parts = path.split('.');
  const walk = (node: unknown, from: number): unknown => {
    if (from === parts.length) return node;
    if (Array.isArray(node)) {
      for (let to = parts.length; to > from; to--) {
        const key = parts.slice(from, to).join('.');
        for (const item of node) {
          if (isObject(item) && item.key === key) {
            const found = walk(unwrapOtlp(item.value), to);
            if (found !== undefined) return found;
          }
        }
      }
      return undefined;
    }
    if (!isObject(node)) return undefined;
    for (let to = parts.length; to > from; to--) {
      const key = parts.slice(from, to).join('.');
      if (Object.prototype.hasOwnProperty.call(node, key)) {
        const found = walk(node[key], to);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(obj, 0);
};

/** A usable name from a field value: a short non-empty string or a number. */
export const asName = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t.length > 0 && t.length <= 256 ? t : null;
};

const TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'ts', 'timeUnixNano', 'observedTimeUnixNano', 'date', 'asctime'];
const HOST_FIELDS = ['host.name', 'host.hostname', 'hostname', 'host', 'kubernetes.host', 'kubernetes.node_name'];

const firstOf = <T>(objects: readonly JsonObject[], fields: readonly string[], read: (v: unknown) => T | null): T | null => {
  for (const field of fields) {
    for (const obj of objects) {
      const v = read(getPath(obj, field));
      if (v !== null) return v;
    }
  }
  return null;
};

export const jsonTimestamp = (objects: readonly JsonObject[]): string | null => firstOf(objects, TIME_FIELDS, parseTimeValue);
export const jsonHost = (objects: readonly JsonObject[]): string | null => firstOf(objects, HOST_FIELDS, asName);

/** The first of `fields` that names something, looking in every object of the line. */
export const jsonField = (objects: readonly JsonObject[], fields: readonly string[]): string | null =>
  firstOf(objects, fields, asName);

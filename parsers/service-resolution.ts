import type { RecordMeta, ServiceRule, ServiceVia } from '../src/contracts.js';
import type { JsonObject } from './formats/json-line.js';
import { jsonField } from './formats/json-line.js';

/**
 * Default structured fields naming a service, in order. Dotted names match nested and flat keys
 * alike. Covers the app's own logger, ECS, OpenTelemetry, Kubernetes metadata added by Vector
 * (`kubernetes.pod_labels`), Fluent Bit (`kubernetes.labels`) and Filebeat (`fields.*`), and the
 * Docker log drivers.
 */
export const DEFAULT_SERVICE_FIELDS: readonly string[] = [
  'service',
  'service.name',
  'resource.attributes.service.name',
  'resource.service.name',
  'app',
  'kubernetes.labels.app',
  'kubernetes.labels.app.kubernetes.io/name',
  'kubernetes.pod_labels.app',
  'kubernetes.pod_labels.app.kubernetes.io/name',
  'fields.service',
  'fields.app',
  'kubernetes.container_name',
  'kubernetes.container.name',
  'container.name',
  'container_name',
];

/** What is known about a line when its service is decided. */
export interface ServiceContext {
  readonly meta: RecordMeta;
  readonly host: string | null;
  readonly program: string | null;
  readonly jsonObjects: readonly JsonObject[];
  /** The MTA submitter's name (sender, SASL user, client host, uid), when correlated. */
  readonly mtaSubmitter: string | null;
  /** The sender address, for rules on `sender`. */
  readonly sender: string | null;
}

const ruleMatches = (rule: ServiceRule, ctx: ServiceContext): boolean => {
  const m = rule.match;
  const check = (matcher: ((v: string) => boolean) | undefined, value: string | null | undefined): boolean =>
    matcher === undefined || (value !== null && value !== undefined && matcher(value));
  return (
    check(m.source, ctx.meta.source) &&
    check(m.path, ctx.meta.path) &&
    check(m.topic, ctx.meta.topic) &&
    check(m.host, ctx.host) &&
    check(m.program, ctx.program) &&
    check(m.sender, ctx.sender ?? ctx.mtaSubmitter) &&
    check(m.key, ctx.meta.key)
  );
};

/** Kafka keys that are printable text of sane length name a service; others do not. */
const usableKey = (key: string | null | undefined): string | null => {
  if (key === null || key === undefined) return null;
  const t = key.trim();
  return t.length > 0 && t.length <= 256 && !/[\u0000-\u001f\ufffd]/.test(t) ? t : null;
};

/**
 * Decides the service, in the order of DESIGN.md: explicit rule (first match) → structured
 * field → Kafka key → MTA sender/client → syslog program@host → source name.
 */
export const resolveService = (
  ctx: ServiceContext,
  rules: readonly ServiceRule[],
  fields: readonly string[],
): { service: string; via: ServiceVia } => {
  for (const rule of rules) if (ruleMatches(rule, ctx)) return { service: rule.service, via: 'rule' };
  const fromField = ctx.jsonObjects.length > 0 ? jsonField(ctx.jsonObjects, fields) : null;
  if (fromField !== null) return { service: fromField, via: 'field' };
  const key = usableKey(ctx.meta.key);
  if (key !== null) return { service: key, via: 'kafka-key' };
  if (ctx.mtaSubmitter !== null) return { service: ctx.mtaSubmitter, via: 'mta' };
  if (ctx.program !== null) return { service: ctx.host !== null ? `${ctx.program}@${ctx.host}` : ctx.program, via: 'program' };
  return { service: ctx.meta.name ?? ctx.meta.source, via: 'source' };
};

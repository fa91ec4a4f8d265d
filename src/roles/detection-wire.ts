/**
 * The detections topic's message format, version 1 (spec: the README, "Scale-out over Kafka", "Wire format").
 * Filter processes write it, the aggregator reads it, and other tools may consume it.
 *
 * - value: one JSON object (UTF-8), the Detection fields plus `v`, `detectedAt` and `filter`;
 * - key: the service name, so one service's detections stay in order on one partition;
 * - header `authwatch-format: detection/v1`.
 *
 * Within v1, fields may be added and readers ignore the ones they do not know; removing or
 * changing a field makes a new version with a new header value.
 */
import { z } from 'zod';
import type { Detection } from '../contracts.js';
import { CHANNELS, KINDS, SERVICE_VIA } from '../contracts.js';
import type { OutgoingMessage } from '../sources/kafka/kafka-client.js';

export const FORMAT_HEADER = 'authwatch-format';
export const FORMAT_V1 = 'detection/v1';

const nullableText = z.string().nullable();

const DetectionV1 = z.object({
  v: z.literal(1),
  kind: z.enum(KINDS),
  channel: z.enum(CHANNELS),
  signature: z.string().min(1),
  provider: z.string().min(1),
  service: z.string().min(1),
  serviceVia: z.enum(SERVICE_VIA),
  host: nullableText,
  program: nullableText,
  ts: nullableText,
  message: z.string(),
  credentialFingerprint: nullableText,
  source: z.string(),
  line: z.number().int().nonnegative(),
  position: z.object({ stream: z.string().min(1), offset: z.number().int().nonnegative() }),
  /** When the filter found it; ISO-8601. Informational: the aggregator does not use it. */
  detectedAt: z.string(),
  /** Client id of the filter process that published it. Informational. */
  filter: z.string(),
});

export type DetectionMessageV1 = z.infer<typeof DetectionV1>;

/** Why a message was skipped; a bounded label for logs and counters. */
export const SKIP_REASONS = ['empty', 'not-json', 'unknown-version', 'invalid'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type Decoded = { readonly ok: true; readonly detection: Detection } | { readonly ok: false; readonly reason: SkipReason; readonly detail: string };

/** The message a filter publishes for one detection. */
export function encodeDetection(d: Detection, filter: string, detectedAt: Date): OutgoingMessage {
  const body: DetectionMessageV1 = {
    v: 1,
    kind: d.kind,
    channel: d.channel,
    signature: d.signature,
    provider: d.provider,
    service: d.service,
    serviceVia: d.serviceVia,
    host: d.host,
    program: d.program,
    ts: d.ts,
    message: d.message,
    credentialFingerprint: d.credentialFingerprint,
    source: d.source,
    line: d.line,
    position: { stream: d.position.stream, offset: d.position.offset },
    detectedAt: detectedAt.toISOString(),
    filter,
  };
  return { key: d.service, value: JSON.stringify(body), headers: { [FORMAT_HEADER]: FORMAT_V1 } };
}

/**
 * Reads one message of the detections topic. Never throws: anything that is not a valid v1
 * detection comes back as a reason to count. A missing header is accepted when the body says
 * `"v": 1` (tools that forward values without headers); a header naming another format is not.
 */
export function decodeDetection(value: Buffer | null, headers: Readonly<Record<string, string>>): Decoded {
  const format = headers[FORMAT_HEADER];
  if (format !== undefined && format !== FORMAT_V1) return skip('unknown-version', `header ${FORMAT_HEADER} is ${format}`);
  if (value === null || value.length === 0) return skip('empty', 'no value');
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return skip('not-json', err instanceof Error ? err.message : String(err));
  }
  if (typeof raw !== 'object' || raw === null || !('v' in raw)) return skip('invalid', 'no "v" field');
  if (raw.v !== 1) return skip('unknown-version', `"v" is ${JSON.stringify(raw.v)}`);
  const parsed = DetectionV1.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return skip('invalid', issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid');
  }
  const { v: _v, detectedAt: _at, filter: _filter, ...detection } = parsed.data;
  return { ok: true, detection };
}

const skip = (reason: SkipReason, detail: string): Decoded => ({ ok: false, reason, detail });

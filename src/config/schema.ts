import { z } from 'zod';
import { isValidPattern } from './patterns.js';
import { AlertsConfigSchema } from '../../alerts/config-schema.js';
import { DEFAULT_SERVICE_FIELDS } from '../../parsers/index.js';
import { ReportsConfigSchema } from '../reports/config-schema.js';

const byteSize = z.number().int().positive();
const nonEmpty = z.string().min(1, 'must not be empty');

/** A glob (`*`, `?`) or a `/regex/flags` string, compiled at load time. */
const pattern = nonEmpty.refine(
  isValidPattern,
  { message: 'expected a glob or a valid /regular expression/' },
);

export const FileSourceSchema = z
  .object({
    type: z.literal('file'),
    /** Name used in checkpoints, metrics and as the last-resort service name. */
    id: nonEmpty.optional(),
    /** Files and globs to follow. */
    paths: z.array(nonEmpty).min(1, 'needs at least one path or glob'),
    /** Where to begin in a file seen for the first time. Default `end`, like tail -F. */
    startAt: z.enum(['end', 'beginning']).default('end'),
    /** Also read rotated `.gz` files matching the globs, once each. Default false. */
    readRotatedGz: z.boolean().default(false),
    /** How often files are checked for growth, rotation and new matches. Milliseconds; default 250. */
    pollIntervalMs: z.number().int().min(10).max(60_000).default(250),
  })
  .strict();

const SaslSchema = z
  .object({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    username: nonEmpty,
    password: nonEmpty,
  })
  .strict();

const TlsSchema = z.union([
  z.boolean(),
  z
    .object({
      caFile: nonEmpty.optional(),
      certFile: nonEmpty.optional(),
      keyFile: nonEmpty.optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .strict(),
]);

export const KafkaSourceSchema = z
  .object({
    type: z.literal('kafka'),
    id: nonEmpty.optional(),
    brokers: z.array(nonEmpty).min(1, 'needs at least one broker host:port'),
    topics: z.array(nonEmpty).min(1).optional(),
    /** A regular expression matched against topic names, instead of `topics`. */
    topicPattern: nonEmpty.optional(),
    groupId: nonEmpty.default('authwatch'),
    clientId: nonEmpty.default('authwatch'),
    /** Start at the earliest offset when neither SQLite nor Kafka has a position. Default true. */
    fromBeginning: z.boolean().default(true),
    sasl: SaslSchema.optional(),
    tls: TlsSchema.optional(),
    /** Partitions processed at once; each holds one batch in flight. Default 2. */
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(2),
    /** Upper bound on bytes fetched per partition per request. Bytes; default 1 MiB. */
    maxBytesPerPartition: byteSize.default(1024 * 1024),
    /**
     * How long the group waits for a silent member before giving its partitions to the others:
     * the failover time when a filter process dies. Milliseconds; default 30000. The broker
     * bounds it (group.min.session.timeout.ms, 6000 by default).
     */
    sessionTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
  })
  .strict()
  .refine((s) => (s.topics === undefined) !== (s.topicPattern === undefined), {
    message: 'set exactly one of topics or topicPattern',
    path: ['topics'],
  });

export const StdinSourceSchema = z.object({ type: z.literal('stdin'), id: nonEmpty.optional() }).strict();

export const SourceSchema = z.discriminatedUnion('type', [FileSourceSchema, KafkaSourceSchema, StdinSourceSchema]);

const RuleSchema = z
  .object({
    service: nonEmpty,
    match: z
      .object({
        source: pattern.optional(),
        path: pattern.optional(),
        topic: pattern.optional(),
        host: pattern.optional(),
        program: pattern.optional(),
        sender: pattern.optional(),
        key: pattern.optional(),
      })
      .strict()
      .refine((m) => Object.keys(m).length > 0, { message: 'needs at least one of source, path, topic, host, program, sender, key' }),
  })
  .strict();

/**
 * `authwatch run --role filter|aggregate` (README, "Scale-out over Kafka"): where filter processes publish
 * detections and the aggregator reads them. The connection (brokers, sasl, tls) defaults to the
 * first kafka source's.
 */
const ScaleOutSchema = z
  .object({
    /** Topic of the detection messages (format detection/v1), keyed by service. Default `authwatch.detections`. */
    detectionsTopic: nonEmpty.default('authwatch.detections'),
    brokers: z.array(nonEmpty).min(1, 'needs at least one broker host:port').optional(),
    sasl: SaslSchema.optional(),
    tls: TlsSchema.optional(),
    /** Consumer group of the aggregator on the detections topic. Default `authwatch-aggregate`. */
    aggregateGroupId: nonEmpty.default('authwatch-aggregate'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    database: z.object({ path: nonEmpty.optional() }).strict().default({}),
    sources: z.array(SourceSchema).default([]),
    services: z
      .object({
        rules: z.array(RuleSchema).default([]),
        /** Structured fields read for a service name, in order. */
        fields: z.array(nonEmpty).default([...DEFAULT_SERVICE_FIELDS]),
      })
      .strict()
      .default({ rules: [], fields: [...DEFAULT_SERVICE_FIELDS] }),
    detector: z
      .object({
        /** Longest line handled; longer lines are counted and skipped. Bytes; default 1 MiB. */
        maxLineBytes: byteSize.max(64 * 1024 * 1024).default(1024 * 1024),
        /** Recent bytes per stream searched for Postfix/Exim queue ids. Bytes; default 8 MiB. */
        lookbackBytes: byteSize.max(256 * 1024 * 1024).default(8 * 1024 * 1024),
      })
      .strict()
      .default({ maxLineBytes: 1024 * 1024, lookbackBytes: 8 * 1024 * 1024 }),
    alerts: AlertsConfigSchema.optional(),
    scaleOut: ScaleOutSchema.optional(),
    /** Scheduled summary reports; their receivers are the alerts section's receivers. */
    reports: ReportsConfigSchema,
    http: z
      .object({
        /** Address to listen on; loopback unless you mean to expose it. Default 127.0.0.1. */
        host: nonEmpty.default('127.0.0.1'),
        port: z.number().int().min(0).max(65535),
        /** Bearer token for the endpoints that change state; without it they do not exist. */
        token: z.string().min(16, 'must be at least 16 characters').optional(),
      })
      .strict()
      .optional(),
    telemetry: z
      .object({
        /** Serve Prometheus metrics on the HTTP server's /metrics. Default true when http is on. */
        prometheus: z.boolean().default(true),
        /** OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318) for metrics and traces. */
        otlpEndpoint: z.url().optional(),
      })
      .strict()
      .default({ prometheus: true }),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        /** `json` lines, or `pretty` for people; default: pretty on a terminal, json otherwise. */
        format: z.enum(['json', 'pretty']).optional(),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;
export type FileSourceConfig = z.infer<typeof FileSourceSchema>;
export type KafkaSourceConfig = z.infer<typeof KafkaSourceSchema>;
export type ScaleOutConfig = z.infer<typeof ScaleOutSchema>;

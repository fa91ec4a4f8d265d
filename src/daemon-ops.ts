/**
 * Composition helpers for the daemon's operations surface: the receivers' channels with
 * telemetry around them, the gauges read on each metrics collection, and the read-only view
 * the HTTP server gets. Kept beside daemon.ts so the lifecycle there stays short.
 */
import type { Writable } from 'node:stream';
import type { Clock, Log, Source } from './contracts.js';
import type { Config } from './config/schema.js';
import type { Channel } from '../alerts/index.js';
import { createChannels } from '../alerts/channels/registry.js';
import { CONSOLE_RECEIVER, defaultAlertsConfig } from '../alerts/config-schema.js';
import type { Db } from './store/db.js';
import { checkpointTimes, outboxDepth } from './store/status-queries.js';
import { KafkaSource } from './sources/kafka-source.js';
import type { LifecycleState, OpsView, PartitionLagReading, StoreHealth } from './http/ops-view.js';
import { registerGauges, type GaugeReading } from './telemetry/metrics.js';
import { instrumentChannel } from './telemetry/instrumented-channel.js';
import { JsonConsoleChannel } from './telemetry/json-console-channel.js';
import type { DetectionTraceIndex } from './telemetry/tracing.js';

/** One channel per receiver, each counted and traced; console receivers as JSON lines when asked. */
export function buildChannels(deps: { config: Readonly<Config>; stdout: Writable; clock: Clock; traces: DetectionTraceIndex; consoleAlertsLog?: Log | undefined }): Map<string, Channel> {
  const base = createChannels(deps.config.alerts ?? defaultAlertsConfig(), { stdout: deps.stdout, clock: deps.clock });
  const out = new Map<string, Channel>();
  for (const [name, channel] of base) {
    const c = channel.type === 'console' && deps.consoleAlertsLog ? new JsonConsoleChannel(name, deps.consoleAlertsLog) : channel;
    out.set(name, instrumentChannel(c, { clock: deps.clock, traces: deps.traces }));
  }
  return out;
}

export function opsView(parts: {
  db: Db;
  now: () => number;
  startedAt: number;
  state: () => LifecycleState;
  sources: readonly Source[];
  store: () => StoreHealth;
}): OpsView {
  return {
    db: parts.db,
    now: parts.now,
    startedAt: parts.startedAt,
    state: parts.state,
    store: parts.store,
    sources: () => parts.sources.map((s) => s.health()),
    kafkaLag: () => kafkaLag(parts.sources),
  };
}

function kafkaLag(sources: readonly Source[]): PartitionLagReading[] {
  const out: PartitionLagReading[] = [];
  for (const s of sources) {
    if (!(s instanceof KafkaSource)) continue;
    for (const p of s.lag()) out.push({ source: s.id, topic: p.topic, partition: p.partition, lag: p.lag });
  }
  return out;
}

/** States the outbox gauge always reports (0 when empty), so the series do not come and go. */
const OUTBOX_GAUGE_STATES = ['pending', 'sending', 'dead'] as const;

/** Registers the gauges over the live daemon; returns the function that unregisters them. */
export function opsGauges(view: OpsView, sources: readonly Source[], config: Readonly<Config>): () => void {
  const receivers = [CONSOLE_RECEIVER, ...Object.keys(config.alerts?.receivers ?? {})];
  // A gauge callback must not throw into the exporter, nor read a closed database.
  const guarded = (fn: () => GaugeReading): (() => GaugeReading) => () => (view.db.open ? fn() : []);
  return registerGauges({
    checkpointAgeSeconds: guarded(() => {
      const now = view.now();
      return checkpointTimes(view.db).map((c) => ({ value: Math.max(0, (now - c.updatedAt) / 1000), attributes: { source: c.sourceId } }));
    }),
    kafkaLag: () => kafkaLag(sources).flatMap((p) => (p.lag === undefined ? [] : [{ value: p.lag, attributes: { source: p.source, topic: p.topic, partition: p.partition } }])),
    outboxDepth: guarded(() => {
      const counts = new Map(outboxDepth(view.db).map((r) => [`${r.state}\u0000${r.receiver}`, r.count]));
      const names = new Set([...receivers, ...[...counts.keys()].map((k) => k.split('\u0000')[1] ?? '')]);
      return OUTBOX_GAUGE_STATES.flatMap((state) => [...names].map((receiver) => ({ value: counts.get(`${state}\u0000${receiver}`) ?? 0, attributes: { state, receiver } })));
    }),
    sourceUp: () => sources.map((s) => ({ value: s.health().state === 'running' ? 1 : 0, attributes: { source: s.id, type: s.type } })),
  });
}

import type { SourceHealth } from '../contracts.js';
import { outboxCounts, type OutboxState } from '../store/alerts-outbox.js';
import { migrationStatus, statusResolver, type MigrationStatus, type ServiceStatus } from '../store/service-status.js';
import { listServiceKinds } from '../store/services.js';
import { checkpointTimes, latestDead, oldestWaitingAt, serviceTrends, type DeadLetter } from '../store/status-queries.js';
import type { LifecycleState, OpsView } from './ops-view.js';
import { readiness, type Readiness } from './readiness.js';

/** The two trend windows the page offers. */
export const TREND_RANGES = {
  /** 24 hourly buckets. */
  '24h': { bucketMs: 3_600_000, buckets: 24, label: 'last 24 h' },
  /** 28 buckets of 6 hours. */
  '7d': { bucketMs: 6 * 3_600_000, buckets: 28, label: 'last 7 days' },
} as const;
export type TrendRange = keyof typeof TREND_RANGES;

/** Order in which a service's kinds decide the service's headline status: most urgent first. */
const URGENCY: readonly ServiceStatus[] = ['failing', 'acknowledged', 'muted', 'recovered', 'quiet'];

/** Dead-letter rows listed on the page; the CLI (`authwatch alerts`) shows them all. */
const DEAD_SHOWN = 20;

export interface KindStatus {
  readonly kind: string;
  readonly status: ServiceStatus;
  /** When an ack or mute ends; null when it has no expiry or there is none. Epoch ms. */
  readonly until: number | null;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

export interface ServiceSummary {
  readonly service: string;
  readonly status: ServiceStatus;
  readonly total: number;
  readonly lastAt: number;
  readonly kinds: KindStatus[];
  /** Where the service stands in the move to API keys, from its kinds that are still active. */
  readonly migration: MigrationStatus;
  /** Events per bucket over the trend range, oldest first. */
  readonly trend: number[];
}

export interface StatusModel {
  readonly generatedAt: number;
  readonly daemon: { readonly state: LifecycleState; readonly startedAt: number };
  readonly readiness: Readiness;
  readonly range: TrendRange;
  readonly services: ServiceSummary[];
  readonly outbox: {
    readonly counts: Record<OutboxState, number>;
    readonly oldestWaitingAt: number | null;
    /** The latest dead-letter rows, newest first. */
    readonly dead: DeadLetter[];
  };
  readonly sources: Array<SourceHealth & { readonly checkpointAt: number | null }>;
}

/** Reads everything the status page and /api/status show, in one pass over small queries. */
export function buildStatus(view: OpsView, range: TrendRange = '24h'): StatusModel {
  const now = view.now();
  const { db } = view;
  const resolve = statusResolver(db, now);
  const r = TREND_RANGES[range];
  const trends = serviceTrends(db, { to: now, bucketMs: r.bucketMs, buckets: r.buckets });

  const byService = new Map<string, KindStatus[]>();
  for (const row of listServiceKinds(db)) {
    const st = resolve(row);
    const list = byService.get(row.service) ?? [];
    list.push({ kind: row.kind, status: st.status, until: st.until, count: row.count, firstAt: row.firstAt, lastAt: row.lastAt });
    byService.set(row.service, list);
  }
  const services: ServiceSummary[] = [...byService].map(([service, kinds]) => ({
    service,
    kinds,
    migration: migrationStatus(kinds.filter((k) => k.status !== 'recovered' && k.status !== 'quiet').map((k) => k.kind)),
    status: URGENCY.find((u) => kinds.some((k) => k.status === u)) ?? 'quiet',
    total: kinds.reduce((n, k) => n + k.count, 0),
    lastAt: Math.max(...kinds.map((k) => k.lastAt)),
    trend: trends.get(service) ?? new Array<number>(r.buckets).fill(0),
  }));
  services.sort((a, b) => URGENCY.indexOf(a.status) - URGENCY.indexOf(b.status) || b.lastAt - a.lastAt || a.service.localeCompare(b.service));

  const checkpoints = new Map(checkpointTimes(db).map((c) => [c.sourceId, c.updatedAt]));
  return {
    generatedAt: now,
    daemon: { state: view.state(), startedAt: view.startedAt },
    readiness: readiness(view),
    range,
    services,
    outbox: {
      counts: outboxCounts(db),
      oldestWaitingAt: oldestWaitingAt(db) ?? null,
      dead: latestDead(db, DEAD_SHOWN),
    },
    sources: view.sources().map((s) => ({ ...s, checkpointAt: checkpoints.get(s.id) ?? null })),
  };
}

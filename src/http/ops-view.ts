import type { SourceHealth } from '../contracts.js';
import type { Db } from '../store/db.js';

/** The daemon's lifecycle, as /readyz and the status page show it. */
export type LifecycleState = 'starting' | 'running' | 'draining' | 'stopped';

/** Outcome of the pipeline's latest SQLite commits, for readiness. Times are epoch ms. */
export interface StoreHealth {
  readonly lastCommitAt?: number;
  /** Set while commits fail: when the first failure of the current run of failures happened. */
  readonly failingSince?: number;
  readonly lastError?: string;
}

export interface PartitionLagReading {
  readonly source: string;
  readonly topic: string;
  readonly partition: number;
  /** Messages not yet stored; undefined before the partition's first fetch. */
  readonly lag: number | undefined;
}

/**
 * What the HTTP server reads from the running daemon. The server never reaches into the daemon
 * itself, so it can be tested against a small fake and the daemon can change freely behind it.
 */
export interface OpsView {
  readonly db: Db;
  readonly now: () => number;
  readonly startedAt: number;
  state(): LifecycleState;
  sources(): SourceHealth[];
  store(): StoreHealth;
  kafkaLag(): PartitionLagReading[];
}

import { errorMessage } from '../errors.js';
import { probeWritable } from '../store/status-queries.js';
import type { OpsView } from './ops-view.js';

/**
 * A Kafka source with messages waiting and no batch stored for this long counts as stalled.
 * Milliseconds; default 5 minutes: well beyond a consumer-group rebalance (60 s session +
 * rebalance timeouts) but short enough for an orchestrator to notice a wedged process.
 */
export const DEFAULT_STALL_AFTER_MS = 5 * 60_000;

export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Readiness {
  readonly ready: boolean;
  /** One plain sentence per failed check; empty when ready. */
  readonly reasons: string[];
  readonly checks: ReadinessCheck[];
}

/**
 * Ready means: the daemon is running (not starting or draining), every source is connected and
 * reading, the database takes a write lock, the pipeline's last commit succeeded, and no Kafka
 * partition has messages waiting without progress for `stallAfterMs`.
 */
export function readiness(view: OpsView, stallAfterMs = DEFAULT_STALL_AFTER_MS): Readiness {
  const checks: ReadinessCheck[] = [];
  const state = view.state();
  checks.push({ name: 'daemon', ok: state === 'running', detail: state === 'running' ? 'running' : `the daemon is ${state}` });

  const sources = view.sources();
  for (const s of sources) {
    const ok = s.state === 'running';
    checks.push({ name: `source:${s.id}`, ok, detail: ok ? (s.detail ?? 'running') : `source ${s.id} (${s.type}) is ${s.state}${s.detail ? `: ${s.detail}` : ''}` });
  }

  try {
    probeWritable(view.db);
    checks.push({ name: 'database', ok: true, detail: 'writable' });
  } catch (err) {
    checks.push({ name: 'database', ok: false, detail: `the database is not writable: ${errorMessage(err)}` });
  }

  const store = view.store();
  checks.push(
    store.failingSince === undefined
      ? { name: 'store', ok: true, detail: store.lastCommitAt === undefined ? 'no batch yet' : 'last batch stored' }
      : { name: 'store', ok: false, detail: `batches have failed to store since ${new Date(store.failingSince).toISOString()}: ${store.lastError ?? 'unknown error'}` },
  );

  const now = view.now();
  const lastBatch = new Map(sources.map((s) => [s.id, s.lastBatchAt]));
  for (const p of view.kafkaLag()) {
    if (p.lag === undefined || p.lag === 0) continue;
    const since = lastBatch.get(p.source) ?? view.startedAt;
    if (now - since > stallAfterMs) {
      checks.push({
        name: `stalled:${p.source}:${p.topic}:${p.partition}`,
        ok: false,
        detail: `source ${p.source} has ${p.lag} message(s) waiting on ${p.topic}[${p.partition}] but stored nothing for ${Math.round((now - since) / 1000)} s`,
      });
    }
  }

  const reasons = checks.filter((c) => !c.ok).map((c) => c.detail);
  return { ready: reasons.length === 0, reasons, checks };
}

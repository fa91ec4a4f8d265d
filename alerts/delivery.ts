import type { Clock, Log } from '../src/contracts.js';
import type { Db } from '../src/store/db.js';
import type { OutboxRow } from '../src/store/alerts-outbox.js';
import { RETRY_AFTER_CAP } from './backoff.js';
import { backoffDelay } from '../src/util/backoff.js';
import type { Channel } from './channels/channel.js';
import type { DeliveryConfig } from './config-schema.js';
import { asDeliveryError } from './delivery-error.js';
import type { OutboundMessage } from './prepared.js';
import { Outbox } from './outbox.js';

export interface DeliveryDeps {
  readonly db: Db;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly config: DeliveryConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** Jitter source in [0, 1); injected for tests. */
  readonly random?: () => number;
}

/**
 * Sends outbox rows: claims what is due, sends each through its receiver's channel, and records
 * the outcome (delivered, retry later, or dead letter). A row is marked delivered only after the
 * receiver accepted it, so a crash in between re-sends it on the next start: that is the one
 * case where a receiver can get the same notification twice (same `id`).
 */
export class DeliveryWorker {
  readonly outbox: Outbox;
  private readonly inflight = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly deps: DeliveryDeps) {
    this.outbox = new Outbox(deps.db);
  }

  /** Sends everything due at `now`, up to the concurrency limit; resolves when those finished. */
  async runOnce(now: number = this.deps.clock()): Promise<number> {
    if (this.stop.signal.aborted) return 0;
    const rows = this.outbox.claimDue(now, this.deps.config.concurrency);
    await Promise.all(rows.map((r) => this.track(this.sendOne(r, now))));
    return rows.length;
  }

  /** Waits up to `graceMs` for sends in flight, then aborts the rest (they go back to pending). */
  async close(graceMs: number = this.deps.config.closeGrace): Promise<void> {
    const pending = Promise.allSettled([...this.inflight]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([pending, grace]);
    clearTimeout(timer);
    this.stop.abort(new Error('authwatch is shutting down'));
    await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.deps.channels.values()].map((c) => (c.close ? c.close() : Promise.resolve())));
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  private async sendOne(row: OutboxRow, now: number): Promise<void> {
    const { log, config, clock } = this.deps;
    const fields = { id: row.id, receiver: row.receiver, service: row.service, kind: row.kind, event: row.event, attempt: row.attempts };
    const channel = this.deps.channels.get(row.receiver);
    if (channel === undefined) {
      this.outbox.markDead(row.id, `Receiver ${row.receiver} is no longer configured; add it back and run \`authwatch alerts retry ${row.id}\`.`, now);
      log.error(fields, 'Alert receiver missing; message moved to the dead letter.');
      return;
    }
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(config.timeout)]);
    try {
      await channel.send(JSON.parse(row.payload) as OutboundMessage, signal);
    } catch (err) {
      const e = asDeliveryError(err);
      // Decisions about the next try use the tick's time, so a fake clock in tests stays exact.
      const at = Math.max(now, clock());
      if (!e.retryable) {
        this.outbox.markDead(row.id, e.message, at);
        log.error({ ...fields, error: e.message }, 'Alert delivery refused permanently; message moved to the dead letter.');
      } else if (row.attempts >= config.maxAttempts) {
        this.outbox.markDead(row.id, `Gave up after ${row.attempts} attempts. Last error: ${e.message}`, at);
        log.error({ ...fields, error: e.message }, 'Alert delivery failed too often; message moved to the dead letter.');
      } else {
        const delay = e.retryAfterMs !== undefined ? Math.min(e.retryAfterMs, RETRY_AFTER_CAP) : backoffDelay(row.attempts, { initialMs: config.backoffMin, maxMs: config.backoffMax }, this.deps.random);
        this.outbox.markRetry(row.id, now + delay, e.message, at);
        log.warn({ ...fields, error: e.message, retryInMs: delay }, 'Alert delivery failed; will retry.');
      }
      return;
    }
    this.outbox.markDelivered(row.id, Math.max(now, clock()));
    log.info(fields, 'Alert delivered.');
  }
}

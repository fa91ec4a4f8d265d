import type { Writable } from 'node:stream';
import type { Clock, Log } from '../src/contracts.js';
import type { Db } from '../src/store/db.js';
import { errorMessage } from '../src/errors.js';
import type { Channel } from './channels/channel.js';
import { createChannels } from './channels/registry.js';
import { defaultAlertsConfig, type AlertsConfig } from './config-schema.js';
import { DeliveryWorker } from './delivery.js';
import { AlertPolicy, type PolicyDecision } from './policy.js';
import { compileRouter } from './routing.js';

export { AlertsConfigSchema, CHANNEL_TYPES, type AlertsConfig, type AlertsConfigInput, type ChannelType } from './config-schema.js';
export { alertsConfigFromFlags, FLAG_RECEIVERS, type AlertFlags } from './flags.js';
export { parseDuration, formatDuration } from './duration.js';
export { guideFor, KIND_SUMMARY } from './guides.js';
export type { Notification } from './notification.js';
export type { Channel } from './channels/channel.js';
export type { PolicyDecision } from './policy.js';

export interface AlertingOptions {
  readonly db: Db;
  /** The validated `alerts` section; absent means every default (console receiver only). */
  readonly config?: AlertsConfig | undefined;
  readonly log: Log;
  readonly clock?: Clock;
  /** Where the console receiver writes. Default process.stdout. */
  readonly stdout?: Writable;
  /** Replaces the channels built from the config (tests, previews). */
  readonly channels?: ReadonlyMap<string, Channel>;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export interface Alerting {
  /** Runs the policy and the delivery loop every `evaluateInterval` on an unref'd timer. */
  start(): void;
  /** One policy evaluation and one delivery round at `now`; what the timer does, for tests. */
  tick(now?: number): Promise<void>;
  /** The policy only: decide and queue, without sending. */
  evaluate(now?: number): PolicyDecision[];
  /** Delivery only: send what is due. Resolves with how many rows were tried. */
  deliver(now?: number): Promise<number>;
  /** Stops the timers, lets sends in flight finish within delivery.closeGrace, then stops. */
  close(): Promise<void>;
}

/**
 * The alerting edge the daemon composes: policy (store → decisions → outbox, one transaction
 * per tick) and delivery (outbox → channels). Only one process may run it per database.
 * On the first tick, sends cut off by an earlier crash are queued again.
 */
export function createAlerting(opts: AlertingOptions): Alerting {
  const config = opts.config ?? defaultAlertsConfig();
  const clock = opts.clock ?? Date.now;
  const log = opts.log.child({ component: 'alerts' });
  const channels = opts.channels ?? createChannels(config, { stdout: opts.stdout ?? process.stdout, clock });
  const policy = new AlertPolicy(opts.db, config, compileRouter(config), log);
  const worker = new DeliveryWorker({ db: opts.db, channels, config: config.delivery, clock, log, random: opts.random });

  let recovered = false;
  let state: 'idle' | 'running' | 'draining' | 'stopped' = 'idle';
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const recoverOnce = (now: number): void => {
    if (recovered) return;
    recovered = true;
    const n = worker.outbox.requeueInterrupted(now);
    if (n > 0) log.warn({ count: n }, 'Alert sends interrupted by a stop were queued again; receivers may see them twice (same id).');
  };
  const evaluate = (now: number = clock()): PolicyDecision[] => {
    recoverOnce(now);
    return policy.evaluate(now);
  };
  const deliver = async (now: number = clock()): Promise<number> => {
    recoverOnce(now);
    return worker.runOnce(now);
  };
  const tick = async (now: number = clock()): Promise<void> => {
    try {
      evaluate(now);
    } catch (err) {
      // The transaction rolled back; the same events are looked at again next tick.
      log.error({ stage: 'policy', error: errorMessage(err) }, 'Alert policy evaluation failed; will retry on the next tick.');
    }
    try {
      await deliver(now);
    } catch (err) {
      log.error({ stage: 'delivery', error: errorMessage(err) }, 'Alert delivery round failed; will retry on the next tick.');
    }
  };

  const schedule = (): void => {
    if (state !== 'running') return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, config.evaluateInterval);
    timer.unref();
  };

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      current = tick().finally(schedule);
    },
    tick,
    evaluate,
    deliver,
    async close() {
      if (state === 'stopped' || state === 'draining') return;
      state = 'draining';
      clearTimeout(timer);
      // The worker's close bounds the wait: after the grace period it aborts what is in flight,
      // which also lets the current tick finish.
      await Promise.all([current, worker.close(config.delivery.closeGrace)]);
      state = 'stopped';
    },
  };
}

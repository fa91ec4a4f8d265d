import type { Readable, Writable } from 'node:stream';
import type { Log, Source } from './contracts.js';
import type { Config } from './config/schema.js';
import { createDetector } from '../parsers/index.js';
import { detectorOptions } from './detector-options.js';
import { Pipeline } from './pipeline.js';
import { openDb, type Db } from './store/db.js';
import { EventStore } from './store/events.js';
import { createSources } from './sources/registry.js';
import { createAlerting } from '../alerts/index.js';

export type DaemonState = 'starting' | 'running' | 'draining' | 'stopped';

export interface DaemonOptions {
  readonly config: Readonly<Config>;
  readonly dbPath: string;
  readonly log: Log;
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Time allowed for in-flight batches and deliveries after a stop signal. Milliseconds; default 10000. */
  readonly shutdownGraceMs?: number;
  readonly now?: () => number;
}

/**
 * The long-running monitor: sources feed one pipeline that stores detections with their
 * positions; the alerting loop reads the store. close() drains, then stops.
 */
export class Daemon {
  state: DaemonState = 'starting';
  readonly db: Db;
  readonly sources: readonly Source[];
  readonly pipeline: Pipeline;
  private readonly abort = new AbortController();
  private running: Promise<unknown> = Promise.resolve();
  private readonly alerting;

  constructor(private readonly opts: DaemonOptions) {
    this.db = openDb(opts.dbPath);
    const store = new EventStore(this.db, opts.now);
    this.pipeline = new Pipeline({
      detector: createDetector(detectorOptions(opts.config)),
      store,
      log: opts.log,
      onDetections: (all, fresh) => {
        if (fresh.length > 0) opts.log.debug({ detections: fresh.length, first: { service: fresh[0]?.service, kind: fresh[0]?.kind } }, 'Stored new detections.');
        void all;
      },
    });
    this.sources = createSources(opts.config.sources, { checkpoints: store, log: opts.log, stdin: opts.stdin });
    this.alerting = createAlerting({ db: this.db, config: opts.config.alerts, log: opts.log, clock: opts.now ?? Date.now, stdout: opts.stdout });
  }

  start(): void {
    const { log } = this.opts;
    this.running = Promise.allSettled(
      this.sources.map(async (s) => {
        try {
          await s.run(this.pipeline.sink, this.abort.signal);
        } catch (err) {
          log.error({ source: s.id, err }, 'Source stopped with an error.');
        }
      }),
    );
    this.alerting.start();
    this.state = 'running';
    log.info({ sources: this.sources.map((s) => `${s.type}:${s.id}`), db: this.opts.dbPath }, 'authwatch is running.');
  }

  /** Resolves when every source has ended by itself (e.g. stdin reached its end). */
  get done(): Promise<unknown> {
    return this.running;
  }

  /** Stops the sources, lets in-flight batches commit and deliveries finish, closes the database. */
  async close(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'draining') return;
    this.state = 'draining';
    const grace = this.opts.shutdownGraceMs ?? 10_000;
    this.abort.abort();
    const timedOut = await Promise.race([this.running.then(() => false), delay(grace).then(() => true)]);
    if (timedOut) this.opts.log.warn({ graceMs: grace }, 'Sources did not stop within the grace period; closing anyway.');
    await this.alerting.close();
    this.db.close();
    this.state = 'stopped';
    this.opts.log.info(this.pipeline.stats(), 'authwatch stopped.');
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

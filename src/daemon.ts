import type { Readable, Writable } from 'node:stream';
import type { BatchSink, Log, Source } from './contracts.js';
import type { Config } from './config/schema.js';
import { createDetector } from '../parsers/index.js';
import { detectorOptions } from './detector-options.js';
import { Pipeline } from './pipeline.js';
import { openDb, type Db } from './store/db.js';
import { EventStore } from './store/events.js';
import { createSources } from './sources/registry.js';
import { anyAlertOpen } from './store/alerts-state.js';
import { createAlerting, type Alerting } from '../alerts/index.js';
import { ReportScheduler, storeSilences } from './reports/index.js';
import { outboxReportDelivery } from './reports/outbox-delivery.js';
import { errorMessage } from './errors.js';
import { startHttpServer, type OpsServer } from './http/server.js';
import type { LifecycleState, OpsView, StoreHealth } from './http/ops-view.js';
import { loadOtelApi } from './telemetry/otel-api.js';
import { startTelemetry, type TelemetrySdk } from './telemetry/sdk.js';
import { DetectionTraceIndex, tracing } from './telemetry/tracing.js';
import { buildChannels, opsGauges, opsView } from './daemon-ops.js';

export type DaemonState = LifecycleState;

export interface DaemonHttpOptions {
  /** Default 127.0.0.1. */
  readonly host: string;
  /** 0 picks a free port; the bound one is in `httpUrl`. */
  readonly port: number;
  /** Enables the POST endpoints (ack, mute, unmute, retry); without it they do not exist. */
  readonly token?: string;
}

export interface DaemonOptions {
  readonly config: Readonly<Config>;
  readonly dbPath: string;
  readonly log: Log;
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Time allowed for in-flight batches and deliveries after a stop signal. Milliseconds; default 10000. */
  readonly shutdownGraceMs?: number;
  readonly now?: () => number;
  /** The operations HTTP server (/healthz, /readyz, /metrics, status page); off when absent. */
  readonly http?: DaemonHttpOptions;
  /**
   * When set, console receivers write each alert as a JSON log line through this logger
   * instead of a text block on `stdout` (used when stdout carries JSON logs).
   */
  readonly consoleAlertsLog?: Log;
  /** Removes configured secrets from free text on the status page and in /readyz reasons. */
  readonly scrub?: (s: string) => string;
  /** See http/readiness.ts. Milliseconds; default 300000. */
  readonly stallAfterMs?: number;
  /**
   * Replaces what feeds the store: given the store, the sources and the sink they feed. The
   * aggregate role (src/roles/aggregate-ingest.ts) reads the detections topic this way and keeps
   * alerting, reports and HTTP as they are. Default: the configured sources through the pipeline.
   */
  readonly ingest?: (store: EventStore, log: Log) => { readonly sources: readonly Source[]; readonly sink: BatchSink };
}

/**
 * The long-running monitor: sources feed one pipeline that stores detections with their
 * positions; the alerting loop reads the store. With `http`, an operations server exposes
 * health, readiness, metrics and a status page. close() drains, then stops.
 */
export class Daemon {
  state: DaemonState = 'starting';
  readonly db: Db;
  readonly sources: readonly Source[];
  readonly pipeline: Pipeline;
  /** Base URL of the HTTP server once started, e.g. `http://127.0.0.1:9464`. */
  httpUrl: string | undefined;
  private readonly abort = new AbortController();
  private running: Promise<unknown> = Promise.resolve();
  private readonly alerting: Alerting;
  private readonly reports: ReportScheduler;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly storeHealth: { lastCommitAt?: number; failingSince?: number; lastError?: string } = {};
  private readonly traces = new DetectionTraceIndex();
  private readonly sink: BatchSink;
  private sdk: TelemetrySdk | undefined;
  private server: OpsServer | undefined;
  private unregisterGauges: (() => void) | undefined;

  constructor(private readonly opts: DaemonOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.db = openDb(opts.dbPath);
    const store = new EventStore(this.db, opts.now);
    this.pipeline = new Pipeline({
      detector: createDetector(detectorOptions(opts.config, this.evidenceWanted())),
      store,
      log: opts.log,
      onDetections: (_all, fresh) => {
        if (fresh.length === 0) return;
        opts.log.debug({ detections: fresh.length, first: { service: fresh[0]?.service, kind: fresh[0]?.kind } }, 'Stored new detections.');
        const span = tracing.currentBatchContext();
        if (span) for (const d of fresh) this.traces.remember(d.service, d.kind, span);
      },
    });
    const ingest = opts.ingest?.(store, opts.log);
    this.sink = this.trackStore(ingest?.sink ?? this.pipeline.sink);
    this.sources = ingest?.sources ?? createSources(opts.config.sources, { checkpoints: store, log: opts.log, stdin: opts.stdin });
    const clock = this.now;
    this.alerting = createAlerting({
      db: this.db,
      config: opts.config.alerts,
      log: opts.log,
      clock,
      stdout: opts.stdout,
      channels: buildChannels({ config: opts.config, stdout: opts.stdout, clock, traces: this.traces, consoleAlertsLog: opts.consoleAlertsLog }),
    });
    const receiverTypes = new Map<string, string>([['console', 'console'], ...Object.entries(opts.config.alerts?.receivers ?? {}).map(([name, r]): [string, string] => [name, r.type])]);
    this.reports = new ReportScheduler({
      db: this.db,
      schedules: opts.config.reports,
      delivery: outboxReportDelivery(this.db, receiverTypes, clock),
      log: opts.log,
      clock,
      silences: storeSilences(this.db),
    });
  }

  /**
   * Starts telemetry (when /metrics or OTLP is configured), the HTTP server, the sources and
   * alerting. Rejects, with nothing left running, when the HTTP port cannot be bound.
   */
  async start(): Promise<void> {
    const { log, config } = this.opts;
    // A long-running process: metrics and spans go to whatever provider is registered.
    await loadOtelApi();
    const prometheus = this.opts.http !== undefined && config.telemetry.prometheus;
    if (prometheus || config.telemetry.otlpEndpoint) {
      this.sdk = startTelemetry({ prometheus, ...(config.telemetry.otlpEndpoint && { otlpEndpoint: config.telemetry.otlpEndpoint }) });
      this.unregisterGauges = opsGauges(this.view(), this.sources, this.opts.config);
    }
    if (this.opts.http) {
      try {
        this.server = await startHttpServer({
          ...this.opts.http,
          view: this.view(),
          log: log.child({ component: 'http' }),
          ...(this.sdk?.metricsHandler && { metricsHandler: this.sdk.metricsHandler }),
          ...(this.opts.scrub && { scrub: this.opts.scrub }),
          ...(this.opts.stallAfterMs !== undefined && { stallAfterMs: this.opts.stallAfterMs }),
        });
      } catch (err) {
        await this.stopTelemetry();
        this.db.close();
        this.state = 'stopped';
        throw err;
      }
      this.httpUrl = this.server.url;
      log.info({ address: this.server.url, postEndpoints: this.opts.http.token !== undefined, metrics: prometheus }, 'HTTP server listening.');
    }
    this.running = Promise.allSettled(
      this.sources.map(async (s) => {
        try {
          await s.run(this.sink, this.abort.signal);
        } catch (err) {
          log.error({ source: s.id, err }, 'Source stopped with an error.');
        }
      }),
    );
    this.alerting.start();
    if (this.opts.config.reports.length > 0) this.reports.start();
    this.state = 'running';
    log.info({ sources: this.sources.map((s) => `${s.type}:${s.id}`), db: this.opts.dbPath }, 'authwatch is running.');
  }

  /** Resolves when every source has ended by itself (e.g. stdin reached its end). */
  get done(): Promise<unknown> {
    return this.running;
  }

  /**
   * Drains: stops the sources, lets in-flight batches commit and deliveries finish, then stops
   * the HTTP server (which answers /readyz with 503 "draining" meanwhile), flushes telemetry and
   * closes the database.
   */
  async close(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'draining') return;
    this.state = 'draining';
    const grace = this.opts.shutdownGraceMs ?? 10_000;
    this.abort.abort();
    const timedOut = await Promise.race([this.running.then(() => false), delay(grace).then(() => true)]);
    if (timedOut) this.opts.log.warn({ graceMs: grace }, 'Sources did not stop within the grace period; closing anyway.');
    await this.reports.close();
    await this.alerting.close();
    await this.server?.close();
    await this.stopTelemetry();
    this.db.close();
    this.state = 'stopped';
    this.opts.log.info(this.pipeline.stats(), 'authwatch stopped.');
  }

  /**
   * Recovery evidence (successful sends) is decoded only while some alert is open; the answer is
   * cached for EVIDENCE_RECHECK_MS because the detector asks for every candidate line.
   */
  private evidenceWanted(): () => boolean {
    let checkedAt = -Infinity;
    let open = false;
    return () => {
      const t = this.now();
      if (t - checkedAt >= EVIDENCE_RECHECK_MS) {
        checkedAt = t;
        open = this.db.open && anyAlertOpen(this.db);
      }
      return open;
    };
  }

  /** What the HTTP server and the gauges read. */
  private view(): OpsView {
    return opsView({
      db: this.db,
      now: this.now,
      startedAt: this.startedAt,
      state: () => this.state,
      sources: this.sources,
      store: (): StoreHealth => ({ ...this.storeHealth }),
    });
  }

  /** Records the outcome of each commit, for /readyz. */
  private trackStore(sink: BatchSink): BatchSink {
    return async (batch) => {
      try {
        await sink(batch);
        this.storeHealth.lastCommitAt = this.now();
        delete this.storeHealth.failingSince;
        delete this.storeHealth.lastError;
      } catch (err) {
        this.storeHealth.failingSince ??= this.now();
        this.storeHealth.lastError = errorMessage(err);
        throw err;
      }
    };
  }

  private async stopTelemetry(): Promise<void> {
    this.unregisterGauges?.();
    this.unregisterGauges = undefined;
    await this.sdk?.shutdown();
    this.sdk = undefined;
  }
}

/** How long the answer to "is any alert open?" is reused. Milliseconds. */
const EVIDENCE_RECHECK_MS = 5_000;

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

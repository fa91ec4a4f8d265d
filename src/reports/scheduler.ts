import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import type { Clock, Log } from '../contracts.js';
import { errorMessage } from '../errors.js';
import type { Db } from '../store/db.js';
import { hasReportRun, insertReportRun, registerReportSchedule } from '../store/reports-store.js';
import { buildReport } from './build.js';
import type { ReportScheduleConfig } from './config-schema.js';
import { compileCron, previousFire, type CronSpec } from './cron.js';
import type { ReportDelivery } from './delivery.js';
import { renderReport, type RenderedReport } from './rendered.js';
import { periodForFire } from './schedule-period.js';
import type { SilenceProvider } from './silences.js';
import { zone, type Zone } from './time-zone.js';

/** Something that calls `tick` periodically until stopped. */
export interface Heartbeat {
  stop(): void;
}

export interface ReportSchedulerOptions {
  readonly db: Db;
  readonly schedules: readonly ReportScheduleConfig[];
  readonly delivery: ReportDelivery;
  readonly log: Log;
  /** Default Date.now. */
  readonly clock?: Clock;
  /** Acks and mutes for the statuses; default none. */
  readonly silences?: SilenceProvider;
  /** Put after `[authwatch]` in mail subjects. */
  readonly subjectPrefix?: string;
  /**
   * Starts the periodic trigger. Default: a node-cron task at second 0 of every minute, so a
   * report goes out within a second of its minute (6-field expressions with seconds: within
   * the minute). Tests pass their own and call tick() with a fake clock.
   */
  readonly heartbeat?: (tick: () => void) => Heartbeat;
}

/** One report the scheduler sent (recorded and queued). */
export interface SentReport {
  readonly schedule: string;
  readonly fireAt: number;
  readonly since: number;
  readonly until: number;
  readonly receivers: readonly string[];
  readonly message: RenderedReport;
}

interface Entry {
  readonly config: ReportScheduleConfig;
  readonly spec: CronSpec;
  readonly zone: Zone;
  /** Fire times before this are never sent: before the schedule existed or, without catch-up, before this start. Epoch ms. */
  floor: number;
}

const nodeCronHeartbeat = (tick: () => void): Heartbeat => {
  const task = cron.schedule('* * * * *', tick, { name: 'authwatch-reports', noOverlap: true });
  return { stop: () => void task.destroy() };
};

/**
 * Runs the report schedules. Level-triggered: every tick looks at each schedule's most recent
 * fire time and sends its report unless the database says it was sent, so a late or lost tick
 * is made up by the next one, and a restart sends the one missed report (catch-up) and no more.
 *
 * Sending = in one transaction, insert the run (UNIQUE schedule + period) and enqueue the
 * rendered report per receiver; a period already recorded is never queued again.
 */
export class ReportScheduler {
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly entries: Entry[];
  private heartbeat: Heartbeat | undefined;
  private state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(private readonly opts: ReportSchedulerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log.child({ component: 'reports' });
    this.entries = opts.schedules.map((config) => ({ config, spec: compileCron(config.cron), zone: zone(config.timezone), floor: Infinity }));
  }

  /** Registers the schedules, sends what was missed (catch-up), then starts the heartbeat. */
  start(): SentReport[] {
    if (this.state !== 'idle') return [];
    this.state = 'running';
    const now = this.clock();
    for (const e of this.entries) {
      const registeredAt = registerReportSchedule(this.opts.db, e.config.name, now);
      e.floor = e.config.catchUp ? registeredAt : Math.max(registeredAt, now);
    }
    const sent = this.tick(now);
    this.heartbeat = (this.opts.heartbeat ?? nodeCronHeartbeat)(() => {
      this.tick();
    });
    return sent;
  }

  /**
   * Sends every report due at `now`. A failing schedule is logged and tried again on the next
   * tick; it does not hold up the others.
   */
  tick(now: number = this.clock()): SentReport[] {
    if (this.state !== 'running') return [];
    const sent: SentReport[] = [];
    for (const e of this.entries) {
      try {
        const s = this.runDue(e, now);
        if (s !== undefined) sent.push(s);
      } catch (err) {
        this.log.error({ schedule: e.config.name, stage: 'reports', error: errorMessage(err) }, 'Scheduled report failed; will retry on the next tick.');
      }
    }
    return sent;
  }

  /** Stops the heartbeat. A tick runs synchronously, so nothing is left in flight. */
  async close(): Promise<void> {
    this.state = 'stopped';
    this.heartbeat?.stop();
    this.heartbeat = undefined;
  }

  private runDue(e: Entry, now: number): SentReport | undefined {
    const { db } = this.opts;
    const fire = previousFire(e.spec, e.zone, now);
    if (fire === undefined || fire.at < e.floor) return undefined;
    const period = periodForFire(db, e.config, e.spec, e.zone, fire);
    if (period === undefined || hasReportRun(db, e.config.name, period.since, period.until)) return undefined;

    const report = buildReport(db, { ...period, timeZone: e.config.timezone, now, silences: this.opts.silences, schedule: e.config.name });
    const message = renderReport(report, { formats: e.config.formats, subjectPrefix: this.opts.subjectPrefix });
    const receivers = e.config.receivers;
    const recorded = db.transaction(() => {
      const fresh = insertReportRun(db, { schedule: e.config.name, periodStart: period.since, periodEnd: period.until, fireAt: fire.at, createdAt: now, receivers, events: report.totals.count });
      if (!fresh) return false;
      for (const r of receivers) this.opts.delivery.enqueue(r, message);
      return true;
    }).immediate();
    if (!recorded) return undefined;
    if (e.config.outDir !== undefined) this.writeFiles(e.config.outDir, message);
    this.log.info({ schedule: e.config.name, since: message.period.since, until: message.period.until, receivers, events: report.totals.count }, 'Scheduled report queued.');
    return { schedule: e.config.name, fireAt: fire.at, ...period, receivers, message };
  }

  /** Writes each file through a temporary name, so a reader never sees half a report. */
  private writeFiles(dir: string, message: RenderedReport): void {
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of message.files) {
        const path = join(dir, f.filename);
        writeFileSync(`${path}.tmp`, f.content);
        renameSync(`${path}.tmp`, path);
      }
    } catch (err) {
      // The report is recorded and queued; a file that cannot be written is not retried.
      this.log.error({ dir, error: errorMessage(err) }, 'Cannot write report files to outDir.');
    }
  }
}

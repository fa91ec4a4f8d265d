import type { Kind } from '../contracts.js';
import type { MigrationStatus } from '../store/service-status.js';

export type { MigrationStatus } from '../store/service-status.js';

/** Bumped when a field of the report (or its JSON form) changes meaning or goes away. */
export const REPORT_VERSION = 1;

/**
 * Where a service stands in the period. `new`: first seen (ever) in this period; `ongoing`:
 * failing now and seen before; `recovered`: failed in the previous period, not in this one;
 * `acknowledged` / `muted`: failing, with an ack or a mute in force at the end of the period.
 */
export const SERVICE_STATUSES = ['new', 'ongoing', 'recovered', 'acknowledged', 'muted'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** The status before silences are taken into account. */
export type Lifecycle = 'new' | 'ongoing' | 'recovered';

/** Series granularity: hourly for periods up to 48 hours, daily beyond. */
export type Granularity = 'hour' | 'day';

/** Change against the previous period of equal length. */
export interface Change {
  readonly absolute: number;
  /** Percent, one decimal; null when the previous period had none (growth from zero). */
  readonly percent: number | null;
}

export interface KindCount {
  readonly kind: Kind;
  /** `sendgrid`, or the provider the logs name; only SendGrid's kinds carry an upgrade guide. */
  readonly provider: string;
  readonly count: number;
  readonly previous: number;
}

export interface HostCount {
  readonly host: string;
  readonly count: number;
}

/** The upgrade guide of a kind a service still fails with. */
export interface GuideRef {
  readonly kind: Kind;
  readonly title: string;
  /** The CLI command that prints it. */
  readonly command: string;
  /** File name under which email reports attach it. */
  readonly attachment: string;
}

export interface ServiceReport {
  /** Log-derived: every renderer escapes it for its medium. */
  readonly service: string;
  readonly status: ServiceStatus;
  readonly lifecycle: Lifecycle;
  readonly silence: 'ack' | 'mute' | null;
  /**
   * Where the service stands in the move to API keys, from its kinds in the period: `rejected`,
   * `basic-auth` (still using Basic auth, not yet rejected) or `clean` (see migrationStatus).
   */
  readonly migration: MigrationStatus;
  /** Kinds seen in either period, with their counts. */
  readonly kinds: readonly KindCount[];
  readonly count: number;
  readonly previous: number;
  readonly change: Change;
  /** First and last rejection ever stored for the service. Epoch ms, log time. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Hosts with the most events in the period (log-derived), most first. */
  readonly topHosts: readonly HostCount[];
  /** Guides for the kinds still failing in the period; empty once recovered. */
  readonly guides: readonly GuideRef[];
}

export interface KindTotal {
  readonly kind: Kind;
  readonly count: number;
  readonly previous: number;
  readonly change: Change;
  /** Services with at least one event of the kind in the period. */
  readonly services: number;
}

export interface Bucket {
  /** Start (inclusive) and end (exclusive); the first and last may be cut by the period. Epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Local label: `2025-03-30` (day) or `2025-03-30 14:00` (hour). The hour clocks repeat is one two-hour bucket; a skipped hour has none. */
  readonly label: string;
}

export interface Series {
  readonly granularity: Granularity;
  readonly buckets: readonly Bucket[];
  /** One line per service with events in the period, most events first; counts align with buckets. */
  readonly services: ReadonlyArray<{ readonly service: string; readonly counts: readonly number[] }>;
}

export interface Report {
  readonly version: typeof REPORT_VERSION;
  /** The schedule that produced it, or null for `authwatch report`. */
  readonly schedule: string | null;
  readonly period: {
    /** [since, until), epoch ms. */
    readonly since: number;
    readonly until: number;
    /** Start of the previous period of equal length, which ends at `since`. */
    readonly previousSince: number;
    /** IANA zone for dates and buckets. */
    readonly timeZone: string;
  };
  readonly generatedAt: number;
  readonly totals: {
    readonly count: number;
    readonly previous: number;
    readonly change: Change;
    /** Services failing in the period. */
    readonly failing: number;
    /** Services per migration status, so the move's progress shows at a glance. */
    readonly migration: Readonly<Record<MigrationStatus, number>>;
    readonly byKind: readonly KindTotal[];
  };
  /** Failing services by count (most first), then the recovered ones by name. */
  readonly services: readonly ServiceReport[];
  readonly newServices: readonly string[];
  readonly recoveredServices: readonly string[];
  readonly series: Series;
  /** Every kind still failing somewhere, for attachments and a guides section. */
  readonly guides: readonly GuideRef[];
}

export const isEmptyReport = (r: Report): boolean => r.totals.count === 0;

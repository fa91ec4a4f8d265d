import { SLOT_MS, type SlotCount, type SlotSize } from '../store/reports-store.js';
import type { Bucket, Granularity, Series } from './model.js';
import type { Zone } from './time-zone.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Periods up to this long get hourly buckets. Milliseconds; 48 h. */
export const HOURLY_UP_TO = 48 * HOUR;

export const granularityFor = (since: number, until: number): Granularity => (until - since <= HOURLY_UP_TO ? 'hour' : 'day');

/**
 * Local calendar buckets covering [since, until): whole local days or hours, the first and
 * last cut to the period. Boundaries are local midnights (or hours) mapped to instants, so a
 * day is 23 or 25 hours long across a DST change.
 */
export function buckets(zone: Zone, since: number, until: number, granularity: Granularity): Bucket[] {
  const step = granularity === 'day' ? DAY : HOUR;
  const first = zone.wall(since);
  let wall = first - (((first % step) + step) % step);
  const out: Bucket[] = [];
  while (zone.instant(wall) < until) {
    const start = Math.max(since, zone.instant(wall));
    const end = Math.min(until, zone.instant(wall + step));
    if (end > start) {
      const label = new Date(wall).toISOString();
      out.push({ start, end, label: granularity === 'day' ? label.slice(0, 10) : `${label.slice(0, 10)} ${label.slice(11, 16)}` });
    }
    wall += step;
  }
  return out;
}

/**
 * The slot size that lines up with the zone's local hours over the period: an hour when the
 * offset is a whole number of hours throughout (sampled daily and at both ends), else a
 * quarter hour.
 */
export function slotSizeFor(zone: Zone, since: number, until: number): SlotSize {
  for (let t = since; ; t = Math.min(until, t + DAY)) {
    if (zone.offset(t) % HOUR !== 0) return SLOT_MS.quarter;
    if (t === until) return SLOT_MS.hour;
  }
}

/**
 * Folds per-slot counts into the buckets. Bucket boundaries are local hours, which fall on
 * slot boundaries (slotSizeFor), so no slot straddles two buckets; the cut first and last
 * buckets take the slots they overlap.
 */
export function foldSeries(granularity: Granularity, bs: readonly Bucket[], slots: readonly SlotCount[], slotMs: SlotSize): Series {
  const byService = new Map<string, number[]>();
  for (const s of slots) {
    let counts = byService.get(s.service);
    if (counts === undefined) byService.set(s.service, (counts = bs.map(() => 0)));
    const i = bucketIndex(bs, s.slot * slotMs);
    counts[i] = (counts[i] ?? 0) + s.count;
  }
  const total = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  const services = [...byService]
    .map(([service, counts]) => ({ service, counts }))
    .sort((a, b) => total(b.counts) - total(a.counts) || compareText(a.service, b.service));
  return { granularity, buckets: bs, services };
}

/** Index of the last bucket starting at or before `t`; 0 for earlier times. */
function bucketIndex(bs: readonly Bucket[], t: number): number {
  let lo = 0;
  let hi = bs.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((bs[mid]?.start ?? Infinity) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Plain code-unit order: stable across machines and locales. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Time-zone arithmetic on top of Intl, for bucketing and cron matching in IANA zones.
 *
 * A "wall time" here is a local date and time encoded as if it were UTC: Date.UTC(y, m, d, h, mi)
 * of the local fields. Wall times are plain numbers, so calendar steps (next day, previous
 * minute) are integer arithmetic and UTC getters read the fields back.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** True when Intl knows the zone name (e.g. `Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The fields of a wall time. `weekday` is 0 for Sunday. */
export interface WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

export function wallFields(wall: number): WallFields {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/** Days in a month (1-12) of a year. */
export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * One IANA zone. Offsets are looked up through Intl once per quarter hour of UTC time and
 * cached: every offset in use today is a multiple of 15 minutes, and so are the transitions.
 */
export class Zone {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly name: string) {
    if (!isTimeZone(name)) throw new RangeError(`"${name}" is not a time zone Intl knows; expected an IANA name such as UTC or Europe/Berlin.`);
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at an instant. Milliseconds (Berlin in summer: 7_200_000). */
  offset(instant: number): number {
    const slot = Math.floor(instant / (15 * MINUTE));
    const hit = this.cache.get(slot);
    if (hit !== undefined) return hit;
    const at = slot * 15 * MINUTE;
    const f: Record<string, number> = {};
    for (const p of this.format.formatToParts(at)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    const wall = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0);
    const off = wall - at;
    // Bounded: a long-running daemon only ever needs the recent quarter hours.
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(slot, off);
    return off;
  }

  /** The wall time at an instant. */
  wall(instant: number): number {
    return instant + this.offset(instant);
  }

  /**
   * The instant a wall time names. A wall time that occurs twice (clocks going back) gives the
   * first occurrence; one that does not occur (clocks going forward) gives the instant the
   * clocks jumped, i.e. the first existing local time after it. Both keep the mapping
   * non-decreasing, which the cron walk relies on.
   */
  instant(wall: number): number {
    const before = this.offset(wall - DAY);
    const after = this.offset(wall + DAY);
    const hits = [wall - before, wall - after].filter((t) => this.offset(t) === wall - t);
    if (hits.length > 0) return Math.min(...hits);
    // In a gap: the transition lies between the two readings, on a quarter-hour boundary.
    const q = 15 * MINUTE;
    let lo = Math.floor((wall - Math.max(before, after)) / q);
    let hi = Math.ceil((wall - Math.min(before, after)) / q);
    const late = this.offset(hi * q);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid * q) === late) hi = mid;
      else lo = mid;
    }
    return hi * q;
  }

  /** Start of the local day holding an instant. */
  startOfDay(instant: number): number {
    const w = this.wall(instant);
    return this.instant(w - (((w % DAY) + DAY) % DAY));
  }

  /** Start of the local hour holding an instant (local hours may start at :30 or :45 UTC). */
  startOfHour(instant: number): number {
    const w = this.wall(instant);
    return this.instant(w - (((w % 3_600_000) + 3_600_000) % 3_600_000));
  }

  /** `YYYY-MM-DD HH:mm` local, the form reports print times in. */
  formatMinute(instant: number): string {
    return new Date(this.wall(instant)).toISOString().slice(0, 16).replace('T', ' ');
  }

  /** `YYYY-MM-DD` local. */
  formatDate(instant: number): string {
    return new Date(this.wall(instant)).toISOString().slice(0, 10);
  }

  /** `+01:00`, `-03:30`, `Z` for UTC: the offset at an instant. */
  formatOffset(instant: number): string {
    const off = this.offset(instant);
    if (off === 0) return 'Z';
    const m = Math.abs(off) / MINUTE;
    return `${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }
}

const zones = new Map<string, Zone>();

/** A shared Zone per name (throws RangeError for an unknown name). */
export function zone(name: string): Zone {
  let z = zones.get(name);
  if (z === undefined) {
    z = new Zone(name);
    zones.set(name, z);
  }
  return z;
}

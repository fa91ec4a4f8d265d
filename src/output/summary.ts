import type { Detection, Kind } from '../contracts.js';
import { eventTime } from '../store/events.js';

/** Hosts kept per service in a summary; the rest are counted, not listed. */
const MAX_HOSTS = 5;

export interface ServiceSummary {
  service: string;
  kinds: Record<string, number>;
  providers: string[];
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
  hosts: string[];
  moreHosts: number;
}

/** Groups detections by service in memory: bounded by services × kinds, not by detections. */
export class SummaryBuilder {
  private readonly byService = new Map<string, ServiceSummary & { hostSet: Set<string> }>();

  add(d: Detection): void {
    let s = this.byService.get(d.service);
    if (!s) {
      s = { service: d.service, kinds: {}, providers: [], count: 0, firstSeen: null, lastSeen: null, hosts: [], moreHosts: 0, hostSet: new Set() };
      this.byService.set(d.service, s);
    }
    s.kinds[d.kind] = (s.kinds[d.kind] ?? 0) + 1;
    if (!s.providers.includes(d.provider)) s.providers.push(d.provider);
    s.count++;
    const at = d.ts === null ? null : eventTime(d.ts, NaN);
    if (at !== null && Number.isFinite(at)) {
      s.firstSeen = s.firstSeen === null ? at : Math.min(s.firstSeen, at);
      s.lastSeen = s.lastSeen === null ? at : Math.max(s.lastSeen, at);
    }
    const host = d.host ?? d.source;
    if (!s.hostSet.has(host)) {
      if (s.hostSet.size < MAX_HOSTS) s.hostSet.add(host);
      else s.moreHosts++;
    }
  }

  /** Services with the most detections first. */
  build(): ServiceSummary[] {
    return [...this.byService.values()]
      .map(({ hostSet, ...s }) => ({ ...s, hosts: [...hostSet] }))
      .sort((a, b) => b.count - a.count || a.service.localeCompare(b.service));
  }

  kindsSeen(): Kind[] {
    const kinds = new Set<Kind>();
    for (const s of this.byService.values()) for (const k of Object.keys(s.kinds)) kinds.add(k as Kind);
    return [...kinds].sort();
  }
}

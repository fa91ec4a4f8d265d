import type { ActivityMessage } from './activity-message.js';

export interface ActivityGroup {
  readonly subuser: string | null;
  readonly fromEmail: string | null;
  /** The message's categories joined with `,`, or null. */
  readonly category: string | null;
  count: number;
  firstAt: string | null;
  lastAt: string | null;
}

/**
 * Counts messages sent without an API key per (subuser, from address, categories): the fields
 * an export may carry that point at the sending code. Bounded by distinct groups, not messages.
 */
export class ActivityGrouper {
  private readonly groups = new Map<string, ActivityGroup>();

  add(m: ActivityMessage): void {
    const category = m.categories.length > 0 ? [...m.categories].sort().join(',') : null;
    const key = JSON.stringify([m.subuser, m.fromEmail, category]);
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { subuser: m.subuser, fromEmail: m.fromEmail, category, count: 0, firstAt: null, lastAt: null };
      this.groups.set(key, g);
    }
    g.count++;
    const t = m.lastEventTime;
    if (t !== null) {
      if (g.firstAt === null || t < g.firstAt) g.firstAt = t;
      if (g.lastAt === null || t > g.lastAt) g.lastAt = t;
    }
  }

  /** Largest groups first. */
  build(): ActivityGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || (a.fromEmail ?? '').localeCompare(b.fromEmail ?? ''));
  }
}

import type { AlertStateName, AlertStateRow, EventGroup } from '../src/store/alerts-state.js';

/**
 * The per (service, kind) alert lifecycle, in the spirit of Alertmanager:
 *
 *   (none) ──events──▶ pending ──groupWait elapsed and threshold met──▶ firing ──▶ resolved
 *                        │                                               │  ▲        │
 *                        └─ quiet / evidence (nothing was sent) ─▶ resolved  └repeat   └─events─▶ pending
 *
 * `pending → pending` and `firing → firing` are updates within a state (new events, a reminder).
 */
export const ALERT_NEXT: Readonly<Record<AlertStateName | 'none', readonly AlertStateName[]>> = {
  none: ['pending'],
  pending: ['pending', 'firing', 'resolved'],
  firing: ['firing', 'resolved'],
  resolved: ['pending', 'resolved'],
};

export function assertAlertMove(from: AlertStateName | 'none', to: AlertStateName, what: string): void {
  if (!ALERT_NEXT[from].includes(to)) throw new Error(`Illegal alert state move ${from} → ${to} for ${what}; allowed: ${ALERT_NEXT[from].join(', ') || 'none'}.`);
}

/** What a decision tells the owners. */
export const NOTIFY_EVENTS = ['firing', 'repeat', 'resolved'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** How an alert ended; said in the resolved notification. */
export type ResolvedBy = 'evidence' | 'quiet-period';

export interface PolicyTimings {
  /** Milliseconds from an episode's first event to its first notification; default 30 s. */
  readonly groupWait: number;
  /** Least milliseconds between notifications while events keep coming; default 4 h. */
  readonly repeatInterval: number;
  /** Milliseconds without a new event after which the alert resolves; default 1 h. */
  readonly resolveAfter: number;
}

/** Folds new events into a state: the start of an episode, or more of the current one. */
export function applyEvents(prev: AlertStateRow | undefined, g: EventGroup, now: number): AlertStateRow {
  if (prev === undefined || prev.state === 'resolved') {
    return {
      service: g.service,
      kind: g.kind,
      state: 'pending',
      episode: (prev?.episode ?? 0) + 1,
      since: now,
      firstSeenAt: now,
      lastSeenAt: now,
      firstEventId: g.firstId,
      lastEventId: g.lastId,
      firstEventAt: g.firstAt,
      lastEventAt: g.lastAt,
      episodeCount: g.count,
      windowCount: g.count,
      windowStart: now,
      notifiedAt: null,
      resolvedBy: null,
      evidence: null,
      evidenceAt: null,
    };
  }
  return {
    ...prev,
    lastSeenAt: now,
    lastEventId: Math.max(prev.lastEventId, g.lastId),
    lastEventAt: Math.max(prev.lastEventAt, g.lastAt),
    episodeCount: prev.episodeCount + g.count,
    windowCount: prev.windowCount + g.count,
    // A rejection after the evidence shows the service is not fixed (yet).
    evidence: null,
    evidenceAt: null,
  };
}

/**
 * Notes recovery evidence on an active alert when it is not older than the last rejection.
 * It resolves the alert only if no rejection follows within groupWait (see advance), so one
 * fixed host among several broken ones does not make the alert flap.
 */
export function applyEvidence(row: AlertStateRow, ev: { at: number; evidence: string }, now: number): AlertStateRow {
  if (row.state === 'resolved' || ev.at < row.lastEventAt) return row;
  return { ...row, evidence: ev.evidence, evidenceAt: now };
}

export interface AdvanceInput {
  readonly now: number;
  /** The strongest silence in force for this (service, kind). */
  readonly silence: 'mute' | 'ack' | null;
  /** Whether the optional threshold is met; asked only when it matters. */
  readonly thresholdMet: () => boolean;
}

export interface Step {
  readonly row: AlertStateRow;
  readonly notify: NotifyEvent | null;
}

/** Applies the timers to an active alert: group wait, repeat, evidence, quiet period. */
export function advance(row: AlertStateRow, t: PolicyTimings, input: AdvanceInput): Step {
  const { now, silence } = input;
  if (row.state === 'resolved') return { row, notify: null };

  const byEvidence = row.evidenceAt !== null && now - row.evidenceAt >= t.groupWait;
  const quiet = now - row.lastSeenAt >= t.resolveAfter;
  if (byEvidence || quiet) {
    const resolved: AlertStateRow = { ...row, state: 'resolved', since: now, resolvedBy: byEvidence ? 'evidence' : 'quiet-period' };
    // Tell only those who were told it was firing; a mute keeps the whole alert quiet.
    const notify = row.state === 'firing' && row.notifiedAt !== null && silence !== 'mute' ? 'resolved' : null;
    return { row: resolved, notify };
  }

  if (row.state === 'pending') {
    if (now - row.firstSeenAt < t.groupWait || !input.thresholdMet()) return { row, notify: null };
    const firing: AlertStateRow = { ...row, state: 'firing', since: now };
    if (silence !== null) return { row: firing, notify: null };
    return { row: notified(firing, now), notify: 'firing' };
  }

  // firing
  if (silence !== null) return { row, notify: null };
  if (row.notifiedAt === null) return { row: notified(row, now), notify: 'firing' };
  if (row.windowCount > 0 && now - row.notifiedAt >= t.repeatInterval) return { row: notified(row, now), notify: 'repeat' };
  return { row, notify: null };
}

/** Marks a notification decided; the notification itself carries the window it reports. */
function notified(row: AlertStateRow, now: number): AlertStateRow {
  return { ...row, notifiedAt: now };
}

/** Starts a fresh count window after a notification has been built from the old one. */
export function resetWindow(row: AlertStateRow, now: number): AlertStateRow {
  return { ...row, windowCount: 0, windowStart: now };
}

import type { Db } from '../src/store/db.js';
import type { Log } from '../src/contracts.js';
import { KIND_CHANNEL, REJECTION_KINDS, type RejectionKind } from '../src/contracts.js';
import {
  activeAlertStates,
  countEventsBetween,
  episodeFacts,
  getAlertState,
  newEventGroups,
  readCursor,
  saveAlertState,
  writeCursor,
  type AlertStateRow,
} from '../src/store/alerts-state.js';
import { evidenceAfter } from '../src/store/alerts-evidence.js';
import { endAcksOnResolve, silencesFor, type Silence } from '../src/store/alerts-silences.js';
import { enqueueOutbox, type NewOutboxRow } from '../src/store/alerts-outbox.js';
import type { AlertsConfig } from './config-schema.js';
import { buildNotification, type Notification } from './notification.js';
import { advance, applyEvents, applyEvidence, assertAlertMove, resetWindow, type NotifyEvent } from './policy-states.js';
import type { Router } from './routing.js';

/** Most events and evidence rows folded in per tick, so a large backlog cannot stall the loop. */
const BATCH = 10_000;

export interface PolicyDecision {
  readonly service: string;
  readonly kind: string;
  readonly event: NotifyEvent;
  readonly notification: Notification;
  readonly receivers: readonly string[];
}

/**
 * Reads what is new in the store (events, recovery evidence, the clock), moves each
 * (service, kind) through its state machine, and writes the new states, the outbox rows they
 * create and the read cursor in ONE transaction: a crash leaves either all of it or none.
 */
export class AlertPolicy {
  constructor(
    private readonly db: Db,
    private readonly config: AlertsConfig,
    private readonly route: Router,
    private readonly log: Log,
  ) {}

  evaluate(now: number): PolicyDecision[] {
    return this.db.transaction(() => this.evaluateInTransaction(now)).immediate();
  }

  private evaluateInTransaction(now: number): PolicyDecision[] {
    const db = this.db;
    const cursor = readCursor(db);
    const before = new Map<string, AlertStateRow>();
    const rows = new Map<string, AlertStateRow>();
    for (const r of activeAlertStates(db)) {
      before.set(key(r.service, r.kind), r);
      rows.set(key(r.service, r.kind), r);
    }

    const { groups, upTo } = newEventGroups(db, cursor.lastEventId, BATCH);
    let stale = 0;
    for (const g of groups) {
      const k = key(g.service, g.kind);
      if (!before.has(k)) {
        const stored = getAlertState(db, g.service, g.kind);
        if (stored !== undefined) before.set(k, stored);
      }
      const current = rows.get(k) ?? before.get(k);
      // Events stored longer ago than the quiet period (e.g. by a `scan` before the daemon first
      // ran) are history: they count in the totals but do not open a new alert.
      if ((current === undefined || current.state === 'resolved') && g.lastStoredAt <= now - this.config.resolveAfter) {
        stale += g.count;
        continue;
      }
      rows.set(k, applyEvents(current, g, now));
    }
    if (stale > 0) this.log.info({ events: stale }, 'Old stored events seen for the first time; no alert opened for them.');

    const evidence = evidenceAfter(db, cursor.lastEvidenceId, BATCH);
    for (const ev of evidence) {
      for (const [k, row] of rows) {
        if (row.service !== ev.service || !evidenceCovers(ev, row.kind)) continue;
        rows.set(k, applyEvidence(row, ev, now));
      }
    }

    const silences = silencesFor(db, { now });
    const decisions: PolicyDecision[] = [];
    for (const [k, row] of rows) {
      const prev = before.get(k);
      const step = advance(row, this.config, {
        now,
        silence: strongestSilence(silences, row.service, row.kind),
        thresholdMet: () => this.thresholdMet(row),
      });
      let next = step.row;
      if (step.notify !== null) {
        const decision = this.decide(next, step.notify, now);
        decisions.push(decision);
        next = resetWindow(next, now);
      }
      if (next === prev) continue;
      const what = `${row.service}/${row.kind}`;
      // With groupWait 0 a new episode goes none → pending → firing in one tick: check each step.
      if (row !== prev) assertAlertMove(prev?.state ?? 'none', row.state, what);
      assertAlertMove(row.state, next.state, what);
      if (!saveAlertState(db, next, prev === undefined ? undefined : { state: prev.state, episode: prev.episode })) {
        // Only one process evaluates alerts; a mismatch means a second one is running.
        throw new Error(`The alert state of ${what} changed under this process; is a second authwatch daemon using the same database?`);
      }
      if (next.state === 'resolved' && prev?.state !== 'resolved') endAcksOnResolve(db, next.service, next.kind, now);
    }

    const lastEvidenceId = evidence.at(-1)?.id ?? cursor.lastEvidenceId;
    writeCursor(db, { lastEventId: upTo, lastEvidenceId, evaluatedAt: now });
    return decisions;
  }

  /** Builds the notification and queues one outbox row per receiver (inside the transaction). */
  private decide(row: AlertStateRow, event: NotifyEvent, now: number): PolicyDecision {
    const facts = episodeFacts(this.db, row.service, row.kind, row.firstEventId);
    const notification = buildNotification(row, event, facts, now);
    const receivers = this.route(row.service, notification.kind);
    const payload = JSON.stringify(notification);
    const outbox: NewOutboxRow[] = receivers.map((r) => ({
      decision: notification.id,
      service: row.service,
      kind: row.kind,
      event,
      receiver: r.name,
      channelType: r.type,
      payload,
    }));
    enqueueOutbox(this.db, outbox, now);
    this.log.info({ service: row.service, kind: row.kind, event, receivers: receivers.map((r) => r.name), id: notification.id }, 'Alert decided; notifications queued.');
    return { service: row.service, kind: row.kind, event, notification, receivers: receivers.map((r) => r.name) };
  }

  private thresholdMet(row: AlertStateRow): boolean {
    const t = this.config.threshold;
    if (t === undefined) return true;
    return countEventsBetween(this.db, row.service, row.kind, row.lastEventAt - t.window, row.lastEventAt) >= t.count;
  }
}

const key = (service: string, kind: string): string => `${kind}\u0000${service}`;

/**
 * Evidence without a kind clears the rejections of its channel (of the service when it has no
 * channel either), never `basic_auth_in_use`: a successful send says nothing about whether the
 * password is still in use, so that risk ends by its quiet period.
 */
function evidenceCovers(ev: { kind: string | null; channel: string | null }, kind: string): boolean {
  if (ev.kind !== null) return ev.kind === kind;
  if (!isRejectionKind(kind)) return false;
  if (ev.channel !== null) return KIND_CHANNEL[kind] === ev.channel;
  return true;
}

const isRejectionKind = (kind: string): kind is RejectionKind => (REJECTION_KINDS as readonly string[]).includes(kind);

/** A mute outranks an ack; a silence for every kind (kind null) covers this one. */
export function strongestSilence(silences: readonly Silence[], service: string, kind: string): 'mute' | 'ack' | null {
  let found: 'mute' | 'ack' | null = null;
  for (const s of silences) {
    if (s.service !== service || (s.kind !== null && s.kind !== kind)) continue;
    if (s.type === 'mute') return 'mute';
    found = 'ack';
  }
  return found;
}

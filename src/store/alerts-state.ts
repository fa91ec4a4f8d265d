import type { Db } from './db.js';

/** Per (service, kind) alert state; the legal moves are in alerts/policy-states.ts. */
export type AlertStateName = 'pending' | 'firing' | 'resolved';

export interface AlertStateRow {
  readonly service: string;
  readonly kind: string;
  readonly state: AlertStateName;
  /** Starts at 1; a new episode begins when events come after `resolved`. */
  readonly episode: number;
  /** When the current state was entered. Epoch ms, clock time. */
  readonly since: number;
  /** When the policy first and last saw new events of this episode. Epoch ms, clock time. */
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly firstEventId: number;
  readonly lastEventId: number;
  /** Log time of the episode's first and last events. Epoch ms. */
  readonly firstEventAt: number;
  readonly lastEventAt: number;
  /** Events in the episode, and since the last notification (or the episode start). */
  readonly episodeCount: number;
  readonly windowCount: number;
  /** Clock time the current count window began: the episode start or the last notification. */
  readonly windowStart: number;
  /** Last notification decided for this episode (sent or suppressed by a silence: null). */
  readonly notifiedAt: number | null;
  /** `evidence` or `quiet-period` once resolved. */
  readonly resolvedBy: string | null;
  /** Recovery evidence seen and not contradicted by a later rejection (yet), and when. */
  readonly evidence: string | null;
  readonly evidenceAt: number | null;
}

export interface AlertCursor {
  /** Highest events.id the policy has taken into account. */
  readonly lastEventId: number;
  /** Highest recovery_evidence.id the policy has taken into account. */
  readonly lastEvidenceId: number;
  readonly evaluatedAt: number;
}

/** New events of one (service, kind) since the cursor. Times are log time, epoch ms. */
export interface EventGroup {
  readonly service: string;
  readonly kind: string;
  readonly count: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly firstAt: number;
  readonly lastAt: number;
  /** When the newest of them was stored; clock time, epoch ms. */
  readonly lastStoredAt: number;
}

const COLUMNS = `service, kind, state, episode, since, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt,
  first_event_id AS firstEventId, last_event_id AS lastEventId, first_event_at AS firstEventAt, last_event_at AS lastEventAt,
  episode_count AS episodeCount, window_count AS windowCount, window_start AS windowStart, notified_at AS notifiedAt,
  resolved_by AS resolvedBy, evidence, evidence_at AS evidenceAt`;

const CURSOR = 'policy';

export function readCursor(db: Db): AlertCursor {
  const row = db.prepare('SELECT last_event_id AS lastEventId, last_evidence_id AS lastEvidenceId, evaluated_at AS evaluatedAt FROM alert_cursor WHERE name = ?').get(CURSOR) as AlertCursor | undefined;
  return row ?? { lastEventId: 0, lastEvidenceId: 0, evaluatedAt: 0 };
}

export function writeCursor(db: Db, c: AlertCursor): void {
  db.prepare(`INSERT INTO alert_cursor (name, last_event_id, last_evidence_id, evaluated_at) VALUES (@name, @lastEventId, @lastEvidenceId, @evaluatedAt)
    ON CONFLICT (name) DO UPDATE SET last_event_id = excluded.last_event_id, last_evidence_id = excluded.last_evidence_id, evaluated_at = excluded.evaluated_at`).run({ name: CURSOR, ...c });
}

/**
 * Events after `afterId`, grouped by (service, kind), taking at most `limit` events so one tick
 * stays short after a large backlog. `upTo` is the highest id included (afterId when none).
 */
export function newEventGroups(db: Db, afterId: number, limit: number): { groups: EventGroup[]; upTo: number } {
  const upTo = (db.prepare('SELECT max(id) FROM (SELECT id FROM events WHERE id > ? ORDER BY id LIMIT ?)').pluck().get(afterId, limit) as number | null) ?? afterId;
  if (upTo === afterId) return { groups: [], upTo };
  const groups = db
    .prepare(`SELECT service, kind, count(*) AS count, min(id) AS firstId, max(id) AS lastId, min(at) AS firstAt, max(at) AS lastAt, max(stored_at) AS lastStoredAt
      FROM events WHERE id > ? AND id <= ? GROUP BY service, kind ORDER BY min(id)`)
    .all(afterId, upTo) as EventGroup[];
  return { groups, upTo };
}

export function getAlertState(db: Db, service: string, kind: string): AlertStateRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM alert_state WHERE service = ? AND kind = ?`).get(service, kind) as AlertStateRow | undefined;
}

/** Alerts in `pending` or `firing`: the ones whose timers the policy checks each tick. */
export function activeAlertStates(db: Db): AlertStateRow[] {
  return db.prepare(`SELECT ${COLUMNS} FROM alert_state WHERE state IN ('pending', 'firing') ORDER BY service, kind`).all() as AlertStateRow[];
}

/** Every alert state, for `authwatch services` and `authwatch alerts`. */
export function listAlertStates(db: Db, opts: { service?: string } = {}): AlertStateRow[] {
  return (
    opts.service === undefined
      ? db.prepare(`SELECT ${COLUMNS} FROM alert_state ORDER BY service, kind`).all()
      : db.prepare(`SELECT ${COLUMNS} FROM alert_state WHERE service = ? ORDER BY kind`).all(opts.service)
  ) as AlertStateRow[];
}

/**
 * Writes a state row. `expected` is the state the caller read (undefined: no row yet); the write
 * only happens when the stored row still matches, so a concurrent writer cannot be overwritten
 * silently. Returns false when it did not match.
 */
export function saveAlertState(db: Db, row: AlertStateRow, expected: { state: AlertStateName; episode: number } | undefined): boolean {
  const params = { ...row };
  if (expected === undefined) {
    return (
      db
        .prepare(`INSERT OR IGNORE INTO alert_state (service, kind, state, episode, since, first_seen_at, last_seen_at, first_event_id, last_event_id,
          first_event_at, last_event_at, episode_count, window_count, window_start, notified_at, resolved_by, evidence, evidence_at)
          VALUES (@service, @kind, @state, @episode, @since, @firstSeenAt, @lastSeenAt, @firstEventId, @lastEventId,
          @firstEventAt, @lastEventAt, @episodeCount, @windowCount, @windowStart, @notifiedAt, @resolvedBy, @evidence, @evidenceAt)`)
        .run(params).changes === 1
    );
  }
  return (
    db
      .prepare(`UPDATE alert_state SET state = @state, episode = @episode, since = @since, first_seen_at = @firstSeenAt, last_seen_at = @lastSeenAt,
        first_event_id = @firstEventId, last_event_id = @lastEventId, first_event_at = @firstEventAt, last_event_at = @lastEventAt,
        episode_count = @episodeCount, window_count = @windowCount, window_start = @windowStart, notified_at = @notifiedAt,
        resolved_by = @resolvedBy, evidence = @evidence, evidence_at = @evidenceAt
        WHERE service = @service AND kind = @kind AND state = @expectedState AND episode = @expectedEpisode`)
      .run({ ...params, expectedState: expected.state, expectedEpisode: expected.episode }).changes === 1
  );
}

/** Events of a (service, kind) whose log time falls in (from, to]. For the threshold. */
export function countEventsBetween(db: Db, service: string, kind: string, fromAt: number, toAt: number): number {
  return db.prepare('SELECT count(*) FROM events WHERE service = ? AND kind = ? AND at > ? AND at <= ?').pluck().get(service, kind, fromAt, toAt) as number;
}

export interface EpisodeFacts {
  /** Hosts (or sources when a line had no host), most frequent first, at most `limit`. */
  readonly hosts: string[];
  readonly sources: string[];
  /** The most recent redacted line of the episode. */
  readonly sample: string | null;
  readonly provider: string | null;
  /** All-time totals from service_kinds. */
  readonly total: number;
  readonly firstAt: number | null;
  readonly lastAt: number | null;
}

/** What a notification tells about an episode: events with ids from `fromEventId` on. */
export function episodeFacts(db: Db, service: string, kind: string, fromEventId: number, limit = 5): EpisodeFacts {
  const hosts = db
    .prepare(`SELECT coalesce(host, source) AS h FROM events WHERE service = ? AND kind = ? AND id >= ? GROUP BY h ORDER BY count(*) DESC, h LIMIT ?`)
    .pluck()
    .all(service, kind, fromEventId, limit) as string[];
  const sources = db
    .prepare('SELECT source FROM events WHERE service = ? AND kind = ? AND id >= ? GROUP BY source ORDER BY count(*) DESC, source LIMIT ?')
    .pluck()
    .all(service, kind, fromEventId, limit) as string[];
  const sample = db.prepare('SELECT message FROM events WHERE service = ? AND kind = ? AND id >= ? ORDER BY id DESC LIMIT 1').pluck().get(service, kind, fromEventId) as string | undefined;
  const totals = db.prepare('SELECT count, first_at AS firstAt, last_at AS lastAt, provider FROM service_kinds WHERE service = ? AND kind = ?').get(service, kind) as
    | { count: number; firstAt: number; lastAt: number; provider: string }
    | undefined;
  return {
    hosts,
    sources,
    sample: sample ?? null,
    provider: totals?.provider ?? null,
    total: totals?.count ?? 0,
    firstAt: totals?.firstAt ?? null,
    lastAt: totals?.lastAt ?? null,
  };
}

/** Whether any alert is pending or firing: only then is recovery evidence worth looking for. */
export function anyAlertOpen(db: Db): boolean {
  return db.prepare(`SELECT 1 FROM alert_state WHERE state IN ('pending', 'firing') LIMIT 1`).get() !== undefined;
}

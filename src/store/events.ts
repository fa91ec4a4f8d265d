import type { Statement, Transaction } from 'better-sqlite3';
import type { CheckpointReader, Detection, Evidence } from '../contracts.js';
import type { Db } from './db.js';
import { recordRecoveryEvidence } from './alerts-evidence.js';
import { StoreError, errorMessage } from '../errors.js';

export interface CheckpointWrite {
  readonly sourceId: string;
  readonly stream: string;
  readonly state: unknown;
}

export interface StoredDetection extends Detection {
  /** Event time: the log line's timestamp, or the storing time when the line has none. Epoch ms. */
  readonly at: number;
}

/**
 * Writes detections and source positions together. One call is one transaction: either the
 * events and the checkpoints that cover them are both stored, or neither is.
 */
export class EventStore implements CheckpointReader {
  private readonly insertEvent: Statement;
  private readonly bumpKind: Statement;
  private readonly bumpHost: Statement;
  private readonly putCheckpoint: Statement;
  private readonly getCheckpoint: Statement;
  private readonly listCheckpoints: Statement;
  private readonly write: Transaction<(detections: readonly Detection[], checkpoints: readonly CheckpointWrite[], evidence: readonly Evidence[], storedAt: number) => StoredDetection[]>;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insertEvent = db.prepare(`INSERT OR IGNORE INTO events
      (stream, offset, source, line, kind, channel, signature, provider, service, service_via, host, program, ts, at, stored_at, message, credential_fp)
      VALUES (@stream, @offset, @source, @line, @kind, @channel, @signature, @provider, @service, @serviceVia, @host, @program, @ts, @at, @storedAt, @message, @credentialFingerprint)`);
    this.bumpKind = db.prepare(`INSERT INTO service_kinds (service, kind, channel, provider, count, first_at, last_at)
      VALUES (@service, @kind, @channel, @provider, 1, @at, @at)
      ON CONFLICT (service, kind) DO UPDATE SET count = count + 1,
        first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at),
        provider = excluded.provider`);
    this.bumpHost = db.prepare(`INSERT INTO service_hosts (service, kind, host, count, last_at) VALUES (@service, @kind, @host, 1, @at)
      ON CONFLICT (service, kind, host) DO UPDATE SET count = count + 1, last_at = max(last_at, excluded.last_at)`);
    this.putCheckpoint = db.prepare(`INSERT INTO checkpoints (source_id, stream, state, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (source_id, stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`);
    this.getCheckpoint = db.prepare('SELECT state FROM checkpoints WHERE source_id = ? AND stream = ?').pluck();
    this.listCheckpoints = db.prepare('SELECT stream, state FROM checkpoints WHERE source_id = ? ORDER BY stream');
    // Built once: a transaction function made per commit costs more than a small batch's rows.
    this.write = db.transaction(
      (detections: readonly Detection[], checkpoints: readonly CheckpointWrite[], evidence: readonly Evidence[], storedAt: number): StoredDetection[] => {
        const fresh: StoredDetection[] = [];
        for (const d of detections) {
          const at = eventTime(d.ts, storedAt);
          const row = { ...d, stream: d.position.stream, offset: d.position.offset, at, storedAt };
          if (this.insertEvent.run(row).changes === 0) continue;
          this.bumpKind.run(row);
          this.bumpHost.run({ service: d.service, kind: d.kind, host: d.host ?? d.source, at });
          fresh.push({ ...d, at });
        }
        for (const c of checkpoints) this.putCheckpoint.run(c.sourceId, c.stream, JSON.stringify(c.state), storedAt);
        for (const e of evidence) recordRecoveryEvidence(this.db, { service: e.service, channel: e.channel, at: e.at, evidence: e.evidence }, storedAt);
        return fresh;
      },
    );
  }

  /**
   * Stores detections (ignoring positions already stored), checkpoints and the batch's recovery
   * evidence in one transaction. Returns the detections that were new, for the alert policy.
   * Evidence is not deduplicated by position: a replayed batch may store it twice, which the
   * policy tolerates (evidence only ever resolves an alert once).
   */
  commit(detections: readonly Detection[], checkpoints: readonly CheckpointWrite[] = [], evidence: readonly Evidence[] = []): StoredDetection[] {
    try {
      return this.write.immediate(detections, checkpoints, evidence, this.now());
    } catch (err) {
      throw new StoreError('STORE_WRITE', `Cannot write to the database: ${errorMessage(err)}.`, { cause: err, retryable: true });
    }
  }

  get(sourceId: string, stream: string): unknown {
    const raw = this.getCheckpoint.get(sourceId, stream) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  list(sourceId: string): Array<{ stream: string; state: unknown }> {
    return (this.listCheckpoints.all(sourceId) as Array<{ stream: string; state: string }>).map((r) => ({ stream: r.stream, state: JSON.parse(r.state) as unknown }));
  }
}

/** Parses the line's ISO timestamp; a missing or unparsable one falls back to the storing time. */
export function eventTime(ts: string | null, fallback: number): number {
  if (ts === null) return fallback;
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : fallback;
}

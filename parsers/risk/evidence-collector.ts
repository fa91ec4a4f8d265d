import type { Evidence, Position } from '../../src/contracts.js';
import type { StateImage } from '../carried-state.js';
import { redact } from '../redact.js';
import { EvidenceLimiter } from './evidence-limiter.js';
import type { EvidenceSeen } from './stream-signals.js';

/** Evidence kept for a caller that never drains it (e.g. a one-shot scan); the oldest goes first. */
const MAX_PENDING = 1024;

/**
 * Collects a stream's recovery evidence between drains, rate-limited per service and channel
 * (EvidenceLimiter: one per minute of log time) and bounded to MAX_PENDING entries.
 */
export class EvidenceCollector {
  private readonly limiter = new EvidenceLimiter();
  private pending: Evidence[] = [];

  /**
   * `service` as resolved (redacted here, only for what passes the limiter: most evidence lines
   * are dropped by it); `ts`: the line's ISO time or null; `now`: fallback time. Epoch ms.
   */
  note(seen: readonly EvidenceSeen[], service: string, ts: string | null, position: Position, now: number): void {
    const parsed = ts === null ? Number.NaN : Date.parse(ts);
    const at = Number.isFinite(parsed) ? parsed : now;
    for (const e of seen) {
      if (!this.limiter.allow(`${e.channel}\u0000${service}`, at)) continue;
      if (this.pending.length >= MAX_PENDING) this.pending.shift();
      this.pending.push({ service: redact(service), channel: e.channel, at, evidence: e.evidence, position });
    }
  }

  /** The rate limiter's memory and the evidence not yet drained, for ByteStreamScanner.carriedState. */
  state(): StateImage {
    return {
      limiter: this.limiter.state(),
      pending: this.pending.map((e) => [e.service, e.channel, e.at, e.evidence, e.position.stream, e.position.offset]),
    };
  }

  drain(): Evidence[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

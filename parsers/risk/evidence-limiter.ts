import type { StateImage } from '../carried-state.js';

/** Least time between two pieces of evidence for one service from one stream. Milliseconds; 60 000. */
export const EVIDENCE_INTERVAL_MS = 60_000;
/** Services remembered per stream; the least recently seen is forgotten first. */
const MAX_SERVICES = 1024;

/**
 * One piece of recovery evidence per service per minute of log time is plenty: the alert policy
 * needs one success after the last rejection. Bounded to MAX_SERVICES entries.
 */
export class EvidenceLimiter {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = EVIDENCE_INTERVAL_MS) {}

  /** The services seen, least recently first, with the log time let through last; for ByteStreamScanner.carriedState. */
  state(): StateImage {
    return [...this.last];
  }

  /** Whether evidence for `service` at log time `at` (epoch ms) is let through; records it if so. */
  allow(service: string, at: number): boolean {
    const prev = this.last.get(service);
    if (prev !== undefined && Math.abs(at - prev) < this.intervalMs) return false;
    this.last.delete(service);
    if (this.last.size >= MAX_SERVICES) {
      const oldest = this.last.keys().next();
      if (oldest.done !== true) this.last.delete(oldest.value);
    }
    this.last.set(service, at);
    return true;
  }
}

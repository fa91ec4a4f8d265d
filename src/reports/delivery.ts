import type { RenderedReport } from './rendered.js';

/**
 * Hands a rendered report to the delivery machinery for one receiver. The scheduler calls it
 * inside the SQLite transaction that records the report as sent, so it must be synchronous
 * and write through the same database connection (for the alert outbox: insert the outbox
 * row); no network, no awaiting. Throwing rolls the transaction back: the run is not recorded
 * and the next tick tries again.
 */
export interface ReportDelivery {
  enqueue(receiver: string, message: RenderedReport): void;
}

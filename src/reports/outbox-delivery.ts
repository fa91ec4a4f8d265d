import type { Db } from '../store/db.js';
import { enqueueOutbox } from '../store/alerts-outbox.js';
import type { ReportDelivery } from './delivery.js';
import type { RenderedReport } from './rendered.js';

/** Outbox `event` and `kind` of a queued report; the delivery worker sends it as prepared. */
const REPORT_EVENT = 'report';

/**
 * Queues reports in the alert outbox, so they get its retries, ordering and dead letter. Called
 * inside the scheduler's transaction that records the run: recording and queueing commit
 * together. The stored payload carries every channel's rendering; delivery picks one.
 */
export function outboxReportDelivery(db: Db, receiverTypes: ReadonlyMap<string, string>, clock: () => number): ReportDelivery {
  return {
    enqueue(receiver: string, m: RenderedReport): void {
      const channelType = receiverTypes.get(receiver);
      if (channelType === undefined) throw new Error(`Report receiver ${receiver} is not configured under alerts.receivers.`);
      const service = `report:${m.schedule ?? 'adhoc'}`;
      const payload = { prepared: true, id: m.id, service, kind: REPORT_EVENT, slack: m.slack, email: m.email, json: m.json, text: m.text };
      enqueueOutbox(db, [{ decision: m.id, service, kind: REPORT_EVENT, event: REPORT_EVENT, receiver, channelType, payload: JSON.stringify(payload) }], clock());
    },
  };
}

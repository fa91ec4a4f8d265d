/**
 * A ReportDelivery test double that behaves like the outbox: it writes one row per receiver
 * into a table of the same database, inside the scheduler's transaction. `failNext` makes the
 * next enqueue throw, to show the run is then not recorded.
 */
import type { Db } from '../../../src/store/db.js';
import type { ReportDelivery } from '../../../src/reports/delivery.js';
import type { RenderedReport } from '../../../src/reports/rendered.js';

export interface DeliveredRow {
  readonly receiver: string;
  readonly id: string;
  readonly message: RenderedReport;
}

export interface TableDelivery extends ReportDelivery {
  rows(): DeliveredRow[];
  failNext(): void;
}

export function tableDelivery(db: Db): TableDelivery {
  db.exec('CREATE TABLE IF NOT EXISTS test_report_outbox (id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, report_id TEXT NOT NULL, payload TEXT NOT NULL)');
  let fail = false;
  return {
    enqueue(receiver, message) {
      if (!db.inTransaction) throw new Error('enqueue must be called inside the run transaction');
      db.prepare('INSERT INTO test_report_outbox (receiver, report_id, payload) VALUES (?, ?, ?)').run(receiver, message.id, JSON.stringify(message));
      if (fail) {
        fail = false;
        throw new Error('outbox is full (test)');
      }
    },
    rows: () =>
      (db.prepare('SELECT receiver, report_id AS reportId, payload FROM test_report_outbox ORDER BY test_report_outbox.id').all() as Array<{ receiver: string; reportId: string; payload: string }>).map((r) => ({
        receiver: r.receiver,
        id: r.reportId,
        message: JSON.parse(r.payload) as RenderedReport,
      })),
    failNext: () => {
      fail = true;
    },
  };
}

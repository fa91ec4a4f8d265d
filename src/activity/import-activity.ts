import type { Detection } from '../contracts.js';
import type { EventStore } from '../store/events.js';
import { API_KEY_FIELD, hasApiKeyField, toActivityMessage, type ActivityMessage } from './activity-message.js';
import { ActivityGrouper, type ActivityGroup } from './group.js';
import { toDetection } from './to-detection.js';

/** Detections written per transaction. */
const BATCH = 1000;

/** Records read before the first one with an `api_key_id` field; past it the source is refused. Records. */
const MAX_RECORDS_WITHOUT_FIELD = 10_000;

export interface ActivityRecord {
  readonly record: Readonly<Record<string, unknown>>;
  readonly line: number;
}

export interface ImportResult {
  /** Records read with a message id. */
  readonly messages: number;
  /** Distinct messages sent without an API key. */
  readonly withoutKey: number;
  /** Of those, how many the database did not hold yet. */
  readonly stored: number;
  /** Records without a message id: skipped. */
  readonly withoutId: number;
  readonly groups: ActivityGroup[];
}

export class MissingApiKeyField extends Error {
  constructor(readonly recordsRead: number) {
    super(`no record carries an ${API_KEY_FIELD} field`);
  }
}

/**
 * Reads activity records, keeps the messages whose api_key_id is empty or absent, groups them
 * and stores each as a `basic_auth_in_use` detection. A source where no record has an
 * `api_key_id` field at all cannot tell key logins from password logins, so it is refused
 * (MissingApiKeyField) before anything is stored, rather than reported as all-password.
 */
export async function importActivity(records: AsyncIterable<ActivityRecord>, source: string, store: EventStore | null): Promise<ImportResult> {
  const grouper = new ActivityGrouper();
  const seen = new Set<string>();
  let sawField = false;
  let held: ActivityRecord[] = [];
  let messages = 0;
  let withoutKey = 0;
  let withoutId = 0;
  let stored = 0;
  let batch: Detection[] = [];

  const flush = (): void => {
    if (store !== null && batch.length > 0) stored += store.commit(batch).length;
    batch = [];
  };
  const take = (r: ActivityRecord): void => {
    const m: ActivityMessage | null = toActivityMessage(r.record);
    if (m === null) {
      withoutId++;
      return;
    }
    messages++;
    if (m.apiKeyId !== null || seen.has(m.msgId)) return;
    // Event-level exports repeat a message once per event: count it once.
    seen.add(m.msgId);
    withoutKey++;
    grouper.add(m);
    batch.push(toDetection(m, source, r.line));
    if (batch.length >= BATCH) flush();
  };

  for await (const r of records) {
    if (!sawField) {
      held.push(r);
      if (!hasApiKeyField(r.record)) {
        if (held.length > MAX_RECORDS_WITHOUT_FIELD) throw new MissingApiKeyField(held.length);
        continue;
      }
      sawField = true;
      for (const h of held) take(h);
      held = [];
      continue;
    }
    take(r);
  }
  if (!sawField && held.length > 0) throw new MissingApiKeyField(held.length);
  flush();
  return { messages, withoutKey, stored, withoutId, groups: grouper.build() };
}

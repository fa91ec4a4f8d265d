/**
 * SIGKILL at random moments while one daemon process ingests a known corpus from a growing file
 * AND a Kafka topic, and alerts a webhook receiver with groupWait 0 (so decisions are made while
 * ingestion is still going on). After the final restart the stored per-service counts must equal
 * the ground truth exactly, every notification the outbox decided must have reached the
 * receiver, and re-sends are bounded: at most one duplicate per kill (the send in flight).
 *
 * CI kills 6 times; the soak run (`npm run soak`) sets AUTHWATCH_CRASH_KILLS=20.
 */
import Database from 'better-sqlite3';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { makeCorpus, rng } from '../support/corpus.js';
import { spawnAuthwatch, storedCounts, waitFor } from '../support/daemon-process.js';
import { startHttpReceiver } from '../support/http-receiver.js';
import { createTopic, produce, uniqueName } from '../support/kafka-admin.js';
import { tempDir } from '../support/temp.js';

const KILLS = Number(process.env.AUTHWATCH_CRASH_KILLS ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (o: Record<string, number>): string => JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

interface OutboxView {
  decided: string[];
  undelivered: number;
}

/** The outbox's decisions, and how many rows are not delivered yet; null while unreadable. */
function outboxView(dbPath: string): OutboxView | null {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const decided = db.prepare('SELECT DISTINCT decision FROM alert_outbox').pluck().all() as string[];
      const undelivered = db.prepare("SELECT count(*) FROM alert_outbox WHERE state <> 'delivered'").pluck().get() as number;
      return { decided, undelivered };
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

describe('SIGKILLs while ingesting files and Kafka in one process', () => {
  it(`counts exactly and delivers every decided notification across ${KILLS} kills`, async () => {
    const brokers = inject('kafkaBrokers');
    const topic = uniqueName('crash-mix');
    await createTopic(brokers, topic, 3);
    const fromKafka = makeCorpus(30_000, { seed: 41, tag: 'k' });
    const fromFile = makeCorpus(30_000, { seed: 42, tag: 'f' });
    const truth: Record<string, number> = { ...fromKafka.truth };
    for (const [k, v] of Object.entries(fromFile.truth)) truth[k] = (truth[k] ?? 0) + v;

    const receiver = await startHttpReceiver();
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const db = join(dir, 'state.sqlite');
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(log, '');
    writeFileSync(
      config,
      `database:
  path: ${db}
sources:
  - type: file
    id: app
    paths: [${log}]
    startAt: beginning
    pollIntervalMs: 20
  - type: kafka
    id: fleet
    brokers: [${brokers}]
    topics: [${topic}]
    groupId: ${uniqueName('g')}
    sessionTimeoutMs: 6000
alerts:
  groupWait: 0s
  evaluateInterval: 1s
  receivers:
    hook: { type: webhook, url: "${receiver.url}/hook" }
  routes:
    - receivers: [hook]
  delivery:
    backoffMin: 200ms
    backoffMax: 1s
log:
  level: info
`,
    );

    // Half the Kafka corpus is there from the start, the rest arrives during the kills; the file
    // grows all along.
    const half = fromKafka.lines.length / 2;
    await produce(brokers, topic, fromKafka.lines.slice(0, half).map((value, i) => ({ value, partition: i % 3 })));
    let written = 0;
    const writer = (async () => {
      while (written < fromFile.lines.length) {
        const slice = fromFile.lines.slice(written, written + 500);
        appendFileSync(log, `${slice.join('\n')}\n`);
        written += slice.length;
        await sleep(40);
      }
    })();

    const produceRest = () => produce(brokers, topic, fromKafka.lines.slice(half).map((value, i) => ({ value, partition: i % 3 })));
    const rand = rng(2026);
    for (let kill = 0; kill < KILLS; kill++) {
      const d = spawnAuthwatch(['run', '--config', config]);
      await sleep(800 + rand() * 2_200);
      d.child.kill('SIGKILL');
      await d.exited;
      if (kill === Math.floor(KILLS / 2)) await produceRest();
    }
    await writer;

    const final = spawnAuthwatch(['run', '--config', config]);
    const counted = await waitFor(() => sorted(storedCounts(db)) === sorted(truth), 150_000, 250);
    expect(sorted(storedCounts(db)), final.stderr()).toBe(sorted(truth));
    expect(counted).toBe(true);

    // Every decision reaches the receiver; the outbox ends with nothing left to send.
    const settled = await waitFor(() => {
      const v = outboxView(db);
      // One decision per service and kind (no repeat within 4 h, no resolve within 1 h).
      return v !== null && v.decided.length === Object.keys(truth).length && v.undelivered === 0;
    }, 60_000, 250);
    expect(settled, final.stderr()).toBe(true);
    const { decided } = outboxView(db) ?? { decided: [] };
    const received = receiver.requests.map((r) => String(r.headers['x-authwatch-delivery']));
    for (const id of decided) expect(received, `decision ${id} never arrived`).toContain(id);
    expect(decided.length).toBe(Object.keys(truth).length);
    expect(received.length - new Set(received).size).toBeLessThanOrEqual(KILLS);
    expect(new Set(received).size).toBe(decided.length);

    final.child.kill('SIGTERM');
    expect(await final.exited, final.stderr()).toBe(0);
  }, 600_000);
});

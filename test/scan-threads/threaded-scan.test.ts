import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Detection } from '../../src/contracts.js';
import { createDetector } from '../../parsers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { detectorOptions } from '../../src/detector-options.js';
import { openDb } from '../../src/store/db.js';
import { EventStore } from '../../src/store/events.js';
import { threadedScan, type ThreadedScanResult } from '../../src/scan-threads/threaded-scan.js';
import { WARM_UP_SLACK_BYTES } from '../../src/scan-threads/range-plan.js';
import { WorkerPool } from '../../src/scan-threads/worker-pool.js';
import { tempDir } from '../support/temp.js';
import { boundaryLog, deferred, fillerLines, giantRecord, submitted } from './boundary-log.js';

const MIB = 1024 * 1024;
/** Two chunks: a queue id's submission line in the chunk before its rejection is still found. */
const LOOKBACK = 2 * MIB;
const RANGE = MIB;
/** Ranges this large leave every test file whole: one worker scans it from its start, as one thread does. */
const WHOLE = 1024 ** 3;

interface Scanned extends ThreadedScanResult {
  readonly found: unknown[];
  readonly errors: string[];
}

/** Everything a detection carries, line and position included. */
const image = (d: Detection) => ({ ...d });

interface Lanes {
  /** Scan in the main thread too, as `scan` does. */
  readonly inline?: boolean;
  /** Start the workers before the scan, as `scan` does, the main thread joining them (with inline). */
  readonly warm?: boolean;
  readonly workerUrl?: URL;
}

async function scan(dir: string, paths: string[], threads: number, rangeBytes: number, lanes: Lanes = {}): Promise<Scanned> {
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `detector:\n  lookbackBytes: ${LOOKBACK}\n`);
  const db = openDb(join(dir, `t${threads}-${rangeBytes}-${Math.random()}.sqlite`));
  const found: unknown[] = [];
  const errors: string[] = [];
  const setup = { configPath: config, env: {} };
  const pool = new WorkerPool(threads, setup, { ...(lanes.workerUrl && { url: lanes.workerUrl }), mainThreadJoins: lanes.inline === true });
  if (lanes.warm) pool.warmUp();
  try {
    const result = await threadedScan(
      paths.map((path) => ({ kind: 'file', path })),
      {
        threads,
        rangeBytes,
        overlapBytes: LOOKBACK + WARM_UP_SLACK_BYTES,
        pool,
        store: new EventStore(db),
        onDetections: (all) => found.push(...all.map(image)),
        onFileError: (path, err) => errors.push(`${path}: ${(err as Error).message}`),
        ...(lanes.inline && { inlineDetector: createDetector(detectorOptions(loadConfig(config, {}))) }),
      },
    );
    return { ...result, found, errors };
  } finally {
    db.close();
  }
}

/** A split scan must find what one worker scanning the whole file finds, with the same counters. */
function expectSameAsWhole(split: Scanned, whole: Scanned): void {
  expect(split.found).toEqual(whole.found);
  expect(split.stats).toEqual(whole.stats);
}

describe('threadedScan', () => {
  it('takes every range as its worker found it when the state at the range starts matches', async () => {
    const dir = tempDir();
    const path = join(dir, 'mixed.log');
    writeFileSync(path, boundaryLog({ rangeBytes: RANGE, segments: 24 }));
    const whole = await scan(dir, [path], 2, WHOLE);
    const services = new Set(whole.found.map((d) => (d as Detection).service));
    // Queue-id correlation across an edge, and the lines right before and after edges.
    for (const s of ['edge-0@example.com', 'edge-10@example.com', 'last-before-0', 'last-before-22']) expect(services).toContain(s);
    for (const [threads, inline, warm] of [
      [2, false, false],
      [2, true, false],
      [4, true, false],
      [3, true, true],
      [2, false, true],
    ] as const) {
      const split = await scan(dir, [path], threads, RANGE, { inline, warm });
      expect(split.ranges).toBe(24);
      expect({ reseeded: split.reseeded, restarted: split.restarted }).toEqual({ reseeded: 0, restarted: 0 });
      expectSameAsWhole(split, whole);
    }
  });

  it('scans a range again when a queue id kept from long before answers its lookups', async () => {
    const dir = tempDir();
    const path = join(dir, 'retries.log');
    const qid = 'C0FFEE0042';
    writeFileSync(
      path,
      boundaryLog({
        rangeBytes: RANGE,
        segments: 24,
        extra: (s) => (s === 0 ? [submitted(qid, 'retry@example.com'), deferred(qid)] : s % 8 === 0 ? [deferred(qid)] : []),
      }),
    );
    const whole = await scan(dir, [path], 2, WHOLE);
    // Past the lookback window only the correlator's memory still names the sender.
    const retries = whole.found.filter((d) => (d as Detection).message.includes(qid)) as Detection[];
    expect(retries.map((d) => d.service)).toEqual(Array(3).fill('retry@example.com'));
    const split = await scan(dir, [path], 3, RANGE);
    expect(split.reseeded).toBeGreaterThan(0);
    expect(split.restarted).toBe(0);
    expectSameAsWhole(split, whole);
  });

  it('scans the rest of a file from its start when a range begins inside a record longer than the warm-up', async () => {
    const dir = tempDir();
    const path = join(dir, 'trace.log');
    const lines = [...fillerLines(20_000), ...giantRecord(LOOKBACK + WARM_UP_SLACK_BYTES + 2 * MIB), ...fillerLines(20_000, 12)];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const whole = await scan(dir, [path], 2, WHOLE);
    const split = await scan(dir, [path], 2, RANGE);
    expect(split.restarted).toBe(1);
    expectSameAsWhole(split, whole);
  });

  it('reports a worker that fails as a read error of its file, and goes on with the next file', async () => {
    const dir = tempDir();
    const worker = join(dir, 'failing-worker.mjs');
    writeFileSync(
      worker,
      [
        "import { parentPort } from 'node:worker_threads';",
        "parentPort.on('message', (m) => {",
        "  if (m.type !== 'task') return;",
        "  if (m.task.path.endsWith('a.log')) throw new Error('worker failed on purpose');",
        "  parentPort.postMessage({ type: 'end', id: m.task.id, state: null });",
        '});',
      ].join('\n'),
    );
    const paths = ['a.log', 'b.log', 'c.log'].map((f) => join(dir, f));
    for (const p of paths) writeFileSync(p, 'one line\n');
    const result = await scan(dir, paths, 1, WHOLE, { workerUrl: pathToFileURL(worker) });
    expect(result.errors).toEqual([`${paths[0]}: worker failed on purpose`]);
  });
});

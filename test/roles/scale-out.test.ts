/**
 * Scale-out end to end against the real broker: filter processes share a consumer group on a
 * raw log topic and publish detections; one aggregator stores them. The aggregate must equal the
 * corpus's ground truth exactly, also after a filter is SIGKILLed mid-run and another joins.
 */
import { describe, expect, inject, it } from 'vitest';
import { join } from 'node:path';
import { makeCorpus } from '../support/corpus.js';
import { storedCounts, waitFor } from '../support/daemon-process.js';
import { createTopic, uniqueName } from '../support/kafka-admin.js';
import { tempDir } from '../support/temp.js';
import { produceLines, spawnRole, topicMessages, writeScaleOutConfig, type RoleProcess } from './support.js';

const RAW_PARTITIONS = 6;
const DETECTION_PARTITIONS = 3;

const sorted = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const total = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
const sum = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

function log(msg: string): void {
  if (process.env.AUTHWATCH_SCALE_OUT_TIMING) process.stderr.write(`[scale-out] ${msg}\n`);
}

describe('authwatch run --role filter|aggregate', () => {
  it('counts exactly with 3 filters and 1 aggregator, and still exactly after a filter is SIGKILLed mid-run and another joins', async () => {
    const t0 = Date.now();
    const brokers = inject('kafkaBrokers');
    const rawTopic = uniqueName('raw');
    const detectionsTopic = uniqueName('detections');
    await createTopic(brokers, rawTopic, RAW_PARTITIONS);
    await createTopic(brokers, detectionsTopic, DETECTION_PARTITIONS);
    const dir = tempDir();
    const db = join(dir, 'aggregate.sqlite');
    const config = writeScaleOutConfig(dir, { brokers, rawTopic, filterGroup: uniqueName('filters'), detectionsTopic, aggregateGroup: uniqueName('aggregate'), db });
    const first = makeCorpus(200_000, { seed: 71, services: 7, tag: 'a' });
    const second = makeCorpus(200_000, { seed: 72, services: 7, tag: 'b' });
    await produceLines(brokers, rawTopic, first.lines, RAW_PARTITIONS);
    log(`produced ${first.lines.length} lines in ${Date.now() - t0} ms`);

    const aggregator = spawnRole('aggregate', config);
    const filters: RoleProcess[] = [0, 1, 2].map(() => spawnRole('filter', config));
    const diagnostics = (): string => [aggregator, ...filters].map((p, i) => `--- process ${i}\n${p.output()}`).join('\n');

    // Phase 1: the three filters share the six partitions.
    const t1 = Date.now();
    const exact1 = await waitFor(() => JSON.stringify(sorted(storedCounts(db))) === JSON.stringify(sorted(first.truth)), 90_000, 250);
    expect(sorted(storedCounts(db)), diagnostics()).toEqual(sorted(first.truth));
    expect(exact1).toBe(true);
    log(`phase 1: ${total(first.truth)} detections exact ${Date.now() - t1} ms after the processes started`);

    // Phase 2: more lines arrive; once the aggregate has started to grow, one filter dies without
    // a chance to commit anything and a fourth one joins the group. The second half of the lines
    // is produced after the kill, so the kill falls mid-run however fast the filters are.
    const t2 = Date.now();
    // A multiple of the partition count: every line keeps the partition it has in one send.
    const half = Math.floor(second.lines.length / 2 / RAW_PARTITIONS) * RAW_PARTITIONS;
    const producing = produceLines(brokers, rawTopic, second.lines.slice(0, half), RAW_PARTITIONS);
    const truth = sum(first.truth, second.truth);
    const before = total(first.truth);
    const started = await waitFor(() => total(storedCounts(db)) > before + total(second.truth) / 20, 60_000, 20);
    expect(started, diagnostics()).toBe(true);
    const progressAtKill = total(storedCounts(db)) - before;
    filters[0]?.child.kill('SIGKILL');
    filters.push(spawnRole('filter', config));
    log(`phase 2: killed a filter at ${progressAtKill}/${total(second.truth)} new detections`);
    expect(progressAtKill).toBeLessThan(total(second.truth));
    await producing;
    await produceLines(brokers, rawTopic, second.lines.slice(half), RAW_PARTITIONS);

    const exact2 = await waitFor(() => JSON.stringify(sorted(storedCounts(db))) === JSON.stringify(sorted(truth)), 120_000, 250);
    expect(sorted(storedCounts(db)), diagnostics()).toEqual(sorted(truth));
    expect(exact2).toBe(true);
    log(`phase 2: ${total(truth)} detections exact ${Date.now() - t2} ms after producing began`);
    // At least once on the topic, exactly once in the store.
    const published = await topicMessages(brokers, detectionsTopic);
    log(`detections topic holds ${published} messages for ${total(truth)} detections`);
    expect(published).toBeGreaterThanOrEqual(total(truth));

    // The survivors and the aggregator drain and exit cleanly on SIGTERM.
    const alive = [aggregator, ...filters.slice(1)];
    expect(await waitFor(() => alive.every((p) => p.output().includes('authwatch is running')), 30_000), diagnostics()).toBe(true);
    for (const p of alive) p.child.kill('SIGTERM');
    const codes = await Promise.all(alive.map((p) => p.exited));
    expect(codes, diagnostics()).toEqual(alive.map(() => 0));
    log(`total ${Date.now() - t0} ms`);
  }, 240_000);
});

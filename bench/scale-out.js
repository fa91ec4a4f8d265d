// Scale-out throughput: 1, 2 and 3 `authwatch run --role filter` processes draining one
// pre-filled raw topic (6 partitions) and publishing to a detections topic.
//   npm run build && node bench/scale-out.js [lines=2000000] [filters=1,2,3]
// Uses KAFKA_BROKERS when set; otherwise starts the test broker (test/support/kafka-broker.ts,
// loaded through vite's module runner, so Java and the cached Kafka jars are needed).
// A run ends when the filter group's committed offsets reach the end of every partition; a
// filter commits only after its detections were acknowledged, so that is "all lines filtered
// and published". Prints lines/s and MB/s of raw values, wall (from spawn) and steady (from the
// first commit, i.e. without process start-up and the group join), and the filters' CPU time.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { runnerImport } from 'vite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.argv[2] ?? 2_000_000);
const COUNTS = (process.argv[3] ?? '1,2,3').split(',').map(Number);
const RAW_PARTITIONS = 6;
/** How often the group's committed offsets are read. Milliseconds. */
const POLL_MS = 100;
const log = (s) => console.log(`scale-out: ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const id = () => Math.random().toString(16).slice(2, 10);

const { module: corpusModule } = await runnerImport(join(ROOT, 'test/support/corpus.ts'));
let broker;
let brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  const { module: brokerModule } = await runnerImport(join(ROOT, 'test/support/kafka-broker.ts'));
  // A larger heap than the tests' broker: it holds a few hundred MB of fresh segments.
  broker = await brokerModule.startKafkaBroker({ heapMb: 1024 });
  brokers = broker.brokers;
  log(`started a broker on ${brokers}`);
}
const kafka = new Kafka({ clientId: 'authwatch-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();

const dir = mkdtempSync(join(tmpdir(), 'authwatch-scale-out-'));
try {
  const rawTopic = `bench-raw-${id()}`;
  await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: RAW_PARTITIONS }], waitForLeaders: true });
  const { lines, truth } = corpusModule.makeCorpus(LINES, { seed: 9, services: 20 });
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const expected = Object.values(truth).reduce((a, b) => a + b, 0);
  const t0 = Date.now();
  await produce(rawTopic, lines);
  log(`pre-filled ${rawTopic}: ${LINES} lines, ${(bytes / 1e6).toFixed(0)} MB, ${expected} rejections, in ${Date.now() - t0} ms`);
  const ends = new Map((await admin.fetchTopicOffsets(rawTopic)).map((p) => [p.partition, Number(p.high)]));

  const results = [];
  for (const n of COUNTS) {
    const r = await runFilters(n, rawTopic, ends);
    const published = await topicMessages(r.detectionsTopic);
    const row = {
      filters: n,
      wallMs: r.doneAt - r.startedAt,
      steadyMs: r.doneAt - r.firstCommitAt,
      linesPerSec: Math.round(LINES / ((r.doneAt - r.startedAt) / 1000)),
      steadyLinesPerSec: Math.round((LINES - r.committedAtFirst) / ((r.doneAt - r.firstCommitAt) / 1000)),
      mbPerSec: +(bytes / 1e6 / ((r.doneAt - r.startedAt) / 1000)).toFixed(1),
      steadyMbPerSec: +(((bytes * (LINES - r.committedAtFirst)) / LINES / 1e6) / ((r.doneAt - r.firstCommitAt) / 1000)).toFixed(1),
      /** CPU seconds the filter processes used, and lines per CPU second: the per-core rate. */
      cpuSeconds: +r.cpuSeconds.toFixed(1),
      linesPerCpuSecond: r.cpuSeconds > 0 ? Math.round(LINES / r.cpuSeconds) : null,
      published,
      expected,
    };
    results.push(row);
    log(`${n} filter(s): ${row.linesPerSec} lines/s, ${row.mbPerSec} MB/s wall (${row.wallMs} ms); steady ${row.steadyLinesPerSec} lines/s, ${row.steadyMbPerSec} MB/s; ${row.cpuSeconds} CPU s (${row.linesPerCpuSecond} lines per CPU s); ${published} detection messages for ${expected} rejections`);
  }
  console.log(JSON.stringify({ lines: LINES, bytes, rawPartitions: RAW_PARTITIONS, cores: cpus().length, node: process.version, results }, null, 2));
} finally {
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
  await broker?.stop();
}

/** Sends the lines round-robin over the partitions, 10,000 per send, 4 sends in flight. */
async function produce(topic, lines) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const inFlight = [];
  for (let start = 0; start < lines.length; start += 10_000) {
    const messages = lines.slice(start, start + 10_000).map((value, i) => ({ value, partition: (start + i) % RAW_PARTITIONS }));
    inFlight.push(producer.send({ topic, messages, acks: -1 }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
}

/** Starts n filter processes in a fresh group; resolves once the group committed every partition's end. */
async function runFilters(n, rawTopic, ends) {
  const detectionsTopic = `bench-detections-${id()}`;
  const groupId = `bench-filters-${id()}`;
  await admin.createTopics({ topics: [{ topic: detectionsTopic, numPartitions: 3 }], waitForLeaders: true });
  const config = join(dir, `filters-${n}.yaml`);
  writeFileSync(
    config,
    [
      'sources:',
      '  - type: kafka',
      '    id: logs',
      `    brokers: [${brokers}]`,
      `    topics: [${rawTopic}]`,
      `    groupId: ${groupId}`,
      'scaleOut:',
      `  detectionsTopic: ${detectionsTopic}`,
      'log:',
      '  level: warn',
      '',
    ].join('\n'),
  );
  const startedAt = Date.now();
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, [join(ROOT, 'bin/authwatch.js'), 'run', '--role', 'filter', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  let firstCommitAt;
  let committedAtFirst = 0;
  for (;;) {
    await sleep(POLL_MS);
    const [entry] = await admin.fetchOffsets({ groupId, topics: [rawTopic] });
    const offsets = entry?.partitions ?? [];
    const committed = offsets.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    if (committed > 0 && firstCommitAt === undefined) {
      firstCommitAt = Date.now();
      committedAtFirst = committed;
    }
    if (offsets.length === ends.size && offsets.every((p) => Number(p.offset) >= (ends.get(p.partition) ?? 0))) break;
  }
  const doneAt = Date.now();
  const cpuSeconds = children.reduce((sum, c) => sum + cpuOf(c.pid), 0);
  await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
  return { startedAt, firstCommitAt: firstCommitAt ?? doneAt, committedAtFirst, doneAt, detectionsTopic, cpuSeconds };
}

/**
 * CPU time (user + system) a process has used so far, in seconds, from /proc (Linux; 0
 * elsewhere). Fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s.
 */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

async function topicMessages(topic) {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

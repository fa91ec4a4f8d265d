// The Kafka cases of `npm run bench` (issue 7, cases 4 and 5), over a real local broker
// (KAFKA_BROKERS, or the test broker started on 127.0.0.1; see bench/lib/kafka-broker.js).
//
// 4. Throughput: a topic of 6 partitions is pre-filled with BENCH_KAFKA_MESSAGES values (default
//    2,000,000, about 200 bytes each, one rejection per 10,000, from the seed). Each repetition
//    drains it twice, in fresh consumer groups, in alternating order:
//    (a) a bare kafkajs consumer whose eachBatch only resolves the last offset and commits it;
//    (b) authwatch's KafkaSource + Pipeline + EventStore on a fresh SQLite file, finished when the
//        stored checkpoints reach the end of every partition.
//    Both use the daemon's fetch settings (1 MiB per partition, 10 MiB per fetch, 2 partitions at
//    once) and are timed from the client's creation, group join included. (b) must have stored
//    exactly the generated rejections. The detector alone is timed on the same values (one
//    scanner per partition, record() per value, no Kafka, no store), each partition's values
//    of a chunk in one buffer and fed in a run, as kafkajs hands over a fetched batch: ns per
//    value without a rejection (the target), µs per rejection, and ns per value overall.
// 5. Alert latency: with a producer process streaming filler into the topic the daemon pieces
//    consume (KafkaSource + Pipeline + createAlerting, Slack receiver → a local HTTP server,
//    groupWait 0, evaluateInterval 100ms), a `535 … 2FA` line is produced for each of
//    BENCH_KAFKA_ALERTS services (default 50) at BENCH_KAFKA_ALERT_EVERY_MS (default 200) apart;
//    the latency is produce → the Slack request's arrival for that service.
//
// Knobs (environment): BENCH_KAFKA=0 skips both (in run.js); BENCH_KAFKA_CASES (comma list of
// detector, throughput, latency; default all three, which the targets need), BENCH_KAFKA_MESSAGES,
// BENCH_KAFKA_REPS (default 3), BENCH_KAFKA_ALERTS, BENCH_KAFKA_ALERT_EVERY_MS,
// BENCH_KAFKA_LOAD_RATE (background messages/s, default 50000; 0 = as fast as the producer can),
// BENCH_SEED (default 7). Alone: `npm run build && node bench/kafka.js` prints the results as JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openBroker, producerFor, topicEnds, uniqueName } from './lib/kafka-broker.js';
import { forEachChunk } from './lib/kafka-messages.js';
import { median } from './lib/measure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PARTITIONS = 6;
/** The daemon's defaults (src/config/schema.ts, src/sources/kafka/kafkajs-client.ts), used by both consumers. */
const FETCH = { maxBytesPerPartition: 1024 * 1024, maxBytes: 10 * 1024 * 1024, maxWaitTimeMs: 1_000, partitionsConsumedConcurrently: 2 };
/** How often a drain checks whether it reached the end. Milliseconds; both consumers alike. */
const POLL_MS = 20;
/** A global in Node; taken from globalThis because the lint config does not list it. */
const { AbortController } = globalThis;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** Both cases; resolves with { throughput, latency } as stored in results.json. */
export const runKafkaCases = async ({ log = (s) => console.log(`bench: kafka: ${s}`), seed = Number(process.env.BENCH_SEED ?? 7) } = {}) => {
  const messages = Number(process.env.BENCH_KAFKA_MESSAGES ?? 2_000_000);
  const reps = Number(process.env.BENCH_KAFKA_REPS ?? 3);
  const cases = new Set((process.env.BENCH_KAFKA_CASES ?? 'detector,throughput,latency').split(',').map((c) => c.trim()));
  const dist = await distModules();
  const dir = mkdtempSync(join(tmpdir(), 'authwatch-bench-kafka-'));
  // The detector alone first, before the broker's JVM competes for the CPU.
  let detector;
  if (cases.has('detector')) {
    log(`detector alone: ${messages} values, ${reps} runs`);
    detector = await detectorAlone(dist, messages, seed, reps);
    log(`detector alone: ${detector.nsPerNonCandidate.toFixed(0)} ns per value without a rejection, ${(detector.nsPerRejection / 1000).toFixed(0)} µs per rejection, ${detector.nsPerMessage.toFixed(0)} ns per value overall (medians)`);
  }
  if (!cases.has('throughput') && !cases.has('latency')) {
    rmSync(dir, { recursive: true, force: true });
    return { throughput: { detector } };
  }
  const broker = await openBroker(ROOT, log);
  try {
    const throughput = cases.has('throughput') ? await throughputCase({ broker, dist, dir, messages, reps, seed, log }) : {};
    throughput.detector = detector;
    const latency = cases.has('latency') ? await latencyCase({ broker, dist, dir, seed, log }) : undefined;
    return { throughput, latency };
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Target rows for results.targets / BENCHMARKS.md, for the cases that ran. */
export const kafkaTargets = (k) => {
  const t = k.throughput;
  const l = k.latency;
  const rate = (x) => `${Math.round(x / 1000)}k msg/s`;
  const rows = [
    t.bare && {
      name: `Kafka ${t.messages.toLocaleString('en')} msgs: authwatch ≤ 1.2 × bare kafkajs eachBatch`,
      measured: `${t.ratio.toFixed(2)}× (bare ${t.bare.medianSeconds.toFixed(2)} s, ${rate(t.bare.messagesPerSecond)}; authwatch ${t.authwatch.medianSeconds.toFixed(2)} s, ${rate(t.authwatch.messagesPerSecond)})`,
      met: t.ratio <= 1.2,
    },
    t.detector && {
      name: 'Kafka: matching cost ≤ 150 ns per message (detector alone, non-candidates)',
      measured: `${t.detector.nsPerNonCandidate.toFixed(0)} ns (every value, rejections included: ${t.detector.nsPerMessage.toFixed(0)} ns; a rejection: ${(t.detector.nsPerRejection / 1000).toFixed(0)} µs)`,
      met: t.detector.nsPerNonCandidate <= 150,
    },
    l && {
      name: `alert latency p99 < 1 s (${l.samples} services, Kafka load running)`,
      measured: l.received === l.samples ? `p99 ${l.p99Ms.toFixed(0)} ms, p50 ${l.p50Ms.toFixed(0)} ms` : `${l.received} of ${l.samples} alerts arrived`,
      met: l.received === l.samples && l.p99Ms < 1000,
    },
  ];
  return rows.filter(Boolean);
};

/** The built modules the daemon is made of (npm run build puts them in dist/). */
const distModules = async () => {
  const load = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
  const [parsers, options, pipeline, db, events, source, records, logger, alerts] = await Promise.all([
    load('parsers/index.js'),
    load('src/detector-options.js'),
    load('src/pipeline.js'),
    load('src/store/db.js'),
    load('src/store/events.js'),
    load('src/sources/kafka-source.js'),
    load('src/sources/kafka/kafka-records.js'),
    load('src/telemetry/logger.js'),
    load('alerts/index.js'),
  ]);
  return {
    createDetector: parsers.createDetector,
    detectorOptions: options.detectorOptions,
    Pipeline: pipeline.Pipeline,
    openDb: db.openDb,
    EventStore: events.EventStore,
    KafkaSource: source.KafkaSource,
    storedNextOffset: records.storedNextOffset,
    silentLog: logger.silentLog,
    createAlerting: alerts.createAlerting,
    AlertsConfigSchema: alerts.AlertsConfigSchema,
  };
};

// ---------------------------------------------------------------------------------------------
// Case 4

/**
 * record() over every value, one scanner per partition as the pipeline has, `reps` scanner sets
 * fed chunk by chunk in rotating order; only the record() calls are timed. Each chunk reaches
 * the scanners a partition at a time, in offset order, as the pipeline hands over a fetched
 * batch. The rejections are timed on their own: a rejection costs microseconds (decoding, MTA
 * correlation over the lookback window), every other value should cost next to nothing, and
 * the two figures answer different questions.
 */
const detectorAlone = async (dist, count, seed, reps) => {
  const detector = dist.createDetector(dist.detectorOptions());
  const sets = Array.from({ length: reps }, (_, rep) =>
    Array.from({ length: PARTITIONS }, (_, p) => {
      const meta = { source: `bench-${rep}`, topic: 'bench', partition: p, key: null, headers: {} };
      return { meta, scanner: detector.open({ stream: `kafka:bench:${p}`, startOffset: 0, startLine: 1, meta }) };
    }),
  );
  const cleanNs = new Array(reps).fill(0n);
  const rejectionNs = new Array(reps).fill(0n);
  const found = new Array(reps).fill(0);
  let chunk = 0;
  const truth = await forEachChunk(count, { seed }, (generated, first, rejectionsAt) => {
    const values = asFetched(generated, first);
    const rejected = new Set(rejectionsAt);
    for (let k = 0; k < reps; k++) {
      const rep = (k + chunk) % reps;
      let n = 0;
      for (let p = 0; p < PARTITIONS; p++) {
        const { scanner, meta } = sets[rep][p];
        // The chunk's values of partition p: indexes i with (first + i) % PARTITIONS === p.
        // As the pipeline hands them over: the values of a run at once (recordRun), the arrays
        // built before the clock starts.
        const out = [];
        const metaOf = () => meta;
        const feed = (from, to) => {
          const run = [];
          const offsets = [];
          for (let i = from; i < to; i += PARTITIONS) {
            run.push(values[i]);
            offsets.push(Math.floor((first + i) / PARTITIONS));
          }
          return () => {
            out.length = 0;
            if (scanner.recordRun) scanner.recordRun(run, offsets, metaOf, out);
            else for (let k = 0; k < run.length; k++) out.push(...scanner.record(run[k], offsets[k], meta));
            n += out.length;
          };
        };
        let from = (((p - first) % PARTITIONS) + PARTITIONS) % PARTITIONS;
        for (let i = from; ; i += PARTITIONS) {
          if (i < values.length && !rejected.has(i)) continue;
          const clean = feed(from, i);
          const t0 = process.hrtime.bigint();
          clean();
          const t1 = process.hrtime.bigint();
          cleanNs[rep] += t1 - t0;
          if (i >= values.length) break;
          const rejection = feed(i, i + 1);
          const t2 = process.hrtime.bigint();
          rejection();
          rejectionNs[rep] += process.hrtime.bigint() - t2;
          from = i + PARTITIONS;
        }
      }
      found[rep] += n;
    }
    chunk++;
  });
  const clean = count - truth.rejections;
  const per = cleanNs.map((x, rep) => Number(x + rejectionNs[rep]) / count);
  const perClean = cleanNs.map((x) => Number(x) / clean);
  const perRejection = rejectionNs.map((x) => Number(x) / Math.max(1, truth.rejections));
  return {
    messages: count,
    runs: reps,
    nsPerMessage: median(per),
    minNs: Math.min(...per),
    maxNs: Math.max(...per),
    /** The values without a rejection: what a message costs when there is nothing in it. */
    nsPerNonCandidate: median(perClean),
    nsPerRejection: median(perRejection),
    detections: found[0],
    rejections: truth.rejections,
  };
};

/**
 * The values as kafkajs hands them over: views into one buffer per partition (the fetch
 * response), each partition's values back to back in offset order, not scattered over the
 * small allocations they were generated in.
 */
const asFetched = (values, first) => {
  const out = new Array(values.length);
  for (let p = 0; p < PARTITIONS; p++) {
    const from = (((p - first) % PARTITIONS) + PARTITIONS) % PARTITIONS;
    let bytes = 0;
    for (let i = from; i < values.length; i += PARTITIONS) bytes += values[i].length;
    const response = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = from; i < values.length; i += PARTITIONS) {
      values[i].copy(response, at);
      out[i] = response.subarray(at, at + values[i].length);
      at += values[i].length;
    }
  }
  return out;
};

const throughputCase = async ({ broker, dist, dir, messages, reps, seed, log }) => {
  const topic = uniqueName('bench-kafka');
  await broker.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  const t0 = now();
  const truth = await produceAll(broker.kafka, topic, messages, seed);
  const ends = await topicEnds(broker.admin, topic);
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  if (total !== messages) throw new Error(`the topic holds ${total} messages; ${messages} were produced`);
  log(`pre-filled ${topic}: ${messages} messages, ${(truth.bytes / 1e6).toFixed(0)} MB (${(truth.bytes / messages).toFixed(0)} B each), ${truth.rejections} rejections, in ${((now() - t0) / 1000).toFixed(1)} s`);

  // The first group coordinator lookup on a fresh broker creates __consumer_offsets, which would
  // land on whichever consumer runs first; do it here, untimed.
  await broker.admin.setOffsets({ groupId: uniqueName('bench-warmup'), topic, partitions: [{ partition: 0, offset: '0' }] });

  // Long enough for a slow machine, short enough that a stuck consumer ends the run.
  const timeoutMs = 60_000 + messages / 5;
  const runs = { bare: [], authwatch: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? ['bare', 'authwatch'] : ['authwatch', 'bare'];
    for (const which of order) {
      const r = which === 'bare' ? await bareDrain(broker.kafka, topic, ends, timeoutMs) : await authwatchDrain(broker.brokers, dist, join(dir, `drain-${rep}.sqlite`), topic, ends, timeoutMs, truth);
      runs[which].push(r);
      log(`run ${rep + 1}/${reps} ${which}: ${r.seconds.toFixed(2)} s (${Math.round(messages / r.seconds)} msg/s; first batch after ${r.firstBatchSeconds.toFixed(2)} s)`);
    }
  }
  const summary = (rs) => {
    const secs = rs.map((r) => r.seconds);
    const med = median(secs);
    const steady = median(rs.map((r) => r.seconds - r.firstBatchSeconds));
    return {
      runs: rs.length,
      medianSeconds: med,
      minSeconds: Math.min(...secs),
      maxSeconds: Math.max(...secs),
      messagesPerSecond: messages / med,
      mbPerSecond: truth.bytes / 1e6 / med,
      /** From the first batch handed over, i.e. without connect and group join. */
      medianSteadySeconds: steady,
      steadyMessagesPerSecond: messages / steady,
      ...(rs[0].stored && { stored: rs.map((r) => r.stored) }),
    };
  };
  const bare = summary(runs.bare);
  const authwatch = summary(runs.authwatch);
  const line = (name, x) => `${name} median ${x.medianSeconds.toFixed(2)} s (${x.minSeconds.toFixed(2)}–${x.maxSeconds.toFixed(2)}), ${Math.round(x.messagesPerSecond)} msg/s, ${x.mbPerSecond.toFixed(1)} MB/s`;
  log(`${line('bare kafkajs', bare)}; ${line('authwatch', authwatch)}; ratio ${(authwatch.medianSeconds / bare.medianSeconds).toFixed(2)}× (from the first batch: ${(authwatch.medianSteadySeconds / bare.medianSteadySeconds).toFixed(2)}×)`);
  return {
    messages,
    bytes: truth.bytes,
    partitions: PARTITIONS,
    rejections: truth.rejections,
    rejectionsByKind: truth.kinds,
    fetch: FETCH,
    bare,
    authwatch,
    ratio: authwatch.medianSeconds / bare.medianSeconds,
    steadyRatio: authwatch.medianSteadySeconds / bare.medianSteadySeconds,
  };
};

/** Round-robin over the partitions, CHUNK values per send, 4 sends in flight, acks from all replicas. */
const produceAll = async (kafka, topic, count, seed) => {
  const producer = producerFor(kafka);
  await producer.connect();
  const inFlight = [];
  try {
    const truth = await forEachChunk(count, { seed }, async (values, first) => {
      inFlight.push(producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: (first + i) % PARTITIONS })) }));
      if (inFlight.length >= 4) await inFlight.shift();
    });
    await Promise.all(inFlight);
    return truth;
  } finally {
    await producer.disconnect();
  }
};

/** Polls `done()` every POLL_MS until it holds; throws after timeoutMs. */
const until = async (done, timeoutMs, what) => {
  const deadline = now() + timeoutMs;
  while (!done()) {
    if (now() > deadline) throw new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(POLL_MS);
  }
};

const reached = (progress, ends) => [...ends].every(([p, end]) => (progress.get(p) ?? 0) >= end);

/** (a): eachBatch resolves the batch's last offset and commits it, nothing else. */
const bareDrain = async (kafka, topic, ends, timeoutMs) => {
  const t0 = now();
  let firstBatchAt;
  const progress = new Map();
  const consumer = kafka.consumer({
    groupId: uniqueName('bench-bare'),
    maxBytesPerPartition: FETCH.maxBytesPerPartition,
    maxBytes: FETCH.maxBytes,
    maxWaitTimeInMs: FETCH.maxWaitTimeMs,
    allowAutoTopicCreation: false,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: FETCH.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        firstBatchAt ??= now();
        const last = batch.lastOffset();
        resolveOffset(last);
        const next = Number(last) + 1;
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(next) }]);
        progress.set(batch.partition, next);
      },
    });
    await until(() => reached(progress, ends), timeoutMs, 'the bare consumer');
    const seconds = (now() - t0) / 1000;
    return { seconds, firstBatchSeconds: ((firstBatchAt ?? now()) - t0) / 1000 };
  } finally {
    await consumer.disconnect();
  }
};

/** (b): the daemon's Kafka path into a fresh SQLite file; done when the stored checkpoints reach the ends. */
const authwatchDrain = async (brokers, dist, dbPath, topic, ends, timeoutMs, truth) => {
  const t0 = now();
  let firstBatchAt;
  const db = dist.openDb(dbPath);
  const store = new dist.EventStore(db);
  const pipeline = new dist.Pipeline({ detector: dist.createDetector(dist.detectorOptions()), store });
  const sink = (batch) => {
    firstBatchAt ??= now();
    return pipeline.sink(batch);
  };
  const source = new dist.KafkaSource(
    { id: 'bench', brokers: [brokers], topics: [topic], groupId: uniqueName('bench-authwatch'), fromBeginning: true, maxBytesPerPartition: FETCH.maxBytesPerPartition, maxBytes: FETCH.maxBytes, maxWaitTimeMs: FETCH.maxWaitTimeMs, partitionsConsumedConcurrently: FETCH.partitionsConsumedConcurrently },
    store,
    dist.silentLog(),
  );
  const ac = new AbortController();
  const running = source.run(sink, ac.signal);
  const prefix = `kafka:${topic}:`;
  const stored = () => new Map(store.list('bench').filter((c) => c.stream.startsWith(prefix)).map((c) => [Number(c.stream.slice(prefix.length)), dist.storedNextOffset(c.state) ?? 0]));
  try {
    await until(() => reached(stored(), ends), timeoutMs, 'authwatch');
    const seconds = (now() - t0) / 1000;
    const byKind = Object.fromEntries(db.prepare("SELECT kind, count(*) AS n FROM events WHERE kind <> 'basic_auth_in_use' GROUP BY kind ORDER BY kind").all().map((r) => [r.kind, r.n]));
    const count = Object.values(byKind).reduce((a, b) => a + b, 0);
    const want = JSON.stringify(Object.fromEntries(Object.entries(truth.kinds).sort(([a], [b]) => a.localeCompare(b))));
    if (count !== truth.rejections || JSON.stringify(byKind) !== want) throw new Error(`authwatch stored ${JSON.stringify(byKind)}; the generator made ${want}`);
    const risk = db.prepare("SELECT count(*) FROM events WHERE kind = 'basic_auth_in_use'").pluck().get();
    return { seconds, firstBatchSeconds: ((firstBatchAt ?? now()) - t0) / 1000, stored: { rejections: count, basicAuthInUse: risk } };
  } finally {
    ac.abort();
    await running;
    db.close();
    for (const s of ['', '-wal', '-shm']) rmSync(`${dbPath}${s}`, { force: true });
  }
};

// ---------------------------------------------------------------------------------------------
// Case 5

const ALERT_LINE = 'Invalid login: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled';
const serviceName = (i) => `latency-svc-${String(i).padStart(3, '0')}`;
const SERVICE_RE = /latency-svc-\d{3}/;

const latencyCase = async ({ broker, dist, dir, seed, log }) => {
  const samples = Number(process.env.BENCH_KAFKA_ALERTS ?? 50);
  const everyMs = Number(process.env.BENCH_KAFKA_ALERT_EVERY_MS ?? 200);
  const loadRate = Number(process.env.BENCH_KAFKA_LOAD_RATE ?? 50_000);
  const warmupMs = 2_000;
  const topic = uniqueName('bench-alerts');
  await broker.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });

  // The Slack stand-in: records when each service's first notification arrives.
  const arrived = new Map();
  let requests = 0;
  const server = createServer((req, res) => {
    const at = now();
    requests++;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const m = SERVICE_RE.exec(body);
      if (m && !arrived.has(m[0])) arrived.set(m[0], at);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${server.address().port}/services/bench`;

  const dbPath = join(dir, 'alerts.sqlite');
  const db = dist.openDb(dbPath);
  const store = new dist.EventStore(db);
  const pipeline = new dist.Pipeline({ detector: dist.createDetector(dist.detectorOptions()), store });
  const source = new dist.KafkaSource({ id: 'bench', brokers: [broker.brokers], topics: [topic], groupId: uniqueName('bench-alerts'), fromBeginning: true }, store, dist.silentLog());
  const config = dist.AlertsConfigSchema.parse({ groupWait: '0s', evaluateInterval: '100ms', receivers: { slack: { type: 'slack', webhookUrl } } });
  const alerting = dist.createAlerting({ db, config, log: dist.silentLog() });
  const ac = new AbortController();
  const running = source.run(pipeline.sink, ac.signal);
  alerting.start();
  const producer = producerFor(broker.kafka);
  await producer.connect();
  let load;
  try {
    await until(() => source.health().state === 'running', 60_000, 'joining the consumer group');
    // The load runs through warm-up, the samples and the wait for the last alert, then ends itself.
    const loadSeconds = Math.ceil((warmupMs + samples * everyMs + 15_000) / 1000);
    load = startLoad(broker.brokers, topic, seed + 100, loadRate, loadSeconds);
    await sleep(warmupMs);
    log(`alert latency: ${samples} services, one every ${everyMs} ms, background load ${loadRate > 0 ? `${loadRate} msg/s` : 'unpaced'}`);
    const producedAt = new Map();
    const samplesStartedAt = now();
    for (let i = 0; i < samples; i++) {
      const service = serviceName(i);
      const value = JSON.stringify({ level: 50, time: new Date().toISOString(), service, msg: 'mail send failed', err: ALERT_LINE });
      producedAt.set(service, now());
      await producer.send({ topic, acks: -1, messages: [{ value, partition: i % PARTITIONS }] });
      await sleep(Math.max(0, everyMs - (now() - producedAt.get(service))));
    }
    await until(() => arrived.size >= samples, 15_000, 'the last alerts').catch(() => undefined);
    const lagAtEnd = source.lag().reduce((s, p) => s + (p.lag ?? 0), 0);
    const loadStats = await load.stop();
    const latencies = [...producedAt].filter(([s]) => arrived.has(s)).map(([s, t]) => arrived.get(s) - t).sort((a, b) => a - b);
    const pct = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] : NaN);
    log(`alert latency: ${latencies.length} of ${samples} alerts arrived; p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, min–max ${(latencies[0] ?? NaN).toFixed(0)}–${(latencies[latencies.length - 1] ?? NaN).toFixed(0)} ms; load ${Math.round(loadStats.messages / loadStats.seconds)} msg/s`);
    return {
      samples,
      received: latencies.length,
      slackRequests: requests,
      everyMs,
      groupWaitMs: config.groupWait,
      evaluateIntervalMs: config.evaluateInterval,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      minMs: latencies[0] ?? NaN,
      maxMs: latencies[latencies.length - 1] ?? NaN,
      /** Every sample, in production order; null when its alert never arrived. */
      latenciesMs: [...producedAt].map(([s, t]) => (arrived.has(s) ? Math.round(arrived.get(s) - t) : null)),
      load: { targetRate: loadRate, ...loadStats, messagesPerSecond: loadStats.messages / loadStats.seconds, samplingSeconds: (now() - samplesStartedAt) / 1000 },
      lagAtEndMessages: lagAtEnd,
    };
  } finally {
    await load?.stop();
    await producer.disconnect();
    ac.abort();
    await running;
    await alerting.close();
    db.close();
    await new Promise((resolve) => server.close(resolve));
  }
};

/** The background producer (bench/lib/kafka-load.js) as a child process; stop() ends it and resolves with its counts. */
const startLoad = (brokers, topic, seed, rate, seconds) => {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'kafka-load.js'), brokers, topic, String(PARTITIONS), String(seed), String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let result;
  return {
    stop: async () => {
      if (result) return result;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      try {
        result = JSON.parse(out.trim().split('\n').pop());
      } catch {
        result = { messages: 0, bytes: 0, seconds: 1 };
      }
      return result;
    },
  };
};

// Alone: print the results.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runKafkaCases();
  // run.js reads them from a file: stdout carries the progress lines.
  if (process.env.BENCH_KAFKA_RESULTS) {
    writeFileSync(process.env.BENCH_KAFKA_RESULTS, JSON.stringify(results));
    process.exit(0);
  }
  console.log(JSON.stringify(results, null, 2));
  const all = results.latency !== undefined && results.throughput.bare !== undefined && results.throughput.detector !== undefined;
  if (all) for (const t of kafkaTargets(results)) console.log(`target ${t.name}: ${t.measured} ${t.met ? 'met' : 'NOT met'}`);
}

// Turns measured runs into the printed table, results.json and BENCHMARKS.md.
import { writeFileSync } from 'node:fs';
import { median } from './measure.js';

const fmt = (x, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));

/** Summary of one command's runs: median, min and max seconds, throughput, peak RSS. */
export const summarize = (runs, bytes) => {
  const secs = runs.map((r) => r.seconds);
  const rss = runs.map((r) => r.rssKiB).filter((x) => x !== null);
  const med = median(secs);
  return {
    runs: secs.length,
    medianSeconds: med,
    minSeconds: Math.min(...secs),
    maxSeconds: Math.max(...secs),
    gbPerSecond: bytes ? bytes / med / 1e9 : null,
    peakRssMiB: rss.length ? Math.max(...rss) / 1024 : null,
  };
};

export const tableRows = (suites) => {
  const rows = [];
  for (const s of suites) {
    for (const [tool, r] of Object.entries(s.tools)) {
      const ratios = Object.entries(s.ratioTo ?? {})
        .map(([ref, label]) => (s.tools[ref] ? `${(r.medianSeconds / s.tools[ref].medianSeconds).toFixed(2)}× ${label}` : null))
        .filter(Boolean)
        .join(', ');
      rows.push([s.name, tool, fmt(r.medianSeconds), `${fmt(r.minSeconds)}–${fmt(r.maxSeconds)}`, fmt(r.gbPerSecond), fmt(r.peakRssMiB, 0), tool.startsWith('authwatch') ? ratios : '']);
    }
  }
  return rows;
};

const HEAD = ['case', 'command', 'median s', 'min–max s', 'GB/s', 'peak RSS MiB', 'ratio'];

export const printTable = (rows) => {
  const w = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ');
  console.log(line(HEAD));
  for (const r of rows) console.log(line(r));
};

export const writeMarkdown = (path, results, rows) => {
  const m = results.machine;
  const md = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (see the README, "Performance", for what each case measures and how to',
    'reproduce). Times are whole processes, median of interleaved runs, page cache warm. Compare ratios,',
    'not absolute times: they are measured against the reference tools in the same run.',
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}. ${results.references.grep ?? 'no grep'}; ${results.references.rg ?? 'no ripgrep'}. Run at ${results.at}, seed ${results.params.seed}, ${results.params.reps} runs per command.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} |`),
    '',
    '## Store burst',
    '',
    results.store
      ? `${results.store.detections} detections (every line a rejection): ${Math.round(results.store.detectionsPerSecond)} detections/s after start-up; database ${fmt(results.store.dbMiBPerMillion, 0)} MiB per million detections.`
      : 'Not run.',
    '',
    ...kafkaSection(results.kafka),
    ...(results.todo.length > 0 ? ['## Not measured in this run', '', ...results.todo.map((t) => `- ${t}`), ''] : []),
  ].join('\n');
  writeFileSync(path, md);
};

/** The Kafka cases (bench/kafka.js) as a table, when they ran. */
const kafkaSection = (k) => {
  const t = k?.throughput;
  if (!t?.bare || !t.authwatch) return [];
  const run = (name, x, ratio) =>
    `| ${name} | ${fmt(x.medianSeconds)} | ${fmt(x.minSeconds)}–${fmt(x.maxSeconds)} | ${Math.round(x.messagesPerSecond).toLocaleString('en')} | ${ratio} |`;
  const d = t.detector;
  const l = k.latency;
  return [
    '## Kafka',
    '',
    `A local single-node broker on the same machine; ${t.partitions} partitions pre-filled with ${t.messages.toLocaleString('en')} messages (${fmt(t.bytes / 1e6, 0)} MB, ${t.rejections} rejections); each run drains them in a fresh consumer group, the two consumers alternating.`,
    '',
    '| consumer | median s | min–max s | msg/s | ratio |',
    '| --- | --- | --- | --- | --- |',
    run('bare kafkajs `eachBatch` (resolve + commit only)', t.bare, 'reference'),
    run('authwatch: KafkaSource + pipeline + SQLite (detect, store, commit)', t.authwatch, `${fmt(t.ratio)}×`),
    '',
    ...(d ? [`Detector alone: ${fmt(d.nsPerNonCandidate, 0)} ns per message without a rejection, ${fmt(d.nsPerMessage, 0)} ns per message overall, ${fmt(d.nsPerRejection / 1000, 0)} µs per rejection (median of ${d.runs} runs over the same values).`, ''] : []),
    ...(l ? [`Alert latency, produce → Slack stand-in, groupWait 0, ${l.samples} services, background load ${Math.round(l.load.messagesPerSecond).toLocaleString('en')} msg/s: ${l.received} of ${l.samples} arrived; p50 ${fmt(l.p50Ms, 0)} ms, p99 ${fmt(l.p99Ms, 0)} ms, max ${fmt(l.maxMs, 0)} ms.`, ''] : []),
  ];
};

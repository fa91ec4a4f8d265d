import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ChunkBatch, Detection, ScanStats } from '../../contracts.js';
import { createDetector } from '../../../parsers/index.js';
import type { Config } from '../../config/schema.js';
import { detectorOptions } from '../../detector-options.js';
import { Pipeline } from '../../pipeline.js';
import { openDb } from '../../store/db.js';
import { EventStore } from '../../store/events.js';
import { gzipFileChunks, isGzipFile, plainFileChunks, streamChunks } from '../../sources/file-chunks.js';
import { headFingerprint } from '../../sources/stream-identity.js';
import { nameFromPath } from '../../sources/source-name.js';
import { SummaryBuilder } from '../../output/summary.js';
import { renderServiceTable } from '../../output/service-table.js';
import { errorMessage, UsageError } from '../../errors.js';
import { WARM_UP_SLACK_BYTES } from '../../scan-threads/range-plan.js';
import { threadedScan, type ScanItem, type ThreadedScanOptions } from '../../scan-threads/threaded-scan.js';
import type { WorkerPool } from '../../scan-threads/worker-pool.js';
import { parseRangeBytes } from '../../scan-threads/threads-option.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, write, type CliContext } from '../io.js';
import type { ScanOptions } from './scan.js';

/**
 * What `authwatch scan` does once its options are parsed (scan.ts registers the command and
 * starts the workers of --threads before this module loads). `pool`: those workers, with a lane
 * kept for this thread.
 */
export async function scan(paths: string[], opts: ScanOptions, ctx: CliContext, pool: WorkerPool | undefined): Promise<number> {
  const { io } = ctx;
  const rangeBytes = opts.rangeBytes === undefined ? undefined : parseRangeBytes(opts.rangeBytes);
  const inputs = paths.length > 0 ? paths : io.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0) throw new UsageError('scan needs a path, or log lines piped to stdin (see authwatch scan --help).');
  // The config loader (schema library, YAML) is loaded only when a config is given: scans start faster.
  const config: Readonly<Config> | undefined = opts.config ? (await import('../../config/load.js')).loadConfig(opts.config, io.env) : undefined;
  const db = openDb(opts.store ? (opts.db ?? config?.database.path ?? DEFAULT_DB_PATH) : ':memory:');
  const summary = new SummaryBuilder();
  let found = 0;
  const onDetection = (d: Detection): void => {
    found++;
    if (opts.format === 'ndjson') io.stdout.write(`${JSON.stringify(toNdjson(d))}\n`);
    else summary.add(d);
  };
  const options = detectorOptions(config);
  const detector = createDetector(options);
  const store = new EventStore(db);
  const pipeline = new Pipeline({ detector, store, onDetections: (all) => all.forEach(onDetection) });
  let failed = false;
  const cannotList = (path: string, err: string): void => {
    failed = true;
    write(io.stderr, `authwatch: cannot read ${path}: ${err}; skipped.`);
  };
  const readFailed = (file: string, err: unknown): void => {
    failed = true;
    write(io.stderr, `authwatch: ${file}: ${describeReadError(err)}; what was read before it was scanned.`);
  };
  const scanHere = async (file: string, stdin: Readable | undefined): Promise<void> => {
    try {
      await scanOne(file, stdin, pipeline);
    } catch (err) {
      readFailed(file, err);
    }
  };
  let stats: ScanStats;
  try {
    if (pool === undefined) {
      for (const input of inputs) {
        for await (const file of expand(input, cannotList)) await scanHere(file, input === '-' ? io.stdin : undefined);
      }
      stats = pipeline.stats();
    } else {
      const threaded = await scanOnThreads(inputs, {
        threads: pool.size,
        rangeBytes,
        overlapBytes: options.lookbackBytes + WARM_UP_SLACK_BYTES,
        pool,
        store,
        onDetections: (all) => all.forEach(onDetection),
        onFileError: readFailed,
        inlineDetector: detector,
        cannotList,
        scanStdin: () => scanHere('-', io.stdin),
      });
      stats = pipeline.stats();
      for (const k of Object.keys(stats) as Array<keyof ScanStats>) stats[k] += threaded[k];
    }
  } finally {
    db.close();
  }
  if (opts.format === 'json') {
    write(io.stdout, JSON.stringify({ services: summary.build(), stats }, null, 2));
  } else if (opts.format === 'table') {
    write(io.stdout, renderServiceTable(summary.build(), summary.kindsSeen()));
  }
  if (stats.longLines + stats.binaryLines + stats.malformed > 0) {
    write(io.stderr, `authwatch: skipped ${stats.longLines} over-long, ${stats.binaryLines} binary and ${stats.malformed} malformed line(s).`);
  }
  if (failed) return EXIT.partial;
  return found > 0 ? EXIT.found : EXIT.ok;
}

/**
 * `--threads N`: files are scanned on worker threads (src/scan-threads/), in the order
 * `expand` lists them; stdin is still read here, in its turn. Returns the workers' totals.
 */
async function scanOnThreads(
  inputs: readonly string[],
  opts: ThreadedScanOptions & { cannotList: (path: string, err: string) => void; scanStdin: () => Promise<void> },
): Promise<ScanStats> {
  const items: ScanItem[] = [];
  for (const input of inputs) {
    if (input === '-') {
      items.push({ kind: 'inline', run: opts.scanStdin });
      continue;
    }
    for await (const file of expand(input, (path, err) => items.push({ kind: 'note', emit: () => opts.cannotList(path, err) }))) items.push({ kind: 'file', path: file });
  }
  return (await threadedScan(items, opts)).stats;
}

/** Files under a path: the file itself, every regular file below a directory (sorted), or stdin. */
async function* expand(input: string, onError: (path: string, err: string) => void): AsyncGenerator<string> {
  if (input === '-') {
    yield '-';
    return;
  }
  let st;
  try {
    st = await stat(input);
  } catch (err) {
    onError(input, describeReadError(err));
    return;
  }
  if (st.isFile()) {
    yield input;
    return;
  }
  if (!st.isDirectory()) {
    onError(input, 'not a regular file or directory');
    return;
  }
  let entries;
  try {
    entries = await readdir(input, { withFileTypes: true });
  } catch (err) {
    onError(input, describeReadError(err));
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(input, e.name);
    if (e.isDirectory()) yield* expand(p, onError);
    else if (e.isFile()) yield p;
  }
}

/**
 * Scans one file or stdin. The stream's identity comes from its first line, so the head is
 * gathered before the first chunk goes to the pipeline.
 */
async function scanOne(path: string, stdin: Readable | undefined, pipeline: Pipeline): Promise<void> {
  const chunks = stdin ? streamChunks(stdin) : (await isGzipFile(path)) ? gzipFileChunks(path) : plainFileChunks(path);
  const meta = stdin ? { source: path, name: 'stdin' } : { source: path, path, name: nameFromPath(path) };
  const batch = (stream: string, bytes: Buffer, extra: Partial<ChunkBatch> = {}): ChunkBatch => ({ type: 'chunk', sourceId: path, stream, bytes, meta, ...extra });
  const streamId = (fp: string) => `${stdin ? 'stdin' : 'file'}:${fp}`;
  const start = { reset: { startOffset: 0, startLine: 1 } };
  let stream: string | undefined;
  const head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of chunks) {
    if (stream !== undefined) {
      await pipeline.sink(batch(stream, chunk));
      continue;
    }
    head.push(Buffer.from(chunk));
    headBytes += chunk.length;
    const joined = Buffer.concat(head, headBytes);
    const fp = headFingerprint(joined);
    if (fp === undefined) continue;
    stream = streamId(fp);
    await pipeline.sink(batch(stream, joined, start));
  }
  if (stream !== undefined) {
    await pipeline.sink(batch(stream, Buffer.alloc(0), { eof: true }));
    return;
  }
  const joined = Buffer.concat(head, headBytes);
  const fp = headFingerprint(joined, true);
  if (fp !== undefined) await pipeline.sink(batch(streamId(fp), joined, { ...start, eof: true }));
}

function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return `the gzip data is truncated or corrupt (${errorMessage(err)})`;
  return errorMessage(err);
}

function toNdjson(d: Detection) {
  return {
    source: d.source,
    line: d.line,
    kind: d.kind,
    channel: d.channel,
    service: d.service,
    service_via: d.serviceVia,
    provider: d.provider,
    ts: d.ts,
    host: d.host,
    program: d.program,
    signature: d.signature,
    message: d.message,
  };
}

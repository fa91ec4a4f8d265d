/**
 * Runs a real single-node Apache Kafka broker (KRaft, combined broker+controller) as a child JVM
 * on loopback, for integration tests. No Docker: the jars come from Maven Central (kafka-jars.ts).
 *
 * The broker can be stopped for an outage and started again on the same ports and data directory,
 * which is how the source tests simulate a broker going away mid-stream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaJars } from './kafka-jars.js';
import { freePort } from './free-port.js';
import { brokerAnswers } from './kafka-admin.js';

export interface KafkaBrokerOptions {
  /** Kafka version to run; default from kafka-jars.ts (env AUTHWATCH_KAFKA_VERSION). */
  readonly version?: string;
  /** Extra or overriding server.properties entries. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** Longest wait for the broker to answer metadata requests. Milliseconds; default 60000. */
  readonly startTimeoutMs?: number;
  /** JVM heap ceiling. MiB; default 512. */
  readonly heapMb?: number;
}

export interface KafkaBroker {
  /** `host:port` of the PLAINTEXT listener, as a kafkajs `brokers` entry. */
  readonly brokers: string;
  readonly dataDir: string;
  /** The JVM's stdout and stderr, appended across restarts. */
  readonly logFile: string;
  isRunning(): boolean;
  /**
   * Ends the broker process but keeps its ports and data, so start() brings the same cluster
   * back. SIGTERM lets it shut down cleanly; SIGKILL simulates a crash.
   */
  stopForOutage(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the broker again after stopForOutage(); resolves once it answers. */
  start(): Promise<void>;
  /** Stops the broker for good and deletes its data directory. */
  stop(): Promise<void>;
}

/** Time a SIGTERM gets before SIGKILL. Milliseconds. */
const STOP_GRACE_MS = 10_000;
/** Lines of the broker log quoted when it fails to start. */
const LOG_TAIL_LINES = 40;

/**
 * Formats a fresh data directory under the OS temp dir and starts the broker. If the start fails,
 * the directory is left in place so the log named in the error can still be read.
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const lib = await ensureKafkaJars(opts.version ? { version: opts.version } : {});
  const dataDir = await mkdtemp(join(tmpdir(), 'authwatch-kafka-'));
  const logFile = join(dataDir, 'broker.log');
  const propsFile = join(dataDir, 'server.properties');
  const [port, controllerPort] = [await freePort(), await freePort()];
  const brokers = `127.0.0.1:${port}`;

  await writeFile(propsFile, serverProperties(dataDir, port, controllerPort, opts.properties ?? {}));
  await runJava(lib, ['kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile, '--ignore-formatted'], logFile, opts);

  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error(`Kafka broker on ${brokers} is already running.`);
    const proc = spawnJava(lib, ['kafka.Kafka', propsFile], logFile, opts);
    child = proc;
    process.once('exit', killOnExit);
    let exited: string | undefined;
    proc.once('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
      if (child === proc) child = undefined;
    });
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline && exited === undefined) {
      if (await brokerAnswers(brokers)) return;
      await sleep(200);
    }
    await killProcess(proc);
    const why = exited ? `the JVM ended (${exited})` : `it did not answer within ${opts.startTimeoutMs ?? 60_000} ms`;
    throw new Error(`Kafka broker on ${brokers} failed to start: ${why}. Last lines of ${logFile}:\n${await tail(logFile)}`);
  };

  const stopForOutage = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (proc) await killProcess(proc, signal);
  };

  await start();
  return {
    brokers,
    dataDir,
    logFile,
    isRunning: () => child !== undefined,
    stopForOutage,
    start,
    stop: async () => {
      await stopForOutage();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function serverProperties(
  dataDir: string,
  port: number,
  controllerPort: number,
  extra: Readonly<Record<string, string | number | boolean>>,
): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // A static voter list works for both the 3.9 and 4.x lines and needs no --standalone flag.
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'controller.listener.names': 'CONTROLLER',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(dataDir, 'logs'),
    'metadata.log.dir': join(dataDir, 'metadata'),
    // Tests create their topics explicitly, so a typo in a topic name fails instead of
    // silently creating an empty topic.
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    // The default 50 partitions make the first group join create 50 logs; 4 is plenty here.
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Groups form at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': 0,
    // Lets tests use short consumer session timeouts (ms) so a dead member leaves quickly.
    'group.min.session.timeout.ms': 1000,
    // Single node: nothing to hand leadership to, so skip the controlled-shutdown dance.
    'controlled.shutdown.enable': false,
    'log.segment.bytes': 16 * 1024 * 1024,
    'message.max.bytes': 2 * 1024 * 1024,
    ...extra,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')
    .concat('\n');
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (22 characters). */
/** A random cluster id (base64url of 16 bytes). One starting with `-` would be read as an option by the storage tool. */
const clusterId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

function jvmArgs(lib: string, main: string[], opts: KafkaBrokerOptions): string[] {
  return [
    `-Xmx${opts.heapMb ?? 512}m`,
    '-Xms128m',
    // C1 only: the broker starts a few seconds faster and test loads never need C2.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    // Quiet by default; the start/stop lines and every warning stay, for the failure tail.
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp',
    join(lib, '*'),
    ...main,
  ];
}

function spawnJava(lib: string, main: string[], logFile: string, opts: KafkaBrokerOptions): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn('java', jvmArgs(lib, main, opts), { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

async function runJava(lib: string, main: string[], logFile: string, opts: KafkaBrokerOptions): Promise<void> {
  const proc = spawnJava(lib, main, logFile, opts);
  const code = await new Promise<number | string>((res, rej) => {
    proc.once('error', rej);
    proc.once('exit', (c, s) => res(c ?? s ?? 'unknown'));
  });
  if (code !== 0) throw new Error(`java ${main[0]} failed (exit ${code}). Last lines of ${logFile}:\n${await tail(logFile)}`);
}

/** SIGTERM (or the given signal), then SIGKILL after STOP_GRACE_MS; resolves when gone. */
async function killProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/**
 * Makes sure the jars of one Apache Kafka broker version are on disk, resolving them from Maven
 * Central with the small pom in ./kafka/ on first use. Later calls find the marker file and return
 * at once, so a warm start costs nothing here.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const POM = join(HERE, 'kafka', 'pom.xml');

/**
 * Broker version the tests run against unless AUTHWATCH_KAFKA_VERSION says otherwise. Kept to a
 * version checked with kafkajs 2.2.4 (consumer groups, produce, fetch, admin): 4.0.0 is NOT one of
 * them, as it dropped JoinGroup v0/v1 (KIP-896) until 4.0.1 and 4.1.0 brought them back.
 */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

/** Written last, so a download cut short is redone rather than trusted. */
const MARKER = '.complete';

/** A first download is ~45 jars / ~45 MB. Milliseconds. */
const MAVEN_TIMEOUT_MS = 5 * 60_000;

export interface KafkaJarsOptions {
  /** Kafka version (Maven version of org.apache.kafka:kafka_2.13). */
  readonly version?: string;
  /** Root of the jar cache; `<root>/<version>/lib` holds the jars. Default `<repo>/.cache/kafka`. */
  readonly cacheRoot?: string;
}

export const kafkaVersion = (): string => process.env.AUTHWATCH_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;

export const kafkaCacheRoot = (): string =>
  process.env.AUTHWATCH_KAFKA_CACHE ?? join(REPO_ROOT, '.cache', 'kafka');

/** Returns the directory holding the broker's jars, downloading them when missing. */
export async function ensureKafkaJars(opts: KafkaJarsOptions = {}): Promise<string> {
  const version = opts.version ?? kafkaVersion();
  const lib = join(opts.cacheRoot ?? kafkaCacheRoot(), version, 'lib');
  if (existsSync(join(lib, MARKER))) return lib;

  await rm(lib, { recursive: true, force: true });
  await mkdir(lib, { recursive: true });
  await runMaven(['-q', '-B', '-f', POM, `-Dkafka.version=${version}`, `-Dkafka.lib=${lib}`, 'dependency:copy-dependencies']);

  const jars = (await readdir(lib)).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith(`kafka_2.13-${version}`))) {
    throw new Error(`Maven finished but ${lib} holds no kafka_2.13-${version}.jar; check the version exists on Maven Central.`);
  }
  await writeFile(join(lib, MARKER), `${jars.length} jars\n`);
  return lib;
}

function runMaven(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: MAVEN_TIMEOUT_MS });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) =>
      reject(new Error(`Could not run mvn (${err.message}); the Kafka tests need Maven 3 and Java 17+ on PATH.`, { cause: err })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`mvn ${args.join(' ')} failed (exit ${code ?? signal}); Maven Central must be reachable on first run.\n${output}`));
    });
  });
}

import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { AuthwatchError, ConfigError, errorMessage } from '../errors.js';
import { fail, ok, withDeadline, type CheckResult } from './check.js';
import { checkDatabase } from './database-check.js';
import { checkHttp, checkReportCrons, checkWebhookUrl } from './endpoint-checks.js';
import { checkFileSource } from './file-check.js';
import { checkKafkaSource } from './kafka-check.js';
import { checkSmtpReceiver } from './smtp-check.js';

export interface DoctorOptions {
  /** Config file; without it only the database is checked. */
  readonly configPath?: string;
  /** Overrides the config's database.path. */
  readonly dbPath?: string;
  readonly defaultDbPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Longest one network check (a Kafka source, an SMTP server) may take. Milliseconds; default 20000. */
  readonly networkDeadlineMs?: number;
}

export interface DoctorReport {
  readonly results: CheckResult[];
  /** The loaded config, for scrubbing the output by its secret values; undefined when invalid. */
  readonly config?: Readonly<Config>;
}

/**
 * Runs every check that applies to the config, in a fixed order (config, database, HTTP, then
 * each source and receiver, then report schedules). Network checks run at the same time, each
 * under a deadline. Nothing is changed: no migration, no mail, no group join.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const results: CheckResult[] = [];
  let config: Readonly<Config> | undefined;
  if (opts.configPath !== undefined) {
    try {
      config = loadConfig(opts.configPath, opts.env);
      results.push(ok('config', `${opts.configPath} is valid (${config.sources.length} source(s), ${Object.keys(config.alerts?.receivers ?? {}).length} receiver(s)).`));
    } catch (err) {
      results.push(configFailure(opts.configPath, err));
    }
  } else {
    results.push(ok('config', 'no --config given: checking the database only.'));
  }

  results.push(...checkDatabase(opts.dbPath ?? config?.database.path ?? opts.defaultDbPath));
  if (!config) return { results };
  results.push(...checkHttp(config));

  const deadline = opts.networkDeadlineMs ?? 20_000;
  const pending: Array<Promise<CheckResult[]>> = [];
  config.sources.forEach((s, i) => {
    const id = s.id ?? `${s.type}-${i + 1}`;
    if (s.type === 'file') pending.push(checkFileSource(id, s));
    else if (s.type === 'kafka') pending.push(withDeadline(`kafka ${id}`, deadline, () => checkKafkaSource(id, s)));
    else pending.push(Promise.resolve([ok(`stdin ${id}`, 'reads standard input; nothing to check.')]));
  });
  for (const [name, r] of Object.entries(config.alerts?.receivers ?? {})) {
    if (r.type === 'email') pending.push(withDeadline(`smtp ${name}`, deadline, () => checkSmtpReceiver(name, r)));
    else if (r.type === 'slack') pending.push(Promise.resolve([checkWebhookUrl(name, 'slack', r.webhookUrl)]));
    else if (r.type === 'webhook') pending.push(Promise.resolve([checkWebhookUrl(name, 'webhook', r.url)]));
  }
  for (const batch of await Promise.all(pending)) results.push(...batch);
  results.push(...checkReportCrons(config));
  return { results, config };
}

function configFailure(path: string, err: unknown): CheckResult {
  if (err instanceof ConfigError) {
    return fail('config', `${path} is not valid: ${err.problems.join('; ')}.`, 'Correct each key named above; the README\'s configuration reference lists every key with its type and default.');
  }
  if (err instanceof AuthwatchError && err.code === 'CONFIG_UNREADABLE') return fail('config', errorMessage(err), 'Check the path and that this user may read the file.');
  return fail('config', `${path} could not be loaded: ${errorMessage(err)}.`, 'Check the file is YAML or JSON.');
}

import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig, validateConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { Daemon } from '../../daemon.js';
import type { LevelWithSilent } from 'pino';
import type { Log } from '../../contracts.js';
import { createLogger } from '../../telemetry/logger.js';
import { configSecrets } from '../../telemetry/config-secrets.js';
import { createScrubber } from '../../telemetry/scrub.js';
import { redact } from '../../../parsers/index.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, type CliContext, type CliIo } from '../io.js';
import { alertsConfigFromFlags, type AlertFlags } from '../../../alerts/index.js';
import { ROLES, type Role } from '../../roles/role.js';
import { FilterWorker } from '../../roles/filter-worker.js';
import { aggregateIngest } from '../../roles/aggregate-ingest.js';

interface RunOptions {
  config?: string;
  slackWebhook?: string;
  webhook?: string;
  emailTo?: string;
  emailFrom?: string;
  smtpUrl?: string;
  groupWait?: string;
  db?: string;
  fromBeginning: boolean;
  logLevel?: string;
  logFormat?: 'json' | 'pretty';
  shutdownGrace: string;
  http?: string;
  role: Role;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run the monitoring daemon: follow files, stdin or Kafka topics, store detections, alert. Stops on SIGTERM/SIGINT after draining.')
    .argument('[paths...]', 'without --config: files or globs to follow (- for stdin)')
    .option('-c, --config <file>', 'YAML or JSON config (sources, database, service rules, alerts)')
    .option('--db <path>', `SQLite database (default: the config's database.path, else ${DEFAULT_DB_PATH})`)
    .option('--from-beginning', 'without --config: read the given files from their start instead of their end', false)
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']))
    .addOption(new Option('--log-format <format>', 'log format (default: pretty on a terminal, json otherwise)').choices(['json', 'pretty']))
    .option('--shutdown-grace <ms>', 'milliseconds allowed for draining after SIGTERM', '10000')
    .addOption(new Option('--role <role>', 'all: read, detect, store and alert in this process; filter: detect in Kafka topics and publish to the detections topic; aggregate: store, alert and report from the detections topic').choices([...ROLES]).default('all'))
    .option('--http <host:port>', "serve /healthz, /readyz, /metrics and a status page on this address, e.g. 127.0.0.1:9464 (default: the config's http section, else off)")
    .option('--slack-webhook <url>', 'send alerts to this Slack incoming webhook (env AUTHWATCH_SLACK_WEBHOOK)')
    .option('--webhook <url>', 'send alerts as JSON to this URL (env AUTHWATCH_WEBHOOK)')
    .option('--email-to <addrs>', 'send alerts by email to these comma-separated addresses (env AUTHWATCH_EMAIL_TO)')
    .option('--email-from <addr>', 'sender address of alert emails (env AUTHWATCH_EMAIL_FROM)')
    .option('--smtp-url <url>', 'SMTP server for alert emails, smtp[s]://user:pass@host:port (env AUTHWATCH_SMTP_URL)')
    .option('--group-wait <duration>', 'wait this long to group a burst into one alert, e.g. 30s (env AUTHWATCH_GROUP_WAIT)')
    .action(async (paths: string[], opts: RunOptions) => {
      ctx.exit(await run(paths, opts, ctx));
    });
}

async function run(paths: string[], opts: RunOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  // Signals are taken over first, so a stop request during start-up still ends in a clean drain.
  const stop = onStopSignals();
  try {
    return await runDaemon(paths, opts, io, stop);
  } finally {
    stop.dispose();
  }
}

async function runDaemon(paths: string[], opts: RunOptions, io: CliIo, stop: StopSignals): Promise<number> {
  const base = opts.config ? loadConfig(opts.config, io.env) : configFromPaths(paths, opts.fromBeginning);
  const config = withAlertFlags(base, opts, io.env);
  if (opts.config && paths.length > 0) throw new UsageError('Give either --config or paths to follow, not both.');
  if (opts.role !== 'aggregate' && config.sources.length === 0) throw new UsageError('Nothing to watch: give files to follow (authwatch run /var/log/mail.log) or a config with sources.');
  // Logs go to stdout (JSON lines, or pretty for a terminal), where journald and container
  // runtimes collect them; see the README, "Operations", "Logs".
  const format = opts.logFormat ?? config.log.format ?? (io.stdout.isTTY ? 'pretty' : 'json');
  const log = createLogger({
    level: (opts.logLevel ?? config.log.level) as LevelWithSilent,
    pretty: format === 'pretty',
    destination: io.stdout,
    secrets: configSecrets(config),
    scrub: redact,
  });
  const grace = Number(opts.shutdownGrace);
  if (!Number.isInteger(grace) || grace < 0) throw new UsageError(`--shutdown-grace is ${opts.shutdownGrace}; expected a whole number of milliseconds.`);
  const http = opts.http !== undefined ? { ...parseHostPort(opts.http), ...(config.http?.token && { token: config.http.token }) } : config.http;
  // --role filter keeps no database and sends no alerts; --role aggregate is the daemon fed
  // from the detections topic. See the README, "Scale-out over Kafka".
  const daemon = opts.role === 'filter' ? new FilterWorker({ config, log, stdin: io.stdin, shutdownGraceMs: grace }) : new Daemon({
    ...(opts.role === 'aggregate' && { ingest: (store, l) => aggregateIngest(config, store, l) }),
    config,
    dbPath: opts.db ?? config.database.path ?? DEFAULT_DB_PATH,
    log,
    stdin: io.stdin,
    stdout: io.stdout,
    shutdownGraceMs: grace,
    ...(http && { http }),
    // With JSON logs on stdout, console alerts become JSON lines too, whatever the log level.
    ...(format === 'json' && { consoleAlertsLog: log.child({ component: 'alerts' }, { level: 'info' }) }),
    scrub: createScrubber(configSecrets(config), redact),
  });
  stop.setLog(log);
  await daemon.start();
  await Promise.race([stop.first, daemon.done]);
  await daemon.close();
  return EXIT.ok;
}

/**
 * SIGTERM or SIGINT starts a drain. A second one while draining gives up on it: the listeners
 * are removed and the signal is raised again, so the process ends with the signal's default
 * action at once (exit status 128 + signal number).
 */
interface StopSignals {
  /** Resolves with the first SIGTERM or SIGINT. */
  readonly first: Promise<string>;
  /** Logs the signals once the logger exists. */
  setLog(log: Log): void;
  dispose(): void;
}

function onStopSignals(): StopSignals {
  let stopping = false;
  let log: Log | undefined;
  const signals = ['SIGTERM', 'SIGINT'] as const;
  let resolveFirst: (sig: string) => void = () => undefined;
  const first = new Promise<string>((resolve) => (resolveFirst = resolve));
  const dispose = (): void => {
    for (const s of signals) process.removeListener(s, onSignal);
  };
  function onSignal(sig: NodeJS.Signals): void {
    if (!stopping) {
      stopping = true;
      log?.info({ signal: sig }, 'Stopping: draining in-flight work (send the signal again to exit at once).');
      resolveFirst(sig);
      return;
    }
    log?.warn({ signal: sig }, 'Second stop signal: exiting now without finishing the drain.');
    dispose();
    process.kill(process.pid, sig);
  }
  for (const s of signals) process.on(s, onSignal);
  return { first, dispose, setLog: (l) => (log = l) };
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (loopback); port 0 picks a free one. */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535) throw new UsageError(`--http is ${JSON.stringify(value)}; expected HOST:PORT such as 127.0.0.1:9464.`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Adds the quick alert flags (or their environment variables) to the config's alerts section. */
function withAlertFlags(config: Readonly<Config>, opts: RunOptions, env: CliIo['env']): Readonly<Config> {
  const flags: AlertFlags = {
    slackWebhook: opts.slackWebhook ?? env.AUTHWATCH_SLACK_WEBHOOK,
    webhook: opts.webhook ?? env.AUTHWATCH_WEBHOOK,
    emailTo: opts.emailTo ?? env.AUTHWATCH_EMAIL_TO,
    emailFrom: opts.emailFrom ?? env.AUTHWATCH_EMAIL_FROM,
    smtpUrl: opts.smtpUrl ?? env.AUTHWATCH_SMTP_URL,
    groupWait: opts.groupWait ?? env.AUTHWATCH_GROUP_WAIT,
  };
  if (Object.values(flags).every((v) => v === undefined || v === '')) return config;
  return { ...config, alerts: alertsConfigFromFlags(flags, config.alerts) };
}

function configFromPaths(paths: readonly string[], fromBeginning: boolean): Readonly<Config> {
  const files = paths.filter((p) => p !== '-');
  const sources: unknown[] = [];
  if (files.length > 0) sources.push({ type: 'file', id: 'files', paths: files, startAt: fromBeginning ? 'beginning' : 'end' });
  if (paths.includes('-')) sources.push({ type: 'stdin', id: 'stdin' });
  return validateConfig({ sources });
}

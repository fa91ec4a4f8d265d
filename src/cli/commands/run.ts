import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig, validateConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { Daemon } from '../../daemon.js';
import { createLogger } from '../../telemetry/logger.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, type CliContext, type CliIo } from '../io.js';
import { alertsConfigFromFlags, type AlertFlags } from '../../../alerts/index.js';

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
  const base = opts.config ? loadConfig(opts.config, io.env) : configFromPaths(paths, opts.fromBeginning);
  const config = withAlertFlags(base, opts, io.env);
  if (opts.config && paths.length > 0) throw new UsageError('Give either --config or paths to follow, not both.');
  if (config.sources.length === 0) throw new UsageError('Nothing to watch: give files to follow (authwatch run /var/log/mail.log) or a config with sources.');
  const log = createLogger({
    level: (opts.logLevel ?? config.log.level) as 'info',
    pretty: (opts.logFormat ?? config.log.format) === 'pretty' || ((opts.logFormat ?? config.log.format) === undefined && Boolean((io.stderr as { isTTY?: boolean }).isTTY)),
    destination: io.stderr,
  });
  const grace = Number(opts.shutdownGrace);
  if (!Number.isInteger(grace) || grace < 0) throw new UsageError(`--shutdown-grace is ${opts.shutdownGrace}; expected a whole number of milliseconds.`);
  const daemon = new Daemon({ config, dbPath: opts.db ?? config.database.path ?? DEFAULT_DB_PATH, log, stdin: io.stdin, stdout: io.stdout, shutdownGraceMs: grace });
  daemon.start();
  const stop = new Promise<string>((resolve) => {
    const onSignal = (sig: string) => {
      log.info({ signal: sig }, 'Stopping: draining in-flight work.');
      resolve(sig);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await Promise.race([stop, daemon.done]);
  await daemon.close();
  return EXIT.ok;
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

import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig, validateConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { Daemon } from '../../daemon.js';
import { createLogger } from '../../telemetry/logger.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, type CliContext } from '../io.js';

interface RunOptions {
  config?: string;
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
    .action(async (paths: string[], opts: RunOptions) => {
      ctx.exit(await run(paths, opts, ctx));
    });
}

async function run(paths: string[], opts: RunOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const config = opts.config ? loadConfig(opts.config, io.env) : configFromPaths(paths, opts.fromBeginning);
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

function configFromPaths(paths: readonly string[], fromBeginning: boolean): Readonly<Config> {
  const files = paths.filter((p) => p !== '-');
  const sources: unknown[] = [];
  if (files.length > 0) sources.push({ type: 'file', id: 'files', paths: files, startAt: fromBeginning ? 'beginning' : 'end' });
  if (paths.includes('-')) sources.push({ type: 'stdin', id: 'stdin' });
  return validateConfig({ sources });
}

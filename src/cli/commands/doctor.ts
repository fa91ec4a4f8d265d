import type { Command } from 'commander';
import { Option } from 'commander';
import { redact } from '../../../parsers/index.js';
import { runDoctor } from '../../doctor/run-doctor.js';
import { formatResults, summary } from '../../doctor/format.js';
import { configSecrets } from '../../telemetry/config-secrets.js';
import { createScrubber } from '../../telemetry/scrub.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, write, type CliContext } from '../io.js';

interface DoctorFlags {
  config?: string;
  db?: string;
  format: 'text' | 'json';
}

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('Check a setup without changing anything: config, database, file paths, Kafka, SMTP login, webhook URLs, report schedules. Exits 1 when a check fails.')
    .option('-c, --config <file>', 'the config the daemon runs with')
    .option('--db <path>', `SQLite database (default: the config's database.path, else ${DEFAULT_DB_PATH})`)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: DoctorFlags) => {
      const report = await runDoctor({ configPath: opts.config, dbPath: opts.db, defaultDbPath: DEFAULT_DB_PATH, env: ctx.io.env });
      // Messages quote library errors and config problems; secrets are removed before printing.
      const scrub = createScrubber(report.config ? configSecrets(report.config) : [], redact);
      const text = opts.format === 'json' ? JSON.stringify({ ok: report.results.every((r) => r.status !== 'fail'), checks: report.results }, null, 2) : `${formatResults(report.results)}\n${summary(report.results)}`;
      write(ctx.io.stdout, scrub(text));
      ctx.exit(report.results.some((r) => r.status === 'fail') ? EXIT.found : EXIT.ok);
    });
}

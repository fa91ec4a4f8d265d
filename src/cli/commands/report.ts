import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { openDb } from '../../store/db.js';
import { buildReport } from '../../reports/build.js';
import { INSTANT_FORMS, parseInstant } from '../../reports/period.js';
import { REPORT_FORMATS, renderFormat, type ReportFormat } from '../../reports/rendered.js';
import { storeSilences } from '../../reports/silences.js';
import { isTimeZone } from '../../reports/time-zone.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { write, type CliContext } from '../io.js';

interface ReportFlags {
  since: string;
  until?: string;
  format?: ReportFormat;
  out?: string;
  db: string;
  tz: string;
}

const EXTENSION_FORMAT: Readonly<Record<string, ReportFormat>> = { '.md': 'md', '.markdown': 'md', '.html': 'html', '.htm': 'html', '.json': 'json', '.csv': 'csv' };

/** `authwatch report`: the same builder and renderers as the scheduled reports, on demand. */
export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('Summarise the rejections of a period from the database: totals, services (new, ongoing, recovered), trend and chart.')
    .option('--since <when>', `start of the period: ${INSTANT_FORMS}`, '7d')
    .option('--until <when>', 'end of the period, same forms (default now)')
    .addOption(new Option('-f, --format <format>', 'output format (default from the --out extension, else md)').choices(REPORT_FORMATS))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--db <path>', `SQLite database (default ${DEFAULT_DB_PATH})`, DEFAULT_DB_PATH)
    .option('--tz <zone>', 'IANA time zone for dates and daily buckets, e.g. Europe/Berlin', 'UTC')
    .action((flags: ReportFlags) => {
      if (!isTimeZone(flags.tz)) throw new UsageError(`--tz is "${flags.tz}"; expected an IANA time zone such as UTC or Europe/Berlin.`);
      const now = Date.now();
      const since = parseInstant(flags.since, now, flags.tz);
      if (since === undefined) throw new UsageError(`--since is "${flags.since}"; expected ${INSTANT_FORMS}.`);
      const until = flags.until === undefined ? now : parseInstant(flags.until, now, flags.tz);
      if (until === undefined) throw new UsageError(`--until is "${flags.until}"; expected ${INSTANT_FORMS}.`);
      if (since >= until) {
        throw new UsageError(`--since (${new Date(since).toISOString()}) is not before --until (${new Date(until).toISOString()}); give a start before the end.`);
      }
      const format = flags.format ?? (flags.out === undefined ? undefined : EXTENSION_FORMAT[extname(flags.out).toLowerCase()]) ?? 'md';

      const db = openDb(flags.db);
      let text: string;
      try {
        const report = buildReport(db, { since, until, timeZone: flags.tz, now, silences: storeSilences(db) });
        text = renderFormat(report, format);
      } finally {
        db.close();
      }
      if (flags.out === undefined) {
        ctx.io.stdout.write(text);
        return;
      }
      mkdirSync(dirname(flags.out), { recursive: true });
      writeFileSync(`${flags.out}.tmp`, text);
      renameSync(`${flags.out}.tmp`, flags.out);
      write(ctx.io.stderr, `Wrote the ${format} report to ${flags.out}.`);
    });
}

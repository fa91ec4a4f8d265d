import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { KIND_SUMMARY } from '../../../alerts/guides.js';
import { parseDuration } from '../../../alerts/duration.js';
import { DEFAULT_API_URL, fetchActivity, MAX_PAGE_LIMIT, type FetchStats } from '../../activity/api-client.js';
import { detectFormat, readExport, type ExportStats } from '../../activity/read-export.js';
import { importActivity, MissingApiKeyField, type ActivityRecord, type ImportResult } from '../../activity/import-activity.js';
import { groupJson, renderActivityTable, totalsJson } from '../../activity/render.js';
import { openDb } from '../../store/db.js';
import { EventStore } from '../../store/events.js';
import { safeText } from '../../output/terminal.js';
import { AuthwatchError, UsageError } from '../../errors.js';
import { describeFsError } from '../../audit/walk.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { EXIT, write, type CliContext } from '../io.js';

const FORMATS = ['table', 'ndjson', 'json'] as const;

/** Where `--api` imports are said to come from, in the database's `source` column. */
const API_SOURCE = 'sendgrid-email-activity-api';

interface ImportOptions {
  api?: boolean;
  apiUrl?: string;
  since: string;
  until?: string;
  query?: string;
  limit: number;
  maxPages: number;
  format: (typeof FORMATS)[number];
  db: string;
  store: boolean;
}

export function registerImportActivity(program: Command, ctx: CliContext): void {
  program
    .command('import-activity')
    .description(
      'Import a SendGrid Email Activity export (JSON, NDJSON or CSV), or fetch it with --api, and report the messages sent without an API key (empty api_key_id), grouped by subuser, from address and category. They are stored as basic_auth_in_use, per service (the subuser, else the from address).',
    )
    .argument('[file]', 'the export file')
    .option('--api', 'fetch from the Email Activity API with the key in SENDGRID_API_KEY (read-only, Email Activity access)')
    .option('--api-url <url>', `API base URL (default: AUTHWATCH_SENDGRID_API_URL, else ${DEFAULT_API_URL})`)
    .option('--since <when>', 'with --api: oldest message, as a duration back from now (30d, 12h) or an ISO time', '30d')
    .option('--until <when>', 'with --api: newest message, as a duration back from now or an ISO time (default: now)')
    .option('--query <query>', 'with --api: extra Email Activity query ANDed to the time window, e.g. status="delivered"')
    .option('--limit <n>', `with --api: messages per call (1-${MAX_PAGE_LIMIT})`, intIn(1, MAX_PAGE_LIMIT), MAX_PAGE_LIMIT)
    .option('--max-pages <n>', 'with --api: calls at most', intIn(1, 100_000), 200)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--db <path>', `SQLite database the messages are stored in (default ${DEFAULT_DB_PATH})`, DEFAULT_DB_PATH)
    .option('--no-store', 'report only; do not write to the database')
    .action(async (file: string | undefined, opts: ImportOptions) => {
      ctx.exit(await run(file, opts, ctx));
    });
}

async function run(file: string | undefined, opts: ImportOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  if ((file === undefined) === (opts.api !== true)) throw new UsageError('import-activity needs either an export FILE or --api, not both (see authwatch import-activity --help).');
  let records: AsyncIterable<ActivityRecord>;
  let source: string;
  const exportStats: ExportStats = { malformed: 0 };
  const fetchStats: FetchStats = { pages: 0, retries: 0, waitedMs: 0 };
  if (file !== undefined) {
    source = file;
    let format;
    try {
      format = await detectFormat(file);
    } catch (err) {
      write(io.stderr, `authwatch: cannot read ${safeText(file)}: ${describeFsError(err)}.`);
      return EXIT.partial;
    }
    records = readExport(file, format, exportStats);
  } else {
    source = API_SOURCE;
    const apiKey = io.env.SENDGRID_API_KEY?.trim();
    if (!apiKey) throw new UsageError('--api needs SENDGRID_API_KEY in the environment: a key with Email Activity (read) access.');
    const baseUrl = checkedBaseUrl(opts.apiUrl ?? io.env.AUTHWATCH_SENDGRID_API_URL ?? DEFAULT_API_URL);
    const now = Date.now();
    const since = when(opts.since, now, '--since');
    const until = opts.until === undefined ? new Date(now) : when(opts.until, now, '--until');
    if (since >= until) throw new UsageError(`--since (${since.toISOString()}) is not before --until (${until.toISOString()}).`);
    const pages = fetchActivity(
      { baseUrl, apiKey, since, until, limit: opts.limit, maxPages: opts.maxPages, onNotice: (m) => write(io.stderr, `authwatch: ${m}`), ...(opts.query ? { query: opts.query } : {}) },
      fetchStats,
    );
    records = apiRecords(pages);
  }

  const db = opts.store ? openDb(opts.db) : null;
  let result: ImportResult;
  try {
    result = await importActivity(records, source, db === null ? null : new EventStore(db));
  } catch (err) {
    if (err instanceof MissingApiKeyField) {
      const where = file !== undefined ? safeText(file) : 'The Email Activity API answers';
      throw new UsageError(
        `${where}: none of the first ${err.recordsRead} record(s) has an api_key_id field, so key and password logins cannot be told apart. Export with the api_key_id column (or the per-message details) and import again.`,
      );
    }
    if (err instanceof AuthwatchError) throw err;
    if (file !== undefined) {
      write(io.stderr, `authwatch: cannot read ${safeText(file)}: ${describeFsError(err)}.`);
      return EXIT.partial;
    }
    throw err;
  } finally {
    db?.close();
  }

  if (exportStats.malformed > 0) write(io.stderr, `authwatch: skipped ${exportStats.malformed} line(s) that are not JSON message objects.`);
  if (result.withoutId > 0) write(io.stderr, `authwatch: skipped ${result.withoutId} record(s) without a msg_id.`);
  if (opts.format === 'ndjson') {
    for (const g of result.groups) io.stdout.write(`${JSON.stringify(groupJson(g))}\n`);
  } else if (opts.format === 'json') {
    write(io.stdout, JSON.stringify({ groups: result.groups.map(groupJson), totals: totalsJson(result), ...(file === undefined ? { api: fetchStats } : {}) }, null, 2));
  } else {
    const dbNote = opts.store ? `; ${result.stored} new in ${opts.db}` : '';
    write(io.stdout, renderActivityTable(result, KIND_SUMMARY.basic_auth_in_use.fix, dbNote));
  }
  return result.withoutKey > 0 ? EXIT.found : EXIT.ok;
}

/** API messages numbered by arrival, for the detection's `line`. */
async function* apiRecords(ms: AsyncIterable<Record<string, unknown>>): AsyncGenerator<ActivityRecord> {
  let i = 0;
  for await (const record of ms) yield { record, line: ++i };
}

/**
 * The API base URL, refusing plain http to anything but loopback: the key travels in a header.
 */
function checkedBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api-url ${JSON.stringify(raw)} is not a URL; expected e.g. ${DEFAULT_API_URL}.`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`--api-url ${url.origin} is not https; the API key would travel in clear text. Use https (plain http is accepted for loopback only).`);
  }
  return url.origin;
}

/** A duration back from now (`30d`) or an ISO time. */
function when(text: string, now: number, flag: string): Date {
  const back = parseDuration(text);
  if (back !== undefined) return new Date(now - back);
  const t = Date.parse(text);
  if (Number.isFinite(t)) return new Date(t);
  throw new UsageError(`${flag} is ${JSON.stringify(text)}; expected a duration such as 30d or 12h, or an ISO time such as 2024-03-01T00:00:00Z.`);
}

function intIn(min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${v} is not a whole number from ${min} to ${max}.`);
    return n;
  };
}

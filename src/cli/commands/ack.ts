import type { Command } from 'commander';
import { Option } from 'commander';
import { KINDS, type Kind } from '../../contracts.js';
import { UsageError } from '../../errors.js';
import { openDb } from '../../store/db.js';
import { listAlertStates } from '../../store/alerts-state.js';
import { addSilence, type Silence, type SilenceType } from '../../store/alerts-silences.js';
import type { Db } from '../../store/db.js';
import { formatDuration, parseDuration } from '../../../alerts/duration.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { write, type CliContext } from '../io.js';

export interface SilenceOptions {
  db: string;
  kind?: Kind;
  for?: string;
}

/** `--for` as milliseconds, or undefined when absent. */
export function parseFor(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`--for is ${JSON.stringify(value)}; expected a duration such as 30m, 4h or 2d.`);
  return ms;
}

export const kindOption = (): Option => new Option('-k, --kind <kind>', 'only this kind (default: every kind of the service)').choices(KINDS);
export const dbOption = (): Option => new Option('--db <path>', 'SQLite database').default(DEFAULT_DB_PATH);

/** Opens the database for one command and closes it whatever happens. */
export function withDb<T>(path: string, fn: (db: Db) => T): T {
  const db = openDb(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Stores an ack or a mute starting now; `ms` is its length (from --for), undefined for none. */
export function startSilence(db: Db, type: SilenceType, service: string, kind: Kind | undefined, ms: number | undefined): { silence: Silence; now: number } {
  const now = Date.now();
  return { silence: addSilence(db, { type, service, kind, now, expiresAt: ms === undefined ? null : now + ms }), now };
}

export const scopeText = (service: string, kind: string | undefined): string => `${service}${kind === undefined ? ' (every kind)' : ` / ${kind}`}`;

export function registerAck(program: Command, ctx: CliContext): void {
  program
    .command('ack')
    .description('Acknowledge a service\'s alert: no more reminders until it resolves (or until --for runs out). The resolved notice is still sent.')
    .argument('<service>', 'service name, as `authwatch services` shows it')
    .addOption(kindOption())
    .option('--for <duration>', 'end the ack after this long, e.g. 4h (default: when the alert resolves)')
    .addOption(dbOption())
    .action((service: string, opts: SilenceOptions) => {
      const ms = parseFor(opts.for);
      withDb(opts.db, (db) => {
        const active = listAlertStates(db, { service }).filter((s) => s.state !== 'resolved' && (opts.kind === undefined || s.kind === opts.kind));
        const { silence, now } = startSilence(db, 'ack', service, opts.kind, ms);
        const until = ms === undefined ? 'until the alert resolves' : `for ${formatDuration(ms)} (until ${new Date(now + ms).toISOString()}) or until it resolves`;
        write(ctx.io.stdout, `Acknowledged ${scopeText(service, opts.kind)} ${until} (ack ${silence.id}).`);
        if (active.length === 0) write(ctx.io.stdout, 'Nothing is alerting for it right now; the ack covers the next alert.');
      });
    });
}

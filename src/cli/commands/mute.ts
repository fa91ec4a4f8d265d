import type { Command } from 'commander';
import { endSilences, silencesFor } from '../../store/alerts-silences.js';
import { formatDuration } from '../../../alerts/duration.js';
import { write, type CliContext } from '../io.js';
import { dbOption, kindOption, parseFor, scopeText, startSilence, withDb, type SilenceOptions } from './ack.js';

export function registerMute(program: Command, ctx: CliContext): void {
  program
    .command('mute')
    .description('Mute a service: no notifications at all (firing, reminders, resolved) until --for runs out or `authwatch unmute`. Detection and counting go on.')
    .argument('<service>', 'service name, as `authwatch services` shows it')
    .addOption(kindOption())
    .option('--for <duration>', 'end the mute after this long, e.g. 24h (default: until unmute)')
    .addOption(dbOption())
    .action((service: string, opts: SilenceOptions) => {
      const ms = parseFor(opts.for);
      withDb(opts.db, (db) => {
        const { silence, now } = startSilence(db, 'mute', service, opts.kind, ms);
        const until = ms === undefined ? 'until `authwatch unmute`' : `for ${formatDuration(ms)} (until ${new Date(now + ms).toISOString()})`;
        write(ctx.io.stdout, `Muted ${scopeText(service, opts.kind)} ${until} (mute ${silence.id}).`);
      });
    });

  program
    .command('unmute')
    .description('Lift the mutes of a service (of one kind with --kind).')
    .argument('<service>', 'service name')
    .addOption(kindOption())
    .addOption(dbOption())
    .action((service: string, opts: Omit<SilenceOptions, 'for'>) => {
      withDb(opts.db, (db) => {
        const now = Date.now();
        const n = endSilences(db, { type: 'mute', service, kind: opts.kind, now, by: 'unmute' });
        write(ctx.io.stdout, n === 0 ? `No mute in force for ${scopeText(service, opts.kind)}.` : `Unmuted ${scopeText(service, opts.kind)} (${n} mute${n === 1 ? '' : 's'} lifted).`);
        const left = silencesFor(db, { now, service }).filter((s) => s.type === 'mute');
        for (const s of left) {
          write(ctx.io.stdout, `Still muted: ${scopeText(service, s.kind ?? undefined)}${s.expiresAt === null ? '' : ` for ${formatDuration(s.expiresAt - now)} more`}; run \`authwatch unmute ${service}\` without --kind to lift it.`);
        }
      });
    });
}

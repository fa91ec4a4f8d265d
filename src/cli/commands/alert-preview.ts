import type { Command } from 'commander';
import { KINDS, type Kind } from '../../contracts.js';
import { loadConfig } from '../../config/load.js';
import { UsageError } from '../../errors.js';
import { openDb } from '../../store/db.js';
import { defaultAlertsConfig } from '../../../alerts/config-schema.js';
import { previewNotification, renderPreview, storedKinds } from '../../../alerts/preview.js';
import { NOTIFY_EVENTS, type NotifyEvent } from '../../../alerts/policy-states.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { write, type CliContext } from '../io.js';
import { kindOption } from './ack.js';
import { Option } from 'commander';

interface PreviewOptions {
  config?: string;
  db?: string;
  kind?: Kind;
  event: NotifyEvent;
}

export function registerAlertPreview(program: Command, ctx: CliContext): void {
  const alert = program.command('alert').description('Work with one service\'s alert (see also `authwatch alerts`).');
  alert
    .command('preview')
    .description('Print what each receiver of the service\'s route would get for its stored rejections, without sending anything.')
    .argument('<service>', 'service name, as `authwatch services` shows it')
    .option('-c, --config <file>', 'config whose alerts section (receivers, routes) to use (default: the console receiver)')
    .option('--db <path>', `SQLite database (default: the config's database.path, else ${DEFAULT_DB_PATH})`)
    .addOption(kindOption())
    .addOption(new Option('--event <event>', 'which notification').choices(NOTIFY_EVENTS).default('firing'))
    .action((service: string, opts: PreviewOptions) => {
      const config = opts.config === undefined ? undefined : loadConfig(opts.config, ctx.io.env);
      const alerts = config?.alerts ?? defaultAlertsConfig();
      const db = openDb(opts.db ?? config?.database.path ?? DEFAULT_DB_PATH);
      try {
        const kinds = opts.kind === undefined ? storedKinds(db, service) : [opts.kind];
        if (kinds.length === 0) throw new UsageError(`No rejections are stored for the service ${JSON.stringify(service)}; run \`authwatch services\` for the names, or scan its logs first.`);
        const now = Date.now();
        for (const kind of kinds) {
          const n = previewNotification(db, service, kind, now, opts.event);
          if (n === undefined) throw new UsageError(`No ${kind} rejections are stored for ${JSON.stringify(service)}; stored kinds: ${storedKinds(db, service).join(', ') || 'none'} (of ${KINDS.join(', ')}).`);
          write(ctx.io.stdout, renderPreview(alerts, n, now));
        }
      } finally {
        db.close();
      }
    });
}

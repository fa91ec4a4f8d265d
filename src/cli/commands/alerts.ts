import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../../errors.js';
import { openDb } from '../../store/db.js';
import { listOutbox, type OutboxRow } from '../../store/alerts-outbox.js';
import { renderTable, shortTime } from '../../output/terminal.js';
import { Outbox, IllegalOutboxMove } from '../../../alerts/outbox.js';
import { write, type CliContext } from '../io.js';
import { dbOption } from './ack.js';

export function registerAlerts(program: Command, ctx: CliContext): void {
  const alerts = program
    .command('alerts')
    .description('List alert messages waiting to be sent (pending), being sent, and in the dead letter (dead), with their last error.')
    .addOption(dbOption())
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { db: string; format: 'table' | 'json' }) => {
      const db = openDb(opts.db);
      try {
        const rows = listOutbox(db, { states: ['pending', 'sending', 'dead'] });
        if (opts.format === 'json') write(ctx.io.stdout, JSON.stringify(rows.map(toJson), null, 2));
        else if (rows.length === 0) write(ctx.io.stdout, 'No alert messages pending or dead.');
        else
          write(
            ctx.io.stdout,
            renderTable(
              ['ID', 'STATE', 'SERVICE', 'KIND', 'EVENT', 'RECEIVER', 'TRIES', 'NEXT TRY', 'LAST ERROR'],
              rows.map((r) => [String(r.id), r.state, r.service, r.kind, r.event, r.receiver, String(r.attempts), r.state === 'pending' ? shortTime(r.nextAttemptAt) : '-', r.lastError ?? '']),
              72,
            ),
          );
      } finally {
        db.close();
      }
    });

  alerts
    .command('retry')
    .description('Send a dead or waiting message again now (with a fresh try count for dead ones). The daemon picks it up on its next round. Takes --db like `alerts`.')
    .argument('[id]', 'message id from `authwatch alerts`')
    .option('--all', 'every dead and waiting message')
    // --db belongs to `alerts` and may also be written after `retry`; commander gives it to the parent.
    .action((id: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ db: string; all?: boolean }>();
      if ((id === undefined) === (opts.all !== true)) throw new UsageError('alerts retry needs a message id or --all (not both).');
      const n = id === undefined ? undefined : Number(id);
      if (n !== undefined && !(Number.isSafeInteger(n) && n > 0)) throw new UsageError(`alerts retry: the id is ${JSON.stringify(id)}; expected a positive whole number from \`authwatch alerts\`.`);
      const db = openDb(opts.db);
      try {
        const box = new Outbox(db);
        const now = Date.now();
        if (n === undefined) {
          const count = box.retryAll(now);
          write(ctx.io.stdout, count === 0 ? 'No dead or waiting messages to retry.' : `Requeued ${count} message${count === 1 ? '' : 's'}.`);
          return;
        }
        try {
          const was = box.retry(n, now);
          write(ctx.io.stdout, `Requeued message ${n} (was ${was}).`);
        } catch (err) {
          if (err instanceof IllegalOutboxMove) throw new UsageError(err.message);
          throw err;
        }
      } finally {
        db.close();
      }
    });
}

function toJson(r: OutboxRow) {
  return {
    id: r.id,
    state: r.state,
    service: r.service,
    kind: r.kind,
    event: r.event,
    receiver: r.receiver,
    channel: r.channelType,
    attempts: r.attempts,
    next_attempt_at: r.state === 'pending' ? new Date(r.nextAttemptAt).toISOString() : null,
    created_at: new Date(r.createdAt).toISOString(),
    last_error: r.lastError,
  };
}

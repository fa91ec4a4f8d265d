import type { Command } from 'commander';
import { Option } from 'commander';
import { openDb } from '../../store/db.js';
import { listServiceKinds, type ServiceKindRow } from '../../store/services.js';
import { statusResolver, type ServiceStatus } from '../../store/service-status.js';
import { renderTable, shortTime } from '../../output/terminal.js';
import { DEFAULT_DB_PATH } from '../defaults.js';
import { write, type CliContext } from '../io.js';

export function registerServices(program: Command, ctx: CliContext): void {
  program
    .command('services')
    .description('List the services in the database with their counts per kind, first and last seen, and status.')
    .option('--db <path>', `SQLite database (default ${DEFAULT_DB_PATH})`, DEFAULT_DB_PATH)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { db: string; format: 'table' | 'json' }) => {
      const db = openDb(opts.db);
      try {
        const rows = listServiceKinds(db);
        const statusOf = statusResolver(db, Date.now());
        const out = rows.map((r) => toJson(r, statusOf(r)));
        if (opts.format === 'json') write(ctx.io.stdout, JSON.stringify(out, null, 2));
        else if (out.length === 0) write(ctx.io.stdout, 'No services with rejections in the database yet.');
        else
          write(
            ctx.io.stdout,
            renderTable(
              ['SERVICE', 'KIND', 'COUNT', 'FIRST SEEN', 'LAST SEEN', 'STATUS', 'HOSTS'],
              rows.map((r, i) => [r.service, r.kind, String(r.count), shortTime(r.firstAt), shortTime(r.lastAt), (out[i]?.status ?? '') + (out[i]?.status_until ? ` until ${shortTime(Date.parse(out[i]?.status_until ?? ''))}` : ''), r.hosts.join(', ')]),
            ),
          );
      } finally {
        db.close();
      }
    });
}

function toJson(r: ServiceKindRow, s: { status: ServiceStatus; until: number | null }) {
  return {
    service: r.service,
    kind: r.kind,
    channel: r.channel,
    provider: r.provider,
    count: r.count,
    first_seen: new Date(r.firstAt).toISOString(),
    last_seen: new Date(r.lastAt).toISOString(),
    hosts: r.hosts,
    status: s.status,
    status_until: s.until === null ? null : new Date(s.until).toISOString(),
  };
}

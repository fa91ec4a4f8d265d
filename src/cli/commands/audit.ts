import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { audit, DEFAULT_MAX_FILE_BYTES } from '../../audit/audit.js';
import { AUDIT_KINDS } from '../../audit/finding.js';
import { findingJson, renderAuditTable, statsJson } from '../../audit/render.js';
import { safeText } from '../../output/terminal.js';
import { EXIT, write, type CliContext } from '../io.js';

export const AUDIT_FORMATS = ['table', 'ndjson', 'json'] as const;

interface AuditCliOptions {
  format: (typeof AUDIT_FORMATS)[number];
  maxFileSize: number;
}

export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description(
      `Audit configuration and source files for SendGrid credentials in risky forms (${AUDIT_KINDS.join(', ')}). Exits 1 when something is found, for CI.`,
    )
    .argument('<paths...>', 'files or directories (recursively; node_modules and .git are skipped)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(AUDIT_FORMATS).default('table'))
    .option('--max-file-size <bytes>', 'skip (and count) files larger than this', positiveInt, DEFAULT_MAX_FILE_BYTES)
    .action(async (paths: string[], opts: AuditCliOptions) => {
      ctx.exit(await runAudit(paths, opts, ctx));
    });
}

async function runAudit(paths: string[], opts: AuditCliOptions, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const result = await audit(paths, { maxFileBytes: opts.maxFileSize });
  for (const u of result.unreadable) write(io.stderr, `authwatch: cannot read ${safeText(u.path)}: ${u.reason}; skipped.`);
  if (opts.format === 'ndjson') {
    for (const f of result.findings) io.stdout.write(`${JSON.stringify(findingJson(f))}\n`);
  } else if (opts.format === 'json') {
    write(io.stdout, JSON.stringify({ findings: result.findings.map(findingJson), stats: statsJson(result) }, null, 2));
  } else {
    write(io.stdout, renderAuditTable(result, opts.maxFileSize));
  }
  if (result.unreadable.length > 0) return EXIT.partial;
  return result.findings.length > 0 ? EXIT.found : EXIT.ok;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${v} is not a positive whole number of bytes.`);
  return n;
}

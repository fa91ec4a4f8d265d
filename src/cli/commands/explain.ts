import type { Command } from 'commander';
import { KINDS, type Kind } from '../../contracts.js';
import { guideFor } from '../../../alerts/guides.js';
import { AuthwatchError } from '../../errors.js';
import { write, type CliContext } from '../io.js';

export function registerExplain(program: Command, ctx: CliContext): void {
  program
    .command('explain')
    .description('Print the upgrade guide for a kind of rejection.')
    .argument('<kind>', `one of: ${KINDS.join(', ')}`)
    .action((kind: string) => {
      if (!(KINDS as readonly string[]).includes(kind)) {
        throw new AuthwatchError('UNKNOWN_KIND', `"${kind}" is not a known kind; expected one of: ${KINDS.join(', ')}.`);
      }
      write(ctx.io.stdout, guideFor(kind as Kind).markdown);
    });
}

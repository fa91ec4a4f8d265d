import { Command, CommanderError } from 'commander';
import { AuthwatchError, ConfigError, errorMessage } from '../errors.js';
import { EXIT, write, type CliContext, type CliIo } from './io.js';
import { loadCommands } from './commands/index.js';

const EXIT_HELP = `
Exit codes:
  0  success; scan found nothing
  1  scan found rejections (or audit/doctor found a problem)
  2  wrong usage or invalid configuration
  3  some input could not be read; the rest was processed
  4  the database or another required resource failed`;

/** Runs the CLI and returns the exit code. Only bin/authwatch.js touches process.exit. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const ctx: CliContext = {
    io,
    exit: (c) => {
      code = Math.max(code, c);
    },
  };
  const program = new Command('authwatch')
    .description('Find the services still signing in to SendGrid with a username and password, from the 2FA rejections in their logs.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', EXIT_HELP);
  for (const register of await loadCommands(argv)) register(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      write(io.stderr, `authwatch: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof AuthwatchError) {
      write(io.stderr, `authwatch: ${err.message}`);
      return err.code === 'USAGE' || err.code === 'UNKNOWN_KIND' ? EXIT.usage : EXIT.failure;
    }
    write(io.stderr, `authwatch: unexpected error: ${errorMessage(err)}`);
    if (err instanceof Error && err.stack && io.env.AUTHWATCH_DEBUG) write(io.stderr, err.stack);
    return EXIT.failure;
  }
  return code;
}

export const VERSION = '0.1.0';

// The tools authwatch is compared with: Debian's GNU grep and ripgrep. Installs ripgrep with
// apt-get when it is missing and the bench runs as root; otherwise its cases are skipped.
import { execFileSync } from 'node:child_process';

const has = (tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const version = (tool) => {
  try {
    return execFileSync(tool, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return null;
  }
};

export const ensureReferences = (log) => {
  if (!has('rg') && typeof process.getuid === 'function' && process.getuid() === 0) {
    log('ripgrep is missing; installing it with apt-get (Debian package "ripgrep").');
    try {
      execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq ripgrep'], { stdio: 'ignore' });
    } catch {
      log('apt-get could not install ripgrep; its cases are skipped.');
    }
  }
  return { grep: has('grep') ? version('grep') : null, rg: has('rg') ? version('rg') : null };
};

/** A needle as a literal inside grep -E's alternation. */
const ere = (n) => n.replace(/[.[\]()*+?{}|^$\\]/g, (c) => `\\${c}`);

/** The reference commands over `file` for a needle list, as the issue defines them. */
export const referenceCommands = (file, needles, tools) => {
  const cmds = {
    'cat > /dev/null': ['cat', file],
  };
  if (tools.grep) {
    cmds['LC_ALL=C grep -E'] = ['env', 'LC_ALL=C', 'grep', '-c', '-E', needles.map(ere).join('|'), file];
    cmds['LC_ALL=C grep -F'] = ['env', 'LC_ALL=C', 'grep', '-c', '-F', ...needles.flatMap((n) => ['-e', n]), file];
  }
  if (tools.rg) cmds['rg -F'] = ['rg', '-c', '-F', ...needles.flatMap((n) => ['-e', n]), file];
  return cmds;
};

// Runs one command and measures it: wall time (hrtime around the child's life) and peak RSS
// (the kernel's max resident set of the child, as GNU time's %M reports it, in KiB).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';

const TIME = '/usr/bin/time';
export const canMeasureRss = () => existsSync(TIME);

/**
 * `cmd` is [file, ...args]; stdout goes to `stdoutPath` (default /dev/null). Resolves with
 * { seconds, rssKiB, code }. A non-zero exit is returned, not thrown: grep exits 1 on no match,
 * authwatch exits 1 when it found rejections.
 */
export const measure = (cmd, { stdoutPath = '/dev/null', env } = {}) =>
  new Promise((resolve, reject) => {
    const out = openSync(stdoutPath, 'w');
    const wrapped = canMeasureRss() ? [TIME, '-f', 'RSS_KIB=%M', ...cmd] : cmd;
    const t0 = process.hrtime.bigint();
    const child = spawn(wrapped[0], wrapped.slice(1), { stdio: ['ignore', out, 'pipe'], env: env ?? process.env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      closeSync(out);
      const m = /RSS_KIB=(\d+)/.exec(err);
      if (code !== null && code > 1 && !/^\s*$/.test(err.replace(/RSS_KIB=\d+/, ''))) {
        reject(new Error(`${cmd.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
        return;
      }
      resolve({ seconds, rssKiB: m ? Number(m[1]) : null, code });
    });
  });

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

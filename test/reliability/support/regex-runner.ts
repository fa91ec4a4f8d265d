/**
 * Runs patterns against adversarial inputs in a child process under a hard time bound. A regex
 * stuck in backtracking cannot be interrupted from JavaScript on the same thread, so the child
 * reports after every input and the parent SIGKILLs it when one input takes longer than the
 * bound, records that pattern as a failure, and starts a new child at the next pattern.
 * The bound is a harness limit against hangs, not a performance assertion: a linear pattern
 * takes milliseconds on these inputs.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegexEntry } from './regex-inventory.js';
import type { PumpSpec } from './regex-pumps.js';

export interface RegexCase extends RegexEntry {
  readonly specs: readonly PumpSpec[];
}

export interface RegexFailure {
  readonly site: string;
  readonly pattern: string;
  /** The input that did not finish, described (not the whole string). */
  readonly input: string;
}

export interface RunResult {
  readonly failures: RegexFailure[];
  /** Inputs run to completion. */
  readonly completed: number;
  /** Slowest completed input per site. Milliseconds. */
  readonly slowest: Map<string, number>;
}

/** argv: <cases file> <first case>. Prints `<case> <spec> <ms>` after each input, `end` at the end. */
const CHILD = `
import { readFileSync } from 'node:fs';
const cases = JSON.parse(readFileSync(process.argv[1], 'utf8'));
for (let i = Number(process.argv[2]); i < cases.length; i++) {
  const c = cases[i];
  const re = new RegExp(c.source, c.flags.replace(/[gy]/g, ''));
  for (let j = 0; j < c.specs.length; j++) {
    const s = c.specs[j];
    const body = s.unit.repeat(Math.ceil(s.length / s.unit.length)).slice(0, s.length);
    const input = s.prefix + body + s.tail;
    const t = performance.now();
    re.exec(input);
    process.stdout.write(i + ' ' + j + ' ' + (performance.now() - t).toFixed(1) + '\\n');
  }
}
process.stdout.write('end\\n');
`;

const describeSpec = (s: PumpSpec): string => `${JSON.stringify(s.prefix)} + ${JSON.stringify(s.unit)} repeated to ${s.length} chars + ${JSON.stringify(s.tail)}`;

/** Runs cases[from..] in one child; resolves with the index to resume at, or -1 when all ran. */
function runChild(file: string, cases: readonly RegexCase[], from: number, boundMs: number, result: RunResult): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file, String(from)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let current: [number, number] = [from, 0];
    let buffered = '';
    let stderr = '';
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const [i, j] = current;
        const c = cases[i];
        const spec = c?.specs[j];
        if (c && spec) result.failures.push({ site: c.site, pattern: `/${c.source}/${c.flags}`, input: describeSpec(spec) });
        finished = true;
        child.kill('SIGKILL');
        resolve(i + 1 < cases.length ? i + 1 : -1);
      }, boundMs);
    };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString('utf8');
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (line === 'end') {
          finished = true;
          clearTimeout(timer);
          resolve(-1);
          return;
        }
        const [i, j, ms] = line.split(' ').map(Number) as [number, number, number];
        result.slowest.set(cases[i]?.site ?? '?', Math.max(result.slowest.get(cases[i]?.site ?? '?') ?? 0, ms));
        (result as { completed: number }).completed += 1;
        // The next input is the one now running.
        const c = cases[i];
        current = c !== undefined && j + 1 < c.specs.length ? [i, j + 1] : [i + 1, 0];
        arm();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!finished) reject(new Error(`The regex runner exited with ${code} before finishing: ${stderr}`));
    });
    arm();
  });
}

export async function runRegexCases(cases: readonly RegexCase[], workDir: string, boundMs: number): Promise<RunResult> {
  const file = join(workDir, 'regex-cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const result: RunResult = { failures: [], completed: 0, slowest: new Map() };
  let from = 0;
  while (from !== -1) from = await runChild(file, cases, from, boundMs, result);
  return result;
}

// What the bench ran on, printed with the results: figures only compare within one machine.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export const machine = () => {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return { cpu: model, cores: cpus().length, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${process.platform} ${process.arch}` };
};

import { describe, expect, it } from 'vitest';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCorpus, rng } from '../support/corpus.js';
import { spawnAuthwatch, storedCounts, waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('authwatch run over files', () => {
  it('counts every rejection exactly once across SIGKILLs at random moments while the file grows', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    const db = join(dir, 'state.sqlite');
    const config = join(dir, 'authwatch.yaml');
    writeFileSync(config, `database:\n  path: ${db}\nsources:\n  - type: file\n    id: app\n    paths: [${log}]\n    startAt: beginning\n    pollIntervalMs: 20\nlog:\n  level: info\n`);
    const corpus = makeCorpus(30_000, { seed: 7 });
    writeFileSync(log, '');
    let written = 0;
    const writer = (async () => {
      while (written < corpus.lines.length) {
        const slice = corpus.lines.slice(written, written + 700);
        appendFileSync(log, `${slice.join('\n')}\n`);
        written += slice.length;
        await sleep(15);
      }
    })();

    const rand = rng(99);
    for (let kill = 0; kill < 6; kill++) {
      const d = spawnAuthwatch(['run', '--config', config]);
      await sleep(250 + rand() * 700);
      d.child.kill('SIGKILL');
      await d.exited;
    }
    await writer;
    const final = spawnAuthwatch(['run', '--config', config]);
    const matched = await waitFor(() => JSON.stringify(sorted(storedCounts(db))) === JSON.stringify(sorted(corpus.truth)), 60_000);
    expect(sorted(storedCounts(db)), final.stderr()).toEqual(sorted(corpus.truth));
    expect(matched).toBe(true);
    // SIGTERM once the daemon is up, to test the drain rather than a stop during start-up.
    expect(await waitFor(() => final.stderr().includes('authwatch is running'), 30_000)).toBe(true);
    final.child.kill('SIGTERM');
    expect(await final.exited, final.stderr()).toBe(0);
    expect(sorted(storedCounts(db))).toEqual(sorted(corpus.truth));
  }, 180_000);
});

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

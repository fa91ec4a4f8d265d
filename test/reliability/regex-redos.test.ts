/**
 * No regular expression in `parsers/` may take super-linear time. Each one, found from the
 * source (support/regex-inventory.ts), runs against long inputs crafted from its own quantified
 * parts (support/regex-pumps.ts) in a child process that is killed when one input runs past the
 * bound. A linear pattern finishes each 100,000-character input in well under 100 ms; a
 * quadratic one needs seconds (4 s for `/=+$/`), an exponential one forever.
 *
 * AUTHWATCH_REDOS_LENGTH makes the inputs longer for the soak run (`npm run soak`);
 * AUTHWATCH_REDOS_REPORT=1 prints the slowest patterns.
 */
import { describe, expect, it } from 'vitest';
import { regexInventory } from './support/regex-inventory.js';
import { pumpsFor } from './support/regex-pumps.js';
import { runRegexCases, type RegexCase } from './support/regex-runner.js';
import { tempDir } from '../support/temp.js';

/** Pumped length of each input. Characters; default 100000. */
const LENGTH = Number(process.env.AUTHWATCH_REDOS_LENGTH ?? 100_000);
/** One input running longer than this kills the child and fails the pattern. Milliseconds. */
const BOUND_MS = 2_000;

/**
 * Super-linear patterns accepted because a guard in front of each keeps long inputs away, listed
 * exactly so the list cannot go stale. Empty: every pattern in parsers/ runs in linear time.
 */
const KNOWN_QUADRATIC: ReadonlyArray<{ site: string; pattern: string; guard: string }> = [];

describe('regular expressions in parsers/ on adversarial input', () => {
  it('finds every pattern: literals and new RegExp() calls alike', () => {
    const inv = regexInventory(tempDir());
    // A `new RegExp` inside a function is built only when it runs; such a site must be
    // reached some other way before this suite can vouch for it.
    expect(inv.unreached).toEqual([]);
    // The signatures and the redaction rules are built with new RegExp: they must be present.
    expect(inv.regexes.some((r) => r.site.startsWith('parsers/signatures.ts') && /Basic authentication/.test(r.source))).toBe(true);
    expect(inv.regexes.some((r) => r.site.startsWith('parsers/redact.ts') && /authorization/.test(r.source))).toBe(true);
    expect(inv.regexes.length).toBeGreaterThan(50);
  });

  it('the harness itself catches an exponential and a quadratic pattern', async () => {
    const dir = tempDir();
    const bad: RegexCase[] = [
      { site: 'self-test:exponential', source: '^(a+)+$', flags: '' },
      { site: 'self-test:quadratic', source: '\\s+$', flags: '' },
      { site: 'self-test:linear', source: '\\bAUTH {1,3}([A-Za-z0-9+/=]{4,512})', flags: 'i' },
    ].map((r) => ({ ...r, specs: pumpsFor(r.source, r.flags, LENGTH) }));
    const result = await runRegexCases(bad, dir, BOUND_MS);
    expect(result.failures.map((f) => f.site)).toEqual(['self-test:exponential', 'self-test:quadratic']);
  }, 60_000);

  it('finishes every input within the bound for every pattern', async () => {
    const dir = tempDir();
    const inv = regexInventory(dir);
    const cases: RegexCase[] = inv.regexes.map((r) => ({ ...r, specs: pumpsFor(r.source, r.flags, LENGTH) }));
    const result = await runRegexCases(cases, dir, BOUND_MS);
    if (process.env.AUTHWATCH_REDOS_REPORT) {
      const slow = [...result.slowest].sort((a, b) => b[1] - a[1]).slice(0, 10);
      process.stderr.write(`${cases.length} patterns, ${result.completed} inputs of ${LENGTH} chars; slowest (ms): ${JSON.stringify(slow)}\n`);
    }
    expect(result.failures.map((f) => ({ site: f.site, pattern: f.pattern }))).toEqual(KNOWN_QUADRATIC.map(({ site, pattern }) => ({ site, pattern })));
    // Every other input of every pattern ran to the end.
    const inputs = cases.reduce((n, c) => n + c.specs.length, 0);
    const skipped = KNOWN_QUADRATIC.reduce((n, k) => n + (cases.find((c) => c.site === k.site)?.specs.length ?? 0), 0);
    expect(result.completed).toBeGreaterThan(inputs - skipped - 1);
    expect(cases.length).toBeGreaterThan(50);
  }, 600_000);
});

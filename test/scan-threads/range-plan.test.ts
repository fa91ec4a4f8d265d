import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { headFingerprint } from '../../src/sources/stream-identity.js';
import { lineStartFrom, MIN_SPLIT_BYTES, plainFileStream, planRanges, rangeCount } from '../../src/scan-threads/range-plan.js';
import { tempDir } from '../support/temp.js';

const MIB = 1024 * 1024;

async function withFile<T>(content: Buffer, fn: (fh: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const path = join(tempDir(), 'f.log');
  writeFileSync(path, content);
  const fh = await open(path, 'r');
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}

describe('range planning', () => {
  it('splits only files large enough to pay for the warm-up, one range per thread', () => {
    const opts = { threads: 2, overlapBytes: 9 * MIB };
    expect(rangeCount(MIN_SPLIT_BYTES, opts)).toBe(1);
    expect(rangeCount(64 * MIB, opts)).toBe(2);
    expect(rangeCount(64 * MIB, { ...opts, threads: 1 })).toBe(1);
    expect(rangeCount(10 * MIB + 1, { ...opts, rangeBytes: MIB })).toBe(11);
    expect(rangeCount(1000, { ...opts, rangeBytes: MIB })).toBe(1);
  });

  it('cuts at the single-threaded scan chunk boundaries and warms up from a line start', async () => {
    const line = Buffer.from(`${'x'.repeat(99)}\n`);
    const content = Buffer.concat(Array.from({ length: 55_000 }, () => line)); // 5.2 MiB
    const ranges = await withFile(content, (fh) => planRanges(fh, content.length, { threads: 2, rangeBytes: MIB, overlapBytes: 1.5 * MIB }));
    expect(ranges.map((r) => [r.start, r.end])).toEqual([
      [0, MIB],
      [MIB, 2 * MIB],
      [2 * MIB, 3 * MIB],
      [3 * MIB, 4 * MIB],
      [4 * MIB, 5 * MIB],
      [5 * MIB, null],
    ]);
    expect(ranges.slice(0, 2).map((r) => r.warmFrom)).toEqual([0, 0]);
    for (const r of ranges.slice(2)) {
      expect(r.warmFrom % 100).toBe(0);
      expect(r.start - r.warmFrom).toBeGreaterThanOrEqual(1.5 * MIB - MIB);
      expect(r.start - r.warmFrom).toBeLessThanOrEqual(1.5 * MIB);
    }
  });

  it('finds the next line start, or says there is none before the limit', async () => {
    const content = Buffer.from('abc\ndefgh\nij');
    await withFile(content, async (fh) => {
      expect(await lineStartFrom(fh, 0, 12)).toBe(0);
      expect(await lineStartFrom(fh, 1, 12)).toBe(4);
      expect(await lineStartFrom(fh, 4, 12)).toBe(4);
      expect(await lineStartFrom(fh, 5, 12)).toBe(10);
      expect(await lineStartFrom(fh, 5, 8)).toBe(-1);
      expect(await lineStartFrom(fh, 11, 12)).toBe(-1);
    });
  });

  it('names the stream from the first line, as a single-threaded scan does', async () => {
    const content = Buffer.from('first line\nsecond\n');
    expect(await withFile(content, (fh) => plainFileStream(fh, content.length))).toBe(`file:${headFingerprint(content)}`);
    expect(await withFile(Buffer.alloc(0), (fh) => plainFileStream(fh, 0))).toBeUndefined();
  });
});

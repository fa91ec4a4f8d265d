// Writes the benchmark inputs into bench/out/ from a seed, once: a manifest next to each file
// records the seed and generator version, and a file whose manifest matches is reused.
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { backgroundLine, burstLine, decoyLine, rejectionLine, rng } from './corpus.js';

/** Bumped whenever the corpus changes, so stale files are rewritten. */
const GENERATOR_VERSION = 6;
/** Lines built per write. About 4 MiB; keeps memory small while writes stay large. */
const LINES_PER_WRITE = 32_000;

const fresh = (path, manifest) => {
  const m = `${path}.json`;
  if (!existsSync(path) || !existsSync(m)) return false;
  const old = JSON.parse(readFileSync(m, 'utf8'));
  return JSON.stringify(old.params) === JSON.stringify(manifest);
};

/**
 * The input `name` in `dir` for `params`: reused when its manifest matches, else written by
 * `write(path)`, which returns the rest of the manifest (bytes, lines, ground truth).
 */
const generated = (dir, name, params, write) => {
  const path = join(dir, name);
  const full = { version: GENERATOR_VERSION, ...params };
  if (fresh(path, full)) return { path, ...JSON.parse(readFileSync(`${path}.json`, 'utf8')) };
  const manifest = { params: full, ...write(path) };
  writeFileSync(`${path}.json`, JSON.stringify(manifest));
  return { path, ...manifest };
};

/**
 * A mixed log of at least `bytes` bytes: one rejection per `rejectEvery` lines on average and,
 * when `decoyShare` > 0, that share of lines mentioning authentication without rejecting.
 * Returns the file's path and ground truth (line numbers and kinds of the rejections).
 */
export const mixedLog = (dir, name, { seed, bytes, rejectEvery, decoyShare }) =>
  generated(dir, name, { seed, bytes, rejectEvery, decoyShare }, (path) => {
  const r = rng(seed);
  const fd = openSync(path, 'w');
  const truth = [];
  let written = 0;
  let line = 0;
  let second = 36_000;
  let decoys = 0;
  try {
    while (written < bytes) {
      const parts = [];
      for (let i = 0; i < LINES_PER_WRITE; i++) {
        line++;
        if (r.int(20) === 0) second++;
        const u = r.next();
        if (u < 1 / rejectEvery) {
          const rej = rejectionLine(r, second);
          truth.push([line, rej.kind]);
          parts.push(rej.text);
        } else if (u < 1 / rejectEvery + decoyShare) {
          decoys++;
          parts.push(decoyLine(r, second));
        } else {
          parts.push(backgroundLine(r, second));
        }
      }
      const chunk = Buffer.from(`${parts.join('\n')}\n`);
      writeSync(fd, chunk);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: written, lines: line, decoys, truth };
});

/**
 * One line of `bytes` bytes (log-like text, a rejection wording buried in the middle) and a
 * newline: longer than maxLineBytes, so it must be skipped in bounded memory.
 */
export const longLine = (dir, name, { seed, bytes }) =>
  generated(dir, name, { seed, bytes }, (path) => {
  const r = rng(seed);
  const piece = Buffer.from(Array.from({ length: 64 }, () => backgroundLine(r, 1).replaceAll('\n', ' ')).join(' '));
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    let buried = false;
    while (written < bytes) {
      if (!buried && written >= bytes / 2) {
        buried = true;
        const b = Buffer.from(' said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled ');
        writeSync(fd, b);
        written += b.length;
      }
      const n = Math.min(piece.length, bytes - written);
      writeSync(fd, piece, 0, n);
      written += n;
    }
    writeSync(fd, Buffer.from('\n'));
    written++;
  } finally {
    closeSync(fd);
  }
  return { bytes: written, lines: 1, truth: [] };
});

/** `lines` lines, every one a rejection: the store's worst case. */
export const burstLog = (dir, name, { seed, lines }) =>
  generated(dir, name, { seed, lines }, (path) => {
  const r = rng(seed);
  const texts = [];
  for (let i = 0; i < lines; i++) texts.push(burstLine(r, 36_000 + (i >> 4)).text);
  const body = Buffer.from(`${texts.join('\n')}\n`);
  writeFileSync(path, body);
  return { bytes: body.length, lines, truth: [] };
});

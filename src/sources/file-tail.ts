import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import type { BatchSink, CheckpointReader, Clock, Log, Source, SourceHealth } from '../contracts.js';
import type { StreamStart } from './file-checkpoint.js';
import { parseFileCheckpoint, startOf, streamIdOf } from './file-checkpoint.js';
import { CHUNK_BYTES } from './file-chunks.js';
import type { PumpContext } from './file-follower.js';
import { Follower, deferAfterError, pump } from './file-follower.js';
import { lastLineStart, newHeadBuffer, readFingerprint } from './file-probe.js';
import { continueInCopy, findRotatedStreams } from './file-recovery.js';
import type { PathPatterns } from './glob.js';
import { expandPatterns, isGzPath, splitPatterns } from './glob.js';
import { GzQueue } from './gz-once.js';
import { RateLimitedWarnings, errorCode } from './retry.js';
import { DEFAULT_BACKOFF, backoffDelay, sleep, type BackoffOptions } from '../util/backoff.js';

export interface FileTailOptions {
  readonly id: string;
  /** Files and globs (`*`, `?`, `**`), absolute or relative to the working directory. */
  readonly paths: readonly string[];
  /** Where files present on the very first start begin; later files always begin at 0. */
  readonly startAt: 'end' | 'beginning';
  /** Read rotated `.gz` files that the globs match, once each, decompressed. */
  readonly readRotatedGz: boolean;
  /** Gap between two stat polls of every path. Milliseconds; default 250. */
  readonly pollIntervalMs?: number;
  /** A rotated file is ended once it has not grown for this long. Milliseconds; default 5000. */
  readonly rotatedIdleMs?: number;
  /** Gap between two expansions of the globs (new files). Milliseconds; default 1000. */
  readonly globIntervalMs?: number;
  /** Backoff after a sink rejection or read error; default 500 ms doubling to 30 s. */
  readonly retry?: BackoffOptions;
  readonly now?: Clock;
}

/** A literal path missing for longer than this is reported (a rename rotation leaves a short gap). Milliseconds. */
const MISSING_GRACE_MS = 2_000;

/** One watched path and the stream currently at it. */
interface Slot {
  readonly path: string;
  readonly literal: boolean;
  follower: Follower | undefined;
  /** Matched on start: begins at its end under startAt 'end' on a first start. */
  presentAtStart: boolean;
  lastSize: bigint;
  lastMtimeNs: bigint;
  missingSince: number | undefined;
}

/**
 * Follows files like `tail -F`, by polling: appends, rename-and-create and copytruncate
 * rotation, new glob matches, rotated `.gz` files. Each file is one stream named by its head
 * fingerprint, so it keeps its identity under any name, and every chunk carries the checkpoint
 * that lets a restart resume exactly (see FileCheckpoint).
 */
export class FileTailSource implements Source {
  readonly type = 'file' as const;
  readonly id: string;
  private readonly patterns: PathPatterns;
  private readonly pollMs: number;
  private readonly globMs: number;
  private readonly now: Clock;
  private readonly warnings: RateLimitedWarnings;
  private readonly slots = new Map<string, Slot>();
  /** Every open stream by stream id: live, rotated or draining a copy. */
  private readonly followers = new Map<string, Follower>();
  private readonly gz = new GzQueue();
  /** Conditions that make health 'retrying', by key; the first one is the detail. */
  private readonly problems = new Map<string, string>();
  private state: SourceHealth['state'] = 'starting';
  private lastBatchAt: number | undefined;
  private firstStart = false;

  constructor(
    private readonly opts: FileTailOptions,
    private readonly checkpoints: CheckpointReader,
    private readonly log: Log,
  ) {
    this.id = opts.id;
    this.patterns = splitPatterns(opts.paths);
    this.pollMs = opts.pollIntervalMs ?? 250;
    this.globMs = opts.globIntervalMs ?? 1_000;
    this.now = opts.now ?? Date.now;
    this.warnings = new RateLimitedWarnings(log, this.now);
  }

  health(): SourceHealth {
    const detail = this.problems.values().next().value;
    const state = (this.state === 'running' || this.state === 'starting') && detail !== undefined ? 'retrying' : this.state;
    return { id: this.id, type: 'file', state, ...(detail ? { detail } : {}), ...(this.lastBatchAt ? { lastBatchAt: this.lastBatchAt } : {}) };
  }

  async run(sink: BatchSink, signal: AbortSignal): Promise<void> {
    const ctx: PumpContext = {
      sourceId: this.id,
      sink,
      checkpoints: this.checkpoints,
      log: this.log,
      now: this.now,
      signal,
      buf: Buffer.allocUnsafe(CHUNK_BYTES),
      head: newHeadBuffer(),
      rotatedIdleMs: this.opts.rotatedIdleMs ?? 5_000,
      retry: this.opts.retry ?? DEFAULT_BACKOFF,
      onSink: (stream, err) => this.onSink(stream, err),
    };
    let ready = false;
    let failures = 0;
    let nextGlobAt = 0;
    try {
      while (!signal.aborted) {
        try {
          if (!ready) {
            await this.start(ctx);
            ready = true;
            nextGlobAt = this.now() + this.globMs;
          }
          if (this.now() >= nextGlobAt) {
            await this.rescan(false);
            nextGlobAt = this.now() + this.globMs;
          }
          const busy = await this.turn(ctx);
          failures = 0;
          this.problems.delete('internal');
          if (!busy) await sleep(this.pollMs, signal);
        } catch (err) {
          // Unexpected (the checkpoint store failing to list, a bug): never thrown out of run.
          failures += 1;
          this.problems.set('internal', `${errorCode(err)}; retrying`);
          this.warnings.warn('internal', { err }, 'File source step failed; will retry.');
          await sleep(backoffDelay(failures, ctx.retry), signal);
        }
      }
    } finally {
      for (const f of this.followers.values()) await f.closeFile();
      this.followers.clear();
      for (const slot of this.slots.values()) slot.follower = undefined;
      this.state = 'stopped';
    }
  }

  /** First expansion and open, then the streams rotated while the source was stopped. */
  private async start(ctx: PumpContext): Promise<void> {
    this.firstStart = this.checkpoints.list(this.id).length === 0;
    await this.rescan(true);
    for (const slot of this.slots.values()) await this.pollSlot(slot, ctx);
    await this.recoverStored(ctx);
    this.state = 'running';
  }

  /** One poll of every path and one read turn of every stream; true when a backlog is left. */
  private async turn(ctx: PumpContext): Promise<boolean> {
    for (const slot of [...this.slots.values()]) if (!ctx.signal.aborted) await this.pollSlot(slot, ctx);
    let busy = false;
    for (const f of [...this.followers.values()]) if (!ctx.signal.aborted) busy = (await this.pumpOne(f, ctx)) || busy;
    if (!ctx.signal.aborted) await this.gz.readOne({ ...ctx, isFollowed: (s) => this.followers.has(s) }, this.firstStart && this.opts.startAt === 'end');
    return busy;
  }

  /** Expands the globs: new paths get a slot, paths no longer matched hand their stream over to draining. */
  private async rescan(initial: boolean): Promise<void> {
    let paths: string[];
    try {
      paths = await expandPatterns(this.patterns);
    } catch (err) {
      this.warnings.warn('glob', { err }, 'Could not expand the path patterns; will try again.');
      return;
    }
    const seen = new Set(paths);
    for (const path of paths) {
      if (isGzPath(path)) {
        if (this.opts.readRotatedGz) this.gz.offer(path, initial);
        continue;
      }
      if (this.slots.has(path)) continue;
      const literal = this.patterns.literal.includes(path);
      this.slots.set(path, { path, literal, follower: undefined, presentAtStart: initial, lastSize: -1n, lastMtimeNs: -1n, missingSince: undefined });
    }
    for (const [path, slot] of this.slots) {
      if (seen.has(path)) continue;
      this.detach(slot);
      this.slots.delete(path);
      this.problems.delete(`path:${path}`);
    }
  }

  /** One stat of a path: notices rotation (new inode) and truncation (shrunk, or head changed). */
  private async pollSlot(slot: Slot, ctx: PumpContext): Promise<void> {
    let st: BigIntStats;
    try {
      st = await stat(slot.path, { bigint: true });
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    } catch (err) {
      this.detach(slot);
      this.pathFailed(slot, err);
      return;
    }
    const f = slot.follower;
    if (f?.file && (st.ino !== f.file.ino || st.dev !== f.file.dev)) {
      this.detach(slot);
    } else if (f?.file) {
      const changed = st.size !== slot.lastSize || st.mtimeNs !== slot.lastMtimeNs;
      if (st.size < BigInt(f.offset) || (changed && (await readFingerprint(f.file.fh, ctx.head)) !== f.fingerprint)) {
        await this.truncated(slot, f, ctx);
      }
    }
    slot.lastSize = st.size;
    slot.lastMtimeNs = st.mtimeNs;
    if (!slot.follower) await this.openSlot(slot, ctx);
  }

  /** Starts following the file at a slot's path, unless its first line is still incomplete. */
  private async openSlot(slot: Slot, ctx: PumpContext): Promise<void> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(slot.path, 'r');
    } catch (err) {
      this.pathFailed(slot, err);
      return;
    }
    const presentAtStart = slot.presentAtStart;
    try {
      const st = await fh.stat({ bigint: true });
      const fp = await readFingerprint(fh, ctx.head);
      this.pathOk(slot);
      // Only the first look counts as "present at start": a file with no complete line then
      // had nothing to skip, so whatever it holds when it is opened is read from 0.
      slot.presentAtStart = false;
      if (fp === undefined) return; // first line incomplete: its identity is not known yet
      const stream = streamIdOf(fp);
      const known = this.followers.get(stream);
      if (known) {
        // The same stream under another name. Renamed within the watched paths, it is adopted
        // by this path instead of being ended and started over.
        if (known.mode === 'rotated' && known.file?.dev === st.dev && known.file.ino === st.ino) {
          this.log.debug({ from: known.file.path, path: slot.path, stream }, 'File was renamed within the watched paths; following it under its new name.');
          known.useFile({ ...known.file, path: slot.path }, 'live');
          slot.follower = known;
        }
        return;
      }
      const start = await this.startFor(stream, fh, Number(st.size), presentAtStart, ctx);
      const f = new Follower(stream, fp, { path: slot.path, fh, dev: st.dev, ino: st.ino }, start, this.now(), start.announce);
      fh = undefined;
      slot.follower = f;
      this.followers.set(stream, f);
      this.log.debug({ path: slot.path, stream, ...start }, 'Following file.');
    } catch (err) {
      this.pathFailed(slot, err);
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  /** Stored checkpoint first; else the end on a first start under startAt 'end'; else the beginning. */
  private async startFor(stream: string, fh: FileHandle, size: number, presentAtStart: boolean, ctx: PumpContext): Promise<StreamStart & { announce: boolean }> {
    const cp = parseFileCheckpoint(this.checkpoints.get(this.id, stream));
    if (cp && cp.offset <= size) return { ...startOf(cp), announce: false };
    if (cp) {
      this.log.warn({ stream, path: cp.path, offset: cp.offset, size }, 'File is shorter than its stored offset but has the same head; reading it again from the start.');
    } else if (presentAtStart && this.firstStart && this.opts.startAt === 'end') {
      return { ...(await lastLineStart(fh, size, ctx.buf)), announce: true };
    }
    return { startOffset: 0, startLine: 1, announce: false };
  }

  /** copytruncate noticed: the stream continues in its copy; the truncated file is opened anew as a new stream. */
  private async truncated(slot: Slot, f: Follower, ctx: PumpContext): Promise<void> {
    slot.follower = undefined;
    await continueInCopy(f, slot.path, Number(slot.lastSize), this.log, ctx.head);
  }

  /** The stream left its path (renamed, deleted): drain it until idle, then end it. */
  private detach(slot: Slot): void {
    const f = slot.follower;
    if (!f) return;
    slot.follower = undefined;
    f.mode = 'rotated';
    f.lastGrowthAt = this.now();
    this.log.debug({ path: slot.path, stream: f.stream }, 'File left its path; draining it.');
  }

  /** Stored streams not at any watched path were rotated while the source was stopped: drain them. */
  private async recoverStored(ctx: PumpContext): Promise<void> {
    const found = await findRotatedStreams(this.checkpoints.list(this.id), (s) => this.followers.has(s), [...this.slots.keys()], this.now(), this.log, ctx.head);
    for (const f of found) this.followers.set(f.stream, f);
  }

  /** Returns true when the follower has a backlog left. */
  private async pumpOne(f: Follower, ctx: PumpContext): Promise<boolean> {
    try {
      const result = await pump(f, ctx);
      if (result === 'ended') this.followers.delete(f.stream);
      if (result === 'truncated') {
        const slot = [...this.slots.values()].find((s) => s.follower === f);
        if (slot) await this.truncated(slot, f, ctx);
        else await continueInCopy(f, f.place.path, f.offset, this.log, ctx.head);
      }
      return result === 'more';
    } catch (err) {
      const retryInMs = deferAfterError(f, ctx);
      this.warnings.warn(`read:${f.stream}`, { stream: f.stream, path: f.place.path, err, retryInMs }, 'Could not read a file; will retry.');
      return false;
    }
  }

  private onSink(stream: string, err: unknown): void {
    if (err === undefined) {
      this.lastBatchAt = this.now();
      this.problems.delete(`sink:${stream}`);
    } else {
      this.problems.set(`sink:${stream}`, `sink rejected a chunk of ${stream}: ${errorCode(err)}; retrying`);
    }
  }

  private pathFailed(slot: Slot, err: unknown): void {
    slot.presentAtStart = false; // absent or unreadable on start: read from 0 once it can be
    const code = errorCode(err);
    if (code === 'ENOENT') {
      if (!slot.literal) return; // a glob match that went away; the next expansion drops it
      slot.missingSince ??= this.now();
      if (this.now() - slot.missingSince < MISSING_GRACE_MS) return;
    }
    this.problems.set(`path:${slot.path}`, `${slot.path}: ${code === 'ENOENT' ? 'missing' : code}; retrying`);
    this.warnings.warn(`path:${slot.path}`, { path: slot.path, code }, 'Cannot read a watched path; will keep trying.');
  }

  private pathOk(slot: Slot): void {
    slot.missingSince = undefined;
    if (this.problems.delete(`path:${slot.path}`)) {
      this.warnings.clear(`path:${slot.path}`);
      this.log.info({ path: slot.path }, 'Watched path is readable again.');
    }
  }
}

import { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { ScanTask, WorkerMessage, WorkerSetup } from './scan-task.js';
import { TaskChannel } from './task-channel.js';

interface Job {
  readonly task: ScanTask;
  readonly channel: TaskChannel<WorkerMessage>;
}

/** Runs a task in the calling thread (see range-scan.ts), posting what a worker would post. */
export type InlineRunner = (task: ScanTask, post: (m: WorkerMessage) => void, cancelled: () => boolean) => Promise<void>;

export interface PoolOptions {
  /** The worker entry; default: scanWorkerUrl(). */
  readonly url?: URL;
  /**
   * Keeps one of the pool's lanes for the main thread, which takes tasks once it hands over its
   * runner (`join`): it starts at once, while the workers take ~0.1 s to load, and leaves one CPU
   * fewer to wait on. Workers can meanwhile be started (`warmUp`) and load while the main
   * thread loads what it scans with.
   */
  readonly mainThreadJoins?: boolean;
}

/**
 * The compiled worker entry. Run from the TypeScript sources (the tests do), it is the one in
 * dist/: a worker thread cannot load a .ts file.
 */
export function scanWorkerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/scan-threads/scan-worker.js', here) : new URL('./scan-worker.js', here);
}

/**
 * `size` lanes taking tasks from one queue, one task each at a time: worker threads, started
 * as tasks arrive, and optionally the main thread itself. A task's messages come through its
 * channel; a worker that throws or exits ends its task with an error and is replaced, so no
 * channel waits forever.
 */
export class WorkerPool {
  private readonly queue: Job[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly live = new Set<Worker>();
  private readonly maxWorkers: number;
  private readonly url: URL;
  /** The main thread's runner, once it joined. */
  private inline: InlineRunner | undefined;
  private readonly mainThreadJoins: boolean;
  /** The task the main thread is running, if any. */
  private inlineJob: Job | null = null;
  private readonly cancelled = new Set<number>();
  private closed = false;

  /** `size`: lanes, the main thread's included. */
  constructor(
    readonly size: number,
    private readonly setup: WorkerSetup,
    options: PoolOptions = {},
  ) {
    this.mainThreadJoins = options.mainThreadJoins === true;
    this.url = options.url ?? scanWorkerUrl();
    this.maxWorkers = Math.max(1, this.mainThreadJoins ? size - 1 : size);
  }

  /** Starts up to `count` workers now (no more than the pool holds), before any task. */
  warmUp(count = this.maxWorkers): void {
    while (!this.closed && this.live.size < Math.min(count, this.maxWorkers)) this.idle.push(this.spawn());
  }

  /** The main thread's lane (mainThreadJoins) starts taking tasks, run by `inline`. */
  join(inline: InlineRunner): void {
    if (!this.mainThreadJoins || this.inline !== undefined) throw new Error('The pool keeps no free lane for the main thread to join.');
    this.inline = inline;
    this.dispatch();
  }

  /** Queues a task; `urgent` puts it first (the main thread waits for it). */
  submit(task: ScanTask, urgent = false): TaskChannel<WorkerMessage> {
    const job = { task, channel: new TaskChannel<WorkerMessage>() };
    if (this.closed) {
      job.channel.close();
      return job.channel;
    }
    if (urgent) this.queue.unshift(job);
    else this.queue.push(job);
    this.dispatch();
    return job.channel;
  }

  /** Drops a queued task, or tells a running one to stop; either way its channel closes now. */
  cancel(id: number): void {
    const i = this.queue.findIndex((j) => j.task.id === id);
    if (i >= 0) {
      this.queue.splice(i, 1)[0]?.channel.close();
      return;
    }
    if (this.inlineJob?.task.id === id) {
      this.inlineJob.channel.close();
      this.cancelled.add(id);
    }
    for (const [worker, job] of this.busy) {
      if (job.task.id !== id) continue;
      job.channel.close();
      worker.postMessage({ type: 'cancel', id });
    }
  }

  /** Stops every worker; queued tasks are dropped, a task running in this thread is told to stop. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.channel.close();
    if (this.inlineJob !== null) this.cancel(this.inlineJob.task.id);
    const workers = [...this.live];
    this.live.clear();
    this.idle.length = 0;
    for (const job of this.busy.values()) job.channel.close();
    this.busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.inline !== undefined && this.inlineJob === null) {
        this.runInline(this.queue.shift() as Job, this.inline);
        continue;
      }
      let worker = this.idle.pop();
      if (worker === undefined) {
        if (this.live.size >= this.maxWorkers) return;
        worker = this.spawn();
      }
      const job = this.queue.shift() as Job;
      this.busy.set(worker, job);
      worker.postMessage({ type: 'task', task: job.task });
    }
  }

  private runInline(job: Job, inline: InlineRunner): void {
    this.inlineJob = job;
    const id = job.task.id;
    const finish = (): void => {
      if (this.inlineJob !== job) return;
      this.inlineJob = null;
      this.cancelled.delete(id);
      job.channel.close();
      if (!this.closed) this.dispatch();
    };
    const post = (m: WorkerMessage): void => {
      job.channel.push(m);
      if (m.type === 'end') finish();
    };
    // Started on the next turn, so that queuing a task never runs a scan inside the caller.
    setImmediate(() => {
      inline(job.task, post, () => this.cancelled.has(id))
        .catch((err: unknown) => post({ type: 'end', id, state: null, error: { message: errorMessage(err) } }))
        .finally(finish);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(this.url, { workerData: this.setup });
    this.live.add(worker);
    worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
    worker.on('error', (err) => this.onFailure(worker, errorMessage(err)));
    worker.on('messageerror', (err) => this.onFailure(worker, `a message from the scan worker could not be read (${errorMessage(err)})`));
    worker.on('exit', (code) => this.onFailure(worker, `the scan worker stopped (exit code ${code})`));
    return worker;
  }

  private onMessage(worker: Worker, m: WorkerMessage): void {
    const job = this.busy.get(worker);
    if (job === undefined || job.task.id !== m.id) return;
    job.channel.push(m);
    if (m.type !== 'end') return;
    job.channel.close();
    this.busy.delete(worker);
    this.idle.push(worker);
    this.dispatch();
  }

  private onFailure(worker: Worker, message: string): void {
    if (!this.live.delete(worker)) return;
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    if (job !== undefined) {
      job.channel.push({ type: 'end', id: job.task.id, state: null, error: { message } });
      job.channel.close();
    }
    void worker.terminate();
    this.dispatch();
  }
}

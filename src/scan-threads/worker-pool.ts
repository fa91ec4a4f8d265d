import { Worker } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { ScanTask, WorkerMessage, WorkerSetup } from './scan-task.js';
import { TaskChannel } from './task-channel.js';

interface Job {
  readonly task: ScanTask;
  readonly channel: TaskChannel<WorkerMessage>;
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
 * Up to `size` worker threads taking tasks from one queue, one task each at a time; workers
 * start as tasks arrive. A task's messages come through its channel; a worker that throws or
 * exits ends its task with an error and is replaced, so no channel waits forever.
 */
export class WorkerPool {
  private readonly queue: Job[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly live = new Set<Worker>();
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly setup: WorkerSetup,
    private readonly url: URL = scanWorkerUrl(),
  ) {}

  /** Starts workers ahead of their first task (they take ~0.1 s to load), up to the pool size. */
  start(count: number): void {
    while (!this.closed && this.live.size < Math.min(count, this.size)) this.idle.push(this.spawn());
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
    for (const [worker, job] of this.busy) {
      if (job.task.id !== id) continue;
      job.channel.close();
      worker.postMessage({ type: 'cancel', id });
    }
  }

  /** Stops every worker; queued tasks are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.channel.close();
    const workers = [...this.live];
    this.live.clear();
    this.idle.length = 0;
    for (const job of this.busy.values()) job.channel.close();
    this.busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (worker === undefined) {
        if (this.live.size >= this.size) return;
        worker = this.spawn();
      }
      const job = this.queue.shift() as Job;
      this.busy.set(worker, job);
      worker.postMessage({ type: 'task', task: job.task });
    }
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

/**
 * The messages of one task, in the order the worker sent them, read by one consumer. Buffers
 * whatever arrives before it is read: a worker may finish a later range while the main thread
 * still stores an earlier one.
 */
export class TaskChannel<T> {
  private items: T[] = [];
  /** Index of the next item to hand out (shifting a long buffer one by one is quadratic). */
  private read = 0;
  private waiter: ((item: T | undefined) => void) | null = null;
  private closed = false;

  push(item: T): void {
    if (this.closed) return;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(item);
    } else {
      this.items.push(item);
    }
  }

  /** No more messages; a pending or later `next` gets undefined once the buffer is read. */
  close(): void {
    this.closed = true;
    if (this.waiter !== null && this.read === this.items.length) {
      const w = this.waiter;
      this.waiter = null;
      w(undefined);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  next(): Promise<T | undefined> {
    if (this.read < this.items.length) {
      const item = this.items[this.read++] as T;
      if (this.read === this.items.length) {
        this.items = [];
        this.read = 0;
      }
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

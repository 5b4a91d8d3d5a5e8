export interface SemaphoreErrors {
  /** The queue is full: refused at once. */
  readonly full: () => Error;
  /** No slot came free in time. */
  readonly timeout: () => Error;
  /** The caller's signal aborted (its client went away) before a slot came free. */
  readonly aborted: () => Error;
}

interface Waiter {
  grant(): void;
}

/** Permits for slow work, with a bounded queue of waiters that leave on timeout or abort. */
export class Semaphore {
  private available: number;
  private readonly waiters: Waiter[] = [];

  constructor(
    permits: number,
    private readonly maxWaiting: number = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError('A semaphore needs at least one permit.');
    this.available = permits;
  }

  /** Waiters in the queue now. */
  get waiting(): number {
    return this.waiters.length;
  }

  async run<T>(work: () => Promise<T>, waitMs: number, errors: SemaphoreErrors, signal?: AbortSignal): Promise<T> {
    await this.acquire(waitMs, errors, signal);
    try {
      // A slot granted in the same tick as the abort: the work is not started for nobody.
      if (signal?.aborted === true) throw errors.aborted();
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(waitMs: number, errors: SemaphoreErrors, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(errors.aborted());
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxWaiting) return Promise.reject(errors.full());
    return new Promise((resolve, reject) => {
      const leave = (error: Error): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = (): void => leave(errors.aborted());
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const timer = setTimeout(() => leave(errors.timeout()), waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next.grant();
    else this.available++;
  }
}

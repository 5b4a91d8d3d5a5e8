export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError('A semaphore needs at least one permit.');
    this.available = permits;
  }

  async run<T>(work: () => Promise<T>, waitMs: number, onTimeout: () => Error): Promise<T> {
    await this.acquire(waitMs, onTimeout);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(waitMs: number, onTimeout: () => Error): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(onTimeout());
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.available++;
  }
}

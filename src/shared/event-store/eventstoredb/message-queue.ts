/**
 * An unbounded FIFO that one consumer awaits. The producer watches `length` to apply its own
 * backpressure (pausing the gRPC stream), so the queue itself never refuses an item.
 */
export class MessageQueue<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Wakes the consumer and makes `next()` answer undefined once the queue is empty. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Wakes a pending `next()` without an item (e.g. to let it see a failure). */
  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** The next item; undefined when the queue has ended, or was woken with nothing to give. */
  async next(): Promise<T | undefined> {
    if (this.items.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.items.shift();
  }
}

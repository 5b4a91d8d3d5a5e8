import { expect } from 'chai';
import { Semaphore } from '../../../../../src/features/users/adapters/semaphore';

describe('Semaphore', () => {
  const timeout = (): Error => new Error('timed out');

  it('runs at most `permits` tasks at once and hands permits to waiters in order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (n: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(n);
      running--;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => semaphore.run(task(n), 1_000, timeout)));
    expect(results).to.deep.equal([1, 2, 3, 4, 5]);
    expect(peak).to.equal(2);
    expect(order).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('releases the permit when the task fails, and times a waiter out without losing permits', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.run(() => Promise.reject(new Error('boom')), 10, timeout).catch(() => undefined);
    let release = (): void => undefined;
    const holder = semaphore.run(() => new Promise<void>((resolve) => (release = resolve)), 10, timeout);
    const waiter = await semaphore.run(async () => 'ran', 1, timeout).catch((error: Error) => error.message);
    expect(waiter).to.equal('timed out');
    release();
    await holder;
    expect(await semaphore.run(async () => 'free again', 10, timeout)).to.equal('free again');
  });
});

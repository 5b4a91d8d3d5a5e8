import { expect } from 'chai';
import { Semaphore, type SemaphoreErrors } from '../../../../../src/features/users/adapters/semaphore';

describe('Semaphore', () => {
  const errors: SemaphoreErrors = {
    full: () => new Error('full'),
    timeout: () => new Error('timed out'),
    aborted: () => new Error('aborted'),
  };
  const messageOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ran', (error: Error) => error.message);

  /** A task that runs until released, and counts that it started. */
  function blocker(): { task: () => Promise<void>; release: () => void; started: () => number } {
    let release = (): void => undefined;
    let started = 0;
    const gate = new Promise<void>((resolve) => (release = resolve));
    return {
      task: () => {
        started++;
        return gate;
      },
      release: () => release(),
      started: () => started,
    };
  }

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
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => semaphore.run(task(n), 1_000, errors)));
    expect(results).to.deep.equal([1, 2, 3, 4, 5]);
    expect(peak).to.equal(2);
    expect(order).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('releases the permit when the task fails, and times a waiter out without losing permits', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.run(() => Promise.reject(new Error('boom')), 10, errors).catch(() => undefined);
    const holder = blocker();
    const held = semaphore.run(holder.task, 10, errors);
    expect(await messageOf(semaphore.run(async () => 'ran', 1, errors))).to.equal('timed out');
    holder.release();
    await held;
    expect(await semaphore.run(async () => 'free again', 10, errors)).to.equal('free again');
  });

  it('refuses at once beyond its queue, and takes waiters again once the queue has room', async () => {
    const semaphore = new Semaphore(1, 2);
    const holder = blocker();
    const held = semaphore.run(holder.task, 60_000, errors);
    const queued = [semaphore.run(async () => 'first', 60_000, errors), semaphore.run(async () => 'second', 60_000, errors)];
    expect(await messageOf(semaphore.run(async () => 'third', 60_000, errors))).to.equal('full');
    expect(semaphore.waiting).to.equal(2);
    holder.release();
    await held;
    expect(await Promise.all(queued)).to.deep.equal(['first', 'second']);
    expect(await semaphore.run(async () => 'after', 10, errors)).to.equal('after');
  });

  it('drops a waiter whose signal aborts: its work never starts and its place goes to the next', async () => {
    const semaphore = new Semaphore(1, 1);
    const holder = blocker();
    const held = semaphore.run(holder.task, 60_000, errors);
    const gone = new AbortController();
    let dropped = 0;
    const waiter = semaphore.run(async () => dropped++, 60_000, errors, gone.signal);
    gone.abort();
    expect(await messageOf(waiter)).to.equal('aborted');
    expect(semaphore.waiting).to.equal(0);
    const next = semaphore.run(async () => 'next', 60_000, errors);
    holder.release();
    await held;
    expect(await next).to.equal('next');
    expect(dropped).to.equal(0);
  });

  it('never starts work whose signal aborted before it asked', async () => {
    const semaphore = new Semaphore(1);
    const gone = new AbortController();
    gone.abort();
    let ran = false;
    expect(await messageOf(semaphore.run(async () => (ran = true), 10, errors, gone.signal))).to.equal('aborted');
    expect(ran).to.equal(false);
    expect(await semaphore.run(async () => 'free', 10, errors)).to.equal('free');
  });
});

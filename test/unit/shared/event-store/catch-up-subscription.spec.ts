import { expect } from 'chai';
import { AppendNotifier } from '../../../../src/shared/event-store/append-notifier';
import { catchUpSubscription } from '../../../../src/shared/event-store/catch-up-subscription';
import type { CatchUpSource } from '../../../../src/shared/event-store/catch-up-subscription';
import type { ReadAllResult, SubscriptionMessage } from '../../../../src/shared/event-store/event-store';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';
import { eventually } from '../../../support/eventually';

/** A source serving `pages` in turn (the last one again and again), counting reads and waits. */
function source(pages: Array<ReadAllResult | Error>, pollIntervalMs?: number): CatchUpSource & { reads: number; waits: Array<number | undefined> } {
  const notifier = new AppendNotifier();
  const waitForChange = notifier.waitForChange.bind(notifier);
  const fake = {
    reads: 0,
    /** The timeout of each wait for the notifier, in order. */
    waits: [] as Array<number | undefined>,
    notifier,
    pollIntervalMs,
    readPage: async () => {
      const page = pages[Math.min(fake.reads++, pages.length - 1)] as ReadAllResult | Error;
      if (page instanceof Error) throw page;
      return page;
    },
  };
  notifier.waitForChange = (seen, timeoutMs, signal) => {
    fake.waits.push(timeoutMs);
    return waitForChange(seen, timeoutMs, signal);
  };
  return fake;
}

const empty: ReadAllResult = { events: [], lastPosition: undefined, isEnd: true };

describe('catchUpSubscription', () => {
  it('ends the iteration with the error of a failed read', async () => {
    const failure = new EventStoreUnavailableError('down');
    const subscription = catchUpSubscription(source([failure]), { batchSize: 10 });
    const seen: SubscriptionMessage[] = [];
    let caught: unknown;
    try {
      for await (const message of subscription) seen.push(message);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(failure);
    expect(seen).to.deep.equal([]);
  });

  it('sends no checkpoint for a page that scanned nothing, and caught_up only once', async () => {
    const fake = source([empty], 1);
    const subscription = catchUpSubscription(fake, { after: 7n, batchSize: 10 });
    const seen: SubscriptionMessage[] = [];
    const consuming = (async () => {
      for await (const message of subscription) seen.push(message);
    })();
    await eventually('three reads', () => fake.reads >= 3);
    await subscription.close();
    await consuming;
    expect(seen).to.deep.equal([{ type: 'caught_up', position: 7n }]);
  });

  it('waits after the end of the log until the notifier wakes it', async () => {
    const fake = source([empty]);
    const subscription = catchUpSubscription(fake, { batchSize: 10 });
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).to.deep.equal({ type: 'caught_up', position: undefined });
    const next = iterator.next();
    await eventually('the subscription to wait for the notifier', () => fake.waits.length === 1);
    expect(fake.waits, 'a wait with no timeout').to.deep.equal([undefined]);
    expect(fake.reads).to.equal(1);
    fake.notifier.notify();
    await eventually('a read after the wake-up', () => fake.reads === 2);
    await subscription.close();
    expect(await next).to.deep.equal({ done: true, value: undefined });
  });
});

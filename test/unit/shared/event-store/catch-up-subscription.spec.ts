import { expect } from 'chai';
import { AppendNotifier } from '../../../../src/shared/event-store/append-notifier';
import { catchUpSubscription } from '../../../../src/shared/event-store/catch-up-subscription';
import type { CatchUpSource } from '../../../../src/shared/event-store/catch-up-subscription';
import type { ReadAllResult, SubscriptionMessage } from '../../../../src/shared/event-store/event-store';
import { EventStoreUnavailableError } from '../../../../src/shared/event-store/event-store';

function source(pages: Array<ReadAllResult | Error>, pollIntervalMs?: number): CatchUpSource & { reads: number } {
  const notifier = new AppendNotifier();
  const fake = {
    reads: 0,
    notifier,
    pollIntervalMs,
    readPage: async () => {
      const page = pages[Math.min(fake.reads++, pages.length - 1)] as ReadAllResult | Error;
      if (page instanceof Error) throw page;
      return page;
    },
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
    while (fake.reads < 3) await new Promise((resolve) => setTimeout(resolve, 5));
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
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.reads).to.equal(1);
    fake.notifier.notify();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.reads).to.equal(2);
    await subscription.close();
    expect(await next).to.deep.equal({ done: true, value: undefined });
  });
});

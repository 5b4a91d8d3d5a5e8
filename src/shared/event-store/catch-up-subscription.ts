import type {
  EventFilter,
  GlobalPosition,
  ReadAllResult,
  Subscription,
  SubscriptionMessage,
} from './event-store';
import type { AppendNotifier } from './append-notifier';

export interface CatchUpSource {
  readPage(after: GlobalPosition | undefined, maxCount: number, filter: EventFilter | undefined): Promise<ReadAllResult>;
  readonly notifier: AppendNotifier;
  /** How long to wait for an in-process wake-up before reading again; undefined waits for one. */
  readonly pollIntervalMs: number | undefined;
}

export interface CatchUpOptions {
  readonly after?: GlobalPosition;
  readonly filter?: EventFilter;
  readonly batchSize: number;
  readonly onClose?: () => void;
}

/**
 * A catch-up subscription over the global log: pages of history, a checkpoint after every
 * page that scanned something, `caught_up` once, then live pages as appends arrive. A read
 * failure ends the iteration with that error; the caller resubscribes from its checkpoint.
 */
export function catchUpSubscription(source: CatchUpSource, options: CatchUpOptions): Subscription {
  const abort = new AbortController();
  let onCloseCalled = false;
  const finish = (): void => {
    abort.abort();
    if (!onCloseCalled) {
      onCloseCalled = true;
      options.onClose?.();
    }
  };

  async function* messages(): AsyncGenerator<SubscriptionMessage, void, undefined> {
    let after = options.after;
    let caughtUp = false;
    try {
      while (!abort.signal.aborted) {
        const seen = source.notifier.version;
        const page = await source.readPage(after, options.batchSize, options.filter);
        if (abort.signal.aborted) return;
        for (const event of page.events) {
          yield { type: 'event', event };
          if (abort.signal.aborted) return;
        }
        if (page.lastPosition !== undefined) {
          after = page.lastPosition;
          yield { type: 'checkpoint', position: after };
          if (abort.signal.aborted) return;
        }
        if (!page.isEnd) continue;
        if (!caughtUp) {
          caughtUp = true;
          yield { type: 'caught_up', position: after };
          if (abort.signal.aborted) return;
        }
        await source.notifier.waitForChange(seen, source.pollIntervalMs, abort.signal);
      }
    } finally {
      finish();
    }
  }

  const iterator = messages();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      finish();
    },
  };
}

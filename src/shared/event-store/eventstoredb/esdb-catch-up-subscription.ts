import { START, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import type { EventFilter, GlobalPosition, Subscription, SubscriptionMessage } from '../event-store';
import { matchesFilter } from '../event-filter';
import { esdbFilter } from './esdb-filter';
import { MessageQueue } from './message-queue';
import { isSystemEvent, toEsdbPosition, toGlobalPosition, toRecordedEvent } from './recorded-event';

export interface EsdbSubscriptionOptions {
  readonly after?: GlobalPosition;
  readonly filter?: EventFilter;
  /** Most events delivered before a checkpoint, so a consumer's transactions stay bounded. */
  readonly batchSize: number;
  /** Messages held for a slow consumer before the gRPC stream is paused. */
  readonly highWaterMark: number;
  /** Backoff between resubscriptions after a dropped connection: doubles from initial to max. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly onDropped?: (error: unknown, resumeAfter: GlobalPosition | undefined) => void;
  readonly onClose?: () => void;
}

/** `passed`: an event the port filter does not match, which the consumer may checkpoint past. */
type Item =
  | SubscriptionMessage
  | { readonly type: 'passed'; readonly position: GlobalPosition }
  | { readonly type: 'dropped'; readonly error: unknown };

/**
 * The client surfaces events as stream data but `caughtUp` and checkpoints as callbacks, which
 * can overtake events still in its buffer when the stream is paused. Each marker therefore
 * waits until the events buffered before it have come out, which keeps the server's order.
 *
 * The server checkpoints a filtered subscription only every 32 scanned events, and not at all
 * while live events trickle in, so after an event the subscription also checkpoints at that
 * event when nothing else is waiting, or after `batchSize` events: the port's "end of a page".
 *
 * The port's filter is applied here, not on the server: the server says nothing of a live event
 * its filter drops, so a consumer of user streams would never learn that the log moved past a
 * session event, and a read-your-writes wait for that event would never end. The server filters
 * only system events; an event the port filter drops becomes a checkpoint once nothing else is
 * waiting, as a delivered event does.
 *
 * Resuming is exact: the subscription restarts after the last event or checkpoint it queued
 * (start positions are exclusive), so nothing is skipped and nothing is delivered twice.
 */
export function esdbCatchUpSubscription(client: EventStoreDBClient, options: EsdbSubscriptionOptions): Subscription {
  const queue = new MessageQueue<Item>();
  const filter = options.filter;
  let resumeAfter = options.after;
  let caughtUpSent = false;
  let closed = false;
  let current: AllStreamSubscription | undefined;
  let retryMs = options.retryInitialMs;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = (): void => {
    if (closed) return;
    let received = 0;
    let markers: Array<{ readonly after: number; readonly item: SubscriptionMessage }> = [];
    const enqueue = (item: Item): void => {
      queue.push(item);
      if (queue.length >= options.highWaterMark) subscription.pause();
    };
    const flushMarkers = (): void => {
      while (markers[0] !== undefined && markers[0].after <= received) enqueue((markers.shift() as { item: SubscriptionMessage }).item);
    };
    const enqueueInOrder = (item: SubscriptionMessage): void => {
      const after = received + subscription.readableLength;
      if (after <= received && markers.length === 0) enqueue(item);
      else markers.push({ after, item });
    };

    const subscription = client.subscribeToAll({
      fromPosition: resumeAfter === undefined ? START : toEsdbPosition(resumeAfter),
      filter: esdbFilter((position: Position) => {
        enqueueInOrder({ type: 'checkpoint', position: toGlobalPosition(position) });
      }),
    });
    current = subscription;
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      received++;
      const event = isSystemEvent(resolved) ? undefined : toRecordedEvent(resolved);
      if (event !== undefined) enqueue(matchesFilter(event, filter) ? { type: 'event', event } : { type: 'passed', position: event.position });
      flushMarkers();
    });
    subscription.on('caughtUp', () => {
      if (caughtUpSent) return;
      caughtUpSent = true;
      enqueueInOrder({ type: 'caught_up', position: undefined });
    });
    subscription.on('confirmation', () => {
      retryMs = options.retryInitialMs;
    });
    const drop = (error: unknown): void => {
      if (current !== subscription) return;
      current = undefined;
      // A caught_up still waiting behind buffered events is lost with them; the next connection sends it.
      if (markers.some((marker) => marker.item.type === 'caught_up')) caughtUpSent = false;
      markers = [];
      subscription.removeAllListeners('data');
      subscription.unsubscribe().catch(() => undefined);
      if (closed) return;
      queue.push({ type: 'dropped', error });
    };
    subscription.on('error', drop);
    subscription.on('end', () => drop(new Error('The server ended the subscription.')));
  };

  const scheduleReconnect = (error: unknown): void => {
    options.onDropped?.(error, resumeAfter);
    const delay = retryMs;
    retryMs = Math.min(retryMs * 2, options.retryMaxMs);
    retryTimer = setTimeout(connect, delay);
  };

  let onCloseCalled = false;
  const finish = (): void => {
    closed = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    const subscription = current;
    current = undefined;
    subscription?.removeAllListeners('data');
    subscription?.unsubscribe().catch(() => undefined);
    queue.end();
    if (!onCloseCalled) {
      onCloseCalled = true;
      options.onClose?.();
    }
  };

  async function* messages(): AsyncGenerator<SubscriptionMessage, void, undefined> {
    let sinceCheckpoint = 0;
    // The last event or checkpoint passed on; `resumeAfter` also moves over passed-over events.
    let lastYielded = resumeAfter;
    const nothingWaiting = (): boolean => queue.length === 0 && (current?.readableLength ?? 0) === 0;
    try {
      if (closed) return;
      connect();
      for (;;) {
        const item = await queue.next();
        if (item === undefined || closed) return;
        if (queue.length < options.highWaterMark / 2) current?.resume();
        if (item.type === 'dropped') {
          scheduleReconnect(item.error);
          continue;
        }
        if (item.type === 'caught_up') {
          yield { type: 'caught_up', position: resumeAfter };
          continue;
        }
        if (item.type === 'checkpoint') {
          // Never backwards, and not twice at one place: only a checkpoint that moves (or that
          // confirms events delivered since the last one) is passed on.
          const stale = lastYielded !== undefined && (item.position < lastYielded || (item.position === lastYielded && sinceCheckpoint === 0));
          if (stale) continue;
          if (resumeAfter === undefined || item.position > resumeAfter) resumeAfter = item.position;
          lastYielded = item.position;
          sinceCheckpoint = 0;
          yield item;
          continue;
        }
        if (item.type === 'passed') {
          resumeAfter = item.position;
          if (!nothingWaiting()) continue;
          lastYielded = item.position;
          sinceCheckpoint = 0;
          yield { type: 'checkpoint', position: item.position };
          continue;
        }
        resumeAfter = item.event.position;
        lastYielded = item.event.position;
        yield item;
        if (closed) return;
        if (++sinceCheckpoint >= options.batchSize || nothingWaiting()) {
          sinceCheckpoint = 0;
          yield { type: 'checkpoint', position: item.event.position };
        }
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

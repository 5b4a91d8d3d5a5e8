import type {
  AppendOptions,
  AppendResult,
  EventData,
  EventStore,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  SubscribeOptions,
  Subscription,
} from './event-store';

/**
 * Passes every call of the port to the store it wraps: the base of the port's decorators
 * (counting, upcasting, chaining, the tail cache), each of which overrides only what it changes.
 * A method a decorator does not mention is forwarded, never dropped, `readStreams` above all,
 * which a decorator that missed it would turn back into a round trip per stream.
 */
export abstract class ForwardingEventStore implements EventStore {
  protected constructor(protected readonly inner: EventStore) {}

  append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamName, events, options);
  }

  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }

  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return this.inner.readStreams(reads);
  }

  readAll(options?: ReadAllOptions): Promise<ReadAllResult> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<GlobalPosition | undefined> {
    return this.inner.headPosition();
  }

  subscribe(options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

import type {
  AppendOptions,
  AppendResult,
  EventData,
  EventStore,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamRead,
  SubscribeOptions,
  Subscription,
} from '../shared/event-store/event-store';

/** The part of a stream name before its first `-`: `user-0190…` is in category `user`. */
export function streamCategory(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(0, dash);
}

/** A failed append (a wrong expected version, the store unreachable) is not counted. */
export class CountingEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly onAppended: (streamName: string, count: number) => void,
  ) {}

  async append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    const result = await this.inner.append(streamName, events, options);
    this.onAppended(streamName, events.length);
    return result;
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

  headPosition(): Promise<bigint | undefined> {
    return this.inner.headPosition();
  }

  subscribe(options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

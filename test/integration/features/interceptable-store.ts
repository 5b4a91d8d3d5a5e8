import type {
  StreamRead,
  AppendOptions,
  AppendResult,
  EventData,
  EventStore,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';

type Interceptor = (streamName: string, events: readonly EventData[]) => Promise<void> | void;

/**
 * An event store (in-memory unless another is given) whose appends a test can fail or hold
 * back, to stage crashes and races. It decorates the store, so the same staging runs on every
 * adapter.
 */
export class InterceptableStore implements EventStore {
  private interceptor: Interceptor | undefined;

  constructor(private readonly inner: EventStore = new InMemoryEventStore()) {}

  intercept(interceptor: Interceptor | undefined): void {
    this.interceptor = interceptor;
  }

  async append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    const interceptor = this.interceptor;
    if (interceptor !== undefined) await interceptor(streamName, events);
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

  headPosition(): ReturnType<EventStore['headPosition']> {
    return this.inner.headPosition();
  }

  subscribe(options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A promise a test resolves when it wants. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

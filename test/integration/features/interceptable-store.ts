import type { AppendOptions, AppendResult, EventData, EventStore } from '../../../src/shared/event-store/event-store';
import { ForwardingEventStore } from '../../../src/shared/event-store/forwarding-event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';

type Interceptor = (streamName: string, events: readonly EventData[]) => Promise<void> | void;

/**
 * An event store (in-memory unless another is given) whose appends a test can fail or hold
 * back, to stage crashes and races. It decorates the store, so the same staging runs on every
 * adapter.
 */
export class InterceptableStore extends ForwardingEventStore {
  private interceptor: Interceptor | undefined;

  constructor(inner: EventStore = new InMemoryEventStore()) {
    super(inner);
  }

  intercept(interceptor: Interceptor | undefined): void {
    this.interceptor = interceptor;
  }

  override async append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    const interceptor = this.interceptor;
    if (interceptor !== undefined) await interceptor(streamName, events);
    return this.inner.append(streamName, events, options);
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

import type { AppendOptions, EventData } from '../../../src/shared/event-store/event-store';
import { InMemoryEventStore } from '../../../src/shared/event-store/in-memory-event-store';

type Interceptor = (streamName: string, events: readonly EventData[]) => Promise<void> | void;

/** An in-memory store whose appends a test can fail or hold back, to stage crashes and races. */
export class InterceptableStore extends InMemoryEventStore {
  private interceptor: Interceptor | undefined;

  intercept(interceptor: Interceptor | undefined): void {
    this.interceptor = interceptor;
  }

  override async append(streamName: string, events: readonly EventData[], options?: AppendOptions) {
    const interceptor = this.interceptor;
    if (interceptor !== undefined) await interceptor(streamName, events);
    return super.append(streamName, events, options);
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


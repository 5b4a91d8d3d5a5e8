import type { AppendOptions, AppendResult, EventData, EventStore } from '../shared/event-store/event-store';
import { ForwardingEventStore } from '../shared/event-store/forwarding-event-store';

/** The part of a stream name before its first `-`: `user-0190…` is in category `user`. */
export function streamCategory(streamName: string): string {
  const dash = streamName.indexOf('-');
  return dash === -1 ? streamName : streamName.slice(0, dash);
}

/** A failed append (a wrong expected version, the store unreachable) is not counted. */
export class CountingEventStore extends ForwardingEventStore {
  constructor(
    inner: EventStore,
    private readonly onAppended: (streamName: string, count: number) => void,
  ) {
    super(inner);
  }

  override async append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    const result = await this.inner.append(streamName, events, options);
    this.onAppended(streamName, events.length);
    return result;
  }
}

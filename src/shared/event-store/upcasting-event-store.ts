import type { EventSchemaRegistry } from '../event-schemas';
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
  SubscriptionMessage,
} from './event-store';
import { ForwardingEventStore } from './forwarding-event-store';

/**
 * The event-store port in current shapes: appends are stamped with each type's current schema
 * version, and every read (a stream, the global log, a subscription) is upcast once, here, so
 * deciders, projections and audit output never see an old shape. A stored version newer than
 * this release knows fails the read with an EventSchemaVersionError.
 */
export class UpcastingEventStore extends ForwardingEventStore {
  constructor(
    /** The store as written, for readers that must see the stored form (a hash over it, say). */
    readonly stored: EventStore,
    private readonly schemas: EventSchemaRegistry,
  ) {
    super(stored);
  }

  override append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult> {
    return this.stored.append(streamName, events.map((event) => this.schemas.stamp(event)), options);
  }

  override async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.stored.readStream(streamName, options)).map((event) => this.schemas.upcast(event));
  }

  override async readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return (await this.stored.readStreams(reads)).map((events) => events.map((event) => this.schemas.upcast(event)));
  }

  override async readAll(options?: ReadAllOptions): Promise<ReadAllResult> {
    const page = await this.stored.readAll(options);
    return { ...page, events: page.events.map((event) => this.schemas.upcast(event)) };
  }

  /** A failed upcast ends the iteration with its error, as a failed read does; the caller resubscribes or stops. */
  override subscribe(options?: SubscribeOptions): Subscription {
    const inner = this.stored.subscribe(options);
    const schemas = this.schemas;
    async function* upcast(): AsyncGenerator<SubscriptionMessage, void, undefined> {
      for await (const message of inner) {
        yield message.type === 'event' ? { type: 'event', event: schemas.upcast(message.event) } : message;
      }
    }
    const iterator = upcast();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }
}

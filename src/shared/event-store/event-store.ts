/**
 * The event-store port. One version contract for every adapter (PostgreSQL, in-memory,
 * EventStoreDB), with EventStoreDB's semantics:
 * - stream revisions are 0-based; a stream with no events has no revision ('no_stream');
 * - global positions are opaque, strictly increasing bigints in global-log order (not dense);
 * - an append is atomic for its batch and idempotent when retried with the same event ids.
 */
import { maskSessionStreams } from '../session-stream-mask';

export type StreamRevision = bigint;
export type GlobalPosition = bigint;

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | StreamRevision;

/** Metadata every event carries, so that auditors can tell who, why and when. */
export interface EventMetadata {
  /** User id of the caller, or `system:<script>` / `system:<reaction>` for automation. */
  readonly actorId: string;
  /** The request's correlation id (X-Request-Id), shared by everything one request causes. */
  readonly correlationId: string;
  readonly causationId: string;
  /** ISO-8601 time at which the command was decided. */
  readonly occurredAt: string;
  readonly [key: string]: unknown;
}

/** An event to append. `id` is a UUID chosen by the writer; a retry reuses it. */
export interface EventData<T extends string = string, D = unknown> {
  readonly id: string;
  readonly type: T;
  readonly data: D;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<T extends string = string, D = unknown> extends EventData<T, D> {
  readonly streamName: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
  readonly recordedAt: Date;
}

export interface AppendOptions {
  /** Defaults to 'any'. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  readonly nextRevision: StreamRevision;
  readonly position: GlobalPosition;
}

export interface ReadStreamOptions {
  /** Inclusive. Defaults to 0 forwards, the end backwards. */
  readonly fromRevision?: StreamRevision;
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
  /**
   * The caller decides on what it reads and appends with the revision it read, so a stale answer
   * costs it only a lost race: a caching decorator may answer a whole forward read from memory
   * without asking the store. Adapters read as always.
   */
  readonly staleAllowed?: boolean;
}

/** One stream of a multi-stream read: its events from `fromRevision` (inclusive; 0 when omitted), forwards. */
export interface StreamRead {
  readonly streamName: string;
  readonly fromRevision?: StreamRevision;
}

export type EventFilter =
  | { readonly streamNamePrefixes: readonly string[] }
  | { readonly eventTypePrefixes: readonly string[] };

export interface ReadAllOptions {
  /** Exclusive: only events after this position. Omitted: from the start. */
  readonly after?: GlobalPosition;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface ReadAllResult {
  readonly events: readonly RecordedEvent[];
  /**
   * The position up to which the log has been scanned (events filtered out included), so
   * that a filtered reader can move its checkpoint even when nothing matched. Undefined when
   * nothing was scanned.
   */
  readonly lastPosition: GlobalPosition | undefined;
  readonly isEnd: boolean;
}

export interface SubscribeOptions {
  /** Exclusive start position; omitted means from the start of the log. */
  readonly after?: GlobalPosition;
  readonly filter?: EventFilter;
  /** Largest number of events read per page; defaults to the adapter's. */
  readonly batchSize?: number;
}

/**
 * What a catch-up subscription yields, in order: historical events, then `caught_up`
 * once history is exhausted, then live events. `checkpoint` marks a position up to which
 * the log has been scanned (also when a filter matched nothing), at the end of every page.
 */
export type SubscriptionMessage =
  | { readonly type: 'event'; readonly event: RecordedEvent }
  | { readonly type: 'checkpoint'; readonly position: GlobalPosition }
  | { readonly type: 'caught_up'; readonly position: GlobalPosition | undefined };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops the subscription; a pending iteration ends without error. Idempotent. */
  close(): Promise<void>;
}

export interface EventStore {
  append(streamName: string, events: readonly EventData[], options?: AppendOptions): Promise<AppendResult>;
  /** A stream's events; an empty array for a stream that has no events. */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams' events forwards, answered in the order asked: in one round trip where the
   * store can (PostgreSQL: one statement), else as parallel `readStream`s (`readEachStream`).
   * A decorator must pass it on, or every caller pays a round trip per stream.
   */
  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /**
   * The position of the last event a reader of the global log can see now (undefined for an
   * empty log), in O(1): how far a catch-up has to go, for progress and lag.
   */
  headPosition(): Promise<GlobalPosition | undefined>;
  subscribe(options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

/** `readStreams` for a store that has no multi-stream read of its own: each stream, in parallel. */
export function readEachStream(store: Pick<EventStore, 'readStream'>, reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
  return Promise.all(reads.map((read) => store.readStream(read.streamName, read.fromRevision === undefined ? {} : { fromRevision: read.fromRevision })));
}

export type CurrentRevision = StreamRevision | 'no_stream';

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: CurrentRevision,
  ) {
    // Messages name a session stream by its handle: they reach logs (a lost renewal race is one).
    super(`Wrong expected version on '${maskSessionStreams(streamName)}': expected ${String(expected)}, actual ${String(actual)}.`);
  }
}

/** The store cannot be reached or failed for an infrastructure reason; the command may be retried. */
export class EventStoreUnavailableError extends Error {
  override readonly name: string = 'EventStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(maskSessionStreams(message), options);
  }
}

/**
 * The store refused this process: wrong credentials, none where they are needed, or an ACL that
 * shuts its user out. Unavailable to the client (503) like any store failure; the message says
 * which, for the operator, and never carries the credentials.
 */
export class EventStoreAccessDeniedError extends EventStoreUnavailableError {
  override readonly name: string = 'EventStoreAccessDeniedError';
}

export class AppendTooLargeError extends Error {
  override readonly name = 'AppendTooLargeError';
  constructor(readonly streamName: string, readonly limitBytes: number) {
    super(`Append to '${maskSessionStreams(streamName)}' exceeds the maximum append size of ${limitBytes} bytes.`);
  }
}

/** The stream was hard-deleted (EventStoreDB tombstone). */
export class StreamDeletedError extends Error {
  override readonly name = 'StreamDeletedError';
  constructor(readonly streamName: string) {
    super(`Stream '${maskSessionStreams(streamName)}' is deleted.`);
  }
}

export function revisionOf(events: readonly RecordedEvent[]): CurrentRevision {
  const last = events[events.length - 1];
  return last === undefined ? 'no_stream' : last.revision;
}

import type {
  EventStoreDBClient} from '@eventstore/db-client';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  jsonEvent,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import type {
  AppendOptions,
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  GlobalPosition,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
  SubscribeOptions,
  StreamRead,
} from '../event-store';
import { EventStoreUnavailableError, readEachStream } from '../event-store';
import { DEFAULT_MAX_APPEND_SIZE_BYTES, validateAppend, validateMaxCount } from '../append-validation';
import { DEFAULT_SCAN_WINDOW, matchesFilter } from '../event-filter';
import { OpenSubscriptions } from '../open-subscriptions';
import { clientOfConnectionString } from './connection-string';
import { esdbCatchUpSubscription } from './esdb-catch-up-subscription';
import { isUnreachable, toPortError } from './eventstoredb-errors';

const RETRY_AFTER_MS = 50;
import { isSystemEvent, toEsdbPosition, toGlobalPosition, toRecordedEvent } from './recorded-event';

export interface EventStoreDbEventStoreOptions {
  /** Must match the server's MaxAppendSize, so an oversized batch is refused before it is sent. */
  readonly maxAppendSizeBytes?: number;
  readonly readAllChunkSize?: number;
  /** Records a filtered page scans at most (default DEFAULT_SCAN_WINDOW, or maxCount when larger). */
  readonly scanWindow?: number;
  readonly subscriptionHighWaterMark?: number;
  readonly resubscribeInitialMs?: number;
  readonly resubscribeMaxMs?: number;
  readonly onSubscriptionDropped?: (error: unknown, resumeAfter: GlobalPosition | undefined) => void;
}

/**
 * Positions are EventStoreDB's commit positions. `$all` as the port shows it leaves out the
 * server's system events, but they still move the scan position, so a checkpoint never stops
 * behind them.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly maxAppendSizeBytes: number;
  private readonly chunkSize: number;
  private readonly scanWindow: number;
  private readonly subscriptions: OpenSubscriptions;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.maxAppendSizeBytes = options.maxAppendSizeBytes ?? DEFAULT_MAX_APPEND_SIZE_BYTES;
    this.chunkSize = options.readAllChunkSize ?? 500;
    this.scanWindow = options.scanWindow ?? DEFAULT_SCAN_WINDOW;
    this.subscriptions = new OpenSubscriptions((subscribeOptions, onClose) =>
      esdbCatchUpSubscription(client, {
        ...(subscribeOptions.after === undefined ? {} : { after: subscribeOptions.after }),
        ...(subscribeOptions.filter === undefined ? {} : { filter: subscribeOptions.filter }),
        batchSize: subscribeOptions.batchSize ?? 500,
        highWaterMark: options.subscriptionHighWaterMark ?? Math.max(subscribeOptions.batchSize ?? 0, 1_000),
        retryInitialMs: options.resubscribeInitialMs ?? 100,
        retryMaxMs: options.resubscribeMaxMs ?? 5_000,
        ...(options.onSubscriptionDropped === undefined ? {} : { onDropped: options.onSubscriptionDropped }),
        onClose,
      }),
    );
  }

  static fromConnectionString(connectionString: string, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(clientOfConnectionString(connectionString), options);
  }

  async append(streamName: string, events: readonly EventData[], options: AppendOptions = {}): Promise<AppendResult> {
    validateAppend(streamName, events, this.maxAppendSizeBytes);
    const expected = options.expectedRevision ?? 'any';
    const proposed = events.map((event) =>
      jsonEvent({ id: event.id.toLowerCase(), type: event.type, data: (event.data ?? null) as never, metadata: event.metadata as never }),
    );
    try {
      // Safe to send twice: the same event ids make a replay idempotent (semantics rule 11).
      const result = await retryOnceIfUnreachable(() =>
        this.client.appendToStream(streamName, proposed, { expectedRevision: toClientExpected(expected) }),
      );
      if (result.position === undefined) throw new EventStoreUnavailableError(`The append to '${streamName}' reported no position.`);
      return { nextRevision: result.nextExpectedRevision, position: toGlobalPosition(result.position) };
    } catch (error) {
      throw toPortError(error, streamName, expected);
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateMaxCount(options.maxCount);
    const backwards = options.direction === 'backwards';
    const read = async (): Promise<RecordedEvent[]> => {
      const recorded: RecordedEvent[] = [];
      const events = this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of events) {
        const event = toRecordedEvent(resolved);
        if (event !== undefined) recorded.push(event);
      }
      return recorded;
    };
    try {
      return await retryOnceIfUnreachable(read);
    } catch (error) {
      // The port answers an empty stream for one that never existed or was soft-deleted.
      if (error instanceof StreamNotFoundError) return [];
      throw toPortError(error, streamName);
    }
  }

  /** EventStoreDB reads one stream per call: the streams are read in parallel. */
  readStreams(reads: readonly StreamRead[]): Promise<RecordedEvent[][]> {
    return readEachStream(this, reads);
  }

  /**
   * The client reads `$all` without a server-side filter, so a filtered read scans chunks and
   * filters here; `lastPosition` is the last record scanned, matching or not. A page scans at
   * most its window (maxCount records, or the scan window when filtered), so a rare filter
   * answers a short page with `isEnd` false instead of scanning the rest of the log.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    validateMaxCount(options.maxCount);
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const window = options.filter === undefined ? wanted : Math.max(wanted, this.scanWindow);
    const events: RecordedEvent[] = [];
    let scannedUpTo = options.after;
    let scanned = 0;
    let lastPosition: GlobalPosition | undefined;
    for (;;) {
      const chunk = await this.readAllChunk(scannedUpTo, Math.min(this.chunkSize, window - scanned));
      const fresh = chunk.records.filter((record) => scannedUpTo === undefined || record.position > scannedUpTo);
      for (const [index, record] of fresh.entries()) {
        lastPosition = record.position;
        scanned++;
        if (record.event !== undefined && matchesFilter(record.event, options.filter)) events.push(record.event);
        if (events.length >= wanted || scanned >= window) {
          const isEnd = index === fresh.length - 1 && chunk.reachedEnd;
          return { events, lastPosition, isEnd };
        }
      }
      if (fresh.length === 0 || chunk.reachedEnd) return { events, lastPosition, isEnd: true };
      scannedUpTo = lastPosition;
    }
  }

  async headPosition(): Promise<GlobalPosition | undefined> {
    const read = async (): Promise<GlobalPosition | undefined> => {
      let head: GlobalPosition | undefined;
      // Read the stream to its end: leaving a gRPC read half-consumed keeps its call open.
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        if (resolved.event?.position !== undefined) head ??= toGlobalPosition(resolved.event.position);
      }
      return head;
    };
    try {
      return await retryOnceIfUnreachable(read);
    } catch (error) {
      throw toPortError(error, '$all');
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    validateMaxCount(options.batchSize);
    return this.subscriptions.subscribe(options);
  }

  async close(): Promise<void> {
    await this.subscriptions.closeAll();
    await this.client.dispose();
  }

  /** One request's worth of `$all` from an inclusive position (forward reads include their start). */
  private async readAllChunk(from: GlobalPosition | undefined, size: number): Promise<{ records: ScannedRecord[]; reachedEnd: boolean }> {
    const limit = size + 1;
    const read = async (): Promise<ScannedRecord[]> => {
      const records: ScannedRecord[] = [];
      const chunk = this.client.readAll({ direction: FORWARDS, fromPosition: from === undefined ? START : toEsdbPosition(from), maxCount: limit });
      for await (const resolved of chunk) {
        const position = resolved.event?.position;
        if (position === undefined) continue;
        records.push({ position: toGlobalPosition(position), event: isSystemEvent(resolved) ? undefined : toRecordedEvent(resolved) });
      }
      return records;
    };
    try {
      const records = await retryOnceIfUnreachable(read);
      return { records, reachedEnd: records.length < limit };
    } catch (error) {
      throw toPortError(error, '$all');
    }
  }
}

interface ScannedRecord {
  readonly position: GlobalPosition;
  /** Undefined for a system event: scanned, but not part of the application's log. */
  readonly event: RecordedEvent | undefined;
}

/**
 * After a lost connection the client replaces its channel, and a call caught on the old one
 * fails before it reached the server ("Channel closed before call started"). One quick retry
 * lets the first request after a reconnect succeed; a server that is really down fails it again.
 */
async function retryOnceIfUnreachable<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    return operation();
  }
}

function toClientExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}
